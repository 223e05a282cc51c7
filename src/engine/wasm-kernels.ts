// WebAssembly kernels for CSR products, Gauss-Seidel sweeps (rows for A, scatter for A^T) and GMRES vector work, emitted from this file at load time; plus the memory arena they run on.
import v8 from 'node:v8';
import {
  add, and, emitModule, eq, F64, fAdd, fDiv, fMin, fMul, fSub, f64, geS, get, I32, i32, ldF64, ldI32, ldV, loopWhile, ltS, ltU, mul, ne, set, shl, shrU, stF64, stI32,
  selectF64, stV, sub, tee, vAdd, vLane, vMul, vSplat, vSub, vZero, V128, when, type Code, type WasmFunction,
} from './wasm-emit.js';

/** Largest memory an arena may grow to (wasm32: 65536 pages of 64 KiB = 4 GiB). */
export const MAX_PAGES = 65536;
/** Doubles per chunk of the multi-vector kernels (8 KB: a chunk of w stays in L1 while the basis streams by). */
const CHUNK = 1024;

type Vars = Record<string, number>;

// A function with named parameters and locals.
function fn(name: string, params: Record<string, number>, locals: Record<string, number>, results: number[], body: (v: Vars) => Code): WasmFunction {
  const v: Vars = {};
  let k = 0;
  for (const p of Object.keys(params)) v[p] = k++;
  for (const l of Object.keys(locals)) v[l] = k++;
  return { name, params: Object.values(params), results, locals: Object.values(locals), body: body(v) };
}

const inc = (l: number, by: number): Code => set(l, add(get(l), i32(by)));
const dec = (l: number, by: number): Code => set(l, sub(get(l), i32(by)));
// Address of element i (local) of an 8- or 4-byte array at pointer local base.
const at8 = (base: number, i: Code): Code => add(get(base), shl(i, i32(3)));
const at4 = (base: number, i: Code): Code => add(get(base), shl(i, i32(2)));

/**
 * s0 += va[p] * x[ci[p]] over the ci bytes [pc, ec) (pv walks va alongside), two accumulators.
 */
function gatherSum(v: Vars, x: number): Code {
  const term = (off4: number, off8: number): Code => fMul(ldF64(get(v.pv), off8), ldF64(add(get(x), shl(ldI32(get(v.pc), off4), i32(3)))));
  return [
    loopWhile(ltU(add(get(v.pc), i32(4)), get(v.ec)), set(v.s0, fAdd(get(v.s0), term(0, 0))), set(v.s1, fAdd(get(v.s1), term(4, 8))), inc(v.pc, 8), inc(v.pv, 16)),
    when(ltU(get(v.pc), get(v.ec)), [set(v.s0, fAdd(get(v.s0), term(0, 0))), inc(v.pc, 4), inc(v.pv, 8)]),
  ];
}

// y[ci[p]] += va[p] * a over the ci bytes [pc, ec), a in local `a`.
function scatter(v: Vars, y: number, a: number): Code {
  const one = (off4: number, off8: number): Code => [
    set(v.q, add(get(y), shl(ldI32(get(v.pc), off4), i32(3)))),
    stF64(get(v.q), fAdd(ldF64(get(v.q)), fMul(ldF64(get(v.pv), off8), get(a)))),
  ];
  return loopWhile(ltU(get(v.pc), get(v.ec)), one(0, 0), inc(v.pc, 4), inc(v.pv, 8));
}

const rowLocals = { i: I32, pc: I32, pv: I32, ec: I32, s0: F64, s1: F64, q: I32, a: F64, end: I32, hi: I32 };
const csr = { n: I32, rp: I32, ci: I32, va: I32 };
// With mid: mid[i] = index of row i's first entry with column >= i (from `sums`).
const csrm = { ...csr, mid: I32 };
// pc/pv at entry index held in code `p`; ec at entry index `e`.
const span = (v: Vars, p: Code, e: Code): Code => [set(v.pc, at4(v.ci, p)), set(v.pv, at8(v.va, p)), set(v.ec, at4(v.ci, e))];
const zeroAcc = (v: Vars): Code => [set(v.s0, f64(0)), set(v.s1, f64(0))];
// Row i: pc/pv at its first entry, end = its end (ci bytes), lo = its first entry with column >= i,
// hi = its first entry with column > i (columns are sorted), d = 1 - a_ii.
function split(v: Vars): Code {
  return [
    span(v, ldI32(at4(v.rp, get(v.i))), ldI32(at4(v.rp, get(v.i)), 4)),
    set(v.end, get(v.ec)),
    set(v.lo, at4(v.ci, ldI32(at4(v.mid, get(v.i))))),
    set(v.hi, get(v.lo)),
    set(v.d, f64(1)),
    when(and(ltU(get(v.lo), get(v.end)), eq(ldI32(get(v.lo)), get(v.i))), [
      set(v.d, fSub(f64(1), ldF64(add(get(v.va), shl(sub(get(v.lo), get(v.ci)), i32(1)))))),
      inc(v.hi, 4),
    ]),
  ];
}

