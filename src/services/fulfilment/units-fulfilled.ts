// units_fulfilled kept incrementally: how many units of a cell (a node of either tree, or a sector x
// region cut) are at or above their target (to date) for a product and period.
//
// Whether a unit counts depends on the "through" day T (yesterday): the target to date grows with T
// while the unit's actual stays. For each unit, product and period the set of T at which it counts is
// computed exactly (the same double arithmetic as the query's `planned`), as runs of days; each run
// adds +1 to its cells on its first day and -1 the day after its last. The count at T is then the sum
// of a cell's rows up to min(T, period end): one indexed range read, whatever the number of units.
//
// The report hook moves these rows in the batch's own transaction: for each unit, product and period
// a batch touches it recomputes the unit's runs from the batch's through day on with the old and the
// new actual and adds the difference. Rows are exact from fulfil_state.valid_from on (the latest
// through day a batch or rebuild used); a query for an earlier through day falls back to the units.
//
// Alongside, fulfil_actual keeps what actual_cell does not: the months, years and days of sector x
// region cuts and the days of nodes below the top sectors and provinces (target_cell gets the cuts'
// targets), so that cuts, counties and subsectors read cells too. Everything here is read only when
// fulfil_state holds the organisation (the rebuild ran); otherwise queries compute from the units.
// The hook does nothing for an organisation without that row, and is registered when this module is
// imported (by query.ts and target-cells.ts, so by the server, the CLI and the demo load).
import type { Calendar } from '../../domain/calendar.js';
import { addDays, fromDayNumber, toDayNumber } from '../../domain/iso-date.js';
import { parsePeriod, periodsContaining, type Period } from '../../domain/period.js';
import type { Queryable, Store } from '../../store/index.js';
import { loadCalendar } from '../calendar.js';
import type { ServiceContext } from '../context.js';
import { NATION } from '../trees.js';
import type { AppliedChange } from '../reporting/cells.js';
import { fromMicro, toMicro } from '../reporting/micro.js';
import { loadReportingModel, type ReportingModel, type UnitInfo } from '../reporting/model-cache.js';
import { onReports, type ReportHook } from '../reporting/submit.js';
import { DayShares, monthOf, monthsOf, storedParts } from './parts.js';

const periodCache = new Map<string, Period>();

/** A period by id (memoised; ids come from the store or periodsContaining, so they parse). */
export function periodOf(id: string): Period {
  let p = periodCache.get(id);
  if (!p) {
    const r = parsePeriod(id);
    if (!r.ok) throw r.error;
    p = r.value;
    periodCache.set(id, p);
  }
  return p;
}

/** Working-day shares as prefix sums per chain and month, in the order monthToDate adds them. */
class ShareTable {
  private readonly shares: DayShares;
  private readonly prefixes = new Map<string, Float64Array>();
  private readonly days = new Map<string, number>();
  private readonly templates = new Map<string, Map<string, Template>>();
  constructor(cal: Calendar) {
    this.shares = new DayShares(cal);
  }

  dayShare(day: string, chain: readonly string[]): number {
    return this.shares.dayShare(day, chain);
  }

  /** prefix[k] = share of the month's days 0..k, summed from the first day as monthToDate does. */
  prefix(month: Period, chain: readonly string[]): Float64Array {
    const key = `${this.shares.calendarKey(chain)}|${month.id}`;
    let p = this.prefixes.get(key);
    if (!p) {
      const start = toDayNumber(month.start);
      const n = toDayNumber(month.end) - start + 1;
      p = new Float64Array(n);
      let share = 0;
      for (let k = 0; k < n; k++) {
        share += this.shares.dayShare(fromDayNumber(start + k), chain);
        p[k] = share;
      }
      this.prefixes.set(key, p);
    }
    return p;
  }

  dayNumber(day: string): number {
    let n = this.days.get(day);
    if (n === undefined) this.days.set(day, (n = toDayNumber(day)));
    return n;
  }

  /** The parts of a period for a calendar chain (memoised): what ToDate fills with a unit's targets. */
  template(period: Period, chain: readonly string[]): Template {
    const calendarKey = this.shares.calendarKey(chain);
    let byPeriod = this.templates.get(calendarKey);
    if (!byPeriod) this.templates.set(calendarKey, (byPeriod = new Map()));
    let t = byPeriod.get(period.id);
    if (!t) {
      const breaks: number[] = [];
      const monthPart = (m: Period): MonthTemplate => {
        const start = this.dayNumber(m.start);
        const end = this.dayNumber(m.end);
        breaks.push(start, end);
        return { start, end, id: m.id, prefix: this.prefix(m, chain) };
      };
      const parts: PartTemplate[] = [];
      for (const p of storedParts(period)) {
        if (p.kind === 'day') parts.push({ kind: 'day', day: this.dayNumber(p.id), id: monthOf(p.id), share: this.shares.dayShare(p.id, chain) });
        else if (p.kind === 'month') parts.push({ kind: 'month', ...monthPart(p) });
        else parts.push({ kind: 'year', start: this.dayNumber(p.start), end: this.dayNumber(p.end), id: p.id, months: monthsOf(p).map(monthPart) });
      }
      const start = this.dayNumber(period.start);
      const end = this.dayNumber(period.end);
      const short = period.kind === 'day' || period.kind === 'week' || period.kind === 'month';
      t = { parts, start, end, short, breaks: [...new Set(breaks)].sort((a, b) => a - b) };
      byPeriod.set(period.id, t);
    }
    return t;
  }
}

