// x_i = ln(consumed_i / sum_p a[i][p] out_p); Z = sum_i w_i (x_i - loc_i) / sqrt(sum_i w_i), w_i = 1/sd_i^2;
// report implausible (output beyond what the inputs explain) when -Z > threshold.
import { normalCdf } from './normal-distribution.js';
import { monitorFail, monitorOk, type MonitorResult } from './result.js';

/**
 * Technology coefficients a[i][p] (input i per unit of product p), dense row-major:
 * coef[i * products + p].
 * @example const tech: Technology = { inputs: 2, products: 1, coef: Float64Array.of(0.12, 95) }; // t coal, kWh per t cement
 */
export interface Technology {
  readonly inputs: number;
  readonly products: number;
  readonly coef: Float64Array;
}

/**
 * Tuning of the plausibility check.
 * @example const o: PlausibilityOptions = { threshold: 3 };
 */
export interface PlausibilityOptions {
  /** Days of history per unit and input that define its normal ratio (ring buffer). */
  readonly window?: number;
  /** Days of history needed before a unit is judged. */
  readonly minHistory?: number;
  /** Flag when the score (in combined standard deviations) exceeds this. */
  readonly threshold?: number;
  /** Floor of a unit's ratio spread, in log units (0.005 = 0.5 %): guards a suspiciously steady unit. */
  readonly minSpread?: number;
}

/**
 * Defaults. threshold 3.0 (one-sided normal tail 0.13 %): estimated baselines and drifting
 * efficiencies fatten the tails, and on the simulation in test/engine/monitoring the measured
 * false-alarm rate is about 0.4 % (2.576, nominally 0.5 %, measured 1.05 %, over budget).
 * window 40 working days (about two months) follows a slowly drifting efficiency while giving
 * each spread about 36 degrees of freedom; minHistory 10 days before a unit is judged.
 * @example DEFAULT_PLAUSIBILITY.threshold // 3
 */
export const DEFAULT_PLAUSIBILITY: Required<PlausibilityOptions> = Object.freeze({ window: 40, minHistory: 10, threshold: 3, minSpread: 0.005 });

/**
 * Per unit and input, the recent log ratios consumed/expected (ring buffers), plus workspace.
 * @example const st = createPlausibilityState(500, tech).value;
 */
export interface PlausibilityState {
  readonly units: number;
  readonly tech: Technology;
  readonly options: Required<PlausibilityOptions>;
  /** history[(unit * inputs + i) * window + slot] */
  readonly history: Float64Array;
  /** values held per unit and input (<= window) */
  readonly filled: Int32Array;
  /** next slot to write per unit and input */
  readonly head: Int32Array;
  readonly work: Float64Array;
  readonly expected: Float64Array;
}

/**
 * One day's report of a unit: its output per product (sparse) and its consumption per input.
 * @example const r: UnitDayReport = { products: [3], outputs: [1200], consumed: Float64Array.of(150, NaN) };
 */
export interface UnitDayReport {
  readonly products: ArrayLike<number>;
  readonly outputs: ArrayLike<number>;
  /** One entry per technology input; NaN = not reported. */
  readonly consumed: ArrayLike<number>;
}

/**
 * Why a report is (or is not) plausible, input by input.
 * @example v.inputs.find((x) => x.input === v.worstInput)?.consumed
 */
export interface InputEvidence {
  readonly input: number;
  /** sum_p a[i][p] * output_p: consumption the technology implies for the reported output. */
  readonly expectedByTechnology: number;
  /** The unit's normal consumed/expected ratio (robust centre of its recent history). */
  readonly normalRatio: number;
  /** expectedByTechnology * normalRatio: what this unit would normally have consumed. */
  readonly expected: number;
  readonly consumed: number;
  /** Standardized log deviation of today's ratio; negative = too little input for the output. */
  readonly z: number;
}

/**
 * Verdict on one report.
 * @example if (v.flag) console.log(v.reason)
 */
export interface PlausibilityVerdict {
  /** Enough history to judge (at least minHistory days on some input used). */
  readonly judged: boolean;
  /** -Z: combined standard deviations by which the output exceeds what the inputs explain. */
  readonly score: number;
  /** One-sided p-value of the score under the unit's normal behaviour. */
  readonly pValue: number;
  readonly flag: boolean;
  /** Share of the reported output the consumed inputs explain at the unit's normal ratios. */
  readonly explainedShare: number;
  /** Input with the lowest z, or -1. */
  readonly worstInput: number;
  readonly inputs: readonly InputEvidence[];
  readonly reason: string;
}

