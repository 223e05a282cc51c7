// rowSums_i = sum_j A[i][j];  colSums_j = sum_i A[i][j].
import type { CsrMatrix } from './csr.js';

/** Row sums of A (for Leontief A: how much of input i all outputs use per unit). Example: `rowSums(a)[0]` */
export function rowSums(a: CsrMatrix): Float64Array {
  const out = new Float64Array(a.nRows);
  const { rowPtr, values } = a;
  for (let i = 0; i < a.nRows; i++) {
    let s = 0;
    for (let p = rowPtr[i], e = rowPtr[i + 1]; p < e; p++) s += values[p];
    out[i] = s;
  }
  return out;
}

/** Column sums of A (for Leontief A: total input per unit of output j; all < 1 proves productiveness). Example: `colSums(a)` */
export function colSums(a: CsrMatrix): Float64Array {
  const out = new Float64Array(a.nCols);
  const { colIdx, values } = a;
  const total = a.rowPtr[a.nRows];
  for (let p = 0; p < total; p++) out[colIdx[p]] += values[p];
  return out;
}
