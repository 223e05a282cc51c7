// R = sum_{h=1..H} c_h y_{t+h}, y = mu + e: E R = sum c_h (m0 + h m1); Var R = a'Pa (a = (sum c_h, sum h c_h))
// + V sum c_h^2 + G sum_k C_k^2 + D sum_l D_l^2 with C_k = sum_{h>=k} c_h, D_l = sum_{h>=l} (h-l+1) c_h.
import type { HsBatch } from './hs-batch.js';
import { normalQuantile } from './normal-distribution.js';
import { monitorFail, monitorOk, type MonitorResult } from './result.js';

/**
 * Posterior mean and covariance of (level, slope) at the last reported day.
 * @example const m: TrendMoments = { level: 500, slope: 2, varLevel: 25, covLevelSlope: 1, varSlope: 0.2 };
 */
export interface TrendMoments {
  readonly level: number;
  readonly slope: number;
  readonly varLevel: number;
  readonly covLevelSlope: number;
  readonly varSlope: number;
}

/**
 * Absolute per-day variances of the model used to look ahead: report noise Var(e), level
 * disturbance Var(g) and slope disturbance Var(d) (Harrison-Stevens form, where d also enters
 * that day's level through beta; that path is in the D_l weights, so levelVar is Var(g) alone).
 * @example const n: DailyNoise = { obsVar: 400, levelVar: 4, slopeVar: 0.04 };
 */
export interface DailyNoise {
  readonly obsVar: number;
  readonly levelVar: number;
  readonly slopeVar: number;
}

/**
 * What to forecast: the trend now, the noise ahead, the working days left in the period, what
 * was produced so far, and optionally a seasonal factor per remaining day (the filter is fed
 * values divided by their day's factor; the forecast multiplies them back).
 * @example const q: PeriodEndInput = { trend, noise, remainingDays: 12, actualToDate: 9_800 };
 */
export interface PeriodEndInput {
  readonly trend: TrendMoments;
  readonly noise: DailyNoise;
  readonly remainingDays: number;
  readonly actualToDate: number;
  /** c_1..c_H, one per remaining working day; all 1 when absent. */
  readonly seasonal?: ArrayLike<number>;
  /** Central probability of the interval; 0.8 gives the 10 % and 90 % quantiles. */
  readonly coverage?: number;
  /** Production cannot be negative: clip the remaining quantity at 0 (default true). */
  readonly nonNegative?: boolean;
}

/**
 * Forecast of what remains and of the period-end total, with a central interval.
 * @example const f = forecastPeriodEnd(q).value; `${f.total} (${f.low} .. ${f.high})`
 */
export interface PeriodEndForecast {
  /** Expected production over the remaining days, and its standard deviation. */
  readonly remaining: number;
  readonly remainingSd: number;
  readonly remainingLow: number;
  readonly remainingHigh: number;
  /** actualToDate + remaining, with the interval (low, high). */
  readonly total: number;
  readonly low: number;
  readonly high: number;
  readonly coverage: number;
}

/**
 * Period-end forecast from a local linear trend: the remaining days share the same uncertain
 * level and slope, so their errors are correlated (the a'Pa term) and the level and slope keep
 * drifting (the C_k and D_l terms): summing H independent daily variances would understate the
 * spread by a factor that grows with H. O(H).
 * @example forecastPeriodEnd({ trend, noise, remainingDays: 10, actualToDate: 20_000 }).value.high
 */
export function forecastPeriodEnd(input: PeriodEndInput): MonitorResult<PeriodEndForecast> {
  const { trend, noise, remainingDays: H, actualToDate } = input;
  const coverage = input.coverage ?? 0.8;
  const c = input.seasonal;
  if (!Number.isInteger(H) || H < 0) return monitorFail('shape', `remainingDays = ${H} must be an integer >= 0`);
  if (c !== undefined && c.length !== H) return monitorFail('shape', `seasonal has ${c.length} factors, remainingDays is ${H}`);
  if (!(coverage > 0 && coverage < 1)) return monitorFail('shape', `coverage = ${coverage} must be in (0, 1)`);
  const finite = [trend.level, trend.slope, trend.varLevel, trend.covLevelSlope, trend.varSlope, noise.obsVar, noise.levelVar, noise.slopeVar, actualToDate];
  if (!finite.every(Number.isFinite)) return monitorFail('not-finite', 'trend, noise and actualToDate must be finite');
  if (trend.varLevel < 0 || trend.varSlope < 0 || noise.obsVar < 0 || noise.levelVar < 0 || noise.slopeVar < 0)
    return monitorFail('shape', 'variances must be >= 0');
  if (c !== undefined) for (let h = 0; h < H; h++) if (!(c[h] >= 0) || !Number.isFinite(c[h])) return monitorFail('not-finite', `seasonal[${h}] = ${c[h]} must be finite and >= 0`);

  let sumC = 0, sumHC = 0, sumC2 = 0;
  for (let h = 1; h <= H; h++) {
    const ch = c === undefined ? 1 : c[h - 1];
    sumC += ch;
    sumHC += h * ch;
    sumC2 += ch * ch;
  }
  // suffix sums from the last day back: C_k = c_k + C_{k+1}, D_l = C_l + D_{l+1}
  let Ck = 0, Dl = 0, sumCk2 = 0, sumDl2 = 0;
  for (let k = H; k >= 1; k--) {
    Ck += c === undefined ? 1 : c[k - 1];
    Dl += Ck;
    sumCk2 += Ck * Ck;
    sumDl2 += Dl * Dl;
  }
  const mean = sumC * trend.level + sumHC * trend.slope;
  const variance =
    sumC * sumC * trend.varLevel + 2 * sumC * sumHC * trend.covLevelSlope + sumHC * sumHC * trend.varSlope + noise.obsVar * sumC2 + noise.levelVar * sumCk2 + noise.slopeVar * sumDl2;
  const sd = Math.sqrt(Math.max(variance, 0));
  const zq = normalQuantile(0.5 + coverage / 2);
  const clip = input.nonNegative ?? true;
  const lo = (x: number) => (clip ? Math.max(0, x) : x);
  const remaining = lo(mean);
  const remainingLow = lo(mean - zq * sd);
  const remainingHigh = lo(mean + zq * sd);
  return monitorOk({
    remaining,
    remainingSd: sd,
    remainingLow,
    remainingHigh,
    total: actualToDate + remaining,
    low: actualToDate + remainingLow,
    high: actualToDate + remainingHigh,
    coverage,
  });
}

/**
 * Series k's trend and its normal-regime daily noise (variances times s^2), the inputs of
 * forecastPeriodEnd. The look-ahead assumes no new break: a break shows up as an alert first.
 * @example forecastPeriodEnd({ ...seriesTrend(batch, k), remainingDays: 8, actualToDate: 4_200 })
 */
export function seriesTrend(b: HsBatch, k: number): { trend: TrendMoments; noise: DailyNoise } {
  const s2 = b.scale[k] * b.scale[k];
  const r = b.model.regimes[0];
  return {
    trend: { level: b.level[k], slope: b.slope[k], varLevel: b.varLevel[k], covLevelSlope: b.covLevelSlope[k], varSlope: b.varSlope[k] },
    noise: { obsVar: r.obsVar * s2, levelVar: r.levelVar * s2, slopeVar: r.slopeVar * s2 },
  };
}
