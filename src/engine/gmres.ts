// (I - M) z = b through P_L^{-1} (I - M) P_R^{-1} u = P_L^{-1} b, z = P_R^{-1} u: restarted GMRES(m), classical Gram-Schmidt with DGKS re-orthogonalisation.
import type { KrylovSystem, KrylovVectorOps } from './krylov-system.js';
import { fail, ok, type Result } from './result.js';
import { norm2, type IterativeOptions, type SolveInfo } from './solve-info.js';

/** GMRES options: restart length m (memory is m + 2 vectors of n doubles, one more for b with shared-memory systems). Example: `{ tolerance: 1e-10, maxIterations: 2000, restart: 12 }` */
export interface GmresOptions extends IterativeOptions {
  readonly restart: number;
}

const CHUNK = 2048;

/**
 * Solves (I - M) z = b. Each cycle starts from the exactly recomputed residual b - (I - M) z and the
 * solver returns only when that true residual is within tolerance; the preconditioned residual only
 * decides when a cycle ends (aiming below the true target, and tighter if a cycle falls short).
 * Gram-Schmidt runs in cache-sized chunks so each basis vector is read once per pass, which matters
 * because at n = 1e6 a basis vector is 8 MB.
 * Example: `gmresSolve(jacobiSystem(leontiefOperator(a, 'quantities')), d, { tolerance: 1e-10, maxIterations: 1000, restart: 20 })`
 */
export function gmresSolve(sys: KrylovSystem, b: Float64Array, opts: GmresOptions): Result<{ z: Float64Array; info: SolveInfo }> {
  const n = sys.n;
  if (b.length !== n) return fail('shape', `gmres: b has ${b.length} entries, expected ${n}`);
  const m = Math.max(1, Math.min(opts.restart | 0, n));
  const bn = norm2(b);
  if (bn === 0) return ok({ z: new Float64Array(n), info: { method: 'gmres', iterations: 0, residual: 0, products: 0 } });
  const alloc = (len: number, zero = true) => (sys.allocate ? sys.allocate(len, zero) : new Float64Array(len));
  const z = alloc(n);
  // The basis doubles as workspace: V_0 takes each cycle's residual, V_used the correction.
  const V = alloc((m + 1) * n, false);
  const vec: KrylovVectorOps = sys.vec ?? plainOps(n);
  if (sys.allocate && !sys.plainRhs) {
    // Threaded systems read b from shared memory too.
    const shared = alloc(n);
    shared.set(b);
    b = shared;
  }
  const H = new Float64Array((m + 1) * m);
  const cs = new Float64Array(m), sn = new Float64Array(m), g = new Float64Array(m + 1), y = new Float64Array(m), h = new Float64Array(m + 1);
  let products = 0, iterations = 0;
  let lastRel = Infinity;
  let stalls = 0;
  let safety = 0.5;
  let first = true;
  for (;;) {
    const v0 = V.subarray(0, n);
    // z starts at 0, whose residual is b itself.
    if (first) v0.set(b);
    else {
      sys.residual(z, b, v0);
      products++;
    }
    first = false;
    const rel = norm2(v0) / bn;
    if (rel <= opts.tolerance) {
      opts.onResidual?.(z, v0);
      return ok({ z: sys.allocate ? new Float64Array(z) : z, info: { method: 'gmres', iterations, residual: rel, products } });
    }
    if (!Number.isFinite(rel)) return fail('not-converged', `gmres: residual is not finite after ${iterations} iterations`);
    if (iterations >= opts.maxIterations)
      return fail('not-converged', `gmres: relative residual ${rel.toExponential(3)} after ${iterations} iterations (tolerance ${opts.tolerance})`);
    if (rel > lastRel * 0.9) {
      if (++stalls >= 5) return fail('not-converged', `gmres: stagnated at relative residual ${rel.toExponential(3)} after ${iterations} iterations`);
    } else stalls = 0;
    // A cycle that ended below its preconditioned target yet missed the true one: aim lower next time.
    if (lastRel !== Infinity) safety *= 0.25;
    lastRel = rel;
    sys.left(v0, v0);
    products += 0.5;
    const beta = norm2(v0);
    // 1/beta overflows for denormal residuals; divide then.
    if (beta > 1e-290) vec.scale(v0, 1 / beta);
    else for (let i = 0; i < n; i++) v0[i] /= beta;
    const target = beta * (opts.tolerance / rel) * safety;
    g.fill(0);
    g[0] = beta;
    let used = 0;
    for (let j = 0; j < m; j++) {
      iterations++;
      const vj = V.subarray(j * n, (j + 1) * n);
      const w = V.subarray((j + 1) * n, (j + 2) * n);
      sys.apply(vj, w);
      products++;
      h.fill(0, 0, j + 2);
      const before = Math.sqrt(vec.dotsAndNorm(V, j + 1, w, h));
      let after = vec.subtractProjections(V, j + 1, w, h);
      // DGKS: a large drop in norm means cancellation; one more pass restores orthogonality.
      if (after < 0.7 * before) {
        const h2 = new Float64Array(j + 2);
        vec.dotsAndNorm(V, j + 1, w, h2);
        after = vec.subtractProjections(V, j + 1, w, h2);
        for (let i = 0; i <= j; i++) h[i] += h2[i];
      }
      h[j + 1] = after;
      if (after > 1e-290) vec.scale(w, 1 / after);
      else if (after > 0) for (let i = 0; i < n; i++) w[i] /= after;
      for (let i = 0; i < j; i++) {
        const a = h[i], c = h[i + 1];
        h[i] = cs[i] * a + sn[i] * c;
        h[i + 1] = -sn[i] * a + cs[i] * c;
      }
      const a = h[j], c = h[j + 1];
      const rr = Math.hypot(a, c);
      cs[j] = rr === 0 ? 1 : a / rr;
      sn[j] = rr === 0 ? 0 : c / rr;
      h[j] = rr;
      h[j + 1] = 0;
      g[j + 1] = -sn[j] * g[j];
      g[j] = cs[j] * g[j];
      for (let i = 0; i <= j; i++) H[j * (m + 1) + i] = h[i];
      used = j + 1;
      if (Math.abs(g[j + 1]) <= target || after === 0 || iterations >= opts.maxIterations) break;
    }
    for (let i = used - 1; i >= 0; i--) {
      let acc = g[i];
      for (let k = i + 1; k < used; k++) acc -= H[k * (m + 1) + i] * y[k];
      y[i] = acc / H[i * (m + 1) + i];
    }
    // s = V y (chunked so each basis vector is read once), then z += P_R^{-1} s. V_used is no longer
    // needed (the basis vector past the last one used), so it holds s.
    const s = V.subarray(used * n, (used + 1) * n);
    vec.combine(V, used, y, s);
    sys.right(s, s);
    products += 0.5;
    vec.addTo(z, s);
  }
}

