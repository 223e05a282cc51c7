import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import type { ServiceContext } from '../../src/services/context.js';
import { loadDemo } from '../../src/services/demo/load.js';
import { submitReports } from '../../src/services/reporting/submit.js';
import { migrate, type Store } from '../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../support/stores.js';
import { adminFetch as fetch, TEST_ADMIN_TOKEN } from '../support/auth.js';

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`monitoring API tests: skipping the PostgreSQL half: ${pgReason}`);

const ALERT_KEYS = [
  'acknowledge_note', 'acknowledged_at', 'acknowledged_by', 'closed_on', 'detail', 'escalated_to', 'escalation', 'id', 'last_day', 'level',
  'opened_at', 'opened_on', 'product', 'status', 'type', 'unit',
];

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`monitoring HTTP API on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    let ctx: ServiceContext;
    let app: FastifyInstance;
    let base: string;
    let unit: { code: string; product: string; county: string; province: string };
    let alertId = 0;
    const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const res = await fetch(base + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    beforeAll(async () => {
      store = await fixture.open();
      await migrate(store);
      await loadDemo(store, { seed: 7, units: 40, through: '2026-03-10' });
      ctx = { store, org: 1, today: () => '2026-03-11', now: () => new Date('2026-03-11T08:00:00+09:00') };
      app = await buildServer(ctx, { adminToken: TEST_ADMIN_TOKEN });
      base = await app.listen({ port: 0, host: '127.0.0.1' });
      const [u] = await store.query<{ code: string; product: string; county: string; province: string }>(
        `select u.code, up.product, u.region as county, t.parent as province
           from unit u join unit_product up on up.org = u.org and up.unit = u.code and up.role = 'output'
           join product p on p.org = 1 and p.code = up.product and p.aggregation = 'sum'
           join tree_node t on t.org = 1 and t.tree = 'region' and t.code = u.region
          where u.org = 1 and not exists (select 1 from report_current r where r.org = 1 and r.unit_id = u.id and extract(isodow from r.day) = 7)
          order by u.id, up.product limit 1`,
      );
      unit = u;
      // a step in the unit's output, reported on two days (the server's hook is registered by its plugin)
      const [{ avg }] = await store.query<{ avg: number }>(
        `select avg(q)::float8 as avg from (select c.quantity as q from report_current c join unit x on x.org = 1 and x.id = c.unit_id
            join product p on p.org = 1 and p.id = c.product_id where x.code = $1 and p.code = $2 and c.kind = 'output' order by c.day desc limit 10) t`,
        [unit.code, unit.product],
      );
      for (const day of ['2026-03-11', '2026-03-12']) {
        await submitReports({ ...ctx, today: () => day }, [{ unit: unit.code, product: unit.product, date: day, quantity: (avg * 1.3).toFixed(3) }], { by: 'test', rowBase: 0 });
      }
    });
    afterAll(async () => {
      await app?.close();
      await fixture.cleanup();
    });

    it('GET /api/alerts lists the alert a step opened, filtered by node, status, level and type', async () => {
      const { status, body } = await call('GET', `/api/alerts?node=${unit.code}&type=trend&status=open`);
      expect(status).toBe(200);
      expect(body).toHaveLength(1);
      expect(Object.keys(body[0]).sort()).toEqual(ALERT_KEYS);
      expect(body[0]).toMatchObject({ unit: unit.code, product: unit.product, type: 'trend', status: 'open', escalated_to: unit.code, escalation: 'unit' });
      alertId = body[0].id;
      expect((await call('GET', `/api/alerts?node=${unit.county}`)).body.map((a: { id: number }) => a.id)).toContain(alertId);
      expect((await call('GET', `/api/alerts?node=${unit.code}&type=implausible`)).body).toEqual([]);
      expect((await call('GET', `/api/alerts?node=${unit.code}&status=closed`)).body).toEqual([]);
      const one = await call('GET', `/api/alerts/${alertId}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: alertId, escalations: [] });
    });

    it('POST /api/alerts/escalate moves it up the region tree, with its history in GET /api/alerts/:id', async () => {
      const run = await call('POST', '/api/alerts/escalate', { today: '2026-03-16' });
      expect(run.status).toBe(200);
      expect(run.body.today).toBe('2026-03-16');
      const mine = run.body.steps.filter((s: { alert: number }) => s.alert === alertId);
      expect(mine).toEqual([
        { alert: alertId, step: 1, from: unit.code, to: unit.county, due_on: '2026-03-14' },
        { alert: alertId, step: 2, from: unit.county, to: unit.province, due_on: '2026-03-16' },
      ]);
      const { body } = await call('GET', `/api/alerts/${alertId}`);
      expect(body).toMatchObject({ escalated_to: unit.province, escalation: 'province' });
      expect(body.escalations.map((e: { to: string }) => e.to)).toEqual([unit.county, unit.province]);
      expect((await call('GET', `/api/alerts?node=${unit.province}&status=open`)).body.map((a: { id: number }) => a.id)).toContain(alertId);
      const again = await call('POST', '/api/alerts/escalate');
      expect(again.status).toBe(200);
      expect(again.body.today).toBe('2026-03-11');
    });

    it('POST /api/alerts/:id/acknowledge acknowledges once, then answers 409', async () => {
      const ok = await call('POST', `/api/alerts/${alertId}/acknowledge`, { by: 'provincial-committee', note: 'inspection team sent' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ id: alertId, status: 'acknowledged', acknowledged_by: 'admin-token', acknowledge_note: 'inspection team sent' });
      const twice = await call('POST', `/api/alerts/${alertId}/acknowledge`, { by: 'someone' });
      expect(twice.status).toBe(409);
      expect(twice.body.error).toBe('NORMA_ERR_CONFLICT');
      const moved = (await call('POST', '/api/alerts/escalate', { today: '2026-04-30' })).body.steps.filter((s: { alert: number }) => s.alert === alertId);
      expect(moved).toEqual([]);
      expect((await call('GET', `/api/alerts?node=${unit.code}&status=acknowledged`)).body.map((a: { id: number }) => a.id)).toEqual([alertId]);
    });

    it('GET /api/records, /api/standards, /api/indices and /api/forecast answer in their shapes', async () => {
      const rec = await call('GET', `/api/records?unit=${unit.code}&product=${unit.product}`);
      expect(rec.status).toBe(200);
      expect(rec.body.unit).toBe(unit.code);
      expect(rec.body.records).toHaveLength(1);
      expect(rec.body.records[0]).toMatchObject({ product: unit.product, best_day: { date: expect.any(String), quantity: expect.any(String) } });
      expect(Array.isArray(rec.body.events)).toBe(true);
      const all = await call('GET', `/api/records?unit=${unit.code}`);
      expect(all.body.records.map((r: { product: string }) => r.product)).toContain(unit.product);

      const std = await call('GET', `/api/standards?unit=${unit.code}`);
      expect(std.status).toBe(200);
      expect(std.body).toMatchObject({ unit: unit.code, workers: expect.any(Number), proposals: expect.any(Array) });

      const idx = await call('GET', `/api/indices?unit=${unit.code}&product=${unit.product}&period=2026-M02`);
      expect(idx.status).toBe(200);
      expect(idx.body).toMatchObject({ unit: unit.code, product: unit.product, period: '2026-M02', works_rest_days: false });
      for (const k of ['productivity', 'latency', 'performance']) expect(typeof idx.body[k]).toBe('number');
      expect(idx.body.performance).toBeCloseTo(idx.body.productivity * idx.body.latency, 9);
      expect(idx.body.latency).toBeLessThanOrEqual(1);

      const fc = await call('GET', `/api/forecast?unit=${unit.code}&product=${unit.product}&period=2026-M03`);
      expect(fc.status).toBe(200);
      expect(Object.keys(fc.body).sort()).toEqual(['actual', 'projected', 'projected_high', 'projected_low']);
      expect(Number(fc.body.projected_low)).toBeLessThan(Number(fc.body.projected));
      expect(Number(fc.body.projected)).toBeLessThan(Number(fc.body.projected_high));

      const doc = await call('GET', '/openapi.json');
      for (const p of ['/api/alerts', '/api/alerts/{id}', '/api/alerts/{id}/acknowledge', '/api/alerts/escalate', '/api/records', '/api/standards', '/api/indices', '/api/forecast']) {
        expect(Object.keys(doc.body.paths)).toContain(p);
      }
    });

    it('bad input is a 4xx JSON error naming the field', async () => {
      const cases: [string, string, unknown, number, string, string?][] = [
        ['GET', '/api/alerts?status=pending', undefined, 400, 'NORMA_ERR_BAD_REQUEST', 'status'],
        ['GET', '/api/alerts?level=panic', undefined, 400, 'NORMA_ERR_BAD_REQUEST', 'level'],
        ['GET', '/api/alerts?node=NOPE', undefined, 404, 'NORMA_ERR_NOT_FOUND', 'node'],
        ['GET', '/api/alerts/abc', undefined, 400, 'NORMA_ERR_BAD_REQUEST', 'id'],
        ['GET', '/api/alerts/999999', undefined, 404, 'NORMA_ERR_NOT_FOUND', 'id'],
        ['POST', '/api/alerts/999999/acknowledge', { by: 'x' }, 404, 'NORMA_ERR_NOT_FOUND', 'id'],
        ['POST', `/api/alerts/1/acknowledge`, { note: 7 }, 400, 'NORMA_ERR_BAD_REQUEST', 'note'],
        ['POST', '/api/alerts/escalate', { today: '2026-02-30' }, 400, 'NORMA_ERR_BAD_REQUEST', 'today'],
        ['GET', '/api/records', undefined, 400, 'NORMA_ERR_BAD_REQUEST', 'unit'],
        ['GET', '/api/records?unit=NOPE', undefined, 404, 'NORMA_ERR_NOT_FOUND', 'unit'],
        ['GET', `/api/records?unit=${'U-X'}&product=cement`, undefined, 404, 'NORMA_ERR_NOT_FOUND', 'unit'],
        ['GET', '/api/standards?unit=NOPE', undefined, 404, 'NORMA_ERR_NOT_FOUND', 'unit'],
        ['GET', `/api/indices?unit=UNIT&product=PRODUCT&period=2026-M13`, undefined, 400, 'NORMA_ERR_PERIOD'],
        ['GET', `/api/indices?unit=UNIT&product=nope&period=2026-M03`, undefined, 404, 'NORMA_ERR_NOT_FOUND', 'product'],
        ['GET', `/api/forecast?unit=UNIT&product=PRODUCT`, undefined, 400, 'NORMA_ERR_BAD_REQUEST', 'period'],
      ];
      for (const [method, raw, body, status, code, field] of cases) {
        const path = raw.replace('UNIT', unit.code).replace('PRODUCT', unit.product);
        const res = await call(method as 'GET' | 'POST', path, body);
        expect({ path, status: res.status }).toEqual({ path, status });
        expect(res.body.error).toContain(code);
        expect(typeof res.body.message).toBe('string');
        if (field) expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
    });
  });
}
