// Monitoring of a batch of queued changes, as the worker runs it: the same records and record
// events, standard proposals, filter states, alerts and plausibility verdicts as runMonitoring
// (the inline path, hook.ts) computes for the same changes, at a fraction of the CPU. Each
// series' figures are read once for the batch (one statement, packed, parsed into typed arrays),
// the trend filters of the batch run as one HsBatch, the plausibility check reads a short history
// first (the full one only where that is too thin) and replays it without judging it, keys are
// indices, and array parameters are array literals.
// test/services/monitoring/drain.test.ts holds the two paths to the same results.
import { civilToDayNumber, dayNumberToCivil, daysInMonth, fromDayNumber, toDayNumber } from '../../domain/iso-date.js';
import {
  DEFAULT_HS_MODEL,
  DEFAULT_PLAUSIBILITY,
  STATUS_NAMES,
  checkReport,
  createHsBatch,
  createPlausibilityState,
  learnRatios,
  loadSeries,
  readSeries,
  reportRatios,
  resetPlausibilityState,
  saveSeries,
  stepSeries,
  type HsBatch,
  type HsFilterState,
  type UnitDayReport,
} from '../../engine/monitoring/index.js';
import { intArray, textArray, type Queryable } from '../../store/index.js';
import type { ServiceContext } from '../context.js';
import { toMicro } from '../reporting/micro.js';
import type { ReportingModel, UnitInfo } from '../reporting/model-cache.js';
import { applySignals, type AlertSignal, type SeriesSignals } from './alerts.js';
import { EARLIEST_DAY, LATEST_DAY, decimalMicro, exactMicro, microDecimal, readFigureBlock, type BlockSeries, type FigureBlock } from './figure-block.js';
import { monthOf, readFigures, seriesKey, unitMonthTotals, type Figure } from './figures.js';
import { HISTORY_DAYS, unitTechnologies, verdictDetail, type UnitTechnology } from './plausibility.js';
import { bestOf, bestsOfFigures, followRecordEvents, type Best, type SeriesRecords, type StoredRecord } from './records.js';
import { monitoringSettings } from './settings.js';
import { proposeStandards } from './standards.js';
import { STORED_STATE_SQL, saveFilters, signalDetail, storedState } from './trend.js';
import { calendarFrom } from './workdays.js';
import type { Calendar } from '../../domain/calendar.js';

/**
 * Changes taken off monitor_queue, sorted by unit, product, kind and day (one per figure).
 * @example const q: QueuedChanges = { count: 1, unit: Int32Array.of(5), product: Int32Array.of(3), output: Uint8Array.of(1), day: Int32Array.of(20524), delta: ['12.5'], first: Uint8Array.of(1) };
 */
export interface QueuedChanges {
  readonly count: number;
  readonly unit: Int32Array;
  readonly product: Int32Array;
  /** 1 for output, 0 for consumption. */
  readonly output: Uint8Array;
  /** Day numbers (days since 1970-01-01). */
  readonly day: Int32Array;
  /** New figure minus the previous one, as a decimal. */
  readonly delta: readonly string[];
  /** 1 when the day had no figure before. */
  readonly first: Uint8Array;
}

const dayStrings = new Map<number, string>();
/** The ISO date of a day number (memoised: a batch names few distinct days). */
function dayStr(n: number): string {
  let s = dayStrings.get(n);
  if (s === undefined) {
    s = fromDayNumber(n);
    if (dayStrings.size > 100_000) dayStrings.clear();
    dayStrings.set(n, s);
  }
  return s;
}

/** First and last day numbers of the month holding day number n. */
function monthSpan(n: number): [number, number] {
  const [y, m] = dayNumberToCivil(n);
  const first = civilToDayNumber(y, m, 1);
  return [first, first + daysInMonth(y, m) - 1];
}

/** Index of the first figure of [lo, hi) with day >= d. */
function lowerBound(days: Int32Array, lo: number, hi: number, d: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid] < d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The value the filter sees of figure i: microToNumber of its quantity. */
function value(b: FigureBlock, i: number): number {
  return b.micro[i] / 1e6;
}

/**
 * Calendar days of a unit's history read first for its plausibility check: the engine judges a
 * day against the last DEFAULT_PLAUSIBILITY.window complete days before it, which these hold for
 * a unit reporting most days. A unit with fewer complete days in them before its first touched
 * day is read again over HISTORY_DAYS, as checkPlausibility reads every unit: the same verdicts.
 */
const SHORT_HISTORY_DAYS = 60;

const NO_DETAIL: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** One output series of the batch. */
interface OutSeries {
  readonly unitId: number;
  readonly productId: number;
  /** Its changes: lo .. hi - 1 of the batch, days ascending. */
  readonly lo: number;
  readonly hi: number;
  /** Its entry in the figure block. */
  block: number;
  before: { day: Best | null; month: Best | null } | null;
  fresh: boolean;
  filterRow: { lastDay: number } | null;
  resumed: boolean;
}

/**
 * Runs monitoring on a batch of queued changes, in the caller's transaction: what runMonitoring
 * does with the same changes, with the same results. (The async functions here only sequence
 * queries; the work is in small synchronous functions, which the JIT compiles cheaply.)
 * @example await monitorQueued(tx, ctx, model, changes);
 */
