import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/iso-date.js';
import type { ServiceContext } from '../../../src/services/context.js';
import { loadDemo } from '../../../src/services/demo/load.js';
import { NormaError } from '../../../src/services/errors.js';
import {
  acknowledgeAlert,
  beerIndices,
  escalateAlerts,
  forecastPeriodEnd,
  getAlert,
  getRecords,
  getStandards,
  listAlerts,
  rebuildMonitoring,
  registerMonitoring,
} from '../../../src/services/monitoring/index.js';
import { describePeriod } from '../../../src/services/periods.js';
import { fromMicro, toMicro } from '../../../src/services/reporting/micro.js';
import { reportingModel } from '../../../src/services/reporting/model-cache.js';
import { submitReports } from '../../../src/services/reporting/submit.js';
import type { ReportRow } from '../../../src/services/reporting/validate.js';
import { migrate, type Store } from '../../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../../support/stores.js';

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`monitoring service tests: skipping the PostgreSQL half: ${pgReason}`);

// Monitoring failures must fail the batch here, not be logged and skipped.
registerMonitoring({
  onError: (e) => {
    throw e;
  },
});

interface Candidate {
  code: string;
  county: string;
  workers: number;
  products: { code: string; capacity: string }[];
  consumes: string[];
}

/** The figures in force of a unit's product and kind, days ascending. */
async function figures(store: Store, unit: string, product: string, kind: 'output' | 'consumption' = 'output') {
  return store.query<{ day: string; q: string }>(
    `select c.day::text as day, c.quantity::text as q from report_current c
       join unit u on u.org = c.org and u.id = c.unit_id join product p on p.org = c.org and p.id = c.product_id
      where c.org = 1 and u.code = $1 and p.code = $2 and c.kind = $3 order by c.day`,
    [unit, product, kind],
  );
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const dec3 = (x: number) => (Math.ceil(x * 1000) / 1000).toFixed(3);

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`monitoring on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    let ctx: ServiceContext;
    const on = (day: string): ServiceContext => ({ ...ctx, today: () => day, now: () => new Date(`${day}T08:00:00+09:00`) });
    const submit = (rows: ReportRow[], day = '2026-03-11') => submitReports(on(day), rows, { by: 'test', rowBase: 0 });
    let units: Candidate[];
    const pick = (i: number) => units[i];

    beforeAll(async () => {
      store = await fixture.open();
      await migrate(store);
      await loadDemo(store, { seed: 7, units: 40, through: '2026-03-10' });
      ctx = { store, org: 1, today: () => '2026-03-11', now: () => new Date('2026-03-11T08:00:00+09:00') };
      // Units that keep the calendar (no output on Sundays), report coal or power with a technology
      // coefficient for what they make, and have workers: each scenario below takes its own.
      const rows = await store.query<{ code: string; county: string; workers: number; product: string; capacity: string; consumes: string[] }>(
        `select u.code, u.region as county, u.workers, up.product, up.capacity_per_day::text as capacity,
                array(select c.product from unit_product c where c.org = 1 and c.unit = u.code and c.role = 'consumption' order by 1) as consumes
           from unit u join unit_product up on up.org = u.org and up.unit = u.code and up.role = 'output'
           join product p on p.org = 1 and p.code = up.product and p.aggregation = 'sum'
          where u.org = 1 and u.workers > 0
            and not exists (select 1 from report_current r where r.org = 1 and r.unit_id = u.id and extract(isodow from r.day) = 7)
            and exists (select 1 from unit_product c join technology t on t.org = 1 and t.input = c.product and t.output = up.product and t.coefficient > 0
                         where c.org = 1 and c.unit = u.code and c.role = 'consumption')
          order by u.id, up.product`,
      );
      const byUnit = new Map<string, Candidate>();
      for (const r of rows) {
        const c = byUnit.get(r.code) ?? { code: r.code, county: r.county, workers: r.workers, products: [], consumes: r.consumes };
        c.products.push({ code: r.product, capacity: r.capacity });
        byUnit.set(r.code, c);
      }
      units = [...byUnit.values()];
      expect(units.length).toBeGreaterThanOrEqual(9);
    });
    afterAll(async () => {
      await fixture.cleanup();
    });

    it('a new best day creates a record event; a lowering correction recomputes the record and withdraws the event', async () => {
      const a = pick(0);
      const p = a.products[0].code;
      const before = (await getRecords(ctx, a.code, p)).records[0];
      expect(before.best_day).not.toBeNull();
      const high = fromMicro((toMicro(before.best_day!.quantity) * 3n) / 2n);
      await submit([{ unit: a.code, product: p, date: '2026-03-11', quantity: high }]);
      const after = await getRecords(ctx, a.code, p);
      expect(after.records[0].best_day).toEqual({ date: '2026-03-11', quantity: high });
      const dayEvents = after.events.filter((e) => e.scope === 'day');
      expect(dayEvents).toHaveLength(1);
      expect(dayEvents[0]).toMatchObject({
        product: p, period: '2026-03-11', quantity: high, previous_period: before.best_day!.date, previous_quantity: before.best_day!.quantity, withdrawn_at: null,
      });

      // The report was mistyped: the correction brings it below the old record.
      await submit([{ unit: a.code, product: p, date: '2026-03-11', quantity: '1' }]);
      const corrected = await getRecords(ctx, a.code, p);
      expect(corrected.records[0].best_day).toEqual(before.best_day);
      const withdrawn = corrected.events.find((e) => e.id === dayEvents[0].id)!;
      expect(withdrawn.withdrawn_at).not.toBeNull();
      expect(withdrawn.withdrawn_reason).toMatch(/corrected to 1\b/);
      // the month record agrees with a recount from the figures in force
      const months = new Map<string, bigint>();
      for (const f of await figures(store, a.code, p)) months.set(f.day.slice(0, 7), (months.get(f.day.slice(0, 7)) ?? 0n) + toMicro(f.q));
      const [bestMonth, bestQty] = [...months].sort((x, y) => (y[1] > x[1] ? 1 : y[1] < x[1] ? -1 : 0))[0];
      expect(corrected.records[0].best_month).toEqual({ period: `${bestMonth.slice(0, 4)}-M${bestMonth.slice(5, 7)}`, quantity: fromMicro(bestQty) });
    });

    let stepAlert = 0;
    let quietAlert = 0;
    it('a sudden step in daily output opens a trend alert; a further break raises it to crisis', async () => {
      const b = pick(1);
      const p = b.products[0].code;
      const base = mean((await figures(store, b.code, p)).slice(-10).map((f) => Number(f.q)));
      const plan: [string, number][] = [['2026-03-11', 1.3], ['2026-03-12', 1.3], ['2026-03-13', 1.3], ['2026-03-14', 2], ['2026-03-15', 2]];
      const levels: string[] = [];
      for (const [day, factor] of plan) {
        await submit([{ unit: b.code, product: p, date: day, quantity: dec3(base * factor) }], day);
        const open = (await listAlerts(ctx, { node: b.code, type: 'trend' })).filter((x) => x.product === p && x.status !== 'closed');
        expect(open.length).toBeLessThanOrEqual(1);
        levels.push(open[0]?.level ?? 'none');
        if (open[0]) stepAlert = open[0].id;
      }
      // the filter needs one more report to tell a step from a one-day outlier
      expect(levels).toEqual(['none', 'alert', 'alert', 'alert', 'crisis']);
      const alert = await getAlert(ctx, stepAlert);
      expect(alert).toMatchObject({ type: 'trend', unit: b.code, product: p, status: 'open', opened_on: '2026-03-12', escalated_to: b.code, escalation: 'unit' });
      expect(alert.detail).toHaveProperty('p_step');

      // another unit with a single step: an alert that will be acknowledged
      const c = pick(2);
      const pc = c.products[0].code;
      const baseC = mean((await figures(store, c.code, pc)).slice(-10).map((f) => Number(f.q)));
      await submit([{ unit: c.code, product: pc, date: '2026-03-11', quantity: dec3(baseC * 1.3) }], '2026-03-11');
      await submit([{ unit: c.code, product: pc, date: '2026-03-12', quantity: dec3(baseC * 1.3) }], '2026-03-12');
      const [cAlert] = (await listAlerts(ctx, { node: c.code, type: 'trend', status: 'open' })).filter((x) => x.product === pc);
      expect(cAlert?.level).toBe('alert');
      quietAlert = cAlert.id;
    });

    it('acknowledging stops escalation; unacknowledged alerts climb unit -> county -> province -> nation every k days', async () => {
      const acked = await acknowledgeAlert(ctx, quietAlert, { by: 'county-committee', note: 'brigade sent' });
      expect(acked).toMatchObject({ status: 'acknowledged', acknowledged_by: 'county-committee', acknowledge_note: 'brigade sent' });
      await expect(acknowledgeAlert(ctx, quietAlert, { by: 'again' })).rejects.toMatchObject({ code: 'NORMA_ERR_CONFLICT' });

      const model = await reportingModel(ctx);
      const b = model.unitsByCode.get(pick(1).code)!;
      const chain = [b.code, ...b.regionChain, 'NATION'];
      expect(chain).toHaveLength(4);
      // opened on 2026-03-12 (that day's report batch), k = 2 days per level
      expect((await escalateAlerts(ctx, '2026-03-13')).filter((s) => s.alert === stepAlert)).toEqual([]);
      const s1 = (await escalateAlerts(ctx, '2026-03-14')).filter((s) => s.alert === stepAlert);
      expect(s1).toEqual([{ alert: stepAlert, step: 1, from: chain[0], to: chain[1], due_on: '2026-03-14' }]);
      expect((await getAlert(ctx, stepAlert)).escalation).toBe('county');
      // a late run catches up on every step due
      const s23 = (await escalateAlerts(ctx, '2026-03-19')).filter((s) => s.alert === stepAlert);
      expect(s23.map((s) => [s.from, s.to, s.due_on])).toEqual([[chain[1], chain[2], '2026-03-16'], [chain[2], chain[3], '2026-03-18']]);
      expect((await escalateAlerts(ctx, '2026-04-30')).filter((s) => s.alert === stepAlert)).toEqual([]);
      const history = await getAlert(ctx, stepAlert);
      expect(history.escalated_to).toBe('NATION');
      expect(history.escalation).toBe('nation');
      expect(history.escalations.map((e) => [e.step, e.from, e.to, e.due_on])).toEqual([
        [1, chain[0], chain[1], '2026-03-14'], [2, chain[1], chain[2], '2026-03-16'], [3, chain[2], chain[3], '2026-03-18'],
      ]);
      // the acknowledged alert never moved
      const quiet = await getAlert(ctx, quietAlert);
      expect(quiet).toMatchObject({ status: 'acknowledged', escalated_to: pick(2).code, escalations: [] });
      // the node filter finds alerts under a node in either tree, or escalated to it
      expect((await listAlerts(ctx, { node: chain[2] })).map((x) => x.id)).toContain(stepAlert);
      expect((await listAlerts(ctx, { node: 'NATION', status: 'acknowledged' })).map((x) => x.id)).toContain(quietAlert);
      expect((await listAlerts(ctx, { node: b.sectorChain[0], level: 'crisis' })).map((x) => x.id)).toContain(stepAlert);
      await expect(listAlerts(ctx, { node: 'NOPE' })).rejects.toBeInstanceOf(NormaError);
    });

    it('an acknowledged alert whose level rises to crisis is reopened for a new acknowledgement', async () => {
      const c = pick(2);
      const pc = c.products[0].code;
      const baseC = mean((await figures(store, c.code, pc)).slice(-12, -2).map((f) => Number(f.q)));
      for (const day of ['2026-03-13', '2026-03-14']) await submit([{ unit: c.code, product: pc, date: day, quantity: dec3(baseC * 2) }], day);
      const again = await getAlert(ctx, quietAlert);
      expect(again).toMatchObject({ level: 'crisis', status: 'open', acknowledged_by: 'county-committee' });
      const steps = (await escalateAlerts(ctx, '2026-03-16')).filter((s) => s.alert === quietAlert);
      expect(steps).toEqual([{ alert: quietAlert, step: 1, from: c.code, to: c.county, due_on: '2026-03-16' }]);
    });

    it('padded output (output up 30 % with consumption flat) raises an implausible alert; a normal day does not', async () => {
      const rowsFor = async (u: Candidate, outFactor: number) => {
        const rows: ReportRow[] = [];
        for (const p of u.products) {
          const base = mean((await figures(store, u.code, p.code)).slice(-10).map((f) => Number(f.q)));
          rows.push({ unit: u.code, product: p.code, date: '2026-03-11', quantity: dec3(base * outFactor) });
        }
        for (const input of u.consumes) {
          const base = mean((await figures(store, u.code, input, 'consumption')).slice(-10).map((f) => Number(f.q)));
          rows.push({ unit: u.code, product: input, kind: 'consumption', date: '2026-03-11', quantity: dec3(base) });
        }
        return rows;
      };
      const d = pick(3);
      const e = pick(4);
      await submit(await rowsFor(d, 1.3));
      await submit(await rowsFor(e, 1));
      const padded = await listAlerts(ctx, { node: d.code, type: 'implausible' });
      expect(padded).toHaveLength(1);
      expect(padded[0]).toMatchObject({ status: 'open', level: 'alert', opened_on: '2026-03-11' });
      expect(d.products.map((p) => p.code)).toContain(padded[0].product);
      expect(padded[0].detail.explained_share as number).toBeGreaterThan(0.65);
      expect(padded[0].detail.explained_share as number).toBeLessThan(0.85);
      expect(await listAlerts(ctx, { node: e.code, type: 'implausible' })).toEqual([]);

      // the unit corrects the figure: the only flagged day is cleared and the alert closes
      await submit((await rowsFor(d, 1)).filter((r) => r.kind !== 'consumption'));
      const [closed] = await listAlerts(ctx, { node: d.code, type: 'implausible' });
      expect(closed).toMatchObject({ id: padded[0].id, status: 'closed', closed_on: '2026-03-11' });
    });

    it("Beer's indices on a hand-checked case", async () => {
      const f = pick(5);
      const { code: p, capacity } = f.products[0];
      const C = toMicro(capacity);
      const days = await figures(store, f.code, p);
      const level = (day: string) => (day < '2026-02-01' ? 4n : day < '2026-03-01' ? 5n : 3n); // tenths of capacity
      await submit(days.map((d) => ({ unit: f.code, product: p, date: d.day, quantity: fromMicro((C * level(d.day)) / 10n) })));
      const feb = await describePeriod(ctx, '2026-M02', f.county);
      const nFeb = days.filter((d) => d.day.startsWith('2026-02')).length;
      expect(nFeb).toBe(feb.working_day_count); // the unit reported every working day of February

      // February: the record month itself, at half capacity
      const m2 = await beerIndices(ctx, f.code, p, '2026-M02');
      const wdFeb = BigInt(feb.working_day_count);
      expect(m2).toMatchObject({
        period: '2026-M02', working_days: feb.working_day_count, working_days_counted: feb.working_day_count, works_rest_days: false,
        actuality: fromMicro((C * 5n * wdFeb) / 10n), capability: fromMicro((C * 5n * wdFeb) / 10n), potentiality: fromMicro(C * wdFeb),
        record_month: { period: '2026-M02', quantity: fromMicro((C * 5n * wdFeb) / 10n), working_days: feb.working_day_count, per_day: fromMicro((C * 5n) / 10n) },
      });
      expect(m2.productivity).toBeCloseTo(1, 12);
      expect(m2.latency).toBeCloseTo(0.5, 12);
      expect(m2.performance).toBeCloseTo(0.5, 12);

      // March to date (today 2026-03-11: figures through yesterday) at 0.3 of capacity
      const mar = (await describePeriod(ctx, '2026-M03', f.county)).working_days.filter((d) => d <= '2026-03-10').length;
      const m3 = await beerIndices(ctx, f.code, p, '2026-M03');
      expect(m3).toMatchObject({
        as_of: '2026-03-10', working_days_counted: mar,
        actuality: fromMicro((C * 3n * BigInt(mar)) / 10n), capability: fromMicro((C * 5n * BigInt(mar)) / 10n), potentiality: fromMicro(C * BigInt(mar)),
      });
      expect(m3.productivity).toBeCloseTo(0.6, 12);
      expect(m3.latency).toBeCloseTo(0.5, 12);
      expect(m3.performance).toBeCloseTo(0.3, 12);
      await expect(beerIndices(ctx, f.code, p, '2026-M13')).rejects.toThrow();
      await expect(beerIndices(ctx, f.code, 'no-such-product', '2026-M03')).rejects.toMatchObject({ code: 'NORMA_ERR_NOT_FOUND' });
    });

    it('records held for 3 consecutive months (one within 2 %) propose raising the standard', async () => {
      const g = pick(6);
      const { code: p, capacity } = g.products[0];
      const C = Number(capacity);
      const days = (await figures(store, g.code, p)).map((f) => f.day);
      const jan = days.filter((d) => d.startsWith('2026-01'));
      const feb = days.filter((d) => d.startsWith('2026-02'));
      const mar = [...days.filter((d) => d.startsWith('2026-03')), '2026-03-11'];
      const janTotal = 2 * C * jan.length;
      const perFeb = (0.99 * janTotal) / feb.length; // February 1 % below January's record: still holds it
      const perMar = (1.01 * janTotal) / mar.length; // March a new record
      const rows: ReportRow[] = [
        ...jan.map((d) => ({ unit: g.code, product: p, date: d, quantity: dec3(2 * C) })),
        ...feb.map((d) => ({ unit: g.code, product: p, date: d, quantity: dec3(perFeb) })),
        ...mar.map((d) => ({ unit: g.code, product: p, date: d, quantity: dec3(perMar) })),
      ];
      await submit(rows);
      const { proposals, workers } = await getStandards(ctx, g.code);
      expect(workers).toBe(g.workers);
      expect(proposals).toHaveLength(1);
      const [prop] = proposals;
      expect(prop).toMatchObject({ product: p, last_month: '2026-M03', months: ['2026-M01', '2026-M02', '2026-M03'], status: 'proposed', workers: g.workers });
      const rates = prop.basis.months.map((m) => Number(m.total) / m.working_days / g.workers);
      expect(Number(prop.proposed_standard)).toBeCloseTo(Math.min(...rates), 5);
      if (prop.current_standard !== null) expect(Number(prop.proposed_standard)).toBeGreaterThan(Number(prop.current_standard));
      const monthEvents = (await getRecords(ctx, g.code, p)).events.filter((e) => e.scope === 'month' && e.withdrawn_at === null);
      expect(monthEvents.map((e) => e.period)).toContain('2026-M03');

      // a unit whose February fell 10 % short of January's record gets no proposal
      const h = pick(7);
      const ph = h.products[0];
      const hDays = (await figures(store, h.code, ph.code)).map((f) => f.day);
      const hJan = hDays.filter((d) => d.startsWith('2026-01'));
      const hFeb = hDays.filter((d) => d.startsWith('2026-02'));
      const hMar = [...hDays.filter((d) => d.startsWith('2026-03')), '2026-03-11'];
      const hJanTotal = 2 * Number(ph.capacity) * hJan.length;
      await submit([
        ...hJan.map((d) => ({ unit: h.code, product: ph.code, date: d, quantity: dec3(2 * Number(ph.capacity)) })),
        ...hFeb.map((d) => ({ unit: h.code, product: ph.code, date: d, quantity: dec3((0.9 * hJanTotal) / hFeb.length) })),
        ...hMar.map((d) => ({ unit: h.code, product: ph.code, date: d, quantity: dec3((1.01 * hJanTotal) / hMar.length) })),
      ]);
      expect((await getStandards(ctx, h.code)).proposals).toEqual([]);
    });

    it('period-end forecast: actual to date plus the trend over the working days left, with an interval', async () => {
      const u = pick(8);
      const p = u.products[0].code;
      const march = (await figures(store, u.code, p)).filter((f) => f.day.startsWith('2026-03'));
      const actual = fromMicro(march.reduce((s, f) => s + toMicro(f.q), 0n));
      const f = await forecastPeriodEnd(ctx, u.code, p, '2026-M03');
      expect(f.actual).toBe(actual);
      const [lo, mid, hi] = [Number(f.projected_low), Number(f.projected), Number(f.projected_high)];
      expect(lo).toBeLessThan(mid);
      expect(mid).toBeLessThan(hi);
      expect(lo).toBeGreaterThan(Number(actual));
      // about 3 times the first 8 working days' output for a whole month of ~25
      expect(mid / Number(actual)).toBeGreaterThan(2);
      expect(mid / Number(actual)).toBeLessThan(4.5);
      const done = await forecastPeriodEnd(ctx, u.code, p, '2026-M02');
      expect(done.projected).toBe(done.actual);
      expect(done.projected_low).toBe(done.actual);
    });

    it('incremental state equals a rebuild from report_current (records and filters)', async () => {
      const snapshot = () =>
        store.query(`select r.unit_id, r.product_id, r.best_day::text, r.best_day_qty::text, r.best_month, r.best_month_qty::text, f.last_day::text, f.state::text
                       from series_record r left join series_filter f using (org, unit_id, product_id) where r.org = 1 order by 1, 2`);
      const before = await snapshot();
      expect(before.length).toBeGreaterThan(5);
      await rebuildMonitoring(ctx);
      const after = await snapshot();
      expect(after.filter((r) => before.some((b) => b.unit_id === r.unit_id && b.product_id === r.product_id))).toEqual(before);
    });
  });
}
