// Period-end forecast of a unit's output of a product: what is reported so far plus what the
// Harrison-Stevens filter's trend (level and slope, with their uncertainty) projects for the
// working days left, with a central interval.
import { forecastPeriodEnd as projectPeriodEnd, seriesTrend } from '../../engine/monitoring/index.js';
import { addDays } from '../../domain/iso-date.js';
import { loadCalendar } from '../calendar.js';
import type { ServiceContext } from '../context.js';
import { NormaError } from '../errors.js';
import { fromMicro } from '../reporting/micro.js';
import { periodOf, unitProduct } from './indices.js';
import { monitoringSettings } from './settings.js';
import { decimal } from './standards.js';
import { currentFilter } from './trend.js';
import { unitWorkingDays, worksRestDays } from './workdays.js';

/** A period-end forecast as the API shows it: exact actual to date, projections rounded to 0.001. */
export interface PeriodEndView {
  /** Output reported for days of the period so far. */
  readonly actual: string;
  /** actual + the expected output of the working days left, and the interval (forecastCoverage). */
  readonly projected: string;
  readonly projected_low: string;
  readonly projected_high: string;
}

/**
 * The period-end forecast of a unit's output of a product: actual to date plus the filter's
 * projection over the unit's working days after its last report up to the period's end, with the
 * interval the settings' coverage asks for (80 %: 10 % and 90 % quantiles). The projection assumes
 * no new break: a break shows as an alert first. A finished period projects its actual.
 * @example await forecastPeriodEnd(ctx, 'U-000007', 'cement', '2026-M03') // { actual: '61230', projected: '154880.2', ... }
 */
export async function forecastPeriodEnd(ctx: ServiceContext, unitCode: string, productCode: string, periodId: string): Promise<PeriodEndView> {
  const { unit, product } = await unitProduct(ctx, unitCode, productCode);
  if (product.aggregation !== 'sum') {
    throw new NormaError('NORMA_ERR_REFUSED', `${productCode} is a progress indicator; period-end forecasts need a physical output`, [{ field: 'product', reason: 'not a summable output' }]);
  }
  const period = periodOf(periodId);
  const settings = await monitoringSettings(ctx);
  const { filter, figures } = await currentFilter(ctx.store, ctx.org, unit.id, product.id);
  let actual = 0n;
  for (const f of figures) if (f.day >= period.start && f.day <= period.end) actual += f.micro;
  const last = figures.length ? figures[figures.length - 1].day : null;
  const cal = await loadCalendar(ctx);
  const continuous = worksRestDays(cal, unit, figures);
  // The days left: after the last report (or, with none, from today), not before the period starts.
  const after = last ? addDays(last, 1) : ctx.today();
  const from = after > period.start ? after : period.start;
  const remaining = filter.batch.count[0] > 0 ? unitWorkingDays(cal, unit, continuous, from, period.end).length : 0;
  const actualNumber = Number(actual) / 1e6;
  if (remaining === 0) {
    const a = fromMicro(actual);
    return { actual: a, projected: a, projected_low: a, projected_high: a };
  }
  const f = projectPeriodEnd({ ...seriesTrend(filter.batch, 0), remainingDays: remaining, actualToDate: actualNumber, coverage: settings.forecastCoverage });
  if (!f.ok) throw new Error(`period-end forecast: ${f.error.message}`);
  return {
    actual: fromMicro(actual),
    projected: decimal(f.value.total, 3),
    projected_low: decimal(f.value.low, 3),
    projected_high: decimal(f.value.high, 3),
  };
}
