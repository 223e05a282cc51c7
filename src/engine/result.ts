// Result union used by every engine function: expected failures are values, never exceptions.

/** Machine-readable failure codes of the engine. Example: `if (!r.ok && r.error.code === 'not-productive') ...` */
export type EngineErrorCode =
  | 'shape'
  | 'index'
  | 'not-finite'
  | 'negative-coefficient'
  | 'not-productive'
  | 'not-converged'
  | 'singular'
  | 'parse'
  | 'unknown-product'
  | 'duplicate-product';

/** A typed engine failure. Example: `{ code: 'index', message: 'row 7 out of range [0, 5)' }` */
export interface EngineError {
  readonly code: EngineErrorCode;
  readonly message: string;
  /** Product indices involved (e.g. the offending strongly connected set). */
  readonly products?: readonly number[];
  /** 1-based line of an input file, for parse errors. */
  readonly line?: number;
  /** Field (column name) of an input file, for parse errors. */
  readonly field?: string;
}

/** Success or typed failure. Example: `const r: Result<number> = ok(1); if (r.ok) r.value;` */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: EngineError };

/** Wraps a value as success. Example: `return ok(x)` */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failure. Example: `return fail('shape', 'd has length 3, expected 4')` */
export function fail<T = never>(code: EngineErrorCode, message: string, extra: Partial<EngineError> = {}): Result<T> {
  return { ok: false, error: { code, message, ...extra } };
}
