// M x for M = A (quantities) or M = A^T (prices), with diag(M); the only thing iterative solvers of (I - M) z = b see.
import { blockedBytes, blockedFromCsr, blockedSpmv, type BlockedMatrix } from './blocked-matrix.js';
import type { CsrMatrix } from './csr.js';
import { spmvKernel, spmvTransposedKernel } from './spmv.js';

/**
 * The product an iterative solver needs, whatever the storage. `mul` overwrites y with M x.
 * Example: `const op = leontiefOperator(a, 'quantities'); op.mul(x, y)`
 */
export interface LeontiefOperator {
  readonly n: number;
  readonly diag: Float64Array;
  readonly storage: 'csr' | 'tiles';
  /** Bytes of the operator's own copy of the matrix (0 when it multiplies with the caller's CSR). */
  readonly extraBytes: number;
  mul(x: Float64Array, y: Float64Array): void;
}

/** Which system: quantities (I - A) x = d, or prices (I - A^T) p = l. */
export type Orientation = 'quantities' | 'prices';

/** Size above which products go through tiles (x no longer fits the 1 MB L2 cache). */
export const TILED_MIN_N = 1 << 17;

/**
 * Picks the storage by size: the caller's CSR for small n (gathers stay in cache), tiles for large n.
 * Example: `leontiefOperator(a, 'prices')` multiplies by A^T.
 */
export function leontiefOperator(a: CsrMatrix, orientation: Orientation, tiled?: boolean): LeontiefOperator {
  const n = a.nRows;
  const diag = diagonal(a);
  const useTiles = tiled ?? n >= TILED_MIN_N;
  if (useTiles) {
    const b = blockedFromCsr(a, orientation === 'prices');
    return tiledOperator(b, diag);
  }
  const { rowPtr, colIdx, values } = a;
  if (orientation === 'quantities')
    return { n, diag, storage: 'csr', extraBytes: 0, mul: (x, y) => spmvKernel(n, rowPtr, colIdx, values, x, y, 0, n) };
  return {
    n,
    diag,
    storage: 'csr',
    extraBytes: 0,
    mul: (x, y) => {
      y.fill(0);
      spmvTransposedKernel(rowPtr, colIdx, values, x, y, 0, n);
    },
  };
}

/** Operator over an already tiled matrix (e.g. built straight from a file); `diag` is M's diagonal. Example: `tiledOperator(b, diag)` */
export function tiledOperator(b: BlockedMatrix, diag: Float64Array): LeontiefOperator {
  return { n: b.nRows, diag, storage: 'tiles', extraBytes: blockedBytes(b), mul: (x, y) => blockedSpmv(b, x, y) };
}

/** diag(A) (the same for A^T). Example: `diagonal(a)[i] === A[i][i]` */
export function diagonal(a: CsrMatrix): Float64Array {
  const n = Math.min(a.nRows, a.nCols);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let p = a.rowPtr[i], e = a.rowPtr[i + 1]; p < e; p++) {
      const j = a.colIdx[p];
      if (j === i) d[i] = a.values[p];
      if (j >= i) break;
    }
  }
  return d;
}

