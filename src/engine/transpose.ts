// B = A^T (equivalently: the CSC form of A), by one counting sort over columns.
import type { CsrMatrix } from './csr.js';

/**
 * Transposes a CSR matrix; the result's rows (A's columns) keep sorted indices because rows are scanned in order.
 * Example: `transpose(a).rowPtr` is the column pointer of A in CSC form.
 */
export function transpose(a: CsrMatrix): CsrMatrix {
  const { nRows, nCols, rowPtr, colIdx, values } = a;
  const total = rowPtr[nRows];
  const tPtr = new Int32Array(nCols + 1);
  for (let p = 0; p < total; p++) tPtr[colIdx[p] + 1]++;
  for (let j = 0; j < nCols; j++) tPtr[j + 1] += tPtr[j];
  const tIdx = new Int32Array(total);
  const tVal = new Float64Array(total);
  const next = tPtr.slice(0, nCols);
  for (let i = 0; i < nRows; i++) {
    for (let p = rowPtr[i], e = rowPtr[i + 1]; p < e; p++) {
      const q = next[colIdx[p]]++;
      tIdx[q] = i;
      tVal[q] = values[p];
    }
  }
  return { nRows: nCols, nCols: nRows, rowPtr: tPtr, colIdx: tIdx, values: tVal };
}
