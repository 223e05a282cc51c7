// A = (rowPtr, colIdx, values): row i holds entries colIdx[rowPtr[i]..rowPtr[i+1]) with strictly increasing columns.

/**
 * Compressed sparse row matrix. Columns inside a row are sorted and unique (every engine builder
 * guarantees it), which the triangular sweeps and the direct solver rely on.
 * A CSC matrix is the CSR matrix of the transpose; `transpose(a)` gives it.
 * Example: `const a: CsrMatrix = { nRows: 2, nCols: 2, rowPtr: Int32Array.of(0, 1, 2), colIdx: Int32Array.of(0, 1), values: Float64Array.of(1, 1) }`
 */
export interface CsrMatrix {
  readonly nRows: number;
  readonly nCols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
}

/** Number of stored entries. Example: `nnz(a) === a.rowPtr[a.nRows]` */
export function nnz(a: CsrMatrix): number {
  return a.rowPtr[a.nRows];
}

/** Bytes held by the three arrays (what "the matrix's own bytes" means in the benchmark). Example: `csrBytes(a)` */
export function csrBytes(a: CsrMatrix): number {
  return a.rowPtr.byteLength + a.colIdx.byteLength + a.values.byteLength;
}
