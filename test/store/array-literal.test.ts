// Array literals built by hand must read back in PostgreSQL exactly as the values went in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boolArray, decimalArray, hexBytes, hexText, intArray, numberArray, textArray, type Store } from '../../src/store/index.js';
import { storeFixture } from '../support/stores.js';

describe('array literals', () => {
  const fixture = storeFixture('pglite');
  let store: Store;
  beforeAll(async () => {
    store = await fixture.open();
  }, 120_000);
  afterAll(async () => {
    await fixture.cleanup();
  });

  it('text arrays round-trip any text PostgreSQL can hold, with NULLs and empty strings', async () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(text, fc.constantFrom('NULL', 'null', '', 'a,b', '{x}', ' sp ', '"', '\\\\', 'P-01', '2026-M11')), { maxLength: 8 }), fc.boolean(), async (xs, withNull) => {
        const values: (string | null)[] = withNull ? [...xs, null] : xs;
        const [{ v }] = await store.query<{ v: (string | null)[] }>('select $1::text[] as v', [textArray(values)]);
        expect(v).toEqual(values);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('numbers, decimals and booleans round-trip; non-finite numbers and non-decimals are refused', async () => {
    const [{ n, d, b }] = await store.query<{ n: number[]; d: string[]; b: boolean[] }>('select $1::int[] as n, $2::numeric[]::text[] as d, $3::boolean[] as b', [
      numberArray([1, -2, 0, 2147483647]),
      decimalArray(['0', '1.5', '-2.000001', '123456789012345678']),
      boolArray([true, false, true]),
    ]);
    expect(n).toEqual([1, -2, 0, 2147483647]);
    expect(d).toEqual(['0', '1.5', '-2.000001', '123456789012345678']);
    expect(b).toEqual([true, false, true]);
    expect(numberArray([])).toBe('{}');
    expect(() => numberArray([NaN])).toThrow(RangeError);
    expect(() => decimalArray(['1e5'])).toThrow(RangeError);
    expect(() => decimalArray(['1,2'])).toThrow(RangeError);
  });

  it('integer arrays take plain and typed arrays and refuse fractions', async () => {
    const [{ n }] = await store.query<{ n: number[] }>('select $1::int[] as n', [intArray(Int32Array.of(3, -17, 0))]);
    expect(n).toEqual([3, -17, 0]);
    expect(intArray([])).toBe('{}');
    expect(() => intArray([1.5])).toThrow(RangeError);
    expect(() => intArray([NaN])).toThrow(RangeError);
  });

  it('records packed side by side go as one hex text, are cut per row from its decoded bytes, and come back through encode', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 6 }), fc.infiniteStream(fc.integer({ min: 0, max: 255 })), async (size, n, bytes) => {
        const it = bytes[Symbol.iterator]();
        const packed = Uint8Array.from({ length: size * n }, () => it.next().value as number);
        const rows = await store.query<{ i: number; hex: string }>(
          `select i::int as i, encode(substring(b.bytes from (i::int - 1) * $2 + 1 for $2), 'hex') as hex
             from generate_series(1, $3::int) as t(i), (select decode($1::text, 'hex') as bytes) b order by i`,
          [hexText(packed), size, n],
        );
        expect(rows.length).toBe(n);
        rows.forEach((r, k) => expect([...hexBytes(r.hex)]).toEqual([...packed.subarray(k * size, (k + 1) * size)]));
      }),
      { numRuns: 60 },
    );
    expect(hexText(Uint8Array.of(1, 2, 3, 254))).toBe('010203fe');
    expect(hexText(new Uint8Array([0, 255]).subarray(1))).toBe('ff');
  });
});
