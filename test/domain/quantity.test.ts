import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type Quantity,
  type QuantityFailureReason,
  QuantityError,
  addQuantities,
  compareQuantities,
  fulfilment,
  isFulfilled,
  isQuantity,
  parseQuantity,
  quantityToNumber,
  sumQuantities,
  unwrap,
} from '../../src/domain/index.js';

const q = (v: unknown): Quantity => unwrap(parseQuantity(v));

describe('parseQuantity', () => {
  it.each<[unknown, string]>([
    ['0', '0'],
    ['12', '12'],
    ['12.5', '12.5'],
    ['007.50', '7.5'],
    ['1.000000', '1'],
    ['0.000001', '0.000001'],
    ['1.50000000', '1.5'], // trailing zeros are not decimal places
    ['  42 ', '42'],
    ['-0', '0'],
    ['-0.000', '0'],
    ['999999999999999999.999999', '999999999999999999.999999'],
    [0, '0'],
    [-0, '0'],
    [12.5, '12.5'],
    [0.1, '0.1'],
    [1e-6, '0.000001'],
    [9007199254740991, '9007199254740991'],
    [123n, '123'],
  ])('accepts %s as %s', (input, canonical) => {
    expect(parseQuantity(input)).toEqual({ ok: true, value: canonical });
  });

  it.each<[unknown, QuantityFailureReason]>([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'not a number'],
    ['1,5', 'not a number'],
    ['1 000', 'not a number'],
    ['1e3', 'not a number'],
    ['+5', 'not a number'],
    ['.5', 'not a number'],
    ['5.', 'not a number'],
    ['0x10', 'not a number'],
    [null, 'not a number'],
    [undefined, 'not a number'],
    [true, 'not a number'],
    [{}, 'not a number'],
    [NaN, 'not a number'],
    ['NaN', 'not finite'],
    ['Infinity', 'not finite'],
    [Infinity, 'not finite'],
    [-Infinity, 'not finite'],
    [-1, 'negative'],
    ['-0.5', 'negative'],
    [-1n, 'negative'],
    ['1.1234567', 'too many decimal places'],
    [1e-7, 'too many decimal places'],
    [0.1 + 0.2, 'too many decimal places'],
    ['1000000000000000000', 'too many integer digits'],
    [10n ** 18n, 'too many integer digits'],
    [2 ** 53 + 2, 'imprecise number'],
  ])('rejects %s: %s', (input, reason) => {
    const r = parseQuantity(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(QuantityError);
    expect(r.error.code).toBe('NORMA_ERR_QUANTITY_INVALID');
    expect(r.error.reason).toBe(reason);
    expect(r.error.details.reason).toBe(reason);
    expect(r.error.message).toContain(reason);
  });

  it('hints at the decimal point for "1,5"', () => {
    const r = parseQuantity('1,5');
    expect(!r.ok && r.error.message).toMatch(/use "\." as the decimal point/);
  });

  it('property: canonical strings parse to themselves and equal the parsed value', () => {
    const arbDecimal = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3 }))
      .map(([i, f, places, zeros]) => ({
        text: '0'.repeat(zeros) + i.toString() + (places > 0 ? '.' + String(f).padStart(6, '0').slice(0, places) : ''),
        micros: i * 1_000_000n + (places > 0 ? BigInt(String(f).padStart(6, '0').slice(0, places).padEnd(6, '0')) : 0n),
      }));
    fc.assert(
      fc.property(arbDecimal, ({ text, micros }) => {
        const c = q(text);
        expect(isQuantity(c)).toBe(true);
        expect(q(c)).toBe(c);
        expect(c).not.toMatch(/^0\d|\.\d*0$|\.$/);
        const [ip, fp = ''] = c.split('.');
        expect(BigInt(ip) * 1_000_000n + BigInt(fp.padEnd(6, '0'))).toBe(micros);
      }),
    );
  });

  it('property: a double written with at most 6 decimals (and 15 significant digits) parses to that decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 6 }), (n, places) => {
        const digits = String(n).padStart(places + 1, '0');
        const head = digits.slice(0, digits.length - places).replace(/^0+(?=\d)/, '');
        const tail = digits.slice(digits.length - places).replace(/0+$/, '');
        expect(parseQuantity(n / 10 ** places)).toEqual({ ok: true, value: tail ? `${head}.${tail}` : head });
      }),
    );
  });
});

describe('exact quantity arithmetic', () => {
  it('adds decimals exactly where doubles do not', () => {
    expect(addQuantities(q('0.1'), q('0.2'))).toBe('0.3');
    expect(sumQuantities([q('1.5'), q('2.25'), q('0.000001')])).toBe('3.750001');
    expect(sumQuantities([])).toBe('0');
    expect(() => addQuantities(q('999999999999999999'), q('1'))).toThrowError(expect.objectContaining({ code: 'NORMA_ERR_QUANTITY_OVERFLOW' }));
  });

  it('property: sums agree with BigInt arithmetic', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n }), { maxLength: 50 }), (micros) => {
        const qs = micros.map((m) => q(`${m / 1_000_000n}.${(m % 1_000_000n).toString().padStart(6, '0')}`));
        const total = micros.reduce((a, b) => a + b, 0n);
        const s = sumQuantities(qs);
        const [ip, fp = ''] = s.split('.');
        expect(BigInt(ip) * 1_000_000n + BigInt(fp.padEnd(6, '0'))).toBe(total);
      }),
    );
  });

  it('compares exactly', () => {
    expect(compareQuantities(q('10'), q('9.999999'))).toBe(1);
    expect(compareQuantities(q('10.0'), q('10'))).toBe(0);
    expect(compareQuantities(q('999999999999999998.999999'), q('999999999999999999'))).toBe(-1);
    expect(quantityToNumber(q('12.5'))).toBe(12.5);
  });
});

describe('fulfilment', () => {
  it('is actual / target, null for a zero target', () => {
    expect(fulfilment(q('105'), q('100'))).toBeCloseTo(1.05, 12);
    expect(fulfilment(q('100'), q('100'))).toBe(1);
    expect(fulfilment(q('0'), q('100'))).toBe(0);
    expect(fulfilment(q('5'), q('0'))).toBeNull();
    expect(fulfilment(50, 200)).toBe(0.25);
    expect(fulfilment(q('3'), 4)).toBe(0.75);
    expect(fulfilment(0, 0)).toBeNull();
  });

  it('rejects negative or non-finite doubles', () => {
    expect(() => fulfilment(-1, 10)).toThrowError(expect.objectContaining({ code: 'NORMA_ERR_QUANTITY_INVALID' }));
    expect(() => fulfilment(1, NaN)).toThrowError(/fulfilment target NaN/);
  });

  it('decides "at or above 100 %" exactly', () => {
    expect(isFulfilled(q('100'), q('100'))).toBe(true);
    expect(isFulfilled(q('99.999999'), q('100'))).toBe(false);
    expect(isFulfilled(q('999999999999999998.999999'), q('999999999999999999'))).toBe(false);
    expect(isFulfilled(q('1'), q('0'))).toBeNull();
  });
});
