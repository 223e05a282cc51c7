import { canGrant, isRole, scopeKind, type Principal, type Role } from '../../domain/access.js';
import { writeAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { NormaError } from '../errors.js';
import { reportingModel } from '../reporting/model-cache.js';
import { coversIn, nodesOf } from './scope.js';
import { hashPassword, passwordProblem, randomSecret } from './secrets.js';

/** What accounts and tokens share: a role at a node, granted by someone. */
export interface GrantView {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
  readonly node: string | null;
  readonly created_at: string;
  readonly created_by: string;
}

/** An account as the API shows it (never its password hash). */
export interface AccountView extends GrantView {
  readonly disabled: boolean;
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

function bad(field: string, reason: string): never {
  throw new NormaError('NORMA_ERR_VALIDATION', `${field}: ${reason}`, [{ field, reason }]);
}

/**
 * Checks a role and node pair against the trees: national roles take no node, a ministry a
 * sector-tree node, a committee a region-tree node, a reporter a unit. Returns the node to store.
 */
export async function checkRoleNode(ctx: ServiceContext, role: unknown, node: unknown): Promise<{ role: Role; node: string | null }> {
  if (!isRole(role)) bad('role', `must be one of admin, planner, ministry, committee, reporter, analyst, public; got ${JSON.stringify(role)}`);
  const kind = scopeKind(role);
  if (kind === 'national') {
    if (node !== undefined && node !== null && node !== 'NATION') bad('node', `a ${role} is national and takes no node`);
    return { role, node: null };
  }
  if (typeof node !== 'string' || node === '') bad('node', `a ${role} needs a node (${kind === 'unit' ? 'a unit code' : `a ${kind}-tree node`})`);
  const model = await reportingModel(ctx);
  const ok = kind === 'unit' ? model.unitsByCode.has(node) : model.nodes.get(node)?.tree === kind;
  if (!ok) bad('node', `${JSON.stringify(node)} is not ${kind === 'unit' ? 'a unit' : `a node of the ${kind} tree`}`);
  return { role, node };
}

/**
 * Creates an account. With `password` absent a random one is generated and returned (shown once).
 * The acting principal (ctx.actor; absent for the CLI on the server's own machine) must be allowed
 * to grant the role at the node.
 * @example await createAccount(ctx, { name: 'kim', role: 'reporter', node: 'U-000001' }) // { account, password }
 */
export async function createAccount(
  ctx: ServiceContext,
  input: { name: unknown; role: unknown; node?: unknown; password?: unknown },
): Promise<{ account: AccountView; password: string | null }> {
  if (typeof input.name !== 'string' || !NAME.test(input.name)) bad('name', 'must be 1-64 letters, digits or . _ @ -');
  const { role, node } = await checkRoleNode(ctx, input.role, input.node);
  const model = await reportingModel(ctx);
  if (ctx.actor) {
    const g = canGrant(ctx.actor, role, node, coversIn(model));
    if (!g.ok) throw new NormaError('NORMA_ERR_FORBIDDEN', `${ctx.actor.name} may not create a ${role} account: ${g.reason}`, [{ field: 'role', reason: g.reason }]);
  }
  let password: string | null = null;
  if (input.password === undefined || input.password === null) password = randomSecret(15);
  else if (typeof input.password !== 'string') bad('password', 'must be a string');
  else {
    const problem = passwordProblem(input.password);
    if (problem) bad('password', problem);
  }
  const phc = await hashPassword((input.password as string | undefined) ?? password!);
  const name = input.name;
  const by = ctx.actor?.name ?? 'cli';
  const row = await ctx.store.transaction(async (tx) => {
    const [exists] = await tx.query('select 1 from account where org = $1 and name = $2', [ctx.org, name]);
    if (exists) throw new NormaError('NORMA_ERR_CONFLICT', `an account named ${JSON.stringify(name)} exists`, [{ field: 'name', reason: 'taken' }]);
    const [r] = await tx.query<{ id: number; created_at: Date | string }>(
      'insert into account (org, name, role, node, password_hash, created_by) values ($1, $2, $3, $4, $5, $6) returning id, created_at',
      [ctx.org, name, role, node, phc, by],
    );
    await writeAudit(tx, ctx, { action: 'account.create', target: `account ${r.id}`, nodes: nodesOf(model, node), detail: { after: { id: r.id, name, role, node } } });
    return r;
  });
  return {
    account: { id: row.id, name, role, node, created_at: new Date(row.created_at).toISOString(), created_by: by, disabled: false },
    password,
  };
}

/** Every account, by name. */
export async function listAccounts(ctx: ServiceContext): Promise<AccountView[]> {
  const rows = await ctx.store.query<{ id: number; name: string; role: Role; node: string | null; created_at: Date | string; created_by: string; disabled_at: unknown }>(
    'select id, name, role, node, created_at, created_by, disabled_at from account where org = $1 order by name',
    [ctx.org],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, node: r.node, created_at: new Date(r.created_at).toISOString(), created_by: r.created_by, disabled: r.disabled_at !== null }));
}

/** How many accounts exist (the first start creates an admin when there are none). */
export async function accountCount(ctx: ServiceContext): Promise<number> {
  const [r] = await ctx.store.query<{ n: number }>('select count(*)::int as n from account where org = $1', [ctx.org]);
  return r.n;
}

/**
 * On a first start with nothing configured: creates the account `admin` with a random password and
 * returns the password, to be shown once. Returns null when any account exists.
 */
export async function ensureFirstAdmin(ctx: ServiceContext): Promise<string | null> {
  if ((await accountCount(ctx)) > 0) return null;
  const { password } = await createAccount({ ...ctx, actor: undefined }, { name: 'admin', role: 'admin' });
  return password;
}

/** The principal of an account row. */
export function accountPrincipal(a: { id: number; name: string; role: Role; node: string | null }): Principal {
  return { name: a.name, role: a.role, node: a.node, via: 'session', accountId: a.id };
}
