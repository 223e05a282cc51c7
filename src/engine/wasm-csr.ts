// CSR matrices in a wasm arena, and the SSOR-preconditioned Krylov system for (I - A) x = d or (I - A^T) p = l running on the wasm kernels straight from CSR.
import type { CsrMatrix } from './csr.js';
import type { KrylovSystem, KrylovVectorOps } from './krylov-system.js';
import type { Orientation } from './leontief-operator.js';
import { WasmArena } from './wasm-kernels.js';

/** Size from which solves run on the WebAssembly kernels by default, and csrFromTriplets builds in engine memory. */
export const WASM_MIN_N = 1 << 17;

// Arrays handed out by csrAllocate (and copies made by wasmCsrOf), so a solve finds their arena.
const arenas = new WeakMap<ArrayBufferLike, WasmArena>();

function register(ar: WasmArena, ...views: ArrayBufferView[]): void {
  for (const v of views) arenas.set(v.buffer, ar);
}

/**
 * An empty n x n CSR with room for nnz entries in engine-owned (WebAssembly) memory, for readers that
 * fill it in place: solves then run on it without a copy. Falls back to plain arrays where wasm is unavailable.
 * Fill rowPtr (n + 1), colIdx and values (sorted unique columns per row, as for any CsrMatrix).
 * Example: `const a = csrAllocate(n, nnz); a.rowPtr.set(...); solveLeontief(a, d)`
 */
export function csrAllocate(nRows: number, nCols: number, nnz: number): CsrMatrix {
  // Room for the solver's vectors too, so the first solve does not have to grow (untouched pages cost nothing).
  const bytes = 4 * (nRows + 1) + 12 * nnz;
  const ar = WasmArena.create(bytes + 64 * 4);
  if (!ar) return { nRows, nCols, rowPtr: new Int32Array(nRows + 1), colIdx: new Int32Array(nnz), values: new Float64Array(nnz) };
  const rowPtr = ar.i32(nRows + 1, false), colIdx = ar.i32(nnz, false), values = ar.f64(nnz, false);
  register(ar, rowPtr, colIdx, values);
  return { nRows, nCols, rowPtr, colIdx, values };
}

/** A CSR matrix as the kernels see it: its arena and the byte addresses of its arrays. */
export interface WasmCsr {
  readonly arena: WasmArena;
  readonly a: CsrMatrix;
  readonly n: number;
  readonly rp: number;
  readonly ci: number;
  readonly va: number;
  /** Whether the arrays were copied into the arena for this solve (the caller's were plain arrays). */
  readonly copied: boolean;
}

/**
 * The wasm view of a square CSR matrix: its own arena when it was made by `csrAllocate`, else a copy
 * in a fresh arena (`copy` = false refuses that). Null where wasm is unavailable or the matrix does not fit.
 * Example: `const w = wasmCsrOf(a, true)`
 */
export function wasmCsrOf(a: CsrMatrix, copy = true): WasmCsr | null {
  const n = a.nRows;
  const nnz = a.rowPtr[n];
  const ar = arenas.get(a.rowPtr.buffer);
  if (ar && ar.owns(a.colIdx) && ar.owns(a.values))
    return { arena: ar, a, n, rp: ar.ptr(a.rowPtr), ci: ar.ptr(a.colIdx), va: ar.ptr(a.values), copied: false };
  if (!copy) return null;
  const bytes = 4 * (n + 1) + 12 * nnz;
  const fresh = WasmArena.create(bytes + 64 * 4);
  if (!fresh || !fresh.fits(bytes + 8 * 16 * n)) return null;
  const rowPtr = fresh.i32(n + 1, false), colIdx = fresh.i32(nnz, false), values = fresh.f64(nnz, false);
  rowPtr.set(a.rowPtr.subarray(0, n + 1));
  colIdx.set(a.colIdx.subarray(0, nnz));
  values.set(a.values.subarray(0, nnz));
  register(fresh, rowPtr, colIdx, values);
  const b: CsrMatrix = { nRows: n, nCols: a.nCols, rowPtr, colIdx, values };
  return { arena: fresh, a: b, n, rp: fresh.ptr(rowPtr), ci: fresh.ptr(colIdx), va: fresh.ptr(values), copied: true };
}

/** What one pass over A gives: the sweeps' diagonal positions, and what the productiveness check reads. */
export interface WasmPrepared {
  /** mid[i] = index of row i's first entry with column >= i (kept for the sweeps). */
  readonly mid: Int32Array;
  readonly rowSums: Float64Array;
  /** Column sums, when asked for. */
  readonly colSums: Float64Array | null;
  /** Smallest coefficient (NaN if any is NaN). */
  readonly min: number;
  /** Arena mark above mid: release it once the sums have been read. */
  readonly sumsMark: number;
}

/**
 * One pass over A in the arena: mid for the sweeps, row sums, the smallest entry, and column sums if
 * `columnSums` (a scatter over all of them: measured about 2x the cost of a product).
 * Example: `const p = wasmPrepare(w, true); checkProductive(a, { columnSums: p.colSums }); w.arena.release(p.sumsMark)`
 */
export function wasmPrepare(w: WasmCsr, columnSums = true): WasmPrepared {
  const ar = w.arena, n = w.n;
  const mid = ar.i32(n, false);
  const sumsMark = ar.mark();
  const rowSums = ar.f64(n, false), colSums = columnSums ? ar.f64(n) : null;
  const min = ar.k.sums(n, w.rp, w.ci, w.va, ar.ptr(mid), ar.ptr(rowSums), colSums ? ar.ptr(colSums) : 0);
  return { mid, rowSums, colSums, min, sumsMark };
}

/**
 * Column sums of A in the arena (one scatter pass). Example: `checkProductive(a, { columnSums: wasmColumnSums(w) })`
 */
