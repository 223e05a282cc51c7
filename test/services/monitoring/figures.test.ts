// The worker's month totals come from the units' month cells; they must equal the totals summed
// from the figures in force, for every output series, after batches of reports and corrections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../../src/services/demo/load.js';
import { monthTotals, unitMonthTotals, type SeriesRange } from '../../../src/services/monitoring/figures.js';
import { submitReports } from '../../../src/services/reporting/submit.js';
import type { ServiceContext } from '../../../src/services/context.js';
import { migrate, type Store } from '../../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../../support/stores.js';

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`figures tests: skipping the PostgreSQL half: ${pgReason}`);

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`unitMonthTotals on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    let ctx: ServiceContext;
    beforeAll(async () => {
      store = await fixture.open();
      await migrate(store);
      await loadDemo(store, { seed: 5, units: 20, through: '2026-03-05' });
      ctx = { store, org: 1, today: () => '2026-03-06', now: () => new Date('2026-03-06T08:00:00+09:00') };
    });
    afterAll(() => fixture.cleanup());

    it('equals monthTotals of the figures for every output series, after new figures and corrections', async () => {
      const series = await store.query<{ unit: string; product: string; unit_id: number; product_id: number }>(
        `select up.unit, up.product, u.id as unit_id, p.id as product_id from unit_product up
           join unit u on u.org = up.org and u.code = up.unit join product p on p.org = up.org and p.code = up.product
          where up.role = 'output' and p.aggregation = 'sum' order by u.id, p.id`,
      );
      expect(series.length).toBeGreaterThan(5);
      // A new day, and corrections of days in earlier months (down and up).
      await submitReports(ctx, series.flatMap((s, i) => [
        { unit: s.unit, product: s.product, date: '2026-03-05', quantity: String(100 + i) },
        { unit: s.unit, product: s.product, date: '2026-02-10', quantity: String(i % 3) },
        { unit: s.unit, product: s.product, date: '2026-01-20', quantity: '12345.678901' },
      ]), { by: 'test', rowBase: 0 });
      const ranges: SeriesRange[] = series.flatMap((s) => [
        { unitId: s.unit_id, productId: s.product_id, kind: 'output' as const },
        { unitId: s.unit_id, productId: s.product_id, kind: 'output' as const, from: '2026-02-01', to: '2026-02-28' },
        { unitId: s.unit_id, productId: s.product_id, kind: 'output' as const, to: '2026-01-31' },
      ]);
      for (const r of [ranges.filter((_, i) => i % 3 === 0), ranges.filter((_, i) => i % 3 === 1), ranges.filter((_, i) => i % 3 === 2)]) {
        const want = await monthTotals(store, 1, r);
        const got = await unitMonthTotals(store, 1, r);
        expect(got).toEqual(want);
        expect([...got.values()].some((m) => m.size > 0)).toBe(true);
      }
      const whole = await unitMonthTotals(store, 1, ranges.slice(0, 1));
      expect([...[...whole.values()][0].keys()].sort()).toEqual(['2026-M01', '2026-M02', '2026-M03']);
    });

    it('refuses consumption series and ranges that are not whole months', async () => {
      await expect(unitMonthTotals(store, 1, [{ unitId: 1, productId: 1, kind: 'consumption' }])).rejects.toThrow(/output only/);
      await expect(unitMonthTotals(store, 1, [{ unitId: 1, productId: 1, kind: 'output', from: '2026-02-02' }])).rejects.toThrow(/whole months/);
      await expect(unitMonthTotals(store, 1, [{ unitId: 1, productId: 1, kind: 'output', to: '2026-02-27' }])).rejects.toThrow(/whole months/);
    });
  });
}