/**
 * Allocates the history of `units` units for a technology.
 * @example createPlausibilityState(500, tech, { threshold: 3 })
 */
export function createPlausibilityState(units: number, tech: Technology, options: PlausibilityOptions = {}): MonitorResult<PlausibilityState> {
  if (!Number.isInteger(units) || units < 0) return monitorFail('shape', `units = ${units} must be an integer >= 0`);
  if (!Number.isInteger(tech.inputs) || tech.inputs < 1 || !Number.isInteger(tech.products) || tech.products < 1)
    return monitorFail('shape', `technology must have >= 1 input and >= 1 product, has ${tech.inputs} x ${tech.products}`);
  if (tech.coef.length !== tech.inputs * tech.products) return monitorFail('shape', `technology coef has ${tech.coef.length} entries, expected ${tech.inputs} x ${tech.products}`);
  for (let t = 0; t < tech.coef.length; t++)
    if (!(tech.coef[t] >= 0) || !Number.isFinite(tech.coef[t])) return monitorFail('not-finite', `technology coef[${t}] = ${tech.coef[t]} must be finite and >= 0`);
  const o = { ...DEFAULT_PLAUSIBILITY, ...options };
  if (!Number.isInteger(o.window) || o.window < 4) return monitorFail('shape', `window = ${o.window} must be an integer >= 4`);
  if (!Number.isInteger(o.minHistory) || o.minHistory < 3 || o.minHistory > o.window) return monitorFail('shape', `minHistory = ${o.minHistory} must be an integer in [3, window]`);
  if (!(o.threshold > 0) || !Number.isFinite(o.threshold)) return monitorFail('shape', `threshold = ${o.threshold} must be finite and > 0`);
  if (!(o.minSpread > 0) || !Number.isFinite(o.minSpread)) return monitorFail('shape', `minSpread = ${o.minSpread} must be finite and > 0`);
  const cells = units * tech.inputs;
  return monitorOk({
    units,
    tech,
    options: Object.freeze(o),
    history: new Float64Array(cells * o.window),
    filled: new Int32Array(cells),
    head: new Int32Array(cells),
    work: new Float64Array(o.window),
    expected: new Float64Array(tech.inputs),
  });
}

/**
 * Judges one unit-day report against the unit's own recent ratios, then (if `learn`) adds the
 * day to its history. Every day is added, flagged or not: median and 3-sigma trimming keep a few
 * padded days from moving the baseline, and a real lasting change of efficiency is then learned
 * within about half a window instead of being flagged forever.
 * @example const v = checkReport(st, 17, { products: [0], outputs: [980], consumed: Float64Array.of(118, 93_000) }).value;
 */
