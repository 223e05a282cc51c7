// Stored quantities: exact non-negative decimals (PostgreSQL numeric(24,6)), checked once where
// they enter and kept as canonical decimal strings. Exact arithmetic uses BigInt micro-units;
// the engine converts to doubles for solving.
import { DomainError, describeInput } from './errors.js';
import { type Err, type Ok, err, ok } from './result.js';

declare const quantityBrand: unique symbol;

/**
 * A checked, canonical decimal string: no sign, no exponent, no leading zeros in the integer part
 * (except '0'), no trailing zeros after the point, at most 18 integer digits and 6 decimals.
 * Only parseQuantity (and the arithmetic here) make one.
 * @example const q: Quantity = unwrap(parseQuantity('12.50')); // '12.5'
 */
export type Quantity = string & { readonly [quantityBrand]: true };

/**
 * Most digits after the decimal point.
 * @example QUANTITY_MAX_DECIMALS // 6
 */
export const QUANTITY_MAX_DECIMALS = 6;

/**
 * Most digits before the decimal point.
 * @example QUANTITY_MAX_INTEGER_DIGITS // 18
 */
export const QUANTITY_MAX_INTEGER_DIGITS = 18;

/**
 * Why an input is not a quantity.
 * @example const r: QuantityFailureReason = 'too many decimal places';
 */
export type QuantityFailureReason =
  | 'empty'
  | 'not a number'
  | 'not finite'
  | 'negative'
  | 'imprecise number'
  | 'too many decimal places'
  | 'too many integer digits';

/**
 * The DomainError (code NORMA_ERR_QUANTITY_INVALID) parseQuantity fails with, with a typed reason.
 * @example new QuantityError('negative', '-5')
 */
export class QuantityError extends DomainError {
  readonly reason: QuantityFailureReason;

  constructor(reason: QuantityFailureReason, input: unknown, hint = '') {
    super('NORMA_ERR_QUANTITY_INVALID', `quantity ${describeInput(input)} is invalid: ${reason}${hint ? ` (${hint})` : ''}`, {
      input,
      reason,
    });
    this.name = 'QuantityError';
    this.reason = reason;
  }
}

/**
 * What parseQuantity returns.
 * @example const r: QuantityResult = parseQuantity('3');
 */
export type QuantityResult = Ok<Quantity> | Err<QuantityError>;

const DECIMAL_RE = /^(\d+)(?:\.(\d+))?$/;
const SCALE = 10n ** BigInt(QUANTITY_MAX_DECIMALS);
const MAX_MICROS = 10n ** BigInt(QUANTITY_MAX_INTEGER_DIGITS + QUANTITY_MAX_DECIMALS) - 1n;

