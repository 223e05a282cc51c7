// x solving (I - A) x = d (gross output for final demand d); the method is chosen from the matrix.
import type { CsrMatrix } from './csr.js';
import { csrFromTriplets } from './csr-from-triplets.js';
import { gaussSeidelSolve } from './gauss-seidel.js';
import { bicgstabSolve } from './bicgstab.js';
import { gmresSolve } from './gmres.js';
import { ssorSystem } from './krylov-system.js';
import { parallelAvailable, parallelSsorSystem } from './parallel-ssor.js';
import { tiledSplit, tiledSums, type TiledSplit } from './tiled-ssor.js';
import { jacobiSolve } from './jacobi.js';
import { leontiefOperator, TILED_MIN_N, type LeontiefOperator, type Orientation } from './leontief-operator.js';
import { minimumDegreeOrder } from './minimum-degree.js';
import { checkProductive, type Productive } from './productiveness.js';
import { fail, ok, type Result } from './result.js';
import { luSolve, sparseLu } from './sparse-lu.js';
import { norm2, type SolveInfo, type SolveMethod } from './solve-info.js';
import { transpose } from './transpose.js';
import type { KrylovSystem } from './krylov-system.js';
import { WASM_MIN_N, wasmColumnSums, wasmCsrOf, wasmPrepare, wasmSsorSystem, type WasmCsr } from './wasm-csr.js';
import type { WasmArena } from './wasm-kernels.js';
import { isWasmTiled, wasmTiledSystem, wasmTiledToCsr, type WasmTiledMatrix } from './wasm-tiles.js';

/**
 * Options for the Leontief solves. `method: 'auto'` picks: a sparse direct LU up to `directMaxN`
 * products; from WASM_MIN_N products, SSOR-preconditioned BiCGSTAB on the WebAssembly kernels (GMRES if
 * it breaks down); in between, Gauss-Seidel sweeps when the proven bound on rho(A) makes them converge
 * within ~25 sweeps, else restarted GMRES (JS kernels), whose restart length is set so its basis uses
 * at most about the matrix's own bytes. `check: false` skips the productiveness check (the caller ran it).
 * Example: `{ tolerance: 1e-10 }`
 */
export interface LeontiefOptions {
  readonly tolerance?: number;
  readonly method?: 'auto' | SolveMethod;
  readonly maxIterations?: number;
  readonly check?: boolean;
  readonly restart?: number;
  readonly directMaxN?: number;
  /** Force tiled (true) or CSR (false) products; default by size. */
  readonly tiled?: boolean;
  /**
   * Threads: on a cache-tiled matrix, 2 (the default where there are two cores; NORMA_THREADS=1 turns it
   * off) runs the block sweeps and products on the main thread and one worker. On CSR, threads for the
   * JavaScript tile kernels (`NORMA_THREADS=2` or `threads: 2` opts in; off by default).
   */
  readonly threads?: number;
  /**
   * Kernels for the iterative path: 'wasm' (SSOR-BiCGSTAB straight on CSR in WebAssembly memory; a CSR from
   * `csrAllocate` is used in place, any other is copied in) or 'js' (tiles). Default: 'wasm' from
   * WASM_MIN_N products when WebAssembly is available.
   */
  readonly kernel?: 'wasm' | 'js';
}


/** A solved system: the vector, how it was solved, and the productiveness proof used to choose. Example: `r.value.x[0]` */
export interface LeontiefSolution {
  readonly x: Float64Array;
  readonly info: SolveInfo;
  readonly productive?: Productive;
}

/** Size from which the GMRES path sweeps with two threads by default. */
export const PARALLEL_MIN_N = 1 << 18;

/** Default stopping rule: relative residual ||d - (I - A) x||_2 / ||d||_2. */
export const DEFAULT_TOLERANCE = 1e-10;
// Random sparsity fills a sparse LU almost completely, so the direct path is kept for small n.
const FALLBACK_DIRECT_MAX_N = 1500;

/** Systems up to this size are factorised (sparse LU) instead of iterated (larger ones only when an iteration fails, up to 1500). */
export const DIRECT_MAX_N = 500;

/**
 * Gross output x with (I - A) x = d; A[i][j] is input i per unit of output j. Refuses an unproductive
 * A (see `checkProductive`) and never returns an answer whose recomputed residual exceeds the tolerance.
 * Example (Miller & Blair ch. 2): A = [[0.15, 0.25], [0.2, 0.05]], d = (600, 1500) gives x = (1247.52..., 1841.58...).
 */
