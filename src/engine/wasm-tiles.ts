// A cache-tiled layout of a large square sparse matrix in WebAssembly memory, built while the matrix is read, and the SSOR Krylov system on it.
import { csrFromTriplets } from './csr-from-triplets.js';
import type { CsrMatrix } from './csr.js';
import type { KrylovSystem } from './krylov-system.js';
import type { Orientation } from './leontief-operator.js';
import { fail, ok, type Result } from './result.js';
import { WASM_MIN_N, wasmVectorOps } from './wasm-csr.js';
import { WasmArena } from './wasm-kernels.js';
import { TeamProgram, WasmTeam, type TeamArg } from './wasm-team.js';

/**
 * A square matrix A split by blocks of W = 2^blockBits products, for products and Gauss-Seidel sweeps
 * whose random column accesses stay in cache:
 *
 * * the block-diagonal part (row and column in the same block) is a CSR matrix `diag` with global
 *   column indices, plus `mid` (row i's first entry with column >= i), swept row by row as usual;
 * * every other entry is in a tile: stripe c (columns of block c) x block b (rows of block b) x tile t
 *   (H = 2^tileBits rows), tiles stored stripe by stripe, block by block, in row order, each entry as a
 *   packed index (row in tile) << blockBits | (column in stripe) and its value. A pass over one stripe
 *   reads x only inside that block (W doubles, cache-resident) and writes y one tile (H doubles) at a time.
 *
 * With S = ceil(n / W) blocks, a forward sweep is: for each block c, sweep its diagonal rows, then add
 * stripe c's tiles below the diagonal into the later blocks; the result is exactly the row-ordered
 * Gauss-Seidel sweep (only the order of additions differs). Bytes: 12 per entry plus 8 per row (as CSR
 * with `mid`). `maxRowSum` (of max(0, row sums)) and `minEntry` come from the build.
 * Example: `const m = wasmTiledFromCsr(a); if (m.ok) solveLeontief(m.value, d)`
 */
export interface WasmTiledMatrix {
  readonly kind: 'wasm-tiled';
  readonly nRows: number;
  readonly nCols: number;
  readonly nnz: number;
  readonly blockBits: number;
  readonly tileBits: number;
  /** Number of blocks S. */
  readonly blocks: number;
  readonly arena: WasmArena;
  readonly diag: CsrMatrix;
  readonly mid: Int32Array;
  /** S * S * 2^(blockBits - tileBits) + 1 tile starts (entry indices into tileIdx / tileVal). */
  readonly tilePtr: Int32Array;
  readonly tileIdx: Int32Array;
  readonly tileVal: Float64Array;
  readonly maxRowSum: number;
  /** Smallest entry (NaN if there is none... never: +Infinity for an empty matrix). */
  readonly minEntry: number;
  /** Bytes of the layout (what the matrix occupies in engine memory). */
  readonly bytes: number;
}

/** Block and tile sizes (powers of two; blockBits + tileBits <= 32, tileBits <= blockBits). */
export interface TiledLayout {
  readonly blockBits?: number;
  readonly tileBits?: number;
}

/**
 * Default block width for n products, between 2^12 and 2^18 (x of a block, at most 2 MiB, stays in
 * cache while its stripe is read): 2^14 at n = 1e6 (62 blocks), 2^18 at n = 1e7 (39 blocks), the best
 * of 2^13..2^18 measured at those sizes; the rule interpolates in log n.
 * Example: `tiledBlockBits(1e6) === 14`
 */
export function tiledBlockBits(n: number): number {
  return Math.max(12, Math.min(TILED_BLOCK_BITS, Math.round(1.2 * Math.log2(Math.max(2, n)) - 9.9)));
}
/** Largest default block width (bits). */
export const TILED_BLOCK_BITS = 18;
/** Default tile height: 2^11 rows (16 KiB of y per tile, in L1). */
export const TILED_TILE_BITS = 11;

export function isWasmTiled(a: unknown): a is WasmTiledMatrix {
  return typeof a === 'object' && a !== null && (a as { kind?: unknown }).kind === 'wasm-tiled';
}

