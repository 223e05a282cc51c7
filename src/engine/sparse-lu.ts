// B(:, q) = P^T L U by left-looking sparse LU (Gilbert-Peierls, as CSparse cs_lu) with threshold partial pivoting.
import type { CsrMatrix } from './csr.js';
import { fail, ok, type Result } from './result.js';

/**
 * Sparse LU factors of a square matrix given by columns. L is unit lower (diagonal stored first in
 * each column, rows renumbered to pivot order), U upper (diagonal last in each column).
 * Example: `const f = sparseLu(bCols, q, 0.1); if (f.ok) luSolve(f.value, b)`
 */
export interface SparseLu {
  readonly n: number;
  readonly q: Int32Array;
  readonly pinv: Int32Array;
  readonly lp: Int32Array;
  readonly li: Int32Array;
  readonly lx: Float64Array;
  readonly up: Int32Array;
  readonly ui: Int32Array;
  readonly ux: Float64Array;
}

/**
 * Factors B whose columns are the rows of `bCols` (pass the CSR of B^T, i.e. B in CSC form), in column
 * order q. The diagonal is kept as pivot when |B_jj| >= tol * column max: for a productive economy
 * I - A is an M-matrix, whose LU needs no pivoting, so tol = 0.1 almost never pivots but still guards
 * ill-posed input. No dense array of size n^2 is ever formed.
 * Example: `sparseLu(transpose(b), minimumDegreeOrder(b), 0.1)`
 */
export function sparseLu(bCols: CsrMatrix, q: Int32Array, tol = 0.1): Result<SparseLu> {
  const n = bCols.nRows;
  if (bCols.nCols !== n || q.length !== n) return fail('shape', `sparseLu: matrix ${n} x ${bCols.nCols}, order of ${q.length}`);
  const Ap = bCols.rowPtr, Ai = bCols.colIdx, Ax = bCols.values;
  let lcap = 4 * Ap[n] + n, ucap = 4 * Ap[n] + n;
  let li = new Int32Array(lcap), lx = new Float64Array(lcap);
  let ui = new Int32Array(ucap), ux = new Float64Array(ucap);
  const lp = new Int32Array(n + 1), up = new Int32Array(n + 1);
  const pinv = new Int32Array(n).fill(-1);
  const x = new Float64Array(n);
  const xi = new Int32Array(2 * n);
  const mark = new Int32Array(n).fill(-1);
  let lnz = 0, unz = 0;
  for (let k = 0; k < n; k++) {
    lp[k] = lnz;
    up[k] = unz;
    if (lnz + n > lcap) {
      lcap = 2 * lcap + n;
      ({ i: li, x: lx } = growPair(li, lx, lcap));
    }
    if (unz + n > ucap) {
      ucap = 2 * ucap + n;
      ({ i: ui, x: ux } = growPair(ui, ux, ucap));
    }
    const col = q[k];
    // x = L \ B(:, col) on the pattern reached from B(:, col) through the columns of L already built.
    let top = n;
    for (let p = Ap[col]; p < Ap[col + 1]; p++) {
      const j = Ai[p];
      if (mark[j] !== k) top = dfs(j, k, top);
    }
    for (let p = top; p < n; p++) x[xi[p]] = 0;
    for (let p = Ap[col]; p < Ap[col + 1]; p++) x[Ai[p]] += Ax[p];
    for (let px = top; px < n; px++) {
      const j = xi[px];
      const J = pinv[j];
      if (J < 0) continue;
      const xj = x[j];
      for (let p = lp[J] + 1; p < lp[J + 1]; p++) x[li[p]] -= lx[p] * xj;
    }
    let ipiv = -1, amax = -1;
    for (let p = top; p < n; p++) {
      const i = xi[p];
      if (pinv[i] < 0) {
        const t = Math.abs(x[i]);
        if (t > amax) {
          amax = t;
          ipiv = i;
        }
      } else {
        ui[unz] = pinv[i];
        ux[unz++] = x[i];
      }
    }
    if (ipiv === -1 || !(amax > 0)) return fail('singular', `matrix is singular at column ${col}`, { products: [col] });
    if (pinv[col] < 0 && Math.abs(x[col]) >= amax * tol) ipiv = col;
    const pivot = x[ipiv];
    ui[unz] = k;
    ux[unz++] = pivot;
    pinv[ipiv] = k;
    li[lnz] = ipiv;
    lx[lnz++] = 1;
    for (let p = top; p < n; p++) {
      const i = xi[p];
      if (pinv[i] < 0) {
        li[lnz] = i;
        lx[lnz++] = x[i] / pivot;
      }
      x[i] = 0;
    }
  }
  lp[n] = lnz;
  up[n] = unz;
  for (let p = 0; p < lnz; p++) li[p] = pinv[li[p]];
  return ok({ n, q, pinv, lp, li: li.slice(0, lnz), lx: lx.slice(0, lnz), up, ui: ui.slice(0, unz), ux: ux.slice(0, unz) });

  // Depth-first search from row j0 in the graph of L's built columns (CSparse cs_dfs): the stack
  // grows up from xi[0], saved positions live in xi[n..2n), finished nodes go to xi[top-1] downwards.
  function dfs(j0: number, k: number, top: number): number {
    let head = 0;
    xi[0] = j0;
    while (head >= 0) {
      const j = xi[head];
      const J = pinv[j];
      if (mark[j] !== k) {
        mark[j] = k;
        xi[n + head] = J < 0 ? 0 : lp[J] + 1;
      }
      let done = true;
      const end = J < 0 ? 0 : lp[J + 1];
      for (let p = xi[n + head]; p < end; p++) {
        const i = li[p];
        if (mark[i] === k) continue;
        xi[n + head] = p + 1;
        xi[++head] = i;
        done = false;
        break;
      }
      if (done) {
        head--;
        xi[--top] = j;
      }
    }
    return top;
  }
}


function growPair(i: Int32Array, x: Float64Array, cap: number): { i: Int32Array<ArrayBuffer>; x: Float64Array<ArrayBuffer> } {
  const ni = new Int32Array(cap), nx = new Float64Array(cap);
  ni.set(i);
  nx.set(x);
  return { i: ni, x: nx };
}

/**
 * Solves B z = b with the factors (b is not changed). Example: `luSolve(f, d)`
 */
export function luSolve(f: SparseLu, b: Float64Array): Float64Array {
  const { n, q, pinv, lp, li, lx, up, ui, ux } = f;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[pinv[i]] = b[i];
  for (let j = 0; j < n; j++) {
    const wj = w[j];
    if (wj === 0) continue;
    for (let p = lp[j] + 1; p < lp[j + 1]; p++) w[li[p]] -= lx[p] * wj;
  }
  for (let j = n - 1; j >= 0; j--) {
    w[j] /= ux[up[j + 1] - 1];
    const wj = w[j];
    if (wj === 0) continue;
    for (let p = up[j]; p < up[j + 1] - 1; p++) w[ui[p]] -= ux[p] * wj;
  }
  const z = new Float64Array(n);
  for (let k = 0; k < n; k++) z[q[k]] = w[k];
  return z;
}