export function solveLeontief(a: CsrMatrix | WasmTiledMatrix, d: Float64Array, opts: LeontiefOptions = {}): Result<LeontiefSolution> {
  return solveOriented(a, d, 'quantities', opts);
}

/**
 * Solves (I - A) x = d or (I - A^T) p = l, shared by `solveLeontief` and `solvePrices`. A matrix in the
 * cache-tiled layout (`WasmTiledBuilder`, `wasmTiledFromCsr`) is solved by SSOR-BiCGSTAB on it (no copy),
 * except where the options ask for a method that needs rows whole (then on a CSR copy).
 * Example: `solveOriented(a, l, 'prices', {})`
 */
export function solveOriented(matrix: CsrMatrix | WasmTiledMatrix, b: Float64Array, orientation: Orientation, opts: LeontiefOptions): Result<LeontiefSolution> {
  if (isWasmTiled(matrix)) {
    const a = matrix;
    const n = a.nRows;
    if (b.length !== n) return fail('shape', `right-hand side has ${b.length} entries, expected ${n}`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(b[i])) return fail('not-finite', `right-hand side entry ${i} is ${b[i]}`, { products: [i] });
    const tol = opts.tolerance ?? DEFAULT_TOLERANCE;
    if (!(tol > 0 && tol < 1)) return fail('shape', `tolerance ${tol} must be in (0, 1)`);
    const m = opts.method ?? 'auto';
    const krylov = m === 'auto' || m === 'gmres' || m === 'bicgstab';
    if (!krylov || n <= (opts.directMaxN ?? DIRECT_MAX_N) || opts.kernel === 'js' || opts.tiled !== undefined)
      return solveOriented(wasmTiledToCsr(a), b, orientation, opts);
    return solveTiled(a, b, orientation, opts, tol, opts.maxIterations ?? 5000);
  }
  const a: CsrMatrix = matrix;
  const n = a.nRows;
  if (a.nCols !== n) return fail('shape', `technology matrix is ${a.nRows} x ${a.nCols}, not square`);
  if (b.length !== n) return fail('shape', `right-hand side has ${b.length} entries, expected ${n}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(b[i])) return fail('not-finite', `right-hand side entry ${i} is ${b[i]}`, { products: [i] });
  const tol = opts.tolerance ?? DEFAULT_TOLERANCE;
  if (!(tol > 0 && tol < 1)) return fail('shape', `tolerance ${tol} must be in (0, 1)`);
  const maxIterations = opts.maxIterations ?? 5000;
  const directMaxN = opts.directMaxN ?? DIRECT_MAX_N;
  const auto = (opts.method ?? 'auto') === 'auto';
  const tiled = opts.tiled ?? n >= TILED_MIN_N;
  const iterative = n > directMaxN && (opts.method === undefined || opts.method === 'auto' || opts.method === 'gmres' || opts.method === 'bicgstab');
  if (iterative && opts.tiled === undefined && opts.threads === undefined && (opts.kernel ?? (n >= WASM_MIN_N ? 'wasm' : 'js')) === 'wasm') {
    const w = wasmCsrOf(a);
    if (w) return solveWasm(w, a, b, orientation, opts, tol, maxIterations);
  }
  // Large systems go straight to SSOR-GMRES on tiles; the tiles also give A's column sums cheaply.
  let split: TiledSplit | null = null;
  // Off by default: on the 2-core reference machine the two-block sweep needed 14 instead of 8
  // iterations and ran slower; NORMA_THREADS=2 or `threads: 2` opts in.
  const threads = opts.threads ?? (Number(process.env.NORMA_THREADS) || 1);
  const parallel = threads > 1 && parallelAvailable();
  if ((auto && tiled && n > directMaxN) || opts.method === 'gmres' || opts.method === 'bicgstab') split = tiledSplit(a, orientation, undefined, parallel);
  let productive: Productive | undefined;
  if (opts.check !== false) {
    const columnSums = split ? tiledSums(split, orientation === 'quantities') : undefined;
    const c = checkProductive(a, { columnSums });
    if (!c.ok) return c;
    productive = c.value;
  }
  let method = opts.method ?? 'auto';
  const bound = productive?.bound ?? 1;
  if (method === 'auto') {
    if (n <= directMaxN) method = 'direct';
    else if (split) method = 'gmres';
    else {
      const sweeps = bound < 1 ? Math.log(tol) / Math.log(Math.max(bound, 1e-3)) : Infinity;
      method = sweeps <= 25 ? 'gauss-seidel' : 'gmres';
    }
  }
  const first = run(method);
  if (first.ok || !auto || method === 'direct' || n > FALLBACK_DIRECT_MAX_N || first.error.code !== 'not-converged') return first;
  // An iteration that stalls on a mid-sized system still has an exact answer within reach.
  return run('direct');

  function run(m: SolveMethod): Result<LeontiefSolution> {
    if (m === 'direct') return direct(a, b, orientation, tol, productive);
    if (m === 'gauss-seidel') {
      const rows = orientation === 'quantities' ? a : transpose(a);
      const r = gaussSeidelSolve(rows, b, { tolerance: tol, maxIterations });
      return r.ok ? ok({ x: r.value.z, info: r.value.info, productive }) : r;
    }
    if (m === 'jacobi') {
      const op: LeontiefOperator = leontiefOperator(a, orientation, opts.tiled);
      const r = jacobiSolve(op, b, { tolerance: tol, maxIterations });
      return r.ok ? ok({ x: r.value.z, info: r.value.info, productive }) : r;
    }
    const restart = opts.restart ?? restartFor(a);
    const ts = split ?? tiledSplit(a, orientation);
    if (m === 'bicgstab') {
      const r = bicgstabSolve(ssorSystem(ts), b, { tolerance: tol, maxIterations });
      return r.ok ? ok({ x: r.value.z, info: r.value.info, productive }) : r;
    }
    const par = parallel ? parallelSsorSystem(ts, restart + 6) : null;
    try {
      const r = gmresSolve(par ?? ssorSystem(ts), b, { tolerance: tol, maxIterations, restart });
      return r.ok ? ok({ x: r.value.z, info: r.value.info, productive }) : r;
    } finally {
      par?.close();
    }
  }
}

// SSOR-preconditioned BiCGSTAB (GMRES if it breaks down or stalls) on the wasm kernels, straight on CSR.
// One streaming pass gives the sweeps' diagonal positions, the row sums and the smallest entry.
function solveWasm(w: WasmCsr, a: CsrMatrix, b: Float64Array, orientation: Orientation, opts: LeontiefOptions, tol: number, maxIterations: number): Result<LeontiefSolution> {
  const ar = w.arena;
  const mark = ar.mark();
  const n = a.nRows;
  try {
    const prep = wasmPrepare(w, false);
    let maxR = 0;
    for (let i = 0; i < n; i++) maxR = prep.rowSums[i] > maxR || prep.rowSums[i] !== prep.rowSums[i] ? prep.rowSums[i] : maxR;
    const entriesOk = prep.min >= 0 && Number.isFinite(maxR);
    ar.release(prep.sumsMark);
    return solveArena(
      {
        ar,
        n,
        maxR,
        entriesOk,
        system: () => wasmSsorSystem(w, prep, orientation),
        full: () => (entriesOk ? checkProductive(a, { columnSums: wasmColumnSums(w), entriesNonNegative: false }) : checkProductive(a)),
        restart: opts.restart ?? wasmRestartFor(a.rowPtr[n], n),
        csr: () => a,
      },
      b,
      orientation,
      opts,
      tol,
      maxIterations,
    );
  } finally {
    ar.release(mark);
  }
}

// The same on the cache-tiled layout: the build gave the row sums' maximum and the smallest entry; the
// full check (only when the answer cannot prove productiveness) needs the matrix as CSR, a copy.
function solveTiled(m: WasmTiledMatrix, b: Float64Array, orientation: Orientation, opts: LeontiefOptions, tol: number, maxIterations: number): Result<LeontiefSolution> {
  const ar = m.arena;
  const mark = ar.mark();
  let csr: CsrMatrix | null = null;
  const asCsr = () => (csr ??= wasmTiledToCsr(m));
  try {
    const entriesOk = m.minEntry >= 0 && Number.isFinite(m.maxRowSum);
    return solveArena(
      {
        ar,
        n: m.nRows,
        maxR: m.maxRowSum,
        entriesOk,
        system: () => wasmTiledSystem(m, orientation, opts.threads),
        full: () => checkProductive(asCsr()),
        restart: opts.restart ?? wasmRestartFor(m.nnz, m.nRows),
        csr: asCsr,
      },
      b,
      orientation,
      opts,
      tol,
      maxIterations,
    );
  } finally {
    ar.release(mark);
  }
}

/** What `solveArena` needs of a matrix held in a wasm arena. */
interface ArenaMatrix {
  readonly ar: WasmArena;
  readonly n: number;
  /** Largest row sum (NaN or infinite if unknown) and whether every entry is finite and >= 0. */
  readonly maxR: number;
  readonly entriesOk: boolean;
  /** A fresh SSOR system (its vectors from the arena, released between attempts). */
  system(): KrylovSystem;
  /** The full productiveness check. */
  full(): Result<Productive>;
  readonly restart: number;
  /** The matrix as CSR, for the direct fallback. */
  csr(): CsrMatrix;
}

// Productiveness is proved the cheap way when it can be: row sums < 1, or afterwards from the answer
// itself (z > 0 and M z < z, read off the exact final residual: Collatz-Wielandt); only when neither
// holds does the full check run (column sums, components). An unproductive A thus still gets its named
// error, after at most a capped first attempt at solving.
function solveArena(mx: ArenaMatrix, b: Float64Array, orientation: Orientation, opts: LeontiefOptions, tol: number, maxIterations: number): Result<LeontiefSolution> {
  const { ar, n, maxR, entriesOk } = mx;
  const base = ar.mark();
  let productive: Productive | undefined;
  if (opts.check !== false) {
    if (!entriesOk) {
      const c = mx.full();
      if (!c.ok) return c;
      productive = c.value;
    } else if (maxR < 1) productive = { proof: 'row-sums', bound: maxR, maxColumnSum: NaN, maxRowSum: maxR };
  }
  const deferred = opts.check !== false && !productive;
  let cw = NaN;
  const onResidual = deferred ? (z: Float64Array, r: Float64Array) => (cw = solutionBound(z, r, b)) : undefined;
  // While unproven, a first attempt is capped so an unproductive A fails fast into the full check.
  const first = deferred ? Math.min(maxIterations, 300) : maxIterations;
  const prove = (): Result<Productive> => {
    if (productive) return ok(productive);
    const c = cw < 1 ? ok<Productive>({ proof: 'solution', bound: cw, maxColumnSum: NaN, maxRowSum: maxR }) : mx.full();
    if (c.ok) productive = c.value;
    return c;
  };
  const method = opts.method ?? 'auto';
  if (method !== 'gmres') {
    const r = bicgstabSolve(mx.system(), b, { tolerance: tol, maxIterations: first, onResidual });
    if (deferred) {
      const c = prove();
      if (!c.ok) return c;
    }
    if (r.ok) return ok({ x: r.value.z, info: r.value.info, productive });
    if (r.error.code !== 'not-converged' || (method === 'bicgstab' && first === maxIterations)) return r;
    ar.release(base);
    if (method === 'bicgstab') {
      const again = bicgstabSolve(mx.system(), b, { tolerance: tol, maxIterations });
      return again.ok ? ok({ x: again.value.z, info: again.value.info, productive }) : again;
    }
    // A breakdown or stall: start over with GMRES, whose residual never grows.
    ar.release(base);
  }
  const g = gmresSolve(mx.system(), b, { tolerance: tol, maxIterations, restart: mx.restart, onResidual: productive ? undefined : onResidual });
  if (opts.check !== false) {
    const c = prove();
    if (!c.ok) return c;
  }
  if (g.ok) return ok({ x: g.value.z, info: g.value.info, productive });
  if (method !== 'auto' || n > FALLBACK_DIRECT_MAX_N || g.error.code !== 'not-converged') return g;
  return direct(mx.csr(), b, orientation, tol, productive);
}

// A proven upper bound on rho(M) from z > 0 and the computed residual r = b - z + M z: M z = z - (b - r)
// exactly up to the rounding of r, so if b_i - r_i exceeds that rounding bound for every i, M z < z and
// rho(M) <= max_i (M z)_i / z_i < 1 (Collatz-Wielandt). NaN when that does not hold (e.g. some b_i = 0).
function solutionBound(z: Float64Array, r: Float64Array, b: Float64Array): number {
  const n = z.length;
  // r_i = b_i - z_i + sum_j m_ij z_j in floating point: error <= (n + 3) u (|b_i| + |z_i| + (M z)_i), and (M z)_i <= |b_i| + z_i + |r_i|.
  const g = (n + 8) * 2 ** -52;
  let bound = 0;
  for (let i = 0; i < n; i++) {
    const zi = z[i], bi = b[i], ri = r[i];
    if (!(zi > 0)) return NaN;
    const q = bi - ri - g * (2 * Math.abs(bi) + 2 * zi + Math.abs(ri));
    if (!(q > 0)) return NaN;
    const t = 1 - q / zi;
    if (t > bound) bound = t;
  }
  return bound < 1 ? bound : NaN;
}

// Restart length for the wasm path from the memory budget: besides the caller's matrix, the solve holds
// restart + 3.5 vectors (GMRES's basis and iterate, the sweeps' t and diagonal positions); keep them
// within about 0.75x the matrix's bytes (12 per entry, 4 per row), between 6 and 30.
function wasmRestartFor(nnz: number, n: number): number {
  if (n < 64) return Math.max(1, n);
  return Math.max(6, Math.min(30, Math.floor((0.75 * (12 * nnz + 4 * (n + 1))) / (8 * n) - 3.5)));
}

// Restart length from the memory budget: the basis may take about the matrix's own bytes (12 per
// entry), between 8 and 30 vectors. SSOR-preconditioned GMRES on economies needs ~10-15 iterations.
function restartFor(a: CsrMatrix): number {
  const n = a.nRows;
  if (n < 64) return Math.max(1, n);
  return Math.max(8, Math.min(30, Math.floor((12 * a.rowPtr[n]) / (8 * n)) - 4));
}

// Sparse LU of B = I - A (or I - A^T), then one step of iterative refinement if the residual asks for it.
function direct(a: CsrMatrix, b: Float64Array, orientation: Orientation, tol: number, productive?: Productive): Result<LeontiefSolution> {
  const n = a.nRows;
  const ri = new Int32Array(a.rowPtr[n] + n), ci = new Int32Array(a.rowPtr[n] + n), vi = new Float64Array(a.rowPtr[n] + n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    ri[k] = i;
    ci[k] = i;
    vi[k++] = 1;
    for (let p = a.rowPtr[i], e = a.rowPtr[i + 1]; p < e; p++) {
      // B = I - A: row i column j. For prices B = I - A^T: row j column i.
      ri[k] = orientation === 'quantities' ? i : a.colIdx[p];
      ci[k] = orientation === 'quantities' ? a.colIdx[p] : i;
      vi[k++] = -a.values[p];
    }
  }
  const bm = csrFromTriplets(n, n, ri, ci, vi);
  if (!bm.ok) return bm;
  const B = bm.value;
  // A nearly dense pattern fills anyway: skip the (then quadratic) minimum-degree search.
  const order = B.rowPtr[n] > (n * n) / 8 ? Int32Array.from({ length: n }, (_, i) => i) : minimumDegreeOrder(B);
  const f = sparseLu(transpose(B), order, 0.1);
  if (!f.ok) return f;
  const x = luSolve(f.value, b);
  const bn = norm2(b);
  let rel = residual(B, x, b, bn);
  let iterations = 1;
  for (let step = 0; step < 3 && rel > tol * 1e-3 && Number.isFinite(rel); step++) {
    const r = new Float64Array(n);
    residualVector(B, x, b, r);
    const dx = luSolve(f.value, r);
    for (let i = 0; i < n; i++) x[i] += dx[i];
    rel = residual(B, x, b, bn);
    iterations++;
  }
  if (!(rel <= tol)) return fail('not-converged', `direct solve: relative residual ${rel.toExponential(3)} above tolerance ${tol}`);
  return ok({ x, info: { method: 'direct', iterations, residual: rel, products: iterations }, productive });
}

function residualVector(B: CsrMatrix, x: Float64Array, b: Float64Array, r: Float64Array): void {
  for (let i = 0; i < B.nRows; i++) {
    let s = b[i];
    for (let p = B.rowPtr[i], e = B.rowPtr[i + 1]; p < e; p++) s -= B.values[p] * x[B.colIdx[p]];
    r[i] = s;
  }
}

function residual(B: CsrMatrix, x: Float64Array, b: Float64Array, bn: number): number {
  if (bn === 0) return 0;
  const r = new Float64Array(B.nRows);
  residualVector(B, x, b, r);
  return norm2(r) / bn;
}

/**
 * Exact relative residual ||b - (I - M) z|| / ||b|| for M = A or A^T, with one product; what `--timings` prints.
 * Example: `leontiefResidual(a, x, d, 'quantities') <= 1e-10`
 */
export function leontiefResidual(a: CsrMatrix, z: Float64Array, b: Float64Array, orientation: Orientation): number {
  const op = leontiefOperator(a, orientation, false);
  const y = new Float64Array(a.nRows);
  op.mul(z, y);
  for (let i = 0; i < a.nRows; i++) y[i] = b[i] - z[i] + y[i];
  const bn = norm2(b);
  return bn === 0 ? norm2(y) : norm2(y) / bn;
}