const tileParams = { tp: I32, count: I32, ix: I32, va: I32, x: I32, y: I32, hb: I32, wb: I32 };
const tileLocals = { t: I32, pc: I32, pv: I32, ec: I32, yb: I32, q: I32, wm: I32, e: I32 };
// For each of `count` tiles: yb = the tile's first row in y, then `entry(index)` for each entry (pv at its value).
function tileLoop(v: Vars, entry: (e: Code) => Code): Code {
  return [
    set(v.wm, sub(shl(i32(1), get(v.wb)), i32(1))),
    set(v.t, i32(0)),
    loopWhile(ltS(get(v.t), get(v.count)),
      set(v.yb, add(get(v.y), shl(get(v.t), add(get(v.hb), i32(3))))),
      set(v.e, ldI32(at4(v.tp, get(v.t)))),
      set(v.pc, at4(v.ix, get(v.e))),
      set(v.pv, at8(v.va, get(v.e))),
      set(v.ec, at4(v.ix, ldI32(at4(v.tp, get(v.t)), 4))),
      loopWhile(ltU(get(v.pc), get(v.ec)), set(v.e, ldI32(get(v.pc))), entry(get(v.e)), inc(v.pc, 4), inc(v.pv, 8)),
      inc(v.t, 1)),
  ];
}

