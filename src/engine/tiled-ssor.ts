// M split as diag(M) + L + U in 2^b x 2^b tiles; kernels y = M x, (D - L) w = s, (D - U) t = v with D = I - diag(M), and the Eisenstat form of SSOR-preconditioned I - M.
import type { CsrMatrix } from './csr.js';
import type { Orientation } from './leontief-operator.js';

/**
 * M = A (quantities) or A^T (prices) in square tiles, for products and triangular sweeps at large n.
 * Off-diagonal tiles hold entries in column order (fast scatter products in V8); diagonal tiles hold
 * theirs in row order with a row pointer, without the diagonal, so forward and backward sweeps can
 * run through them. The diagonal of M is kept apart in `diag`.
 * Example: `const t = tiledSplit(a, 'quantities'); tiledProduct(t, x, y)`
 */
export interface TiledSplit {
  readonly n: number;
  readonly bits: number;
  readonly tiles: number;
  /** Entries of tile (I, J): [tilePtr[I*tiles+J], tilePtr[I*tiles+J+1]). */
  readonly tilePtr: Int32Array;
  /** (localRow << bits) | localCol. */
  readonly keys: Int32Array;
  readonly values: Float64Array;
  /** Row pointer inside diagonal tile I, relative to its first entry: diagRowPtr[I*(2^bits+1) + r]. */
  readonly diagRowPtr: Int32Array;
  /** M_ii. */
  readonly diag: Float64Array;
  /** 1 - M_ii, the D of I - M = D - L - U. */
  readonly d: Float64Array;
}

/** Tile edge of the split layout (2^14 rows/columns: 128 KB segments of x and y). */
export const SPLIT_BITS = 14;

/**
 * Builds the tiled split of A or A^T from CSR in three passes (count, fill, per-tile order).
 * Example: `tiledSplit(a, 'prices')` for (I - A^T) p = l
 */
