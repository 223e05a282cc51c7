import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csrFromTriplets, solveLeontief, solvePrices, leontiefResidual, colSums, rowSums, type CsrMatrix } from '../../src/engine/index.js';
import { csrAllocate, wasmCsrOf, wasmPrepare } from '../../src/engine/wasm-csr.js';
import { wasmModule } from '../../src/engine/wasm-kernels.js';
import { denseIminus, denseOf, denseSolve, randomEconomy, relErr } from './helpers.js';


describe('wasm kernels', () => {
  it('compile here (Node 20 has SIMD and shared memory)', () => {
    expect(wasmModule()).not.toBeNull();
  });

  it('sweeps, products and sums match dense arithmetic, both orientations, odd sizes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, seed, selfUse) => {
        const { a } = randomEconomy(n, 3, seed, selfUse);
        const w = wasmCsrOf(a);
        if (!w) throw new Error('no wasm');
        const ar = w.arena, k = ar.k;
        const p = wasmPrepare(w);
        expect(relErr(p.colSums!, colSums(a))).toBeLessThan(1e-13);
        expect(relErr(p.rowSums, rowSums(a))).toBeLessThan(1e-13);
        for (let i = 0; i < n; i++) {
          let m = a.rowPtr[i];
          while (m < a.rowPtr[i + 1] && a.colIdx[m] < i) m++;
          expect(p.mid[i]).toBe(m);
        }
        const A = denseOf(a);
        const v = ar.f64(n);
        for (let i = 0; i < n; i++) v[i] = Math.cos(i + seed);
        const mid = ar.ptr(p.mid);
        for (const prices of [false, true]) {
          const M = prices ? A.map((_, i) => A.map((row) => row[i])) : A;
          const lower = M.map((row, i) => row.map((x, j) => (i === j ? 1 - x : j < i ? -x : 0)));
          const upper = M.map((row, i) => row.map((x, j) => (i === j ? 1 - x : j > i ? -x : 0)));
          const fw = ar.f64(n), bw = ar.f64(n), g = ar.f64(n), y = ar.f64(n);
          if (prices) {
            fw.set(v);
            k.colsForward(n, w.rp, w.ci, w.va, mid, ar.ptr(fw));
            bw.set(v);
            k.colsBackward(n, w.rp, w.ci, w.va, mid, ar.ptr(v), ar.ptr(bw), ar.ptr(g));
            k.colsMul(n, w.rp, w.ci, w.va, ar.ptr(v), ar.ptr(y));
          } else {
            k.rowsForward(n, w.rp, w.ci, w.va, mid, ar.ptr(v), ar.ptr(fw));
            k.rowsBackward(n, w.rp, w.ci, w.va, mid, ar.ptr(v), ar.ptr(bw), ar.ptr(g));
            k.rowsMul(n, w.rp, w.ci, w.va, ar.ptr(v), ar.ptr(y), 0);
          }
          expect(relErr(fw, denseSolve(lower, [...v]))).toBeLessThan(1e-12);
          expect(relErr(bw, denseSolve(upper, [...v]))).toBeLessThan(1e-12);
          expect(relErr(y, M.map((row) => row.reduce((s, x, j) => s + x * v[j], 0)))).toBeLessThan(1e-13);
          // Eisenstat's term: g = v - D t with t the backward solution.
          const expectG = [...v].map((x, i) => x - (1 - M[i][i]) * bw[i]);
          for (let i = 0; i < n; i++) expect(Math.abs(g[i] - expectG[i])).toBeLessThan(1e-12 * (1 + Math.abs(v[i])));
        }
      }),
      { numRuns: 120 },
    );
  });

  it('GMRES vector kernels agree with plain loops (odd lengths, several vectors)', () => {
    const ar = wasmCsrOf(randomEconomy(3, 1, 1).a)!.arena;
    for (const n of [1, 2, 7, 1023, 2049, 3001]) {
      const count = 5;
      const V = ar.f64((count + 1) * n), w = ar.f64(n), h = ar.f64(8), s = ar.f64(n);
      for (let i = 0; i < V.length; i++) V[i] = Math.sin(i * 0.37);
      for (let i = 0; i < n; i++) w[i] = Math.cos(i * 0.11);
      const hp = new Array<number>(count).fill(0);
      for (let i = 0; i < count; i++) for (let q = 0; q < n; q++) hp[i] += V[i * n + q] * w[q];
      const nn = w.reduce((acc, x) => acc + x * x, 0);
      expect(ar.k.dots(ar.ptr(V), n, count, ar.ptr(w), ar.ptr(h)) / nn).toBeCloseTo(1, 12);
      for (let i = 0; i < count; i++) expect(h[i]).toBeCloseTo(hp[i], 10);
      const wp = [...w].map((x, q) => x - hp.reduce((acc, hi, i) => acc + hi * V[i * n + q], 0));
      const after = ar.k.subtract(ar.ptr(V), n, count, ar.ptr(w), ar.ptr(h));
      expect(relErr(w, wp)).toBeLessThan(1e-12);
      expect(after).toBeCloseTo(wp.reduce((acc, x) => acc + x * x, 0), 8);
      ar.k.combine(ar.ptr(V), n, count, ar.ptr(h), ar.ptr(s));
      expect(relErr(s, [...s].map((_, q) => hp.reduce((acc, hi, i) => acc + hi * V[i * n + q], 0)))).toBeLessThan(1e-12);
    }
  });

  it('fused BiCGSTAB vector kernels agree with plain loops (odd lengths)', () => {
    const ar = wasmCsrOf(randomEconomy(3, 1, 1).a)!.arena;
    for (const n of [0, 1, 2, 3, 7, 1024, 2049]) {
      const vec = (f: (i: number) => number) => {
        const v = ar.f64(n);
        for (let i = 0; i < n; i++) v[i] = f(i);
        return v;
      };
      const p = vec((i) => Math.sin(i)), r = vec((i) => Math.cos(i * 0.3)), v = vec((i) => Math.sin(i * 0.7) + 0.1), u = vec((i) => i / 7), rh = vec((i) => Math.cos(i * 1.1));
      const beta = 0.37, omega = -1.3, alpha = 0.61;
      const p2 = [...p].map((x, i) => r[i] + beta * (x - omega * v[i]));
      ar.k.bicgP(ar.ptr(p), ar.ptr(r), ar.ptr(v), n, beta, omega);
      expect(relErr(p, p2)).toBeLessThan(1e-15);
      const r2 = [...r].map((x, i) => x - alpha * v[i]), u2 = [...u].map((x, i) => x + alpha * p[i]);
      const ss = ar.k.bicgS(ar.ptr(r), ar.ptr(v), ar.ptr(u), ar.ptr(p), n, alpha);
      expect(relErr(r, r2)).toBeLessThan(1e-15);
      expect(relErr(u, u2)).toBeLessThan(1e-15);
      expect(ss).toBeCloseTo(r2.reduce((s, x) => s + x * x, 0), 10);
      const out = ar.f64(2);
      ar.k.dot2(ar.ptr(v), ar.ptr(r), n, ar.ptr(out));
      expect(out[0]).toBeCloseTo([...v].reduce((s, x) => s + x * x, 0), 10);
      expect(out[1]).toBeCloseTo([...v].reduce((s, x, i) => s + x * r[i], 0), 10);
      const u3 = [...u].map((x, i) => x + omega * r[i]), r3 = [...r].map((x, i) => x - omega * v[i]);
      ar.k.bicgR(ar.ptr(u), ar.ptr(r), ar.ptr(v), ar.ptr(rh), n, omega, ar.ptr(out));
      expect(relErr(u, u3)).toBeLessThan(1e-15);
      expect(relErr(r, r3)).toBeLessThan(1e-15);
      expect(out[0]).toBeCloseTo(r3.reduce((s, x) => s + x * x, 0), 9);
      expect(out[1]).toBeCloseTo(r3.reduce((s, x, i) => s + x * rh[i], 0), 9);
    }
  });

  it('solveLeontief and solvePrices on the wasm path match a dense solve (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 90 }), fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, seed, selfUse) => {
        const { a, d } = randomEconomy(n, 4, seed, selfUse, 0.95);
        const A = denseOf(a);
        for (const prices of [false, true]) {
          const r = (prices ? solvePrices : solveLeontief)(a, d, { kernel: 'wasm', directMaxN: 1 });
          const g = (prices ? solvePrices : solveLeontief)(a, d, { kernel: 'wasm', directMaxN: 1, method: 'gmres' });
          if (!r.ok || !g.ok) throw new Error('failed');
          expect(r.value.info.method).toBe('bicgstab');
          expect(g.value.info.method).toBe('gmres');
          expect(relErr(g.value.x, denseSolve(denseIminus(A, prices), [...d]))).toBeLessThan(1e-8);
          expect(r.value.info.residual).toBeLessThanOrEqual(1e-10);
          expect(leontiefResidual(a, r.value.x, d, prices ? 'prices' : 'quantities')).toBeLessThanOrEqual(1e-10);
          expect(relErr(r.value.x, denseSolve(denseIminus(A, prices), [...d]))).toBeLessThan(1e-8);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('runs in place on a csrAllocate matrix and gives the copied path its answer', () => {
    const { a, d } = randomEconomy(3001, 6, 7, 0.5);
    const b = csrAllocate(a.nRows, a.nCols, a.rowPtr[a.nRows]);
    b.rowPtr.set(a.rowPtr);
    b.colIdx.set(a.colIdx);
    b.values.set(a.values);
    expect(wasmCsrOf(b, false)).not.toBeNull();
    expect(wasmCsrOf(a, false)).toBeNull();
    const x1 = solveLeontief(b, d, { kernel: 'wasm' }), x2 = solveLeontief(a, d, { kernel: 'wasm' });
    const p1 = solvePrices(b, d, { kernel: 'wasm' });
    if (!x1.ok || !x2.ok || !p1.ok) throw new Error('failed');
    expect(Array.from(x1.value.x)).toEqual(Array.from(x2.value.x));
    // The answer is the caller's own array, not a view of the arena that later solves reuse.
    expect(wasmCsrOf({ ...b, values: x1.value.x as Float64Array }, false)).toBeNull();
    const again = solveLeontief(b, d, { kernel: 'wasm' });
    if (!again.ok) throw new Error('failed');
    expect(Array.from(again.value.x)).toEqual(Array.from(x1.value.x));
    expect(p1.value.info.residual).toBeLessThanOrEqual(1e-10);
  });

  it('csrFromTriplets builds large matrices in engine memory; long restarts work', () => {
    const { a, d } = randomEconomy(140_000, 4, 9, 0.2);
    expect(wasmCsrOf(a, false)).not.toBeNull();
    const r = solveLeontief(a, d, { restart: 45, method: 'gmres' });
    const p = solvePrices(a, d);
    if (!r.ok || !p.ok) throw new Error('failed');
    expect(r.value.info.residual).toBeLessThanOrEqual(1e-10);
    expect(leontiefResidual(a, r.value.x, d, 'quantities')).toBeLessThanOrEqual(1e-10);
    expect(leontiefResidual(a, p.value.x, d, 'prices')).toBeLessThanOrEqual(1e-10);
    const js = solveLeontief(a, d, { kernel: 'js' });
    if (!js.ok) throw new Error('failed');
    expect(relErr(r.value.x, [...js.value.x])).toBeLessThan(1e-8);
  });

  it('proves productiveness from the answer when it can, else by the full check', () => {
    const { a, d } = randomEconomy(3000, 6, 21, 0.3, 0.97);
    const r = solveLeontief(a, d, { kernel: 'wasm' });
    if (!r.ok) throw new Error(r.error.message);
    // d > 0: z > 0 with A z < z is read off the final residual.
    expect(r.value.productive?.proof).toBe('solution');
    expect(r.value.productive!.bound).toBeLessThan(1);
    // It must dominate max_i (A z)_i / z_i, the Collatz-Wielandt upper bound it stands for.
    const z = r.value.x;
    let cwMax = 0;
    for (let i = 0; i < 3000; i++) {
      let acc = 0;
      for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) acc += a.values[p] * z[a.colIdx[p]];
      cwMax = Math.max(cwMax, acc / z[i]);
    }
    expect(r.value.productive!.bound).toBeGreaterThanOrEqual(cwMax);
    // A zero demand entry leaves A z < z unproved there: the full check runs.
    const d0 = Float64Array.from(d);
    d0[10] = 0;
    const r0 = solveLeontief(a, d0, { kernel: 'wasm' });
    if (!r0.ok) throw new Error(r0.error.message);
    expect(['column-sums', 'row-sums', 'components']).toContain(r0.value.productive?.proof);
    expect(r0.value.info.residual).toBeLessThanOrEqual(1e-10);
    // Row sums below 1 prove it before solving.
    const small = { ...a, values: Float64Array.from(a.values, (x) => x * 0.2) };
    const rs = solvePrices(small, d, { kernel: 'wasm' });
    if (!rs.ok) throw new Error(rs.error.message);
    expect(rs.value.productive?.proof).toBe('row-sums');
  });

  it('refuses what the JS path refuses, and never reports an unconverged answer', () => {
    const { a, d } = randomEconomy(2000, 5, 3);
    const neg = { ...a, values: Float64Array.from(a.values) };
    neg.values[17] = -0.25;
    const r1 = solveLeontief(neg, d, { kernel: 'wasm' });
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.error.code).toBe('negative-coefficient');
    const nan = { ...a, values: Float64Array.from(a.values) };
    nan.values[5] = NaN;
    const r2 = solveLeontief(nan, d, { kernel: 'wasm' });
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.code).toBe('not-finite');
    const big = { ...a, values: Float64Array.from(a.values, (x) => x * 3) };
    const r3 = solveLeontief(big, d, { kernel: 'wasm' });
    expect(r3.ok).toBe(false);
    if (!r3.ok) expect(r3.error.code).toBe('not-productive');
    for (const method of ['gmres', 'bicgstab'] as const) {
      const r4 = solveLeontief(a, d, { kernel: 'wasm', method, maxIterations: 1 });
      expect(r4.ok).toBe(false);
      if (!r4.ok) expect(r4.error.code).toBe('not-converged');
    }
  });
});