/**
 * Builds a `WasmTiledMatrix` from a CSR matrix that arrives in row order, in chunks: `count` sees every
 * column index once (in order), then `fill` sees every (column, value) once more, then `finish`. Only
 * the row pointers (n + 1) are needed whole, so a reader can stream column and value files twice
 * without ever holding the CSR arrays. Columns must be sorted and unique inside each row; values finite.
 * Example: `const b = WasmTiledBuilder.create(n, nnz, rowPtr)!; b.count(ci); b.fill(ci, va); const m = b.finish()`
 */
export class WasmTiledBuilder {
  private readonly n: number;
  private readonly nnz: number;
  private readonly rowPtr: Int32Array;
  private readonly wb: number;
  private readonly hb: number;
  private readonly S: number;
  private readonly T: number;
  private readonly ar: WasmArena;
  private readonly drp: Int32Array;
  private readonly mid: Int32Array;
  private readonly tp: Int32Array;
  private dci: Int32Array | null = null;
  private dva: Float64Array | null = null;
  private tix: Int32Array | null = null;
  private tva: Float64Array | null = null;
  private cur: Int32Array | null = null;
  private phase: 'count' | 'fill' | 'done' = 'count';
  // Stream position: next entry p, its row, and (fill) the next diagonal slot, the row's sum.
  private p = 0;
  private row = 0;
  private prevCol = -1;
  private dq = 0;
  private rowSum = 0;
  private maxRowSum = 0;
  private min = Infinity;
  private error: string | null = null;

  private constructor(n: number, nnz: number, rowPtr: Int32Array, wb: number, hb: number, ar: WasmArena) {
    this.n = n;
    this.nnz = nnz;
    this.rowPtr = rowPtr;
    this.wb = wb;
    this.hb = hb;
    this.S = Math.max(1, Math.ceil(n / 2 ** wb));
    this.T = 2 ** (wb - hb);
    this.ar = ar;
    this.drp = ar.i32(n + 1);
    this.mid = ar.i32(n, false);
    this.tp = ar.i32(this.S * this.S * this.T + 1);
  }