// Expand a JavaScript number's shortest decimal form (possibly '1.5e-7' or '1e+21') to plain digits.
function plainDigits(n: number): string {
  const s = String(n);
  const m = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const digits = m[1] + (m[2] ?? '');
  const point = m[1].length + Number(m[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

function canonical(input: unknown, intPart: string, fracPart: string): QuantityResult {
  const i = intPart.replace(/^0+(?=\d)/, '');
  const f = fracPart.replace(/0+$/, '');
  if (i.length > QUANTITY_MAX_INTEGER_DIGITS) {
    return err(new QuantityError('too many integer digits', input, `at most ${QUANTITY_MAX_INTEGER_DIGITS}`));
  }
  if (f.length > QUANTITY_MAX_DECIMALS) {
    return err(new QuantityError('too many decimal places', input, `at most ${QUANTITY_MAX_DECIMALS}`));
  }
  return ok((f === '' ? i : `${i}.${f}`) as Quantity);
}

/**
 * Check a quantity from outside: a finite non-negative number, a non-negative bigint, or a plain
 * decimal string ('12', '12.5'; surrounding spaces allowed; no sign, exponent, or separators).
 * Returns the canonical decimal string ('007.50' -> '7.5', '-0' -> '0'). Trailing zeros after
 * the point do not count as decimal places. Failure: QuantityError with `reason`.
 * @example parseQuantity('1.1234567') // { ok: false, error: QuantityError { reason: 'too many decimal places' } }
 */
export function parseQuantity(input: unknown): QuantityResult {
  if (typeof input === 'number') {
    if (Number.isNaN(input)) return err(new QuantityError('not a number', input));
    if (!Number.isFinite(input)) return err(new QuantityError('not finite', input));
    if (input < 0) return err(new QuantityError('negative', input));
    if (input > Number.MAX_SAFE_INTEGER) {
      return err(new QuantityError('imprecise number', input, 'numbers above 2^53 are not exact; pass a decimal string'));
    }
    const [i, f = ''] = plainDigits(Math.abs(input)).split('.');
    return canonical(input, i, f);
  }
  if (typeof input === 'bigint') {
    if (input < 0n) return err(new QuantityError('negative', input));
    return canonical(input, input.toString(), '');
  }
  if (typeof input !== 'string') return err(new QuantityError('not a number', input));
  const s = input.trim();
  if (s === '') return err(new QuantityError('empty', input));
  const m = DECIMAL_RE.exec(s);
  if (m) return canonical(input, m[1], m[2] ?? '');
  const neg = /^-(\d+)(?:\.(\d+))?$/.exec(s);
  if (neg) {
    if (/^0*$/.test(neg[1]) && /^0*$/.test(neg[2] ?? '')) return ok('0' as Quantity);
    return err(new QuantityError('negative', input));
  }
  if (/^[+-]?(infinity|inf|nan)$/i.test(s)) return err(new QuantityError('not finite', input));
  const hint = /^\d+,\d+$/.test(s)
    ? 'use "." as the decimal point and no thousands separators'
    : /e/i.test(s)
      ? 'write plain decimals, not exponent notation'
      : 'expected a plain decimal such as 1250.5';
  return err(new QuantityError('not a number', input, hint));
}

/**
 * True when `v` is already a canonical quantity string.
 * @example isQuantity('7.5') // true; isQuantity('7.50') // false
 */
export function isQuantity(v: unknown): v is Quantity {
  if (typeof v !== 'string') return false;
  const r = parseQuantity(v);
  return r.ok && r.value === v;
}

function toMicros(q: Quantity): bigint {
  const [i, f = ''] = q.split('.');
  return BigInt(i) * SCALE + BigInt(f.padEnd(QUANTITY_MAX_DECIMALS, '0'));
}

function fromMicros(m: bigint, what: string): Quantity {
  if (m > MAX_MICROS) {
    throw new DomainError('NORMA_ERR_QUANTITY_OVERFLOW', `${what} exceeds ${QUANTITY_MAX_INTEGER_DIGITS} integer digits`, {
      field: what,
    });
  }
  const i = (m / SCALE).toString();
  const f = (m % SCALE).toString().padStart(QUANTITY_MAX_DECIMALS, '0').replace(/0+$/, '');
  return (f === '' ? i : `${i}.${f}`) as Quantity;
}

/**
 * Exact sum of two quantities. Throws NORMA_ERR_QUANTITY_OVERFLOW past 18 integer digits.
 * @example addQuantities(q('0.1'), q('0.2')) // '0.3'
 */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return fromMicros(toMicros(a) + toMicros(b), 'sum of quantities');
}

/**
 * Exact sum of many quantities ('0' for none). Throws NORMA_ERR_QUANTITY_OVERFLOW past 18 integer digits.
 * @example sumQuantities([q('1.5'), q('2.25')]) // '3.75'
 */
export function sumQuantities(qs: readonly Quantity[]): Quantity {
  let total = 0n;
  for (const x of qs) total += toMicros(x);
  return fromMicros(total, 'sum of quantities');
}

/**
 * Exact comparison: negative, 0 or positive as a <, =, > b.
 * @example compareQuantities(q('10'), q('9.999999')) // 1
 */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const x = toMicros(a);
  const y = toMicros(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The nearest double to a quantity, for the engine and for display.
 * @example quantityToNumber(q('12.5')) // 12.5
 */
export function quantityToNumber(q: Quantity): number {
  return Number(q);
}

function asNumber(v: Quantity | number, field: string): number {
  if (typeof v === 'string') return Number(v);
  if (!Number.isFinite(v) || v < 0) {
    throw new DomainError('NORMA_ERR_QUANTITY_INVALID', `fulfilment ${field} ${describeInput(v)} is not a finite non-negative number`, {
      field,
      input: v,
    });
  }
  return v;
}

/**
 * Fulfilment ratio actual / target (1.05 means 105 %), or null when the target is 0. Takes checked
 * quantities or non-negative doubles; throws NORMA_ERR_QUANTITY_INVALID for a negative or
 * non-finite double.
 * @example fulfilment(q('105'), q('100')) // 1.05
 */
export function fulfilment(actual: Quantity | number, target: Quantity | number): number | null {
  if (typeof actual === 'string' && typeof target === 'string') {
    const t = toMicros(target);
    if (t === 0n) return null;
    return Number(toMicros(actual)) / Number(t);
  }
  const a = asNumber(actual, 'actual');
  const t = asNumber(target, 'target');
  return t === 0 ? null : a / t;
}

/**
 * Exactly whether actual reaches the target (at or above 100 %); null when the target is 0.
 * "Fulfilled at N units" counts the units for which this is true.
 * @example isFulfilled(q('100'), q('100')) // true
 */
export function isFulfilled(actual: Quantity, target: Quantity): boolean | null {
  const t = toMicros(target);
  if (t === 0n) return null;
  return toMicros(actual) >= t;
}
