// Signed exact decimals as BigInt millionths, for deltas (a correction can lower a figure).
const SCALE = 1_000_000n;

/**
 * A decimal string (up to 6 places, optional sign) to millionths.
 * @example toMicro('12.5') // 12500000n
 */
export function toMicro(q: string): bigint {
  const neg = q.startsWith('-');
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
  const neg = v < 0n;
  const a = neg ? -v : v;
  const int = a / SCALE;
  const frac = (a % SCALE).toString().padStart(6, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}