export function tiledSplit(a: CsrMatrix, orientation: Orientation, bits: number = SPLIT_BITS, shared = false): TiledSplit {
  const n = a.nRows;
  const tr = orientation === 'prices';
  // Keys pack row and column into 32 bits.
  bits = Math.max(1, Math.min(16, bits | 0));
  const P = 1 << bits;
  const tiles = Math.max(1, Math.ceil(n / P));
  const nt = tiles * tiles;
  const { rowPtr, colIdx, values } = a;
  const tilePtr = new Int32Array(nt + 1);
  const diag = new Float64Array(n);
  const m = P - 1;
  // Off-diagonal tiles are ordered by groups of 2^G columns (G >= 4: 2 cache lines of x), not exact
  // columns: same locality, and about as many counters per tile as the tile has entries.
  const avgTile = rowPtr[n] / Math.max(1, nt);
  const G = Math.max(4, Math.min(bits, bits - Math.floor(Math.log2(Math.max(1, avgTile)))));
  let keys: Int32Array, vals: Float64Array, total: number;
  if (!tr) {
    // Quantities: one counting sort per row panel on (tile column, column group), straight into the
    // final order; a panel's slice of the CSR arrays stays in cache between its two scans.
    let ndiag = 0;
    for (let i = 0; i < n; i++) for (let p = rowPtr[i], e = rowPtr[i + 1]; p < e; p++) if (colIdx[p] === i) ndiag++;
    total = rowPtr[n] - ndiag;
    // Shared memory lets worker threads sweep their own panels of the same tiles.
    keys = shared ? new Int32Array(new SharedArrayBuffer(4 * total)) : new Int32Array(total);
    vals = shared ? new Float64Array(new SharedArrayBuffer(8 * total)) : new Float64Array(total);
    const B = Math.max(1, P >>> G);
    const pos = new Int32Array(tiles * B);
    let base = 0;
    for (let I = 0; I < tiles; I++) {
      const r0 = I << bits, r1 = Math.min(n, r0 + P);
      pos.fill(0);
      for (let i = r0; i < r1; i++) {
        for (let p = rowPtr[i], e = rowPtr[i + 1]; p < e; p++) {
          const j = colIdx[p];
          if (j === i) continue;
          const J = j >>> bits;
          pos[J * B + (J === I ? 0 : (j & m) >>> G)]++;
        }
      }
      let acc = base;
      for (let c = 0; c < pos.length; c++) {
        const t = pos[c];
        pos[c] = acc;
        acc += t;
      }
      for (let J = 0; J < tiles; J++) tilePtr[I * tiles + J] = pos[J * B];
      for (let i = r0; i < r1; i++) {
        const hi = (i & m) << bits;
        for (let p = rowPtr[i], e = rowPtr[i + 1]; p < e; p++) {
          const j = colIdx[p];
          if (j === i) {
            diag[i] += values[p];
            continue;
          }
          const J = j >>> bits;
          const q = pos[J * B + (J === I ? 0 : (j & m) >>> G)]++;
          keys[q] = hi | (j & m);
          vals[q] = values[p];
        }
      }
      base = acc;
    }
    tilePtr[nt] = total;
  } else {
    for (let i = 0; i < n; i++) {
      const t0 = (i >>> bits) + 1;
      for (let p = rowPtr[i], e = rowPtr[i + 1]; p < e; p++) {
        const j = colIdx[p];
        if (j !== i) tilePtr[(j >>> bits) * tiles + t0]++;
      }
    }
    for (let t = 0; t < nt; t++) tilePtr[t + 1] += tilePtr[t];
    total = tilePtr[nt];
    keys = shared ? new Int32Array(new SharedArrayBuffer(4 * total)) : new Int32Array(total);
    vals = shared ? new Float64Array(new SharedArrayBuffer(8 * total)) : new Float64Array(total);
    const next = tilePtr.slice(0, nt);
    for (let i = 0; i < n; i++) {
      const ib = i >>> bits, lo = i & m;
      for (let p = rowPtr[i], e = rowPtr[i + 1]; p < e; p++) {
        const j = colIdx[p];
        if (j === i) {
          diag[i] += values[p];
          continue;
        }
        const q = next[(j >>> bits) * tiles + ib]++;
        keys[q] = ((j & m) << bits) | lo;
        vals[q] = values[p];
      }
    }
  }
  // Quantities are now in final order. Prices filled columns in order, which suits off-diagonal
  // tiles; their diagonal tiles want row order: counting-sort those.
  const count = new Int32Array(P + 1);
  let maxTile = 0;
  for (let t = 0; t < nt; t++) maxTile = Math.max(maxTile, tilePtr[t + 1] - tilePtr[t]);
  const tk = new Int32Array(maxTile), tv = new Float64Array(maxTile);
  const diagRowPtr = new Int32Array(tiles * (P + 1));
  for (let I = 0; I < tiles; I++) {
    for (let J = 0; J < tiles; J++) {
      const t = I * tiles + J;
      const s = tilePtr[t], e = tilePtr[t + 1];
      const wantRows = I === J;
      if (!tr || !wantRows) {
        if (wantRows) rowPointer(keys, s, e, bits, diagRowPtr, I * (P + 1), P);
        continue;
      }
      const buckets = wantRows ? P : P >>> G;
      count.fill(0, 0, buckets + 1);
      if (wantRows) for (let p = s; p < e; p++) count[(keys[p] >>> bits) + 1]++;
      else for (let p = s; p < e; p++) count[((keys[p] & m) >>> G) + 1]++;
      for (let c = 0; c < buckets; c++) count[c + 1] += count[c];
      for (let p = s; p < e; p++) {
        const k = keys[p];
        const q = count[wantRows ? k >>> bits : (k & m) >>> G]++;
        tk[q] = k;
        tv[q] = vals[p];
      }
      keys.set(tk.subarray(0, e - s), s);
      vals.set(tv.subarray(0, e - s), s);
      if (wantRows) rowPointer(keys, s, e, bits, diagRowPtr, I * (P + 1), P);
    }
  }
  const d = shared ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = 1 - diag[i];
  if (!shared) return { n, bits, tiles, tilePtr, keys, values: vals, diagRowPtr, diag, d };
  const share = <T extends Int32Array | Float64Array>(x: T): T => {
    const y = (x instanceof Int32Array ? new Int32Array(new SharedArrayBuffer(x.byteLength)) : new Float64Array(new SharedArrayBuffer(x.byteLength))) as T;
    y.set(x);
    return y;
  };
  return { n, bits, tiles, tilePtr: share(tilePtr), keys, values: vals, diagRowPtr: share(diagRowPtr), diag: share(diag), d };
}

function rowPointer(keys: Int32Array, s: number, e: number, bits: number, out: Int32Array, off: number, P: number): void {
  for (let r = 0; r <= P; r++) out[off + r] = 0;
  for (let p = s; p < e; p++) out[off + (keys[p] >>> bits) + 1]++;
  for (let r = 0; r < P; r++) out[off + r + 1] += out[off + r];
}

/** Bytes held by the split layout. Example: `tiledSplitBytes(t) / 2 ** 20` MiB */
export function tiledSplitBytes(t: TiledSplit): number {
  return t.tilePtr.byteLength + t.keys.byteLength + t.values.byteLength + t.diagRowPtr.byteLength + t.diag.byteLength + t.d.byteLength;
}

