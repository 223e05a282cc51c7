// Millionths are exact: the fast paths (doubles below 2^53) must agree with plain BigInt arithmetic
// everywhere, including the edges of the safe range and inputs the fast path hands on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromMicro, toMicro } from '../../../src/services/reporting/micro.js';

const SCALE = 1_000_000n;

/** The reference: BigInt only. */
function toMicroRef(q: string): bigint {
  const neg = q.startsWith('-');
  const [int, frac = ''] = (neg ? q.slice(1) : q).split('.');
  const v = BigInt(int || '0') * SCALE + BigInt((frac + '000000').slice(0, 6));
  return neg ? -v : v;
}

function fromMicroRef(v: bigint): string {
  const a = v < 0n ? -v : v;
  const frac = (a % SCALE).toString().padStart(6, '0').replace(/0+$/, '');
  return `${v < 0n ? '-' : ''}${a / SCALE}${frac ? `.${frac}` : ''}`;
}

const edges = [0n, 1n, -1n, 999_999n, 1_000_000n, 1_000_001n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) + 1n, -(2n ** 53n), 10n ** 30n + 7n];

describe('millionths', () => {
  it('fromMicro equals the BigInt reference, inside and beyond the exact-double range', () => {
    for (const v of edges) expect(fromMicro(v)).toBe(fromMicroRef(v));
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }), (v) => fromMicro(v) === fromMicroRef(v)), { numRuns: 5000 });
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), (v) => fromMicro(v) === fromMicroRef(v)), { numRuns: 5000 });
    expect(fromMicro(-12_500_000n)).toBe('-12.5');
    expect(fromMicro(5n)).toBe('0.000005');
  });

  it('toMicro equals the BigInt reference and round-trips fromMicro', () => {
    for (const v of edges) expect(toMicro(fromMicroRef(v))).toBe(v);
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }), (v) => toMicro(fromMicro(v)) === v), { numRuns: 5000 });
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{0,12}$/), fc.option(fc.stringMatching(/^[0-9]{0,8}$/)))
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}`);
    fc.assert(fc.property(decimal, (q) => toMicro(q) === toMicroRef(q)), { numRuns: 5000 });
    for (const q of ['', '-', '.5', '12.', '+5', ' 7', '1.2.3', '--5', '000001.000001', '999999999.999999', '1000000000.5', '1.1234567']) {
      expect(toMicro(q)).toBe(toMicroRef(q));
    }
    for (const bad of ['1e5', 'x', '1,5']) expect(() => toMicro(bad)).toThrow(SyntaxError);
  });
});