const functions: WasmFunction[] = [
  // Row kernels run over rows [i0, n) (i0 = 0 when omitted: whole matrices); block sweeps pass a range.
  // y[i] = sum_p va[p] x[ci[p]]; with b != 0, y[i] = b[i] - x[i] + that sum (the residual of (I - A) x = b).
  fn('rowsMul', { ...csr, x: I32, y: I32, b: I32, i0: I32 }, rowLocals, [], (v) => [
    set(v.i, get(v.i0)),
    loopWhile(ltS(get(v.i), get(v.n)),
      span(v, ldI32(at4(v.rp, get(v.i))), ldI32(at4(v.rp, get(v.i)), 4)),
      zeroAcc(v),
      gatherSum(v, v.x),
      set(v.s0, fAdd(get(v.s0), get(v.s1))),
      when(ne(get(v.b), i32(0)), set(v.s0, fAdd(fSub(ldF64(at8(v.b, get(v.i))), ldF64(at8(v.x, get(v.i)))), get(v.s0)))),
      stF64(at8(v.y, get(v.i)), get(v.s0)),
      inc(v.i, 1)),
  ]),
  // y += A^T x (scatter along rows; y not cleared).
  fn('colsMul', { ...csr, x: I32, y: I32, i0: I32 }, rowLocals, [], (v) => [
    set(v.i, get(v.i0)),
    loopWhile(ltS(get(v.i), get(v.n)),
      span(v, ldI32(at4(v.rp, get(v.i))), ldI32(at4(v.rp, get(v.i)), 4)),
      set(v.a, ldF64(at8(v.x, get(v.i)))),
      scatter(v, v.y, v.a),
      inc(v.i, 1)),
  ]),
  // Forward sweep on rows, (D - L) w = s for M = A: w[i] = (s[i] + sum_{j<i} a_ij w[j]) / (1 - a_ii). s and w may alias.
  fn('rowsForward', { ...csrm, s: I32, w: I32, i0: I32 }, { ...rowLocals, lo: I32, d: F64 }, [], (v) => [
    set(v.i, get(v.i0)),
    loopWhile(ltS(get(v.i), get(v.n)),
      split(v),
      set(v.ec, get(v.lo)),
      zeroAcc(v),
      gatherSum(v, v.w),
      stF64(at8(v.w, get(v.i)), fDiv(fAdd(ldF64(at8(v.s, get(v.i))), fAdd(get(v.s0), get(v.s1))), get(v.d))),
      inc(v.i, 1)),
  ]),
  // Backward sweep on rows, (D - U) t = v: t[i] = (v[i] + sum_{j>i} a_ij t[j]) / (1 - a_ii); with g != 0, g[i] = -sum (= v - D t, Eisenstat's term),
  // or with v0 != 0 as well, g[i] = (v0[i] - v[i]) - sum (block sweeps: v holds v0 plus the other blocks' terms). v and t may alias.
  fn('rowsBackward', { ...csrm, vv: I32, t: I32, g: I32, i0: I32, v0: I32 }, { ...rowLocals, lo: I32, d: F64 }, [], (v) => [
    set(v.i, sub(get(v.n), i32(1))),
    loopWhile(geS(get(v.i), get(v.i0)),
      split(v),
      set(v.pc, get(v.hi)),
      set(v.pv, add(get(v.va), shl(sub(get(v.hi), get(v.ci)), i32(1)))),
      set(v.ec, get(v.end)),
      zeroAcc(v),
      gatherSum(v, v.t),
      set(v.s0, fAdd(get(v.s0), get(v.s1))),
      // vv may alias t: read it before t[i] is written.
      set(v.a, ldF64(at8(v.vv, get(v.i)))),
      stF64(at8(v.t, get(v.i)), fDiv(fAdd(get(v.a), get(v.s0)), get(v.d))),
      when(ne(get(v.g), i32(0)),
        stF64(at8(v.g, get(v.i)), selectF64(ne(get(v.v0), i32(0)), fSub(fSub(ldF64(at8(v.v0, get(v.i))), get(v.a)), get(v.s0)), fSub(f64(0), get(v.s0))))),
      dec(v.i, 1)),
  ]),
  // Forward sweep for M = A^T by scatter, in place on w (holding s): w[j] /= 1 - a_jj, then w[i] += a_ji w[j] for i > j.
  fn('colsForward', { ...csrm, w: I32, i0: I32 }, { ...rowLocals, lo: I32, d: F64 }, [], (v) => [
    set(v.i, get(v.i0)),
    loopWhile(ltS(get(v.i), get(v.n)),
      split(v),
      set(v.q, at8(v.w, get(v.i))),
      stF64(get(v.q), tee(v.a, fDiv(ldF64(get(v.q)), get(v.d)))),
      set(v.pc, get(v.hi)),
      set(v.pv, add(get(v.va), shl(sub(get(v.hi), get(v.ci)), i32(1)))),
      set(v.ec, get(v.end)),
      scatter(v, v.w, v.a),
      inc(v.i, 1)),
  ]),
  // Backward sweep for M = A^T by scatter, in place on t (holding v): t[j] /= 1 - a_jj, then t[i] += a_ji t[j] for i < j; with g != 0, g[j] = vv[j] - (t[j] before the division).
  fn('colsBackward', { ...csrm, vv: I32, t: I32, g: I32, i0: I32 }, { ...rowLocals, lo: I32, d: F64 }, [], (v) => [
    set(v.i, sub(get(v.n), i32(1))),
    loopWhile(geS(get(v.i), get(v.i0)),
      split(v),
      set(v.q, at8(v.t, get(v.i))),
      set(v.s0, ldF64(get(v.q))),
      stF64(get(v.q), tee(v.a, fDiv(get(v.s0), get(v.d)))),
      when(ne(get(v.g), i32(0)), stF64(at8(v.g, get(v.i)), fSub(ldF64(at8(v.vv, get(v.i))), get(v.s0)))),
      set(v.ec, get(v.lo)),
      scatter(v, v.t, v.a),
      dec(v.i, 1)),
  ]),
  // Row sums, column sums unless cs = 0 (cs += ...; the caller zeroes it; a scatter, the costly part),
  // and mid[i] = index of row i's first entry with column >= i; returns the smallest entry (NaN if any is NaN).
  fn('sums', { ...csrm, rs: I32, cs: I32 }, { ...rowLocals, mn: F64, c: I32, lo: I32 }, [F64], (v) => [
    set(v.mn, f64(Infinity)),
    set(v.i, i32(0)),
    loopWhile(ltS(get(v.i), get(v.n)),
      set(v.lo, ldI32(at4(v.rp, get(v.i)))),
      span(v, get(v.lo), ldI32(at4(v.rp, get(v.i)), 4)),
      set(v.s0, f64(0)),
      loopWhile(ltU(get(v.pc), get(v.ec)),
        set(v.c, ldI32(get(v.pc))),
        set(v.a, ldF64(get(v.pv))),
        set(v.s0, fAdd(get(v.s0), get(v.a))),
        set(v.mn, fMin(get(v.mn), get(v.a))),
        when(ne(get(v.cs), i32(0)), [set(v.q, at8(v.cs, get(v.c))), stF64(get(v.q), fAdd(ldF64(get(v.q)), get(v.a)))]),
        // Columns are sorted: count those left of the diagonal (branch-free).
        set(v.lo, add(get(v.lo), ltS(get(v.c), get(v.i)))),
        inc(v.pc, 4),
        inc(v.pv, 8)),
      stF64(at8(v.rs, get(v.i)), get(v.s0)),
      stI32(at4(v.mid, get(v.i)), get(v.lo)),
      inc(v.i, 1)),
    get(v.mn),
  ]),
  // Zero `bytes` bytes at p (memory.fill).
  fn('zero', { p: I32, bytes: I32 }, {}, [], (v) => [get(v.p), i32(0), get(v.bytes), 0xfc, 0x0b, 0x00]),
  // Copy `bytes` bytes from src to dst (memory.copy).
  fn('copy', { dst: I32, src: I32, bytes: I32 }, {}, [], (v) => [get(v.dst), get(v.src), get(v.bytes), 0xfc, 0x0a, 0x00, 0x00]),
  // Tiles (wasm-tiles.ts): `count` consecutive tiles of 2^hb rows; tile t holds entries tp[t] .. tp[t + 1] of
  // (ix, va), each index packing (row in tile) << wb | (column in the stripe). Tile t's rows start at
  // y + t 2^hb doubles, the stripe's columns at x. y[row] += va * x[column]: a product by A's tiles.
  fn('tilesGather', tileParams, tileLocals, [], (v) => tileLoop(v, (e) => [
    set(v.q, add(get(v.yb), shl(shrU(e, get(v.wb)), i32(3)))),
    stF64(get(v.q), fAdd(ldF64(get(v.q)), fMul(ldF64(get(v.pv)), ldF64(add(get(v.x), shl(and(e, get(v.wm)), i32(3))))))),
  ])),
  // The same tiles as A^T: x[column] += va * y[row] (here y is the input, read per tile, x the output).
  fn('tilesScatter', tileParams, tileLocals, [], (v) => tileLoop(v, (e) => [
    set(v.q, add(get(v.x), shl(and(e, get(v.wm)), i32(3)))),
    stF64(get(v.q), fAdd(ldF64(get(v.q)), fMul(ldF64(get(v.pv)), ldF64(add(get(v.yb), shl(shrU(e, get(v.wb)), i32(3))))))),
  ])),
  // h[i] += V_i . w for i < count (V_i at V + i n doubles), chunked; returns ||w||^2.
  fn('dots', { V: I32, n: I32, count: I32, w: I32, h: I32 }, { o: I32, oe: I32, k0: I32, i: I32, base: I32, acc: V128, nn: V128, s: F64, tail: F64 }, [F64], (v) => [
    set(v.nn, vZero()),
    set(v.tail, f64(0)),
    set(v.k0, i32(0)),
    loopWhile(ltU(get(v.k0), shl(get(v.n), i32(3))),
      set(v.oe, minU(add(get(v.k0), i32(CHUNK * 8)), shl(get(v.n), i32(3)))),
      set(v.o, get(v.k0)),
      pairs(v, [set(v.acc, ldV(add(get(v.w), get(v.o)))), set(v.nn, vAdd(get(v.nn), vMul(get(v.acc), get(v.acc))))],
        [set(v.s, ldF64(add(get(v.w), get(v.o)))), set(v.tail, fAdd(get(v.tail), fMul(get(v.s), get(v.s))))]),
      set(v.i, i32(0)),
      loopWhile(ltS(get(v.i), get(v.count)),
        set(v.base, add(get(v.V), mul(get(v.i), shl(get(v.n), i32(3))))),
        set(v.acc, vZero()),
        set(v.s, f64(0)),
        set(v.o, get(v.k0)),
        pairs(v, set(v.acc, vAdd(get(v.acc), vMul(ldV(add(get(v.base), get(v.o))), ldV(add(get(v.w), get(v.o)))))),
          set(v.s, fAdd(get(v.s), fMul(ldF64(add(get(v.base), get(v.o))), ldF64(add(get(v.w), get(v.o))))))),
        set(v.base, at8(v.h, get(v.i))),
        stF64(get(v.base), fAdd(ldF64(get(v.base)), fAdd(get(v.s), fAdd(vLane(get(v.acc), 0), vLane(get(v.acc), 1))))),
        inc(v.i, 1)),
      set(v.k0, get(v.oe))),
    fAdd(get(v.tail), fAdd(vLane(get(v.nn), 0), vLane(get(v.nn), 1))),
  ]),
  // w -= sum_{i < count} h[i] V_i, chunked; returns ||w||^2 afterwards.
  fn('subtract', { V: I32, n: I32, count: I32, w: I32, h: I32 }, { o: I32, oe: I32, k0: I32, i: I32, base: I32, hv: V128, nn: V128, hs: F64, s: F64, tail: F64 }, [F64], (v) => [
    set(v.nn, vZero()),
    set(v.tail, f64(0)),
    set(v.k0, i32(0)),
    loopWhile(ltU(get(v.k0), shl(get(v.n), i32(3))),
      set(v.oe, minU(add(get(v.k0), i32(CHUNK * 8)), shl(get(v.n), i32(3)))),
      set(v.i, i32(0)),
      loopWhile(ltS(get(v.i), get(v.count)),
        set(v.base, add(get(v.V), mul(get(v.i), shl(get(v.n), i32(3))))),
        set(v.hs, ldF64(at8(v.h, get(v.i)))),
        set(v.hv, vSplat(get(v.hs))),
        set(v.o, get(v.k0)),
        pairs(v, stV(add(get(v.w), get(v.o)), vSub(ldV(add(get(v.w), get(v.o))), vMul(get(v.hv), ldV(add(get(v.base), get(v.o)))))),
          stF64(add(get(v.w), get(v.o)), fSub(ldF64(add(get(v.w), get(v.o))), fMul(get(v.hs), ldF64(add(get(v.base), get(v.o))))))),
        inc(v.i, 1)),
      set(v.o, get(v.k0)),
      pairs(v, [set(v.hv, ldV(add(get(v.w), get(v.o)))), set(v.nn, vAdd(get(v.nn), vMul(get(v.hv), get(v.hv))))],
        [set(v.s, ldF64(add(get(v.w), get(v.o)))), set(v.tail, fAdd(get(v.tail), fMul(get(v.s), get(v.s))))]),
      set(v.k0, get(v.oe))),
    fAdd(get(v.tail), fAdd(vLane(get(v.nn), 0), vLane(get(v.nn), 1))),
  ]),
  // s = sum_{i < count} y[i] V_i, chunked.
  fn('combine', { V: I32, n: I32, count: I32, y: I32, s: I32 }, { o: I32, oe: I32, k0: I32, i: I32, base: I32, hv: V128, hs: F64 }, [], (v) => [
    set(v.k0, i32(0)),
    loopWhile(ltU(get(v.k0), shl(get(v.n), i32(3))),
      set(v.oe, minU(add(get(v.k0), i32(CHUNK * 8)), shl(get(v.n), i32(3)))),
      set(v.o, get(v.k0)),
      pairs(v, stV(add(get(v.s), get(v.o)), vZero()), stF64(add(get(v.s), get(v.o)), f64(0))),
      set(v.i, i32(0)),
      loopWhile(ltS(get(v.i), get(v.count)),
        set(v.base, add(get(v.V), mul(get(v.i), shl(get(v.n), i32(3))))),
        set(v.hs, ldF64(at8(v.y, get(v.i)))),
        set(v.hv, vSplat(get(v.hs))),
        set(v.o, get(v.k0)),
        pairs(v, stV(add(get(v.s), get(v.o)), vAdd(ldV(add(get(v.s), get(v.o))), vMul(get(v.hv), ldV(add(get(v.base), get(v.o)))))),
          stF64(add(get(v.s), get(v.o)), fAdd(ldF64(add(get(v.s), get(v.o))), fMul(get(v.hs), ldF64(add(get(v.base), get(v.o))))))),
        inc(v.i, 1)),
      set(v.k0, get(v.oe))),
  ]),
  // y = a y + x over n doubles.
  fn('scaleAdd', { y: I32, x: I32, n: I32, a: F64 }, { o: I32, oe: I32, hv: V128 }, [], (v) => [
    set(v.hv, vSplat(get(v.a))),
    set(v.o, i32(0)),
    set(v.oe, shl(get(v.n), i32(3))),
    pairs(v, stV(add(get(v.y), get(v.o)), vAdd(vMul(get(v.hv), ldV(add(get(v.y), get(v.o)))), ldV(add(get(v.x), get(v.o))))),
      stF64(add(get(v.y), get(v.o)), fAdd(fMul(get(v.a), ldF64(add(get(v.y), get(v.o)))), ldF64(add(get(v.x), get(v.o)))))),
  ]),
  // out = x + a y over n doubles (out may be x or y).
  fn('axpyTo', { out: I32, x: I32, y: I32, n: I32, a: F64 }, { o: I32, oe: I32, hv: V128 }, [], (v) => [
    set(v.hv, vSplat(get(v.a))),
    set(v.o, i32(0)),
    set(v.oe, shl(get(v.n), i32(3))),
    pairs(v, stV(add(get(v.out), get(v.o)), vAdd(ldV(add(get(v.x), get(v.o))), vMul(get(v.hv), ldV(add(get(v.y), get(v.o)))))),
      stF64(add(get(v.out), get(v.o)), fAdd(ldF64(add(get(v.x), get(v.o))), fMul(get(v.a), ldF64(add(get(v.y), get(v.o))))))),
  ]),
  // BiCGSTAB's vector work, fused so that each vector is read once per step (out: two doubles at `out`).
  // p = r + beta (p - omega v).
  fn('bicgP', { p: I32, r: I32, vv: I32, n: I32, beta: F64, omega: F64 }, { o: I32, oe: I32, bv: V128, wv: V128 }, [], (v) => {
    const V = (b: number) => ldV(add(get(b), get(v.o))), F = (b: number) => ldF64(add(get(b), get(v.o)));
    return [
      set(v.bv, vSplat(get(v.beta))),
      set(v.wv, vSplat(get(v.omega))),
      set(v.o, i32(0)),
      set(v.oe, shl(get(v.n), i32(3))),
      pairs(v, stV(add(get(v.p), get(v.o)), vAdd(V(v.r), vMul(get(v.bv), vSub(V(v.p), vMul(get(v.wv), V(v.vv)))))),
        stF64(add(get(v.p), get(v.o)), fAdd(F(v.r), fMul(get(v.beta), fSub(F(v.p), fMul(get(v.omega), F(v.vv))))))),
    ];
  }),
  // r -= alpha v; u += alpha p; returns ||r||^2.
  fn('bicgS', { r: I32, vv: I32, u: I32, p: I32, n: I32, alpha: F64 }, { o: I32, oe: I32, av: V128, x: V128, acc: V128, s: F64, tail: F64 }, [F64], (v) => {
    const V = (b: number) => ldV(add(get(b), get(v.o))), F = (b: number) => ldF64(add(get(b), get(v.o)));
    return [
      set(v.av, vSplat(get(v.alpha))),
      set(v.acc, vZero()),
      set(v.tail, f64(0)),
      set(v.o, i32(0)),
      set(v.oe, shl(get(v.n), i32(3))),
      pairs(v,
        [set(v.x, vSub(V(v.r), vMul(get(v.av), V(v.vv)))), stV(add(get(v.r), get(v.o)), get(v.x)), set(v.acc, vAdd(get(v.acc), vMul(get(v.x), get(v.x)))),
          stV(add(get(v.u), get(v.o)), vAdd(V(v.u), vMul(get(v.av), V(v.p))))],
        [set(v.s, fSub(F(v.r), fMul(get(v.alpha), F(v.vv)))), stF64(add(get(v.r), get(v.o)), get(v.s)), set(v.tail, fAdd(get(v.tail), fMul(get(v.s), get(v.s)))),
          stF64(add(get(v.u), get(v.o)), fAdd(F(v.u), fMul(get(v.alpha), F(v.p))))]),
      fAdd(get(v.tail), fAdd(vLane(get(v.acc), 0), vLane(get(v.acc), 1))),
    ];
  }),
  // out = (t . t, t . r).
  fn('dot2', { t: I32, r: I32, n: I32, out: I32 }, { o: I32, oe: I32, x: V128, a1: V128, a2: V128, s: F64, s1: F64, s2: F64 }, [], (v) => {
    const V = (b: number) => ldV(add(get(b), get(v.o))), F = (b: number) => ldF64(add(get(b), get(v.o)));
    return [
      set(v.a1, vZero()),
      set(v.a2, vZero()),
      set(v.s1, f64(0)),
      set(v.s2, f64(0)),
      set(v.o, i32(0)),
      set(v.oe, shl(get(v.n), i32(3))),
      pairs(v, [set(v.x, V(v.t)), set(v.a1, vAdd(get(v.a1), vMul(get(v.x), get(v.x)))), set(v.a2, vAdd(get(v.a2), vMul(get(v.x), V(v.r))))],
        [set(v.s, F(v.t)), set(v.s1, fAdd(get(v.s1), fMul(get(v.s), get(v.s)))), set(v.s2, fAdd(get(v.s2), fMul(get(v.s), F(v.r))))]),
      stF64(get(v.out), fAdd(get(v.s1), fAdd(vLane(get(v.a1), 0), vLane(get(v.a1), 1)))),
      stF64(get(v.out), fAdd(get(v.s2), fAdd(vLane(get(v.a2), 0), vLane(get(v.a2), 1))), 8),
    ];
  }),
  // u += omega r; r -= omega t; out = (r . r, rh . r) with the new r.
  fn('bicgR', { u: I32, r: I32, t: I32, rh: I32, n: I32, omega: F64, out: I32 }, { o: I32, oe: I32, wv: V128, x: V128, a1: V128, a2: V128, s: F64, s1: F64, s2: F64 }, [], (v) => {
    const V = (b: number) => ldV(add(get(b), get(v.o))), F = (b: number) => ldF64(add(get(b), get(v.o)));
    return [
      set(v.wv, vSplat(get(v.omega))),
      set(v.a1, vZero()),
      set(v.a2, vZero()),
      set(v.s1, f64(0)),
      set(v.s2, f64(0)),
      set(v.o, i32(0)),
      set(v.oe, shl(get(v.n), i32(3))),
      pairs(v,
        [set(v.x, V(v.r)), stV(add(get(v.u), get(v.o)), vAdd(V(v.u), vMul(get(v.wv), get(v.x)))), set(v.x, vSub(get(v.x), vMul(get(v.wv), V(v.t)))),
          stV(add(get(v.r), get(v.o)), get(v.x)), set(v.a1, vAdd(get(v.a1), vMul(get(v.x), get(v.x)))), set(v.a2, vAdd(get(v.a2), vMul(get(v.x), V(v.rh))))],
        [set(v.s, F(v.r)), stF64(add(get(v.u), get(v.o)), fAdd(F(v.u), fMul(get(v.omega), get(v.s)))), set(v.s, fSub(get(v.s), fMul(get(v.omega), F(v.t)))),
          stF64(add(get(v.r), get(v.o)), get(v.s)), set(v.s1, fAdd(get(v.s1), fMul(get(v.s), get(v.s)))), set(v.s2, fAdd(get(v.s2), fMul(get(v.s), F(v.rh))))]),
      stF64(get(v.out), fAdd(get(v.s1), fAdd(vLane(get(v.a1), 0), vLane(get(v.a1), 1)))),
      stF64(get(v.out), fAdd(get(v.s2), fAdd(vLane(get(v.a2), 0), vLane(get(v.a2), 1))), 8),
    ];
  }),
  // y *= a over n doubles.
  fn('scale', { y: I32, n: I32, a: F64 }, { o: I32, oe: I32, hv: V128 }, [], (v) => [
    set(v.hv, vSplat(get(v.a))),
    set(v.o, i32(0)),
    set(v.oe, shl(get(v.n), i32(3))),
    pairs(v, stV(add(get(v.y), get(v.o)), vMul(get(v.hv), ldV(add(get(v.y), get(v.o))))), stF64(add(get(v.y), get(v.o)), fMul(get(v.a), ldF64(add(get(v.y), get(v.o)))))),
  ]),
];

