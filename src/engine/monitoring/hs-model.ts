// Harrison-Stevens four-regime local linear trend: y_t = mu_t + e_t, mu_t = mu_{t-1} + beta_t + g_t,
// beta_t = beta_{t-1} + d_t; regime j in {normal, step, slope, outlier} sets Var(e, g, d) = s^2 (V_j, G_j, D_j).
import { monitorFail, monitorOk, type MonitorResult } from './result.js';

/**
 * Index of each regime in every per-regime array (priors, probabilities, components).
 * @example probs[REGIME.step] // posterior probability of a step change
 */
export const REGIME = Object.freeze({ normal: 0, step: 1, slope: 2, outlier: 3 } as const);

/**
 * Regime names in index order.
 * @example REGIME_NAMES[3] // 'outlier'
 */
export const REGIME_NAMES = Object.freeze(['normal', 'step', 'slope', 'outlier'] as const);

/**
 * Name of a regime.
 * @example const r: RegimeName = 'step';
 */
export type RegimeName = (typeof REGIME_NAMES)[number];

/**
 * One regime of the model: its prior probability on any update and its three noise variances,
 * in units of the series' squared scale s^2 (so one model fits tonnes and MWh alike).
 * @example const outlier: HsRegime = { prior: 0.04, obsVar: 100, levelVar: 0.01, slopeVar: 1e-4 };
 */
export interface HsRegime {
  /** Prior probability that an update is in this regime (regimes switch independently each update). */
  readonly prior: number;
  /** Var(e_t) / s^2: observation noise. */
  readonly obsVar: number;
  /** Var(g_t) / s^2: level disturbance. */
  readonly levelVar: number;
  /** Var(d_t) / s^2: slope disturbance (it also moves the level, as beta_t enters mu_t). */
  readonly slopeVar: number;
}

/**
 * Alert status of a series after an update: 0 normal, 1 alert, 2 crisis (see HsModel thresholds).
 * @example STATUS_NAMES[batch.status[k]] // 'alert'
 */
export const STATUS = Object.freeze({ normal: 0, alert: 1, crisis: 2 } as const);

/**
 * Status names in code order.
 * @example STATUS_NAMES[2] // 'crisis'
 */
export const STATUS_NAMES = Object.freeze(['normal', 'alert', 'crisis'] as const);

/**
 * Name of a status.
 * @example const s: StatusName = 'alert';
 */
export type StatusName = (typeof STATUS_NAMES)[number];

/**
 * The full model: four regimes (normal, step, slope, outlier, in REGIME order), the start-up
 * prior and the status thresholds. Build it with makeHsModel, which checks it.
 * @example const m = makeHsModel({ crisisRun: 4 }); if (m.ok) createHsBatch(1000, m.value);
 */
export interface HsModel {
  readonly regimes: readonly [HsRegime, HsRegime, HsRegime, HsRegime];
  /** Var(beta_1) / s^2 at the first observation: how fast a new series may already be trending. */
  readonly initialSlopeVar: number;
  /** Without a given scale, s = initialCv * |first non-zero observation|, then learned. */
  readonly initialCv: number;
  /** Observations before a status other than normal may be raised (the filter is still settling). */
  readonly warmup: number;
  /** Alert when P(step or slope change) exceeds this, for the current or the previous update. */
  readonly alertProbability: number;
  /** Crisis when the alert has held for this many consecutive updates. */
  readonly crisisRun: number;
  /** Crisis at once when an alerted break has |standardized one-step error| at least this. */
  readonly crisisZ: number;
  /** Floor of the scale-learning rate (1/n before that): about a 1/rate-update memory. */
  readonly scaleRate: number;
  /** When learning the scale, |z| is clipped to [1/scaleClip, scaleClip]: one report moves s by at most this factor. */
  readonly scaleClip: number;
}

/**
 * Default model (chosen here; the rates below are measured by test/engine/monitoring/hs-filter.test.ts
 * on series with known noise sd s).
 * Priors 0.90 normal, 0.03 step, 0.03 slope, 0.04 outlier: single bad reports (typing slips,
 * late corrections) are taken to be a little more common than real breaks.
 * Variances in s^2 (obs, level, slope):
 * - normal (1, 0.01, 1e-4): the level wanders about 0.1 s a day, the slope 0.01 s/day a day;
 * - step (1, 100, 0.05): level sd 10 s, so breaks of 3-30 s stand out; the slope is freed too
 *   (sd 0.22 s/day), because a break in level often comes with a new trend and otherwise the
 *   filter takes a ramp as a run of steps and never learns its slope;
 * - slope (1, 0.01, 0.02): slope sd 0.14 s/day;
 * - outlier (100, 0.01, 1e-4): report sd 10 s.
 * Why the slope regime is narrow: it is mixed in at every update, so a wide one (0.25 .. 4 was
 * tried) lets the filter bend to any ramp without ever alarming (ramps of 1 s/day flagged 6-17 %
 * of the time within 10 updates). With these values a 2 s/day ramp alerts within 5 updates in
 * 94 % of series (mostly through the step regime: one observation of hindsight cannot tell a
 * young ramp from a step) and its slope is learned.
 * Thresholds: alert when P(step or slope) > 0.5 (a change more likely than not) now or for the
 * previous update with one observation of hindsight; crisis when the alert holds 3 updates or the
 * break measures >= 6 normal-regime sd (a normal day is that far off with probability 2e-9).
 * @example DEFAULT_HS_MODEL.regimes[REGIME.step].levelVar // 100
 */
