import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import { loadDemo } from '../../src/services/demo/load.js';
import { migrate, type Store } from '../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../support/stores.js';
import { adminFetch as fetch, TEST_ADMIN_TOKEN } from '../support/auth.js';

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`API tests: skipping the PostgreSQL half: ${pgReason}`);

interface TreeNode {
  code: string;
  name: string;
  kind: string;
  children: TreeNode[];
}

function walk(n: TreeNode, visit: (n: TreeNode, depth: number) => void, depth = 0): void {
  visit(n, depth);
  for (const c of n.children) walk(c, visit, depth + 1);
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`HTTP API on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    let app: FastifyInstance;
    let base: string;
    const get = async (path: string) => {
      const res = await fetch(base + path);
      return { status: res.status, body: (await res.json()) as any };
    };

    beforeAll(async () => {
      store = await fixture.open();
      await migrate(store);
      await loadDemo(store, { seed: 7, units: 120, through: '2026-02-10' });
      app = await buildServer({ store, org: 1, today: () => '2026-02-11' }, { adminToken: TEST_ADMIN_TOKEN });
      base = await app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await app?.close();
      await fixture.cleanup();
    });

    it('GET /api/health names the store', async () => {
      const { status, body } = await get('/api/health');
      expect(status).toBe(200);
      expect(body).toEqual({ status: 'ok', store: kind, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    });

    it('GET /openapi.json is OpenAPI 3.1 and lists every API route', async () => {
      const { status, body } = await get('/openapi.json');
      expect(status).toBe(200);
      expect(body.openapi).toMatch(/^3\.1/);
      for (const p of ['/api/health', '/api/trees/{tree}', '/api/units/{code}', '/api/products', '/api/periods/{id}']) {
        expect(Object.keys(body.paths)).toContain(p);
      }
      const docs = await fetch(`${base}/docs`, { redirect: 'follow' });
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('swagger');
    });

    it('GET /api/trees/sector has the nation, 12 sectors, and every unit exactly once as a leaf', async () => {
      const { status, body } = await get('/api/trees/sector');
      expect(status).toBe(200);
      expect(body.root.kind).toBe('nation');
      expect(body.root.children.filter((c: TreeNode) => c.kind === 'sector')).toHaveLength(12);
      const units: string[] = [];
      walk(body.root, (n) => {
        if (n.kind === 'unit') {
          units.push(n.code);
          expect(n.children).toEqual([]);
        }
      });
      expect(units).toHaveLength(120);
      expect(new Set(units).size).toBe(120);
    });

    it('GET /api/trees/region?node=&depth= returns just that subtree, depth levels deep', async () => {
      const whole = (await get('/api/trees/region')).body.root as TreeNode;
      const province = whole.children.find((p) => p.children.some((c) => c.children.length > 0))!;
      const { status, body } = await get(`/api/trees/region?node=${province.code}&depth=1`);
      expect(status).toBe(200);
      expect(body.root.code).toBe(province.code);
      expect(body.root.children.map((c: TreeNode) => c.code).sort()).toEqual(province.children.map((c) => c.code).sort());
      for (const c of body.root.children) expect(c.children).toEqual([]);
      const zero = await get(`/api/trees/region?node=${province.code}&depth=0`);
      expect(zero.body.root.children).toEqual([]);
    });

    it('every unit sits under one county and one sub-sector, matching GET /api/units/:code', async () => {
      const region = (await get('/api/trees/region')).body.root as TreeNode;
      const parentOf = new Map<string, string>();
      walk(region, (n) => n.children.forEach((c) => c.kind === 'unit' && parentOf.set(c.code, n.code)));
      const [code, county] = [...parentOf.entries()][0];
      const { status, body } = await get(`/api/units/${code}`);
      expect(status).toBe(200);
      expect(body.code).toBe(code);
      expect(body.region.code).toBe(county);
      expect(body.sector.code).toMatch(/\S/);
      expect(body.products.length).toBeGreaterThanOrEqual(1);
      expect(body.products.length).toBeLessThanOrEqual(4);
      for (const p of body.products) expect(Object.keys(p).sort()).toEqual(['code', 'name', 'unit']);
    });

    it('GET /api/products lists at least 60 products with exactly 12 goals', async () => {
      const { status, body } = await get('/api/products');
      expect(status).toBe(200);
      expect(body.length).toBeGreaterThanOrEqual(60);
      expect(body.filter((p: { goal: boolean }) => p.goal)).toHaveLength(12);
      for (const p of body) {
        expect(Object.keys(p).sort()).toEqual(['aggregation', 'code', 'goal', 'name', 'unit']);
        expect(['sum', 'weighted_mean']).toContain(p.aggregation);
      }
    });

    it('GET /api/periods/:id gives parent, children and working days from the stored calendar', async () => {
      const m = await get('/api/periods/2026-M05');
      expect(m.status).toBe(200);
      expect(m.body).toMatchObject({ id: '2026-M05', kind: 'month', start: '2026-05-01', end: '2026-05-31', parent: '2026-Q2' });
      expect(m.body.children).toHaveLength(31);
      expect(m.body.working_days).not.toContain('2026-05-01'); // May Day
      expect(m.body.working_days).not.toContain('2026-05-03'); // a Sunday
      expect(m.body.working_day_count).toBe(m.body.working_days.length);
      const plan = await get('/api/periods/2026-2030');
      expect(plan.body.children).toEqual(['2026', '2027', '2028', '2029', '2030']);
      expect(plan.body.parent).toBeNull();
      const week = await get('/api/periods/2026-W48');
      expect(week.body).toMatchObject({ kind: 'week', start: '2026-11-23', end: '2026-11-29' });
    });

    it('bad input is a 4xx JSON error naming the field, never a 5xx', async () => {
      const cases: [string, number, string][] = [
        ['/api/periods/2026-M13', 400, 'NORMA_ERR_PERIOD'],
        ['/api/periods/2026-02-30', 400, 'NORMA_ERR_PERIOD'],
        ['/api/trees/galaxy', 400, 'NORMA_ERR_BAD_REQUEST'],
        ['/api/trees/sector?depth=-1', 400, 'NORMA_ERR_BAD_REQUEST'],
        ['/api/trees/sector?depth=abc', 400, 'NORMA_ERR_BAD_REQUEST'],
        ['/api/trees/sector?node=NOPE', 404, 'NORMA_ERR_NOT_FOUND'],
        ['/api/units/NOPE', 404, 'NORMA_ERR_NOT_FOUND'],
        ['/api/periods/2026-M05?region=NOPE', 404, 'NORMA_ERR_NOT_FOUND'],
        ['/api/nothing', 404, 'NORMA_ERR_NOT_FOUND'],
      ];
      for (const [path, status, code] of cases) {
        const res = await get(path);
        expect({ path, status: res.status }).toEqual({ path, status });
        expect(res.body.error).toContain(code);
        expect(typeof res.body.message).toBe('string');
        expect(Array.isArray(res.body.details)).toBe(true);
      }
      const depth = await get('/api/trees/sector?depth=abc');
      expect(depth.body.details[0].field).toBe('depth');
    });
  });
}