  /**
   * A builder for an n x n matrix with nnz entries and these row pointers, or a failure (bad row
   * pointers or layout), or null where WebAssembly is unavailable or the matrix cannot fit in 4 GiB.
   */
  static create(n: number, nnz: number, rowPtr: Int32Array, layout: TiledLayout = {}): Result<WasmTiledBuilder> | null {
    const wb = layout.blockBits ?? tiledBlockBits(n), hb = Math.min(layout.tileBits ?? TILED_TILE_BITS, wb);
    if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(nnz) && nnz >= 0 && nnz < 2 ** 31)) return fail('shape', `bad size ${n} x ${n} with ${nnz} entries`);
    if (!(Number.isInteger(wb) && Number.isInteger(hb) && hb >= 0 && wb >= 1 && wb <= 30 && wb + hb <= 32)) return fail('shape', `bad tile layout 2^${wb} x 2^${hb}`);
    if (rowPtr.length < n + 1 || rowPtr[0] !== 0 || rowPtr[n] !== nnz) return fail('shape', `row pointers must run from 0 to ${nnz} over ${n} rows`);
    for (let i = 0; i < n; i++) if (rowPtr[i + 1] < rowPtr[i]) return fail('shape', `row pointers decrease at row ${i}`);
    const S = Math.max(1, Math.ceil(n / 2 ** wb)), T = 2 ** (wb - hb);
    if (S * S * T > 2 ** 28) return fail('shape', `tile layout 2^${wb} x 2^${hb} has too many tiles for n = ${n}`);
    const bytes = 8 * (n + 1) + 4 * (S * S * T + 1) + 12 * nnz;
    const ar = WasmArena.create(bytes + 1024);
    if (!ar || !ar.fits(bytes + 1024)) return null;
    return ok(new WasmTiledBuilder(n, nnz, rowPtr, wb, hb, ar));
  }

  /** The next entries' column indices (first pass). */
  count(cols: Int32Array): Result<void> {
    if (this.phase !== 'count') return fail('shape', 'tiled build: count after fill');
    if (this.error) return fail('index', this.error);
    const { n, wb, hb, S, T, rowPtr, drp, tp } = this;
    // n < 2^31 and W <= 2^30: shifts and masks are exact on these indices.
    const W = 2 ** wb, ST = S * T;
    const len = Math.min(cols.length, this.nnz - this.p);
    let k = 0;
    while (k < len) {
      const q = this.p + k;
      while (rowPtr[this.row + 1] <= q) {
        this.row++;
        this.prevCol = -1;
      }
      const i = this.row, bi = i >> wb;
      const base = bi * T + ((i & (W - 1)) >> hb) + 1;
      const stop = Math.min(len, k + rowPtr[i + 1] - q);
      let prev = this.prevCol, dn = 0;
      for (; k < stop; k++) {
        const c = cols[k];
        if (!(c > prev && c < n)) {
          this.error =
            c >= n || c < 0 ? `entry ${this.p + k}: column ${c} out of range [0, ${n})` : `row ${i}: columns not sorted and unique (${prev} then ${c})`;
          return fail('index', this.error);
        }
        prev = c;
        const bj = c >> wb;
        if (bj === bi) dn++;
        else tp[bj * ST + base]++;
      }
      drp[i + 1] += dn;
      this.prevCol = prev;
    }
    this.p += len;
    return ok(undefined);
  }

  // After counting: prefix sums, the entry arrays, the fill cursors.
  private layout(): Result<void> {
    if (this.p !== this.nnz) return fail('shape', `tiled build: ${this.p} of ${this.nnz} entries counted`);
    const { n, drp, tp, ar } = this;
    for (let i = 0; i < n; i++) drp[i + 1] += drp[i];
    for (let g = 0; g + 1 < tp.length; g++) tp[g + 1] += tp[g];
    this.mid.set(drp.subarray(0, n));
    const nd = drp[n], no = tp[tp.length - 1];
    this.dci = ar.i32(nd, false);
    this.dva = ar.f64(nd, false);
    this.tix = ar.i32(no, false);
    this.tva = ar.f64(no, false);
    this.cur = tp.slice(0, tp.length - 1);
    this.phase = 'fill';
    this.p = 0;
    this.row = 0;
    this.dq = 0;
    return ok(undefined);
  }

  /** The next entries' column indices and values again (second pass), in the same order. */
  fill(cols: Int32Array, vals: Float64Array): Result<void> {
    if (this.phase === 'count') {
      const l = this.layout();
      if (!l.ok) return l;
    }
    if (this.phase !== 'fill') return fail('shape', 'tiled build: fill after finish');
    if (this.error) return fail('index', this.error);
    const { wb, hb, S, T, rowPtr, mid } = this;
    const dci = this.dci!, dva = this.dva!, tix = this.tix!, tva = this.tva!, cur = this.cur!;
    const W = 2 ** wb, ST = S * T;
    const len = Math.min(cols.length, vals.length, this.nnz - this.p);
    let k = 0;
    let min = this.min, maxR = this.maxRowSum, rs = this.rowSum, dq = this.dq;
    while (k < len) {
      const q = this.p + k;
      while (rowPtr[this.row + 1] <= q) {
        if (!(rs <= maxR)) maxR = rs;
        rs = 0;
        this.row++;
      }
      const i = this.row, bi = i >> wb;
      const base = bi * T + ((i & (W - 1)) >> hb);
      const r = i & ((1 << hb) - 1);
      // The packed index: multiplication, not <<, so that 32 bits never turn the sign bit into a negative number.
      const rowPart = r * W;
      const stop = Math.min(len, k + rowPtr[i + 1] - q);
      let below = 0;
      for (; k < stop; k++) {
        const c = cols[k], v = vals[k];
        // The same columns as counted (a different stream would spill into other tiles; checked in finish).
        if (!(c >= 0 && c < this.n)) {
          this.error = `entry ${this.p + k}: column ${c} out of range [0, ${this.n}) (fill)`;
          return fail('index', this.error);
        }
        if (!Number.isFinite(v)) {
          this.error = `entry ${this.p + k} (row ${i}, column ${c}): value ${v} is not finite`;
          return fail('not-finite', this.error);
        }
        if (v < min) min = v;
        rs += v;
        const bj = c >> wb;
        if (bj === bi) {
          dci[dq] = c;
          dva[dq++] = v;
          if (c < i) below++;
        } else {
          const at = cur[bj * ST + base]++;
          tix[at] = rowPart + (c & (W - 1));
          tva[at] = v;
        }
      }
      mid[i] += below;
    }
    this.p += len;
    this.min = min;
    this.maxRowSum = maxR;
    this.rowSum = rs;
    this.dq = dq;
    return ok(undefined);
  }

  /** The matrix, once both passes have seen every entry. */
  finish(): Result<WasmTiledMatrix> {
    if (this.phase === 'count' && this.nnz === 0) {
      const l = this.layout();
      if (!l.ok) return l;
    }
    if (this.error) return fail('index', this.error);
    if (this.phase !== 'fill' || this.p !== this.nnz) return fail('shape', `tiled build: ${this.p} of ${this.nnz} entries filled`);
    let maxR = this.maxRowSum;
    if (!(this.rowSum <= maxR)) maxR = this.rowSum;
    const { n, ar, tp } = this;
    // Every tile and the diagonal part filled exactly as counted (else the fill saw other columns).
    const cur = this.cur!;
    let same = this.dq === this.drp[n];
    for (let g = 0; g < cur.length && same; g++) same = cur[g] === tp[g + 1];
    if (!same) return fail('index', 'tiled build: the fill pass saw other columns than the count pass');
    this.phase = 'done';
    const diag: CsrMatrix = { nRows: n, nCols: n, rowPtr: this.drp, colIdx: this.dci!, values: this.dva! };
    const bytes = this.drp.byteLength + this.mid.byteLength + this.tp.byteLength + 12 * this.nnz;
    return ok({
      kind: 'wasm-tiled',
      nRows: n,
      nCols: n,
      nnz: this.nnz,
      blockBits: this.wb,
      tileBits: this.hb,
      blocks: this.S,
      arena: ar,
      diag,
      mid: this.mid,
      tilePtr: this.tp,
      tileIdx: this.tix!,
      tileVal: this.tva!,
      maxRowSum: maxR,
      minEntry: this.min,
      bytes,
    });
  }
}