// y[r0 + row(k)] += values[p] * x[c0 + col(k)] over entries [p, e) of one tile. Unrolled by four with the
// products computed before the stores: V8 then keeps four gathers in flight (measured 61 -> 35 ms per
// product at n = 1e6, nnz = 1e7). Safe because callers never read and write the same panel in one tile.
function tileScatter(keys: Int32Array, values: Float64Array, x: Float64Array, y: Float64Array, p: number, e: number, r0: number, c0: number, bits: number): void {
  const m = (1 << bits) - 1;
  for (; p + 3 < e; p += 4) {
    const k0 = keys[p], k1 = keys[p + 1], k2 = keys[p + 2], k3 = keys[p + 3];
    const a0 = values[p] * x[c0 + (k0 & m)];
    const a1 = values[p + 1] * x[c0 + (k1 & m)];
    const a2 = values[p + 2] * x[c0 + (k2 & m)];
    const a3 = values[p + 3] * x[c0 + (k3 & m)];
    y[r0 + (k0 >>> bits)] += a0;
    y[r0 + (k1 >>> bits)] += a1;
    y[r0 + (k2 >>> bits)] += a2;
    y[r0 + (k3 >>> bits)] += a3;
  }
  for (; p < e; p++) {
    const k = keys[p];
    y[r0 + (k >>> bits)] += values[p] * x[c0 + (k & m)];
  }
}

// As tileScatter, subtracting.
function tileScatterSub(keys: Int32Array, values: Float64Array, x: Float64Array, y: Float64Array, p: number, e: number, r0: number, c0: number, bits: number): void {
  const m = (1 << bits) - 1;
  for (; p + 3 < e; p += 4) {
    const k0 = keys[p], k1 = keys[p + 1], k2 = keys[p + 2], k3 = keys[p + 3];
    const a0 = values[p] * x[c0 + (k0 & m)];
    const a1 = values[p + 1] * x[c0 + (k1 & m)];
    const a2 = values[p + 2] * x[c0 + (k2 & m)];
    const a3 = values[p + 3] * x[c0 + (k3 & m)];
    y[r0 + (k0 >>> bits)] -= a0;
    y[r0 + (k1 >>> bits)] -= a1;
    y[r0 + (k2 >>> bits)] -= a2;
    y[r0 + (k3 >>> bits)] -= a3;
  }
  for (; p < e; p++) {
    const k = keys[p];
    y[r0 + (k >>> bits)] -= values[p] * x[c0 + (k & m)];
  }
}

/** y = M x on row panels [p0, p1) (all rows by default). Example: `tiledProduct(t, x, y)` */
export function tiledProduct(t: TiledSplit, x: Float64Array, y: Float64Array, p0 = 0, p1 = t.tiles): void {
  const { n, bits, tiles, tilePtr, keys, values, diag } = t;
  const m = (1 << bits) - 1;
  for (let i = p0 << bits, e = Math.min(n, p1 << bits); i < e; i++) y[i] = diag[i] * x[i];
  void m;
  for (let I = p0; I < p1; I++) {
    const r0 = I << bits;
    const t0 = I * tiles;
    for (let J = 0; J < tiles; J++) tileScatter(keys, values, x, y, tilePtr[t0 + J], tilePtr[t0 + J + 1], r0, J << bits, bits);
  }
}

/**
 * Solves (D - L) w = s (forward sweep; L = strictly lower part of M), on row panels [p0, p1) with only
 * the lower entries whose column panel is also in [p0, p1) (block Gauss-Seidel; the whole sweep by default).
 * w and s may be the same array. Example: `tiledForward(t, s, w)`
 */
export function tiledForward(t: TiledSplit, s: Float64Array, w: Float64Array, p0 = 0, p1 = t.tiles): void {
  const { n, bits, tiles, tilePtr, keys, values, diagRowPtr, d } = t;
  const P = 1 << bits, m = P - 1;
  if (w !== s) w.set(s.subarray(p0 << bits, Math.min(n, p1 << bits)), p0 << bits);
  for (let I = p0; I < p1; I++) {
    const r0 = I << bits;
    const t0 = I * tiles;
    for (let J = p0; J < I; J++) tileScatter(keys, values, w, w, tilePtr[t0 + J], tilePtr[t0 + J + 1], r0, J << bits, bits);
    const base = tilePtr[I * tiles + I], off = I * (P + 1);
    const rows = Math.min(P, n - r0);
    for (let r = 0; r < rows; r++) {
      let acc = w[r0 + r];
      for (let q = base + diagRowPtr[off + r], e = base + diagRowPtr[off + r + 1]; q < e; q++) {
        const c = keys[q] & m;
        if (c > r) break;
        acc += values[q] * w[r0 + c];
      }
      w[r0 + r] = acc / d[r0 + r];
    }
  }
}