export async function monitorQueued(tx: Queryable, ctx: ServiceContext, model: ReportingModel, ch: QueuedChanges): Promise<void> {
  const g = groupChanges(model, ch);
  if (!g) return;
  const { series, touchedUnits, touchedDays } = g;
  const at = ctx.now?.() ?? new Date();
  const atIso = at.toISOString();
  const settings = await monitoringSettings(ctx, tx);
  const hs = series.length ? await lockSeries(tx, ctx.org, ch, series, atIso) : null;
  const allTechs = await unitTechnologies(tx, ctx.org, model, touchedUnits.map((id) => model.unitsById.get(id)).filter((u): u is UnitInfo => u !== undefined));
  const techs = await withCompleteDays(tx, ctx.org, touchedUnits, touchedDays, allTechs);
  const plan = planReads(ch, series, touchedUnits, touchedDays, techs);
  const block = await readFigureBlock(tx, ctx.org, plan.reads);
  if (series.length) {
    const records = await updateRecordsQueued(tx, ctx, ch, series, block, atIso);
    let calendar: Calendar | undefined;
    const cal = async () => (calendar ??= await calendarFrom(tx, ctx.org));
    await proposeStandards(tx, ctx, model, cal, records, settings, at, unitMonthTotals);
    const trends = await updateTrendsQueued(tx, ctx, ch, series, block, hs!, atIso);
    await applySignals(tx, ctx, model, 'trend', trends, settings, at);
  }
  const wide = widenHistory(touchedUnits, touchedDays, techs, plan.plausReads, block);
  if (wide.length) useWideReads(plan.plausReads, wide, await readFigureBlock(tx, ctx.org, wide.flatMap((w) => w.series)));
  const implausible = checkPlausibilityQueued(model, touchedUnits, touchedDays, techs, plan.plausReads, block);
  await applySignals(tx, ctx, model, 'implausible', implausible, settings, at);
}

/**
 * Physical (sum) products only: the output series of the batch (consecutive in its sort) and the
 * touched days of each unit (ascending, distinct); null when nothing is monitored.
 */
function groupChanges(model: ReportingModel, ch: QueuedChanges): { series: OutSeries[]; touchedUnits: number[]; touchedDays: number[][] } | null {
  const sumOf = new Map<number, boolean>();
  const series: OutSeries[] = [];
  const touchedUnits: number[] = [];
  const touchedDays: number[][] = [];
  let any = false;
  for (let i = 0; i < ch.count; ) {
    const u = ch.unit[i], p = ch.product[i], o = ch.output[i];
    let j = i + 1;
    while (j < ch.count && ch.unit[j] === u && ch.product[j] === p && ch.output[j] === o) j++;
    let sum = sumOf.get(p);
    if (sum === undefined) sumOf.set(p, (sum = model.productsById.get(p)?.aggregation === 'sum'));
    if (sum) {
      any = true;
      if (o === 1) series.push({ unitId: u, productId: p, lo: i, hi: j, block: -1, before: null, fresh: false, filterRow: null, resumed: false });
      if (touchedUnits[touchedUnits.length - 1] !== u) {
        touchedUnits.push(u);
        touchedDays.push([]);
      }
      const days = touchedDays[touchedDays.length - 1];
      for (let k = i; k < j; k++) days.push(ch.day[k]);
    }
    i = j;
  }
  if (!any) return null;
  for (const d of touchedDays) {
    d.sort((a, b) => a - b);
    let w = 0;
    for (let k = 0; k < d.length; k++) if (k === 0 || d[k] !== d[k - 1]) d[w++] = d[k];
    d.length = w;
  }
  return { series, touchedUnits, touchedDays };
}

interface FilterRow {
  unit_id: number;
  product_id: number;
  last_day: string;
  /** The packed state as hex (see hs-state-codec.ts). */
  state: string;
}

/**
 * Creates the records rows of series never seen and locks every series' records and filter rows
 * (in key order, as updateRecords and updateTrends do); notes on each series its stored records,
 * whether it is new, and its filter, loaded into the returned HsBatch (slot = series index) when
 * it continues from its state.
 */
async function lockSeries(tx: Queryable, org: number, ch: QueuedChanges, series: OutSeries[], atIso: string): Promise<HsBatch> {
  const units = intArray(series.map((s) => s.unitId));
  const products = intArray(series.map((s) => s.productId));
  const fresh = await tx.query<{ unit_id: number; product_id: number }>(
    `insert into series_record (org, unit_id, product_id, updated_at)
     select $1, u, p, $4 from unnest($2::int[], $3::int[]) as t(u, p) order by u, p
     on conflict do nothing returning unit_id, product_id`,
    [org, units, products, atIso],
  );
  const stored = await tx.query<StoredRecord & Record<string, unknown>>(
    `select r.unit_id, r.product_id, r.best_day::text as best_day, r.best_day_qty::text as best_day_qty, r.best_month, r.best_month_qty::text as best_month_qty
       from series_record r join unnest($2::int[], $3::int[]) as t(u, p) on r.unit_id = t.u and r.product_id = t.p
      where r.org = $1 order by r.unit_id, r.product_id for update of r`,
    [org, units, products],
  );
  const filters = await tx.query<FilterRow & Record<string, unknown>>(
    `select f.unit_id, f.product_id, f.last_day::text as last_day, ${STORED_STATE_SQL}
       from series_filter f join unnest($2::int[], $3::int[]) as k(u, p) on f.unit_id = k.u and f.product_id = k.p
      where f.org = $1 and f.kind = 'output' order by f.unit_id, f.product_id for update of f`,
    [org, units, products],
  );
  return noteStored(ch, series, fresh, stored, filters);
}

