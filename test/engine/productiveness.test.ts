import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkProductive, solveLeontief } from '../../src/engine/index.js';
import { csrOf, productiveEconomy } from './helpers.js';

describe('checkProductive', () => {
  it('accepts column sums below one at once', () => {
    const r = checkProductive(csrOf([[0.15, 0.25], [0.2, 0.05]]));
    expect(r.ok && r.value.proof).toBe('column-sums');
  });
  it('refuses negative coefficients, naming the products involved', () => {
    const r = checkProductive(csrOf([[0.1, 0], [0, 0.2], [0, -0.1]].map((row) => [...row, 0])));
    expect(!r.ok && r.error.code).toBe('negative-coefficient');
    expect(!r.ok && r.error.products).toEqual([1, 2]);
  });
  it('names exactly the strongly connected set whose spectral radius is >= 1', () => {
    // 0 feeds the cycle {1, 2} (rho = 1.2); 3 is fine; 1 -> 3 link does not join 3 to the set.
    const a = [
      [0.1, 0.0, 0.0, 0.0],
      [0.3, 0.0, 1.2, 0.0],
      [0.0, 1.0, 0.0, 0.0],
      [0.0, 0.2, 0.0, 0.5],
    ];
    const r = checkProductive(csrOf(a));
    expect(!r.ok && r.error.code).toBe('not-productive');
    expect(!r.ok && r.error.products).toEqual([1, 2]);
    const s = solveLeontief(csrOf(a), Float64Array.of(1, 1, 1, 1));
    expect(!s.ok && s.error.code).toBe('not-productive');
  });
  it('refuses a closed economy with spectral radius exactly 1 and a self-sufficient product a_ii >= 1', () => {
    const closed = checkProductive(csrOf([[0.5, 0.5], [0.5, 0.5]]));
    expect(!closed.ok && closed.error.products).toEqual([0, 1]);
    const self = checkProductive(csrOf([[1, 0], [0.5, 0.2]]));
    expect(!self.ok && self.error.products).toEqual([0]);
  });
  it('accepts a productive economy whose column and row sums both exceed one somewhere', () => {
    // Column 0 sums to 1.2 and row 1 sums to 1.1, yet rho ~ 0.77.
    const a = [
      [0.2, 0.3, 0.0],
      [1.0, 0.1, 0.0],
      [0.0, 0.2, 0.3],
    ];
    const r = checkProductive(csrOf(a));
    expect(r.ok && r.value.proof).toBe('components');
    expect(r.ok && r.value.bound).toBeLessThan(1);
  });
  it('decides rho just below and just above one (power iteration then solve)', () => {
    const eps = 1e-9;
    const below = checkProductive(csrOf([[0, 1 - eps], [1, 0.0]]));
    expect(below.ok).toBe(true);
    const above = checkProductive(csrOf([[0, 1 + eps], [1, 0.0]]));
    expect(!above.ok && above.error.products).toEqual([0, 1]);
  });
  it('agrees with Perron-Frobenius on random economies (property)', () => {
    fc.assert(
      fc.property(productiveEconomy(8, 0.99), ({ a }) => {
        expect(checkProductive(csrOf(a)).ok).toBe(true);
        // Scaling the whole matrix by 1/rho-ish large factor makes it unproductive whenever it has a cycle.
        const big = a.map((r) => r.map((v) => v * 1e3));
        const r = checkProductive(csrOf(big));
        const hasCycle = !r.ok;
        if (hasCycle) expect(r.error.code).toBe('not-productive');
      }),
      { numRuns: 100 },
    );
  });
});