/**
 * Solves (D - U) z = v (backward sweep; U = strictly upper part of M), on row panels [p0, p1) with only
 * the upper entries whose column panel is in [p0, p1). z and v may be the same array. Example: `tiledBackward(t, v, z)`
 */
export function tiledBackward(t: TiledSplit, v: Float64Array, z: Float64Array, p0 = 0, p1 = t.tiles): void {
  const { n, bits, tiles, tilePtr, keys, values, diagRowPtr, d } = t;
  const P = 1 << bits, m = P - 1;
  if (z !== v) z.set(v.subarray(p0 << bits, Math.min(n, p1 << bits)), p0 << bits);
  for (let I = p1 - 1; I >= p0; I--) {
    const r0 = I << bits;
    const t0 = I * tiles;
    for (let J = I + 1; J < p1; J++) tileScatter(keys, values, z, z, tilePtr[t0 + J], tilePtr[t0 + J + 1], r0, J << bits, bits);
    const base = tilePtr[I * tiles + I], off = I * (P + 1);
    const rows = Math.min(P, n - r0);
    for (let r = rows - 1; r >= 0; r--) {
      let acc = z[r0 + r];
      for (let q = base + diagRowPtr[off + r + 1] - 1, s = base + diagRowPtr[off + r]; q >= s; q--) {
        const c = keys[q] & m;
        if (c < r) break;
        acc += values[q] * z[r0 + c];
      }
      z[r0 + r] = acc / d[r0 + r];
    }
  }
}

/**
 * Sums of M's rows (which = false) or columns (which = true) from the tiles, staying inside 128 KB segments
 * (a CSR column sum scatters over all of x). For M = A^T, row sums of M are A's column sums.
 * Example: `tiledSums(t, true)` gives A's column sums when t = tiledSplit(a, 'quantities')
 */
export function tiledSums(t: TiledSplit, columns: boolean): Float64Array {
  const { n, bits, tiles, tilePtr, keys, values, diag } = t;
  const m = (1 << bits) - 1;
  const out = Float64Array.from(diag);
  for (let I = 0; I < tiles; I++) {
    let tt = I * tiles;
    let p = tilePtr[tt];
    for (let J = 0; J < tiles; J++, tt++) {
      const e = tilePtr[tt + 1];
      if (columns) {
        const c0 = J << bits;
        for (; p < e; p++) out[c0 + (keys[p] & m)] += values[p];
      } else {
        const r0 = I << bits;
        for (; p < e; p++) out[r0 + (keys[p] >>> bits)] += values[p];
      }
    }
  }
  void n;
  return out;
}

/**
 * y -= C x on row panels [p0, p1), where C holds the entries whose column panel lies outside [p0, p1):
 * the couplings block Gauss-Seidel leaves out, applied explicitly. Example: `tiledCrossSubtract(t, x, y, 0, 31)`
 */
export function tiledCrossSubtract(t: TiledSplit, x: Float64Array, y: Float64Array, p0: number, p1: number): void {
  const { bits, tiles, tilePtr, keys, values } = t;
  const m = (1 << bits) - 1;
  for (let I = p0; I < p1; I++) {
    const r0 = I << bits;
    for (let J = 0; J < tiles; J++) {
      if (J === p0) J = p1;
      if (J >= tiles) break;
      const tt = I * tiles + J;
      tileScatterSub(keys, values, x, y, tilePtr[tt], tilePtr[tt + 1], r0, J << bits, bits);
    }
  }
}

/**
 * The block-SSOR Eisenstat step on panels [p0, p1), after t = (D - U_b)^{-1} v is known everywhere:
 * out = t + (D - L_b)^{-1} (v - D t - C t). Example: `tiledEisenstatFinish(ts, v, t, out, 0, ts.tiles)`
 */
export function tiledEisenstatFinish(ts: TiledSplit, v: Float64Array, t: Float64Array, out: Float64Array, p0: number, p1: number): void {
  const { n, bits, d } = ts;
  const i0 = p0 << bits, i1 = Math.min(n, p1 << bits);
  for (let i = i0; i < i1; i++) out[i] = v[i] - d[i] * t[i];
  if (p0 > 0 || p1 < ts.tiles) tiledCrossSubtract(ts, t, out, p0, p1);
  tiledForward(ts, out, out, p0, p1);
  for (let i = i0; i < i1; i++) out[i] += t[i];
}
