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
// Alongside, fulfil_actual keeps what actual_cell does not: the months, years and days of the top
// sector x province cuts and the days of nodes below the top sectors and provinces, those days only
// from 59 days before the watermark on (see HISTORY_DAYS in parts.ts) (target_cell gets the cuts'
// targets), so that those cuts, counties and subsectors read cells too. Deeper cuts (keptCuts) are
// summed from their few units. Everything here is read only when
// fulfil_state holds the organisation (the rebuild ran); otherwise queries compute from the units.
// The hook does nothing for an organisation without that row, and is registered when this module is
// imported (by query.ts and target-cells.ts, so by the server, the CLI and the demo load).
import type { Calendar } from '../../domain/calendar.js';
import { addDays, fromDayNumber, toDayNumber } from '../../domain/iso-date.js';
import { parsePeriod, periodsContaining, type Period } from '../../domain/period.js';
import { decimalArray, numberArray, textArray, type Queryable, type Store } from '../../store/index.js';
import { loadCalendar } from '../calendar.js';
import type { ServiceContext } from '../context.js';
import { NATION } from '../trees.js';
import type { AppliedChange } from '../reporting/cells.js';
import { fromMicro, toMicro } from '../reporting/micro.js';
import { loadReportingModel, type ReportingModel, type UnitInfo } from '../reporting/model-cache.js';
import { onReports, type ReportHook, type SharedWrites } from '../reporting/submit.js';
import { dayWindowFrom, DayShares, monthOf, monthsOf, storedParts } from './parts.js';

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
      let lastMonth = '';
      for (const p of storedParts(period)) {
        if (p.kind === 'day') {
          // Day parts of one month share its target, so whether the sum is NaN (no target) changes
          // only where the month does: break there to keep each segment monotone or NaN throughout.
          const id = monthOf(p.id);
          if (id !== lastMonth) breaks.push(this.dayNumber(p.id));
          lastMonth = id;
          parts.push({ kind: 'day', day: this.dayNumber(p.id), id, share: this.shares.dayShare(p.id, chain) });
        }
        else if (p.kind === 'month') parts.push({ kind: 'month', ...monthPart(p) });
        else {
          const start = this.dayNumber(p.start);
          const months = monthsOf(p).map(monthPart);
          const monthAt = new Uint8Array(this.dayNumber(p.end) - start + 1);
          months.forEach((m, k) => monthAt.fill(k, m.start - start, m.end - start + 1));
          parts.push({ kind: 'year', start, end: this.dayNumber(p.end), id: p.id, months, monthAt });
        }
      }
      const start = this.dayNumber(period.start);
      const end = this.dayNumber(period.end);
      t = { parts, start, end, breaks: [...new Set(breaks)].sort((a, b) => a - b) };
      byPeriod.set(period.id, t);
    }
    return t;
  }
}

type MonthTemplate = { readonly start: number; readonly end: number; readonly id: string; readonly prefix: Float64Array };
type PartTemplate =
  | { readonly kind: 'day'; readonly day: number; readonly id: string; readonly share: number }
  | ({ readonly kind: 'month' } & MonthTemplate)
  | { readonly kind: 'year'; readonly start: number; readonly end: number; readonly id: string; readonly months: readonly MonthTemplate[]; readonly monthAt: Uint8Array };
interface Template {
  readonly parts: readonly PartTemplate[];
  readonly start: number;
  readonly end: number;
  readonly breaks: readonly number[];
}

type MonthPart = { readonly start: number; readonly end: number; readonly t: number; readonly prefix: Float64Array };
type Part =
  | { readonly kind: 'day'; readonly day: number; readonly t: number }
  | ({ readonly kind: 'month' } & MonthPart)
  | {
      readonly kind: 'year';
      readonly start: number;
      readonly end: number;
      readonly t: number;
      readonly months: readonly MonthPart[];
      /** Index of the month of each day of the year (day number - start). */
      readonly monthAt: Uint8Array;
      /** before[k] = the months before month k summed from January, in the order the query adds them. */
      readonly before: Float64Array;
    };

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

  constructor(tpl: Template, targets: ReadonlyMap<string, number>) {
    const month = (id: string) => targets.get(id) ?? NaN;
    const fill = (m: MonthTemplate): MonthPart => ({ start: m.start, end: m.end, t: month(m.id), prefix: m.prefix });
    this.parts = tpl.parts.map((p): Part =>
      p.kind === 'day'
        ? { kind: 'day', day: p.day, t: month(p.id) * p.share }
        : p.kind === 'month'
          ? { kind: 'month', ...fill(p) }
          : yearPart(p, month(p.id), p.months.map(fill)),
    );
    this.breaks = tpl.breaks;
    this.start = tpl.start;
    this.end = tpl.end;
  }

  private seg: Segments | undefined;

  /** The segments from a through day on (the last one asked for is kept: batches share it). */
  segments(from: number): Segments {
    if (this.seg?.from !== from) this.seg = segmentsOf(this, from);
    return this.seg;
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
        // The query folds all twelve months (due ones in full, this one in part, later ones as 0):
        // the same fold stopped after this month, since adding zeros changes nothing.
        const k = p.monthAt[T - p.start];
        const m = p.months[k];
        td = p.before[k] + (m.end <= T ? m.t : m.t * m.prefix[T - m.start]);
      }
      toDate += td;
    }
    return toDate;
  }
}

