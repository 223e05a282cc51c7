import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import { loadDemo } from '../../src/services/demo/load.js';
import { invalidateReportingModel } from '../../src/services/reporting/model-cache.js';
import { migrate, type Store } from '../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../support/stores.js';
import { adminFetch as fetch, TEST_ADMIN_TOKEN } from '../support/auth.js';

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`reporting API tests: skipping the PostgreSQL half: ${pgReason}`);

const TODAY = '2026-03-11';

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`reports and fulfilment over HTTP on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    let app: FastifyInstance;
    let base: string;
    let unit: string;
    let product: string;
    let other: string; // a second unit making the same product
    let county: string;
    let subsector: string;
    const get = async (path: string) => {
      const res = await fetch(base + path);
      return { status: res.status, body: (await res.json()) as any };
    };
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const actual = async (q: string) => (await get(`/api/fulfilment?product=${product}&${q}`)).body.actual as string;
    const reportCount = async () => (await store.query<{ n: number }>('select count(*) as n from report'))[0].n;

    beforeAll(async () => {
      store = await fixture.open();
      await migrate(store);
      await loadDemo(store, { seed: 11, units: 80, through: '2026-03-10' });
      app = await buildServer({ store, org: 1, today: () => TODAY, now: () => new Date(`${TODAY}T08:00:00+09:00`) }, { adminToken: TEST_ADMIN_TOKEN });
      base = await app.listen({ port: 0, host: '127.0.0.1' });
      const [row] = await store.query<{ unit: string; product: string; n: number }>(
        `select up.product, min(up.unit) as unit, count(*) as n from unit_product up join product p on p.org = up.org and p.code = up.product
          where up.role = 'output' and p.aggregation = 'sum' group by up.product having count(*) >= 2 order by count(*) desc, up.product limit 1`,
      );
      product = row.product;
      unit = row.unit;
      [{ unit: other }] = await store.query<{ unit: string }>(
        `select unit from unit_product where role = 'output' and product = $1 and unit <> $2 order by unit limit 1`, [product, unit]);
      const u = (await get(`/api/units/${unit}`)).body;
      county = u.region.code;
      subsector = u.sector.code;
    });
    afterAll(async () => {
      await app?.close();
      await fixture.cleanup();
    });

    it('a new report moves every rollup by exactly its quantity, and a correction by the difference, keeping history', async () => {
      const day = '2026-03-11';
      const before = { nation: await actual(`period=${day}`), month: await actual('period=2026-M03'), year: await actual('period=2026'),
        county: await actual(`tree=region&node=${county}&period=2026-M03`), cut: await actual(`sector=${subsector}&region=${county}&period=2026`) };
      const r1 = await post('/api/reports', { reports: [{ unit, product, date: day, quantity: '123.456', note: 'first' }] });
      expect(r1).toEqual({ status: 200, body: { rows: 1, imported: 1, corrected: 0, unchanged: 0 } });
      const plus = (a: string, d: number) => Number((Number(a) + d).toFixed(6));
      expect(Number(await actual(`period=${day}`))).toBe(plus(before.nation, 123.456));
      expect(Number(await actual('period=2026-M03'))).toBe(plus(before.month, 123.456));
      expect(Number(await actual('period=2026'))).toBe(plus(before.year, 123.456));
      expect(Number(await actual(`tree=region&node=${county}&period=2026-M03`))).toBe(plus(before.county, 123.456));
      expect(Number(await actual(`sector=${subsector}&region=${county}&period=2026`))).toBe(plus(before.cut, 123.456));

      const r2 = await post('/api/reports', { reports: [{ unit, product, date: day, quantity: 100, note: 'recount' }] });
      expect(r2.body).toEqual({ rows: 1, imported: 0, corrected: 1, unchanged: 0 });
      expect(Number(await actual('period=2026-M03'))).toBe(plus(before.month, 100));
      const same = await post('/api/reports', { reports: [{ unit, product, date: day, quantity: '100.000' }] });
      expect(same.body).toEqual({ rows: 1, imported: 0, corrected: 0, unchanged: 1 });

      const h = await get(`/api/reports/history?unit=${unit}&product=${product}&date=${day}`);
      expect(h.status).toBe(200);
      expect(h.body.versions.map((v: any) => [v.version, v.quantity, v.note])).toEqual([[1, '123.456', 'first'], [2, '100', 'recount']]);
      expect(h.body.versions[0].reported_by).toBe('admin-token');
      expect(Date.parse(h.body.versions[1].reported_at)).not.toBeNaN();
    });

    it('an Idempotency-Key counts once; reusing it with another body is a conflict', async () => {
      const body = { reports: [{ unit: other, product, date: '2026-03-11', quantity: 7 }] };
      const n0 = await reportCount();
      const first = await post('/api/reports', body, { 'Idempotency-Key': `k-${kind}` });
      const again = await post('/api/reports', body, { 'Idempotency-Key': `k-${kind}` });
      expect(first.status).toBe(200);
      expect(again).toEqual(first);
      expect(await reportCount()).toBe(n0 + 1);
      const clash = await post('/api/reports', { reports: [{ unit: other, product, date: '2026-03-11', quantity: 8 }] }, { 'Idempotency-Key': `k-${kind}` });
      expect(clash.status).toBe(409);
      expect(clash.body.error).toBe('NORMA_ERR_CONFLICT');
      expect(await reportCount()).toBe(n0 + 1);
    });

    it('one bad row leaves everything unchanged and every bad row is named by index and field', async () => {
      const n0 = await reportCount();
      const month0 = await actual('period=2026-M03');
      const res = await post('/api/reports', {
        reports: [
          { unit, product, date: '2026-03-09', quantity: 5 },
          { unit: 'NO-SUCH', product, date: '2026-03-09', quantity: 5 },
          { unit, product: 'no_such', date: '2026-03-09', quantity: 5 },
          { unit, product, date: '2026-03-12', quantity: 5 },
          { unit, product, date: '2026-02-30', quantity: 5 },
          { unit, product, date: '2026-03-08', quantity: -1 },
          { unit, product, date: '2026-03-07', quantity: 'lots' },
          { unit, product, date: '2026-03-09', quantity: 6 },
          { unit, product, date: '2026-03-06', quantity: 1, kind: 'stock' },
          { unit, product, date: '2025-12-31', quantity: 1 },
        ],
      });
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('NORMA_ERR_VALIDATION');
      expect(res.body.details.map((d: any) => [d.row, d.field])).toEqual([
        [1, 'unit'], [2, 'product'], [3, 'date'], [4, 'date'], [5, 'quantity'], [6, 'quantity'], [7, 'date'], [8, 'kind'], [9, 'date'],
      ]);
      expect(res.body.details[6].reason).toContain('duplicate of row 0');
      expect(await reportCount()).toBe(n0);
      expect(await actual('period=2026-M03')).toBe(month0);
      const notMade = await store.query<{ product: string }>(
        `select code as product from product where code not in (select product from unit_product where unit = $1) limit 1`, [unit]);
      const wrong = await post('/api/reports', { reports: [{ unit, product: notMade[0].product, date: '2026-03-09', quantity: 1 }] });
      expect(wrong.status).toBe(422);
      expect(wrong.body.details[0]).toMatchObject({ row: 0, field: 'product' });
      expect((await post('/api/reports', { reports: [] })).status).toBe(400);
      expect((await post('/api/reports', { nope: 1 })).status).toBe(400);
    });

    it('a national figure equals the sum of its children in both trees and in a cut', async () => {
      for (const tree of ['sector', 'region']) {
        for (const period of ['2026-M02', '2026-Q1', '2026-03-05', '2026-W10']) {
          const res = await get(`/api/fulfilment/children?tree=${tree}&product=${product}&period=${period}`);
          expect(res.status).toBe(200);
          const sum = res.body.children.reduce((a: number, c: any) => a + Number(c.actual), 0);
          expect(Number(sum.toFixed(6))).toBeCloseTo(Number(res.body.node.actual), 6);
          const units = res.body.children.reduce((a: number, c: any) => a + c.units_total, 0);
          expect(units).toBe(res.body.node.units_total);
          const targets = res.body.children.reduce((a: number, c: any) => a + Number(c.target ?? 0), 0);
          if (period.length === 8) expect(targets).toBeCloseTo(Number(res.body.node.target), 2);
        }
      }
      const province = (await get(`/api/units/${unit}`)).body.region.code;
      const byCounty = await get(`/api/fulfilment/children?tree=region&node=${county}&product=${product}&period=2026-Q1`);
      expect(byCounty.body.children.some((c: any) => c.node === unit)).toBe(true);
      expect(province).toMatch(/^C-|^P-/);
    });

    it('fulfilment has the contract fields, closed periods project to their actual, and CSV exports the same figures', async () => {
      const f = (await get(`/api/fulfilment?product=${product}&period=2026-M02`)).body;
      expect(Object.keys(f).sort()).toEqual(['actual', 'fulfilment', 'fulfilment_to_date', 'node', 'period', 'product', 'projected', 'projected_high',
        'projected_low', 'region', 'sector', 'target', 'target_to_date', 'units_fulfilled', 'units_total'].sort());
      expect(f.node).toBe('NATION');
      expect(f.fulfilment).toBeCloseTo(Number(f.actual) / Number(f.target), 9);
      expect(f.projected).toBe(f.actual);
      expect(f.target_to_date).toBe(f.target);
      expect(f.units_fulfilled).toBeLessThanOrEqual(f.units_total);
      const year = (await get(`/api/fulfilment?product=${product}&period=2026`)).body;
      expect(Number(year.target_to_date)).toBeLessThan(Number(year.target));
      expect(Number(year.projected_low)).toBeLessThanOrEqual(Number(year.projected));
      expect(Number(year.projected_high)).toBeGreaterThanOrEqual(Number(year.projected));
      // An open period: the filter's interval is a real interval around a projection beyond today's actual.
      expect(Number(year.projected_low)).toBeLessThan(Number(year.projected_high));
      expect(Number(year.projected)).toBeGreaterThan(Number(year.actual));
      expect(Number(year.projected) / Number(year.target)).toBeGreaterThan(0.5);
      expect(Number(year.projected) / Number(year.target)).toBeLessThan(1.5);
      const csv = await fetch(`${base}/api/fulfilment?product=${product}&period=2026-M02&format=csv`);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const [header, line] = (await csv.text()).trim().split('\n');
      expect(header.split(',')).toContain('fulfilment_to_date');
      expect(line.split(',')[header.split(',').indexOf('actual')]).toBe(f.actual);
      expect((await get(`/api/fulfilment?product=${product}&period=2026-M13`)).status).toBe(400);
      expect((await get(`/api/fulfilment?product=nope&period=2026`)).status).toBe(404);
      expect((await get(`/api/fulfilment?tree=region&node=NOPE&product=${product}&period=2026`)).status).toBe(404);
    });

    it('completeness counts due output reports by working day and timeliness counts late ones', async () => {
      const u = (await get(`/api/completeness?node=${unit}&period=2026-M02`)).body;
      const products = (await get(`/api/units/${unit}`)).body.products.length;
      const working = (await get(`/api/periods/2026-M02?region=${county}`)).body.working_day_count;
      const everyDay = (await store.query<{ e: boolean }>('select works_every_day as e from unit where code = $1', [unit]))[0].e;
      expect(u.expected).toBe((everyDay ? 28 : working) * products);
      expect(u.received).toBe(u.expected); // the demo reports every day due
      expect(u.completeness).toBe(1);
      expect(u.on_time).toBeLessThanOrEqual(u.received);
      const nation = (await get('/api/completeness?period=2026-M02')).body;
      const [{ late }] = await store.query<{ late: number }>(
        `select count(*) filter (where late) as late from report_current where kind = 'output' and day between '2026-02-01' and '2026-02-28'`);
      expect(nation.received - nation.on_time).toBe(late);
      expect(nation.timeliness).toBeCloseTo(nation.on_time / nation.received, 12);
      const open = (await get('/api/completeness?period=2026-M03')).body;
      expect(open.through).toBe('2026-03-10');
      expect((await get('/api/completeness?period=2026-M99')).status).toBe(400);
    });

    it('pushes changed figures to /api/stream within a second of a report', async () => {
      const controller = new AbortController();
      const res = await fetch(`${base}/api/stream`, { signal: controller.signal });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      await reader.read(); // the opening comment
      const t0 = Date.now();
      await post('/api/reports', { reports: [{ unit: other, product, date: '2026-03-10', quantity: 42 }] });
      let text = '';
      while (!text.includes('event: figures') && Date.now() - t0 < 3000) text += decoder.decode((await reader.read()).value);
      const elapsed = Date.now() - t0;
      controller.abort();
      expect(text).toContain('event: figures');
      expect(elapsed).toBeLessThan(1000 + 500); // one second, plus the POST itself
      const data = JSON.parse(text.split('data: ')[1].split('\n')[0]);
      expect(data.some((f: any) => f.sector === 'NATION' && f.region === 'NATION' && f.period === '2026-03-10' && f.product === product)).toBe(true);
    });
    it('a progress indicator aggregates as the capacity-weighted mean of its units\' latest levels', async () => {
      const [{ progress }] = await store.query<{ progress: string }>(
        `select code as progress from product where aggregation = 'weighted_mean' order by code limit 1`);
      await store.query(`delete from unit_product where product = $1`, [progress]);
      await store.query(
        `insert into unit_product (org, unit, product, role, capacity_per_day) values (1, $1, $3, 'output', 2), (1, $2, $3, 'output', 6)`,
        [unit, other, progress]);
      invalidateReportingModel({ store, org: 1, today: () => TODAY });
      const r = await post('/api/reports', { reports: [
        { unit, product: progress, date: '2026-02-10', quantity: 30 },
        { unit, product: progress, date: '2026-02-20', quantity: 40 },
        { unit: other, product: progress, date: '2026-02-15', quantity: 10 },
        { unit: other, product: progress, date: '2026-03-02', quantity: 90 },
      ] });
      expect(r.status).toBe(200);
      const feb = (await get(`/api/fulfilment?product=${progress}&period=2026-M02`)).body;
      expect(Number(feb.actual)).toBeCloseTo((2 * 40 + 6 * 10) / 8, 9); // not a sum: levels, weighted
      expect(feb.units_total).toBe(2);
      expect(feb.target).toBeNull(); // the plan sets no level for it
      const mar = (await get(`/api/fulfilment?product=${progress}&period=2026-M03`)).body;
      expect(Number(mar.actual)).toBeCloseTo((2 * 40 + 6 * 90) / 8, 9); // a level stands until the next report
      const one = (await get(`/api/fulfilment?node=${other}&product=${progress}&period=2026-Q1`)).body;
      expect(Number(one.actual)).toBe(90);
    });
  });
}
