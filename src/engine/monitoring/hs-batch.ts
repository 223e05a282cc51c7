// Batched Harrison-Stevens filter, class II (GPB2): per series keep 4 Gaussians N(m_j, P_j), one per
// regime of the last update; each observation runs the 16 Kalman updates (i -> j), weights them by
// p_i * prior_j * N(y; a_i, S_ij), and collapses by current regime j by moment matching.
import { REGIME, STATUS, type HsModel, DEFAULT_HS_MODEL } from './hs-model.js';
import { normalCdf } from './normal-distribution.js';
import { monitorFail, monitorOk, type MonitorResult } from './result.js';

/**
 * Filter state of many series as a structure of Float64Arrays. Series k's regime-j component
 * lives at [4k + j] of the comp* arrays; everything else at [k]. The collapsed fields (level ..
 * status) are the outputs of the series' last update, so a caller reads them after updateBatch.
 * @example const b = createHsBatch(3).value; updateBatch(b, [0, 2], Float64Array.of(10, 20)); b.level[2] // 20
 */
export interface HsBatch {
  readonly size: number;
  readonly model: HsModel;
  /** P(regime j at the last update | data to now), [4k + j]; also the posterior regime probabilities. */
  readonly compProb: Float64Array;
  readonly compLevel: Float64Array;
  readonly compSlope: Float64Array;
  readonly compVarLevel: Float64Array;
  readonly compCov: Float64Array;
  readonly compVarSlope: Float64Array;
  /** P(regime j at the update before last | data to now), [4k + j]: one observation of hindsight. */
  readonly lagProb: Float64Array;
  /** Collapsed posterior mean and covariance of (level, slope) after the last update. */
  readonly level: Float64Array;
  readonly slope: Float64Array;
  readonly varLevel: Float64Array;
  readonly covLevelSlope: Float64Array;
  readonly varSlope: Float64Array;
  /** One-step forecast of the next observation and its variance under the normal regime. */
  readonly forecast: Float64Array;
  readonly forecastVar: Float64Array;
  /** Standardized one-step error (y - forecast) / sqrt(forecastVar) of the last observation; NaN if none. */
  readonly z: Float64Array;
  /** The series' scale s: all model variances are multiples of s^2. 0 until known. */
  readonly scale: Float64Array;
  /** 1 when the scale was given (kept fixed), 0 when it is learned from the data. */
  readonly scaleFixed: Uint8Array;
  /** Observations absorbed (missing days not counted); 0 = not started. */
  readonly count: Float64Array;
  /** Consecutive updates in alert or crisis. */
  readonly alertRun: Int32Array;
  /** STATUS code of the last update. */
  readonly status: Uint8Array;
  /** Per-model constants: prior[4], obsVar[4], level+slope var[4], slopeVar[4], kappa, widest obs+level var, log prior[4]. */
  readonly coef: Float64Array;
  /** Workspace: per-previous-regime predictions of one update (7 slots each), then their log p_i (reused, never reallocated). */
  readonly work: Float64Array;
}

/**
 * Allocates the state of `size` series, all not started. Give a series a known scale with
 * setSeriesScale before its first observation, or let it learn one.
 * @example const r = createHsBatch(100_000); if (r.ok) updateBatch(r.value, idx, vals);
 */
