// PostgreSQL array literals built in one pass. pg serialises a JS array parameter element by element
// through a regex escape, which cost a fifth of the server's time on report batches; a batch's
// columns are plain numbers, codes, dates and decimals, so joining them is exact and far cheaper.
// Pass the result as a text parameter cast in SQL: `unnest($2::int[])`.

/**
 * An array literal of numbers (integers or decimals); non-finite values are refused.
 * @example numberArray([1, 2.5]) // '{1,2.5}'
 */
export function numberArray(xs: readonly (number | bigint)[]): string {
  for (const x of xs) if (typeof x === 'number' && !Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  return `{${xs.join(',')}}`;
}

/**
 * An array literal of integers (ids, days, counts; plain or typed arrays); anything else is refused.
 * @example intArray(Int32Array.of(3, -17)) // '{3,-17}'
 */
export function intArray(xs: ArrayLike<number>): string {
  let out = '{';
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (!Number.isInteger(x)) throw new RangeError(`not an integer: ${x}`);
    out += i ? `,${x}` : `${x}`;
  }
  return out + '}';
}

/**
 * An array literal of decimal strings as PostgreSQL numeric reads them (checked, not quoted).
 * @example decimalArray(['1.5', '-2']) // '{1.5,-2}'
 */
export function decimalArray(xs: readonly string[]): string {
  for (const x of xs) if (!DECIMAL.test(x)) throw new RangeError(`not a decimal: ${JSON.stringify(x)}`);
  return `{${xs.join(',')}}`;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
const PLAIN = /^[A-Za-z0-9_.:+-]+$/;
const ALL_PLAIN = /^[A-Za-z0-9_.:+,-]*$/;

/**
 * An array literal of text; elements are quoted (backslash and quote escaped) unless plainly safe,
 * null elements become NULL.
 * @example textArray(['a b', 'x"y', null]) // '{"a b","x\\"y",NULL}'
 */
export function textArray(xs: readonly (string | null)[]): string {
  // Most columns are codes, dates and period ids: one scan of the joined text decides for all.
  const joined = xs.join(',');
  if (ALL_PLAIN.test(joined) && commas(joined) === xs.length - 1 && !xs.some((x) => x === null || x === '' || (x.length === 4 && x.toUpperCase() === 'NULL'))) {
    return `{${joined}}`;
  }
  let out = '{';
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (i) out += ',';
    if (x === null) out += 'NULL';
    else if (PLAIN.test(x) && x.toUpperCase() !== 'NULL') out += x;
    else out += `"${x.replace(/[\\"]/g, '\\$&')}"`;
  }
  return out + '}';
}

function commas(s: string): number {
  let n = 0;
  for (let i = s.indexOf(','); i >= 0; i = s.indexOf(',', i + 1)) n++;
  return n;
}

/**
 * An array literal of booleans.
 * @example boolArray([true, false]) // '{t,f}'
 */
export function boolArray(xs: readonly boolean[]): string {
  let out = '{';
  for (let i = 0; i < xs.length; i++) out += (i ? ',' : '') + (xs[i] ? 't' : 'f');
  return out + '}';
}

/**
 * Bytes as hex text, for a statement to `decode(..., 'hex')`: hex is encoded and decoded natively on
 * both sides, where a bytea parameter or column went through PGlite's JavaScript (de)serialiser,
 * which made bytea several times slower than jsonb there. Records packed side by side go as one
 * text, decoded once and cut per row with `substring(bytes from ... for size)`: on bytea that costs
 * the same wherever the record sits (on text it scans from the start), and it is half the work of a
 * text[] of one hex per record on PostgreSQL (1,000 filter states: 8.8 vs 18 ms).
 * @example await q.query(`insert into t (b) values (decode($1, 'hex'))`, [hexText(Uint8Array.of(1, 2))]); // '0102'
 */
export function hexText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * The bytes of hex text (as `encode(column, 'hex')` gives them).
 * @example hexBytes('0a0b') // Uint8Array [10, 11]
 */
export function hexBytes(hex: string): Uint8Array {
  return Buffer.from(hex, 'hex');
}