function storedBest(period: string | null, qty: string | null): Best | null {
  return period !== null && qty !== null ? { period, qty: decimalMicro(qty) } : null;
}

function noteStored(ch: QueuedChanges, series: OutSeries[], fresh: readonly { unit_id: number; product_id: number }[], stored: readonly StoredRecord[], filters: readonly FilterRow[]): HsBatch {
  forEachMatch(series, stored, (s, r) => (s.before = { day: storedBest(r.best_day, r.best_day_qty), month: storedBest(r.best_month, r.best_month_qty) }));
  // (RETURNING promises no order)
  forEachMatch(series, [...fresh].sort((x, y) => x.unit_id - y.unit_id || x.product_id - y.product_id), (s) => (s.fresh = true));
  const created = createHsBatch(series.length, DEFAULT_HS_MODEL);
  if (!created.ok) throw new Error(`monitoring filter: ${created.error.message}`);
  const hs = created.value;
  forEachMatch(series, filters, (s, r, k) => {
    const lastDay = toDayNumber(r.last_day);
    s.filterRow = { lastDay };
    // continued from its state when every change is after the absorbed days, else re-run
    if (ch.day[s.lo] > lastDay) s.resumed = loadSeries(hs, k, storedState(r.state)).ok;
  });
  return hs;
}

/** A checked unit's entries in the figure block (per output, per input) and its plausibility window. */
interface PlausRead {
  readonly out: number[];
  readonly inp: number[];
  readonly from: number;
  readonly to: number;
  /** The block the entries are in, when not the batch's main one (a unit read again over HISTORY_DAYS). */
  readonly block?: FigureBlock;
}

/**
 * The one read of the batch: per output series from the earliest day any part needs (records:
 * the month of its first change; the filter: the day after the absorbed ones, or everything;
 * plausibility: its window) to the end; per other series of a checked unit its plausibility
 * window (SHORT_HISTORY_DAYS before the unit's first touched day to its last; see widenHistory).
 */
function planReads(
  ch: QueuedChanges,
  series: OutSeries[],
  touchedUnits: readonly number[],
  touchedDays: readonly number[][],
  techs: ReadonlyMap<number, UnitTechnology>,
): { reads: BlockSeries[]; plausReads: Map<number, PlausRead> } {
  const reads: BlockSeries[] = [];
  const seriesIndex = new Map<number, number>(); // unit * 2^21 + product -> index in `series`
  const plausFrom = new Map<number, number>();
  for (let t = 0; t < touchedUnits.length; t++) if (techs.has(touchedUnits[t])) plausFrom.set(touchedUnits[t], touchedDays[t][0] - SHORT_HISTORY_DAYS);
  for (let k = 0; k < series.length; k++) {
    const s = series[k];
    seriesIndex.set(s.unitId * 2097152 + s.productId, k);
    let from = monthSpan(ch.day[s.lo])[0];
    if (s.fresh || !s.resumed) from = EARLIEST_DAY;
    else from = Math.min(from, s.filterRow!.lastDay + 1);
    const pf = plausFrom.get(s.unitId);
    if (pf !== undefined && pf < from) from = pf;
    s.block = reads.length;
    reads.push({ unitId: s.unitId, productId: s.productId, kind: 'output', from, to: LATEST_DAY });
  }
  const plausReads = new Map<number, PlausRead>();
  for (let t = 0; t < touchedUnits.length; t++) {
    const u = touchedUnits[t];
    const ut = techs.get(u);
    if (!ut) continue;
    const days = touchedDays[t];
    const from = days[0] - SHORT_HISTORY_DAYS, to = days[days.length - 1];
    const out = ut.outputs.map((p) => {
      const k = seriesIndex.get(u * 2097152 + p);
      if (k !== undefined) return series[k].block;
      reads.push({ unitId: u, productId: p, kind: 'output', from, to });
      return reads.length - 1;
    });
    const inp = ut.inputs.map((i) => {
      reads.push({ unitId: u, productId: i, kind: 'consumption', from, to });
      return reads.length - 1;
    });
    plausReads.set(u, { out, inp, from, to });
  }
  return { reads, plausReads };
}

/** Calls f for each row with its series: rows and series are both sorted by unit and product. */
function forEachMatch<R extends { unit_id: number; product_id: number }>(series: OutSeries[], rows: readonly R[], f: (s: OutSeries, r: R, k: number) => void): void {
  let k = 0;
  for (const r of rows) {
    while (k < series.length && (series[k].unitId < r.unit_id || (series[k].unitId === r.unit_id && series[k].productId < r.product_id))) k++;
    if (k < series.length && series[k].unitId === r.unit_id && series[k].productId === r.product_id) f(series[k], r, k);
  }
}

