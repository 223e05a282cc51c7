// units_fulfilled kept incrementally (fulfil_cell) equals the count computed from the units, for
// every kind of period and many "through" days, after the demo load and after new reports and
// corrections that move units across their targets both ways.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/iso-date.js';
import { parsePeriod } from '../../../src/domain/period.js';
import type { ServiceContext } from '../../../src/services/context.js';
import { loadDemo } from '../../../src/services/demo/load.js';
import { fulfilment, fulfilmentChildren, resolveCell, unitsFulfilledFromUnits, type FulfilmentQuery } from '../../../src/services/fulfilment/query.js';
import { isKept, readUnitsFulfilled, rebuildUnitsFulfilled } from '../../../src/services/fulfilment/units-fulfilled.js';
import { rebuildTargetCells } from '../../../src/services/fulfilment/target-cells.js';
import { reportingModel } from '../../../src/services/reporting/model-cache.js';
import { fromMicro, toMicro } from '../../../src/services/reporting/micro.js';
import { submitReports } from '../../../src/services/reporting/submit.js';
import { migrate, type Store } from '../../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../../support/stores.js';
import { firstUnitPlaces } from '../../support/units.js';

const pgReason = await postgresUnavailable();

const PERIODS = [
  '2026-2030', '2026', '2026-H1', '2026-H2', '2026-Q1', '2026-Q2', '2026-M01', '2026-M02', '2026-M03', '2026-M04',
  '2026-W01', '2026-W05', '2026-W09', '2026-W10', '2026-W11', '2026-01-02', '2026-02-27', '2026-03-09', '2026-03-10', '2026-03-11',
];

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`units_fulfilled kept incrementally on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    let products: string[];
    let where: Omit<FulfilmentQuery, 'product' | 'period'>[];
    const ctxAt = (today: string): ServiceContext => ({ store, org: 1, today: () => today, now: () => new Date(`${today}T08:00:00+09:00`) });

    /** Every cell x product x period: the kept count (where the cells answer) against the units. */
    async function compare(todays: readonly string[], periods: readonly string[] = PERIODS): Promise<number> {
      const model = await reportingModel(ctxAt(todays[0]));
      let compared = 0;
      for (const today of todays) {
        const ctx = ctxAt(today);
        const through = addDays(today, -1);
        for (const product of products) {
          const productId = model.productsByCode.get(product)!.id;
          for (const w of where) {
            const cell = resolveCell(model, w);
            for (const id of periods) {
              const period = parsePeriod(id);
              if (!period.ok) throw period.error;
              const brute = await unitsFulfilledFromUnits(ctx, { ...w, product, period: id });
              if (!isKept(model, cell.sector, cell.region, period.value.kind)) continue;
              const kept = await readUnitsFulfilled(store, 1, cell.sector, cell.region, productId, period.value, through);
              expect({ today, ...w, product, period: id, fulfilled: kept }).toEqual({ today, ...w, product, period: id, fulfilled: brute.fulfilled });
              compared++;
            }
          }
        }
      }
      return compared;
    }

    beforeAll(async () => {
      store = await fixture.open();
      await migrate(store);
      await loadDemo(store, { seed: 11, units: 80, through: '2026-03-10' });
      const rows = await store.query<{ product: string }>(
        `select up.product from unit_product up join product p on p.org = up.org and p.code = up.product
          where up.role = 'output' and p.aggregation = 'sum' group by up.product order by count(*) desc, up.product limit 2`,
      );
      products = rows.map((r) => r.product);
      const u = await firstUnitPlaces(store, products[0]);
      where = [
        {},
        { tree: 'sector', node: u.sector },
        { tree: 'sector', node: u.subsector },
        { tree: 'region', node: u.region },
        { tree: 'region', node: u.county },
        { sector: u.sector, region: u.region },
        { sector: u.subsector, region: u.county },
        { sector: u.sector, region: u.county },
      ];
    }, 120_000);
    afterAll(async () => {
      await fixture.cleanup();
    });

    it('after the demo load, equals the count from the units for the load day and after', async () => {
      const n = await compare(['2026-03-10', '2026-03-11', '2026-04-02', '2027-01-05']);
      expect(n).toBeGreaterThan(500);
      // Before the cells are exact the query computes from the units.
      const model = await reportingModel(ctxAt('2026-03-11'));
      expect(await readUnitsFulfilled(store, 1, 'NATION', 'NATION', model.productsByCode.get(products[0])!.id, parsePeriod('2026').ok ? (parsePeriod('2026') as any).value : null, '2026-02-01')).toBeNull();
    }, 300_000);

    it('rebuilt from an early day, equals the count from the units on every through day since', async () => {
      await store.transaction((tx) => rebuildUnitsFulfilled(ctxAt('2026-01-01'), tx));
      const todays = ['2026-01-01', '2026-01-02', '2026-01-12', '2026-01-31', '2026-02-01', '2026-02-02', '2026-02-17', '2026-02-28', '2026-03-01', '2026-03-02', '2026-03-11', '2026-07-01', '2026-12-31', '2027-01-01'];
      expect(await compare(todays)).toBeGreaterThan(2000);
    }, 600_000);

    it('follows new reports and corrections in their batch, up and down across targets', async () => {
      const ctx = ctxAt('2026-03-11');
      const product = products[0];
      const units = await store.query<{ unit: string }>(
        `select unit from unit_product where role = 'output' and product = $1 order by unit limit 6`, [product]);
      const batch = (q: (i: number) => number | string, days: readonly string[]) =>
        units.flatMap((u, i) => days.map((date) => ({ unit: u.unit, product, date, quantity: q(i) })));
      // Far above target, then nothing, then back to something ordinary: units cross both ways.
      await submitReports(ctx, batch(() => 999999, ['2026-03-09', '2026-03-10', '2026-03-11']), { by: 'test', rowBase: 0 });
      expect(await compare(['2026-03-11', '2026-03-12', '2026-06-01'])).toBeGreaterThan(100);
      await submitReports(ctx, batch((i) => (i % 2 ? 0 : '0.5'), ['2026-03-02', '2026-03-09', '2026-03-10']), { by: 'test', rowBase: 0 });
      expect(await compare(['2026-03-11', '2026-04-01'])).toBeGreaterThan(100);
      await submitReports(ctx, batch((i) => (123.456789 + i).toFixed(6), ['2026-02-27', '2026-03-10']), { by: 'test', rowBase: 0 });
      await submitReports(ctxAt('2026-03-12'), batch(() => 1000, ['2026-03-11']), { by: 'test', rowBase: 0 });
      expect(await compare(['2026-03-12', '2026-03-20', '2026-05-01'])).toBeGreaterThan(100);
      // Cells only answer from the latest batch's through day on; earlier days come from the units.
      const [{ w }] = await store.query<{ w: string }>('select valid_from::text as w from fulfil_state where org = 1');
      expect(w).toBe('2026-03-11');
    }, 600_000);

    it('a batch after the targets change (and the cells are rebuilt) counts against the new targets, not cached ones', async () => {
      const ctx = ctxAt('2026-03-12');
      const product = products[0];
      const units = await store.query<{ unit: string }>(
        `select unit from unit_product where role = 'output' and product = $1 order by unit limit 6`, [product]);
      // A batch first, so these units' targets are cached by the hook.
      await submitReports(ctx, units.map((u) => ({ unit: u.unit, product, date: '2026-03-09', quantity: '300' })), { by: 'test', rowBase: 0 });
      const version = async () => BigInt((await store.query<{ v: string }>('select last_value::text as v from target_version'))[0].v);
      const before = await version();
      // Halve the March and year targets of these units in the plan, and rebuild the target cells
      // (which rebuilds the counts): some units now count that did not.
      await store.query(
        `update target set quantity = round(quantity / 2, 6)
          where org = 1 and node = any($1) and product = $2 and period in ('2026-M03', '2026')`,
        [units.map((u) => u.unit), product],
      );
      await store.transaction((tx) => rebuildTargetCells(ctx, tx));
      expect(await version()).toBeGreaterThan(before);
      const quantity = (i: number) => (i % 3 === 0 ? '2000' : i % 3 === 1 ? '1' : '450.5');
      await submitReports(ctx, units.flatMap((u, i) => ['2026-03-10', '2026-03-11'].map((date) => ({ unit: u.unit, product, date, quantity: quantity(i + 1) }))), { by: 'test', rowBase: 0 });
      expect(await compare(['2026-03-12', '2026-03-31', '2026-06-01'])).toBeGreaterThan(100);
    }, 600_000);

    it('the query (and /children) answers the same figures with the kept cells as from the units', async () => {
      const ctx = ctxAt('2026-03-12');
      // The kept day rows of cuts and deep nodes start 59 days before the watermark; none are older.
      const [kept] = await store.query<{ first: string | null; w: string }>(
        `select (select min(period) from fulfil_actual where org = 1 and period ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') as first, valid_from::text as w from fulfil_state where org = 1`,
      );
      expect(kept.first).not.toBeNull();
      expect(kept.first! >= addDays(kept.w, -59)).toBe(true);
      expect(kept.first! > '2026-01-05').toBe(true);
      for (const w of where) {
        // 2026-W02 and 2026-01-05 lie before the 60 days fulfil_actual keeps for cuts and deep nodes.
        for (const period of ['2026', '2026-Q1', '2026-M03', '2026-W10', '2026-03-05', '2026-W02', '2026-01-05']) {
          const fast = await fulfilment(ctx, { ...w, product: products[0], period });
          const [state] = await store.query<{ w: string }>('select valid_from::text as w from fulfil_state where org = 1');
          await store.query('delete from fulfil_state where org = 1');
          const slow = await fulfilment(ctx, { ...w, product: products[0], period });
          await store.query('insert into fulfil_state (org, valid_from) values (1, $1)', [state.w]);
          expect(fast).toEqual(slow);
        }
      }
      for (const q of [{ tree: 'region' as const }, { tree: 'sector' as const, node: (where[1] as { node: string }).node }, { tree: 'region' as const, node: (where[4] as { node: string }).node }]) {
        for (const period of ['2026', '2026-M03', '2026-W10', '2026-03-05', '2026-W02', '2026-01-05']) {
          const fast = await fulfilmentChildren(ctx, { ...q, product: products[0], period });
          const [state] = await store.query<{ w: string }>('select valid_from::text as w from fulfil_state where org = 1');
          await store.query('delete from fulfil_state where org = 1');
          const slow = await fulfilmentChildren(ctx, { ...q, product: products[0], period });
          await store.query('insert into fulfil_state (org, valid_from) values (1, $1)', [state.w]);
          expect(fast).toEqual(slow);
          expect(fast.children.length).toBeGreaterThan(0);
        }
      }
    }, 300_000);

    it('keeps cut cells only for a top sector x a province; a deeper cut sums its units', async () => {
      const deep = await store.query<{ t: string; n: number }>(
        `with top as (select code from tree_node where org = 1 and code <> 'NATION' and coalesce(parent, 'NATION') = 'NATION')
         select t, count(*)::int as n from (
           select 'fulfil_actual' as t, sector, region from fulfil_actual where org = 1
           union all select 'fulfil_cell', sector, region from fulfil_cell where org = 1
           union all select 'target_cell', sector, region from target_cell where org = 1) x
          where sector <> region and sector <> 'NATION' and region <> 'NATION'
            and not (sector in (select code from top) and region in (select code from top))
          group by t order by t`,
      );
      expect(deep).toEqual([]);
      const kept = await store.query<{ t: string }>(
        `select t from (select 'fulfil_actual' as t, sector, region from fulfil_actual where org = 1
                        union all select 'fulfil_cell', sector, region from fulfil_cell where org = 1
                        union all select 'target_cell', sector, region from target_cell where org = 1) x
          where sector <> region and sector <> 'NATION' and region <> 'NATION' group by t order by t`,
      );
      expect(kept.map((k) => k.t)).toEqual(['fulfil_actual', 'fulfil_cell', 'target_cell']);
      // A sector x county cut: its actual, target and units are its units' own, summed.
      const ctx = ctxAt('2026-03-12');
      const model = await reportingModel(ctx);
      const cut = where[7] as { sector: string; region: string };
      const productId = model.productsByCode.get(products[0])!.id;
      const units = [...model.unitsByCode.values()].filter(
        (u) => u.sectorChain.includes(cut.sector) && u.regionChain.includes(cut.region) && u.outputs.has(productId),
      );
      expect(units.length).toBeGreaterThan(0);
      for (const period of ['2026', '2026-M03', '2026-W10', '2026-03-05']) {
        const whole = await fulfilment(ctx, { ...cut, product: products[0], period });
        const parts = await Promise.all(units.map((u) => fulfilment(ctx, { node: u.code, product: products[0], period })));
        const sum = (xs: (string | null)[]) => fromMicro(xs.reduce((a, x) => a + toMicro(x ?? '0'), 0n));
        expect({ period, actual: whole.actual, target: whole.target, units_total: whole.units_total, units_fulfilled: whole.units_fulfilled }).toEqual({
          period,
          actual: sum(parts.map((p) => p.actual)),
          target: parts.every((p) => p.target === null) ? null : sum(parts.map((p) => p.target)),
          units_total: units.length,
          units_fulfilled: parts.filter((p) => p.units_fulfilled === 1).length,
        });
      }
    }, 300_000);
  });
}