function minU(a: Code, b: Code): Code {
  // select(a, b, a <u b)
  return [a, b, ltU(a, b), 0x1b];
}

// Byte offsets o .. oe (locals) two doubles at a time, then one scalar tail; o ends at oe.
function pairs(v: Vars, pair: Code, single: Code): Code {
  return [loopWhile(ltU(add(get(v.o), i32(8)), get(v.oe)), pair, inc(v.o, 16)), when(ltU(get(v.o), get(v.oe)), [single, inc(v.o, 8)])];
}

/** The kernels' signatures (byte addresses for arrays). */
export interface Kernels {
  rowsMul(n: number, rp: number, ci: number, va: number, x: number, y: number, b: number, i0?: number): void;
  colsMul(n: number, rp: number, ci: number, va: number, x: number, y: number, i0?: number): void;
  rowsForward(n: number, rp: number, ci: number, va: number, mid: number, s: number, w: number, i0?: number): void;
  rowsBackward(n: number, rp: number, ci: number, va: number, mid: number, v: number, t: number, g: number, i0?: number, v0?: number): void;
  colsForward(n: number, rp: number, ci: number, va: number, mid: number, w: number, i0?: number): void;
  colsBackward(n: number, rp: number, ci: number, va: number, mid: number, v: number, t: number, g: number, i0?: number): void;
  sums(n: number, rp: number, ci: number, va: number, mid: number, rs: number, cs: number): number;
  zero(p: number, bytes: number): void;
  copy(dst: number, src: number, bytes: number): void;
  tilesGather(tp: number, count: number, ix: number, va: number, x: number, y: number, hb: number, wb: number): void;
  tilesScatter(tp: number, count: number, ix: number, va: number, x: number, y: number, hb: number, wb: number): void;
  dots(V: number, n: number, count: number, w: number, h: number): number;
  subtract(V: number, n: number, count: number, w: number, h: number): number;
  combine(V: number, n: number, count: number, y: number, s: number): void;
  scaleAdd(y: number, x: number, n: number, a: number): void;
  scale(y: number, n: number, a: number): void;
  axpyTo(out: number, x: number, y: number, n: number, a: number): void;
  bicgP(p: number, r: number, v: number, n: number, beta: number, omega: number): void;
  bicgS(r: number, v: number, u: number, p: number, n: number, alpha: number): number;
  dot2(t: number, r: number, n: number, out: number): void;
  bicgR(u: number, r: number, t: number, rh: number, n: number, omega: number, out: number): void;
}