export const DEFAULT_HS_MODEL: HsModel = deepFreeze({
  regimes: [
    { prior: 0.9, obsVar: 1, levelVar: 0.01, slopeVar: 1e-4 },
    { prior: 0.03, obsVar: 1, levelVar: 100, slopeVar: 0.05 },
    { prior: 0.03, obsVar: 1, levelVar: 0.01, slopeVar: 0.02 },
    { prior: 0.04, obsVar: 100, levelVar: 0.01, slopeVar: 1e-4 },
  ],
  initialSlopeVar: 0.01,
  initialCv: 0.05,
  warmup: 5,
  alertProbability: 0.5,
  crisisRun: 3,
  crisisZ: 6,
  scaleRate: 0.02,
  scaleClip: 3,
} as HsModel);

/**
 * Overrides of the default model; regimes, when given, replace all four.
 * @example const o: HsModelOptions = { warmup: 8 };
 */
export type HsModelOptions = Partial<HsModel>;

/**
 * Checks a model (priors positive and summing to 1, variances positive, normal regime the
 * quietest, thresholds in range) and returns it frozen.
 * @example makeHsModel({ alertProbability: 0.6 }).ok // true
 */
export function makeHsModel(options: HsModelOptions = {}): MonitorResult<HsModel> {
  const m: HsModel = { ...DEFAULT_HS_MODEL, ...options };
  if (!Array.isArray(m.regimes) || m.regimes.length !== 4) return monitorFail('model', 'regimes must list exactly four regimes (normal, step, slope, outlier)');
  let sum = 0;
  for (let j = 0; j < 4; j++) {
    const r = m.regimes[j];
    const name = REGIME_NAMES[j];
    for (const key of ['prior', 'obsVar', 'levelVar', 'slopeVar'] as const) {
      const v = r?.[key];
      // every regime needs some noise of each kind, else a Kalman gain or covariance degenerates
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return monitorFail('model', `regimes[${j}] (${name}).${key} = ${String(v)} must be a finite number > 0`);
    }
    sum += r.prior;
  }
  if (Math.abs(sum - 1) > 1e-9) return monitorFail('model', `regime priors sum to ${sum}, must sum to 1`);
  const n = m.regimes[0];
  for (let j = 1; j < 4; j++) {
    const r = m.regimes[j];
    // the status logic reads "not normal" as "more noise than normal"; a quieter regime would invert it
    if (r.obsVar < n.obsVar || r.levelVar < n.levelVar || r.slopeVar < n.slopeVar)
      return monitorFail('model', `regimes[${j}] (${REGIME_NAMES[j]}) has a variance below the normal regime's`);
  }
  const checks: [keyof HsModel, number, number][] = [
    ['initialSlopeVar', 0, Infinity],
    ['initialCv', 0, Infinity],
    ['scaleRate', 0, 1],
    ['scaleClip', 1, Infinity],
    ['crisisZ', 0, Infinity],
  ];
  for (const [key, lo, hi] of checks) {
    const v = m[key] as unknown;
    if (typeof v !== 'number' || !(v > lo && v < hi) || !Number.isFinite(v)) return monitorFail('model', `${key} = ${String(v)} must be in (${lo}, ${hi})`);
  }
  if (!(m.alertProbability > 0 && m.alertProbability < 1)) return monitorFail('model', `alertProbability = ${m.alertProbability} must be in (0, 1)`);
  if (!Number.isInteger(m.warmup) || m.warmup < 1) return monitorFail('model', `warmup = ${m.warmup} must be an integer >= 1`);
  if (!Number.isInteger(m.crisisRun) || m.crisisRun < 1) return monitorFail('model', `crisisRun = ${m.crisisRun} must be an integer >= 1`);
  return monitorOk(deepFreeze({ ...m, regimes: m.regimes.map((r) => ({ ...r })) as unknown as HsModel['regimes'] }));
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