/**
 * The tiled layout of a CSR matrix (a copy; the CSR stays the caller's). Null where wasm is unavailable.
 * Example: `const m = wasmTiledFromCsr(a, { blockBits: 10 })`
 */
export function wasmTiledFromCsr(a: CsrMatrix, layout: TiledLayout = {}): Result<WasmTiledMatrix> | null {
  if (a.nRows !== a.nCols) return fail('shape', `technology matrix is ${a.nRows} x ${a.nCols}, not square`);
  const n = a.nRows, nnz = a.rowPtr[n];
  const b = WasmTiledBuilder.create(n, nnz, a.rowPtr, layout);
  if (!b || !b.ok) return b;
  const ci = a.colIdx.subarray(0, nnz), va = a.values.subarray(0, nnz);
  const c = b.value.count(ci);
  if (!c.ok) return c;
  const f = b.value.fill(ci, va);
  if (!f.ok) return f;
  return b.value.finish();
}

/**
 * The matrix back as plain CSR (for the checks and solvers that need rows whole; a copy).
 * Example: `checkProductive(wasmTiledToCsr(m))`
 */
export function wasmTiledToCsr(m: WasmTiledMatrix): CsrMatrix {
  const n = m.nRows, nnz = m.nnz;
  const rows = new Int32Array(nnz), cols = new Int32Array(nnz), vals = new Float64Array(nnz);
  const { rowPtr, colIdx, values } = m.diag;
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      rows[k] = i;
      cols[k] = colIdx[p];
      vals[k++] = values[p];
    }
  const W = 2 ** m.blockBits, H = 2 ** m.tileBits, T = W / H, S = m.blocks;
  for (let c = 0; c < S; c++)
    for (let b = 0; b < S; b++)
      for (let t = 0; t < T; t++) {
        const g = (c * S + b) * T + t;
        for (let p = m.tilePtr[g]; p < m.tilePtr[g + 1]; p++) {
          const e = m.tileIdx[p] >>> 0;
          rows[k] = b * W + t * H + Math.floor(e / W);
          cols[k] = c * W + (e % W);
          vals[k++] = m.tileVal[p];
        }
      }
  const r = csrFromTriplets(n, n, rows, cols, vals, k);
  if (!r.ok) throw new Error(`wasmTiledToCsr: ${r.error.message}`);
  return r.value;
}