// The WebAssembly API as used here (the project's lib setting has no DOM types, which declare it).
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}
const WebAssembly = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** The compiled module, or null where WebAssembly (with SIMD and shared memory) is unavailable. Example: `if (wasmModule()) ...` */
export function wasmModule(): object | null {
  if (compiled !== undefined) return compiled;
  if (!WebAssembly) return (compiled = null);
  // V8 would start these kernels in its baseline compiler (Liftoff) and, each being one long loop,
  // run whole solves there (measured 2-3x slower than optimised code; V8 does not replace a running
  // wasm frame); compile this module optimised. The flag is set back afterwards, so other modules
  // (PGlite) keep V8's default tiers; a process started with --no-liftoff gets Liftoff back, though.
  let flags = false;
  try {
    v8.setFlagsFromString('--no-liftoff');
    flags = true;
  } catch {
    /* flags frozen: keep the default tiers */
  }
  try {
    compiled = new WebAssembly.Module(emitModule(functions, MAX_PAGES));
    // Where V8 compiles wasm lazily (on first call), make that first call now, under the same flag:
    // every kernel with n = 0 does nothing.
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const k = new WebAssembly.Instance(compiled, { env: { memory } }).exports;
    for (const f of functions) (k[f.name] as (...args: number[]) => void)(...f.params.map(() => 0));
  } catch {
    compiled = null;
  } finally {
    if (flags) v8.setFlagsFromString('--liftoff');
  }
  return compiled;
}