/** Exact total in millionths of the figures lo .. hi - 1 of a block. */
function exactSum(b: FigureBlock, lo: number, hi: number, odd: boolean): bigint {
  if (!odd) {
    let t = 0;
    let safe = true;
    for (let i = lo; i < hi; i++) {
      t += b.micro[i];
      if (!Number.isSafeInteger(t)) {
        safe = false;
        break;
      }
    }
    if (safe) return BigInt(t);
  }
  let t = 0n;
  for (let i = lo; i < hi; i++) t += exactMicro(b, i);
  return t;
}

/** updateRecords (records.ts) on the batch's output series, from the block. */
async function updateRecordsQueued(tx: Queryable, ctx: ServiceContext, ch: QueuedChanges, series: OutSeries[], b: FigureBlock, atIso: string): Promise<SeriesRecords[]> {
  // Month totals of odd series (decimals beyond millionths): summed by the database, as before.
  const odd: number[] = [];
  for (let k = 0; k < series.length; k++) if (b.odd[series[k].block]) odd.push(k);
  const oddTotals = odd.length ? await monthTotalsOf(tx, ctx.org, series, odd, ch) : null;
  const r = computeRecords(ch, series, b, oddTotals);
  if (r.recompute.length) {
    const all = await readFigures(tx, ctx.org, r.recompute.map((k) => ({ unitId: series[k].unitId, productId: series[k].productId, kind: 'output' as const })));
    for (const k of r.recompute) r.newState[k] = bestsOfFigures(all.get(seriesKey(series[k].unitId, series[k].productId)) ?? []);
  }
  const w = recordWrites(series, r.results, r.newState);
  if (w.events.u.length) {
    const e = w.events;
    await tx.query(
      `insert into record_event (org, unit_id, product_id, scope, period, quantity, previous_period, previous_quantity, at)
       select $1, u, p, s, pe, q, pp, pq, $9 from unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::numeric[]) with ordinality as t(u, p, s, pe, q, pp, pq, i)
        order by i`,
      [ctx.org, intArray(e.u), intArray(e.p), textArray(e.s), textArray(e.pe), textArray(e.q), textArray(e.pp), textArray(e.pq), atIso],
    );
  }
  // Earlier events of a touched day or month follow its figure (see updateRecords).
  const f = r.follow;
  await followRecordEvents(tx, ctx.org, f, atIso);
  const t = w.records;
  await tx.query(
    `update series_record r set best_day = t.bd, best_day_qty = t.bdq, best_month = t.bm, best_month_qty = t.bmq, updated_at = $8
       from unnest($2::int[], $3::int[], $4::date[], $5::numeric[], $6::text[], $7::numeric[]) as t(u, p, bd, bdq, bm, bmq)
      where r.org = $1 and r.unit_id = t.u and r.product_id = t.p`,
    [ctx.org, intArray(series.map((x) => x.unitId)), intArray(series.map((x) => x.productId)), textArray(t.bd), textArray(t.bdq), textArray(t.bm), textArray(t.bmq), atIso],
  );
  return w.out;
}

/** Rows for the update that makes earlier events follow their day's or month's figure. */
interface FollowRows {
  readonly u: number[];
  readonly p: number[];
  readonly s: string[];
  readonly pe: string[];
  readonly q: string[];
}

/**
 * The records part of updateRecords without its queries: the records before the batch (a new
 * series' from its history with the batch undone), the changed days and touched months, the new
 * records or which series need a recompute from their whole history.
 */
function computeRecords(
  ch: QueuedChanges,
  series: OutSeries[],
  b: FigureBlock,
  oddTotals: Map<number, Map<string, bigint>> | null,
): { results: SeriesRecords[]; newState: { day: Best | null; month: Best | null }[]; recompute: number[]; follow: FollowRows } {
  const results: SeriesRecords[] = new Array(series.length);
  const newState: { day: Best | null; month: Best | null }[] = new Array(series.length);
  const recompute: number[] = [];
  const follow: FollowRows = { u: [], p: [], s: [], pe: [], q: [] };
  for (let k = 0; k < series.length; k++) {
    const s = series[k];
    const f0 = b.start[s.block], f1 = b.end[s.block];
    if (s.fresh) s.before = priorBests(ch, s, b, f0, f1);
    const old = s.before ?? { day: null, month: null };
    const changedDays: Best[] = [];
    const touched = new Map<string, bigint>();
    const monthsOdd = oddTotals?.get(k);
    let i = f0;
    let spanEnd = -Infinity;
    for (let c = s.lo; c < s.hi; c++) {
      const d = ch.day[c];
      const day = dayStr(d);
      i = lowerBound(b.day, i, f1, d);
      const qty = i < f1 && b.day[i] === d ? exactMicro(b, i) : 0n;
      changedDays.push({ period: day, qty });
      follow.u.push(s.unitId);
      follow.p.push(s.productId);
      follow.s.push('day');
      follow.pe.push(day);
      follow.q.push(microDecimal(qty));
      if (d > spanEnd) {
        // the first change of a month: its total after the batch
        const [m0, m1] = monthSpan(d);
        spanEnd = m1;
        const month = monthOf(day);
        if (monthsOdd) touched.set(month, monthsOdd.get(month) ?? 0n);
        else {
          const a = lowerBound(b.day, f0, f1, m0);
          touched.set(month, exactSum(b, a, lowerBound(b.day, a, f1, m1 + 1), false));
        }
      }
    }
    const touchedMonths: Best[] = [];
    for (const [period, qty] of touched) {
      touchedMonths.push({ period, qty });
      follow.u.push(s.unitId);
      follow.p.push(s.productId);
      follow.s.push('month');
      follow.pe.push(period);
      follow.q.push(microDecimal(qty));
    }
    const day = nextBest(old.day, changedDays);
    const month = nextBest(old.month, touchedMonths);
    if (day === 'recompute' || month === 'recompute') recompute.push(k);
    newState[k] = { day: day === 'recompute' ? null : day, month: month === 'recompute' ? null : month };
    results[k] = { unitId: s.unitId, productId: s.productId, bestDay: null, bestMonth: null, touchedMonths: touched };
  }
  return { results, newState, recompute, follow };
}