/** The plain-array versions of the vector kernels. */
function plainOps(n: number): KrylovVectorOps {
  return {
    dotsAndNorm: (V, count, w, h) => dotsAndNorm(V, n, count, w, h),
    subtractProjections: (V, count, w, h) => subtractProjections(V, n, count, w, h),
    combine(V, count, y, s) {
      for (let k0 = 0; k0 < n; k0 += CHUNK) {
        const k1 = Math.min(n, k0 + CHUNK);
        for (let k = k0; k < k1; k++) s[k] = 0;
        for (let i = 0; i < count; i++) {
          const yi = y[i], base = i * n;
          for (let k = k0; k < k1; k++) s[k] += yi * V[base + k];
        }
      }
    },
    scale(x, a) {
      for (let i = 0; i < n; i++) x[i] *= a;
    },
    addTo(z, r) {
      for (let i = 0; i < n; i++) z[i] += r[i];
    },
    dot(x, y) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i] * y[i];
      return s;
    },
    axpyTo(out, x, a, y) {
      for (let i = 0; i < n; i++) out[i] = x[i] + a * y[i];
    },
  };
}

// h[i] += V_i . w for i < count, in one chunked pass that also returns ||w||^2 (for the DGKS test).
function dotsAndNorm(V: Float64Array, n: number, count: number, w: Float64Array, h: Float64Array): number {
  let nn = 0;
  for (let k0 = 0; k0 < n; k0 += CHUNK) {
    const k1 = Math.min(n, k0 + CHUNK);
    for (let k = k0; k < k1; k++) nn += w[k] * w[k];
    for (let i = 0; i < count; i++) {
      const base = i * n;
      let s0 = 0, s1 = 0;
      let k = k0;
      for (; k + 1 < k1; k += 2) {
        s0 += V[base + k] * w[k];
        s1 += V[base + k + 1] * w[k + 1];
      }
      if (k < k1) s0 += V[base + k] * w[k];
      h[i] += s0 + s1;
    }
  }
  return nn;
}

// w -= sum_i h[i] V_i over i < count (one chunked pass); returns ||w|| afterwards.
function subtractProjections(V: Float64Array, n: number, count: number, w: Float64Array, h: Float64Array): number {
  let nn = 0;
  for (let k0 = 0; k0 < n; k0 += CHUNK) {
    const k1 = Math.min(n, k0 + CHUNK);
    for (let i = 0; i < count; i++) {
      const hi = h[i], base = i * n;
      for (let k = k0; k < k1; k++) w[k] -= hi * V[base + k];
    }
    for (let k = k0; k < k1; k++) nn += w[k] * w[k];
  }
  return Math.sqrt(nn);
}
