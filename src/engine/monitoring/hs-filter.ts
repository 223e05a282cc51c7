// One series: (m_j, P_j, p_j)_t = GPB2((m_j, P_j, p_j)_{t-1}, y_t) as a batch of one, and its state as plain JSON.
import { collapseSeries, createHsBatch, setSeriesScale, stepSeries, type HsBatch } from './hs-batch.js';
import { DEFAULT_HS_MODEL, REGIME, STATUS_NAMES, type HsModel, type StatusName } from './hs-model.js';
import { monitorFail, monitorOk, type MonitorResult } from './result.js';

/**
 * One series' filter (a batch of one, so scalar and batched results agree bit for bit).
 * @example const f = createHsFilter({ scale: 12 }).value; updateHsFilter(f, 500);
 */
export interface HsFilter {
  readonly batch: HsBatch;
}

/**
 * Regime probabilities, by regime name.
 * @example p.step + p.slope // probability of a structural change
 */
export interface RegimeProbabilities {
  readonly normal: number;
  readonly step: number;
  readonly slope: number;
  readonly outlier: number;
}

/**
 * What one update says about a series.
 * @example const u = updateHsFilter(f, 480).value; if (u.status !== 'normal') warn(u);
 */
export interface HsUpdate {
  /** Filtered level and slope (per update) with their posterior (co)variances. */
  readonly level: number;
  readonly slope: number;
  readonly varLevel: number;
  readonly covLevelSlope: number;
  readonly varSlope: number;
  /** P(regime of this update | data to now). */
  readonly probabilities: RegimeProbabilities;
  /** P(regime of the previous update | data to now): the hindsight that tells a step from an outlier. */
  readonly previousProbabilities: RegimeProbabilities;
  /** One-step forecast of the next observation and its variance (normal regime). */
  readonly forecast: number;
  readonly forecastVar: number;
  /** Standardized error of this observation against the previous forecast; NaN if missing or first. */
  readonly z: number;
  readonly status: StatusName;
  /** Consecutive updates in alert or crisis. */
  readonly alertRun: number;
  /** True when the previous report is more likely an outlier than anything else. */
  readonly previousIsOutlier: boolean;
  readonly scale: number;
  /** Observations absorbed so far. */
  readonly count: number;
}

/**
 * Plain JSON-able filter state (NaN stored as null), what the service keeps in the database.
 * @example JSON.stringify(serializeHsFilter(f))
 */
export interface HsFilterState {
  readonly version: 1;
  readonly count: number;
  readonly scale: number;
  readonly scaleFixed: boolean;
  readonly alertRun: number;
  readonly status: StatusName;
  readonly z: number | null;
  /** Per regime j (REGIME order): [prob, level, slope, varLevel, covLevelSlope, varSlope]. */
  readonly components: readonly (readonly number[])[];
  readonly previousProbabilities: readonly number[];
}

/**
 * A new filter for one series; give `scale` (same unit as the data) to fix it, else it is learned.
 * @example createHsFilter({ scale: 40 }) // MWh series with ~40 MWh daily scatter
 */
export function createHsFilter(options: { model?: HsModel; scale?: number } = {}): MonitorResult<HsFilter> {
  const r = createHsBatch(1, options.model ?? DEFAULT_HS_MODEL);
  if (!r.ok) return r;
  if (options.scale !== undefined) {
    const s = setSeriesScale(r.value, 0, options.scale);
    if (!s.ok) return s;
  }
  return monitorOk({ batch: r.value });
}

/**
 * Absorbs one observation (NaN = no report: predict only) and returns the new estimates.
 * @example updateHsFilter(f, NaN).value.status // 'normal' (a missing day is no evidence)
 */
export function updateHsFilter(f: HsFilter, y: number): MonitorResult<HsUpdate> {
  if (y === Infinity || y === -Infinity || typeof y !== 'number') return monitorFail('not-finite', `observation ${y}; use NaN for a missing report`);
  stepSeries(f.batch, 0, y);
  return monitorOk(readSeries(f.batch, 0));
}

/**
 * The outputs of series k's last update as a plain object.
 * @example readSeries(batch, 42).probabilities.step
 */
export function readSeries(b: HsBatch, k: number): HsUpdate {
  const k4 = 4 * k;
  const probs = (a: Float64Array): RegimeProbabilities => ({ normal: a[k4], step: a[k4 + 1], slope: a[k4 + 2], outlier: a[k4 + 3] });
  const lag = b.lagProb;
  const lagOut = lag[k4 + REGIME.outlier];
  return {
    level: b.level[k],
    slope: b.slope[k],
    varLevel: b.varLevel[k],
    covLevelSlope: b.covLevelSlope[k],
    varSlope: b.varSlope[k],
    probabilities: probs(b.compProb),
    previousProbabilities: probs(lag),
    forecast: b.forecast[k],
    forecastVar: b.forecastVar[k],
    z: b.z[k],
    status: STATUS_NAMES[b.status[k]],
    alertRun: b.alertRun[k],
    previousIsOutlier: b.count[k] > 1 && lagOut > lag[k4] && lagOut > lag[k4 + 1] && lagOut > lag[k4 + 2],
    scale: b.scale[k],
    count: b.count[k],
  };
}

/**
 * Plain-object state of series k of a batch (JSON round trip is exact: doubles print shortest-exact).
 * @example await db.put(unitId, JSON.stringify(saveSeries(batch, k)))
 */
