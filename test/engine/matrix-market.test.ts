import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readMatrixMarket, writeMatrixMarketArray, writeMatrixMarketCoordinate, csrFromTriplets, parseDecimal } from '../../src/engine/index.js';

const sink = () => {
  let text = '';
  return { write: (s: string) => ((text += s), true), get text() { return text; } };
};
// Splits text into chunks of `size` bytes so lines straddle chunk boundaries.
const chunks = (text: string, size: number) => {
  const b = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
};

describe('Matrix Market', () => {
  it('reads coordinate real general with comments, CRLF and any chunking', async () => {
    const text = '%%MatrixMarket matrix coordinate real general\r\n% a comment\r\n2 3 3\r\n1 1 0.5\r\n2 3 -1e-3\r\n1 1 .25';
    for (const size of [1, 3, 7, 1000]) {
      const r = await readMatrixMarket(chunks(text, size));
      expect(r.ok).toBe(true);
      if (!r.ok || r.value.kind !== 'coordinate') return;
      expect([r.value.nRows, r.value.nCols]).toEqual([2, 3]);
      expect([...r.value.rows]).toEqual([0, 1, 0]);
      expect([...r.value.cols]).toEqual([0, 2, 0]);
      expect([...r.value.values]).toEqual([0.5, -1e-3, 0.25]);
    }
  });
  it('reads array real general column-major', async () => {
    const r = await readMatrixMarket(['%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n']);
    expect(r.ok && r.value.kind === 'array' && [...r.value.values]).toEqual([1, 2, 3, 4]);
  });
  it('names line and field on malformed input', async () => {
    const cases: [string, number, string][] = [
      ['%%MatrixMarket matrix coordinate complex general\n', 1, 'header'],
      ['%%MatrixMarket matrix coordinate real general\n2 2\n', 2, 'size'],
      ['%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n', 3, 'row'],
      ['%%MatrixMarket matrix coordinate real general\n2 2 1\n1 x 1\n', 3, 'column'],
      ['%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 abc\n', 3, 'value'],
      ['%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n', 3, 'row'],
      ['%%MatrixMarket matrix array real general\n2 1\n1\nnan\n', 4, 'value'],
    ];
    for (const [text, line, field] of cases) {
      const r = await readMatrixMarket([text]);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect([r.error.line, r.error.field], text).toEqual([line, field]);
    }
  });
  it('round-trips coordinate and array files exactly (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ noNaN: true, noDefaultInfinity: true })), { maxLength: 30 }),
        async (n, trip) => {
          const m = csrFromTriplets(n, n, Int32Array.from(trip, (t) => t[0] % n), Int32Array.from(trip, (t) => t[1] % n), Float64Array.from(trip, (t) => t[2]));
          if (!m.ok || m.value.values.some((v) => !Number.isFinite(v))) return true; // sums of huge doubles may overflow
          const s = sink();
          await writeMatrixMarketCoordinate(m.value, s);
          const r = await readMatrixMarket(chunks(s.text, 5));
          if (!r.ok || r.value.kind !== 'coordinate') throw new Error(r.ok ? 'kind' : r.error.message);
          const back = csrFromTriplets(n, n, r.value.rows, r.value.cols, r.value.values);
          if (!back.ok) throw new Error();
          expect([...back.value.values]).toEqual([...m.value.values]);
          expect([...back.value.colIdx]).toEqual([...m.value.colIdx]);
          const v = Float64Array.from(trip, (t) => t[2]);
          const s2 = sink();
          await writeMatrixMarketArray(v.length, 1, v, s2);
          const r2 = await readMatrixMarket([s2.text]);
          expect(r2.ok && [...r2.value.values]).toEqual([...v]);
        },
      ),
    );
  });
  it('parses decimals to the correctly rounded double (property)', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        for (const t of [String(x), x.toExponential(), x.toFixed(Math.min(20, Math.max(0, 5)))]) {
          const b = enc.encode(t);
          expect(parseDecimal(b, 0, b.length)).toBe(Number(t));
        }
      }),
    );
  });
  it('reads a million entries quickly', async () => {
    const n = 1_000_000;
    let text = `%%MatrixMarket matrix coordinate real general\n1000 1000 ${n}\n`;
    const parts: string[] = [text];
    let s = 1;
    for (let k = 0; k < n; k += 10000) {
      let block = '';
      for (let t = 0; t < 10000; t++) {
        s = (s * 48271) % 2147483647;
        block += `${(s % 1000) + 1} ${((s >> 10) % 1000) + 1} ${(s / 2147483647).toPrecision(12)}\n`;
      }
      parts.push(block);
    }
    text = '';
    const t0 = performance.now();
    const r = await readMatrixMarket(parts);
    const ms = performance.now() - t0;
    expect(r.ok && r.value.kind === 'coordinate' && r.value.values.length).toBe(n);
    expect(ms).toBeLessThan(5000);
  });
});
