import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csrFromTriplets, transpose, spmv, spmvTransposed, rowSums, colSums, scc, blockedFromCsr, blockedSpmv } from '../../src/engine/index.js';

describe('csrFromTriplets', () => {
  it('sums duplicates and sorts columns within rows', () => {
    const r = csrFromTriplets(2, 3, Int32Array.of(1, 0, 0, 1, 0), Int32Array.of(2, 2, 0, 2, 2), Float64Array.of(1, 2, 3, 4, 5));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([...r.value.rowPtr]).toEqual([0, 2, 3]);
    expect([...r.value.colIdx]).toEqual([0, 2, 2]);
    expect([...r.value.values]).toEqual([3, 7, 5]);
  });
  it('returns a typed failure for out-of-range indices and non-finite values', () => {
    const a = csrFromTriplets(2, 2, Int32Array.of(2), Int32Array.of(0), Float64Array.of(1));
    expect(!a.ok && a.error.code).toBe('index');
    const b = csrFromTriplets(2, 2, Int32Array.of(0), Int32Array.of(0), Float64Array.of(NaN));
    expect(!b.ok && b.error.code).toBe('not-finite');
  });
  it('agrees with a dense accumulation, and its products agree with dense products (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -5, max: 5 })), { maxLength: 60 }),
        (nr, nc, trip) => {
          const rows = Int32Array.from(trip, (t) => t[0] % nr), cols = Int32Array.from(trip, (t) => t[1] % nc);
          const vals = Float64Array.from(trip, (t) => t[2]);
          const dense = Array.from({ length: nr }, () => new Array<number>(nc).fill(0));
          trip.forEach((_, k) => (dense[rows[k]][cols[k]] += vals[k]));
          const m = csrFromTriplets(nr, nc, rows, cols, vals);
          if (!m.ok) return false;
          const x = Float64Array.from({ length: nc }, (_, j) => j + 1), y = new Float64Array(nr);
          spmv(m.value, x, y);
          const xt = Float64Array.from({ length: nr }, (_, i) => 2 * i - 1), yt = new Float64Array(nc);
          spmvTransposed(m.value, xt, yt);
          const t = transpose(m.value);
          const yt2 = new Float64Array(nc);
          spmv(t, xt, yt2);
          const rs = rowSums(m.value), cs = colSums(m.value);
          for (let i = 0; i < nr; i++) {
            expect(y[i]).toBe(dense[i].reduce((s, v, j) => s + v * x[j], 0));
            expect(rs[i]).toBe(dense[i].reduce((s, v) => s + v, 0));
          }
          for (let j = 0; j < nc; j++) {
            const want = dense.reduce((s, row, i) => s + row[j] * xt[i], 0);
            expect(yt[j]).toBe(want);
            expect(yt2[j]).toBe(want);
            expect(cs[j]).toBe(dense.reduce((s, row) => s + row[j], 0));
          }
          for (let i = 0; i < nr; i++) for (let p = m.value.rowPtr[i] + 1; p < m.value.rowPtr[i + 1]; p++) expect(m.value.colIdx[p]).toBeGreaterThan(m.value.colIdx[p - 1]);
          return true;
        },
      ),
    );
  });
  it('spmv checks shapes', () => {
    const m = csrFromTriplets(2, 2, Int32Array.of(0), Int32Array.of(0), Float64Array.of(1));
    if (!m.ok) throw new Error();
    const r = spmv(m.value, new Float64Array(3), new Float64Array(2));
    expect(!r.ok && r.error.code).toBe('shape');
  });
});

describe('tiled products', () => {
  it('match CSR products for A and A^T across tile edges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ min: -1, max: 1, noNaN: true })), { maxLength: 200 }), (n, trip) => {
        const m = csrFromTriplets(n, n, Int32Array.from(trip, (t) => t[0] % n), Int32Array.from(trip, (t) => t[1] % n), Float64Array.from(trip, (t) => t[2]));
        if (!m.ok) return false;
        const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
        for (const tr of [false, true]) {
          const b = blockedFromCsr(m.value, tr, 2); // 4 x 4 tiles to exercise many tiles
          const y = new Float64Array(n), want = new Float64Array(n);
          blockedSpmv(b, x, y);
          if (tr) spmvTransposed(m.value, x, want);
          else spmv(m.value, x, want);
          for (let i = 0; i < n; i++) expect(y[i]).toBeCloseTo(want[i], 12);
        }
        return true;
      }),
    );
  });
});

describe('scc', () => {
  it('finds components and orders them so a component comes after everything it reaches', () => {
    // 0 <-> 1 -> 2 <-> 3, 4 alone, 5 -> 5
    const e = [[0, 1], [1, 0], [1, 2], [2, 3], [3, 2], [5, 5]];
    const m = csrFromTriplets(6, 6, Int32Array.from(e, (x) => x[0]), Int32Array.from(e, (x) => x[1]), new Float64Array(e.length).fill(1));
    if (!m.ok) throw new Error();
    const s = scc(m.value);
    if (!s.ok) throw new Error();
    const c = s.value.component;
    expect(c[0]).toBe(c[1]);
    expect(c[2]).toBe(c[3]);
    expect(c[0]).not.toBe(c[2]);
    expect(c[0]).toBeGreaterThan(c[2]);
    expect(s.value.count).toBe(4);
    const sets = Array.from({ length: s.value.count }, (_, k) => [...s.value.members.subarray(s.value.start[k], s.value.start[k + 1])].sort());
    expect(sets).toContainEqual([0, 1]);
    expect(sets).toContainEqual([2, 3]);
  });
  it('handles a 200000-long chain without recursion', () => {
    const n = 200_000;
    const r = Int32Array.from({ length: n }, (_, i) => i), c = Int32Array.from({ length: n }, (_, i) => (i + 1) % n);
    const m = csrFromTriplets(n, n, r, c, new Float64Array(n).fill(0.5));
    if (!m.ok) throw new Error();
    const s = scc(m.value);
    expect(s.ok && s.value.count).toBe(1);
  });
});