/** A new series' records before the batch: from its figures (f0 .. f1 - 1, all of them) with the batch undone. */
function priorBests(ch: QueuedChanges, s: OutSeries, b: FigureBlock, f0: number, f1: number): { day: Best | null; month: Best | null } {
  const prior: Figure[] = [];
  let c = s.lo;
  for (let i = f0; i < f1; i++) {
    const d = b.day[i];
    while (c < s.hi && ch.day[c] < d) c++;
    if (c < s.hi && ch.day[c] === d) {
      if (!ch.first[c]) prior.push({ day: dayStr(d), micro: exactMicro(b, i) - decimalMicro(ch.delta[c]) });
    } else prior.push({ day: dayStr(d), micro: exactMicro(b, i) });
  }
  return bestsOfFigures(prior);
}

/** The record events a batch announces (a different period now holds a higher figure) and the records rows. */
function recordWrites(
  series: readonly OutSeries[],
  results: SeriesRecords[],
  newState: readonly { day: Best | null; month: Best | null }[],
): {
  events: { u: number[]; p: number[]; s: string[]; pe: string[]; q: string[]; pp: string[]; pq: string[] };
  records: { bd: (string | null)[]; bdq: (string | null)[]; bm: (string | null)[]; bmq: (string | null)[] };
  out: SeriesRecords[];
} {
  const events = { u: [] as number[], p: [] as number[], s: [] as string[], pe: [] as string[], q: [] as string[], pp: [] as string[], pq: [] as string[] };
  const records = { bd: [] as (string | null)[], bdq: [] as (string | null)[], bm: [] as (string | null)[], bmq: [] as (string | null)[] };
  const out: SeriesRecords[] = new Array(series.length);
  for (let k = 0; k < series.length; k++) {
    const old = series[k].before ?? { day: null, month: null };
    const now = newState[k];
    for (const scope of ['day', 'month'] as const) {
      const a = old[scope];
      const c = now[scope];
      if (a && c && c.period !== a.period && c.qty > a.qty) {
        events.u.push(series[k].unitId);
        events.p.push(series[k].productId);
        events.s.push(scope);
        events.pe.push(c.period);
        events.q.push(microDecimal(c.qty));
        events.pp.push(a.period);
        events.pq.push(microDecimal(a.qty));
      }
    }
    out[k] = { ...results[k], bestDay: now.day, bestMonth: now.month };
    records.bd.push(now.day?.period ?? null);
    records.bdq.push(now.day ? microDecimal(now.day.qty) : null);
    records.bm.push(now.month?.period ?? null);
    records.bmq.push(now.month ? microDecimal(now.month.qty) : null);
  }
  return { events, records, out };
}

/**
 * The new record from the old one and the changed periods (see updateRecords): the best of the
 * changed periods and the old record, unless the old record's own period fell: then 'recompute'.
 */
function nextBest(old: Best | null, items: Best[]): Best | null | 'recompute' {
  const own = old ? items.find((i) => i.period === old.period) : undefined;
  if (old && own && own.qty < old.qty) return 'recompute';
  return bestOf(old && !own ? [old, ...items] : items);
}

/** Month totals (summed by the database) of the months the changes of series ks span, by series index. */
async function monthTotalsOf(tx: Queryable, org: number, series: readonly OutSeries[], ks: readonly number[], ch: QueuedChanges): Promise<Map<number, Map<string, bigint>>> {
  const rows = await tx.query<{ i: number; month: string; quantity: string }>(
    `select k.i::int as i, to_char(c.day, 'YYYY"-M"MM') as month, sum(c.quantity)::text as quantity
       from unnest($2::int[], $3::int[], $4::int[], $5::int[]) with ordinality as k(u, p, lo, hi, i)
       join report_current c on c.unit_id = k.u and c.product_id = k.p and c.kind = 'output'
        and c.day between date '1970-01-01' + k.lo and date '1970-01-01' + k.hi
      where c.org = $1
      group by k.i, month`,
    [org, intArray(ks.map((k) => series[k].unitId)), intArray(ks.map((k) => series[k].productId)),
      intArray(ks.map((k) => monthSpan(ch.day[series[k].lo])[0])), intArray(ks.map((k) => monthSpan(ch.day[series[k].hi - 1])[1]))],
  );
  const out = new Map<number, Map<string, bigint>>(ks.map((k) => [k, new Map<string, bigint>()]));
  for (const r of rows) out.get(ks[Number(r.i) - 1])!.set(r.month, toMicro(r.quantity));
  return out;
}

