// A filter state (HsFilterState) as 35 big-endian doubles, 280 bytes: what series_filter stores.
// Binary because the monitoring worker writes one state per series per pass: parsing and building
// jsonb for each cost PostgreSQL several times what a bytea does. Big-endian as float8send writes
// a double, so SQL can build the same bytes (the migration from jsonb does).
import { STATUS_NAMES, type StatusName } from './hs-model.js';
import type { HsFilterState } from './hs-filter.js';

/**
 * Bytes of one packed state. The layout, one double each, in order: version, count, scale,
 * scaleFixed (0/1), alertRun, status (index in STATUS_NAMES), z (NaN for null),
 * components[j][0..5] for j = 0..3, then previousProbabilities[0..3].
 */
export const HS_STATE_BYTES = 280;

/**
 * Writes a state at `offset` of `out` (HS_STATE_BYTES bytes).
 * @example const bytes = new Uint8Array(HS_STATE_BYTES); packHsState(saveSeries(b, 0), bytes, 0);
 */
export function packHsState(s: HsFilterState, out: Uint8Array, offset: number): void {
  const v = new DataView(out.buffer, out.byteOffset + offset, HS_STATE_BYTES);
  let at = 0;
  const put = (x: number) => {
    v.setFloat64(at, x, false);
    at += 8;
  };
  put(s.version);
  put(s.count);
  put(s.scale);
  put(s.scaleFixed ? 1 : 0);
  put(s.alertRun);
  put(STATUS_NAMES.indexOf(s.status));
  put(s.z ?? NaN);
  for (let j = 0; j < 4; j++) for (let i = 0; i < 6; i++) put(s.components[j][i]);
  for (let j = 0; j < 4; j++) put(s.previousProbabilities[j]);
}

/**
 * States packed one after another (n x HS_STATE_BYTES bytes).
 * @example packHsStates([saveSeries(b, 0), saveSeries(b, 1)]).length // 560
 */
export function packHsStates(states: readonly HsFilterState[]): Uint8Array {
  const out = new Uint8Array(states.length * HS_STATE_BYTES);
  for (let i = 0; i < states.length; i++) packHsState(states[i], out, i * HS_STATE_BYTES);
  return out;
}

/**
 * The state packed in `bytes`, for loadSeries to check; null when the bytes are not one packed
 * state (wrong length or an unknown status). Values are not checked here: loadSeries does.
 * @example const state = unpackHsState(row.state); if (state) loadSeries(b, k, state);
 */
export function unpackHsState(bytes: Uint8Array): HsFilterState | null {
  if (bytes.byteLength !== HS_STATE_BYTES) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, HS_STATE_BYTES);
  let at = 0;
  const get = () => {
    const x = v.getFloat64(at, false);
    at += 8;
    return x;
  };
  const version = get();
  const count = get();
  const scale = get();
  const scaleFixed = get();
  const alertRun = get();
  const status = STATUS_NAMES[get()] as StatusName | undefined;
  const z = get();
  if (status === undefined || (scaleFixed !== 0 && scaleFixed !== 1)) return null;
  const components: number[][] = [];
  for (let j = 0; j < 4; j++) components.push([get(), get(), get(), get(), get(), get()]);
  const previousProbabilities = [get(), get(), get(), get()];
  return { version: version as 1, count, scale, scaleFixed: scaleFixed === 1, alertRun, status, z: Number.isNaN(z) ? null : z, components, previousProbabilities };
}
