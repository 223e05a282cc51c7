// What every solver of (I - M) z = b reports next to z: method, iterations and the true relative residual ||b - (I - M) z|| / ||b||.

/** Method names as reported by `--timings` and the solver results. */
export type SolveMethod = 'direct' | 'jacobi' | 'gauss-seidel' | 'gmres' | 'bicgstab';

/**
 * How a solve went. `residual` is always recomputed from the returned vector with one extra product
 * (never a recurrence estimate), so `residual <= tolerance` is a checked fact.
 * Example: `{ method: 'gmres', iterations: 23, residual: 4.1e-11, products: 26 }`
 */
export interface SolveInfo {
  readonly method: SolveMethod;
  readonly iterations: number;
  readonly residual: number;
  /** Matrix passes spent (products, sweeps, factorisation counted as 0). */
  readonly products: number;
}

/** Options shared by the iterative solvers. Example: `{ tolerance: 1e-10, maxIterations: 5000 }` */
export interface IterativeOptions {
  readonly tolerance: number;
  readonly maxIterations: number;
  /** Called once on success with the answer z and its exact residual b - (I - M) z (views valid only during the call). */
  readonly onResidual?: (z: Float64Array, r: Float64Array) => void;
}

/** ||v||_2; one pass, with a scaled second pass only when the plain sum could have under- or overflowed. Example: `norm2(Float64Array.of(3, 4)) === 5` */
export function norm2(v: Float64Array): number {
  let s0 = 0, s1 = 0;
  const n = v.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += v[i] * v[i];
    s1 += v[i + 1] * v[i + 1];
  }
  if (i < n) s0 += v[i] * v[i];
  const s = s0 + s1;
  if (s > 1e-280 && s < 1e280) return Math.sqrt(s);
  let big = 0;
  for (let k = 0; k < n; k++) {
    const a = Math.abs(v[k]);
    if (a > big) big = a;
  }
  if (big === 0 || !Number.isFinite(big)) return big;
  let t = 0;
  for (let k = 0; k < n; k++) {
    const q = v[k] / big;
    t += q * q;
  }
  return big * Math.sqrt(t);
}