/** The kernels' view of a tiled matrix: products and the two block sweeps, on byte addresses in its arena. */
export interface TiledOps {
  /** y = M x. */
  product(x: number, y: number): void;
  /** (D - L) w = s in place (w holds s). */
  forward(w: number): void;
  /** (D - U) t = v, and g = v - D t unless g = 0 (t may be v only when g = 0). */
  backward(v: number, t: number, g: number): void;
  /** Whether the ops run on two threads. */
  readonly threads: number;
}

/**
 * Products y = M x (M = A or A^T) and the forward and backward Gauss-Seidel sweeps of I - M, block by
 * block, on one thread, or on two (`team`): then the main thread sweeps the leading two thirds of the
 * blocks (the first for forward sweeps, the last for backward ones) and posts each finished block; the
 * worker applies the finished blocks' stripes to its own blocks as they come, then sweeps those. Both
 * write only their own blocks, so the result is the same as on one thread up to the order of additions.
 * Example: `const ops = tiledOps(m, 'quantities'); ops.product(ar.ptr(x), ar.ptr(y))`
 */
export function tiledOps(m: WasmTiledMatrix, orientation: Orientation, team: WasmTeam | null = null): TiledOps {
  const ar = m.arena, k = ar.k, n = m.nRows, S = m.blocks;
  const W = 2 ** m.blockBits, T = 2 ** (m.blockBits - m.tileBits), hb = m.tileBits, wb = m.blockBits;
  const rp = ar.ptr(m.diag.rowPtr), ci = ar.ptr(m.diag.colIdx), va = ar.ptr(m.diag.values), mid = ar.ptr(m.mid);
  const tp = ar.ptr(m.tilePtr), ix = ar.ptr(m.tileIdx), tv = ar.ptr(m.tileVal);
  const end = (c: number) => Math.min(n, (c + 1) * W);
  const rows = orientation === 'quantities';
  if (!team || S < 2) {
    // Stripe c's tiles in blocks [b0, b1): y_b += A_bc x_c.
    const gather = (c: number, b0: number, b1: number, x: number, y: number) => {
      if (b1 > b0) k.tilesGather(tp + 4 * (c * S + b0) * T, (b1 - b0) * T, ix, tv, x + 8 * c * W, y + 8 * b0 * W, hb, wb);
    };
    // The same tiles transposed: y_c += A_bc^T x_b.
    const scatter = (c: number, b0: number, b1: number, x: number, y: number) => {
      if (b1 > b0) k.tilesScatter(tp + 4 * (c * S + b0) * T, (b1 - b0) * T, ix, tv, y + 8 * c * W, x + 8 * b0 * W, hb, wb);
    };
    return {
      threads: 1,
      product(x, y) {
        if (rows) k.rowsMul(n, rp, ci, va, x, y, 0, 0);
        else {
          k.zero(y, 8 * n);
          k.colsMul(n, rp, ci, va, x, y, 0);
        }
        for (let c = 0; c < S; c++) (rows ? gather : scatter)(c, 0, S, x, y);
      },
      forward(w) {
        for (let c = 0; c < S; c++) {
          if (rows) {
            k.rowsForward(end(c), rp, ci, va, mid, w, w, c * W);
            gather(c, c + 1, S, w, w);
          } else {
            scatter(c, 0, c, w, w);
            k.colsForward(end(c), rp, ci, va, mid, w, c * W);
          }
        }
      },
      backward(v, t, g) {
        if (t !== v) k.copy(t, v, 8 * n);
        for (let c = S - 1; c >= 0; c--) {
          if (rows) {
            k.rowsBackward(end(c), rp, ci, va, mid, t, t, g, c * W, g === 0 ? 0 : v);
            gather(c, 0, c, t, t);
          } else {
            scatter(c, c + 1, S, t, t);
            k.colsBackward(end(c), rp, ci, va, mid, v, t, g, c * W);
          }
        }
      },
    };
  }
  // Two threads: programs over registers (R0, R1, R2) = the op's vectors.
  const R = (r: number, off = 0): TeamArg => ({ r, off });
  const gatherP = (p: TeamProgram, c: number, b0: number, b1: number, x: number, y: number) => {
    if (b1 > b0) p.call('tilesGather', tp + 4 * (c * S + b0) * T, (b1 - b0) * T, ix, tv, R(x, 8 * c * W), R(y, 8 * b0 * W), hb, wb);
  };
  const scatterP = (p: TeamProgram, c: number, b0: number, b1: number, x: number, y: number) => {
    if (b1 > b0) p.call('tilesScatter', tp + 4 * (c * S + b0) * T, (b1 - b0) * T, ix, tv, R(y, 8 * c * W), R(x, 8 * b0 * W), hb, wb);
  };
  // The main thread's share of the blocks: half for products, two thirds for sweeps (it also sets the pace).
  const hP = Math.ceil(S / 2), hF = Math.min(S - 1, Math.max(1, Math.round((2 * S) / 3))), hB = S - hF;
  const rowP = Math.min(n, hP * W);
  const product: [TeamProgram, TeamProgram] = [new TeamProgram(), new TeamProgram()];
  if (rows) {
    product[0].call('rowsMul', rowP, rp, ci, va, R(0), R(1), 0, 0);
    product[1].call('rowsMul', n, rp, ci, va, R(0), R(1), 0, rowP);
    for (let c = 0; c < S; c++) {
      gatherP(product[0], c, 0, hP, 0, 1);
      gatherP(product[1], c, hP, S, 0, 1);
    }
  } else {
    product[0].call('zero', R(1), 8 * rowP).call('colsMul', rowP, rp, ci, va, R(0), R(1), 0);
    product[1].call('zero', R(1, 8 * rowP), 8 * (n - rowP)).call('colsMul', n, rp, ci, va, R(0), R(1), rowP);
    for (let c = 0; c < S; c++) scatterP(product[c < hP ? 0 : 1], c, 0, S, 0, 1);
  }
  const forward: [TeamProgram, TeamProgram] = [new TeamProgram(), new TeamProgram()];
  const [fl, ff] = forward;
  if (rows) {
    for (let c = 0; c < hF; c++) {
      fl.call('rowsForward', end(c), rp, ci, va, mid, R(0), R(0), c * W);
      gatherP(fl, c, c + 1, hF, 0, 0);
      fl.post(c + 1);
      ff.wait(c + 1);
      gatherP(ff, c, hF, S, 0, 0);
    }
    for (let c = hF; c < S; c++) {
      ff.call('rowsForward', end(c), rp, ci, va, mid, R(0), R(0), c * W);
      gatherP(ff, c, c + 1, S, 0, 0);
    }
  } else {
    for (let c = 0; c < hF; c++) {
      scatterP(fl, c, 0, c, 0, 0);
      fl.call('colsForward', end(c), rp, ci, va, mid, R(0), c * W);
      fl.post(c + 1);
      ff.wait(c + 1);
      for (let j = hF; j < S; j++) scatterP(ff, j, c, c + 1, 0, 0);
    }
    for (let c = hF; c < S; c++) {
      scatterP(ff, c, hF, c, 0, 0);
      ff.call('colsForward', end(c), rp, ci, va, mid, R(0), c * W);
    }
  }
  // Backward (registers v, t, g), t holding v already; with g = 0 the kernels get 0 for g (and v0).
  const backward = (withG: boolean): [TeamProgram, TeamProgram] => {
    const [bl, bf] = [new TeamProgram(), new TeamProgram()];
    const g: TeamArg = withG ? R(2) : 0, v0: TeamArg = withG ? R(0) : 0;
    for (let c = S - 1; c >= hB; c--) {
      if (rows) {
        bl.call('rowsBackward', end(c), rp, ci, va, mid, R(1), R(1), g, c * W, v0);
        gatherP(bl, c, hB, c, 1, 1);
      } else {
        scatterP(bl, c, c + 1, S, 1, 1);
        bl.call('colsBackward', end(c), rp, ci, va, mid, R(0), R(1), g, c * W);
      }
      bl.post(S - c);
      bf.wait(S - c);
      if (rows) gatherP(bf, c, 0, hB, 1, 1);
      else for (let j = 0; j < hB; j++) scatterP(bf, j, c, c + 1, 1, 1);
    }
    for (let c = hB - 1; c >= 0; c--) {
      if (rows) {
        bf.call('rowsBackward', end(c), rp, ci, va, mid, R(1), R(1), g, c * W, v0);
        gatherP(bf, c, 0, c, 1, 1);
      } else {
        scatterP(bf, c, c + 1, hB, 1, 1);
        bf.call('colsBackward', end(c), rp, ci, va, mid, R(0), R(1), g, c * W);
      }
    }
    return [bl, bf];
  };
  const built = (p: [TeamProgram, TeamProgram]): [Int32Array, Int32Array] => [p[0].build(), p[1].build()];
  const progs = { product: built(product), forward: built(forward), backwardG: built(backward(true)), backward0: built(backward(false)) };
  return {
    threads: 2,
    product(x, y) {
      team.run(progs.product[0], progs.product[1], [x, y]);
    },
    forward(w) {
      team.run(progs.forward[0], progs.forward[1], [w]);
    },
    backward(v, t, g) {
      if (t !== v) k.copy(t, v, 8 * n);
      const p = g === 0 ? progs.backward0 : progs.backwardG;
      team.run(p[0], p[1], [v, t, g]);
    },
  };
}

