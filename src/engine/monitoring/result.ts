// Result union of the monitoring kernels: expected failures are values, never exceptions.
// Same shape as src/engine/result.ts (ok/value | ok/error{code,message}) so callers treat both
// alike; kept local because monitoring imports nothing outside its own folder.

/**
 * Machine-readable failure codes of the monitoring kernels.
 * @example if (!r.ok && r.error.code === 'index') console.log(r.error.message)
 */
export type MonitorErrorCode = 'shape' | 'index' | 'not-finite' | 'model' | 'state';

/**
 * A typed monitoring failure; `message` names the bad argument and position.
 * @example const e: MonitorError = { code: 'index', message: 'indices[3] = 9 out of range [0, 4)' };
 */
export interface MonitorError {
  readonly code: MonitorErrorCode;
  readonly message: string;
}

/**
 * Success or typed failure.
 * @example const r: MonitorResult<number> = monitorOk(1); if (r.ok) r.value;
 */
export type MonitorResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: MonitorError };

/**
 * Wraps a value as success.
 * @example return monitorOk(forecast)
 */
export function monitorOk<T>(value: T): MonitorResult<T> {
  return { ok: true, value };
}

/**
 * Builds a failure.
 * @example return monitorFail('shape', 'values has length 3, indices has length 4')
 */
export function monitorFail<T = never>(code: MonitorErrorCode, message: string): MonitorResult<T> {
  return { ok: false, error: { code, message } };
}
