// Standards: when a unit's monthly record has held for N consecutive months, propose raising its
// standard (norm) of output per worker per working day to the rate it sustained in every one of them.
import type { Calendar } from '../../domain/calendar.js';
import type { Queryable } from '../../store/index.js';
import type { ServiceContext } from '../context.js';
import { fromMicro, toMicro } from '../reporting/micro.js';
import type { ReportingModel } from '../reporting/model-cache.js';
import { monthBounds, monthTotals, readFigures, seriesKey, shiftMonth } from './figures.js';
import type { SeriesRecords } from './records.js';
import type { MonitoringSettings } from './settings.js';
import { unitWorkingDays, worksRestDays } from './workdays.js';

/** One month of the window a proposal rests on. */
export interface StandardMonth {
  readonly period: string;
  readonly total: string;
  /** Working days counted: the month's, up to the last reported day when the month is still running. */
  readonly working_days: number;
  /** total / working_days / workers. */
  readonly per_worker_day: number;
  /** The best month up to and including this one, which this month was within tolerance of. */
  readonly record: string;
}

/**
 * Does month i of `totals` (months ascending) hold the record: a positive total at least
 * (1 - tolerance) of the best month up to and including it?
 * @example holdsRecord([['2026-M01', 100n], ['2026-M02', 99n]], 1, 0.02) // true
 */
export function holdsRecord(totals: readonly (readonly [string, bigint])[], i: number, tolerance: number): boolean {
  const q = totals[i][1];
  if (q <= 0n) return false;
  let best = 0n;
  for (let j = 0; j <= i; j++) if (totals[j][1] > best) best = totals[j][1];
  return Number(q) >= (1 - tolerance) * Number(best);
}

/**
 * A number rounded to `places` decimals as a canonical decimal string.
 * @example decimal(2.3456789, 3) // '2.346'
 */
export function decimal(x: number, places = 6): string {
  const s = x.toFixed(places);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * For each series whose latest touched month is within tolerance of its monthly record, checks
 * the N months ending there and, when every one holds the record, proposes (or updates the
 * proposal for that window) raising the standard. Returns the number of proposals written.
 * Standard in force: the plan's daily assignment per worker (target_cell of the unit for the
 * month / working days / workers), null without a plan; a proposal is made only above it.
 * `totalsOf` reads the month totals: monthTotals (from the figures, what the inline hook needs) or
 * unitMonthTotals (from the month cells, what the worker uses once the batch has committed).
 * @example await proposeStandards(tx, ctx, model, cal, records, settings, new Date())
 */