export function createHsBatch(size: number, model: HsModel = DEFAULT_HS_MODEL): MonitorResult<HsBatch> {
  if (!Number.isInteger(size) || size < 0) return monitorFail('shape', `size = ${size} must be an integer >= 0`);
  const n4 = 4 * size;
  const coef = new Float64Array(22);
  for (let j = 0; j < 4; j++) {
    const r = model.regimes[j];
    coef[j] = r.prior;
    coef[18 + j] = Math.log(r.prior); // the weights are summed relative to their log (stepSeries)
    coef[4 + j] = r.obsVar;
    coef[8 + j] = r.levelVar + r.slopeVar; // the slope disturbance also enters the level
    coef[12 + j] = r.slopeVar;
  }
  // kappa = E[clip(z^2, 1/c^2, c^2)] for z ~ N(0,1): dividing the clipped mean square by it keeps
  // the learned scale unbiased on normal data while one wild report moves it by at most c.
  const c = model.scaleClip;
  const a = 1 / c;
  const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  const upper = 2 * normalCdf(c) - 1 - 2 * c * phi(c) + 2 * c * c * (1 - normalCdf(c)); // E[min(z^2, c^2)]
  const lower = (a * a - 1) * (2 * normalCdf(a) - 1) + 2 * a * phi(a); // E[(a^2 - z^2) 1{|z| < a}]
  coef[16] = upper + lower;
  coef[17] = Math.max(coef[4] + coef[8], coef[5] + coef[9], coef[6] + coef[10], coef[7] + coef[11]);
  return monitorOk({
    size,
    model,
    compProb: new Float64Array(n4),
    compLevel: new Float64Array(n4),
    compSlope: new Float64Array(n4),
    compVarLevel: new Float64Array(n4),
    compCov: new Float64Array(n4),
    compVarSlope: new Float64Array(n4),
    lagProb: new Float64Array(n4),
    level: new Float64Array(size),
    slope: new Float64Array(size),
    varLevel: new Float64Array(size),
    covLevelSlope: new Float64Array(size),
    varSlope: new Float64Array(size),
    forecast: new Float64Array(size),
    forecastVar: new Float64Array(size),
    z: new Float64Array(size).fill(NaN),
    scale: new Float64Array(size),
    scaleFixed: new Uint8Array(size),
    count: new Float64Array(size),
    alertRun: new Int32Array(size),
    status: new Uint8Array(size),
    coef,
    work: new Float64Array(32),
  });
}

/**
 * Fixes series k's scale s (same unit as its observations, e.g. the typical daily scatter in
 * tonnes) instead of learning it. Only before the series' first observation.
 * @example setSeriesScale(b, 7, 12.5) // series 7 scatters by about 12.5 t a day
 */
export function setSeriesScale(b: HsBatch, k: number, scale: number): MonitorResult<number> {
  if (!Number.isInteger(k) || k < 0 || k >= b.size) return monitorFail('index', `series ${k} out of range [0, ${b.size})`);
  if (!(scale > 0) || !Number.isFinite(scale)) return monitorFail('not-finite', `scale = ${scale} must be finite and > 0`);
  if (b.count[k] !== 0) return monitorFail('state', `series ${k} has started; its scale can no longer be fixed`);
  b.scale[k] = scale;
  b.scaleFixed[k] = 1;
  return monitorOk(k);
}

/**
 * Updates series indices[i] with observation values[i], in order, for i < indices.length
 * (NaN = no report that day: predict only). Checks every index and value first and changes
 * nothing on failure; allocates nothing per series. Returns the number of updates.
 * @example updateBatch(b, Int32Array.of(0, 1), Float64Array.of(101.5, NaN)) // { ok: true, value: 2 }
 */
export function updateBatch(b: HsBatch, indices: ArrayLike<number>, values: ArrayLike<number>): MonitorResult<number> {
  const n = indices.length;
  if (values.length !== n) return monitorFail('shape', `values has length ${values.length}, indices has length ${n}`);
  const size = b.size;
  for (let i = 0; i < n; i++) {
    const k = indices[i];
    // k >>> 0 === k rejects negatives, fractions and NaN in one test
    if (k >>> 0 !== k || k >= size) return monitorFail('index', `indices[${i}] = ${k} out of range [0, ${size})`);
    const y = values[i];
    if (y === Infinity || y === -Infinity) return monitorFail('not-finite', `values[${i}] = ${y}; use NaN for a missing report`);
  }
  for (let i = 0; i < n; i++) stepSeries(b, indices[i], values[i]);
  return monitorOk(n);
}

/**
 * One unchecked update of series k with observation y (NaN = missing). The kernel behind
 * updateBatch and the scalar filter; k must be a valid index and y finite or NaN.
 * @example stepSeries(b, 0, 98.2)
 */
