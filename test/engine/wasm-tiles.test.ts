import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csrFromTriplets, solveLeontief, solvePrices, leontiefResidual, rowSums, type CsrMatrix } from '../../src/engine/index.js';
import { tiledOps, WasmTiledBuilder, wasmTiledFromCsr, wasmTiledToCsr, type WasmTiledMatrix } from '../../src/engine/wasm-tiles.js';
import { runAlone, TeamProgram, WasmTeam } from '../../src/engine/wasm-team.js';
import { denseIminus, denseOf, denseSolve, randomEconomy, relErr } from './helpers.js';


function tiled(a: CsrMatrix, blockBits: number, tileBits: number): WasmTiledMatrix {
  const r = wasmTiledFromCsr(a, { blockBits, tileBits });
  if (!r) throw new Error('no wasm');
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function sameCsr(x: CsrMatrix, y: CsrMatrix): void {
  const n = x.nRows;
  expect(y.nRows).toBe(n);
  expect([...y.rowPtr.subarray(0, n + 1)]).toEqual([...x.rowPtr.subarray(0, n + 1)]);
  const nnz = x.rowPtr[n];
  expect([...y.colIdx.subarray(0, nnz)]).toEqual([...x.colIdx.subarray(0, nnz)]);
  expect([...y.values.subarray(0, nnz)]).toEqual([...x.values.subarray(0, nnz)]);
}

const layouts = fc.record({ blockBits: fc.integer({ min: 1, max: 6 }), tileBits: fc.integer({ min: 0, max: 3 }) });

describe('cache-tiled layout (wasm-tiles)', () => {
  it('keeps every entry: tiles back to CSR give the same matrix, whole or streamed in chunks (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 1e6 }), layouts, fc.integer({ min: 1, max: 17 }), (n, seed, layout, chunk) => {
        const { a } = randomEconomy(n, 3, seed, 0.3, 0.9, 0.1);
        const m = tiled(a, layout.blockBits, layout.tileBits);
        sameCsr(a, wasmTiledToCsr(m));
        expect(m.blocks).toBe(Math.max(1, Math.ceil(n / 2 ** layout.blockBits)));
        const rs = rowSums(a);
        expect(m.maxRowSum).toBe(Math.max(0, ...rs));
        // The same in chunks of `chunk` entries (rows cut anywhere).
        const nnz = a.rowPtr[n];
        const b = WasmTiledBuilder.create(n, nnz, a.rowPtr, layout)!;
        if (!b.ok) throw new Error(b.error.message);
        for (let p = 0; p < nnz; p += chunk) expect(b.value.count(a.colIdx.subarray(p, Math.min(nnz, p + chunk))).ok).toBe(true);
        for (let p = 0; p < nnz; p += chunk) expect(b.value.fill(a.colIdx.subarray(p, Math.min(nnz, p + chunk)), a.values.subarray(p, Math.min(nnz, p + chunk))).ok).toBe(true);
        const m2 = b.value.finish();
        if (!m2.ok) throw new Error(m2.error.message);
        sameCsr(a, wasmTiledToCsr(m2.value));
        expect([...m2.value.mid]).toEqual([...m.mid]);
        expect(m2.value.maxRowSum).toBe(m.maxRowSum);
      }),
      { numRuns: 150 },
    );
  });

  it('products and block sweeps match dense arithmetic, both orientations, one thread and two (property)', () => {
    let shared = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 1e6 }), layouts, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), (n, seed, layout, selfUse, two) => {
        const { a } = randomEconomy(n, 3, seed, selfUse, 0.9, 0.1);
        const m = tiled(a, layout.blockBits, layout.tileBits);
        const ar = m.arena;
        // A worker per matrix is costly to start: two threads in about a third of the runs.
        const team = two && seed % 3 === 0 ? WasmTeam.of(ar) : null;
        if (team) expect(team.whenReady(10000)).toBe(true);
        const A = denseOf(a);
        const v = ar.f64(n);
        for (let i = 0; i < n; i++) v[i] = Math.cos(i + seed);
        for (const prices of [false, true]) {
          const ops = tiledOps(m, prices ? 'prices' : 'quantities', team);
          expect(ops.threads).toBe(team && m.blocks > 1 ? 2 : 1);
          const M = prices ? A.map((_, i) => A.map((row) => row[i])) : A;
          const lower = M.map((row, i) => row.map((x, j) => (i === j ? 1 - x : j < i ? -x : 0)));
          const upper = M.map((row, i) => row.map((x, j) => (i === j ? 1 - x : j > i ? -x : 0)));
          const fw = ar.f64(n), bw = ar.f64(n), g = ar.f64(n), y = ar.f64(n), in2 = ar.f64(n);
          fw.set(v);
          ops.forward(ar.ptr(fw));
          ops.backward(ar.ptr(v), ar.ptr(bw), ar.ptr(g));
          ops.product(ar.ptr(v), ar.ptr(y));
          expect(relErr(fw, denseSolve(lower, [...v]))).toBeLessThan(1e-12);
          expect(relErr(bw, denseSolve(upper, [...v]))).toBeLessThan(1e-12);
          expect(relErr(y, M.map((row) => row.reduce((s, x, j) => s + x * v[j], 0)))).toBeLessThan(1e-13);
          const expectG = [...v].map((x, i) => x - (1 - M[i][i]) * bw[i]);
          for (let i = 0; i < n; i++) expect(Math.abs(g[i] - expectG[i])).toBeLessThan(1e-12 * (1 + Math.abs(v[i])));
          // In place without g (the right preconditioner).
          in2.set(v);
          ops.backward(ar.ptr(in2), ar.ptr(in2), 0);
          expect(relErr(in2, [...bw])).toBeLessThan(1e-14);
        }
        shared += team?.shared ?? 0;
      }),
      { numRuns: 200 },
    );
    // The worker really ran its share (not only the main thread alone).
    expect(shared).toBeGreaterThan(0);
  });

  it('team programs: the worker waits for the main thread’s posts; alone, main runs both in order', () => {
    const { a } = randomEconomy(8, 2, 3, 0.3, 0.9, 0.1);
    const m = tiled(a, 2, 1);
    const ar = m.arena;
    const team = WasmTeam.of(ar)!;
    expect(team.whenReady(10000)).toBe(true);
    const x = ar.f64(4096), y = ar.f64(4096);
    for (let i = 0; i < 4096; i++) x[i] = i;
    // main: copy x -> y in 4 pieces, posting each; worker: after each post, copy y piece q -> x piece q + 4 (shifted).
    const big = ar.f64(8192);
    const main = new TeamProgram(), other = new TeamProgram();
    for (let q = 0; q < 4; q++) {
      main.call('copy', { r: 1, off: 8192 * q }, { r: 0, off: 8192 * q }, 8192).post(q + 1);
      other.wait(q + 1).call('copy', { r: 2, off: 8192 * (q + 4) }, { r: 1, off: 8192 * q }, 8192);
    }
    const before = team.shared;
    team.run(main.build(), other.build(), [ar.ptr(x), ar.ptr(y), ar.ptr(big)]);
    expect(team.shared).toBe(before + 1);
    for (let i = 0; i < 4096; i++) expect(big[4096 + i]).toBe(i);
    big.fill(0);
    runAlone(ar.k, [main.build(), other.build()], [ar.ptr(x), ar.ptr(y), ar.ptr(big)]);
    for (let i = 0; i < 4096; i++) expect(big[4096 + i]).toBe(i);
  });

  it('solveLeontief and solvePrices on tiles match a dense solve, 1x1 and sizes off the tile grid (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 1e6 }), layouts, (n, seed, layout) => {
        const { a, d } = randomEconomy(n, 4, seed, 0.5, 0.95, 0.1);
        const m = tiled(a, layout.blockBits, layout.tileBits);
        const A = denseOf(a);
        for (const prices of [false, true]) {
          for (const method of ['auto', 'gmres'] as const) {
            const r = (prices ? solvePrices : solveLeontief)(m, d, { directMaxN: 0, method, threads: seed % 4 === 0 ? 2 : undefined });
            if (!r.ok) throw new Error(r.error.message);
            expect(r.value.info.method).toBe(method === 'auto' ? 'bicgstab' : 'gmres');
            expect(r.value.info.residual).toBeLessThanOrEqual(1e-10);
            expect(leontiefResidual(a, r.value.x, d, prices ? 'prices' : 'quantities')).toBeLessThanOrEqual(1e-10);
            expect(relErr(r.value.x, denseSolve(denseIminus(A, prices), [...d]))).toBeLessThan(1e-8);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a larger economy over many blocks agrees with the CSR path', () => {
    const { a, d } = randomEconomy(20000, 8, 11, 0.3, 0.97, 0.1);
    const m = tiled(a, 11, 6);
    expect(m.blocks).toBe(10);
    for (const solve of [solveLeontief, solvePrices]) {
      const team = WasmTeam.of(m.arena)!;
      expect(team.whenReady(10000)).toBe(true);
      const t = solve(m, d, { threads: 2 }), c = solve(a, d, { kernel: 'wasm' });
      const t1 = solve(m, d, { threads: 1 });
      if (!t.ok || !c.ok || !t1.ok) throw new Error('failed');
      expect(t1.value.info.iterations).toBe(c.value.info.iterations);
      expect(t.value.info.residual).toBeLessThanOrEqual(1e-10);
      // The same sweeps (only the order of additions differs): the same iterations.
      expect(t.value.info.iterations).toBe(c.value.info.iterations);
      expect(relErr(t.value.x, [...c.value.x])).toBeLessThan(1e-9);
    }
  });

  it('refuses malformed input and unproductive economies with the CSR path’s errors', () => {
    const rp = Int32Array.of(0, 2, 3);
    const bad = (cols: number[], vals: number[] = cols.map(() => 0.1)) => {
      const b = WasmTiledBuilder.create(2, cols.length, rp, { blockBits: 1, tileBits: 0 });
      if (!b || !b.ok) throw new Error('create');
      const c = b.value.count(Int32Array.from(cols));
      if (!c.ok) return c.error.code;
      const f = b.value.fill(Int32Array.from(cols), Float64Array.from(vals));
      if (!f.ok) return f.error.code;
      const m = b.value.finish();
      return m.ok ? 'ok' : m.error.code;
    };
    expect(bad([0, 1, 1])).toBe('ok');
    expect(bad([1, 0, 1])).toBe('index');
    expect(bad([0, 0, 1])).toBe('index');
    expect(bad([0, 2, 1])).toBe('index');
    expect(bad([0, 1, -1])).toBe('index');
    expect(bad([0, 1, 1], [0.1, NaN, 0.1])).toBe('not-finite');
    expect(WasmTiledBuilder.create(2, 3, Int32Array.of(0, 2, 2))!.ok).toBe(false);
    expect(WasmTiledBuilder.create(2, 3, Int32Array.of(0, 4, 3))!.ok).toBe(false);
    // A fill that does not repeat the counted columns is caught.
    const other = WasmTiledBuilder.create(4, 4, Int32Array.of(0, 1, 2, 3, 4), { blockBits: 1, tileBits: 0 })!;
    if (!other.ok) throw new Error('create');
    expect(other.value.count(Int32Array.of(0, 2, 0, 3)).ok).toBe(true);
    expect(other.value.fill(Int32Array.of(0, 0, 0, 3), Float64Array.of(0.1, 0.1, 0.1, 0.1)).ok).toBe(true);
    expect(other.value.finish().ok).toBe(false);
    const short = WasmTiledBuilder.create(2, 3, rp)!;
    if (!short.ok) throw new Error('create');
    short.value.count(Int32Array.of(0, 1));
    expect(short.value.finish().ok).toBe(false);
    // Unproductive: a two-product loop with column sums 1.2 inside a productive rest.
    const n = 40;
    const { a } = randomEconomy(n, 3, 5, 0.2, 0.5, 0);
    const r: number[] = [], c: number[] = [], v: number[] = [];
    for (let i = 0; i < n; i++) for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) if (i > 1 && a.colIdx[p] > 1) r.push(i), c.push(a.colIdx[p]), v.push(a.values[p]);
    r.push(0, 1), c.push(1, 0), v.push(1.2, 1.2);
    const u = csrFromTriplets(n, n, Int32Array.from(r), Int32Array.from(c), Float64Array.from(v));
    if (!u.ok) throw new Error(u.error.message);
    const m = tiled(u.value, 3, 1);
    const x = solveLeontief(m, new Float64Array(n).fill(1), { directMaxN: 0 });
    expect(x.ok).toBe(false);
    if (!x.ok) {
      expect(x.error.code).toBe('not-productive');
      expect(x.error.products).toEqual([0, 1]);
    }
    const neg = csrFromTriplets(2, 2, Int32Array.of(0, 1), Int32Array.of(1, 0), Float64Array.of(-0.1, 0.2));
    if (!neg.ok) throw new Error('neg');
    const xn = solveLeontief(tiled(neg.value, 1, 0), Float64Array.of(1, 1), { directMaxN: 0 });
    expect(!xn.ok && xn.error.code).toBe('negative-coefficient');
    // Too few iterations: a typed failure, never an answer.
    const { a: a2, d: d2 } = randomEconomy(300, 5, 9, 0.3, 0.99, 0);
    const few = solveLeontief(tiled(a2, 5, 2), d2, { directMaxN: 0, method: 'bicgstab', maxIterations: 1, tolerance: 1e-14 });
    expect(few.ok).toBe(false);
    if (!few.ok) expect(few.error.code).toBe('not-converged');
  });
});