export async function proposeStandards(
  tx: Queryable,
  ctx: ServiceContext,
  model: ReportingModel,
  cal: () => Promise<Calendar>,
  records: readonly SeriesRecords[],
  settings: MonitoringSettings,
  at: Date,
  totalsOf: typeof monthTotals = monthTotals,
): Promise<number> {
  const N = settings.standardMonths;
  const candidates: { unitId: number; productId: number; month: string }[] = [];
  for (const r of records) {
    if (!r.bestMonth) continue;
    const latest = [...r.touchedMonths.keys()].sort().pop();
    if (!latest) continue;
    const total = r.touchedMonths.get(latest)!;
    if (total > 0n && Number(total) >= (1 - settings.standardTolerance) * Number(r.bestMonth.qty)) candidates.push({ unitId: r.unitId, productId: r.productId, month: latest });
  }
  if (candidates.length === 0) return 0;
  const ranges = candidates.map((c) => ({ unitId: c.unitId, productId: c.productId, kind: 'output' as const, to: monthBounds(c.month)[1] }));
  const totals = await totalsOf(tx, ctx.org, ranges);
  const windows: { c: (typeof candidates)[number]; months: [string, bigint][] }[] = [];
  for (const c of candidates) {
    const byMonth = totals.get(seriesKey(c.unitId, c.productId)) ?? new Map<string, bigint>();
    const sorted = [...byMonth].sort(([a], [b]) => (a < b ? -1 : 1));
    const window: string[] = [];
    for (let i = N - 1; i >= 0; i--) window.push(shiftMonth(c.month, -i));
    const ok = window.every((m) => {
      const i = sorted.findIndex(([p]) => p === m);
      return i >= 0 && holdsRecord(sorted, i, settings.standardTolerance);
    });
    if (ok) windows.push({ c, months: window.map((m) => [m, byMonth.get(m)!]) });
  }
  if (windows.length === 0) return 0;

  const unitIds = [...new Set(windows.map((w) => w.c.unitId))];
  const workers = new Map(
    (await tx.query<{ id: number; workers: number }>('select id, workers from unit where org = $1 and id = any($2::int[])', [ctx.org, unitIds])).map((u) => [u.id, u.workers]),
  );
  const recent = await readFigures(tx, ctx.org, windows.map((w) => ({
    unitId: w.c.unitId, productId: w.c.productId, kind: 'output' as const, from: monthBounds(shiftMonth(w.c.month, -2))[0], to: monthBounds(w.c.month)[1],
  })));
  const targets = await tx.query<{ unit: string; product_id: number; quantity: string }>(
    `select t.sector as unit, t.product_id, t.quantity::text as quantity
       from target_cell t join unnest($2::text[], $3::int[], $4::text[]) as k(u, p, pe)
         on t.sector = k.u and t.region = k.u and t.product_id = k.p and t.period = k.pe
      where t.org = $1`,
    [ctx.org, windows.map((w) => model.unitsById.get(w.c.unitId)!.code), windows.map((w) => w.c.productId), windows.map((w) => w.c.month)],
  );
  const calendar = await cal();
  let written = 0;
  for (const w of windows) {
    const unit = model.unitsById.get(w.c.unitId)!;
    const staff = workers.get(unit.id) ?? 0;
    if (staff <= 0) continue; // no per-worker norm without workers
    const figures = recent.get(seriesKey(unit.id, w.c.productId)) ?? [];
    const lastDay = figures.length ? figures[figures.length - 1].day : monthBounds(w.c.month)[1];
    const continuous = worksRestDays(calendar, unit, figures);
    const basis: StandardMonth[] = [];
    let best = 0n;
    for (const [m, total] of w.months) {
      if (total > best) best = total;
      const [start, end] = monthBounds(m);
      const days = unitWorkingDays(calendar, unit, continuous, start, end < lastDay ? end : lastDay).length;
      basis.push({ period: m, total: fromMicro(total), working_days: days, per_worker_day: days > 0 ? Number(total) / 1e6 / days / staff : 0, record: fromMicro(best) });
    }
    if (basis.some((b) => b.working_days === 0)) continue;
    const proposed = Math.min(...basis.map((b) => b.per_worker_day));
    const target = targets.find((t) => t.unit === unit.code && t.product_id === w.c.productId);
    const [start, end] = monthBounds(w.c.month);
    const monthDays = unitWorkingDays(calendar, unit, continuous, start, end).length;
    const current = target && monthDays > 0 ? Number(toMicro(target.quantity)) / 1e6 / monthDays / staff : null;
    if (current !== null && !(proposed > current)) continue;
    await tx.query(
      `insert into standard_proposal (org, unit_id, product_id, last_month, months, workers, current_standard, proposed_standard, basis, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
       on conflict (org, unit_id, product_id, last_month) do update set
         months = excluded.months, workers = excluded.workers, current_standard = excluded.current_standard,
         proposed_standard = excluded.proposed_standard, basis = excluded.basis, updated_at = excluded.updated_at
       where standard_proposal.status = 'proposed'`,
      [ctx.org, unit.id, w.c.productId, w.c.month, w.months.map(([m]) => m), staff, current === null ? null : decimal(current),
        decimal(proposed), JSON.stringify({ tolerance: settings.standardTolerance, months: basis }), at.toISOString()],
    );
    written++;
  }
  return written;
}

/** A standard proposal as the API shows it. */
export interface StandardProposalView {
  readonly id: number;
  readonly product: string;
  readonly last_month: string;
  readonly months: string[];
  readonly workers: number;
  readonly current_standard: string | null;
  readonly proposed_standard: string;
  readonly status: 'proposed' | 'accepted' | 'rejected';
  readonly basis: { tolerance: number; months: StandardMonth[] };
  readonly created_at: string;
  readonly updated_at: string;
}

/**
 * The standard proposals of a unit, newest window first.
 * @example await unitStandards(ctx, model, 17)
 */
export async function unitStandards(ctx: ServiceContext, model: ReportingModel, unitId: number): Promise<StandardProposalView[]> {
  const rows = await ctx.store.query<{
    id: number; product_id: number; last_month: string; months: string[]; workers: number; current_standard: string | null;
    proposed_standard: string; status: StandardProposalView['status']; basis: StandardProposalView['basis']; created_at: Date | string; updated_at: Date | string;
  }>(
    `select id, product_id, last_month, months, workers, current_standard::text as current_standard, proposed_standard::text as proposed_standard,
            status, basis, created_at, updated_at
       from standard_proposal where org = $1 and unit_id = $2 order by last_month desc, product_id`,
    [ctx.org, unitId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    product: model.productsById.get(r.product_id)?.code ?? String(r.product_id),
    last_month: r.last_month,
    months: r.months,
    workers: r.workers,
    current_standard: r.current_standard,
    proposed_standard: r.proposed_standard,
    status: r.status,
    basis: typeof r.basis === 'string' ? JSON.parse(r.basis) : r.basis,
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
  }));
}
