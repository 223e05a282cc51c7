// x = the decimal number spelled by bytes [s, e), correctly rounded to double (Clinger's fast path, else the JS parser).

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Parses a decimal float token (`-1.25e-3`, `7`, `.5`) from bytes; NaN when the token is not a number.
 * With an exact mantissa (up to 16 digits, <= 2^53) and |exponent| <= 22 the result is one exact multiply or divide, hence
 * correctly rounded; anything else goes through the JS parser, which is correctly rounded too.
 * Example: `parseDecimal(new TextEncoder().encode('0.15'), 0, 4) === 0.15`
 */
export function parseDecimal(buf: Uint8Array, s: number, e: number): number {
  let p = s;
  let neg = false;
  if (p < e && (buf[p] === 45 || buf[p] === 43)) {
    neg = buf[p] === 45;
    p++;
  }
  let m = 0;
  let digits = 0;
  let sig = 0;
  let exp10 = 0;
  while (p < e) {
    const c = buf[p] - 48;
    if (c < 0 || c > 9) break;
    if (sig > 0 || c !== 0) sig++;
    if (sig <= 16) m = m * 10 + c;
    else exp10++;
    digits++;
    p++;
  }
  if (p < e && buf[p] === 46) {
    p++;
    while (p < e) {
      const c = buf[p] - 48;
      if (c < 0 || c > 9) break;
      if (sig > 0 || c !== 0) sig++;
      if (sig <= 16) {
        m = m * 10 + c;
        exp10--;
      }
      digits++;
      p++;
    }
  }
  if (digits === 0) return slow(buf, s, e);
  if (p < e && (buf[p] === 101 || buf[p] === 69)) {
    p++;
    let eneg = false;
    if (p < e && (buf[p] === 45 || buf[p] === 43)) {
      eneg = buf[p] === 45;
      p++;
    }
    let ev = 0;
    let ed = 0;
    while (p < e) {
      const c = buf[p] - 48;
      if (c < 0 || c > 9) break;
      if (ev < 100000) ev = ev * 10 + c;
      ed++;
      p++;
    }
    if (ed === 0) return NaN;
    exp10 += eneg ? -ev : ev;
  }
  if (p !== e) return slow(buf, s, e);
  // Syntax is valid here; only the rounding needs the exact parser. Up to 16 digits the mantissa is
  // still exact when it is at most 2^53 (every prefix is then smaller, so no step rounded).
  if (sig > 16 || m > 9007199254740992) return Number(ascii(buf, s, e));
  let v: number;
  if (m === 0) v = 0;
  else if (exp10 === 0) v = m;
  else if (exp10 > 0 && exp10 <= 22) v = m * POW10[exp10];
  else if (exp10 < 0 && exp10 >= -22) v = m / POW10[-exp10];
  else return Number(ascii(buf, s, e));
  return neg ? -v : v;
}

function ascii(buf: Uint8Array, s: number, e: number): string {
  // apply over a view: measured ~2x faster than building the string char by char.
  return String.fromCharCode.apply(null, buf.subarray(s, e) as unknown as number[]);
}

// Rare tokens (more than 15 significant digits, huge exponents, inf/nan spellings) go to the JS parser, strictly.
function slow(buf: Uint8Array, s: number, e: number): number {
  const t = ascii(buf, s, e);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

/** Strict decimal syntax test for text fields (CSV). Example: `isDecimal('1e-3') === true`, `isDecimal('0x1') === false` */
export function isDecimal(t: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t);
}