/**
 * A growable shared WebAssembly memory with the kernels instantiated on it and a bump allocator.
 * Views handed out stay valid when it grows (shared memories never detach). `release(mark)` rewinds.
 * Example: `const ar = WasmArena.create(1 << 20); const x = ar.f64(1000); ar.k.scale(ar.ptr(x), 1000, 2)`
 */
export class WasmArena {
  readonly memory: WasmMemory;
  readonly k: Kernels;
  private top = 64;
  // Every SharedArrayBuffer object this memory has shown, held so that views can be recognised: V8
  // may hand out a fresh object for the same memory once an old one has been collected.
  private readonly buffers = new Set<ArrayBufferLike>();

  private constructor(memory: WasmMemory, k: Kernels) {
    this.memory = memory;
    this.k = k;
    this.buffer();
  }

  // The memory's current buffer object, remembered.
  private buffer(): ArrayBufferLike {
    const b = this.memory.buffer;
    this.buffers.add(b);
    return b;
  }

  /** A new arena with room for `bytes` to start with, or null where wasm is unavailable. */
  static create(bytes: number): WasmArena | null {
    const mod = wasmModule();
    if (!mod || !WebAssembly) return null;
    const pages = Math.ceil((bytes + 64) / 65536);
    if (pages > MAX_PAGES) return null;
    try {
      const memory = new WebAssembly.Memory({ initial: Math.max(1, pages), maximum: MAX_PAGES, shared: true });
      const inst = new WebAssembly.Instance(mod, { env: { memory } });
      return new WasmArena(memory, inst.exports as unknown as Kernels);
    } catch {
      return null;
    }
  }

