import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import { createAccount } from '../../src/services/auth/accounts.js';
import type { ServiceContext } from '../../src/services/context.js';
import { loadDemo } from '../../src/services/demo/load.js';
import { loadReportingModel } from '../../src/services/reporting/model-cache.js';
import { migrate, type Store } from '../../src/store/index.js';
import { TEST_ADMIN_TOKEN } from '../support/auth.js';
import { postgresUnavailable, storeFixture } from '../support/stores.js';

// The authorization matrix: every operation of the OpenAPI document x every role x a request inside
// and outside the role's scope. The expectations are written out here, independently of the server's
// own declarations, and the document's x-norma-permission must agree with them.

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`access tests: skipping the PostgreSQL half: ${pgReason}`);

const TODAY = '2026-03-11';
const PASSWORD = 'correct horse battery staple';
const ROLES = ['admin', 'planner', 'ministry', 'committee', 'reporter', 'analyst', 'public'] as const;
type Role = (typeof ROLES)[number];
type Need = 'open' | 'published' | 'signed_in' | 'read' | 'write' | 'manage' | 'admin';
const CAN: Record<Need, readonly Role[]> = {
  open: ROLES,
  published: ROLES,
  signed_in: ROLES,
  read: ['admin', 'planner', 'ministry', 'committee', 'reporter', 'analyst'],
  write: ['admin', 'planner', 'ministry', 'committee', 'reporter'],
  manage: ['admin', 'planner', 'ministry', 'committee'],
  admin: ['admin'],
};
const NATIONAL: readonly Role[] = ['admin', 'planner', 'analyst', 'public'];

