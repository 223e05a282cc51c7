import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../../domain/access.js';
import { createAccount, listAccounts } from '../../services/auth/accounts.js';
import { changePassword, login, logout, sessionHours, sessionPrincipal } from '../../services/auth/sessions.js';
import { createToken, listTokens, revokeToken } from '../../services/auth/tokens.js';
import { listAudit } from '../../services/audit.js';
import { actingAs, type ServiceContext } from '../../services/context.js';
import { queryOf, SESSION_COOKIE } from '../auth.js';
import { ErrorBody } from '../errors.js';

const Role = z.enum(ROLES);
const Who = z
  .object({
    name: z.string(),
    role: Role,
    node: z.string().nullable().describe('the scope: a sector or region node, or a unit; null for national roles'),
    via: z.enum(['session', 'token', 'admin-token', 'cli']),
  })
  .meta({ id: 'Principal' });
// What accounts and tokens share: a role at a node, granted by someone.
const Grant = z.object({
  id: z.number().int(),
  name: z.string(),
  role: Role,
  node: z.string().nullable(),
  created_at: z.string(),
  created_by: z.string(),
});
const Token = Grant.extend({ revoked_at: z.string().nullable() }).meta({ id: 'Token' });
const Account = Grant.extend({ disabled: z.boolean() }).meta({ id: 'Account' });
const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    role: z.string(),
    action: z.string().describe('e.g. report.submit, report.import, alert.acknowledge, token.create, session.login'),
    target: z.string(),
    detail: z.record(z.string(), z.unknown()).describe('ids before and after; for reports, [unit, product, kind, date, version before, version after] per changed row'),
  })
  .meta({ id: 'AuditEntry' });

const Errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody };

/** Sessions, password change, API tokens, accounts and the audit trail. */
export const accessRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext; secureCookies: boolean }> = async (app, { ctx, secureCookies }) => {
  app.post(
    '/api/session',
    {
      config: { permission: { need: 'open' }, rateLimit: { max: 10, timeWindow: 60_000, keyGenerator: (req) => `login:${req.ip}` } },
      schema: {
        tags: ['access'],
        summary: 'Sign in: sets an http-only session cookie and returns the CSRF token that changes must send',
        body: z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) }),
        response: { 200: z.object({ principal: Who, csrf_token: z.string(), expires_at: z.string() }), ...Errors },
      },
    },
    async (req, reply) => {
      const s = await login(ctx, req.body.name, req.body.password);
      reply.setCookie(SESSION_COOKIE, s.id, {
        httpOnly: true,
        secure: secureCookies,
        sameSite: 'strict',
        path: '/',
        maxAge: sessionHours() * 3600,
      });
      return { principal: s.principal, csrf_token: s.csrf, expires_at: s.expires.toISOString() };
    },
  );

  app.get(
    '/api/session',
    {
      config: { permission: { need: 'signed_in' } },
      schema: {
        tags: ['access'],
        summary: 'Who is signed in (session or token), with the session CSRF token',
        response: { 200: z.object({ principal: Who, csrf_token: z.string().nullable() }), ...Errors },
      },
    },
    async (req) => {
      const cookie = req.cookies[SESSION_COOKIE];
      const s = req.sessionHash && cookie ? await sessionPrincipal(ctx, cookie) : null;
      return { principal: req.principal!, csrf_token: s?.csrf ?? null };
    },
  );

  app.delete(
    '/api/session',
    {
      config: { permission: { need: 'signed_in' } },
      schema: { tags: ['access'], summary: 'Sign out: ends the session', response: { 200: z.object({ ended: z.boolean() }), ...Errors } },
    },
    async (req, reply) => {
      if (!req.sessionHash) return { ended: false };
      await logout(actingAs(ctx, req.principal), req.sessionHash);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ended: true };
    },
  );

  app.post(
    '/api/session/password',
    {
      config: { permission: { need: 'signed_in' }, rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: {
        tags: ['access'],
        summary: "Change the signed-in account's password; its other sessions end",
        body: z.object({ current_password: z.string().min(1).max(1024), new_password: z.string().min(1).max(1024) }),
        response: { 200: z.object({ changed: z.literal(true) }), ...Errors },
      },
    },
    async (req) => {
      await changePassword(actingAs(ctx, req.principal), req.body.current_password, req.body.new_password, req.sessionHash);
      return { changed: true as const };
    },
  );

  app.post(
    '/api/tokens',
    {
      config: { permission: { need: 'manage', scope: 'service' } },
      schema: {
        tags: ['access'],
        summary: 'Create an API token (admins; planners; ministries and committees within their subtree); the token is shown once',
        body: z.object({ role: Role, node: z.string().min(1).max(64).nullish(), name: z.string().min(1).max(100) }),
        response: { 200: z.object({ id: z.number().int(), token: z.string() }), ...Errors },
      },
    },
    async (req) => createToken(actingAs(ctx, req.principal), req.body),
  );

  app.get(
    '/api/tokens',
    {
      config: { permission: { need: 'manage', scope: 'service' } },
      schema: { tags: ['access'], summary: 'Tokens the caller could create or revoke, newest first', response: { 200: z.array(Token), ...Errors } },
    },
    async (req) => listTokens(actingAs(ctx, req.principal)),
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: { permission: { need: 'manage', scope: 'service' } },
      schema: {
        tags: ['access'],
        summary: 'Revoke a token, at once',
        params: z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) }),
        response: { 200: Token, ...Errors },
      },
    },
    async (req) => revokeToken(actingAs(ctx, req.principal), req.params.id),
  );

  app.post(
    '/api/users',
    {
      config: { permission: { need: 'admin' } },
      schema: {
        tags: ['access'],
        summary: 'Create an account (admins); without a password one is generated and returned once',
        body: z.object({ name: z.string().min(1).max(64), role: Role, node: z.string().min(1).max(64).nullish(), password: z.string().max(1024).optional() }),
        response: { 200: z.object({ account: Account, password: z.string().nullable() }), ...Errors },
      },
    },
    async (req) => createAccount(actingAs(ctx, req.principal), req.body),
  );

  app.get(
    '/api/users',
    {
      config: { permission: { need: 'admin' } },
      schema: { tags: ['access'], summary: 'Every account (admins)', response: { 200: z.array(Account), ...Errors } },
    },
    async () => listAccounts(ctx),
  );

  app.get(
    '/api/audit',
    {
      config: { permission: { need: 'manage', scope: (req) => [queryOf(req).node] } },
      schema: {
        tags: ['access'],
        summary: "Audit entries of the node's subtree (default: the nation), newest first",
        querystring: z.object({
          node: z.string().min(1).max(64).optional(),
          action: z.string().min(1).max(64).optional(),
          before: z.coerce.number().int().min(1).optional().describe('entries with a smaller id (paging)'),
          limit: z.coerce.number().int().min(1).max(5000).optional().describe('default 100'),
        }),
        response: { 200: z.object({ entries: z.array(AuditEntry) }), ...Errors },
      },
    },
    async (req) => ({ entries: await listAudit(ctx, req.query) }),
  );
};
