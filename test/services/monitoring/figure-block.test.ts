// The packed figure reader's scanner: the same millionths as toMicro, the same doubles as
// microToNumber, series located by index, odd figures flagged for exact sums.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalMicro, exactMicro, microDecimal, scanBlock } from '../../../src/services/monitoring/figure-block.js';
import { fromMicro, toMicro } from '../../../src/services/reporting/micro.js';

describe('scanBlock', () => {
  it('reads series by index, days and quantities exactly as toMicro and microToNumber do', () => {
    const quantities = ['0', '12.5', '0.000001', '999999999.999999', '1234567890.123456', '7.1234567', '-3.25', '100'];
    const text = `3:${quantities.map((q, i) => `${20500 + i} ${q}`).join(',')};1:-5 42`;
    const b = scanBlock(text, 4);
    expect([b.start[0], b.end[0]]).toEqual([8, 9]);
    expect([b.start[1], b.end[1]]).toEqual([0, 0]);
    expect([b.start[2], b.end[2]]).toEqual([0, 8]);
    expect([b.start[3], b.end[3]]).toEqual([0, 0]);
    expect(Array.from(b.day.subarray(0, 9))).toEqual([20500, 20501, 20502, 20503, 20504, 20505, 20506, 20507, -5]);
    quantities.forEach((q, i) => {
      expect(exactMicro(b, i)).toBe(toMicro(q));
      expect(b.micro[i] / 1e6).toBe(Number(toMicro(q)) / 1e6);
    });
    expect(Object.is(b.micro[0], 0)).toBe(true);
    expect(b.micro[8]).toBe(42e6);
    // more than 9 integer digits or 6 decimals: sums of that series must be exact
    expect(Array.from(b.odd)).toEqual([0, 0, 1, 0]);
    expect(scanBlock('1:1 2', 1).odd[0]).toBe(0);
  });

  it('reads nothing from an empty text and refuses a malformed one', () => {
    const b = scanBlock('', 2);
    expect(Array.from(b.end)).toEqual([0, 0]);
    expect(() => scanBlock('3:1 2', 2)).toThrow(/series index/);
    expect(() => scanBlock('1:1 2;x', 1)).toThrow(/series index/);
  });
});

describe('decimalMicro and microDecimal', () => {
  it('agree with toMicro and fromMicro', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.option(fc.stringMatching(/^[0-9]{1,8}$/), { nil: undefined }))
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);
    fc.assert(fc.property(decimal, (q) => decimalMicro(q) === toMicro(q)));
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (v) => microDecimal(v) === fromMicro(v)));
    for (const q of ['0', '-0', '.5', '12.', '999999999.999999', '1000000000.5', '7.1234567']) expect(decimalMicro(q)).toBe(toMicro(q));
    for (const v of [0n, 1n, -1n, 1_000_000n, 9_007_199_254_740_991n, 9_007_199_254_740_993n, -12_500_000n]) expect(microDecimal(v)).toBe(fromMicro(v));
  });
});