  /** Whether a typed array lives in this arena's memory. */
  owns(a: ArrayBufferView): boolean {
    return this.buffers.has(a.buffer);
  }

  /** Byte address of a view from this arena. */
  ptr(a: ArrayBufferView): number {
    return a.byteOffset;
  }

  /** Current allocation mark (for `release`). */
  mark(): number {
    return this.top;
  }

  /** Frees everything allocated after `mark` (the pages stay mapped and are reused). */
  release(mark: number): void {
    this.top = mark;
  }

  /** Whether `bytes` more fit under the 4 GiB limit. */
  fits(bytes: number): boolean {
    return this.top + bytes + 64 <= MAX_PAGES * 65536;
  }

  private alloc(bytes: number): number {
    // Not `& ~63`: addresses above 2 GiB are valid (wasm32 addresses are unsigned) but negative as int32.
    const at = Math.ceil(this.top / 64) * 64;
    const end = at + bytes;
    if (end > MAX_PAGES * 65536) throw new RangeError(`wasm arena: ${end} bytes exceed the 4 GiB limit`);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / 65536));
    this.top = end;
    return at;
  }

  /** A Float64Array of `len`, zero-filled unless `zero` is false (rewound memory may hold old values). */
  f64(len: number, zero = true): Float64Array {
    const at = this.alloc(8 * len);
    if (zero) this.k.zero(at, 8 * len);
    return new Float64Array(this.buffer(), at, len);
  }

  /** An Int32Array of `len`, zero-filled unless `zero` is false. */
  i32(len: number, zero = true): Int32Array {
    const at = this.alloc(4 * len);
    if (zero) this.k.zero(at, 4 * len);
    return new Int32Array(this.buffer(), at, len);
  }
}
