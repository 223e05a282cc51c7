import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../../../src/engine/monitoring/index.js';

describe('standard normal CDF and quantile', () => {
  // standard table values of Phi (to 16 digits) and the matching quantiles
  const table: [number, number][] = [
    [0, 0.5],
    [1, 0.8413447460685429],
    [1.2815515655446004, 0.9],
    [1.959963984540054, 0.975],
    [-2.3263478740408408, 0.01],
    [3, 0.9986501019683699],
    [-5, 2.866515718791939e-7],
  ];
  it('matches tabulated values', () => {
    for (const [x, p] of table) {
      expect(Math.abs(normalCdf(x) - p), `Phi(${x}) = ${normalCdf(x)}, want ${p}, tol 1.5e-7`).toBeLessThan(1.5e-7);
      expect(Math.abs(normalQuantile(p) - x), `Phi^-1(${p}) = ${normalQuantile(p)}, want ${x}, tol 1e-8 * max(1, |x|)`).toBeLessThan(1e-8 * Math.max(1, Math.abs(x)));
    }
  });
  it('is NaN outside (0, 1)', () => {
    expect(normalQuantile(0)).toBeNaN();
    expect(normalQuantile(1)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
  });
});