export function saveSeries(b: HsBatch, k: number): HsFilterState {
  const k4 = 4 * k;
  const components: number[][] = [];
  for (let j = 0; j < 4; j++)
    components.push([b.compProb[k4 + j], b.compLevel[k4 + j], b.compSlope[k4 + j], b.compVarLevel[k4 + j], b.compCov[k4 + j], b.compVarSlope[k4 + j]]);
  const z = b.z[k];
  return {
    version: 1,
    count: b.count[k],
    scale: b.scale[k],
    scaleFixed: b.scaleFixed[k] === 1,
    alertRun: b.alertRun[k],
    status: STATUS_NAMES[b.status[k]],
    z: Number.isNaN(z) ? null : z,
    components,
    previousProbabilities: [b.lagProb[k4], b.lagProb[k4 + 1], b.lagProb[k4 + 2], b.lagProb[k4 + 3]],
  };
}

/**
 * Checks a stored state and writes it into series k of a batch (outputs recomputed from it).
 * @example loadSeries(batch, k, JSON.parse(row.state))
 */
export function loadSeries(b: HsBatch, k: number, state: unknown): MonitorResult<number> {
  if (!Number.isInteger(k) || k < 0 || k >= b.size) return monitorFail('index', `series ${k} out of range [0, ${b.size})`);
  const bad = (what: string) => monitorFail<number>('state', `filter state: ${what}`);
  if (typeof state !== 'object' || state === null) return bad('not an object');
  const st = state as Record<string, unknown>;
  if (st.version !== 1) return bad(`version ${String(st.version)} is not 1`);
  const num = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min;
  if (!num(st.count, 0) || !Number.isInteger(st.count)) return bad('count must be an integer >= 0');
  if (!num(st.scale, 0)) return bad('scale must be finite and >= 0');
  if (typeof st.scaleFixed !== 'boolean') return bad('scaleFixed must be a boolean');
  if (st.count > 0 && !(st.scale > 0)) return bad('a started series needs scale > 0');
  if (!num(st.alertRun, 0) || !Number.isInteger(st.alertRun)) return bad('alertRun must be an integer >= 0');
  const status = STATUS_NAMES.indexOf(st.status as StatusName);
  if (status < 0) return bad(`status ${String(st.status)} is not one of ${STATUS_NAMES.join(', ')}`);
  if (!(st.z === null || num(st.z, -Infinity))) return bad('z must be a finite number or null');
  const comps = st.components;
  if (!Array.isArray(comps) || comps.length !== 4) return bad('components must hold 4 rows');
  for (let j = 0; j < 4; j++) {
    const row = comps[j] as unknown;
    if (!Array.isArray(row) || row.length !== 6) return bad(`components[${j}] must hold 6 numbers`);
    if (!num(row[0], 0) || row[0] > 1) return bad(`components[${j}] probability must be in [0, 1]`);
    if (!num(row[1], -Infinity) || !num(row[2], -Infinity) || !num(row[4], -Infinity)) return bad(`components[${j}] level, slope, cov must be finite`);
    if (!num(row[3], 0) || !num(row[5], 0)) return bad(`components[${j}] variances must be finite and >= 0`);
  }
  if (st.count > 0) {
    const sum = (comps as number[][]).reduce((acc, row) => acc + row[0], 0);
    if (Math.abs(sum - 1) > 1e-9) return bad(`component probabilities sum to ${sum}, not 1`);
  }
  const lag = st.previousProbabilities;
  if (!Array.isArray(lag) || lag.length !== 4 || !lag.every((v) => num(v, 0) && v <= 1)) return bad('previousProbabilities must be 4 numbers in [0, 1]');
  const k4 = 4 * k;
  for (let j = 0; j < 4; j++) {
    const row = comps[j] as number[];
    b.compProb[k4 + j] = row[0];
    b.compLevel[k4 + j] = row[1];
    b.compSlope[k4 + j] = row[2];
    b.compVarLevel[k4 + j] = row[3];
    b.compCov[k4 + j] = row[4];
    b.compVarSlope[k4 + j] = row[5];
    b.lagProb[k4 + j] = lag[j] as number;
  }
  b.count[k] = st.count;
  b.scale[k] = st.scale;
  b.scaleFixed[k] = st.scaleFixed ? 1 : 0;
  b.alertRun[k] = st.alertRun;
  b.status[k] = status;
  b.z[k] = st.z === null ? NaN : (st.z as number);
  if (st.count > 0) collapseSeries(b, k);
  else b.level[k] = b.slope[k] = b.varLevel[k] = b.covLevelSlope[k] = b.varSlope[k] = b.forecast[k] = b.forecastVar[k] = 0;
  return monitorOk(k);
}

/**
 * The scalar filter's state as a plain JSON-able object.
 * @example const saved = JSON.stringify(serializeHsFilter(f));
 */
export function serializeHsFilter(f: HsFilter): HsFilterState {
  return saveSeries(f.batch, 0);
}

/**
 * A filter rebuilt from a stored state; continuing it gives exactly what the original would.
 * @example const f2 = deserializeHsFilter(JSON.parse(saved)); if (f2.ok) updateHsFilter(f2.value, y);
 */
export function deserializeHsFilter(state: unknown, model: HsModel = DEFAULT_HS_MODEL): MonitorResult<HsFilter> {
  const r = createHsBatch(1, model);
  if (!r.ok) return r;
  const l = loadSeries(r.value, 0, state);
  if (!l.ok) return l;
  return monitorOk({ batch: r.value });
}
