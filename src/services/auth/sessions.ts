import type { Principal, Role } from '../../domain/access.js';
import { writeAudit } from '../audit.js';
import { actingAs, type ServiceContext } from '../context.js';
import { NormaError } from '../errors.js';
import { reportingModel } from '../reporting/model-cache.js';
import { accountPrincipal } from './accounts.js';
import { nodesOf } from './scope.js';
import { decoyHash, hashPassword, passwordProblem, randomSecret, secretHash, verifyPassword } from './secrets.js';

/** How long a web session lasts (hours), from NORMA_SESSION_HOURS; 12 by default. */
export function sessionHours(): number {
  const h = Number(process.env.NORMA_SESSION_HOURS ?? 12);
  return Number.isFinite(h) && h > 0 ? h : 12;
}

/** A session just opened: the cookie value (shown once) and its CSRF token. */
export interface OpenedSession {
  readonly id: string;
  readonly csrf: string;
  readonly expires: Date;
  readonly principal: Principal;
}

const refused = () => new NormaError('NORMA_ERR_UNAUTHORIZED', 'wrong name or password', [{ field: 'password', reason: 'wrong name or password' }]);

/**
 * Checks a name and password and opens a session. A wrong name and a wrong password take the same
 * time and give the same answer.
 * @example const s = await login(ctx, 'kim', 'correct horse battery');
 */
export async function login(ctx: ServiceContext, name: string, password: string): Promise<OpenedSession> {
  const [a] = await ctx.store.query<{ id: number; name: string; role: Role; node: string | null; password_hash: string; disabled_at: unknown }>(
    'select id, name, role, node, password_hash, disabled_at from account where org = $1 and name = $2',
    [ctx.org, name],
  );
  const ok = await verifyPassword(a?.password_hash ?? (await decoyHash()), password);
  if (!a || !ok || a.disabled_at !== null) throw refused();
  const principal = accountPrincipal(a);
  const id = randomSecret(32);
  const csrf = randomSecret(24);
  const now = ctx.now?.() ?? new Date();
  const expires = new Date(now.getTime() + sessionHours() * 3_600_000);
  const model = await reportingModel(ctx);
  await ctx.store.transaction(async (tx) => {
    await tx.query('insert into session (org, id_hash, account_id, csrf, created_at, expires_at) values ($1, $2, $3, $4, $5, $6)', [
      ctx.org, secretHash(id), a.id, csrf, now.toISOString(), expires.toISOString(),
    ]);
    await writeAudit(tx, actingAs(ctx, principal), { action: 'session.login', target: `account ${a.id}`, nodes: nodesOf(model, a.node), detail: { expires: expires.toISOString() } });
  });
  return { id, csrf, expires, principal };
}

/** The principal and CSRF token of a live session cookie, or null when unknown, ended or expired. */
export async function sessionPrincipal(ctx: ServiceContext, id: string): Promise<{ principal: Principal; csrf: string; hash: string } | null> {
  const hash = secretHash(id);
  const [s] = await ctx.store.query<{ csrf: string; id: number; name: string; role: Role; node: string | null }>(
    `select s.csrf, a.id, a.name, a.role, a.node from session s join account a on a.org = s.org and a.id = s.account_id
      where s.id_hash = $1 and s.org = $2 and s.ended_at is null and s.expires_at > $3 and a.disabled_at is null`,
    [hash, ctx.org, (ctx.now?.() ?? new Date()).toISOString()],
  );
  return s ? { principal: accountPrincipal(s), csrf: s.csrf, hash } : null;
}

/** Ends a session (logout). */
export async function logout(ctx: ServiceContext, sessionHash: string): Promise<void> {
  const model = await reportingModel(ctx);
  await ctx.store.transaction(async (tx) => {
    await tx.query('update session set ended_at = now() where id_hash = $1 and org = $2 and ended_at is null', [sessionHash, ctx.org]);
    await writeAudit(tx, ctx, { action: 'session.logout', target: `account ${ctx.actor?.accountId ?? '?'}`, nodes: nodesOf(model, ctx.actor?.node ?? null), detail: {} });
  });
}

/**
 * Changes the acting account's password after checking the current one; every other session of the
 * account ends.
 */
export async function changePassword(ctx: ServiceContext, current: string, next: string, keepSession?: string): Promise<void> {
  const p = ctx.actor;
  if (!p || p.accountId === undefined) {
    throw new NormaError('NORMA_ERR_BAD_REQUEST', 'a password belongs to an account: sign in with a session to change it', [{ field: 'session', reason: 'not a session' }]);
  }
  const problem = passwordProblem(next);
  if (problem) throw new NormaError('NORMA_ERR_VALIDATION', `new_password: ${problem}`, [{ field: 'new_password', reason: problem }]);
  const [a] = await ctx.store.query<{ password_hash: string }>('select password_hash from account where org = $1 and id = $2', [ctx.org, p.accountId]);
  if (!a || !(await verifyPassword(a.password_hash, current))) {
    throw new NormaError('NORMA_ERR_VALIDATION', 'current_password is wrong', [{ field: 'current_password', reason: 'wrong password' }]);
  }
  const phc = await hashPassword(next);
  const model = await reportingModel(ctx);
  await ctx.store.transaction(async (tx) => {
    await tx.query('update account set password_hash = $3, password_changed_at = now() where org = $1 and id = $2', [ctx.org, p.accountId, phc]);
    const ended = await tx.query('update session set ended_at = now() where org = $1 and account_id = $2 and ended_at is null and id_hash <> $3 returning 1', [
      ctx.org, p.accountId, keepSession ?? '',
    ]);
    await writeAudit(tx, ctx, { action: 'account.password', target: `account ${p.accountId}`, nodes: nodesOf(model, p.node), detail: { sessions_ended: ended.length } });
  });
}