type MonthTemplate = { readonly start: number; readonly end: number; readonly id: string; readonly prefix: Float64Array };
type PartTemplate =
  | { readonly kind: 'day'; readonly day: number; readonly id: string; readonly share: number }
  | ({ readonly kind: 'month' } & MonthTemplate)
  | { readonly kind: 'year'; readonly start: number; readonly end: number; readonly id: string; readonly months: readonly MonthTemplate[] };
interface Template {
  readonly parts: readonly PartTemplate[];
  readonly start: number;
  readonly end: number;
  readonly short: boolean;
  readonly breaks: readonly number[];
}

type MonthPart = { readonly start: number; readonly end: number; readonly t: number; readonly prefix: Float64Array };
type Part =
  | { readonly kind: 'day'; readonly day: number; readonly t: number }
  | ({ readonly kind: 'month' } & MonthPart)
  | { readonly kind: 'year'; readonly start: number; readonly end: number; readonly t: number; readonly months: readonly MonthPart[] };

/**
 * The target to date of one unit for a period as a function of the through day (a day number):
 * `planned(parts, targets, through, ..., chain).toDate` of query.ts, NaN where that is null.
 */
export class ToDate {
  private readonly parts: Part[];
  /** Days at which the branch of some part or month changes (month starts and ends). */
  readonly breaks: readonly number[];
  readonly start: number;
  readonly end: number;
  /** Periods of at most a month are scanned day by day; longer ones by monotone segments. */
  readonly short: boolean;

  constructor(tpl: Template, targets: ReadonlyMap<string, number>) {
    const month = (id: string) => targets.get(id) ?? NaN;
    const fill = (m: MonthTemplate): MonthPart => ({ start: m.start, end: m.end, t: month(m.id), prefix: m.prefix });
    this.parts = tpl.parts.map((p): Part =>
      p.kind === 'day'
        ? { kind: 'day', day: p.day, t: month(p.id) * p.share }
        : p.kind === 'month'
          ? { kind: 'month', ...fill(p) }
          : { kind: 'year', start: p.start, end: p.end, t: month(p.id), months: p.months.map(fill) },
    );
    this.breaks = tpl.breaks;
    this.start = tpl.start;
    this.end = tpl.end;
    this.short = tpl.short;
  }

  /** Target to date through day number T (NaN when the plan sets no target for a part due). */
  at(T: number): number {
    let toDate = 0;
    for (const p of this.parts) {
      let td: number;
      if (p.kind === 'day') td = p.day <= T ? p.t : 0;
      else if (p.kind === 'month') td = p.end <= T ? p.t : p.start > T ? 0 : p.t * p.prefix[T - p.start];
      else if (p.end <= T) td = p.t;
      else if (p.start > T) td = 0;
      else {
        let acc = 0;
        for (const m of p.months) acc = acc + (m.end <= T ? m.t : m.start > T ? 0 : m.t * m.prefix[T - m.start]);
        td = acc;
      }
      toDate += td;
    }
    return toDate;
  }
}

/** The target to date of a unit (targets by period id, millionths as doubles) for a period. */
export function toDateOf(shares: ShareTable, period: Period, targets: ReadonlyMap<string, number>, chain: readonly string[]): ToDate {
  return new ToDate(shares.template(period, chain), targets);
}

export { ShareTable };

/** A run of through days [from, to] (day numbers) at which a unit counts; `to` = period end means ever after. */
export type Run = readonly [number, number];

/**
 * The through days in [from, period end] at which a unit with this actual (millionths, as a double)
 * counts as fulfilled: target to date > 0 and actual >= it. Exact: short periods are evaluated day by
 * day; longer ones per segment between month starts and ends, where the target to date is a
 * non-decreasing function of T (one month's share grows, the rest are fixed), by binary search.
 */
