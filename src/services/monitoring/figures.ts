// Reading the figures in force (report_current) for many series at once, and small date helpers.
// report_current already holds a batch's new figures when the report hook runs (submit.ts writes it
// before calling hooks), while actual_cell does not yet: so the hook's month totals are summed here
// (monthTotals); the worker, which runs after the batch committed, reads the month cells (unitMonthTotals).
import { addDays } from '../../domain/iso-date.js';
import { intArray, textArray, type Queryable } from '../../store/index.js';
import { toMicro } from '../reporting/micro.js';

/** One reported figure of a series: its day and exact quantity in millionths. */
export interface Figure {
  readonly day: string;
  readonly micro: bigint;
}

/** A series to read, with an optional inclusive day range. */
export interface SeriesRange {
  readonly unitId: number;
  readonly productId: number;
  readonly kind: 'output' | 'consumption';
  readonly from?: string;
  readonly to?: string;
}

const EARLIEST = '0001-01-01';
const LATEST = '9999-12-31';

/**
 * Key of a series: unit id, product id and kind.
 * @example seriesKey(17, 3, 'output') // '17|3|output'
 */
export function seriesKey(unitId: number, productId: number, kind: 'output' | 'consumption' = 'output'): string {
  return `${unitId}|${productId}|${kind}`;
}

/**
 * The figures in force of many series (each within its day range), by series key, days ascending.
 * @example const f = await readFigures(tx, 1, [{ unitId: 5, productId: 3, kind: 'output', from: '2026-03-01' }]);
 */
export async function readFigures(q: Queryable, org: number, ranges: readonly SeriesRange[]): Promise<Map<string, Figure[]>> {
  const out = new Map<string, Figure[]>();
  for (const r of ranges) out.set(seriesKey(r.unitId, r.productId, r.kind), []);
  if (ranges.length === 0) return out;
  // One row per series with its figures packed in a string: far fewer rows to carry out of the
  // database (PGlite hands each row across a worker thread), the same data.
  const rows = await q.query<{ unit_id: number; product_id: number; kind: 'output' | 'consumption'; figures: string }>(
    `select c.unit_id, c.product_id, c.kind, string_agg(c.day::text || ' ' || c.quantity::text, ',' order by c.day) as figures
       from report_current c
       join unnest($2::int[], $3::int[], $4::text[], $5::date[], $6::date[]) as k(u, p, kind, lo, hi)
         on c.unit_id = k.u and c.product_id = k.p and c.kind = k.kind and c.day between k.lo and k.hi
      where c.org = $1
      group by c.unit_id, c.product_id, c.kind`,
    [org, intArray(ranges.map((r) => r.unitId)), intArray(ranges.map((r) => r.productId)), textArray(ranges.map((r) => r.kind)),
      textArray(ranges.map((r) => r.from ?? EARLIEST)), textArray(ranges.map((r) => r.to ?? LATEST))],
  );
  for (const r of rows) {
    const list = out.get(seriesKey(r.unit_id, r.product_id, r.kind));
    if (!list) continue;
    for (const item of r.figures.split(',')) list.push({ day: item.slice(0, 10), micro: toMicro(item.slice(11)) });
  }
  return out;
}

/**
 * Output totals by month ('2026-M03') of many series within day ranges, by series key.
 * @example (await monthTotals(tx, 1, [{ unitId: 5, productId: 3, kind: 'output' }])).get('5|3|output')?.get('2026-M02')
 */
export async function monthTotals(q: Queryable, org: number, ranges: readonly SeriesRange[]): Promise<Map<string, Map<string, bigint>>> {
  const out = new Map<string, Map<string, bigint>>();
  for (const r of ranges) out.set(seriesKey(r.unitId, r.productId, r.kind), new Map());
  if (ranges.length === 0) return out;
  const rows = await q.query<{ unit_id: number; product_id: number; kind: 'output' | 'consumption'; month: string; quantity: string }>(
    `select c.unit_id, c.product_id, c.kind, to_char(c.day, 'YYYY"-M"MM') as month, sum(c.quantity)::text as quantity
       from report_current c
       join unnest($2::int[], $3::int[], $4::text[], $5::date[], $6::date[]) as k(u, p, kind, lo, hi)
         on c.unit_id = k.u and c.product_id = k.p and c.kind = k.kind and c.day between k.lo and k.hi
      where c.org = $1
      group by c.unit_id, c.product_id, c.kind, month
      order by c.unit_id, c.product_id, c.kind, month`,
    [org, intArray(ranges.map((r) => r.unitId)), intArray(ranges.map((r) => r.productId)), textArray(ranges.map((r) => r.kind)),
      textArray(ranges.map((r) => r.from ?? EARLIEST)), textArray(ranges.map((r) => r.to ?? LATEST))],
  );
  for (const r of rows) out.get(seriesKey(r.unit_id, r.product_id, r.kind))?.set(r.month, toMicro(r.quantity));
  return out;
}

