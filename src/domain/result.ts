// Result: how domain functions that check outside input report expected failures.
import { DomainError } from './errors.js';

/**
 * Success of a checked operation.
 * @example const r: Ok<number> = { ok: true, value: 1 };
 */
export type Ok<T> = { readonly ok: true; readonly value: T };

/**
 * Failure of a checked operation, holding the DomainError that says why.
 * @example const r: Err = { ok: false, error: new DomainError('NORMA_ERR_PERIOD_SYNTAX', 'bad') };
 */
export type Err<E = DomainError> = { readonly ok: false; readonly error: E };

/**
 * Outcome of a function that checks outside input: never thrown, always returned.
 * @example const r: Result<string> = ok('2026');
 */
export type Result<T, E = DomainError> = Ok<T> | Err<E>;

/**
 * Wrap a value as a frozen success.
 * @example ok(3) // { ok: true, value: 3 }
 */
export function ok<T>(value: T): Ok<T> {
  return Object.freeze({ ok: true as const, value });
}

/**
 * Wrap an error as a frozen failure.
 * @example err(new DomainError('NORMA_ERR_DATE_INVALID', 'date "2026-02-30" is not a real date'))
 */
export function err<E = DomainError>(error: E): Err<E> {
  return Object.freeze({ ok: false as const, error });
}

/**
 * The value of a success, or throw the failure's error (for callers that treat failure as a bug).
 * @example unwrap(parsePeriod('2026')).kind // 'year'
 */
export function unwrap<T>(r: Result<T, DomainError>): T {
  if (r.ok) return r.value;
  throw r.error;
}
