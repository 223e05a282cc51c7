import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import {
  csrFromTriplets,
  gmresSolve,
  solveLeontief,
  ssorSystem,
  tiledBackward,
  tiledEisenstatFinish,
  tiledForward,
  tiledProduct,
  tiledSplit,
  tiledSums,
  colSums,
  rowSums,
  type KrylovSystem,
  type TiledSplit,
} from '../../src/engine/index.js';
import { csrOf, denseSolve, relErr } from './helpers.js';

function randomEconomy(n: number, k: number, seed: number) {
  let s = seed;
  const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  const r: number[] = [], c: number[] = [], v: number[] = [];
  for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) {
    r.push(Math.floor(rnd() * n));
    c.push(j);
    v.push((0.9 / k) * rnd());
  }
  const a = csrFromTriplets(n, n, Int32Array.from(r), Int32Array.from(c), Float64Array.from(v));
  if (!a.ok) throw new Error();
  return { a: a.value, d: Float64Array.from({ length: n }, () => rnd()) };
}

// Block SSOR over two row ranges, run in one thread: the same arithmetic the worker version does.
function blockSystem(ts: TiledSplit, split: number): KrylovSystem {
  const n = ts.n;
  const t = new Float64Array(n);
  const ranges = [[0, split], [split, ts.tiles]];
  return {
    n,
    name: 'block-ssor-test',
    apply(v, out) {
      for (const [p0, p1] of ranges) tiledBackward(ts, v, t, p0, p1);
      for (const [p0, p1] of ranges) tiledEisenstatFinish(ts, v, t, out, p0, p1);
    },
    left(r, out) {
      for (const [p0, p1] of ranges) tiledForward(ts, r, out, p0, p1);
    },
    right(u, out) {
      for (const [p0, p1] of ranges) tiledBackward(ts, u, out, p0, p1);
    },
    residual(z, b, out) {
      for (const [p0, p1] of ranges) tiledProduct(ts, z, out, p0, p1);
      for (let i = 0; i < n; i++) out[i] = b[i] - z[i] + out[i];
    },
  };
}

describe('tiled split kernels', () => {
  it('sweeps solve the triangular systems they claim (dense check, property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom('quantities', 'prices') as fc.Arbitrary<'quantities' | 'prices'>, fc.integer({ min: 1, max: 1e6 }), (n, bits, orientation, seed) => {
        const { a } = randomEconomy(n, 3, seed);
        const ts = tiledSplit(a, orientation, bits);
        const M = Array.from({ length: n }, () => new Array<number>(n).fill(0));
        for (let i = 0; i < n; i++) for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) {
          if (orientation === 'quantities') M[i][a.colIdx[p]] += a.values[p];
          else M[a.colIdx[p]][i] += a.values[p];
        }
        const v = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
        const lower = M.map((row, i) => row.map((x, j) => (i === j ? 1 - x : j < i ? -x : 0)));
        const upper = M.map((row, i) => row.map((x, j) => (i === j ? 1 - x : j > i ? -x : 0)));
        const w = new Float64Array(n), z = new Float64Array(n), y = new Float64Array(n);
        tiledForward(ts, v, w);
        tiledBackward(ts, v, z);
        tiledProduct(ts, v, y);
        expect(relErr(w, denseSolve(lower, [...v]))).toBeLessThan(1e-12);
        expect(relErr(z, denseSolve(upper, [...v]))).toBeLessThan(1e-12);
        expect(relErr(y, M.map((row) => row.reduce((s, x, j) => s + x * v[j], 0)))).toBeLessThan(1e-13);
        const cs = orientation === 'quantities' ? tiledSums(ts, true) : tiledSums(ts, false);
        expect(relErr(cs, colSums(a))).toBeLessThan(1e-13);
        const rs = orientation === 'quantities' ? tiledSums(ts, false) : tiledSums(ts, true);
        expect(relErr(rs, rowSums(a))).toBeLessThan(1e-13);
      }),
      { numRuns: 150 },
    );
  });

  it('two-block SSOR (the threaded arithmetic) converges to the same answer as full SSOR', () => {
    const { a, d } = randomEconomy(5000, 8, 11);
    const ts = tiledSplit(a, 'quantities', 10); // 5 panels
    const opts = { tolerance: 1e-11, maxIterations: 500, restart: 30 };
    const full = gmresSolve(ssorSystem(ts), d, opts);
    const block = gmresSolve(blockSystem(ts, 2), d, opts);
    if (!full.ok || !block.ok) throw new Error('not converged');
    expect(relErr(block.value.z, full.value.z)).toBeLessThan(1e-9);
    const tsP = tiledSplit(a, 'prices', 10);
    const fullP = gmresSolve(ssorSystem(tsP), d, opts);
    const blockP = gmresSolve(blockSystem(tsP, 3), d, opts);
    if (!fullP.ok || !blockP.ok) throw new Error('not converged');
    expect(relErr(blockP.value.z, fullP.value.z)).toBeLessThan(1e-9);
    void csrOf;
  });

  it('worker threads (compiled engine in dist/) give the single-thread answer', () => {
    const dist = new URL('../../dist/src/engine/index.js', import.meta.url);
    if (!existsSync(dist)) {
      console.log('skipped: dist/ not built (npm run build)');
      return;
    }
    const script = `
      const E = await import(${JSON.stringify(dist.href)});
      if (!E.parallelAvailable()) { console.log('SKIP'); process.exit(0); }
      let s = 5; const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647);
      const n = 40000, r = [], c = [], v = [];
      for (let j = 0; j < n; j++) for (let t = 0; t < 6; t++) { r.push(Math.floor(rnd() * n)); c.push(j); v.push(0.15 * rnd()); }
      const a = E.csrFromTriplets(n, n, Int32Array.from(r), Int32Array.from(c), Float64Array.from(v)).value;
      const d = Float64Array.from({ length: n }, () => rnd());
      const one = E.solveLeontief(a, d, { method: 'gmres', threads: 1 });
      const two = E.solveLeontief(a, d, { method: 'gmres', threads: 2 });
      const p2 = E.solvePrices(a, d, { method: 'gmres', threads: 2 });
      const p1 = E.solvePrices(a, d, { method: 'direct' === 'x' ? 'direct' : 'gmres', threads: 1 });
      let e = 0, ep = 0;
      for (let i = 0; i < n; i++) { e = Math.max(e, Math.abs(one.value.x[i] - two.value.x[i]) / Math.abs(one.value.x[i])); ep = Math.max(ep, Math.abs(p1.value.x[i] - p2.value.x[i]) / Math.abs(p1.value.x[i])); }
      console.log(JSON.stringify({ e, ep, r2: two.value.info.residual, rp: p2.value.info.residual }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    if (r.stdout.trim() === 'SKIP') {
      console.log('skipped: worker threads unavailable (one core)');
      return;
    }
    const out = JSON.parse(r.stdout) as { e: number; ep: number; r2: number; rp: number };
    expect(out.r2).toBeLessThanOrEqual(1e-10);
    expect(out.rp).toBeLessThanOrEqual(1e-10);
    expect(out.e).toBeLessThan(1e-8);
    expect(out.ep).toBeLessThan(1e-8);
  });

  it('solveLeontief on a 150000-product economy (tiled path) meets the tolerance', () => {
    const { a, d } = randomEconomy(150_000, 6, 3);
    const r = solveLeontief(a, d, { kernel: 'js' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.info.method).toBe('gmres');
    expect(r.value.info.residual).toBeLessThanOrEqual(1e-10);
  });
});
