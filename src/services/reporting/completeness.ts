import { isWorkingDay } from '../../domain/calendar.js';
import { addDays } from '../../domain/iso-date.js';
import { parsePeriod } from '../../domain/period.js';
import { loadCalendar } from '../calendar.js';
import type { ServiceContext } from '../context.js';
import { resolveCell, unitsIn } from '../fulfilment/query.js';
import { reportingModel } from './model-cache.js';

/** How fully and how punctually a node's units reported their output over a period (to date). */
export interface CompletenessView {
  readonly node: string;
  readonly period: string;
  /** Through this day (yesterday, or the period end if earlier). */
  readonly through: string | null;
  /** Working days x unit-products: the output reports due. */
  readonly expected: number;
  readonly received: number;
  readonly on_time: number;
  readonly completeness: number | null;
  readonly timeliness: number | null;
}

/**
 * Completeness (received / expected) and timeliness (on time / received) of output reports for a
 * node (or cut, or unit) and period, counting days up to yesterday.
 * @example await completeness(ctx, { tree: 'region', node: 'P-SPY', period: '2026-M11' })
 */
export async function completeness(
  ctx: ServiceContext,
  q: { tree?: 'sector' | 'region'; node?: string; sector?: string; region?: string; period: string },
): Promise<CompletenessView> {
  const model = await reportingModel(ctx);
  const cell = resolveCell(model, q);
  const parsed = parsePeriod(q.period);
  if (!parsed.ok) throw parsed.error;
  const period = parsed.value;
  const yesterday = addDays(ctx.today(), -1);
  const through = period.end < yesterday ? period.end : yesterday;
  const units = unitsIn(model, cell);
  if (through < period.start || units.length === 0) {
    return { node: cell.node, period: period.id, through: through < period.start ? null : through, expected: 0, received: 0, on_time: 0, completeness: null, timeliness: null };
  }
  const cal = await loadCalendar(ctx);
  const days: string[] = [];
  for (let d = period.start; d <= through; d = addDays(d, 1)) days.push(d);
  // Working days per calendar (units of one county share one), counted once per county.
  const workedByCounty = new Map<string, number>();
  let expected = 0;
  for (const u of units) {
    const products = u.outputs.size;
    if (products === 0) continue;
    if (u.everyDay) {
      expected += days.length * products;
      continue;
    }
    const key = u.regionChain.join('/');
    let n = workedByCounty.get(key);
    if (n === undefined) {
      const chain = [...u.regionChain].reverse();
      n = days.filter((d) => isWorkingDay(cal, d, chain)).length;
      workedByCounty.set(key, n);
    }
    expected += n * products;
  }
  const [row] = await ctx.store.query<{ received: number; late: number }>(
    `select count(*) as received, count(*) filter (where late) as late from report_current
      where org = $1 and kind = 'output' and day between $2 and $3 and unit_id = any($4::int[])`,
    [ctx.org, period.start, through, units.map((u) => u.id)],
  );
  const received = row?.received ?? 0;
  const onTime = received - (row?.late ?? 0);
  return {
    node: cell.node,
    period: period.id,
    through,
    expected,
    received,
    on_time: onTime,
    completeness: expected > 0 ? received / expected : null,
    timeliness: received > 0 ? onTime / received : null,
  };
}