/** updateTrends (trend.ts) on the batch's output series, all filters in one HsBatch. */
async function updateTrendsQueued(tx: Queryable, ctx: ServiceContext, ch: QueuedChanges, series: OutSeries[], b: FigureBlock, hs: HsBatch, atIso: string): Promise<SeriesSignals[]> {
  const t = runTrends(ch, series, b, hs);
  await saveFilters(tx, ctx.org, t.u.map((u, i) => ({ unitId: u, productId: t.p[i], lastDay: dayStr(t.d[i]), count: t.n[i], status: t.s[i], state: t.states[i] })), new Date(atIso));
  return t.out;
}

/**
 * The filter part of updateTrends without its queries: each series' filter moved over its new
 * figures (or re-run over all of them), what it said on each live day, and the states to save.
 */
function runTrends(
  ch: QueuedChanges,
  series: OutSeries[],
  b: FigureBlock,
  hs: HsBatch,
): { out: SeriesSignals[]; u: number[]; p: number[]; d: number[]; n: number[]; s: string[]; states: HsFilterState[] } {
  const out: SeriesSignals[] = [];
  const su: number[] = [], sp: number[] = [], sd: number[] = [], sn: number[] = [], ss: string[] = [], states: HsFilterState[] = [];
  for (let k = 0; k < series.length; k++) {
    const s = series[k];
    const row = s.filterRow;
    const f1 = b.end[s.block];
    const f0 = s.resumed ? lowerBound(b.day, b.start[s.block], f1, row!.lastDay + 1) : b.start[s.block];
    if (f0 === f1) continue;
    // live days: after the previously absorbed day, or from the batch's first change for a new series
    const signals = stepFilter(hs, k, b, f0, f1, row ? row.lastDay + 1 : ch.day[s.lo]);
    const lastDay = b.day[f1 - 1];
    if (signals.length === 0 && row) {
      const status = STATUS_NAMES[hs.status[k]];
      signals.push({
        day: dayStr(lastDay), status, counts: false,
        detail: status === 'normal' ? NO_DETAIL : { ...signalDetail(readSeries(hs, k), value(b, f1 - 1)), reevaluated: true },
      });
    }
    out.push({ unitId: s.unitId, productId: s.productId, signals });
    const state = saveSeries(hs, k);
    su.push(s.unitId);
    sp.push(s.productId);
    sd.push(s.resumed && row!.lastDay > lastDay ? row!.lastDay : lastDay);
    sn.push(state.count);
    ss.push(state.status);
    states.push(state);
  }
  return { out, u: su, p: sp, d: sd, n: sn, s: ss, states };
}

/** Moves filter k over figures f0 .. f1 - 1; the signals of the days from liveFrom on. */
function stepFilter(hs: HsBatch, k: number, b: FigureBlock, f0: number, f1: number, liveFrom: number): AlertSignal[] {
  const signals: AlertSignal[] = [];
  for (let i = f0; i < f1; i++) {
    const y = value(b, i);
    stepSeries(hs, k, y);
    if (b.day[i] >= liveFrom) {
      const status = STATUS_NAMES[hs.status[k]];
      signals.push({ day: dayStr(b.day[i]), status, counts: true, detail: status === 'normal' ? NO_DETAIL : signalDetail(readSeries(hs, k), y) });
    }
  }
  return signals;
}

/**
 * The technologies of the touched units with some complete touched day (an output and a consumption
 * of their technology reported that day). judgeUnit judges only complete days, so a unit without one
 * gets no verdict, and its history (SHORT_HISTORY_DAYS, or HISTORY_DAYS when widened) is not read:
 * units that report output but not consumption cost one probe per figure here instead.
 */
async function withCompleteDays(
  tx: Queryable, org: number, touchedUnits: readonly number[], touchedDays: readonly number[][], techs: ReadonlyMap<number, UnitTechnology>,
): Promise<Map<number, UnitTechnology>> {
  const u: number[] = [], p: number[] = [], k: string[] = [], d: number[] = [];
  const figure = (unit: number, product: number, kind: string, day: number) => {
    u.push(unit);
    p.push(product);
    k.push(kind);
    d.push(day);
  };
  for (let t = 0; t < touchedUnits.length; t++) {
    const ut = techs.get(touchedUnits[t]);
    if (!ut || ut.inputs.length === 0) continue;
    for (const day of touchedDays[t]) {
      for (const o of ut.outputs) figure(touchedUnits[t], o, 'output', day);
      for (const i of ut.inputs) figure(touchedUnits[t], i, 'consumption', day);
    }
  }
  if (u.length === 0) return new Map();
  // A lateral probe per figure (`limit 1` keeps the planner from flattening it into a join, which
  // may hash all of report_current).
  const rows = await tx.query<{ u: number }>(
    `select distinct x.u from (
       select k.u, k.d from unnest($2::int[], $3::int[], $4::text[], $5::int[]) as k(u, p, kind, d)
         cross join lateral (select 1 from report_current r
                              where r.org = $1 and r.unit_id = k.u and r.product_id = k.p and r.kind = k.kind and r.day = date '1970-01-01' + k.d
                              limit 1) f
        group by k.u, k.d
       having bool_or(k.kind = 'output') and bool_or(k.kind = 'consumption')) x`,
    [org, intArray(u), intArray(p), textArray(k), intArray(d)],
  );
  const keep = new Set(rows.map((r) => Number(r.u)));
  const out = new Map<number, UnitTechnology>();
  for (const [id, ut] of techs) if (keep.has(id)) out.set(id, ut);
  return out;
}

