// Beer's indices (Cybersyn) of one unit and product over a period: actuality, capability and
// potentiality, and their ratios productivity, latency and performance.
//
//   actuality    A = output reported for days of the period (report_current)
//   potentiality P = capacity_per_day (unit_product) x working days counted
//   capability   C = min(best-month rate x working days counted, P), where the best-month rate is
//                    the unit's monthly record (highest month total) / that month's working days:
//                    what it has shown it can sustain over a whole month with what it has
//   productivity = A / C    latency = C / P    performance = A / P = productivity x latency
//
// Working days counted: the unit's working days of the period up to the day the figures stand at
// (the later of yesterday and the last reported day in the period, at most the period's end), so a
// running period compares like with like. A unit's working days are its region's calendar, or every
// day when its own reports show it works through rest days (power stations, see workdays.ts).
import { addDays } from '../../domain/iso-date.js';
import { parsePeriod, type Period } from '../../domain/period.js';
import { loadCalendar } from '../calendar.js';
import type { ServiceContext } from '../context.js';
import { NormaError, notFound } from '../errors.js';
import { fromMicro, toMicro } from '../reporting/micro.js';
import { reportingModel, type ProductInfo, type UnitInfo } from '../reporting/model-cache.js';
import { monthBounds, readFigures, seriesKey, type Figure } from './figures.js';
import { bestsOfFigures } from './records.js';
import { unitWorkingDays, worksRestDays } from './workdays.js';

/** Beer's indices of a unit and product over a period, as the API shows them. */
export interface BeerIndices {
  readonly unit: string;
  readonly product: string;
  readonly period: string;
  /** The unit's working days in the whole period, and those counted (up to `as_of`). */
  readonly working_days: number;
  readonly working_days_counted: number;
  readonly as_of: string | null;
  /** The unit reports output on rest days, so every day counts as a working day. */
  readonly works_rest_days: boolean;
  readonly capacity_per_day: string | null;
  readonly actuality: string;
  readonly capability: string | null;
  readonly potentiality: string | null;
  readonly productivity: number | null;
  readonly latency: number | null;
  readonly performance: number | null;
  /** The monthly record the capability rests on. */
  readonly record_month: { readonly period: string; readonly quantity: string; readonly working_days: number; readonly per_day: string } | null;
}

/**
 * A unit and one of its output products, or NORMA_ERR_NOT_FOUND naming which is unknown.
 * @example const { unit, product } = await unitProduct(ctx, 'U-000007', 'cement');
 */
export async function unitProduct(ctx: ServiceContext, unitCode: string, productCode: string): Promise<{ unit: UnitInfo; product: ProductInfo }> {
  const model = await reportingModel(ctx);
  const unit = model.unitsByCode.get(unitCode);
  if (!unit) notFound('unit', unitCode, 'unit');
  const product = model.productsByCode.get(productCode);
  if (!product) notFound('product', productCode, 'product');
  if (!unit.outputs.has(product.id)) {
    throw new NormaError('NORMA_ERR_NOT_FOUND', `unit ${unitCode} does not make ${productCode}`, [{ field: 'product', reason: `not an output of unit ${unitCode}` }]);
  }
  return { unit, product };
}

/**
 * A period id checked, or its DomainError (400).
 * @example periodOf('2026-M03').end // '2026-03-31'
 */
export function periodOf(id: string): Period {
  const p = parsePeriod(id);
  if (!p.ok) throw p.error;
  return p.value;
}

function sumIn(figures: readonly Figure[], start: string, end: string): bigint {
  let s = 0n;
  for (const f of figures) if (f.day >= start && f.day <= end) s += f.micro;
  return s;
}

/** q * num / den rounded half up to millionths. */
function scale(q: bigint, num: number, den: number): bigint {
  return (q * BigInt(num) * 2n + BigInt(den)) / (2n * BigInt(den));
}

/**
 * Beer's indices of a unit's output of a product over a period (see the definitions at the top of
 * this file and docs/monitoring.md).
 * @example await beerIndices(ctx, 'U-000007', 'cement', '2026-M02') // { productivity: 0.97, latency: 0.88, performance: 0.85, ... }
 */
export async function beerIndices(ctx: ServiceContext, unitCode: string, productCode: string, periodId: string): Promise<BeerIndices> {
  const { unit, product } = await unitProduct(ctx, unitCode, productCode);
  if (product.aggregation !== 'sum') {
    throw new NormaError('NORMA_ERR_REFUSED', `${productCode} is a progress indicator; Beer's indices need a physical output`, [{ field: 'product', reason: 'not a summable output' }]);
  }
  const period = periodOf(periodId);
  const [cap] = await ctx.store.query<{ c: string | null }>(
    `select capacity_per_day::text as c from unit_product where org = $1 and unit = $2 and product = $3 and role = 'output'`,
    [ctx.org, unit.code, product.code],
  );
  const figures = (await readFigures(ctx.store, ctx.org, [{ unitId: unit.id, productId: product.id, kind: 'output' }])).get(seriesKey(unit.id, product.id, 'output')) ?? [];
  const cal = await loadCalendar(ctx);
  const upToPeriod = figures.filter((f) => f.day <= period.end);
  const continuous = worksRestDays(cal, unit, upToPeriod.length ? upToPeriod : figures);
  const inPeriod = figures.filter((f) => f.day >= period.start && f.day <= period.end);
  const yesterday = addDays(ctx.today(), -1);
  const lastIn = inPeriod.length ? inPeriod[inPeriod.length - 1].day : null;
  let asOf: string | null = lastIn && lastIn > yesterday ? lastIn : yesterday;
  if (asOf > period.end) asOf = period.end;
  if (asOf < period.start) asOf = null;
  const allDays = unitWorkingDays(cal, unit, continuous, period.start, period.end).length;
  const counted = asOf ? unitWorkingDays(cal, unit, continuous, period.start, asOf).length : 0;

  const actuality = sumIn(figures, period.start, period.end);
  const capacity = cap?.c ?? null;
  const potentiality = capacity === null ? null : toMicro(capacity) * BigInt(counted);

  const best = bestsOfFigures(figures).month;
  let record: BeerIndices['record_month'] = null;
  let capability: bigint | null = null;
  if (best) {
    const [start, end] = monthBounds(best.period);
    const last = figures[figures.length - 1].day;
    const days = unitWorkingDays(cal, unit, continuous, start, end < last ? end : last).length;
    if (days > 0) {
      record = { period: best.period, quantity: fromMicro(best.qty), working_days: days, per_day: fromMicro(scale(best.qty, 1, days)) };
      capability = scale(best.qty, counted, days);
      if (potentiality !== null && capability > potentiality) capability = potentiality;
    }
  }
  const ratio = (a: bigint | null, b: bigint | null) => (a === null || b === null || b === 0n ? null : Number(a) / Number(b));
  return {
    unit: unit.code,
    product: product.code,
    period: period.id,
    working_days: allDays,
    working_days_counted: counted,
    as_of: asOf,
    works_rest_days: continuous,
    capacity_per_day: capacity === null ? null : fromMicro(toMicro(capacity)),
    actuality: fromMicro(actuality),
    capability: capability === null ? null : fromMicro(capability),
    potentiality: potentiality === null ? null : fromMicro(potentiality),
    productivity: ratio(actuality, capability),
    latency: ratio(capability, potentiality),
    performance: ratio(actuality, potentiality),
    record_month: record,
  };
}