/** What a request touches: the role's own kind of node (in scope) or the same kind elsewhere (out). */
interface Target {
  unit: string;
  product: string;
  tree: 'sector' | 'region';
  node: string;
  alert: number;
  victimToken: () => Promise<number>;
  fresh: () => number;
}
interface Req {
  method?: string;
  url: string;
  json?: unknown;
  form?: FormData;
}
/** selection: in/out of scope decides for scoped roles; national: scoped roles never; none: scope plays no part. */
type Scope = 'selection' | 'national' | 'none';
const q = (t: Target) => `tree=${t.tree}&node=${t.node}`;
const ROUTES: Record<string, { need: Need; scope: Scope; sample: (t: Target) => Req | Promise<Req> }> = {
  'GET /api/health': { need: 'open', scope: 'none', sample: () => ({ url: '/api/health' }) },
  'POST /api/session': { need: 'open', scope: 'none', sample: () => ({ method: 'POST', url: '/api/session', json: { name: 'kim', password: PASSWORD } }) },
  'GET /api/session': { need: 'signed_in', scope: 'none', sample: () => ({ url: '/api/session' }) },
  'DELETE /api/session': { need: 'signed_in', scope: 'none', sample: () => ({ method: 'DELETE', url: '/api/session' }) },
  'POST /api/session/password': {
    need: 'signed_in', scope: 'none',
    sample: () => ({ method: 'POST', url: '/api/session/password', json: { current_password: PASSWORD, new_password: `${PASSWORD}!` } }),
  },
  'GET /api/products': { need: 'published', scope: 'none', sample: () => ({ url: '/api/products' }) },
  'GET /api/periods/{id}': { need: 'published', scope: 'none', sample: () => ({ url: '/api/periods/2026-M03' }) },
  'GET /api/units/{code}': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/units/${t.unit}` }) },
  'GET /api/trees/{tree}': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/trees/${t.tree}?node=${t.node}&depth=1` }) },
  'GET /api/fulfilment': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/fulfilment?${q(t)}&product=${t.product}&period=2026-M03` }) },
  'GET /api/fulfilment/children': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/fulfilment/children?${q(t)}&product=${t.product}&period=2026-M03` }) },
  'GET /api/completeness': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/completeness?${q(t)}&period=2026-M03` }) },
  'GET /api/reports/history': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/reports/history?unit=${t.unit}&product=${t.product}&date=2026-03-02` }) },
  'POST /api/reports': {
    need: 'write', scope: 'selection',
    sample: (t) => ({ method: 'POST', url: '/api/reports', json: { reports: [{ unit: t.unit, product: t.product, date: '2026-03-10', quantity: 100 + t.fresh() }] } }),
  },
  'POST /api/reports/import': {
    need: 'write', scope: 'selection',
    sample: (t) => {
      const form = new FormData();
      form.append('file', new Blob([`unit,product,date,quantity\n${t.unit},${t.product},2026-03-09,${200 + t.fresh()}\n`], { type: 'text/csv' }), 'r.csv');
      return { method: 'POST', url: '/api/reports/import', form };
    },
  },
  'GET /api/alerts': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/alerts?node=${t.node}` }) },
  'POST /api/alerts/escalate': { need: 'manage', scope: 'national', sample: () => ({ method: 'POST', url: '/api/alerts/escalate', json: {} }) },
  'GET /api/alerts/{id}': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/alerts/${t.alert}` }) },
  'POST /api/alerts/{id}/acknowledge': { need: 'write', scope: 'selection', sample: (t) => ({ method: 'POST', url: `/api/alerts/${t.alert}/acknowledge`, json: { note: 'seen' } }) },
  'GET /api/records': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/records?unit=${t.unit}` }) },
  'GET /api/standards': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/standards?unit=${t.unit}` }) },
  'GET /api/indices': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/indices?unit=${t.unit}&product=${t.product}&period=2026-M03` }) },
  'GET /api/forecast': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/forecast?unit=${t.unit}&product=${t.product}&period=2026-M03` }) },
  'GET /api/stream': { need: 'read', scope: 'selection', sample: (t) => ({ url: `/api/stream?node=${t.node}` }) },
  'POST /api/tokens': {
    need: 'manage', scope: 'selection',
    sample: (t) => ({ method: 'POST', url: '/api/tokens', json: { role: 'reporter', node: t.unit, name: `made-${t.fresh()}` } }),
  },
  'GET /api/tokens': { need: 'manage', scope: 'none', sample: () => ({ url: '/api/tokens' }) },
  'DELETE /api/tokens/{id}': { need: 'manage', scope: 'selection', sample: async (t) => ({ method: 'DELETE', url: `/api/tokens/${await t.victimToken()}` }) },
  'POST /api/users': {
    need: 'admin', scope: 'none',
    sample: (t) => ({ method: 'POST', url: '/api/users', json: { name: `user-${t.fresh()}`, role: 'reporter', node: t.unit } }),
  },
  'GET /api/users': { need: 'admin', scope: 'none', sample: () => ({ url: '/api/users' }) },
  'GET /api/audit': { need: 'manage', scope: 'selection', sample: (t) => ({ url: `/api/audit?node=${t.node}` }) },
};

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`access control on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    let ctx: ServiceContext;
    let app: FastifyInstance;
    let base: string;
    let counter = 0;
    const tokens = new Map<Role, string>();
    // In scope: unit A, its top sector and its province; out of scope: unit B, in neither.
    const a = { unit: '', product: '', sector: '', province: '', alert: 0 };
    const b = { unit: '', product: '', sector: '', province: '', alert: 0 };

    const call = async (r: Req, auth?: string | null, extra: Record<string, string> = {}): Promise<Answer> => {
      const headers: Record<string, string> = { ...extra };
      if (auth) headers.authorization = `Bearer ${auth}`;
      let body: string | FormData | undefined;
      if (r.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(r.json);
      } else if (r.form) body = r.form;
      const ac = new AbortController();
      const res = await fetch(base + r.url, { method: r.method ?? 'GET', headers, body, signal: ac.signal });
      if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        ac.abort();
        return { status: res.status, body: null, headers: res.headers };
      }
      const text = await res.text();
      return { status: res.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text, headers: res.headers };
    };
    const fingerprint = async () =>
      (
        await store.query(
          `select (select count(*) from report)::int as reports, (select coalesce(sum(quantity), 0)::text from actual_cell) as actual,
                  (select count(*) from audit)::int as audit, (select count(*) from api_token)::int as tokens,
                  (select count(*) from api_token where revoked_at is not null)::int as revoked, (select count(*) from account)::int as accounts,
                  (select count(*) from alert where status = 'acknowledged')::int as acked, (select count(*) from alert_escalation)::int as escalations,
                  (select count(*) from session where ended_at is null)::int as sessions, (select count(*) from idempotency)::int as keys`,
        )
      )[0];

    beforeAll(async () => {
      store = await fixture.open();
      await migrate(store);
      await loadDemo(store, { seed: 11, units: 80, through: '2026-03-10' });
      ctx = { store, org: 1, today: () => TODAY, now: () => new Date(`${TODAY}T08:00:00+09:00`) };
      app = await buildServer(ctx, { adminToken: TEST_ADMIN_TOKEN, rateLimit: 0, secureCookies: false });
      base = await app.listen({ port: 0, host: '127.0.0.1' });

      const model = await loadReportingModel(ctx);
      const outputs = await store.query<{ unit: string; product: string }>(
        `select up.unit, min(up.product) as product from unit_product up join product p on p.org = up.org and p.code = up.product
          where up.role = 'output' and p.aggregation = 'sum' group by up.unit order by up.unit`,
      );
      const info = (code: string) => {
        const u = model.unitsByCode.get(code)!;
        return { sector: u.sectorChain[u.sectorChain.length - 1], province: u.regionChain[u.regionChain.length - 1] };
      };
      Object.assign(a, outputs[0], info(outputs[0].unit));
      const far = outputs.find((o) => info(o.unit).sector !== a.sector && info(o.unit).province !== a.province)!;
      Object.assign(b, far, info(far.unit));
      for (const t of [a, b]) {
        const [r] = await store.query<{ id: number }>(
          `insert into alert (org, type, unit_id, product_id, level, status, opened_on, opened_at, last_day, escalated_to, escalation_since)
           select 1, 'trend', u.id, p.id, 'alert', 'open', '2026-03-05', now(), '2026-03-05', u.code, '2026-03-05'
             from unit u, product p where u.org = 1 and p.org = 1 and u.code = $1 and p.code = $2 returning id`,
          [t.unit, t.product],
        );
        t.alert = r.id;
      }
      const nodes: Record<Role, string | null> = {
        admin: null, planner: null, analyst: null, public: null, ministry: a.sector, committee: a.province, reporter: a.unit,
      };
      const admin = { ...ctx, actor: { name: 'setup', role: 'admin' as const, node: null, via: 'cli' as const } };
      await createAccount(admin, { name: 'kim', role: 'reporter', node: a.unit, password: PASSWORD });
      for (const role of ROLES) {
        const res = await call({ method: 'POST', url: '/api/tokens', json: { role, node: nodes[role], name: `matrix-${role}` } }, TEST_ADMIN_TOKEN);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.token).toMatch(/^nrm_[A-Za-z0-9_-]{43}$/);
        tokens.set(role, res.body.token);
      }
    });
    afterAll(async () => {
      await app?.close();
      await fixture.cleanup();
    });

    const targetFor = (role: Role, inside: boolean): Target => {
      const t = inside ? a : b;
      const [tree, node] =
        role === 'committee' ? (['region', t.province] as const) : role === 'reporter' ? (['sector', t.unit] as const) : (['sector', t.sector] as const);
      return {
        unit: t.unit,
        product: t.product,
        tree,
        node,
        alert: t.alert,
        fresh: () => ++counter,
        victimToken: async () => {
          const res = await call({ method: 'POST', url: '/api/tokens', json: { role: 'reporter', node: t.unit, name: `victim-${++counter}` } }, TEST_ADMIN_TOKEN);
          return res.body.id as number;
        },
      };
    };

    it('declares every operation of the OpenAPI document here, with the permission the document states', async () => {
      const doc = (await call({ url: '/openapi.json' })).body;
      const ops: string[] = [];
      for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
        for (const [method, op] of Object.entries(item)) {
          ops.push(`${method.toUpperCase()} ${path}`);
          expect({ op: `${method} ${path}`, need: op['x-norma-permission'] }).toEqual({ op: `${method} ${path}`, need: ROUTES[`${method.toUpperCase()} ${path}`]?.need });
          const anyone = op['x-norma-permission'] === 'open' || op['x-norma-permission'] === 'published';
          expect(op.security).toEqual(anyone ? [] : [{ bearer: [] }, { session: [] }]);
        }
      }
      expect(ops.sort()).toEqual(Object.keys(ROUTES).sort());
    });

    it('every route x every role x in and out of scope: allowed, or 403 with nothing written', async () => {
      let allowed = 0;
      let denied = 0;
      for (const [op, route] of Object.entries(ROUTES)) {
        for (const role of ROLES) {
          for (const inside of [true, false]) {
            const scoped = !NATIONAL.includes(role);
            let expectAllow = CAN[route.need].includes(role);
            if (expectAllow && scoped && route.scope === 'national') expectAllow = false;
            if (expectAllow && scoped && route.scope === 'selection') expectAllow = inside;
            const req = await route.sample(targetFor(role, inside));
            const before = await fingerprint();
            const res = await call(req, tokens.get(role)!);
            const what = `${op} as ${role} ${inside ? 'in' : 'out of'} scope -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
            if (expectAllow) {
              allowed++;
              expect(res.status < 500 && res.status !== 401 && res.status !== 403, what).toBe(true);
            } else {
              denied++;
              expect(res.status, what).toBe(403);
              expect(res.body.error, what).toBe('NORMA_ERR_FORBIDDEN');
              expect(await fingerprint(), what).toEqual(before);
            }
          }
        }
      }
      console.log(`access matrix on ${kind}: ${Object.keys(ROUTES).length} operations x ${ROLES.length} roles x 2 scopes: ${allowed} allowed, ${denied} denied`);
      expect(denied).toBeGreaterThan(100);
    }, 240_000);

    it('without a token, or with an unknown or revoked one, every non-open route answers 401 and writes nothing', async () => {
      const revoked = await call({ method: 'POST', url: '/api/tokens', json: { role: 'planner', name: 'to-revoke' } }, TEST_ADMIN_TOKEN);
      expect((await call({ method: 'DELETE', url: `/api/tokens/${revoked.body.id}` }, TEST_ADMIN_TOKEN)).status).toBe(200);
      let checked = 0;
      for (const [op, route] of Object.entries(ROUTES)) {
        for (const auth of [null, 'nrm_not-a-real-token', revoked.body.token as string, 'Basic abc']) {
          if ((route.need === 'open' || route.need === 'published') && auth === null) continue;
          const req = await route.sample(targetFor('planner', true));
          const before = await fingerprint();
          const res = auth === 'Basic abc' ? await call(req, null, { authorization: auth }) : await call(req, auth);
          expect(res.status, `${op} with ${auth}`).toBe(401);
          expect(res.body.error).toBe('NORMA_ERR_UNAUTHORIZED');
          expect(await fingerprint()).toEqual(before);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
      // Open pages and published material need no credential.
      expect((await call({ url: '/api/products' })).status).toBe(200);
      expect((await call({ url: '/api/periods/2026' })).status).toBe(200);
      expect((await call({ url: '/openapi.json' })).status).toBe(200);
      expect((await call({ url: '/docs/' })).status).toBe(200);
    });

    it('a batch with one row outside the scope is refused whole, naming the row', async () => {
      const before = await fingerprint();
      const res = await call(
        { method: 'POST', url: '/api/reports', json: { reports: [
          { unit: a.unit, product: a.product, date: '2026-03-08', quantity: 1 },
          { unit: b.unit, product: b.product, date: '2026-03-08', quantity: 1 },
        ] } },
        tokens.get('committee')!,
      );
      expect(res.status).toBe(403);
      expect(res.body.details).toEqual([{ row: 1, field: 'unit', reason: `outside the scope ${a.province}` }]);
      expect(await fingerprint()).toEqual(before);
    });

    it('sessions: login sets an http-only cookie; changes need the CSRF token; logout ends it; wrong passwords say nothing more', async () => {
      const wrong = await call({ method: 'POST', url: '/api/session', json: { name: 'kim', password: 'not the password at all' } });
      const nobody = await call({ method: 'POST', url: '/api/session', json: { name: 'nobody', password: 'not the password at all' } });
      expect([wrong.status, nobody.status]).toEqual([401, 401]);
      expect(wrong.body).toEqual(nobody.body);

      const accountName = `sess-${++counter}`;
      await createAccount({ ...ctx, actor: { name: 'setup', role: 'admin', node: null, via: 'cli' } }, { name: accountName, role: 'committee', node: a.province, password: PASSWORD });
      const login = await call({ method: 'POST', url: '/api/session', json: { name: accountName, password: PASSWORD } });
      expect(login.status).toBe(200);
      const setCookie = login.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/^norma_session=[A-Za-z0-9_-]{43};/);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      const cookie = setCookie.split(';')[0];
      const csrf = login.body.csrf_token as string;
      expect(login.body.principal).toEqual({ name: accountName, role: 'committee', node: a.province, via: 'session' });

      const me = await call({ url: '/api/session' }, null, { cookie });
      expect(me.body).toMatchObject({ principal: { name: accountName, role: 'committee' }, csrf_token: csrf });
      expect((await call({ url: `/api/fulfilment?tree=region&node=${a.province}&product=${a.product}&period=2026-M03` }, null, { cookie })).status).toBe(200);

      const report = { method: 'POST', url: '/api/reports', json: { reports: [{ unit: a.unit, product: a.product, date: '2026-03-07', quantity: 7 }] } };
      const before = await fingerprint();
      const noCsrf = await call(report, null, { cookie });
      expect(noCsrf.status).toBe(403);
      expect(noCsrf.body.error).toBe('NORMA_ERR_CSRF');
      const badCsrf = await call(report, null, { cookie, 'x-csrf-token': `${csrf}x` });
      expect(badCsrf.body.error).toBe('NORMA_ERR_CSRF');
      expect(await fingerprint()).toEqual(before);
      const ok = await call(report, null, { cookie, 'x-csrf-token': csrf });
      expect(ok.status).toBe(200);
      const history = await call({ url: `/api/reports/history?unit=${a.unit}&product=${a.product}&date=2026-03-07` }, TEST_ADMIN_TOKEN);
      expect(history.body.versions.at(-1).reported_by).toBe(accountName);

      // A second session; changing the password ends the other one, not this one.
      const other = (await call({ method: 'POST', url: '/api/session', json: { name: accountName, password: PASSWORD } })).headers.get('set-cookie')!.split(';')[0];
      const short = await call({ method: 'POST', url: '/api/session/password', json: { current_password: PASSWORD, new_password: 'short' } }, null, { cookie, 'x-csrf-token': csrf });
      expect(short.status).toBe(422);
      const changed = await call({ method: 'POST', url: '/api/session/password', json: { current_password: PASSWORD, new_password: `${PASSWORD} 2` } }, null, { cookie, 'x-csrf-token': csrf });
      expect(changed.status).toBe(200);
      expect((await call({ url: '/api/session' }, null, { cookie: other })).status).toBe(401);
      expect((await call({ url: '/api/session' }, null, { cookie })).status).toBe(200);
      expect((await call({ method: 'POST', url: '/api/session', json: { name: accountName, password: PASSWORD } })).status).toBe(401);

      const out = await call({ method: 'DELETE', url: '/api/session' }, null, { cookie, 'x-csrf-token': csrf });
      expect(out.body).toEqual({ ended: true });
      expect((await call({ url: '/api/session' }, null, { cookie })).status).toBe(401);
    });

    it('tokens: a ministry grants reporters within its sector only; revoking works at once', async () => {
      const ministry = tokens.get('ministry')!;
      const made = await call({ method: 'POST', url: '/api/tokens', json: { role: 'reporter', node: a.unit, name: 'plc' } }, ministry);
      expect(made.status).toBe(200);
      const tooHigh = await call({ method: 'POST', url: '/api/tokens', json: { role: 'planner', name: 'up' } }, ministry);
      expect(tooHigh.status).toBe(403);
      const badNode = await call({ method: 'POST', url: '/api/tokens', json: { role: 'ministry', node: a.province, name: 'x' } }, TEST_ADMIN_TOKEN);
      expect(badNode.status).toBe(422);
      expect(badNode.body.details[0].field).toBe('node');
      const listed = (await call({ url: '/api/tokens' }, ministry)).body as { id: number; role: string; node: string }[];
      expect(listed.map((t) => t.id)).toContain(made.body.id);
      expect(listed.every((t) => t.role === 'reporter' || t.role === 'ministry')).toBe(true);
      expect((await call({ url: `/api/records?unit=${a.unit}` }, made.body.token)).status).toBe(200);
      expect((await call({ method: 'DELETE', url: `/api/tokens/${made.body.id}` }, ministry)).status).toBe(200);
      expect((await call({ url: `/api/records?unit=${a.unit}` }, made.body.token)).status).toBe(401);
      expect((await call({ method: 'DELETE', url: `/api/tokens/${made.body.id}` }, ministry)).status).toBe(409);
    });

    it('audit: every change leaves an entry in its transaction, found under each node it concerns and not elsewhere', async () => {
      const reporter = tokens.get('reporter')!;
      const res = await call({ method: 'POST', url: '/api/reports', json: { reports: [{ unit: a.unit, product: a.product, date: '2026-03-06', quantity: 4242 }] } }, reporter);
      expect(res.status).toBe(200);
      const mine = (await call({ url: `/api/audit?node=${a.province}&action=report.submit&limit=1` }, TEST_ADMIN_TOKEN)).body.entries[0];
      expect(mine).toMatchObject({ actor: 'matrix-reporter', role: 'reporter', action: 'report.submit', target: 'reports' });
      expect(mine.detail.changed).toEqual([[a.unit, a.product, 'output', '2026-03-06', 1, 2]]);
      const elsewhere = (await call({ url: `/api/audit?node=${b.province}&action=report.submit&limit=1000` }, TEST_ADMIN_TOKEN)).body.entries as { id: number }[];
      expect(elsewhere.map((e) => e.id)).not.toContain(mine.id);
      // The committee of A's province reads it; the committee of B's province may not ask.
      expect((await call({ url: `/api/audit?node=${a.province}` }, tokens.get('committee')!)).status).toBe(200);
      expect((await call({ url: `/api/audit?node=${b.province}` }, tokens.get('committee')!)).status).toBe(403);
      expect((await call({ url: '/api/audit?node=NOPE' }, TEST_ADMIN_TOKEN)).status).toBe(404);
      await expect(store.query('update audit set actor = $1', ['someone else'])).rejects.toThrow(/append-only/);
      await expect(store.query('delete from audit')).rejects.toThrow(/append-only/);
      const actions = (await store.query<{ action: string }>('select distinct action from audit order by action')).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['account.create', 'account.password', 'alert.acknowledge', 'alert.escalate', 'report.import', 'report.submit', 'session.login', 'session.logout', 'token.create', 'token.revoke']));
    });

    it('responses carry security headers and never a stack trace', async () => {
      const res = await call({ url: '/api/products' }, TEST_ADMIN_TOKEN);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      const bad = await call({ method: 'POST', url: '/api/reports', json: { reports: 'x' } }, TEST_ADMIN_TOKEN);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    });
  });
}

