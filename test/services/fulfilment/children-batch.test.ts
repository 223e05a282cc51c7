// /children reads every child's figures with a few set-based statements: each child's answer must be
// the one asking for that child alone gives, to the last digit, on both stores, for every period
// kind, along both trees and in cuts, for physical (sum) and progress (weighted) indicators, for
// children without reports, and whether the kept count cells answer, are behind the through day, or
// were never built.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../../src/services/context.js';
import { loadDemo } from '../../../src/services/demo/load.js';
import { loadCalendar } from '../../../src/services/calendar.js';
import { fulfilment, fulfilmentChildren, type FulfilmentQuery, type FulfilmentView } from '../../../src/services/fulfilment/query.js';
import { migrate, type Store } from '../../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../../support/stores.js';
import { firstUnitPlaces } from '../../support/units.js';

const pgReason = await postgresUnavailable();

// A day, week, month, quarter, half, year and the plan; open and closed; one with no reports yet.
const PERIODS = ['2026-03-05', '2026-W10', '2026-M03', '2026-Q1', '2026-H1', '2026', '2026-2030', '2026-M05'];
const FEWER = ['2026-03-05', '2026-W10', '2026-M03', '2026', '2026-2030'];

/** The single-node query naming the same cell as a child's answer. */
function queryOf(v: FulfilmentView, tree: 'sector' | 'region'): Omit<FulfilmentQuery, 'product' | 'period'> {
  if (v.sector === v.region) return { node: v.node };
  if (v.region === 'NATION') return { tree: 'sector', node: v.sector };
  if (v.sector === 'NATION') return { tree: 'region', node: v.region };
  return { tree, sector: v.sector, region: v.region };
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`/children batched on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    let products: string[];
    let asked: (Omit<FulfilmentQuery, 'product' | 'period'> & { tree: 'sector' | 'region' })[];
    const ctxAt = (today: string): ServiceContext => ({ store, org: 1, today: () => today, now: () => new Date(`${today}T08:00:00+09:00`) });

    /** Every asked node x product x period: each child of /children against the child asked alone. */
    async function compare(today: string, periods = PERIODS, which = products): Promise<{ children: number; fulfilled: number; projected: number; weighted: number; empty: number }> {
      const ctx = ctxAt(today);
      const seen = { children: 0, fulfilled: 0, projected: 0, weighted: 0, empty: 0 };
      for (const product of which) {
        for (const w of asked) {
          for (const period of periods) {
            const batch = await fulfilmentChildren(ctx, { ...w, product, period });
            expect(batch.node).toEqual(await fulfilment(ctx, { ...w, product, period }));
            for (const child of batch.children) {
              const alone = await fulfilment(ctx, { ...queryOf(child, w.tree), product, period });
              // A child of a cut is named by its own code (a cut asked alone is named sector@region).
              expect(child.node).toBe(alone.sector === alone.region || alone.sector === 'NATION' ? alone.region : alone.region === 'NATION' ? alone.sector : w.tree === 'sector' ? alone.sector : alone.region);
              expect({ asked: w, child }).toEqual({ asked: w, child: { ...alone, node: child.node } });
              seen.children++;
              if (child.units_fulfilled > 0) seen.fulfilled++;
              if (child.projected !== child.actual) seen.projected++;
              if (product === products[products.length - 1]) seen.weighted++;
              if (child.actual === '0') seen.empty++;
            }
          }
        }
      }
      return seen;
    }

    beforeAll(async () => {
      store = await fixture.open();
      await migrate(store);
      // Seed 1 with 150 units makes a few units of progress indicators (in two provinces).
      await loadDemo(store, { seed: 1, units: 150, through: '2026-03-10' });
      // Two physical products made by many units, one made by few (most nodes have none), and a
      // progress indicator (weighted mean) last.
      const made = await store.query<{ product: string; aggregation: string; n: number }>(
        `select up.product, p.aggregation, count(*)::int as n from unit_product up join product p on p.org = up.org and p.code = up.product
          where up.role = 'output' group by up.product, p.aggregation order by count(*) desc, up.product`,
      );
      const sums = made.filter((m) => m.aggregation === 'sum');
      const weighted = made.find((m) => m.aggregation !== 'sum');
      expect(weighted).toBeDefined();
      products = [sums[0].product, sums[1].product, sums.find((m) => m.n <= 3)!.product, weighted!.product];
      const u = await firstUnitPlaces(store, products[0]);
      const [wu] = await store.query<{ sector: string; region: string; county: string }>(
        `select s.parent as sector, r.parent as region, u.region as county
           from unit u join tree_node s on s.org = u.org and s.tree = 'sector' and s.code = u.sector
           join tree_node r on r.org = u.org and r.tree = 'region' and r.code = u.region
           join unit_product up on up.org = u.org and up.unit = u.code and up.product = $1 and up.role = 'output'
          order by u.code limit 1`,
        [weighted!.product],
      );
      asked = [
        { tree: 'sector' },
        { tree: 'region' },
        { tree: 'sector', node: u.sector },
        { tree: 'sector', node: u.subsector },
        { tree: 'region', node: u.region },
        { tree: 'region', node: u.county },
        { tree: 'region', sector: u.sector, region: u.region },
        { tree: 'sector', sector: u.sector, region: u.region },
        { tree: 'region', sector: u.subsector, region: u.region },
        { tree: 'region', node: wu.region },
        { tree: 'region', node: wu.county },
        { tree: 'sector', node: wu.sector },
        { tree: 'sector', sector: wu.sector, region: wu.region },
      ];
    }, 120_000);
    afterAll(async () => {
      await fixture.cleanup();
    });

    it('with the kept cells exact: every child equals the child asked alone', async () => {
      const seen = await compare('2026-03-11');
      expect(seen.children).toBeGreaterThan(500);
      expect(seen.fulfilled).toBeGreaterThan(50);
      expect(seen.projected).toBeGreaterThan(50);
      expect(seen.weighted).toBeGreaterThan(20);
      expect(seen.empty).toBeGreaterThan(50);
    }, 600_000);

    it('with a through day before the kept counts are exact (counted from units)', async () => {
      expect((await compare('2026-02-20', FEWER, [products[0], products[2], products[3]])).children).toBeGreaterThan(200);
    }, 600_000);

    it('with the kept cells never built (everything from the units)', async () => {
      const [state] = await store.query<{ w: string }>('select valid_from::text as w from fulfil_state where org = 1');
      await store.query('delete from fulfil_state where org = 1');
      try {
        expect((await compare('2026-03-11', FEWER, [products[0], products[2], products[3]])).children).toBeGreaterThan(200);
      } finally {
        await store.query('insert into fulfil_state (org, valid_from) values (1, $1)', [state.w]);
      }
    }, 600_000);

    it('the calendar (read in one statement, memoised by its input) follows every change of calendar_day', async () => {
      const ctx = ctxAt('2026-03-11');
      const before = await loadCalendar(ctx);
      expect(before.extraWorkingDays).not.toContain('2026-03-22');
      await store.query(
        `insert into calendar_day (org, region, day, working, name) values
           (1, '', '2026-03-22', true, 'worked Sunday'), (1, 'P-NPY', '2026-03-21', false, 'regional rest'), (1, 'P-NPY', '2026-03-29', true, 'regional work')`,
      );
      try {
        const during = await loadCalendar(ctx);
        expect(during.extraWorkingDays).toContain('2026-03-22');
        expect(during.regions['P-NPY']?.extraHolidays).toContainEqual({ date: '2026-03-21', name: 'regional rest' });
        expect(during.regions['P-NPY']?.extraWorkingDays).toContain('2026-03-29');
      } finally {
        await store.query(`delete from calendar_day where org = 1 and day in ('2026-03-21', '2026-03-22', '2026-03-29')`);
      }
      expect(await loadCalendar(ctx)).toEqual(before);
    });

    it('a unit has no children; unknown products and periods are refused as before', async () => {
      const [{ unit }] = await store.query<{ unit: string }>(`select unit from unit_product where role = 'output' and product = $1 order by unit limit 1`, [products[0]]);
      const ctx = ctxAt('2026-03-11');
      const r = await fulfilmentChildren(ctx, { node: unit, product: products[0], period: '2026-M03' });
      expect(r.children).toEqual([]);
      expect(r.node).toEqual(await fulfilment(ctx, { node: unit, product: products[0], period: '2026-M03' }));
      await expect(fulfilmentChildren(ctx, { tree: 'region', product: 'nope', period: '2026' })).rejects.toMatchObject({ code: 'NORMA_ERR_NOT_FOUND' });
      await expect(fulfilmentChildren(ctx, { tree: 'region', product: products[0], period: '2026-M13' })).rejects.toBeDefined();
    });
  });
}
