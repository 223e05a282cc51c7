// The queued drain (monitorQueued, drain.ts) against the inline hook (runMonitoring, hook.ts): the
// same sequence of report batches, applied to two copies of the same store, one inline and one
// enqueued then drained after each batch, must leave the same records, record events, standard
// proposals, filter states and alerts. The batches exercise every path: series first seen, new
// records, corrections that lower a record and withdraw its event, late reports that re-run a
// filter, multi-day batches, trend alerts rising to crisis and closing, padded output flagged
// implausible and cleared by a correction, records held long enough to propose a standard, and a
// unit whose recent history is too thin for the short plausibility read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../../src/services/context.js';
import { loadDemo } from '../../../src/services/demo/load.js';
import { drainMonitorQueue, registerMonitoring } from '../../../src/services/monitoring/index.js';
import { submitReports } from '../../../src/services/reporting/submit.js';
import type { ReportRow } from '../../../src/services/reporting/validate.js';
import { migrate, type Store } from '../../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../../support/stores.js';

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`drain equivalence tests: skipping the PostgreSQL half: ${pgReason}`);

const fail = (e: unknown) => {
  throw e;
};

interface Unit {
  code: string;
  outputs: string[];
  consumes: string[];
}

/** What monitoring wrote, in a canonical order, identities left out (the paths open alerts in different orders). */
async function monitoringTables(store: Store): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => store.query(sql);
  return {
    series_record: await q(`select unit_id, product_id, best_day::text, best_day_qty::text, best_month, best_month_qty::text, updated_at::text
                              from series_record order by 1, 2`),
    record_event: await q(`select unit_id, product_id, scope, period, quantity::text, previous_period, previous_quantity::text, at::text,
                                  withdrawn_at::text, withdrawn_reason from record_event order by unit_id, product_id, scope, period, id`),
    standard_proposal: await q(`select unit_id, product_id, last_month, months, workers, current_standard::text, proposed_standard::text, basis::text,
                                       status, created_at::text, updated_at::text from standard_proposal order by unit_id, product_id, last_month`),
    series_filter: await q(`select unit_id, product_id, kind, last_day::text, count, status, state::text, updated_at::text
                              from series_filter order by 1, 2, 3`),
    alert: await q(`select type, unit_id, product_id, level, status, opened_on::text, opened_at::text, last_day::text, normal_days, escalated_to,
                           escalation_step, escalation_since::text, closed_on::text, closed_at::text, detail::text
                      from alert order by type, unit_id, product_id, opened_on, id`),
  };
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`queued drain equals the inline hook on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let inline: Store;
    let queued: Store;
    let units: Unit[];
    const ctxOf = (store: Store, day: string): ServiceContext => ({ store, org: 1, today: () => day, now: () => new Date(`${day}T08:00:00+09:00`) });

    /** One report batch applied to both stores: inline in one, enqueued and drained in the other. */
    const batch = async (rows: ReportRow[], day: string) => {
      if (rows.length === 0) return;
      registerMonitoring({ mode: 'inline', onError: fail });
      await submitReports(ctxOf(inline, day), rows, { by: 'test', rowBase: 0 });
      registerMonitoring({ mode: 'queued', onError: fail });
      await submitReports(ctxOf(queued, day), rows, { by: 'test', rowBase: 0 });
      // one transaction for the whole batch, as the inline hook has
      expect(await drainMonitorQueue(ctxOf(queued, day), 1_000_000)).toBeGreaterThan(0);
      expect(await drainMonitorQueue(ctxOf(queued, day))).toBe(0);
    };

    /** Mean of the last n figures in force (from the inline store; both hold the same reports). */
    const recent = async (unit: string, product: string, k: 'output' | 'consumption' = 'output', n = 10) => {
      const rows = await inline.query<{ q: number }>(
        `select c.quantity::float8 as q from report_current c join unit u on u.org = c.org and u.id = c.unit_id join product p on p.org = c.org and p.id = c.product_id
          where c.org = 1 and u.code = $1 and p.code = $2 and c.kind = $3 order by c.day desc limit $4`,
        [unit, product, k, n],
      );
      return rows.length ? rows.reduce((s, r) => s + Number(r.q), 0) / rows.length : 100;
    };
    const days = async (unit: string, product: string) =>
      (await inline.query<{ day: string }>(
        `select c.day::text as day from report_current c join unit u on u.org = c.org and u.id = c.unit_id join product p on p.org = c.org and p.id = c.product_id
          where c.org = 1 and u.code = $1 and p.code = $2 and c.kind = 'output' order by c.day`,
        [unit, product],
      )).map((r) => r.day);
    const q3 = (x: number) => x.toFixed(3);

    /** Every series of the given units on one day: outputs times `out(unit)`, consumption as usual. */
    const dayOf = async (list: Unit[], day: string, out: (u: Unit, i: number) => number): Promise<ReportRow[]> => {
      const rows: ReportRow[] = [];
      for (const [i, u] of list.entries()) {
        for (const p of u.outputs) rows.push({ unit: u.code, product: p, date: day, quantity: q3((await recent(u.code, p)) * out(u, i)) });
        for (const c of u.consumes) rows.push({ unit: u.code, product: c, kind: 'consumption', date: day, quantity: q3(await recent(u.code, c, 'consumption')) });
      }
      return rows;
    };

    beforeAll(async () => {
      inline = await fixture.open();
      queued = await fixture.open();
      for (const s of [inline, queued]) {
        await migrate(s);
        await loadDemo(s, { seed: 7, units: 24, through: '2026-03-10' });
      }
      const rows = await inline.query<{ code: string; role: string; product: string }>(
        `select up.unit as code, up.role, up.product from unit_product up join product p on p.org = up.org and p.code = up.product
          where up.org = 1 and p.aggregation = 'sum' order by up.unit, up.role, up.product`,
      );
      const byUnit = new Map<string, Unit>();
      for (const r of rows) {
        const u = byUnit.get(r.code) ?? { code: r.code, outputs: [], consumes: [] };
        (r.role === 'output' ? u.outputs : u.consumes).push(r.product);
        byUnit.set(r.code, u);
      }
      units = [...byUnit.values()].filter((u) => u.outputs.length > 0);
      expect(units.length).toBeGreaterThanOrEqual(12);
    });
    afterAll(() => fixture.cleanup());

    it('applies the same batches to the same tables', async () => {
      // 1. every series of every unit, series first seen: some padded (implausible), some records
      await batch(await dayOf(units, '2026-03-11', (_, i) => (i % 5 === 1 ? 1.3 : i % 5 === 2 ? 1.6 : 1)), '2026-03-11');
      // 2. a record corrected below the previous one (recompute, withdrawn event); a padded unit corrects its output
      const a = units[2], d = units[1];
      await batch(
        [
          { unit: a.code, product: a.outputs[0], date: '2026-03-11', quantity: '1' },
          ...(await dayOf([d], '2026-03-11', () => 1)).filter((r) => r.kind !== 'consumption'),
        ],
        '2026-03-11',
      );
      // 3. a step in one unit's output, day by day, while the others report as usual
      const b = units[3];
      const base = await recent(b.code, b.outputs[0]);
      const plan: [string, number][] = [['2026-03-12', 1.3], ['2026-03-13', 1.3], ['2026-03-14', 1.3], ['2026-03-15', 2], ['2026-03-16', 2]];
      for (const [day, factor] of plan) {
        const rows = await dayOf(units.slice(4, 10), day, () => 1);
        rows.push({ unit: b.code, product: b.outputs[0], date: day, quantity: q3(base * factor) });
        await batch(rows, day);
      }
      // 4. several days of several units in one batch (late reports of days other units already gave), then back to normal
      const late: ReportRow[] = [];
      for (const day of ['2026-03-12', '2026-03-13', '2026-03-14', '2026-03-15', '2026-03-16']) late.push(...(await dayOf(units.slice(10, 16), day, (_, i) => (i === 2 ? 1.5 : 1))));
      await batch(late, '2026-03-16');
      for (const day of ['2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20']) {
        const rows = await dayOf(units.slice(4, 8), day, () => 1);
        rows.push({ unit: b.code, product: b.outputs[0], date: day, quantity: q3(base * 2) });
        await batch(rows, day);
      }
      // 5. a correction of a day long absorbed (the filter re-runs from the whole history)
      await batch([{ unit: units[5].code, product: units[5].outputs[0], date: '2026-02-10', quantity: q3((await recent(units[5].code, units[5].outputs[0])) * 3) }], '2026-03-20');
      // 6. records held for three months: a standard proposal (whole history rewritten in one batch)
      const g = units[6];
      const gp = g.outputs[0];
      const gDays = await days(g.code, gp);
      const cap = await recent(g.code, gp);
      const jan = gDays.filter((x) => x.startsWith('2026-01'));
      const feb = gDays.filter((x) => x.startsWith('2026-02'));
      const mar = gDays.filter((x) => x.startsWith('2026-03'));
      const janTotal = 2 * cap * jan.length;
      await batch(
        [
          ...jan.map((x) => ({ unit: g.code, product: gp, date: x, quantity: q3(2 * cap) })),
          ...feb.map((x) => ({ unit: g.code, product: gp, date: x, quantity: q3((0.99 * janTotal) / feb.length) })),
          ...mar.map((x) => ({ unit: g.code, product: gp, date: x, quantity: q3((1.01 * janTotal) / mar.length) })),
        ],
        '2026-03-21',
      );
      // 7. everyone again, a week on
      await batch(await dayOf(units, '2026-03-21', (_, i) => (i % 7 === 3 ? 0.5 : 1)), '2026-03-22');
      // 8. after a month without reports: too few complete days in the short history window, so
      // the check reads the unit's history again over the full window
      await batch(await dayOf(units.slice(0, 8), '2026-04-24', (_, i) => (i % 4 === 1 ? 1.3 : 1)), '2026-04-25');

      const [x, y] = [await monitoringTables(inline), await monitoringTables(queued)];
      for (const t of Object.keys(x)) expect(y[t], t).toEqual(x[t]);
      // the scenario reached what it means to test
      const alerts = x.alert as { type: string; level: string; status: string }[];
      expect(alerts.some((r) => r.type === 'trend' && r.level === 'crisis')).toBe(true);
      expect(alerts.some((r) => r.type === 'trend' && r.status === 'closed')).toBe(true);
      expect(alerts.some((r) => r.type === 'implausible')).toBe(true);
      expect(alerts.some((r) => r.type === 'implausible' && r.status === 'closed')).toBe(true);
      const events = x.record_event as { withdrawn_at: string | null; scope: string }[];
      expect(events.some((e) => e.withdrawn_at !== null)).toBe(true);
      expect(events.some((e) => e.scope === 'month')).toBe(true);
      expect(x.standard_proposal.length).toBeGreaterThan(0);
      expect(x.series_filter.length).toBeGreaterThan(20);
    });
  });
}