export function fulfilledRuns(td: ToDate, actual: number, from: number): Run[] {
  const runs: Run[] = [];
  const push = (a: number, b: number) => {
    const last = runs[runs.length - 1];
    if (last && last[1] + 1 === a) runs[runs.length - 1] = [last[0], b];
    else runs.push([a, b]);
  };
  const first = Math.max(td.start, Math.min(from, td.end));
  if (!(actual > 0)) return runs;
  if (td.short) {
    for (let T = first; T <= td.end; T++) {
      const v = td.at(T);
      if (v > 0 && actual >= v) push(T, T);
    }
    return runs;
  }
  const cuts = [first];
  for (const b of td.breaks) if (b > first && b <= td.end) cuts.push(b);
  for (let i = 0; i < cuts.length; i++) {
    const a = cuts[i];
    const b = i + 1 < cuts.length ? cuts[i + 1] - 1 : td.end;
    const vb = td.at(b);
    if (!(vb > 0)) continue; // NaN throughout, or never above zero
    let lo = a;
    if (!(td.at(a) > 0)) {
      let l = a; // at(l) <= 0, at(h) > 0
      let h = b;
      while (h - l > 1) {
        const mid = (l + h) >> 1;
        if (td.at(mid) > 0) h = mid;
        else l = mid;
      }
      lo = h;
    }
    if (!(actual >= td.at(lo))) continue;
    let hi = b;
    if (!(actual >= vb)) {
      let l = lo; // actual >= at(l), actual < at(h)
      let h = b;
      while (h - l > 1) {
        const mid = (l + h) >> 1;
        if (actual >= td.at(mid)) l = mid;
        else h = mid;
      }
      hi = l;
    }
    push(lo, hi);
  }
  return runs;
}

/** Adds the count changes of `runs` (times `sign`) to `out`, keyed by day number. */
function addRuns(out: Map<number, number>, runs: readonly Run[], end: number, sign: number): void {
  for (const [a, b] of runs) {
    out.set(a, (out.get(a) ?? 0) + sign);
    if (b < end) out.set(b + 1, (out.get(b + 1) ?? 0) - sign);
  }
}

/** The cells a unit's count rolls into: every (sector ancestor or nation) x (region ancestor or nation). */
export function countCells(unit: Pick<UnitInfo, 'sectorChain' | 'regionChain'>): [string, string][] {
  const out: [string, string][] = [];
  for (const s of [...unit.sectorChain, NATION]) for (const r of [...unit.regionChain, NATION]) out.push([s, r]);
  return out;
}

/**
 * The cells of fulfil_actual a unit's output rolls into: each sector x region cut (months, years and
 * days) and each node below the top sectors and provinces (days only).
 */
export function actualCells(unit: Pick<UnitInfo, 'sectorChain' | 'regionChain'>): { cuts: [string, string][]; days: [string, string][] } {
  const cuts: [string, string][] = [];
  for (const s of unit.sectorChain) for (const r of unit.regionChain) cuts.push([s, r]);
  const days: [string, string][] = [
    ...unit.sectorChain.slice(0, -1).map((s): [string, string] => [s, NATION]),
    ...unit.regionChain.slice(0, -1).map((r): [string, string] => [NATION, r]),
  ];
  return { cuts, days };
}

const chains = new Map<string, readonly string[]>();

/** The unit's region chain from the province down, as the calendar reads it (one array per chain, for memoising). */
function chainOfUnit(u: UnitInfo): readonly string[] {
  const key = u.regionChain.join('/');
  let c = chains.get(key);
  if (!c) chains.set(key, (c = [...u.regionChain].reverse()));
  return c;
}

async function calendarVia(ctx: ServiceContext, q: Queryable): Promise<Calendar> {
  return loadCalendar({ ...ctx, store: q as Store });
}

// Shares depend only on the calendar, which changes rarely; building them costs far more than a
// batch's own work, so one table per store and organisation lives as long as its calendar does.
const shareTables = new WeakMap<object, Map<number, { key: string; table: ShareTable }>>();

async function shareTableVia(ctx: ServiceContext, q: Queryable): Promise<ShareTable> {
  const cal = await calendarVia(ctx, q);
  const key = JSON.stringify(cal);
  let byOrg = shareTables.get(ctx.store);
  if (!byOrg) shareTables.set(ctx.store, (byOrg = new Map()));
  const hit = byOrg.get(ctx.org);
  if (hit && hit.key === key) return hit.table;
  const table = new ShareTable(cal);
  byOrg.set(ctx.org, { key, table });
  return table;
}

/** Unit targets (months and years, millionths as doubles) by unit code and product id. */
async function unitTargets(q: Queryable, org: number, pairs?: { codes: string[]; products: number[] }): Promise<Map<string, Map<string, number>>> {
  const rows = pairs
    ? await q.query<{ unit: string; product_id: number; period: string; q: string }>(
        `select t.sector as unit, t.product_id, t.period, t.quantity::text as q from target_cell t
           join unnest($2::text[], $3::int[]) as k(u, p) on t.sector = k.u and t.region = k.u and t.product_id = k.p
          where t.org = $1`,
        [org, pairs.codes, pairs.products],
      )
    : await q.query<{ unit: string; product_id: number; period: string; q: string }>(
        `select sector as unit, product_id, period, quantity::text as q from target_cell where org = $1 and region = sector and sector <> $2`,
        [org, NATION],
      );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const key = `${r.unit}|${r.product_id}`;
    let m = out.get(key);
    if (!m) out.set(key, (m = new Map()));
    m.set(r.period, Number(toMicro(r.q)));
  }
  return out;
}