/**
 * The checked units whose short history (SHORT_HISTORY_DAYS) holds fewer complete days before
 * their first touched day than the engine's window, with the series to read again from
 * HISTORY_DAYS before it (outputs, then inputs, in their PlausRead order).
 */
function widenHistory(
  touchedUnits: readonly number[],
  touchedDays: readonly number[][],
  techs: ReadonlyMap<number, UnitTechnology>,
  reads: ReadonlyMap<number, PlausRead>,
  b: FigureBlock,
): { unitId: number; from: number; series: BlockSeries[] }[] {
  const out: { unitId: number; from: number; series: BlockSeries[] }[] = [];
  for (let t = 0; t < touchedUnits.length; t++) {
    const ut = techs.get(touchedUnits[t]);
    if (!ut) continue;
    const r = reads.get(touchedUnits[t])!;
    const first = touchedDays[t][0];
    const from = first - HISTORY_DAYS;
    if (r.from <= from || completeDays(r, b, first) >= DEFAULT_PLAUSIBILITY.window) continue;
    const series: BlockSeries[] = [];
    for (const p of ut.outputs) series.push({ unitId: touchedUnits[t], productId: p, kind: 'output', from, to: r.to });
    for (const i of ut.inputs) series.push({ unitId: touchedUnits[t], productId: i, kind: 'consumption', from, to: r.to });
    out.push({ unitId: touchedUnits[t], from, series });
  }
  return out;
}

/** Points the widened units' plausibility reads at the block read again for them (in widenHistory's order). */
function useWideReads(reads: Map<number, PlausRead>, wide: readonly { unitId: number; from: number }[], again: FigureBlock): void {
  let e = 0;
  for (const w of wide) {
    const r = reads.get(w.unitId)!;
    const out = r.out.map(() => e++);
    const inp = r.inp.map(() => e++);
    reads.set(w.unitId, { out, inp, from: w.from, to: r.to, block: again });
  }
}

/** Complete days (some output and some consumption reported) of a unit's read before day `before`. */
function completeDays(r: PlausRead, b: FigureBlock, before: number): number {
  const n = before - r.from;
  if (n <= 0) return 0;
  const seen = new Uint8Array(n); // bit 1: an output, bit 2: an input
  const mark = (e: number, bit: number) => {
    const f1 = b.end[e];
    for (let i = lowerBound(b.day, b.start[e], f1, r.from); i < f1 && b.day[i] < before; i++) seen[b.day[i] - r.from] |= bit;
  };
  for (const e of r.out) mark(e, 1);
  for (const e of r.inp) mark(e, 2);
  let count = 0;
  for (let d = 0; d < n; d++) if (seen[d] === 3) count++;
  return count;
}

type SignalSink = (unitId: number, productId: number, s: AlertSignal) => void;

/** checkPlausibility (plausibility.ts) on the batch's touched unit-days, from the block. */
function checkPlausibilityQueued(
  model: ReportingModel,
  touchedUnits: readonly number[],
  touchedDays: readonly number[][],
  techs: ReadonlyMap<number, UnitTechnology>,
  reads: ReadonlyMap<number, PlausRead>,
  b: FigureBlock,
): SeriesSignals[] {
  // by series, in the order of their first signal (keys unit * 2^21 + product)
  const signals = new Map<number, { unitId: number; productId: number; signals: AlertSignal[] }>();
  const push: SignalSink = (unitId, productId, s) => {
    const k = unitId * 2097152 + productId;
    let entry = signals.get(k);
    if (!entry) signals.set(k, (entry = { unitId, productId, signals: [] }));
    entry.signals.push(s);
  };
  for (let t = 0; t < touchedUnits.length; t++) {
    const ut = techs.get(touchedUnits[t]);
    if (!ut) continue;
    const r = reads.get(touchedUnits[t])!;
    judgeUnit(model, touchedUnits[t], ut, r, touchedDays[t], r.block ?? b, push);
  }
  return [...signals.values()];
}

/** One unit's days from `from` to `to`: output per product and consumption per input, NaN where not reported. */
interface UnitGrid {
  readonly nOut: number;
  readonly nIn: number;
  readonly outputs: Float64Array;
  readonly consumed: Float64Array;
}