/**
 * Symmetric Gauss-Seidel split preconditioning of I - M with Eisenstat's trick, as `wasmSsorSystem`,
 * on the tiled layout: one backward and one forward block sweep per apply (one pass over the matrix),
 * on two threads (`tiledOps` with a `WasmTeam`) unless `threads` is 1 (default: two from WASM_MIN_N products).
 * Example: `bicgstabSolve(wasmTiledSystem(m, 'quantities'), d, { tolerance: 1e-10, maxIterations: 500 })`
 */
export function wasmTiledSystem(m: WasmTiledMatrix, orientation: Orientation, threads?: number): KrylovSystem {
  const ar = m.arena, k = ar.k, n = m.nRows;
  // Two threads by default from WASM_MIN_N products (below, a worker's start and hand-offs cost more than they save).
  const two = (threads ?? (n >= WASM_MIN_N ? 2 : 1)) > 1 && m.blocks > 1;
  const ops = tiledOps(m, orientation, two ? WasmTeam.of(ar) : null);
  const t = ar.f64(n, false);
  const pt = ar.ptr(t);
  const P = (v: Float64Array) => {
    if (!ar.owns(v)) throw new Error('wasmTiledSystem: vector not from allocate()');
    return v.byteOffset;
  };
  return {
    n,
    name: 'ssor-wasm-tiled',
    allocate: (len, zero) => ar.f64(len, zero ?? true),
    vec: wasmVectorOps(ar, n),
    apply(v, out) {
      ops.backward(P(v), pt, P(out));
      ops.forward(P(out));
      k.scaleAdd(P(out), pt, n, 1);
    },
    left(r, out) {
      if (out !== r) k.copy(P(out), P(r), 8 * n);
      ops.forward(P(out));
    },
    right(u, out) {
      ops.backward(P(u), P(out), 0);
    },
    plainRhs: true,
    residual(z, b, out) {
      ops.product(P(z), P(out));
      for (let i = 0; i < n; i++) out[i] = b[i] - z[i] + out[i];
    },
  };
}
