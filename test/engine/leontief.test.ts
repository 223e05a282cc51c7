import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { solveLeontief, solvePrices, leontiefResidual, gmresSolve, jacobiSolve, leontiefOperator, jacobiSystem, ssorSystem, tiledSplit } from '../../src/engine/index.js';
import { csrOf, denseIminus, denseSolve, productiveEconomy, relErr } from './helpers.js';

// Miller & Blair (2009), ch. 2: Z = [[150, 500], [200, 100]], x = (1000, 2000).
const mbA = [
  [150 / 1000, 500 / 2000],
  [200 / 1000, 100 / 2000],
];

describe('Leontief quantities (I - A) x = d', () => {
  it('reproduces Miller & Blair ch. 2 with every method', () => {
    const a = csrOf(mbA);
    for (const method of ['auto', 'direct', 'jacobi', 'gauss-seidel', 'gmres', 'bicgstab'] as const) {
      const x0 = solveLeontief(a, Float64Array.of(350, 1700), { method });
      expect(x0.ok, method).toBe(true);
      if (!x0.ok) continue;
      expect(relErr(x0.value.x, [1000, 2000]), method).toBeLessThan(1e-9);
      const x = solveLeontief(a, Float64Array.of(600, 1500), { method });
      if (!x.ok) throw new Error(x.error.message);
      // 1247.52..., 1841.58... (exactly 126000/101 and 186000/101)
      expect(relErr(x.value.x, [126000 / 101, 186000 / 101]), method).toBeLessThan(1e-9);
      expect(x.value.info.residual).toBeLessThanOrEqual(1e-10);
      expect(leontiefResidual(a, x.value.x, Float64Array.of(600, 1500), 'quantities')).toBeLessThanOrEqual(1e-10);
    }
  });

  it('matches a dense solve on random productive economies, for every method (property)', () => {
    fc.assert(
      fc.property(productiveEconomy(12, 0.95), fc.constantFrom('direct', 'jacobi', 'gauss-seidel', 'gmres', 'bicgstab'), ({ a, d }, method) => {
        const want = denseSolve(denseIminus(a), d);
        const r = solveLeontief(csrOf(a), Float64Array.from(d), { method, maxIterations: 20000 });
        if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
        const e = relErr(r.value.x, want);
        if (!(e < 1e-8)) throw new Error(`${method}: A=${JSON.stringify(a)} d=${JSON.stringify(d)} got=${[...r.value.x]} want=${want} err=${e}`);
        expect(r.value.info.residual).toBeLessThanOrEqual(1e-10);
      }),
      { numRuns: 200 },
    );
  });

  it('tiled and CSR operators give the same GMRES answer on a mid-sized economy', () => {
    const n = 2500;
    const rows: number[][] = [];
    let s = 7;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const triplets: [number, number, number][] = [];
    for (let j = 0; j < n; j++) for (let k = 0; k < 6; k++) triplets.push([Math.floor(rnd() * n), j, 0.95 / 6 * rnd()]);
    void rows;
    const { csrFromTriplets } = require_();
    const a = csrFromTriplets(n, n, Int32Array.from(triplets, (t) => t[0]), Int32Array.from(triplets, (t) => t[1]), Float64Array.from(triplets, (t) => t[2]));
    if (!a.ok) throw new Error();
    const d = Float64Array.from({ length: n }, () => rnd());
    const opts = { tolerance: 1e-12, maxIterations: 1000, restart: 20 };
    const r1 = gmresSolve(jacobiSystem(leontiefOperator(a.value, 'quantities', false)), d, opts);
    const r2 = gmresSolve(ssorSystem(tiledSplit(a.value, 'quantities', 6)), d, opts);
    const r5 = gmresSolve(ssorSystem(tiledSplit(a.value, 'prices', 5)), d, opts);
    const r6 = gmresSolve(jacobiSystem(leontiefOperator(a.value, 'prices', true)), d, opts);
    if (!r5.ok || !r6.ok) throw new Error('prices not converged');
    expect(relErr(r5.value.z, r6.value.z)).toBeLessThan(1e-10);
    const r3 = jacobiSolve(leontiefOperator(a.value, 'prices', true), d, opts);
    const r4 = solvePrices(a.value, d, { method: "gmres", tolerance: 1e-13 });
    if (!r1.ok || !r2.ok || !r3.ok || !r4.ok) throw new Error('not converged');
    expect(relErr(r2.value.z, r1.value.z)).toBeLessThan(1e-10);
    expect(relErr(r3.value.z, r4.value.x)).toBeLessThan(1e-10);
  });

  it('never reports an unconverged answer: too few iterations is a typed failure', () => {
    const a = csrOf([[0.5, 0.4], [0.4, 0.5]]);
    const r = solveLeontief(a, Float64Array.of(1, 1), { method: 'jacobi', maxIterations: 3 });
    expect(!r.ok && r.error.code).toBe('not-converged');
  });

  it('returns zero output for zero demand and checks shapes', () => {
    const a = csrOf(mbA);
    const z = solveLeontief(a, new Float64Array(2), { method: 'gmres' });
    expect(z.ok && [...z.value.x]).toEqual([0, 0]);
    const bad = solveLeontief(a, new Float64Array(3));
    expect(!bad.ok && bad.error.code).toBe('shape');
  });
});

describe('prices and labour values (I - A^T) p = l', () => {
  it('reproduces Miller & Blair labour values (0.335, 0.2875) / 0.7575', () => {
    const a = csrOf(mbA);
    for (const method of ['direct', 'jacobi', 'gauss-seidel', 'gmres'] as const) {
      const p = solvePrices(a, Float64Array.of(0.3, 0.25), { method });
      if (!p.ok) throw new Error(p.error.message);
      expect(relErr(p.value.x, [0.335 / 0.7575, 0.2875 / 0.7575]), method).toBeLessThan(1e-9);
    }
  });
  it('matches a dense solve of (I - A^T) p = l (property)', () => {
    fc.assert(
      fc.property(productiveEconomy(10, 0.9), fc.constantFrom('direct', 'jacobi', 'gauss-seidel', 'gmres', 'bicgstab'), ({ a, d }, method) => {
        const want = denseSolve(denseIminus(a, true), d);
        const r = solvePrices(csrOf(a), Float64Array.from(d), { method, maxIterations: 20000 });
        if (!r.ok) throw new Error(r.error.message);
        const e = relErr(r.value.x, want);
        if (!(e < 1e-8)) throw new Error(`${method}: A=${JSON.stringify(a)} l=${JSON.stringify(d)} got=${[...r.value.x]} want=${want} err=${e}`);
      }),
      { numRuns: 150 },
    );
  });
});

import * as engine from '../../src/engine/index.js';
function require_() {
  return engine;
}