function unitGrid(ut: UnitTechnology, r: PlausRead, b: FigureBlock): UnitGrid {
  const nOut = ut.outputs.length, nIn = ut.inputs.length;
  const span = r.to - r.from + 1;
  const g: UnitGrid = { nOut, nIn, outputs: new Float64Array(span * nOut).fill(NaN), consumed: new Float64Array(span * nIn).fill(NaN) };
  for (let j = 0; j < nOut; j++) fillGrid(g.outputs, nOut, j, r, b, r.out[j]);
  for (let j = 0; j < nIn; j++) fillGrid(g.consumed, nIn, j, r, b, r.inp[j]);
  return g;
}

function fillGrid(grid: Float64Array, width: number, j: number, r: PlausRead, b: FigureBlock, e: number): void {
  const f1 = b.end[e];
  for (let i = lowerBound(b.day, b.start[e], f1, r.from); i < f1 && b.day[i] <= r.to; i++) grid[(b.day[i] - r.from) * width + j] = value(b, i);
}

/** The report of grid day d, as checkPlausibility's judgeDay builds it (into `into` when given). */
function gridReport(g: UnitGrid, d: number, into?: { products: number[]; outputs: number[]; consumed: Float64Array }): UnitDayReport {
  const products = into ? into.products : [];
  const outputs = into ? into.outputs : [];
  products.length = 0;
  outputs.length = 0;
  for (let j = 0; j < g.nOut; j++) {
    const v = g.outputs[d * g.nOut + j];
    if (v === v) {
      products.push(j);
      outputs.push(v);
    }
  }
  if (!into) return { products, outputs, consumed: g.consumed.subarray(d * g.nIn, d * g.nIn + g.nIn) };
  for (let i = 0; i < g.nIn; i++) into.consumed[i] = g.consumed[d * g.nIn + i];
  return into;
}

/**
 * judgeDay (plausibility.ts) on each touched day of one unit: each day against its history, the
 * complete days before it (some output and some consumption reported), the engine's window of
 * them, replayed into a fresh state. Each day's ratios are computed once and replayed with
 * learnRatios, which leaves the state learnReport (and checkReport) would.
 */
function judgeUnit(model: ReportingModel, unitId: number, ut: UnitTechnology, r: PlausRead, days: readonly number[], b: FigureBlock, push: SignalSink): void {
  const g = unitGrid(ut, r, b);
  const { nOut, nIn, outputs } = g;
  const created = createPlausibilityState(1, ut.tech);
  if (!created.ok) throw new Error(`plausibility: ${created.error.message}`);
  const state = created.value;
  const last = days[days.length - 1] - r.from;
  const position = new Int32Array(last + 1).fill(-1); // grid day -> its index in `complete`, -1 if not complete
  const complete: number[] = [];
  const ratios = new Float64Array((last + 1) * nIn).fill(NaN);
  const scratch = { products: [] as number[], outputs: [] as number[], consumed: new Float64Array(nIn) };
  for (let d = 0; d <= last; d++) {
    let o = false, c = false;
    for (let j = 0; j < nOut && !o; j++) o = outputs[d * nOut + j] === outputs[d * nOut + j];
    for (let j = 0; j < nIn && !c; j++) c = g.consumed[d * nIn + j] === g.consumed[d * nIn + j];
    if (!o || !c) continue;
    position[d] = complete.length;
    complete.push(d);
    // a report the engine refuses teaches nothing: its ratios stay NaN
    reportRatios(state, 0, gridReport(g, d, scratch), ratios, d * nIn);
  }
  const window = DEFAULT_PLAUSIBILITY.window;
  for (const dayNum of days) {
    const d = dayNum - r.from;
    const pos = position[d];
    if (pos < 0) continue;
    resetPlausibilityState(state);
    for (let h = Math.max(0, pos - window); h < pos; h++) learnRatios(state, 0, ratios, complete[h] * nIn);
    const checked = checkReport(state, 0, gridReport(g, d), false);
    if (!checked.ok) throw new Error(`plausibility: ${checked.error.message}`);
    const v = checked.value;
    if (!v.judged) continue;
    const day = dayStr(dayNum);
    if (v.flag) push(unitId, flaggedProduct(ut, g, d, v.worstInput), { day, status: 'alert', counts: true, detail: verdictDetail(v, ut, model) });
    else for (const p of ut.outputs) push(unitId, p, { day, status: 'normal', counts: true, detail: NO_DETAIL });
  }
}

/** The output a flagged day's worst input's expected use mostly comes from (as checkPlausibility picks it). */
function flaggedProduct(ut: UnitTechnology, g: UnitGrid, d: number, worstInput: number): number {
  const { nOut, outputs } = g;
  let product = ut.outputs.find((_, j) => outputs[d * nOut + j] === outputs[d * nOut + j]) ?? ut.outputs[0];
  if (worstInput >= 0) {
    let most = -1;
    for (let j = 0; j < nOut; j++) {
      const o = outputs[d * nOut + j];
      const use = ut.tech.coef[worstInput * nOut + j] * (o === o ? o : 0);
      if (use > most) {
        most = use;
        product = ut.outputs[j];
      }
    }
  }
  return product;
}
