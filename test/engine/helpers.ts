// Test helpers: dense reference solves and random productive economies.
import fc from 'fast-check';
import { csrFromTriplets } from '../../src/engine/csr-from-triplets.js';
import type { CsrMatrix } from '../../src/engine/csr.js';

/** Dense Gaussian elimination with partial pivoting: solves M z = b (M row-major n x n). */
export function denseSolve(m: number[][], b: number[]): number[] {
  const n = b.length;
  const a = m.map((r, i) => [...r, b[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[p][k])) p = i;
    [a[k], a[p]] = [a[p], a[k]];
    for (let i = k + 1; i < n; i++) {
      const f = a[i][k] / a[k][k];
      for (let j = k; j <= n; j++) a[i][j] -= f * a[k][j];
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i][n];
    for (let j = i + 1; j < n; j++) s -= a[i][j] * z[j];
    z[i] = s / a[i][i];
  }
  return z;
}

/** I - A (or I - A^T) as dense rows. */
export function denseIminus(a: number[][], transpose = false): number[][] {
  const n = a.length;
  return a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0) - (transpose ? a[j][i] : a[i][j])));
}

export function csrOf(a: number[][]): CsrMatrix {
  const r: number[] = [], c: number[] = [], v: number[] = [];
  a.forEach((row, i) => row.forEach((x, j) => {
    if (x !== 0) {
      r.push(i);
      c.push(j);
      v.push(x);
    }
  }));
  const m = csrFromTriplets(a.length, a.length, Int32Array.from(r), Int32Array.from(c), Float64Array.from(v));
  if (!m.ok) throw new Error(m.error.message);
  return m.value;
}

/** Max relative error over entries, relative to max(|expected|). */
export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0, e = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]));
  return scale === 0 ? e : e / scale;
}

/** Random productive economy: sparse nonnegative A with every column sum in [0, maxColSum]. */
export const productiveEconomy = (maxN = 12, maxColSum = 0.95) =>
  fc
    .integer({ min: 1, max: maxN })
    .chain((n) =>
      fc.record({
        n: fc.constant(n),
        cells: fc.array(fc.array(fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { freq: 2 }), { minLength: n, maxLength: n }), {
          minLength: n,
          maxLength: n,
        }),
        sums: fc.array(fc.double({ min: 0, max: maxColSum, noNaN: true }), { minLength: n, maxLength: n }),
        d: fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: n, maxLength: n }),
      }),
    )
    .map(({ n, cells, sums, d }) => {
      // cells[j] is column j; scale each column to its drawn sum.
      const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
      for (let j = 0; j < n; j++) {
        const col = cells[j];
        const tot = col.reduce<number>((s, v) => s + (v ?? 0), 0);
        for (let i = 0; i < n; i++) a[i][j] = tot > 0 && col[i] != null ? ((col[i] as number) / tot) * sums[j] : 0;
      }
      return { n, a, d };
    });

/** A CSR matrix as dense rows (duplicates summed). */
export function denseOf(a: CsrMatrix): number[][] {
  const n = a.nRows;
  const m = Array.from({ length: n }, () => new Array<number>(a.nCols).fill(0));
  for (let i = 0; i < n; i++) for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) m[i][a.colIdx[p]] += a.values[p];
  return m;
}

/**
 * Random productive economy from a seed: about k inputs per product, a diagonal entry in about a share
 * `selfUse` of columns, every column sum below `scale`; a share `empty` of products (none by default)
 * neither uses nor is used. Also a positive final demand.
 */
export function randomEconomy(n: number, k: number, seed: number, selfUse = 0.3, scale = 0.9, empty = 0): { a: CsrMatrix; d: Float64Array } {
  let s = seed;
  const rnd = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const dead = empty > 0 ? Array.from({ length: n }, () => rnd() < empty) : null;
  const r: number[] = [], c: number[] = [], v: number[] = [];
  for (let j = 0; j < n; j++) {
    if (dead?.[j]) continue;
    for (let t = 0; t < k; t++) {
      const i = Math.floor(rnd() * n);
      if (dead?.[i]) continue;
      r.push(i);
      c.push(j);
      v.push((scale / (k + 1)) * rnd());
    }
    if (rnd() < selfUse) {
      r.push(j);
      c.push(j);
      v.push((scale / (k + 1)) * rnd());
    }
  }
  const a = csrFromTriplets(n, n, Int32Array.from(r), Int32Array.from(c), Float64Array.from(v));
  if (!a.ok) throw new Error(a.error.message);
  return { a: a.value, d: Float64Array.from({ length: n }, () => 0.1 + rnd()) };
}
