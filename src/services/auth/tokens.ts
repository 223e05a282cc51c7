import { canGrant, type Principal, type Role } from '../../domain/access.js';
import { writeAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { NormaError } from '../errors.js';
import { reportingModel } from '../reporting/model-cache.js';
import { checkRoleNode, type GrantView } from './accounts.js';
import { coversIn, nodesOf } from './scope.js';
import { randomSecret, sameSecret, secretHash } from './secrets.js';

/** A token as lists show it (never the secret). */
export interface TokenView extends GrantView {
  readonly revoked_at: string | null;
}

/** Every API token starts with this, so a leaked one is easy to recognise in logs and scanners. */
export const TOKEN_PREFIX = 'nrm_';

function actorOf(ctx: ServiceContext): Principal {
  if (!ctx.actor) throw new Error('token services need an acting principal');
  return ctx.actor;
}

/**
 * Creates an API token for a role at a node, within what the acting principal may grant; the
 * secret is returned once and only its hash is kept.
 * @example const { token } = await createToken(ctx, { role: 'reporter', node: 'U-000001', name: 'plc-7' });
 */
export async function createToken(ctx: ServiceContext, input: { role: unknown; node?: unknown; name: unknown }): Promise<{ id: number; token: string }> {
  const actor = actorOf(ctx);
  if (typeof input.name !== 'string' || input.name.length < 1 || input.name.length > 100) {
    throw new NormaError('NORMA_ERR_VALIDATION', 'name: must be 1-100 characters', [{ field: 'name', reason: 'must be 1-100 characters' }]);
  }
  const { role, node } = await checkRoleNode(ctx, input.role, input.node);
  const model = await reportingModel(ctx);
  const g = canGrant(actor, role, node, coversIn(model));
  if (!g.ok) throw new NormaError('NORMA_ERR_FORBIDDEN', `${actor.name} may not create a ${role} token: ${g.reason}`, [{ field: 'role', reason: g.reason }]);
  const token = randomSecret(32, TOKEN_PREFIX);
  const name = input.name;
  const id = await ctx.store.transaction(async (tx) => {
    const [r] = await tx.query<{ id: number }>(
      'insert into api_token (org, name, role, node, token_hash, created_by) values ($1, $2, $3, $4, $5, $6) returning id',
      [ctx.org, name, role, node, secretHash(token), actor.name],
    );
    await writeAudit(tx, ctx, { action: 'token.create', target: `token ${r.id}`, nodes: nodesOf(model, node), detail: { after: { id: r.id, name, role, node } } });
    return r.id;
  });
  return { id, token };
}

/** The principal of a live token, or null when unknown or revoked. */
export async function tokenPrincipal(ctx: ServiceContext, token: string): Promise<Principal | null> {
  const [t] = await ctx.store.query<{ id: number; name: string; role: Role; node: string | null }>(
    'select id, name, role, node from api_token where token_hash = $1 and org = $2 and revoked_at is null',
    [secretHash(token), ctx.org],
  );
  return t ? { name: t.name, role: t.role, node: t.node, via: 'token', tokenId: t.id } : null;
}

/** The admin principal of NORMA_ADMIN_TOKEN, when `token` is that value. */
export function adminTokenPrincipal(token: string, adminToken: string | undefined): Principal | null {
  return adminToken && sameSecret(token, adminToken) ? { name: 'admin-token', role: 'admin', node: null, via: 'admin-token' } : null;
}

/** Tokens the acting principal could grant (and so revoke), newest first. */
export async function listTokens(ctx: ServiceContext): Promise<TokenView[]> {
  const actor = actorOf(ctx);
  const c = coversIn(await reportingModel(ctx));
  const rows = await ctx.store.query<{ id: number; name: string; role: Role; node: string | null; created_at: Date | string; created_by: string; revoked_at: Date | string | null }>(
    'select id, name, role, node, created_at, created_by, revoked_at from api_token where org = $1 order by id desc',
    [ctx.org],
  );
  return rows
    .filter((t) => canGrant(actor, t.role, t.node, c).ok)
    .map((t) => ({ ...t, created_at: new Date(t.created_at).toISOString(), revoked_at: t.revoked_at === null ? null : new Date(t.revoked_at).toISOString() }));
}

/** Revokes a token the acting principal could have granted; at once, for every later request. */
export async function revokeToken(ctx: ServiceContext, id: number): Promise<TokenView> {
  const actor = actorOf(ctx);
  const model = await reportingModel(ctx);
  return ctx.store.transaction(async (tx) => {
    const [t] = await tx.query<{ id: number; name: string; role: Role; node: string | null; created_at: Date | string; created_by: string; revoked_at: Date | string | null }>(
      'select id, name, role, node, created_at, created_by, revoked_at from api_token where org = $1 and id = $2 for update',
      [ctx.org, id],
    );
    if (!t) throw new NormaError('NORMA_ERR_NOT_FOUND', `no token ${id}`, [{ field: 'id', reason: 'unknown token' }]);
    const g = canGrant(actor, t.role, t.node, coversIn(model));
    if (!g.ok) throw new NormaError('NORMA_ERR_FORBIDDEN', `${actor.name} may not revoke token ${id}: ${g.reason}`, [{ field: 'id', reason: g.reason }]);
    if (t.revoked_at !== null) throw new NormaError('NORMA_ERR_CONFLICT', `token ${id} is already revoked`, [{ field: 'id', reason: 'revoked' }]);
    const [r] = await tx.query<{ revoked_at: Date | string }>(
      'update api_token set revoked_at = now(), revoked_by = $3 where org = $1 and id = $2 returning revoked_at',
      [ctx.org, id, actor.name],
    );
    await writeAudit(tx, ctx, { action: 'token.revoke', target: `token ${id}`, nodes: nodesOf(model, t.node), detail: { before: { revoked: false }, after: { revoked: true } } });
    return { ...t, created_at: new Date(t.created_at).toISOString(), revoked_at: new Date(r.revoked_at).toISOString() };
  });
}
