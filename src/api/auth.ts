import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { roleHas, type Need, type Principal } from '../domain/access.js';
import { assertSelection } from '../services/auth/scope.js';
import { sessionPrincipal } from '../services/auth/sessions.js';
import { adminTokenPrincipal, tokenPrincipal } from '../services/auth/tokens.js';
import { sameSecret } from '../services/auth/secrets.js';
import type { ServiceContext } from '../services/context.js';
import { NormaError } from '../services/errors.js';

/** The cookie that carries a web session id. */
export const SESSION_COOKIE = 'norma_session';

/**
 * What a route needs, declared by every route: the capability, and for scoped reads and writes the
 * codes the request selects (a node, optionally cut by a node of the other tree). A route that
 * checks rows or objects itself (a report batch, a file) says so with `scope: 'service'`; one that
 * acts on the whole nation with `scope: 'national'`. Reads, writes and management must say which.
 */
export interface Permission {
  readonly need: Need;
  readonly scope?: 'service' | 'national' | ((req: FastifyRequest) => (string | undefined)[] | Promise<(string | undefined)[]>);
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** Hash of the session id when the request came with a session cookie. */
    sessionHash?: string;
  }
  interface FastifyContextConfig {
    permission?: Permission;
    /** The handler names every bad row itself (422 by row), so request-wide text checks skip the body. */
    checksOwnRows?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Routes mounted by the API-docs plugin: open by nature, declared here in one place. */
function isDocsRoute(url: string): boolean {
  return url === '/docs' || url.startsWith('/docs/');
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  if (!m) throw new NormaError('NORMA_ERR_UNAUTHORIZED', 'Authorization must be "Bearer <token>"', [{ field: 'Authorization', reason: 'not a bearer token' }]);
  return m[1];
}

function cookieValue(req: FastifyRequest): string | undefined {
  const v = (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[SESSION_COOKIE];
  return v || undefined;
}

async function authenticate(req: FastifyRequest, ctx: ServiceContext, adminToken: string | undefined): Promise<void> {
  const token = bearer(req);
  if (token !== undefined) {
    const p = adminTokenPrincipal(token, adminToken) ?? (await tokenPrincipal(ctx, token));
    if (!p) throw new NormaError('NORMA_ERR_UNAUTHORIZED', 'unknown or revoked token', [{ field: 'Authorization', reason: 'unknown or revoked token' }]);
    req.principal = p;
    return;
  }
  const sid = cookieValue(req);
  if (sid === undefined) return;
  const s = await sessionPrincipal(ctx, sid);
  if (!s) return; // an ended or expired session is no session; the route decides whether it needs one
  req.principal = s.principal;
  req.sessionHash = s.hash;
  // Cookies ride along with cross-site requests; a request that changes data must also carry the
  // session's CSRF token, which only a page of this origin can read (synchronizer token pattern).
  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !sameSecret(sent, s.csrf)) {
      throw new NormaError('NORMA_ERR_CSRF', 'a session request that changes data needs the X-CSRF-Token header of its session', [
        { field: 'X-CSRF-Token', reason: sent === undefined ? 'missing' : 'does not match the session' },
      ]);
    }
  }
}

/**
 * Authentication and authorization for every route: a route without a declared permission cannot
 * be registered; each request is authenticated (bearer token or session cookie), its capability
 * checked before the body is read, and its selection checked against the principal's scope before
 * the handler runs.
 */
export function registerAuth(app: FastifyInstance, ctx: ServiceContext, opts: { adminToken?: string }): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (isDocsRoute(route.url)) route.config = { ...route.config, permission: { need: 'open' } };
    const permission = (route.config as { permission?: Permission } | undefined)?.permission;
    if (!permission) throw new Error(`route ${String(route.method)} ${route.url} declares no permission (config.permission)`);
    if ((permission.need === 'read' || permission.need === 'write' || permission.need === 'manage') && !permission.scope) {
      throw new Error(`route ${String(route.method)} ${route.url} needs ${permission.need} but declares no scope`);
    }
    if (route.schema && !route.schema.hide) {
      // The OpenAPI document says, for every operation, what it needs and how to authenticate.
      const schema = route.schema as Record<string, unknown>;
      schema['x-norma-permission'] = permission.need;
      schema.security = permission.need === 'open' || permission.need === 'published' ? [] : [{ bearer: [] }, { session: [] }];
    }
  });

  app.addHook('onRequest', async (req) => {
    const permission = req.routeOptions.config?.permission;
    if (!permission) return; // no such route: the not-found handler answers
    await authenticate(req, ctx, opts.adminToken);
    if (permission.need === 'open' || permission.need === 'published') return;
    const p = req.principal;
    if (!p) {
      throw new NormaError('NORMA_ERR_UNAUTHORIZED', 'sign in (POST /api/session) or send "Authorization: Bearer <token>"', [
        { field: 'Authorization', reason: 'missing' },
      ]);
    }
    if (!roleHas(p.role, permission.need)) {
      throw new NormaError('NORMA_ERR_FORBIDDEN', `a ${p.role} may not use ${req.method} ${req.routeOptions.url} (needs ${permission.need})`, [
        { field: 'role', reason: `needs ${permission.need}` },
      ]);
    }
  });

  app.addHook('preHandler', async (req) => {
    const permission = req.routeOptions.config?.permission;
    if (!permission?.scope || permission.scope === 'service' || !req.principal) return;
    const codes = permission.scope === 'national' ? [] : await permission.scope(req);
    await assertSelection(ctx, req.principal, codes);
  });
}

/** The query object of a validated request, for scope functions. */
export function queryOf(req: FastifyRequest): Record<string, string | undefined> {
  return (req.query ?? {}) as Record<string, string | undefined>;
}