export function checkReport(state: PlausibilityState, unit: number, report: UnitDayReport, learn = true): MonitorResult<PlausibilityVerdict> {
  const bad = checkShape(state, unit, report);
  if (bad) return bad;
  const { tech, options: o } = state;
  const nIn = tech.inputs;
  const { consumed } = report;
  const expected = expectedUse(state, report);

  const evidence: InputEvidence[] = [];
  let sumW = 0, sumWD = 0, worst = -1, worstZ = Infinity, judged = false;
  for (let i = 0; i < nIn; i++) {
    const e = expected[i], c = consumed[i];
    // an input the output does not use, or one not reported, or a zero on either side carries
    // no ratio (ln 0): skip it rather than guess
    if (!(e > 0) || !(c > 0)) continue;
    const x = Math.log(c / e);
    const cell = unit * nIn + i;
    const n = state.filled[cell];
    let loc = NaN, z = NaN;
    if (n >= o.minHistory) {
      const est = robustCentreSpread(state, cell, n);
      loc = est.loc;
      // today's deviation also carries the error of the estimated centre: Var = sd^2 (1 + 1/n)
      const sd = Math.max(est.sd, o.minSpread) * Math.sqrt(1 + 1 / est.used);
      z = (x - loc) / sd;
      const w = 1 / (sd * sd);
      sumW += w;
      sumWD += w * (x - loc);
      judged = true;
      if (z < worstZ) {
        worstZ = z;
        worst = i;
      }
    }
    const normalRatio = Math.exp(loc);
    evidence.push({ input: i, expectedByTechnology: e, normalRatio, expected: e * normalRatio, consumed: c, z });
    if (learn) {
      const h = state.head[cell];
      state.history[cell * o.window + h] = x;
      state.head[cell] = (h + 1) % o.window;
      if (n < o.window) state.filled[cell] = n + 1;
    }
  }
  if (!judged) {
    return monitorOk({ judged: false, score: NaN, pValue: NaN, flag: false, explainedShare: NaN, worstInput: -1, inputs: evidence, reason: 'not judged: fewer than minHistory days of history for every input used' });
  }
  const score = -sumWD / Math.sqrt(sumW);
  const explainedShare = Math.exp(sumWD / sumW); // inverse-variance mean of consumed/normal-expected
  const flag = score > o.threshold;
  const w = evidence.find((v) => v.input === worst);
  const reason =
    flag && w
      ? `output not explained by inputs: the inputs consumed explain about ${(100 * explainedShare).toFixed(0)} % of it; input ${worst} consumed ${fmt(w.consumed)} vs ${fmt(w.expected)} expected at this unit's normal ratio ${w.normalRatio.toFixed(3)} (z = ${w.z.toFixed(1)}); score ${score.toFixed(2)} > ${o.threshold}`
      : `plausible: score ${score.toFixed(2)} <= ${o.threshold}`;
  return monitorOk({ judged: true, score, pValue: 1 - normalCdf(score), flag, explainedShare, worstInput: worst, inputs: evidence, reason });
}

/**
 * Adds one unit-day report to the unit's history without judging it: the state afterwards is
 * exactly the one checkReport(state, unit, report, true) leaves (same validation, same ratios),
 * without the robust estimates and the verdict. For replaying the days before the one to judge.
 * Returns the number of ratios learned; a report checkReport would refuse teaches nothing.
 * @example learnReport(st, 0, { products: [0], outputs: [980], consumed: Float64Array.of(118, 93_000) }) // { ok: true, value: 2 }
 */
export function learnReport(state: PlausibilityState, unit: number, report: UnitDayReport): MonitorResult<number> {
  const ratios = new Float64Array(state.tech.inputs);
  const r = reportRatios(state, unit, report, ratios);
  if (!r.ok) return r;
  learnRatios(state, unit, ratios);
  return r;
}

/**
 * The log ratio ln(consumed / expected) of each input of one report, as checkReport learns it,
 * into `out` from `offset` (one per input; NaN where it learns nothing: input unused or not
 * reported, or a zero). With learnRatios it splits learnReport, so a day's ratios can be
 * computed once and learned into many states. Returns the number of ratios; refuses what
 * checkReport refuses, and an `out` too short.
 * @example reportRatios(st, 0, report, out) // { ok: true, value: 2 }; out = [ln(118 / 112.3), ln(93000 / 94100)]
 */
export function reportRatios(state: PlausibilityState, unit: number, report: UnitDayReport, out: Float64Array, offset = 0): MonitorResult<number> {
  const bad = checkShape(state, unit, report);
  if (bad) return bad;
  const nIn = state.tech.inputs;
  if (!Number.isInteger(offset) || offset < 0 || out.length < offset + nIn) return monitorFail('shape', `out has ${out.length} entries, needs ${nIn} from ${offset}`);
  const consumed = report.consumed;
  const expected = expectedUse(state, report);
  let n = 0;
  for (let i = 0; i < nIn; i++) {
    const e = expected[i], c = consumed[i];
    if (!(e > 0) || !(c > 0)) out[offset + i] = NaN;
    else {
      out[offset + i] = Math.log(c / e);
      n++;
    }
  }
  return monitorOk(n);
}

/**
 * Adds one day's ratios (as reportRatios gives them, from `offset`; NaN = nothing for that input)
 * to the unit's history, oldest out first when the window is full. Unchecked: the unit must be
 * in range and ratios hold an entry per input.
 * @example learnRatios(st, 0, ratios)
 */
