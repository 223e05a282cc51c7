// z_{k+1} = z_k + D^{-1} (b - (I - M) z_k), D = I - diag(M): Jacobi sweeps; each sweep's product also yields z_k's exact residual.
import type { LeontiefOperator } from './leontief-operator.js';
import { fail, ok, type Result } from './result.js';
import { norm2, type IterativeOptions, type SolveInfo } from './solve-info.js';

/**
 * Solves (I - M) z = b by Jacobi sweeps (the Neumann series when diag(M) = 0). Converges at rate
 * rho(D^{-1}(M - diag M)) <= rho(M) for a productive M; worth it only when that bound is small, since each
 * sweep costs a full product. Returns 'not-converged' (never a half answer) after maxIterations or on growth.
 * Example: `jacobiSolve(op, d, { tolerance: 1e-10, maxIterations: 200 })`
 */
export function jacobiSolve(op: LeontiefOperator, b: Float64Array, opts: IterativeOptions): Result<{ z: Float64Array; info: SolveInfo }> {
  const n = op.n;
  if (b.length !== n) return fail('shape', `jacobi: b has ${b.length} entries, expected ${n}`);
  const bn = norm2(b);
  const z = new Float64Array(n);
  if (bn === 0) return ok({ z, info: { method: 'jacobi', iterations: 0, residual: 0, products: 0 } });
  const y = new Float64Array(n);
  const dinv = new Float64Array(n);
  for (let i = 0; i < n; i++) dinv[i] = 1 / (1 - op.diag[i]);
  let best = Infinity;
  let stall = 0;
  for (let k = 0; ; k++) {
    op.mul(z, y);
    // r = b + M z - z; reuse y for r. norm2 scales, so tiny or huge economies do not underflow to "converged".
    for (let i = 0; i < n; i++) y[i] = b[i] + y[i] - z[i];
    const rel = norm2(y) / bn;
    if (rel <= opts.tolerance) return ok({ z, info: { method: 'jacobi', iterations: k, residual: rel, products: k + 1 } });
    if (!Number.isFinite(rel) || k >= opts.maxIterations)
      return fail('not-converged', `jacobi: relative residual ${rel.toExponential(3)} after ${k} sweeps (tolerance ${opts.tolerance})`);
    if (rel < best * 0.999) {
      best = rel;
      stall = 0;
    } else if (++stall > 50) return fail('not-converged', `jacobi: residual stopped falling at ${best.toExponential(3)} after ${k} sweeps`);
    for (let i = 0; i < n; i++) z[i] += y[i] * dinv[i];
  }
}
