import { describe, expect, it } from 'vitest';
import { createHsBatch, forecastPeriodEnd, seriesTrend, updateBatch, type DailyNoise, type TrendMoments } from '../../../src/engine/monitoring/index.js';
import { gauss, mulberry32 } from './simulate.js';

function close(got: number, want: number, tol: number, what: string): void {
  expect(Math.abs(got - want) <= tol, `${what}: got ${got}, expected ${want}, tol ${tol}`).toBe(true);
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

// c' Sigma c built the long way: the H x H covariance of the future reports from the state-space
// recursion (x_{h} = G x_{h-1} + w_h, y_h = x_h[0] + e_h), then the quadratic form.
function bruteVariance(t: TrendMoments, n: DailyNoise, c: number[]): number {
  const H = c.length;
  // coefficients of y_h on (level0, slope0, g_1..g_H, d_1..d_H, e_1..e_H)
  const rows: number[][] = [];
  for (let h = 1; h <= H; h++) {
    const row = new Array(2 + 3 * H).fill(0);
    row[0] = 1;
    row[1] = h;
    for (let k = 1; k <= h; k++) row[1 + k] = 1; // g_k enters mu_h once
    for (let l = 1; l <= h; l++) row[1 + H + l] = h - l + 1; // d_l through beta, h - l + 1 times
    row[1 + 2 * H + h] = 1;
    rows.push(row);
  }
  const cov = (i: number, j: number): number => {
    if (i < 2 && j < 2) return i === 0 && j === 0 ? t.varLevel : i === 1 && j === 1 ? t.varSlope : t.covLevelSlope;
    if (i !== j) return 0;
    if (i < 2 + H) return n.levelVar;
    if (i < 2 + 2 * H) return n.slopeVar;
    return n.obsVar;
  };
  const a = new Array(2 + 3 * H).fill(0);
  rows.forEach((row, h) => row.forEach((v, i) => (a[i] += c[h] * v)));
  let v = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) v += a[i] * a[j] * cov(i, j);
  return v;
}

describe('period-end forecast', () => {
  const trend: TrendMoments = { level: 100, slope: 2, varLevel: 9, covLevelSlope: 1.5, varSlope: 0.5 };
  const noise: DailyNoise = { obsVar: 16, levelVar: 1, slopeVar: 0.04 };

  it('matches the hand formula for two remaining days', () => {
    // mean = 2*100 + 3*2 = 206; a = (2, 3): a'Pa = 4*9 + 2*2*3*1.5 + 9*0.5 = 58.5;
    // + V*2 = 32; + G*(C1^2 + C2^2) = 1*(4 + 1) = 5; + D*(D1^2 + D2^2) = 0.04*(9 + 1) = 0.4 -> 95.9
    const f = must(forecastPeriodEnd({ trend, noise, remainingDays: 2, actualToDate: 1000 }));
    close(f.remaining, 206, 1e-12, 'remaining');
    close(f.remainingSd, Math.sqrt(95.9), 1e-12, 'sd');
    close(f.total, 1206, 1e-12, 'total');
    close(f.high - f.total, 1.2815515655446004 * Math.sqrt(95.9), 1e-7, 'half width at 80 %');
  });

  it('equals the brute-force covariance sum with seasonal factors, and exceeds the independent-days sum', () => {
    const rnd = mulberry32(21);
    for (const H of [1, 3, 7, 15]) {
      const c = Array.from({ length: H }, () => 0.5 + rnd());
      const f = must(forecastPeriodEnd({ trend, noise, remainingDays: H, actualToDate: 0, seasonal: c, nonNegative: false }));
      const want = bruteVariance(trend, noise, c);
      close(f.remainingSd ** 2, want, 1e-9 * want, `H=${H} variance`);
      const mean = c.reduce((acc, ch, h) => acc + ch * (trend.level + (h + 1) * trend.slope), 0);
      close(f.remaining, mean, 1e-9 * mean, `H=${H} mean`);
      if (H > 1) {
        // treating the days as independent (each with its own one-day-ahead variance) understates the spread
        const indep = c.reduce((acc, ch) => acc + ch * ch * (trend.varLevel + noise.obsVar + noise.levelVar), 0);
        expect(f.remainingSd ** 2).toBeGreaterThan(indep);
      }
    }
  });

  it('covers the true period total in about 80 % of 400 simulated series (scale learned)', () => {
    const N = 400, T = 20, H = 10;
    const rnd = mulberry32(22);
    const b = must(createHsBatch(N));
    let covered = 0;
    for (let k = 0; k < N; k++) {
      // each series in its own unit: s from 5 to 500 (kg to kt alike), level 20 s, the filter's normal regime
      const s = 50 * Math.pow(10, 2 * rnd() - 1);
      let level = 20 * s, slope = 0.1 * s * gauss(rnd);
      const season = Array.from({ length: T + H }, (_, t) => 1 + 0.3 * Math.sin(t / 3));
      let actual = 0, future = 0;
      for (let t = 0; t < T + H; t++) {
        slope += 0.01 * s * gauss(rnd);
        level += slope + 0.1 * s * gauss(rnd);
        const y = level + s * gauss(rnd); // deseasonalized report
        if (t < T) {
          must(updateBatch(b, [k], [t === 7 ? NaN : y])); // one missing report
          if (t !== 7) actual += y * season[t];
        } else future += y * season[t];
      }
      const f = must(forecastPeriodEnd({ ...seriesTrend(b, k), remainingDays: H, actualToDate: actual, seasonal: season.slice(T), nonNegative: false }));
      if (actual + future >= f.low && actual + future <= f.high) covered++;
    }
    console.log(`period-end 80 % interval coverage: ${covered}/${N} = ${(covered / N).toFixed(3)}`);
    expect(covered / N).toBeGreaterThanOrEqual(0.7);
    expect(covered / N).toBeLessThanOrEqual(0.9);
  });

  it('clips at zero, handles no remaining days, and rejects bad shapes', () => {
    const down = must(forecastPeriodEnd({ trend: { ...trend, level: 5, slope: -3 }, noise, remainingDays: 5, actualToDate: 50 }));
    expect(down.remaining).toBe(0);
    expect(down.low).toBe(50);
    const none = must(forecastPeriodEnd({ trend, noise, remainingDays: 0, actualToDate: 77 }));
    expect([none.total, none.low, none.high, none.remainingSd]).toEqual([77, 77, 77, 0]);
    const wide = must(forecastPeriodEnd({ trend, noise, remainingDays: 4, actualToDate: 0, coverage: 0.95 }));
    const narrow = must(forecastPeriodEnd({ trend, noise, remainingDays: 4, actualToDate: 0 }));
    expect(wide.high - wide.low).toBeGreaterThan(narrow.high - narrow.low);
    const bad = forecastPeriodEnd({ trend, noise, remainingDays: 3, actualToDate: 0, seasonal: [1, 1] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('shape');
    expect(forecastPeriodEnd({ trend: { ...trend, level: NaN }, noise, remainingDays: 3, actualToDate: 0 }).ok).toBe(false);
    expect(forecastPeriodEnd({ trend, noise, remainingDays: 2.5, actualToDate: 0 }).ok).toBe(false);
  });
});