export function stepSeries(b: HsBatch, k: number, y: number): void {
  const cnt = b.count[k];
  const missing = y !== y;
  if (cnt === 0) {
    if (!missing) startSeries(b, k, y);
    return;
  }
  const c = b.coef;
  const m = b.model;
  const s = b.scale[k];
  const s2 = s * s;
  const k4 = 4 * k;
  const pr = b.compProb, ml = b.compLevel, ms = b.compSlope, vl = b.compVarLevel, cv = b.compCov, vs = b.compVarSlope;
  const lag = b.lagProb;
  const zPrev = b.z[k];
  let zNow = NaN;

  if (missing) {
    // No evidence: each regime j gets its prior, its Gaussian is the p_i-mixture of the 4
    // predictions with that regime's disturbance. One step of hindsight about the last update is
    // just what we already had, so lagProb = the previous regime probabilities.
    let a0 = 0, a1 = 0;
    for (let i = 0; i < 4; i++) {
      const p = pr[k4 + i];
      a0 += p * (ml[k4 + i] + ms[k4 + i]);
      a1 += p * ms[k4 + i];
    }
    let b00 = 0, b01 = 0, b11 = 0;
    for (let i = 0; i < 4; i++) {
      const p = pr[k4 + i];
      const d0 = ml[k4 + i] + ms[k4 + i] - a0, d1 = ms[k4 + i] - a1;
      const p01 = cv[k4 + i], p11 = vs[k4 + i];
      b00 += p * (vl[k4 + i] + 2 * p01 + p11 + d0 * d0);
      b01 += p * (p01 + p11 + d0 * d1);
      b11 += p * (p11 + d1 * d1);
    }
    for (let j = 0; j < 4; j++) {
      lag[k4 + j] = pr[k4 + j];
      pr[k4 + j] = c[j];
      ml[k4 + j] = a0;
      ms[k4 + j] = a1;
      vl[k4 + j] = b00 + c[8 + j] * s2;
      cv[k4 + j] = b01 + c[12 + j] * s2;
      vs[k4 + j] = b11 + c[12 + j] * s2;
    }
  } else {
    zNow = (y - b.forecast[k]) / Math.sqrt(b.forecastVar[k]);
    const acc = b.work;
    // Per previous regime i: the prediction G m_i, G P_i G' and the innovation e_i, shared by
    // all four current regimes j (workspace slots 7i .. 7i+6).
    // The weights are p_i prior_j exp(-q_ij / 2) sqrt(1/S_ij), q_ij = e_i^2 / S_ij. They are taken
    // relative to the largest exponent part, ref = max over live pairs of log p_i + log prior_j - q_ij / 2,
    // so the leading pair's factor is exactly 1 and the sum cannot underflow to 0 (which made the
    // probabilities 0/0). The reference must include log p_i: a regime the last reports left with a
    // probability of 1e-316 may sit nearest a wild report, and a reference taken from q alone then
    // underflowed every weight (NaN from there on; found by the API fuzzer).
    let ref = -Infinity;
    let live = false;
    for (let i = 0; i < 4; i++) if (pr[k4 + i] > 0) live = true;
    // No regime left alive (a previous update lost them all): start again from the priors.
    if (!live) for (let i = 0; i < 4; i++) pr[k4 + i] = c[i];
    for (let i = 0; i < 4; i++) {
      const m1 = ms[k4 + i];
      const p01 = cv[k4 + i], p11 = vs[k4 + i];
      const e = y - ml[k4 + i] - m1;
      const b00 = vl[k4 + i] + 2 * p01 + p11; // (G P G')_00 with G = [[1,1],[0,1]]
      const pi = pr[k4 + i];
      const lp = pi > 0 ? Math.log(pi) : -Infinity;
      if (pi > 0) {
        for (let j = 0; j < 4; j++) {
          // The very expression the weights below compute, operation for operation: e^2 near 1e36
          // makes one rounding apart a difference of 1e17 in the exponent.
          const invS = 1 / (b00 + c[8 + j] * s2 + c[4 + j] * s2);
          const l = lp + c[18 + j] - 0.5 * (e * e * invS);
          if (l > ref) ref = l;
        }
      }
      const o = 7 * i;
      acc[o] = e;
      acc[o + 1] = m1;
      acc[o + 2] = b00;
      acc[o + 3] = p01 + p11; // (G P G')_01
      acc[o + 4] = p11; // (G P G')_11
      acc[o + 5] = 0; // sum over j of the pair weights: P(regime i before | data), unnormalized
      acc[o + 6] = pi; // kept: pr is overwritten with the new p_j below
      acc[28 + i] = lp;
    }
    // Moments are accumulated about (y, last slope) so one pass suffices: the offsets are of the
    // order of s, the same as the spreads, so E[d^2] - E[d]^2 does not cancel.
    const slope0 = b.slope[k];
    let total = 0;
    for (let j = 0; j < 4; j++) {
      const lPrior = c[18 + j], vObs = c[4 + j] * s2, wLevel = c[8 + j] * s2, wSlope = c[12 + j] * s2;
      let pj = 0, s0 = 0, s1 = 0, s00 = 0, s01 = 0, s11 = 0, w00 = 0, w11 = 0;
      for (let i = 0; i < 4; i++) {
        const o = 7 * i;
        const e = acc[o];
        const r00 = acc[o + 2] + wLevel;
        const r01 = acc[o + 3] + wSlope;
        const r11 = acc[o + 4] + wSlope;
        const invS = 1 / (r00 + vObs);
        const k0 = r00 * invS, k1 = r01 * invS;
        // weight p_i * prior_j * N(e; 0, S); the common factor (2 pi)^-1/2 cancels
        // A dead regime (p_i = 0) weighs nothing: its stale Gaussian may sit far nearer y than the
        // live ones, where the exponent overflows and 0 * Infinity would poison every sum.
        const wt = acc[o + 6] > 0 ? Math.exp(acc[28 + i] + lPrior - 0.5 * (e * e * invS) - ref) * Math.sqrt(invS) : 0;
        acc[o + 5] += wt;
        const d0 = -e * (1 - k0); // (a0 + k0 e) - y
        const d1 = acc[o + 1] + k1 * e - slope0;
        pj += wt;
        s0 += wt * d0;
        s1 += wt * d1;
        s00 += wt * (r00 - k0 * r00 + d0 * d0);
        s01 += wt * (r01 - k0 * r01 + d0 * d1);
        s11 += wt * (r11 - k1 * r01 + d1 * d1);
        w00 += wt * (r00 - k0 * r00);
        w11 += wt * (r11 - k1 * r01);
      }
      total += pj;
      // collapse the four pairs ending in regime j (moment matching)
      if (pj > 0) {
        const d0 = s0 / pj, d1 = s1 / pj;
        ml[k4 + j] = y + d0;
        ms[k4 + j] = slope0 + d1;
        // A mixture's variance is at least the mean of its components' variances; after a wild
        // observation the offsets dwarf the spreads and E[d^2] - E[d]^2 cancels, so keep that floor
        // (and a correlation below 1) rather than let a variance go negative.
        const v00 = Math.max(s00 / pj - d0 * d0, w00 / pj);
        const v11 = Math.max(s11 / pj - d1 * d1, w11 / pj);
        const lim = 0.999 * Math.sqrt(v00 * v11);
        const c01 = s01 / pj - d0 * d1;
        vl[k4 + j] = v00;
        cv[k4 + j] = c01 > lim ? lim : c01 < -lim ? -lim : c01;
        vs[k4 + j] = v11;
      }
      // else regime j is impossible to double precision: its previous Gaussian stays (finite),
      // so the component can revive at a later update without 0/0; its probability is 0
      pr[k4 + j] = pj;
    }
    const inv = 1 / total;
    for (let j = 0; j < 4; j++) pr[k4 + j] *= inv;
    for (let i = 0; i < 4; i++) lag[k4 + i] = acc[7 * i + 5] * inv;
    b.count[k] = cnt + 1;
    if (b.scaleFixed[k] === 0) {
      // Robust running estimate of s^2 (Huber's proposal 2): the mean of z^2 clipped to
      // [1/c^2, c^2], divided by its expectation kappa under N(0,1). So the one-step errors end up
      // calibrated (mean z^2 = 1) and one report moves s by at most a factor c. Every update
      // counts: weighting by P(normal) was tried and biases s low (it drops exactly the large
      // normal errors). Rate 1/n: the first-report guess initialCv * |y| is replaced by data at
      // once rather than averaged in.
      const rate = Math.max(1 / cnt, m.scaleRate);
      const c2 = m.scaleClip * m.scaleClip;
      const z2 = zNow * zNow;
      const zc = z2 > c2 ? c2 : z2 < 1 / c2 ? 1 / c2 : z2;
      b.scale[k] = s * Math.sqrt(1 - rate + (rate * zc) / c[16]);
    }
  }
  collapseSeries(b, k);
  // status: a change (step or slope) more probable than alertProbability, now or with one
  // observation of hindsight on the last update; crisis if it holds crisisRun updates or the
  // break is extreme
  const pChange = pr[k4 + REGIME.step] + pr[k4 + REGIME.slope];
  const pChangeLag = lag[k4 + REGIME.step] + lag[k4 + REGIME.slope];
  const settled = b.count[k] > m.warmup;
  const alert = settled && (pChange > m.alertProbability || pChangeLag > m.alertProbability);
  const run = alert ? b.alertRun[k] + 1 : 0;
  b.alertRun[k] = run;
  b.status[k] = !alert
    ? STATUS.normal
    : run >= m.crisisRun || Math.abs(zNow) >= m.crisisZ || Math.abs(zPrev) >= m.crisisZ
      ? STATUS.crisis
      : STATUS.alert;
  b.z[k] = zNow;
}