/** Accumulates count changes per cell, product, period and day. */
class CellDeltas {
  private readonly cells = new Map<string, Map<number, number>>();
  private readonly periodIndex = new Map<string, number>();
  private readonly periods: string[] = [];

  private index(period: string): number {
    let i = this.periodIndex.get(period);
    if (i === undefined) {
      i = this.periods.length;
      this.periods.push(period);
      this.periodIndex.set(period, i);
    }
    return i;
  }

  add(cells: readonly [string, string][], productId: number, period: string, changes: ReadonlyMap<number, number>): void {
    const base = this.index(period) * DAY_SPAN;
    for (const [s, r] of cells) {
      const key = `${s}\t${r}\t${productId}`;
      let m = this.cells.get(key);
      if (!m) this.cells.set(key, (m = new Map()));
      for (const [day, n] of changes) if (n !== 0) m.set(base + day, (m.get(base + day) ?? 0) + n);
    }
  }

  /** [sector, region, product id, period, day, units] rows without zeros, in key order: every batch locks them in the same order. */
  *rows(): Generator<[string, string, number, string, string, number]> {
    const byPeriodDay = (a: number, b: number) => {
      const pa = this.periods[Math.floor(a / DAY_SPAN)];
      const pb = this.periods[Math.floor(b / DAY_SPAN)];
      return pa < pb ? -1 : pa > pb ? 1 : (a % DAY_SPAN) - (b % DAY_SPAN);
    };
    for (const [key, m] of [...this.cells.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const [s, r, p] = key.split('\t');
      for (const [k, n] of [...m.entries()].sort(([a], [b]) => byPeriodDay(a, b))) {
        if (n === 0) continue;
        yield [s, r, Number(p), this.periods[Math.floor(k / DAY_SPAN)], fromDayNumber(k % DAY_SPAN), n];
      }
    }
  }
}

/** Day numbers stay below this (year 2200 is day 84,000-odd). */
const DAY_SPAN = 2 ** 17;

/**
 * The cells whose counts are kept for a period kind: every cell of the unit, except sector x region
 * cuts for single days (those are summed from the figures in force of their few units).
 */
export function keptCells(unit: Pick<UnitInfo, 'sectorChain' | 'regionChain'>, kind: Period['kind']): [string, string][] {
  const all = countCells(unit);
  return kind === 'day' ? all.filter(([s, r]) => s === NATION || r === NATION) : all;
}

/** Whether the counts of a cell (not a unit) are kept for a period kind. */
export function isKept(sector: string, region: string, kind: Period['kind']): boolean {
  return kind !== 'day' || sector === NATION || region === NATION;
}

/** One unit's old and new actual for a period: the count changes from `from` on. */
function periodChanges(td: ToDate, oldActual: number, newActual: number, from: number): Map<number, number> {
  const out = new Map<number, number>();
  addRuns(out, fulfilledRuns(td, newActual, from), td.end, 1);
  addRuns(out, fulfilledRuns(td, oldActual, from), td.end, -1);
  return out;
}

/** Millionths as a double, as the query compares them (exact below 2^53). */
function safeNumber(v: bigint): number {
  return Number(v);
}

/**
 * The report hook: moves fulfil_unit_month and fulfil_cell for the output of physical products a
 * batch changed, in the batch's transaction. Does nothing for an organisation whose cells were never
 * built (queries then compute from the units).
 */
export const unitsFulfilledHook: ReportHook = async (tx, ctx, changes, model) => {
  const sum = changes.filter((c) => c.kind === 'output' && c.delta !== 0n && model.productsById.get(c.productId)?.aggregation === 'sum');
  if (sum.length === 0) return;
  const [state] = await tx.query<{ w: string }>('select valid_from::text as w from fulfil_state where org = $1', [ctx.org]);
  if (!state) return;
  await applyUnitChanges(tx, ctx, model, sum);
};

interface Series {
  readonly unit: UnitInfo;
  readonly productId: number;
  readonly days: Map<string, bigint>;
}

async function applyUnitChanges(tx: Queryable, ctx: ServiceContext, model: ReportingModel, changes: readonly AppliedChange[]): Promise<void> {
  const through = addDays(ctx.today(), -1);
  const series = new Map<string, Series>();
  for (const c of changes) {
    const key = `${c.unit.id}|${c.productId}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { unit: c.unit, productId: c.productId, days: new Map() }));
    s.days.set(c.day, (s.days.get(c.day) ?? 0n) + c.delta);
  }
  const list = [...series.values()].sort((a, b) => a.unit.id - b.unit.id || a.productId - b.productId);
  const unitIds = list.map((s) => s.unit.id);
  const productIds = list.map((s) => s.productId);
  // Old month actuals of every month of the series (years and plans need them all).
  const months = new Map<string, Map<string, bigint>>();
  for (const r of await tx.query<{ unit_id: number; product_id: number; period: string; q: string }>(
    `select m.unit_id, m.product_id, m.period, m.quantity::text as q from fulfil_unit_month m
       join unnest($2::int[], $3::int[]) as k(u, p) on m.unit_id = k.u and m.product_id = k.p
      where m.org = $1`,
    [ctx.org, unitIds, productIds],
  )) {
    const key = `${r.unit_id}|${r.product_id}`;
    let m = months.get(key);
    if (!m) months.set(key, (m = new Map()));
    m.set(r.period, toMicro(r.q));
  }
  // New figures in force of the days of every week touched (report_current already holds them).
  const ranges = list.map((s) => {
    const days = [...s.days.keys()].sort();
    const first = periodOf(periodsOf(days[0]).week).start;
    const last = periodOf(periodsOf(days[days.length - 1]).week).end;
    return [first, last];
  });
  const figures = new Map<string, bigint>();
  for (const r of await tx.query<{ unit_id: number; product_id: number; day: string; q: string }>(
    `select c.unit_id, c.product_id, c.day::text as day, c.quantity::text as q from report_current c
       join unnest($2::int[], $3::int[], $4::date[], $5::date[]) as k(u, p, f, t)
         on c.unit_id = k.u and c.product_id = k.p and c.kind = 'output' and c.day between k.f and k.t
      where c.org = $1`,
    [ctx.org, unitIds, productIds, ranges.map((r) => r[0]), ranges.map((r) => r[1])],
  )) figures.set(`${r.unit_id}|${r.product_id}|${r.day}`, toMicro(r.q));
  const targets = await unitTargets(tx, ctx.org, { codes: list.map((s) => s.unit.code), products: productIds });
  const shares = await shareTableVia(ctx, tx);
  const from = shares.dayNumber(through);
  const deltas = new CellDeltas();
  const monthRows: [number, number, string, bigint][] = [];
  for (const s of list) {
    const key = `${s.unit.id}|${s.productId}`;
    const oldMonths = months.get(key) ?? new Map<string, bigint>();
    const monthDelta = new Map<string, bigint>();
    for (const [day, d] of s.days) monthDelta.set(monthOf(day), (monthDelta.get(monthOf(day)) ?? 0n) + d);
    for (const [m, d] of monthDelta) if (d !== 0n) monthRows.push([s.unit.id, s.productId, m, d]);
    const t = targets.get(`${s.unit.code}|${s.productId}`) ?? new Map<string, number>();
    const chain = chainOfUnit(s.unit);
    const periods = new Set<string>();
    for (const day of s.days.keys()) for (const p of Object.values(periodsOf(day))) periods.add(p);
    for (const id of periods) {
      const p = periodOf(id);
      let oldA = 0n;
      let newA = 0n;
      if (p.kind === 'day' || p.kind === 'week') {
        for (let d = p.start; d <= p.end; d = addDays(d, 1)) {
          const now = figures.get(`${key}|${d}`) ?? 0n;
          newA += now;
          oldA += now - (s.days.get(d) ?? 0n);
        }
      } else {
        for (const m of monthsIn(p)) {
          const was = oldMonths.get(m) ?? 0n;
          oldA += was;
          newA += was + (monthDelta.get(m) ?? 0n);
        }
      }
      if (oldA === newA) continue;
      const td = toDateOf(shares, p, t, chain);
      deltas.add(keptCells(s.unit, p.kind), s.productId, id, periodChanges(td, safeNumber(oldA), safeNumber(newA), from));
    }
  }
  monthRows.sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  if (monthRows.length) {
    await tx.query(
      `insert into fulfil_unit_month (org, unit_id, product_id, period, quantity)
       select $1, u, p, pe, q from unnest($2::int[], $3::int[], $4::text[], $5::numeric[]) as t(u, p, pe, q)
       on conflict (org, unit_id, product_id, period) do update set quantity = fulfil_unit_month.quantity + excluded.quantity`,
      [ctx.org, monthRows.map((r) => r[0]), monthRows.map((r) => r[1]), monthRows.map((r) => r[2]), monthRows.map((r) => fromMicro(r[3]))],
    );
  }
  // Cut and deep-node actuals.
  const actual = new Map<string, bigint>();
  const addActual = (cells: readonly [string, string][], productId: number, period: string, d: bigint) => {
    for (const [s, r] of cells) {
      const k = `${s}\t${r}\t${productId}\t${period}`;
      actual.set(k, (actual.get(k) ?? 0n) + d);
    }
  };
  for (const c of changes) {
    const { cuts, days } = actualCells(c.unit);
    addActual(cuts, c.productId, monthOf(c.day), c.delta);
    addActual(cuts, c.productId, c.day.slice(0, 4), c.delta);
    addActual(cuts, c.productId, c.day, c.delta);
    addActual(days, c.productId, c.day, c.delta);
  }
  const actualRows = [...actual.entries()].filter(([, d]) => d !== 0n).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, d]) => [...k.split('\t'), fromMicro(d)]);
  for (let i = 0; i < actualRows.length; i += 5000) {
    const part = actualRows.slice(i, i + 5000);
    await tx.query(
      `insert into fulfil_actual (org, sector, region, product_id, period, quantity)
       select $1, s, r, p, pe, q from unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::numeric[]) as t(s, r, p, pe, q)
       on conflict (org, sector, region, product_id, period) do update set quantity = fulfil_actual.quantity + excluded.quantity`,
      [ctx.org, part.map((r) => r[0]), part.map((r) => r[1]), part.map((r) => Number(r[2])), part.map((r) => r[3]), part.map((r) => r[4])],
    );
  }
  const rows = [...deltas.rows()];
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000);
    await tx.query(
      `insert into fulfil_cell (org, sector, region, product_id, period, day, units)
       select $1, s, r, p, pe, d, n from unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::date[], $7::int[]) as t(s, r, p, pe, d, n)
       on conflict (org, sector, region, product_id, period, day) do update set units = fulfil_cell.units + excluded.units`,
      [ctx.org, part.map((r) => r[0]), part.map((r) => r[1]), part.map((r) => r[2]), part.map((r) => r[3]), part.map((r) => r[4]), part.map((r) => r[5])],
    );
  }
  // Rows are exact from this batch's through day on: move the watermark (only ever forward; the
  // update takes no lock when it changes nothing, so concurrent batches do not queue on it).
  await tx.query('update fulfil_state set valid_from = $2 where org = $1 and valid_from < $2', [ctx.org, through]);
}

const containing = new Map<string, Record<'day' | 'week' | 'month' | 'quarter' | 'half' | 'year' | 'plan', string>>();

/** The ids of the periods of every kind containing a day (memoised). */
function periodsOf(day: string): Record<'day' | 'week' | 'month' | 'quarter' | 'half' | 'year' | 'plan', string> {
  let r = containing.get(day);
  if (!r) {
    const ps = periodsContaining(day);
    if (!ps.ok) throw ps.error;
    const by = Object.fromEntries(ps.value.map((p) => [p.kind, p.id]));
    r = { day: by.day, week: by.week, month: by.month, quarter: by.quarter, half: by.half, year: by.year, plan: by.plan };
    containing.set(day, r);
  }
  return r;
}

const monthLists = new Map<string, string[]>();

/** The month ids of a month-based period (month, quarter, half, year, plan). */
function monthsIn(p: Period): string[] {
  let m = monthLists.get(p.id);
  if (!m) {
    m = storedParts(p).flatMap((x) => (x.kind === 'year' ? monthsOf(x).map((y) => y.id) : [x.id]));
    monthLists.set(p.id, m);
  }
  return m;
}

onReports(unitsFulfilledHook);

/** A decimal string (at most 6 places, not negative) in millionths as a double; NaN beyond exact integers. */
function microNumber(q: string): number {
  const dot = q.indexOf('.');
  const int = Number(dot < 0 ? q : q.slice(0, dot));
  const frac = dot < 0 ? 0 : Number((q.slice(dot + 1) + '000000').slice(0, 6));
  const v = int * 1e6 + frac;
  return Number.isSafeInteger(v) && v < 2 ** 44 ? v : NaN;
}

/**
 * Rebuilds fulfil_unit_month and fulfil_cell of the organisation from actual_cell, report_current and
 * target_cell (run after target cells are rebuilt, and so by the demo load). Rows are exact from the
 * context's yesterday on. Quantities beyond 17 million units a day leave the cells unbuilt (queries
 * then compute from the units) rather than risk inexact sums.
 * @example await rebuildUnitsFulfilled(ctx, tx);
 */
export async function rebuildUnitsFulfilled(ctx: ServiceContext, tx: Queryable = ctx.store): Promise<{ rows: number; built: boolean }> {
  const model = await loadReportingModel(ctx, tx);
  const through = addDays(ctx.today(), -1);
  await tx.query('delete from fulfil_cell where org = $1', [ctx.org]);
  await tx.query('delete from fulfil_unit_month where org = $1', [ctx.org]);
  await tx.query('delete from fulfil_state where org = $1', [ctx.org]);
  await tx.query('delete from fulfil_actual where org = $1', [ctx.org]);
  await tx.query(
    `insert into fulfil_unit_month (org, unit_id, product_id, period, quantity)
     select c.org, u.id, c.product_id, c.period, c.quantity from actual_cell c
       join unit u on u.org = c.org and u.code = c.sector
      where c.org = $1 and c.region = c.sector and c.kind = 'output' and c.period ~ '^[0-9]{4}-M[0-9]{2}$'`,
    [ctx.org],
  );
  // Cut months and years: the unit months summed per cut (a list of which cuts each unit rolls into).
  await tx.exec('create temp table if not exists fulfil_unit_cut (unit_id int not null, sector text not null, region text not null)');
  await tx.exec('truncate fulfil_unit_cut');
  {
    const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const lines: string[] = [];
    for (const u of model.unitsById.values()) for (const [s, r] of actualCells(u).cuts) lines.push(`${u.id},${quote(s)},${quote(r)}`);
    if (lines.length) await tx.copyFrom('fulfil_unit_cut', ['unit_id', 'sector', 'region'], lines.join('\n') + '\n');
  }
  await tx.query(
    `insert into fulfil_actual (org, sector, region, product_id, period, quantity)
     select m.org, c.sector, c.region, m.product_id, pe.period, sum(m.quantity)
       from fulfil_unit_month m
       join fulfil_unit_cut c on c.unit_id = m.unit_id
       cross join lateral (values (m.period), (left(m.period, 4))) as pe(period)
      where m.org = $1
      group by m.org, c.sector, c.region, m.product_id, pe.period`,
    [ctx.org],
  );
  await tx.exec('drop table fulfil_unit_cut');
  const months = new Map<string, Map<string, bigint>>();
  for (const r of await tx.query<{ unit_id: number; product_id: number; period: string; q: string }>(
    'select unit_id, product_id, period, quantity::text as q from fulfil_unit_month where org = $1',
    [ctx.org],
  )) {
    const key = `${r.unit_id}|${r.product_id}`;
    let m = months.get(key);
    if (!m) months.set(key, (m = new Map()));
    m.set(r.period, toMicro(r.q));
  }
  // Figures in force of every output series by day (millionths), read in pages of the table.
  const [span] = await tx.query<{ first: string | null; last: string | null }>(
    `select min(period) as first, max(period) as last from actual_cell
      where org = $1 and sector = $2 and region = $2 and kind = 'output' and period ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`,
    [ctx.org, NATION],
  );
  const base = span?.first ? toDayNumber(`${span.first.slice(0, 4)}-01-01`) : 0;
  const nDays = span?.last ? toDayNumber(`${span.last.slice(0, 4)}-12-31`) - base + 1 : 0;
  const days = new Map<string, Float64Array>();
  let exact = true;
  if (nDays > 0) {
    const [{ pages }] = await tx.query<{ pages: number }>(
      `select (pg_relation_size('report_current') / current_setting('block_size')::int)::int as pages`,
    );
    const sumProducts = new Set([...model.productsById.values()].filter((p) => p.aggregation === 'sum').map((p) => p.id));
    const PAGE = 20_000;
    for (let p = 0; p <= pages; p += PAGE) {
      const csv = await tx.copyTo(
        `select unit_id, product_id, day - date '${fromDayNumber(base)}', quantity from report_current
          where org = ${Number(ctx.org)} and kind = 'output' and ctid >= '(${p},0)'::tid and ctid < '(${p + PAGE},0)'::tid`,
      );
      let i = 0;
      while (i < csv.length) {
        let j = csv.indexOf('\n', i);
        if (j < 0) j = csv.length;
        const line = csv.slice(i, j);
        i = j + 1;
        if (!line) continue;
        const c1 = line.indexOf(',');
        const c2 = line.indexOf(',', c1 + 1);
        const c3 = line.indexOf(',', c2 + 1);
        if (!sumProducts.has(Number(line.slice(c1 + 1, c2)))) continue;
        const key = line.slice(0, c2).replace(',', '|');
        const d = Number(line.slice(c2 + 1, c3));
        const q = microNumber(line.slice(c3 + 1));
        if (!(d >= 0 && d < nDays) || Number.isNaN(q)) {
          exact = false;
          continue;
        }
        let a = days.get(key);
        if (!a) days.set(key, (a = new Float64Array(nDays)));
        a[d] = q;
      }
    }
  }
  if (!exact) return { rows: 0, built: false };
  const targets = await unitTargets(tx, ctx.org);
  const shares = await shareTableVia(ctx, tx);
  const from = shares.dayNumber(through);
  // The day and week of every day of the span.
  const dayIds: string[] = [];
  const weekIds: string[] = [];
  for (let k = 0; k < nDays; k++) {
    const ps = periodsOf(fromDayNumber(base + k));
    dayIds.push(ps.day);
    weekIds.push(ps.week);
  }
  // Count changes per finest cell (the unit's own sector x region) first, then rolled up.
  const finest = new Map<string, { unit: UnitInfo; productId: number; rows: Map<string, Map<number, number>> }>();
  const keys = new Set([...months.keys(), ...days.keys()]);
  for (const key of keys) {
    const [unitId, productId] = key.split('|').map(Number);
    const unit = model.unitsById.get(unitId);
    if (!unit) continue;
    const t = targets.get(`${unit.code}|${productId}`) ?? new Map<string, number>();
    const chain = chainOfUnit(unit);
    const fKey = `${unit.sectorChain[0] ?? NATION}|${unit.regionChain[0] ?? NATION}|${productId}`;
    let f = finest.get(fKey);
    if (!f) finest.set(fKey, (f = { unit, productId, rows: new Map() }));
    const add = (id: string, actual: number) => {
      const p = periodOf(id);
      const td = toDateOf(shares, p, t, chain);
      const runs = fulfilledRuns(td, actual, from);
      if (runs.length === 0) return;
      let acc = f!.rows.get(id);
      if (!acc) f!.rows.set(id, (acc = new Map()));
      addRuns(acc, runs, td.end, 1);
    };
    const m = months.get(key);
    if (m) {
      const periods = new Set<string>();
      for (const [month, q] of m) {
        if (q === 0n) continue;
        const ps = periodsOf(periodOf(month).start);
        periods.add(ps.month).add(ps.quarter).add(ps.half).add(ps.year).add(ps.plan);
      }
      for (const id of periods) {
        let actual = 0n;
        for (const mm of monthsIn(periodOf(id))) actual += m.get(mm) ?? 0n;
        add(id, Number(actual));
      }
    }
    const d = days.get(key);
    if (d) {
      const weeks = new Map<string, number>();
      for (let k = 0; k < nDays; k++) {
        if (d[k] === 0) continue;
        add(dayIds[k], d[k]);
        weeks.set(weekIds[k], 0);
      }
      for (const id of weeks.keys()) {
        const w = periodOf(id);
        let actual = 0;
        for (let dn = shares.dayNumber(w.start), end = shares.dayNumber(w.end); dn <= end; dn++) {
          const k = dn - base;
          if (k >= 0 && k < nDays) actual += d[k];
        }
        add(id, actual);
      }
    }
  }
  // Cut and deep-node days: the units' day figures summed per finest cell, then per cell above it.
  const finestDays = new Map<string, { unit: UnitInfo; productId: number; sum: Float64Array }>();
  for (const [key, d] of days) {
    const [unitId, productId] = key.split('|').map(Number);
    const unit = model.unitsById.get(unitId);
    if (!unit) continue;
    const fKey = `${unit.sectorChain[0] ?? NATION}|${unit.regionChain[0] ?? NATION}|${productId}`;
    let f = finestDays.get(fKey);
    if (!f) finestDays.set(fKey, (f = { unit, productId, sum: new Float64Array(nDays) }));
    for (let k = 0; k < nDays; k++) f.sum[k] += d[k];
  }
  const dayCells = new Map<string, Float64Array>();
  for (const f of finestDays.values()) {
    const { cuts, days: deep } = actualCells(f.unit);
    for (const [s, r] of [...cuts, ...deep]) {
      const k = `${s}\t${r}\t${f.productId}`;
      let a = dayCells.get(k);
      if (!a) dayCells.set(k, (a = new Float64Array(nDays)));
      for (let i = 0; i < nDays; i++) a[i] += f.sum[i];
    }
  }
  {
    let lines: string[] = [];
    const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const flushDays = async () => {
      if (lines.length) await tx.copyFrom('fulfil_actual', ['org', 'sector', 'region', 'product_id', 'period', 'quantity'], lines.join('\n') + '\n');
      lines = [];
    };
    for (const [k, a] of dayCells) {
      const [s, r, p] = k.split('\t');
      for (let i = 0; i < nDays; i++) {
        if (a[i] === 0) continue;
        // Sums of integers stay exact below 2^53; beyond, leave the cells unbuilt.
        if (!Number.isSafeInteger(a[i])) return { rows: 0, built: false };
        lines.push(`${ctx.org},${quote(s)},${quote(r)},${p},${fromDayNumber(base + i)},${fromMicro(BigInt(a[i]))}`);
        if (lines.length >= 200_000) await flushDays();
      }
    }
    await flushDays();
  }
  const deltas = new CellDeltas();
  for (const f of finest.values()) {
    for (const [period, changes] of f.rows) deltas.add(keptCells(f.unit, periodOf(period).kind), f.productId, period, changes);
  }
  let lines: string[] = [];
  let rows = 0;
  const flush = async () => {
    if (lines.length) await tx.copyFrom('fulfil_cell', ['org', 'sector', 'region', 'product_id', 'period', 'day', 'units'], lines.join('\n') + '\n');
    rows += lines.length;
    lines = [];
  };
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  for (const [s, r, p, pe, d, n] of deltas.rows()) {
    lines.push(`${ctx.org},${quote(s)},${quote(r)},${p},${pe},${d},${n}`);
    if (lines.length >= 200_000) await flush();
  }
  await flush();
  await tx.query('insert into fulfil_state (org, valid_from) values ($1, $2)', [ctx.org, through]);
  return { rows, built: true };
}


/**
 * units_fulfilled of a node or cut (not a unit) for a product, period and through day from the
 * cells, or null when they cannot answer (never built, or a through day before they are exact).
 */
export async function readUnitsFulfilled(q: Queryable, org: number, sector: string, region: string, productId: number, period: Period, through: string): Promise<number | null> {
  const upTo = through < period.end ? through : period.end;
  const [r] = await q.query<{ w: string | null; n: number | null }>(
    `select (select valid_from::text from fulfil_state where org = $1) as w,
            (select sum(units)::int from fulfil_cell
              where org = $1 and sector = $2 and region = $3 and product_id = $4 and period = $5 and day <= $6) as n`,
    [org, sector, region, productId, period.id, upTo],
  );
  if (!r?.w || through < r.w) return null;
  if (through < period.start) return 0;
  return r.n ?? 0;
}