export function learnRatios(state: PlausibilityState, unit: number, ratios: ArrayLike<number>, offset = 0): void {
  const nIn = state.tech.inputs;
  const win = state.options.window;
  for (let i = 0; i < nIn; i++) {
    const x = ratios[offset + i];
    if (x !== x) continue;
    const cell = unit * nIn + i;
    const n = state.filled[cell];
    const h = state.head[cell];
    state.history[cell * win + h] = x;
    state.head[cell] = (h + 1) % win;
    if (n < win) state.filled[cell] = n + 1;
  }
}

/**
 * Forgets every unit's history: the state is then as createPlausibilityState made it.
 * @example resetPlausibilityState(st)
 */
export function resetPlausibilityState(state: PlausibilityState): void {
  state.history.fill(0);
  state.filled.fill(0);
  state.head.fill(0);
}

// The checks of a report against the state (null when it is well formed).
function checkShape(state: PlausibilityState, unit: number, report: UnitDayReport): MonitorResult<never> | null {
  const { tech } = state;
  const nIn = tech.inputs;
  if (!Number.isInteger(unit) || unit < 0 || unit >= state.units) return monitorFail('index', `unit ${unit} out of range [0, ${state.units})`);
  const { products, outputs, consumed } = report;
  if (products.length !== outputs.length) return monitorFail('shape', `products has ${products.length} entries, outputs ${outputs.length}`);
  if (consumed.length !== nIn) return monitorFail('shape', `consumed has ${consumed.length} entries, technology has ${nIn} inputs`);
  for (let q = 0; q < products.length; q++) {
    const p = products[q];
    if (p >>> 0 !== p || p >= tech.products) return monitorFail('index', `products[${q}] = ${p} out of range [0, ${tech.products})`);
    if (!(outputs[q] >= 0) || !Number.isFinite(outputs[q])) return monitorFail('not-finite', `outputs[${q}] = ${outputs[q]} must be finite and >= 0`);
  }
  for (let i = 0; i < nIn; i++) {
    const v = consumed[i];
    if (v === v && (!(v >= 0) || !Number.isFinite(v))) return monitorFail('not-finite', `consumed[${i}] = ${v} must be finite and >= 0, or NaN when not reported`);
  }
  return null;
}

// sum_p a[i][p] * output_p per input, into the state's workspace.
function expectedUse(state: PlausibilityState, report: UnitDayReport): Float64Array {
  const { tech } = state;
  const nIn = tech.inputs;
  const { products, outputs } = report;
  const expected = state.expected;
  expected.fill(0);
  for (let q = 0; q < products.length; q++) {
    const p = products[q], out = outputs[q];
    for (let i = 0; i < nIn; i++) expected[i] += tech.coef[i * tech.products + p] * out;
  }
  return expected;
}

// Robust centre and spread of one cell's history: median and 1.4826 MAD, then the mean and sd
// of the values within 3 of those sds (a one-step trimmed estimate: robust like the median,
// nearly as efficient as mean and sd, so fewer false alarms from a noisy baseline).
function robustCentreSpread(state: PlausibilityState, cell: number, n: number): { loc: number; sd: number; used: number } {
  const win = state.options.window;
  const w = state.work.subarray(0, n);
  w.set(state.history.subarray(cell * win, cell * win + n));
  w.sort();
  const med = median(w);
  for (let t = 0; t < n; t++) w[t] = Math.abs(w[t] - med);
  w.sort();
  const sd0 = Math.max(1.4826 * median(w), state.options.minSpread);
  const h = state.history;
  let s1 = 0, used = 0;
  for (let t = 0; t < n; t++) {
    const v = h[cell * win + t];
    if (Math.abs(v - med) <= 3 * sd0) {
      s1 += v;
      used++;
    }
  }
  const loc = s1 / used;
  let s2 = 0;
  for (let t = 0; t < n; t++) {
    const v = h[cell * win + t];
    if (Math.abs(v - med) <= 3 * sd0) s2 += (v - loc) * (v - loc);
  }
  // 0.97334 = variance of a standard normal truncated at +-3: undo the trimming's shrinkage
  const sd = used > 1 ? Math.sqrt(s2 / (used - 1) / 0.97334) : sd0;
  return { loc, sd, used };
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  const m = n >> 1;
  return n % 2 === 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(4);
}
