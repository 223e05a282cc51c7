// Signed exact decimals as BigInt millionths, for deltas (a correction can lower a figure).
const SCALE = 1_000_000n;

/** Digits of an integer part whose millionths stay exact in a double (below 2^53). */
const SAFE_INT_DIGITS = 9;
const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A decimal string (up to 6 places, optional sign) to millionths.
 * @example toMicro('12.5') // 12500000n
 */
export function toMicro(q: string): bigint {
  const neg = q.charCodeAt(0) === 45; // '-'
  const start = neg ? 1 : 0;
  const dot = q.indexOf('.', start);
  const intEnd = dot < 0 ? q.length : dot;
  // Figures below a billion (nearly all) are summed exactly in a double: one BigInt instead of two
  // and no split. Digits are checked as they are read; anything else takes the BigInt path.
  if (intEnd - start <= SAFE_INT_DIGITS && (dot < 0 || q.length - dot - 1 <= 6)) {
    let v = 0;
    let ok = true;
    for (let i = start; i < q.length; i++) {
      if (i === dot) continue;
      const c = q.charCodeAt(i) - 48;
      if (c < 0 || c > 9) {
        ok = false;
        break;
      }
      v = v * 10 + c;
    }
    if (ok) {
      const places = dot < 0 ? 0 : q.length - dot - 1;
      v *= POW10[6 - places];
      return BigInt(neg ? -v : v);
    }
  }
  const body = neg ? q.slice(1) : q;
  const [int, frac = ''] = body.split('.');
  const v = BigInt(int || '0') * SCALE + BigInt((frac + '000000').slice(0, 6));
  return neg ? -v : v;
}

/**
 * Millionths back to the shortest decimal string.
 * @example fromMicro(-12500000n) // '-12.5'
 */
export function fromMicro(v: bigint): string {
  if (v <= MAX_EXACT && v >= -MAX_EXACT) {
    // Exact in a double: % and the division of a multiple of a million are exact below 2^53.
    const n = Number(v);
    const a = n < 0 ? -n : n;
    const frac = a % 1e6;
    const int = (a - frac) / 1e6;
    const sign = n < 0 ? '-' : '';
    if (frac === 0) return `${sign}${int}`;
    let digits = String(frac + 1e6); // '1' then six digits, leading zeros kept
    let end = 7;
    while (digits.charCodeAt(end - 1) === 48) end--;
    digits = digits.slice(1, end);
    return `${sign}${int}.${digits}`;
  }
  const neg = v < 0n;
  const a = neg ? -v : v;
  const int = a / SCALE;
  const frac = (a % SCALE).toString().padStart(6, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}