export function wasmColumnSums(w: WasmCsr): Float64Array {
  const ar = w.arena, n = w.n;
  const m = ar.mark();
  const mid = ar.i32(n, false), rs = ar.f64(n, false), cs = ar.f64(n);
  ar.k.sums(n, w.rp, w.ci, w.va, ar.ptr(mid), ar.ptr(rs), ar.ptr(cs));
  const out = new Float64Array(cs);
  ar.release(m);
  return out;
}

/**
 * The Krylov solvers' vector work as wasm kernels on vectors of length n from the arena `ar`.
 * Example: `const vec = wasmVectorOps(ar, n); vec.dot(x, y)`
 */
export function wasmVectorOps(ar: WasmArena, n: number): KrylovVectorOps {
  const k = ar.k;
  // Gram-Schmidt coefficients in wasm memory, grown for long restarts.
  let h = ar.f64(32, false);
  const hFor = (count: number): Float64Array => (count <= h.length ? h : (h = ar.f64(2 * count, false)));
  const P = (v: Float64Array) => {
    if (!ar.owns(v)) throw new Error('wasm vector ops: vector not from allocate()');
    return v.byteOffset;
  };
  return {
    dotsAndNorm(V, count, x, hh) {
      const h = hFor(count);
      h.set(hh.subarray(0, count));
      const nn = k.dots(P(V), n, count, P(x), ar.ptr(h));
      hh.set(h.subarray(0, count));
      return nn;
    },
    subtractProjections(V, count, x, hh) {
      const h = hFor(count);
      h.set(hh.subarray(0, count));
      return Math.sqrt(k.subtract(P(V), n, count, P(x), ar.ptr(h)));
    },
    combine(V, count, y, s) {
      const h = hFor(count);
      h.set(y.subarray(0, count));
      k.combine(P(V), n, count, ar.ptr(h), P(s));
    },
    scale(x, a) {
      k.scale(P(x), n, a);
    },
    addTo(z, r) {
      k.scaleAdd(P(z), P(r), n, 1);
    },
    dot(x, y) {
      const h = hFor(1);
      h[0] = 0;
      k.dots(P(x), n, 1, P(y), ar.ptr(h));
      return h[0];
    },
    axpyTo(out, x, a, y) {
      k.axpyTo(P(out), P(x), P(y), n, a);
    },
    bicg: {
      direction(p, r, v, beta, omega) {
        k.bicgP(P(p), P(r), P(v), n, beta, omega);
      },
      half(r, v, u, p, alpha) {
        return k.bicgS(P(r), P(v), P(u), P(p), n, alpha);
      },
      dot2(t, r) {
        const h = hFor(2);
        k.dot2(P(t), P(r), n, ar.ptr(h));
        return [h[0], h[1]];
      },
      full(u, r, t, rh, omega) {
        const h = hFor(2);
        k.bicgR(P(u), P(r), P(t), P(rh), n, omega, ar.ptr(h));
        return [h[0], h[1]];
      },
    },
  };
}

/**
 * Symmetric Gauss-Seidel split preconditioning of I - M (M = A for quantities, A^T for prices) with
 * Eisenstat's trick, as `ssorSystem` but on CSR in wasm: one backward and one forward sweep per apply
 * (one pass over the matrix), rows gathered for A, rows scattered for A^T. Vectors come from the arena.
 * Example: `gmresSolve(wasmSsorSystem(w, wasmPrepare(w), 'quantities'), d, opts)`
 */
export function wasmSsorSystem(w: WasmCsr, prepared: { readonly mid: Int32Array }, orientation: Orientation): KrylovSystem {
  const ar = w.arena, k = ar.k, n = w.n;
  const { rp, ci, va } = w;
  const mid = ar.ptr(prepared.mid);
  const t = ar.f64(n, false);
  const pt = ar.ptr(t);
  const P = (v: Float64Array) => {
    if (!ar.owns(v)) throw new Error('wasmSsorSystem: vector not from allocate()');
    return v.byteOffset;
  };
  const rows = orientation === 'quantities';
  const vec = wasmVectorOps(ar, n);
  return {
    n,
    name: 'ssor-wasm',
    allocate: (len, zero) => ar.f64(len, zero ?? true),
    vec,
    apply(v, out) {
      if (rows) {
        k.rowsBackward(n, rp, ci, va, mid, P(v), pt, P(out));
        k.rowsForward(n, rp, ci, va, mid, P(out), P(out));
      } else {
        t.set(v);
        k.colsBackward(n, rp, ci, va, mid, P(v), pt, P(out));
        k.colsForward(n, rp, ci, va, mid, P(out));
      }
      k.scaleAdd(P(out), pt, n, 1);
    },
    left(r, out) {
      if (rows) k.rowsForward(n, rp, ci, va, mid, P(r), P(out));
      else {
        if (out !== r) out.set(r);
        k.colsForward(n, rp, ci, va, mid, P(out));
      }
    },
    right(u, out) {
      if (rows) k.rowsBackward(n, rp, ci, va, mid, P(u), P(out), 0);
      else {
        if (out !== u) out.set(u);
        k.colsBackward(n, rp, ci, va, mid, P(u), P(out), 0);
      }
    },
    // b stays the caller's array (saves a vector): the kernel forms M z, the sum is done here.
    plainRhs: true,
    residual(z, b, out) {
      if (rows) k.rowsMul(n, rp, ci, va, P(z), P(out), 0);
      else {
        k.zero(P(out), 8 * n);
        k.colsMul(n, rp, ci, va, P(z), P(out));
      }
      for (let i = 0; i < n; i++) out[i] = b[i] - z[i] + out[i];
    },
  };
}
