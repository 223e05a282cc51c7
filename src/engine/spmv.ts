// y = A x (spmv) and y = A^T x (spmvTransposed) for CSR A, written into caller-owned y.
import type { CsrMatrix } from './csr.js';
import { fail, ok, type Result } from './result.js';

/**
 * y = A x. Checks shapes, then overwrites y.
 * Example: `spmv(a, x, new Float64Array(a.nRows))`
 */
export function spmv(a: CsrMatrix, x: Float64Array, y: Float64Array): Result<Float64Array> {
  if (x.length !== a.nCols || y.length !== a.nRows)
    return fail('shape', `spmv: A is ${a.nRows} x ${a.nCols}, x has ${x.length}, y has ${y.length}`);
  spmvKernel(a.nRows, a.rowPtr, a.colIdx, a.values, x, y, 0, a.nRows);
  return ok(y);
}

/**
 * y = A^T x, scattering along A's rows so no transpose is built.
 * Example: `spmvTransposed(a, p, new Float64Array(a.nCols))` gives p A as a column vector.
 */
export function spmvTransposed(a: CsrMatrix, x: Float64Array, y: Float64Array): Result<Float64Array> {
  if (x.length !== a.nRows || y.length !== a.nCols)
    return fail('shape', `spmvTransposed: A is ${a.nRows} x ${a.nCols}, x has ${x.length}, y has ${y.length}`);
  y.fill(0);
  spmvTransposedKernel(a.rowPtr, a.colIdx, a.values, x, y, 0, a.nRows);
  return ok(y);
}

/** Unchecked kernel: y[i] = sum_p A[i][p] x[col p] for rows [r0, r1). Example: `spmvKernel(n, rp, ci, v, x, y, 0, n)` */
export function spmvKernel(
  _n: number,
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: Float64Array,
  x: Float64Array,
  y: Float64Array,
  r0: number,
  r1: number,
): void {
  let p = rowPtr[r0];
  for (let i = r0; i < r1; i++) {
    const e = rowPtr[i + 1];
    // Two accumulators keep two independent loads in flight; one chain measurably serialises the gathers.
    let s0 = 0, s1 = 0;
    for (; p + 1 < e; p += 2) {
      s0 += values[p] * x[colIdx[p]];
      s1 += values[p + 1] * x[colIdx[p + 1]];
    }
    if (p < e) {
      s0 += values[p] * x[colIdx[p]];
      p++;
    }
    y[i] = s0 + s1;
  }
}

/** Unchecked kernel: y[col] += A[i][col] x[i] for rows [r0, r1) (y not cleared). Example: `spmvTransposedKernel(rp, ci, v, x, y, 0, n)` */
export function spmvTransposedKernel(
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: Float64Array,
  x: Float64Array,
  y: Float64Array,
  r0: number,
  r1: number,
): void {
  for (let i = r0; i < r1; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    for (let p = rowPtr[i], e = rowPtr[i + 1]; p < e; p++) y[colIdx[p]] += values[p] * xi;
  }
}