// First observation: level = y, slope 0 with the prior slope variance, every regime alike.
function startSeries(b: HsBatch, k: number, y: number): void {
  const m = b.model;
  let s = b.scale[k];
  if (b.scaleFixed[k] === 0) {
    // a leading zero says nothing about the series' scale: wait for the first non-zero report
    if (y === 0) return;
    s = m.initialCv * Math.abs(y);
    b.scale[k] = s;
  }
  const s2 = s * s;
  const k4 = 4 * k;
  for (let j = 0; j < 4; j++) {
    b.compProb[k4 + j] = b.coef[j];
    b.lagProb[k4 + j] = b.coef[j];
    b.compLevel[k4 + j] = y;
    b.compSlope[k4 + j] = 0;
    b.compVarLevel[k4 + j] = m.regimes[0].obsVar * s2;
    b.compCov[k4 + j] = 0;
    b.compVarSlope[k4 + j] = m.initialSlopeVar * s2;
  }
  b.count[k] = 1;
  b.alertRun[k] = 0;
  b.status[k] = STATUS.normal;
  b.z[k] = NaN;
  collapseSeries(b, k);
}

/**
 * Recomputes series k's collapsed outputs (level .. forecastVar) from its 4 components and scale:
 * the mixture mean and covariance, and the normal-regime one-step forecast. Used after loading a
 * stored state; updateBatch calls it itself.
 * @example collapseSeries(b, k); b.forecast[k]
 */
export function collapseSeries(b: HsBatch, k: number): void {
  const k4 = 4 * k;
  const pr = b.compProb, ml = b.compLevel, ms = b.compSlope;
  let m0 = 0, m1 = 0;
  for (let j = 0; j < 4; j++) {
    m0 += pr[k4 + j] * ml[k4 + j];
    m1 += pr[k4 + j] * ms[k4 + j];
  }
  let p00 = 0, p01 = 0, p11 = 0;
  for (let j = 0; j < 4; j++) {
    const p = pr[k4 + j];
    const d0 = ml[k4 + j] - m0, d1 = ms[k4 + j] - m1;
    p00 += p * (b.compVarLevel[k4 + j] + d0 * d0);
    p01 += p * (b.compCov[k4 + j] + d0 * d1);
    p11 += p * (b.compVarSlope[k4 + j] + d1 * d1);
  }
  b.level[k] = m0;
  b.slope[k] = m1;
  b.varLevel[k] = p00;
  b.covLevelSlope[k] = p01;
  b.varSlope[k] = p11;
  const c = b.coef;
  const s = b.scale[k];
  b.forecast[k] = m0 + m1;
  b.forecastVar[k] = p00 + 2 * p01 + p11 + (c[4] + c[8]) * s * s;
}