/** A server over an empty PGlite store, with the test admin token and the given rate limit. */
function emptyServer(rateLimit: number) {
  const fixture = storeFixture('pglite');
  let app: FastifyInstance | undefined;
  return {
    async start(): Promise<string> {
      const store = await fixture.open();
      await migrate(store);
      app = await buildServer({ store, org: 1, today: () => TODAY }, { adminToken: TEST_ADMIN_TOKEN, rateLimit });
      return app.listen({ port: 0, host: '127.0.0.1' });
    },
    async stop(): Promise<void> {
      await app?.close();
      await fixture.cleanup();
    },
  };
}

describe('rate limits', () => {
  const server = emptyServer(5);
  let base: string;
  beforeAll(async () => {
    base = await server.start();
  });
  afterAll(() => server.stop());

  it('a token over its limit gets 429 in the error shape; logins are limited per address', async () => {
    const statuses: number[] = [];
    let last: any;
    for (let i = 0; i < 7; i++) {
      const res = await fetch(`${base}/api/products`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      statuses.push(res.status);
      last = await res.json();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(last).toMatchObject({ error: 'NORMA_ERR_RATE_LIMITED', details: [{ field: 'rate' }] });
    const logins: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', password: 'y' }) });
      logins.push(res.status);
    }
    expect(logins.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(logins.slice(10)).toEqual([429, 429]);
  });
});

describe('text the store cannot hold', () => {
  const server = emptyServer(0);
  let base: string;
  beforeAll(async () => {
    base = await server.start();
  });
  afterAll(() => server.stop());

  it('NUL or an unpaired surrogate in any field is a 400 naming the field, in the query and in the body', async () => {
    const headers = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };
    for (const name of ['n\u0000', '\ud800', 'x\udc00y']) {
      const res = await fetch(`${base}/api/tokens`, { method: 'POST', headers, body: JSON.stringify({ role: 'public', name }) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'NORMA_ERR_BAD_REQUEST', details: [{ field: 'name', in: 'body' }] });
    }
    const q = await fetch(`${base}/api/audit?action=%00`, { headers });
    expect(q.status).toBe(400);
    expect(((await q.json()) as { details: unknown[] }).details[0]).toMatchObject({ field: 'action', in: 'query' });
    const url = await fetch(`${base}/api/alerts/%zz`, { headers });
    expect(url.status).toBe(400);
    expect(await url.json()).toMatchObject({ error: 'NORMA_ERR_BAD_REQUEST', details: [{ field: 'url' }] });
    const emoji = await fetch(`${base}/api/tokens`, { method: 'POST', headers, body: JSON.stringify({ role: 'public', name: 'plc 😀' }) });
    expect(emoji.status).toBe(200);
  });
});
