// Tiny pure helpers on a technology matrix given as sparse triplets: spectral radius, gross output,
// material cost. Small matrices only (the catalogue's ~70 products).
import type { TechnologyTriplet } from './types.js';

interface SparseEntry {
  readonly row: number;
  readonly col: number;
  readonly value: number;
}

function toSparse(triplets: readonly TechnologyTriplet[], productCodes: readonly string[]): SparseEntry[] {
  const index = new Map<string, number>();
  productCodes.forEach((c, i) => index.set(c, i));
  return triplets.map((t) => {
    const row = index.get(t.input);
    const col = index.get(t.output);
    if (row === undefined || col === undefined) {
      throw new Error(`technology triplet ${t.input} -> ${t.output}: product code not in the list`);
    }
    if (!Number.isFinite(t.coefficient) || t.coefficient < 0) {
      throw new Error(`technology triplet ${t.input} -> ${t.output}: coefficient ${t.coefficient} is not a finite non-negative number`);
    }
    return { row, col, value: t.coefficient };
  });
}

/** y = A x for A given as (row = input, col = output) entries. */
function multiply(entries: readonly SparseEntry[], x: readonly number[]): number[] {
  const y = new Array<number>(x.length).fill(0);
  for (const e of entries) y[e.row] += e.value * x[e.col];
  return y;
}

/**
 * Lower and upper bounds of the spectral radius of the non-negative matrix A (a[input][output]) by
 * power iteration on A + I with Collatz-Wielandt bounds: for x > 0, min (Bx)_i/x_i <= rho(B) <=
 * max (Bx)_i/x_i, and rho(A) = rho(A + I) - 1 for non-negative A. The bounds tighten each step.
 * @example spectralRadiusBounds([{ input: 'a', output: 'a', coefficient: 0.5 }], ['a']) // { lower: 0.5, upper: 0.5 }
 */
export function spectralRadiusBounds(
  triplets: readonly TechnologyTriplet[],
  productCodes: readonly string[],
  maxIterations = 20_000,
  tolerance = 1e-12,
): { lower: number; upper: number } {
  const n = productCodes.length;
  if (n === 0) return { lower: 0, upper: 0 };
  const entries = toSparse(triplets, productCodes);
  let x = new Array<number>(n).fill(1);
  let lower = 0;
  let upper = Infinity;
  let previousHi = Infinity;
  for (let k = 0; k < maxIterations; k++) {
    const ax = multiply(entries, x);
    let lo = Infinity;
    let hi = 0;
    let norm = 0;
    const y = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      y[i] = ax[i] + x[i];
      const ratio = y[i] / x[i];
      if (ratio < lo) lo = ratio;
      if (ratio > hi) hi = ratio;
      if (y[i] > norm) norm = y[i];
    }
    lower = Math.max(lower, lo - 1);
    upper = Math.min(upper, hi - 1);
    // Stop when the bounds meet, or when the upper bound no longer moves (reducible matrices, whose
    // lower bound stays weak). The floor keeps x strictly positive, as the bounds require.
    if (upper - lower <= tolerance || Math.abs(previousHi - hi) <= tolerance * hi) break;
    previousHi = hi;
    x = y.map((v) => Math.max(v / norm, 1e-200));
  }
  return { lower, upper };
}

/**
 * Estimate of the spectral radius of the technology matrix (power iteration): the Collatz-Wielandt
 * upper bound after convergence, so the true radius is never above it. Below 1 means productive.
 * @example spectralRadiusEstimate(TECHNOLOGY, PRODUCTS.map((p) => p.code)) < 0.9 // true
 */
export function spectralRadiusEstimate(triplets: readonly TechnologyTriplet[], productCodes: readonly string[]): number {
  return spectralRadiusBounds(triplets, productCodes).upper;
}

/**
 * Gross output x solving x = A x + d (the Leontief system) by iteration, for a productive matrix.
 * `finalDemand` maps product codes to quantities; missing products have none. Throws when the
 * iteration does not converge (a matrix that is not productive).
 * @example grossOutput([{ input: 'coal', output: 'power', coefficient: 0.5 }], ['coal', 'power'], { power: 10 }) // { coal: 5, power: 10 }
 */
export function grossOutput(
  triplets: readonly TechnologyTriplet[],
  productCodes: readonly string[],
  finalDemand: Readonly<Record<string, number>>,
): Record<string, number> {
  const n = productCodes.length;
  const entries = toSparse(triplets, productCodes);
  const d = productCodes.map((c) => finalDemand[c] ?? 0);
  let x = d.slice();
  for (let k = 0; k < 100_000; k++) {
    const ax = multiply(entries, x);
    let change = 0;
    let size = 0;
    const next = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      next[i] = ax[i] + d[i];
      change = Math.max(change, Math.abs(next[i] - x[i]) / Math.max(1, Math.abs(next[i])));
      size = Math.max(size, Math.abs(next[i]));
    }
    x = next;
    if (!Number.isFinite(size)) break;
    if (change < 1e-13) {
      const out: Record<string, number> = {};
      productCodes.forEach((c, i) => (out[c] = x[i]));
      return out;
    }
  }
  throw new Error('grossOutput: iteration did not converge (technology matrix not productive)');
}

/**
 * Material cost of one unit of each output at the given prices: sum over inputs of coefficient x
 * input price. Products without inputs cost 0.
 * @example materialCostPerUnit([{ input: 'coal', output: 'power', coefficient: 0.5 }], { coal: 10, power: 30 }) // { power: 5 }
 */
export function materialCostPerUnit(
  triplets: readonly TechnologyTriplet[],
  prices: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of triplets) {
    const p = prices[t.input];
    if (p === undefined) throw new Error(`materialCostPerUnit: no price for input ${t.input}`);
    out[t.output] = (out[t.output] ?? 0) + t.coefficient * p;
  }
  return out;
}