/**
 * monthTotals for the monitoring worker: the same totals read from the units' month cells
 * (actual_cell, one row per month) rather than summed from every day in report_current. Only
 * after a batch has committed do the cells hold its figures, so the inline hook cannot use this.
 * Ranges must be output series and whole months (from a month's first day, to a month's last).
 * @example (await unitMonthTotals(tx, 1, [{ unitId: 5, productId: 3, kind: 'output', to: '2026-02-28' }])).get('5|3|output')?.get('2026-M02')
 */
export async function unitMonthTotals(q: Queryable, org: number, ranges: readonly SeriesRange[]): Promise<Map<string, Map<string, bigint>>> {
  const out = new Map<string, Map<string, bigint>>();
  for (const r of ranges) {
    if (r.kind !== 'output') throw new Error('unitMonthTotals: month cells are kept for output only');
    if ((r.from !== undefined && r.from !== monthBounds(monthOf(r.from))[0]) || (r.to !== undefined && r.to !== monthBounds(monthOf(r.to))[1])) {
      throw new Error(`unitMonthTotals: ${r.from ?? ''}..${r.to ?? ''} is not whole months`);
    }
    out.set(seriesKey(r.unitId, r.productId, r.kind), new Map());
  }
  if (ranges.length === 0) return out;
  const rows = await q.query<{ unit_id: number; product_id: number; month: string; quantity: string }>(
    // One index range per series (offset 0 keeps the planner from flattening the probe into a join
    // over all of actual_cell, which it did).
    `select k.u as unit_id, k.p as product_id, c.period as month, c.quantity::text as quantity
       from unnest($2::int[], $3::int[], $4::text[], $5::text[]) as k(u, p, lo, hi)
       cross join lateral (
         select c.period, c.quantity from unit u
           join actual_cell c on c.org = u.org and c.sector = u.code and c.region = u.code and c.product_id = k.p and c.kind = 'output'
            and c.period between k.lo and k.hi
          where u.org = $1 and u.id = k.u and c.period like '____-M__'
         offset 0) c`,
    [org, intArray(ranges.map((r) => r.unitId)), intArray(ranges.map((r) => r.productId)), textArray(ranges.map((r) => (r.from ? monthOf(r.from) : '0001-M01'))),
      textArray(ranges.map((r) => (r.to ? monthOf(r.to) : '9999-M12')))],
  );
  for (const r of rows) out.get(seriesKey(r.unit_id, r.product_id, 'output'))?.set(r.month, toMicro(r.quantity));
  return out;
}

/**
 * The month period id of a day.
 * @example monthOf('2026-03-11') // '2026-M03'
 */
export function monthOf(day: string): string {
  return `${day.slice(0, 4)}-M${day.slice(5, 7)}`;
}

/**
 * First and last day of a month period id.
 * @example monthBounds('2026-M02') // ['2026-02-01', '2026-02-28']
 */
export function monthBounds(month: string): [string, string] {
  let b = bounds.get(month);
  if (!b) bounds.set(month, (b = computeMonthBounds(month)));
  return [b[0], b[1]];
}

// Memoised: the worker checks every series' range against its month's bounds on each take.
const bounds = new Map<string, readonly [string, string]>();

function computeMonthBounds(month: string): [string, string] {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(6, 8));
  const start = `${month.slice(0, 4)}-${month.slice(6, 8)}-01`;
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return [start, addDays(next, -1)];
}

/**
 * The month id n months before (n < 0) or after a month id.
 * @example shiftMonth('2026-M01', -1) // '2025-M12'
 */
export function shiftMonth(month: string, n: number): string {
  const idx = Number(month.slice(0, 4)) * 12 + Number(month.slice(6, 8)) - 1 + n;
  return `${Math.floor(idx / 12)}-M${String((idx % 12) + 1).padStart(2, '0')}`;
}

/**
 * Decimal string of millionths, for numeric parameters.
 * @example microToNumber(1_500_000n) // 1.5
 */
export function microToNumber(v: bigint): number {
  return Number(v) / 1e6;
}