function yearPart(p: { start: number; end: number; monthAt: Uint8Array }, t: number, months: MonthPart[]): Part {
  const before = new Float64Array(months.length);
  let acc = 0;
  for (let k = 0; k < months.length; k++) {
    before[k] = acc;
    acc = acc + months[k].t;
  }
  return { kind: 'year', start: p.start, end: p.end, t, months, monthAt: p.monthAt, before };
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
 * counts as fulfilled: target to date > 0 and actual >= it. Exact: evaluated per segment between
 * month starts and ends (and, for days, month changes), where the target to date is a non-decreasing
 * function of T (one month's share grows, the rest are fixed) or NaN throughout, by binary search.
 * Only at breaks can it step down (a month's shares may sum to a hair over one).
 */
export function fulfilledRuns(td: ToDate, actual: number, from: number): Run[] {
  const runs: Run[] = [];
  if (!(actual > 0)) return runs;
  const seg = td.segments(from);
  for (let i = 0; i < seg.lo.length; i++) {
    const lo = seg.lo[i];
    if (lo < 0 || !(actual >= seg.atLo[i])) continue;
    const b = seg.end[i];
    let hi = b;
    if (!(actual >= seg.atEnd[i])) {
      let l = lo; // actual >= at(l), actual < at(h)
      let h = b;
      while (h - l > 1) {
        const mid = (l + h) >> 1;
        if (actual >= td.at(mid)) l = mid;
        else h = mid;
      }
      hi = l;
    }
    const last = runs[runs.length - 1];
    if (last && last[1] + 1 === lo) runs[runs.length - 1] = [last[0], hi];
    else runs.push([lo, hi]);
  }
  return runs;
}

/**
 * The segments of [from, period end] between breaks, with what fulfilledRuns needs of each whatever
 * the actual: its last day and value there, and its first day with a target to date above zero
 * (-1 when none) and the value there. Monotone within a segment, so these bound every day in it.
 */
export interface Segments {
  readonly from: number;
  readonly lo: Int32Array;
  readonly atLo: Float64Array;
  readonly end: Int32Array;
  readonly atEnd: Float64Array;
  /** The least atLo and the greatest atEnd of the segments with a target (Infinity and -Infinity when none). */
  readonly minLo: number;
  readonly maxEnd: number;
}

/**
 * Where an actual stands against every segment at once: below each one's least target to date
 * (counts on no day), at or above each one's greatest (counts on every day with a target), or
 * between. Two actuals both 'none' or both 'all' have the same runs.
 */
export function standing(seg: Segments, actual: number): 'none' | 'all' | 'mid' {
  if (!(actual > 0) || actual < seg.minLo) return 'none';
  return actual >= seg.maxEnd ? 'all' : 'mid';
}

function segmentsOf(td: ToDate, from: number): Segments {
  const first = Math.max(td.start, Math.min(from, td.end));
  const cuts = [first];
  for (const b of td.breaks) if (b > first && b <= td.end) cuts.push(b);
  const n = cuts.length;
  const seg = { from, lo: new Int32Array(n), atLo: new Float64Array(n), end: new Int32Array(n), atEnd: new Float64Array(n), minLo: Infinity, maxEnd: -Infinity };
  for (let i = 0; i < n; i++) {
    const a = cuts[i];
    const b = i + 1 < n ? cuts[i + 1] - 1 : td.end;
    const vb = td.at(b);
    seg.end[i] = b;
    seg.atEnd[i] = vb;
    seg.lo[i] = -1;
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
    seg.lo[i] = lo;
    seg.atLo[i] = td.at(lo);
    if (seg.atLo[i] < seg.minLo) seg.minLo = seg.atLo[i];
    if (vb > seg.maxEnd) seg.maxEnd = vb;
  }
  return seg;
}

/** Adds the count changes of `runs` (times `sign`) to `out`, keyed by day number. */
function addRuns(out: Map<number, number>, runs: readonly Run[], end: number, sign: number): void {
  for (const [a, b] of runs) {
    out.set(a, (out.get(a) ?? 0) + sign);
    if (b < end) out.set(b + 1, (out.get(b + 1) ?? 0) - sign);
  }
}

/**
 * The sector x region cuts kept in cells: the unit's top sector x its province. Deeper cuts hold a few
 * units each and are summed from them when asked; keeping them made every report write a cell per
 * pair of ancestors (depth x depth) where nodes need one per ancestor (depth + depth).
 */
export function keptCuts(unit: Pick<UnitInfo, 'sectorChain' | 'regionChain'>): [string, string][] {
  const top = unit.sectorChain[unit.sectorChain.length - 1];
  const province = unit.regionChain[unit.regionChain.length - 1];
  return top !== undefined && province !== undefined ? [[top, province]] : [];
}

/** Whether a sector x region cut (neither side the nation) is kept in cells: a top sector x a province. */
export function isKeptCut(model: Pick<ReportingModel, 'nodes'>, sector: string, region: string): boolean {
  return model.nodes.get(sector)?.depth === 1 && model.nodes.get(region)?.depth === 1;
}

/** The cells a unit's count rolls into: the nation, each ancestor in either tree, and its kept cut. */
export function countCells(unit: Pick<UnitInfo, 'sectorChain' | 'regionChain'>): [string, string][] {
  return [
    ...unit.sectorChain.map((s): [string, string] => [s, NATION]),
    ...unit.regionChain.map((r): [string, string] => [NATION, r]),
    [NATION, NATION],
    ...keptCuts(unit),
  ];
}

/**
 * The cells of fulfil_actual a unit's output rolls into: its kept cut (months, years and days) and
 * each node below the top sectors and provinces (days only).
 */
export function actualCells(unit: Pick<UnitInfo, 'sectorChain' | 'regionChain'>): { cuts: [string, string][]; days: [string, string][] } {
  const cuts = keptCuts(unit);
  const days: [string, string][] = [
    ...unit.sectorChain.slice(0, -1).map((s): [string, string] => [s, NATION]),
    ...unit.regionChain.slice(0, -1).map((r): [string, string] => [NATION, r]),
  ];
  return { cuts, days };
}

const chains = new Map<string, readonly string[]>();
const unitChains = new WeakMap<UnitInfo, readonly string[]>();

/** The unit's region chain from the province down, as the calendar reads it (one array per chain, for memoising). */
function chainOfUnit(u: UnitInfo): readonly string[] {
  let c = unitChains.get(u);
  if (c) return c;
  const key = u.regionChain.join('/');
  c = chains.get(key);
  if (!c) chains.set(key, (c = [...u.regionChain].reverse()));
  unitChains.set(u, c);
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
  /** Cell ("sector\tregion") -> product id -> period index * DAY_SPAN + day number -> count change. */
  private readonly cells = new Map<string, Map<number, Map<number, number>>>();
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

  /** Adds changes to cells named "sector\tregion" (see cellNames). */
  add(cells: readonly string[], productId: number, period: string, changes: ReadonlyMap<number, number>): void {
    const base = this.index(period) * DAY_SPAN;
    for (const cell of cells) {
      let byProduct = this.cells.get(cell);
      if (!byProduct) this.cells.set(cell, (byProduct = new Map()));
      let m = byProduct.get(productId);
      if (!m) byProduct.set(productId, (m = new Map()));
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
    // The order of the former "sector\tregion\tproduct" keys: by cell, then product id as text.
    for (const cell of [...this.cells.keys()].sort()) {
      const tab = cell.indexOf('\t');
      const s = cell.slice(0, tab);
      const r = cell.slice(tab + 1);
      const byProduct = this.cells.get(cell)!;
      for (const p of [...byProduct.keys()].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0))) {
        const m = byProduct.get(p)!;
        for (const [k, n] of [...m.entries()].sort(([a], [b]) => byPeriodDay(a, b))) {
          if (n === 0) continue;
          yield [s, r, p, this.periods[Math.floor(k / DAY_SPAN)], fromDayNumber(k % DAY_SPAN), n];
        }
      }
    }
  }
}

const cellNameCache = new WeakMap<UnitInfo, { all: string[]; nodes: string[] }>();

/** keptCells as "sector\tregion" names (memoised per unit): `nodes` for days, `all` otherwise. */
function cellNames(unit: UnitInfo, kind: Period['kind']): readonly string[] {
  let c = cellNameCache.get(unit);
  if (!c) {
    c = { all: keptCells(unit, 'month').map(([s, r]) => `${s}\t${r}`), nodes: keptCells(unit, 'day').map(([s, r]) => `${s}\t${r}`) };
    cellNameCache.set(unit, c);
  }
  return kind === 'day' ? c.nodes : c.all;
}

/** Day numbers stay below this (year 2200 is day 84,000-odd). */
const DAY_SPAN = 2 ** 17;

/**
 * The cells whose counts are kept for a period kind: every count cell of the unit, except its cut for
 * single days (summed from the figures in force of the cut's units).
 */
export function keptCells(unit: Pick<UnitInfo, 'sectorChain' | 'regionChain'>, kind: Period['kind']): [string, string][] {
  const all = countCells(unit);
  return kind === 'day' ? all.filter(([s, r]) => s === NATION || r === NATION) : all;
}

/** Whether the counts of a cell (not a unit) are kept for a period kind. */
export function isKept(model: Pick<ReportingModel, 'nodes'>, sector: string, region: string, kind: Period['kind']): boolean {
  return sector === NATION || region === NATION || (kind !== 'day' && isKeptCut(model, sector, region));
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
 * The report hook: moves fulfil_unit_period, fulfil_actual and fulfil_cell for the output of physical products a
 * batch changed, in the batch's transaction. Does nothing for an organisation whose cells were never
 * built (queries then compute from the units).
 */
export const unitsFulfilledHook: ReportHook = async (tx, ctx, changes, model, shared) => {
  const sum = changes.filter((c) => c.kind === 'output' && c.delta !== 0n && model.productsById.get(c.productId)?.aggregation === 'sum');
  if (sum.length === 0) return;
  const [state] = await tx.query<{ w: string | null; v: string }>(
    'select (select valid_from::text from fulfil_state where org = $1) as w, (select last_value::text from target_version) as v',
    [ctx.org],
  );
  if (!state?.w) return;
  await applyUnitChanges(tx, ctx, model, sum, state.v, dayWindowFrom(state.w), shared);
};

const placeIds = new WeakMap<UnitInfo, number>();
const placeByKey = new Map<string, number>();

/** The unit's place (its sector and region leaves) as a number: units of one place share every cell above themselves. */
function placeOf(u: UnitInfo): number {
  let id = placeIds.get(u);
  if (id === undefined) {
    const key = `${u.sectorChain[0] ?? ''}\t${u.regionChain[0] ?? ''}`;
    id = placeByKey.get(key);
    if (id === undefined) placeByKey.set(key, (id = placeByKey.size));
    placeIds.set(u, id);
  }
  return id;
}

/** A number for a unit (or place) and product pair. */
function pairKey(id: number, productId: number): number {
  return id * 2 ** 21 + productId;
}

/** The period kinds fulfil_unit_period keeps (days are the figures themselves). */
const KEPT_KINDS = ['week', 'month', 'quarter', 'half', 'year', 'plan'] as const;

// Unit targets change only when target cells are rebuilt, which bumps target_version; a batch reads
// the version (one tiny row) and fetches only the series it has not seen since. Each series keeps
// its targets to date per period too (and their segments), which batches of later days reuse; all
// of it is dropped when the targets or the calendar change, or when it grows past MAX_CACHED.
interface SeriesCache {
  readonly targets: ReadonlyMap<string, number>;
  readonly toDates: Map<string, ToDate>;
}
const targetCaches = new WeakMap<object, Map<number, { version: string; shares: ShareTable; bySeries: Map<string, SeriesCache>; toDates: number }>>();
const MAX_CACHED = 2_000_000;

async function seriesCaches(tx: Queryable, ctx: ServiceContext, version: string, shares: ShareTable, series: readonly { unit: UnitInfo; productId: number }[]) {
  let byOrg = targetCaches.get(ctx.store);
  if (!byOrg) targetCaches.set(ctx.store, (byOrg = new Map()));
  let cache = byOrg.get(ctx.org);
  if (!cache || cache.version !== version || cache.shares !== shares || cache.toDates > MAX_CACHED) {
    byOrg.set(ctx.org, (cache = { version, shares, bySeries: new Map(), toDates: 0 }));
  }
  const missing = series.filter((s) => !cache!.bySeries.has(`${s.unit.code}|${s.productId}`));
  if (missing.length) {
    const read = await unitTargets(tx, ctx.org, { codes: missing.map((s) => s.unit.code), products: missing.map((s) => s.productId) });
    for (const s of missing) {
      const key = `${s.unit.code}|${s.productId}`;
      cache.bySeries.set(key, { targets: read.get(key) ?? new Map(), toDates: new Map() });
    }
  }
  const c = cache;
  const entryOf = (s: { unit: UnitInfo; productId: number }) => c.bySeries.get(`${s.unit.code}|${s.productId}`)!;
  return {
    /** The target to date of a series for a period longer than a day (kept). */
    toDate(s: { unit: UnitInfo; productId: number }, p: Period): ToDate {
      const entry = entryOf(s);
      let td = entry.toDates.get(p.id);
      if (!td) {
        td = toDateOf(shares, p, entry.targets, chainOfUnit(s.unit));
        entry.toDates.set(p.id, td);
        c.toDates++;
      }
      return td;
    },
    /** A series' target for one day: what ToDate of the day gives from that day on. */
    dayTarget(s: { unit: UnitInfo; productId: number }, day: string): number {
      return dayTargetOf(shares, entryOf(s).targets, day, chainOfUnit(s.unit));
    },
  };
}

/** A unit's target for one day (its month's target times the day's share; NaN without one), as ToDate of the day computes it. */
function dayTargetOf(shares: ShareTable, targets: ReadonlyMap<string, number>, day: string, chain: readonly string[]): number {
  return (targets.get(monthOf(day)) ?? NaN) * shares.dayShare(day, chain);
}

/**
 * The count change of a single day's cell when a unit's figure goes from `was` to `now`: a day's
 * run starts on the day itself and lasts ever after, so it is +1 or -1 on that day, or nothing.
 * The same as periodChanges on the day's ToDate, without building one.
 */
function dayChange(target: number, was: number, now: number): number {
  const met = (x: number) => x > 0 && target > 0 && x >= target;
  return met(was) === met(now) ? 0 : met(now) ? 1 : -1;
}

interface Series {
  readonly unit: UnitInfo;
  readonly productId: number;
  /** The days the batch changed, with the delta and the figure in force (millionths). */
  readonly days: { readonly day: string; readonly delta: bigint; readonly figure: bigint }[];
  // Kept periods side by side (six per day, a few more when a batch spans weeks or months): arrays
  // searched in place cost far less to build than a Map per series, which a batch makes by the thousand.
  /** Kept period ids the batch touches. */
  readonly periods: string[];
  /** The delta of the unit's actual per period, millionths. */
  readonly deltas: bigint[];
  /** The unit's actual per period after the batch (read back from fulfil_unit_period). */
  readonly now: (bigint | undefined)[];
}

/** Period ids in lock order: by kind (KEPT_KINDS), then id. */
function byKindThenId(a: string, b: string): number {
  return kindRank(a) - kindRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Reads 'unit product period quantity' items (comma-separated) into the series' `now`. Parsed in
 * place: splitting made five strings and two arrays per row, the batch's largest allocation.
 */
function readPeriodActuals(packed: string, series: ReadonlyMap<number, Series>): void {
  let at = 0;
  while (at < packed.length) {
    let u = 0;
    while (packed.charCodeAt(at) !== 32) u = u * 10 + packed.charCodeAt(at++) - 48;
    at++;
    let p = 0;
    while (packed.charCodeAt(at) !== 32) p = p * 10 + packed.charCodeAt(at++) - 48;
    at++;
    const s = series.get(pairKey(u, p));
    if (!s) throw new Error(`units-fulfilled: a period actual came back for a series not in the batch (${u}, ${p})`);
    const space = packed.indexOf(' ', at);
    let i = 0;
    while (i < s.periods.length && !(s.periods[i].length === space - at && packed.startsWith(s.periods[i], at))) i++;
    if (i === s.periods.length) throw new Error(`units-fulfilled: an unexpected period came back: ${packed.slice(at, space)}`);
    let end = packed.indexOf(',', space);
    if (end < 0) end = packed.length;
    s.now[i] = toMicro(packed.slice(space + 1, end));
    at = end + 1;
  }
}

/** The position of a period id's kind in KEPT_KINDS (ids: 2026-W01, 2026-M01, 2026-Q1, 2026-H1, 2026, 2026-2030). */
function kindRank(id: string): number {
  if (id.length === 4) return 4;
  if (id.length === 9 && id[4] === '-' && id[5] !== 'W' && id[5] !== 'M') return 5;
  return ({ W: 0, M: 1, Q: 2, H: 3 } as Record<string, number>)[id[5]] ?? 6;
}

const actualNameCache = new WeakMap<UnitInfo, { cuts: string[]; days: string[] }>();

/** actualCells as "sector\tregion" names (memoised per unit). */
function actualCellNames(unit: UnitInfo): { cuts: string[]; days: string[] } {
  let c = actualNameCache.get(unit);
  if (!c) {
    const { cuts, days } = actualCells(unit);
    c = { cuts: cuts.map(([s, r]) => `${s}\t${r}`), days: days.map(([s, r]) => `${s}\t${r}`) };
    actualNameCache.set(unit, c);
  }
  return c;
}

const monthYear = new Map<string, [string, string]>();

/** The month and year ids of a day (memoised). */
function monthAndYearOf(day: string): [string, string] {
  let m = monthYear.get(day);
  if (!m) monthYear.set(day, (m = [monthOf(day), day.slice(0, 4)]));
  return m;
}

/**
 * `dayFrom`: the first day whose cut and deep-node day rows the batch moves (the window of the
 * watermark it read; it only moves forward, so every day at or after the current window was moved
 * by every batch that changed it).
 */
async function applyUnitChanges(
  tx: Queryable, ctx: ServiceContext, model: ReportingModel, changes: readonly AppliedChange[], version: string, dayFrom: string, shared: SharedWrites,
): Promise<void> {
  const through = addDays(ctx.today(), -1);
  const series = new Map<number, Series>();
  for (const c of changes) {
    if (c.figure === undefined) throw new Error('units-fulfilled: a report change without its figure');
    const key = pairKey(c.unit.id, c.productId);
    let s = series.get(key);
    if (!s) series.set(key, (s = { unit: c.unit, productId: c.productId, days: [], periods: [], deltas: [], now: [] }));
    s.days.push({ day: c.day, delta: c.delta, figure: c.figure });
    const ps = periodsOf(c.day);
    for (const kind of KEPT_KINDS) {
      const id = ps[kind];
      const i = s.periods.indexOf(id);
      if (i >= 0) s.deltas[i] += c.delta;
      else {
        s.periods.push(id);
        s.deltas.push(c.delta);
        s.now.push(undefined);
      }
    }
  }
  const list = [...series.values()].sort((a, b) => a.unit.id - b.unit.id || a.productId - b.productId);
  // Move the unit's period actuals and read the new ones back in one statement (old = new - delta).
  // Lock order: by unit, product, then period kind and id (one day's periods come in that order).
  const us: number[] = [], ps: number[] = [], pes: string[] = [], qs: string[] = [];
  for (const s of list) {
    const order = s.days.length === 1 ? s.periods.map((_, i) => i) : s.periods.map((_, i) => i).sort((a, b) => byKindThenId(s.periods[a], s.periods[b]));
    for (const i of order) {
      if (s.deltas[i] === 0n) continue;
      us.push(s.unit.id);
      ps.push(s.productId);
      pes.push(s.periods[i]);
      qs.push(fromMicro(s.deltas[i]));
    }
  }
  if (us.length) {
    // The rows come back packed in one text ('unit product period quantity', comma-separated): a
    // row each cost the driver more than the statement's own parse and plan.
    const [back] = await tx.query<{ packed: string | null }>(
      `with r as (
         insert into fulfil_unit_period (org, unit_id, product_id, period, quantity)
         select $1, u, p, pe, q from unnest($2::int[], $3::int[], $4::text[], $5::numeric[]) as t(u, p, pe, q)
         on conflict (org, unit_id, product_id, period) do update set quantity = fulfil_unit_period.quantity + excluded.quantity
         returning unit_id, product_id, period, quantity)
       select string_agg(unit_id::text || ' ' || product_id::text || ' ' || period || ' ' || quantity::text, ',') as packed from r`,
      [ctx.org, numberArray(us), numberArray(ps), textArray(pes), decimalArray(qs)],
    );
    if (back?.packed) readPeriodActuals(back.packed, series);
  }
  const shares = await shareTableVia(ctx, tx);
  const caches = await seriesCaches(tx, ctx, version, shares, list);
  const from = shares.dayNumber(through);
  // Count changes summed per place first, then rolled into the place's cells once.
  type Group = { unit: UnitInfo; productId: number; period: string; kind: Period['kind']; changes: Map<number, number> };
  const byPlace = new Map<number, Map<string, Group>>();
  const count = (s: Series, id: string, oldA: bigint, newA: bigint) => {
    if (oldA === newA) return;
    const p = periodOf(id);
    const was = safeNumber(oldA);
    const now = safeNumber(newA);
    let changes: Map<number, number>;
    if (p.kind === 'day') {
      const n = dayChange(caches.dayTarget(s, id), was, now);
      if (n === 0) return;
      changes = new Map([[shares.dayNumber(id), n]]);
    } else {
      // Most reports leave a unit below (or above) its target to date on every day from `from`
      // on: the runs are then the same, and none need computing.
      const td = caches.toDate(s, p);
      const seg = td.segments(from);
      const at = standing(seg, was);
      if (at !== 'mid' && at === standing(seg, now)) return;
      changes = periodChanges(td, was, now, from);
      let any = false;
      for (const n of changes.values()) if (n !== 0) any = true;
      if (!any) return;
    }
    const key = pairKey(placeOf(s.unit), s.productId);
    let byPeriod = byPlace.get(key);
    if (!byPeriod) byPlace.set(key, (byPeriod = new Map()));
    let g = byPeriod.get(id);
    if (!g) byPeriod.set(id, (g = { unit: s.unit, productId: s.productId, period: id, kind: p.kind, changes: new Map() }));
    for (const [day, n] of changes) if (n !== 0) g.changes.set(day, (g.changes.get(day) ?? 0) + n);
  };
  for (const s of list) {
    for (const d of s.days) count(s, d.day, d.figure - d.delta, d.figure);
    for (let i = 0; i < s.periods.length; i++) {
      if (s.deltas[i] === 0n) continue;
      const newA = s.now[i];
      if (newA === undefined) throw new Error(`units-fulfilled: no period actual came back for ${s.unit.code} ${s.periods[i]}`);
      count(s, s.periods[i], newA - s.deltas[i], newA);
    }
  }
  const deltas = new CellDeltas();
  for (const byPeriod of byPlace.values()) for (const g of byPeriod.values()) deltas.add(cellNames(g.unit, g.kind), g.productId, g.period, g.changes);
  // Cut and deep-node actuals, summed per place first: cell name -> product -> period -> delta.
  const placeDays = new Map<number, Map<string, { unit: UnitInfo; productId: number; day: string; delta: bigint }>>();
  for (const c of changes) {
    const key = pairKey(placeOf(c.unit), c.productId);
    let byDay = placeDays.get(key);
    if (!byDay) placeDays.set(key, (byDay = new Map()));
    const g = byDay.get(c.day);
    if (g) g.delta += c.delta;
    else byDay.set(c.day, { unit: c.unit, productId: c.productId, day: c.day, delta: c.delta });
  }
  const actual = new Map<string, Map<number, Map<string, bigint>>>();
  const addActual = (cells: readonly string[], productId: number, period: string, d: bigint) => {
    for (const cell of cells) {
      let byProduct = actual.get(cell);
      if (!byProduct) actual.set(cell, (byProduct = new Map()));
      let byPeriod = byProduct.get(productId);
      if (!byPeriod) byProduct.set(productId, (byPeriod = new Map()));
      byPeriod.set(period, (byPeriod.get(period) ?? 0n) + d);
    }
  };
  for (const byDay of placeDays.values()) {
    for (const g of byDay.values()) {
      if (g.delta === 0n) continue;
      const { cuts, days } = actualCellNames(g.unit);
      const [month, year] = monthAndYearOf(g.day);
      addActual(cuts, g.productId, month, g.delta);
      addActual(cuts, g.productId, year, g.delta);
      if (g.day < dayFrom) continue;
      addActual(cuts, g.productId, g.day, g.delta);
      addActual(days, g.productId, g.day, g.delta);
    }
  }
  // Sorted, as lock order: concurrent batches take shared rows in the same order.
  const actualRows: { s: string; r: string; p: number; pe: string; d: bigint }[] = [];
  for (const cell of [...actual.keys()].sort()) {
    const tab = cell.indexOf('\t');
    const byProduct = actual.get(cell)!;
    for (const p of [...byProduct.keys()].sort((a, b) => a - b)) {
      const byPeriod = byProduct.get(p)!;
      for (const pe of [...byPeriod.keys()].sort()) {
        const d = byPeriod.get(pe)!;
        if (d !== 0n) actualRows.push({ s: cell.slice(0, tab), r: cell.slice(tab + 1), p, pe, d });
      }
    }
  }
  // The unit's own rows (above) are written now; the cells' rows are shared by many batches and
  // wait for the end of the batch (see SharedWrites), with every parameter already built.
  for (let i = 0; i < actualRows.length; i += 5000) {
    const part = actualRows.slice(i, i + 5000);
    const params = [ctx.org, textArray(part.map((a) => a.s)), textArray(part.map((a) => a.r)), numberArray(part.map((a) => a.p)), textArray(part.map((a) => a.pe)), decimalArray(part.map((a) => fromMicro(a.d)))];
    shared.push(() => tx.query(
      `insert into fulfil_actual (org, sector, region, product_id, period, quantity)
       select $1, s, r, p, pe, q from unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::numeric[]) as t(s, r, p, pe, q)
       on conflict (org, sector, region, product_id, period) do update set quantity = fulfil_actual.quantity + excluded.quantity`,
      params,
    ));
  }
  const cellRows = [...deltas.rows()];
  for (let i = 0; i < cellRows.length; i += 5000) {
    const part = cellRows.slice(i, i + 5000);
    const params = [ctx.org, textArray(part.map((r) => r[0])), textArray(part.map((r) => r[1])), numberArray(part.map((r) => r[2])), textArray(part.map((r) => r[3])), textArray(part.map((r) => r[4])), numberArray(part.map((r) => r[5]))];
    shared.push(() => tx.query(
      `insert into fulfil_cell (org, sector, region, product_id, period, day, units)
       select $1, s, r, p, pe, d, n from unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::date[], $7::int[]) as t(s, r, p, pe, d, n)
       on conflict (org, sector, region, product_id, period, day) do update set units = fulfil_cell.units + excluded.units`,
      params,
    ));
  }
  // Rows are exact from this batch's through day on: move the watermark (only ever forward; the
  // update takes no lock when it changes nothing, so concurrent batches do not queue on it).
  shared.push(() => tx.query('update fulfil_state set valid_from = $2 where org = $1 and valid_from < $2', [ctx.org, through]));
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
 * Rebuilds fulfil_unit_period, fulfil_actual and fulfil_cell of the organisation from actual_cell, report_current and
 * target_cell (run after target cells are rebuilt, and so by the demo load). Rows are exact from the
 * context's yesterday on. Quantities beyond 17 million units a day leave the cells unbuilt (queries
 * then compute from the units) rather than risk inexact sums.
 * @example await rebuildUnitsFulfilled(ctx, tx);
 */
export async function rebuildUnitsFulfilled(ctx: ServiceContext, tx: Queryable = ctx.store): Promise<{ rows: number; built: boolean }> {
  const through = addDays(ctx.today(), -1);
  for (const t of REBUILT) await tx.query(`delete from ${t} where org = $1`, [ctx.org]);
  await tx.query('delete from fulfil_state where org = $1', [ctx.org]);
  // Millions of rows in no key order: loading them into the tables without their primary keys and
  // building the keys once after (a sort) is several times faster than inserting into the indexes.
  // The tables stay locked until the transaction ends; batches and queries wait for the rebuild.
  for (const t of REBUILT) await tx.exec(`alter table ${t} drop constraint ${t}_pkey`);
  // Enough memory to sort a key of a few million rows without spilling to disk (this transaction only).
  await tx.exec(`set local maintenance_work_mem = '256MB'`);
  const result = await rebuildRows(ctx, tx, through);
  for (const t of REBUILT) await tx.exec(`alter table ${t} add constraint ${t}_pkey primary key (${KEYS[t]})`);
  if (result.built) await tx.query('insert into fulfil_state (org, valid_from) values ($1, $2)', [ctx.org, through]);
  return result;
}

const REBUILT = ['fulfil_cell', 'fulfil_actual', 'fulfil_unit_period'] as const;
const KEYS: Record<(typeof REBUILT)[number], string> = {
  fulfil_cell: 'org, sector, region, product_id, period, day',
  fulfil_actual: 'org, sector, region, product_id, period',
  fulfil_unit_period: 'org, unit_id, product_id, period',
};

async function rebuildRows(ctx: ServiceContext, tx: Queryable, through: string): Promise<{ rows: number; built: boolean }> {
  const model = await loadReportingModel(ctx, tx);
  await tx.query(
    `insert into fulfil_unit_period (org, unit_id, product_id, period, quantity)
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
       from fulfil_unit_period m
       join fulfil_unit_cut c on c.unit_id = m.unit_id
       cross join lateral (values (m.period), (left(m.period, 4))) as pe(period)
      where m.org = $1 and m.period ~ '^[0-9]{4}-M[0-9]{2}$'
      group by m.org, c.sector, c.region, m.product_id, pe.period`,
    [ctx.org],
  );
  await tx.exec('drop table fulfil_unit_cut');
  const months = new Map<string, Map<string, bigint>>();
  for (const r of await tx.query<{ unit_id: number; product_id: number; period: string; q: string }>(
    `select unit_id, product_id, period, quantity::text as q from fulfil_unit_period where org = $1 and period ~ '^[0-9]{4}-M[0-9]{2}$'`,
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
  // Week, quarter, half, year and plan actuals of each unit, for the report hook (months are in already).
  const unitPeriods: string[] = [];
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
      let runs: Run[];
      let end: number;
      if (p.kind === 'day') {
        // A day counts from itself on, ever after, or never (see dayChange).
        end = shares.dayNumber(id);
        runs = dayChange(dayTargetOf(shares, t, id, chain), 0, actual) === 0 ? [] : [[end, end]];
      } else {
        const td = toDateOf(shares, p, t, chain);
        runs = fulfilledRuns(td, actual, from);
        end = td.end;
      }
      if (runs.length === 0) return;
      let acc = f!.rows.get(id);
      if (!acc) f!.rows.set(id, (acc = new Map()));
      addRuns(acc, runs, end, 1);
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
        if (actual !== 0n && periodOf(id).kind !== 'month') unitPeriods.push(`${ctx.org},${unitId},${productId},${id},${fromMicro(actual)}`);
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
        if (actual !== 0) unitPeriods.push(`${ctx.org},${unitId},${productId},${id},${fromMicro(BigInt(actual))}`);
      }
    }
  }
  for (let i = 0; i < unitPeriods.length; i += 200_000) {
    await tx.copyFrom('fulfil_unit_period', ['org', 'unit_id', 'product_id', 'period', 'quantity'], unitPeriods.slice(i, i + 200_000).join('\n') + '\n');
  }
  // Cut and deep-node days: the units' day figures summed per finest cell, then per cell above it.
  // Days before the window are summed from the units' figures when asked (see HISTORY_DAYS).
  const firstDay = Math.max(0, toDayNumber(dayWindowFrom(through)) - base);
  const finestDays = new Map<string, { unit: UnitInfo; productId: number; sum: Float64Array }>();
  for (const [key, d] of days) {
    const [unitId, productId] = key.split('|').map(Number);
    const unit = model.unitsById.get(unitId);
    if (!unit) continue;
    const fKey = `${unit.sectorChain[0] ?? NATION}|${unit.regionChain[0] ?? NATION}|${productId}`;
    let f = finestDays.get(fKey);
    if (!f) finestDays.set(fKey, (f = { unit, productId, sum: new Float64Array(nDays) }));
    for (let k = firstDay; k < nDays; k++) f.sum[k] += d[k];
  }
  const dayCells = new Map<string, Float64Array>();
  for (const f of finestDays.values()) {
    const { cuts, days: deep } = actualCells(f.unit);
    for (const [s, r] of [...cuts, ...deep]) {
      const k = `${s}\t${r}\t${f.productId}`;
      let a = dayCells.get(k);
      if (!a) dayCells.set(k, (a = new Float64Array(nDays)));
      for (let i = firstDay; i < nDays; i++) a[i] += f.sum[i];
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
      for (let i = firstDay; i < nDays; i++) {
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
    for (const [period, changes] of f.rows) deltas.add(cellNames(f.unit, periodOf(period).kind), f.productId, period, changes);
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

/**
 * Builds the units-fulfilled cells of an organisation that has reports but no cells yet (a store
 * upgraded past the migration that cleared them); does nothing otherwise. Returns whether it built.
 * @example if (await ensureUnitsFulfilled(ctx)) console.error('counts rebuilt');
 */
export async function ensureUnitsFulfilled(ctx: ServiceContext): Promise<boolean> {
  const [r] = await ctx.store.query<{ built: boolean; reports: boolean }>(
    `select exists (select 1 from fulfil_state where org = $1) as built,
            exists (select 1 from actual_cell where org = $1) as reports`,
    [ctx.org],
  );
  if (!r || r.built || !r.reports) return false;
  const result = await ctx.store.transaction((tx) => rebuildUnitsFulfilled(ctx, tx));
  return result.built;
}
