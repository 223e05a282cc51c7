// A is productive iff A >= 0 and rho(A_S) < 1 on every strongly connected set S (rho(A) = max over S); checked by bounds, then Collatz-Wielandt.
import type { CsrMatrix } from './csr.js';
import { csrFromTriplets } from './csr-from-triplets.js';
import { fail, ok, type Result } from './result.js';
import { scc } from './scc.js';
import { colSums, rowSums } from './sums.js';
import { minimumDegreeOrder } from './minimum-degree.js';
import { sparseLu, luSolve } from './sparse-lu.js';
import { transpose } from './transpose.js';
import { gmresSolve } from './gmres.js';
import { ssorSystem } from './krylov-system.js';
import { tiledSplit } from './tiled-ssor.js';

/**
 * Why A was accepted: `bound` is a proven upper bound on rho(A) (the largest column or row sum, or
 * for 'components' the largest Collatz-Wielandt bound over the strongly connected sets).
 * Example: `{ proof: 'column-sums', bound: 0.8, maxColumnSum: 0.8, maxRowSum: 1.3 }`
 */
export interface Productive {
  /** 'solution': a solve gave z > 0 with M z < z componentwise (Collatz-Wielandt); maxColumnSum is then NaN (not computed). */
  readonly proof: 'column-sums' | 'row-sums' | 'components' | 'solution';
  readonly bound: number;
  readonly maxColumnSum: number;
  readonly maxRowSum: number;
}

/**
 * Refuses negative coefficients (error 'negative-coefficient', `products` = the inputs and outputs
 * involved) and any strongly connected set whose spectral radius is >= 1 (error 'not-productive',
 * `products` = exactly the members of the offending sets, `sets` in the message). Cheap first: all
 * column sums < 1 (or all row sums < 1) proves rho < 1 in one pass; components are only computed when
 * both bounds fail. Within a component: min column/row sum >= 1 proves rho >= 1; otherwise power
 * iteration on (I + A_S)/2 brackets rho, and if still undecided (rho within ~1e-6 of 1) a direct or
 * iterative solve of (I - A_S) y = 1 decides: y > 0 with A_S y < y proves rho < 1.
 * `known.columnSums` / `known.rowSums` let a caller that already has A's sums skip those passes, and
 * `known.entriesNonNegative` (every entry seen >= 0, row sums given) the scan for negative and non-finite entries.
 * Example: `const c = checkProductive(a); if (!c.ok) console.error(c.error.products)`
 */
export function checkProductive(
  a: CsrMatrix,
  known: { readonly columnSums?: Float64Array; readonly rowSums?: Float64Array; readonly entriesNonNegative?: boolean } = {},
): Result<Productive> {
  if (a.nRows !== a.nCols) return fail('shape', `technology matrix is ${a.nRows} x ${a.nCols}, not square`);
  const n = a.nRows;
  const { rowPtr, colIdx, values } = a;
  const neg: number[] = [];
  const negEntries: string[] = [];
  // A caller that saw every entry (smallest >= 0, so none is NaN) and has finite row sums (so none is
  // infinite) lets the scan go; otherwise it runs and names the offending entries.
  let scan = true;
  if (known.entriesNonNegative && known.rowSums) {
    scan = false;
    for (let i = 0; i < n && !scan; i++) if (!Number.isFinite(known.rowSums[i])) scan = true;
  }
  for (let i = 0; i < n && scan; i++) {
    for (let p = rowPtr[i], e = rowPtr[i + 1]; p < e; p++) {
      const v = values[p];
      if (!Number.isFinite(v)) return fail('not-finite', `coefficient (${i}, ${colIdx[p]}) is ${v}`, { products: [i, colIdx[p]] });
      if (v < 0) {
        neg.push(i, colIdx[p]);
        if (negEntries.length < 20) negEntries.push(`(${i}, ${colIdx[p]}) = ${v}`);
      }
    }
  }
  if (neg.length > 0) {
    const products = [...new Set(neg)].sort((x, y) => x - y);
    return fail('negative-coefficient', `${neg.length / 2} negative coefficient(s): ${negEntries.join(', ')}`, { products });
  }
  const cs = known.columnSums ?? colSums(a);
  const rs = known.rowSums ?? rowSums(a);
  let maxC = 0, maxR = 0;
  for (let j = 0; j < n; j++) if (cs[j] > maxC) maxC = cs[j];
  for (let i = 0; i < n; i++) if (rs[i] > maxR) maxR = rs[i];
  if (maxC < 1) return ok({ proof: 'column-sums', bound: maxC, maxColumnSum: maxC, maxRowSum: maxR });
  if (maxR < 1) return ok({ proof: 'row-sums', bound: maxR, maxColumnSum: maxC, maxRowSum: maxR });
  const comps = scc(a);
  if (!comps.ok) return comps;
  const { count, start, members, component } = comps.value;
  const bad: number[][] = [];
  const radii: number[] = [];
  let bound = 0;
  const local = new Int32Array(n).fill(-1);
  for (let c = 0; c < count; c++) {
    const s = start[c], e = start[c + 1];
    const size = e - s;
    // Sub-matrix A_S in local numbering.
    for (let k = s; k < e; k++) local[members[k]] = k - s;
    const ri: number[] = [], ci: number[] = [], vi: number[] = [];
    for (let k = s; k < e; k++) {
      const i = members[k];
      for (let p = rowPtr[i], pe = rowPtr[i + 1]; p < pe; p++) {
        const j = colIdx[p];
        if (component[j] === c && values[p] !== 0) {
          ri.push(k - s);
          ci.push(local[j]);
          vi.push(values[p]);
        }
      }
    }
    if (ri.length === 0) continue; // a single product that does not use itself: rho = 0
    const sub = csrFromTriplets(size, size, Int32Array.from(ri), Int32Array.from(ci), Float64Array.from(vi));
    if (!sub.ok) return sub;
    const verdict = componentRadius(sub.value);
    if (verdict.productive) bound = Math.max(bound, verdict.upper);
    else {
      bad.push(Array.from(members.subarray(s, e)).sort((x, y) => x - y));
      radii.push(verdict.lower);
    }
  }
  if (bad.length > 0) {
    const products = bad.flat().sort((x, y) => x - y);
    const sets = bad.map((b, k) => `{${b.join(', ')}} (spectral radius ${radii[k] >= 1 ? '>= ' + fmt(Math.max(1, radii[k])) : '>= 1'})`);
    return fail('not-productive', `not productive: strongly connected set(s) ${sets.join('; ')}`, { products });
  }
  return ok({ proof: 'components', bound, maxColumnSum: maxC, maxRowSum: maxR });
}

function fmt(x: number): string {
  return Number(x.toPrecision(6)).toString();
}

interface Verdict {
  readonly productive: boolean;
  readonly lower: number;
  readonly upper: number;
}

// Brackets rho(S) for an irreducible nonnegative S.
function componentRadius(s: CsrMatrix): Verdict {
  const n = s.nRows;
  const cs = colSums(s), rs = rowSums(s);
  let minC = Infinity, maxC = 0, minR = Infinity, maxR = 0;
  for (let i = 0; i < n; i++) {
    minC = Math.min(minC, cs[i]);
    maxC = Math.max(maxC, cs[i]);
    minR = Math.min(minR, rs[i]);
    maxR = Math.max(maxR, rs[i]);
  }
  const lower0 = Math.max(minC, minR), upper0 = Math.min(maxC, maxR);
  if (upper0 < 1) return { productive: true, lower: lower0, upper: upper0 };
  if (lower0 >= 1) return { productive: false, lower: lower0, upper: upper0 };
  // Collatz-Wielandt on B = (I + S)/2, primitive with the same Perron vector: rho(S) = 2 rho(B) - 1.
  let y = new Float64Array(n).fill(1);
  let z = new Float64Array(n);
  let lower = lower0, upper = upper0;
  // Bounded work: a few hundred products for small sets, fewer for huge ones.
  const maxIt = Math.max(20, Math.min(300, Math.ceil(3e8 / Math.max(1, s.rowPtr[n]))));
  for (let it = 0; it < maxIt; it++) {
    z.set(y);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let p = s.rowPtr[i], e = s.rowPtr[i + 1]; p < e; p++) acc += s.values[p] * y[s.colIdx[p]];
      z[i] = 0.5 * (y[i] + acc);
    }
    let lo = Infinity, hi = 0, mx = 0;
    for (let i = 0; i < n; i++) {
      const r = z[i] / y[i];
      if (r < lo) lo = r;
      if (r > hi) hi = r;
      if (z[i] > mx) mx = z[i];
    }
    lower = Math.max(lower, 2 * lo - 1);
    upper = Math.min(upper, 2 * hi - 1);
    if (upper < 1) return { productive: true, lower, upper };
    if (lower >= 1) return { productive: false, lower, upper };
    for (let i = 0; i < n; i++) z[i] /= mx;
    [y, z] = [z, y];
  }
  // rho is within a hair of 1: decide by solving (I - S) y = 1; y > 0 and S y < y prove rho < 1.
  const one = new Float64Array(n).fill(1);
  const sol = solveSmallOrIterative(s, one);
  if (sol === null) return { productive: false, lower: Math.max(lower, 1), upper };
  const sy = new Float64Array(n);
  let cw = 0;
  for (let i = 0; i < n; i++) {
    if (!(sol[i] > 0)) return { productive: false, lower: Math.max(lower, 1), upper };
    let acc = 0;
    for (let p = s.rowPtr[i], e = s.rowPtr[i + 1]; p < e; p++) acc += s.values[p] * sol[s.colIdx[p]];
    sy[i] = acc;
    cw = Math.max(cw, acc / sol[i]);
  }
  if (cw < 1) return { productive: true, lower, upper: cw };
  return { productive: false, lower: Math.max(lower, 1), upper };
}

// Solves (I - S) y = b for a component; null when it cannot (singular or not converging).
function solveSmallOrIterative(s: CsrMatrix, b: Float64Array): Float64Array | null {
  const n = s.nRows;
  if (n > 1500) {
    // Large sets: GMRES on (I - S) y = b; a stall or divergence counts as "cannot show rho < 1".
    const r = gmresSolve(ssorSystem(tiledSplit(s, 'quantities')), b, { tolerance: 1e-12, maxIterations: 3000, restart: 30 });
    return r.ok ? r.value.z : null;
  }
  const ri: number[] = [], ci: number[] = [], vi: number[] = [];
  for (let i = 0; i < n; i++) {
    ri.push(i);
    ci.push(i);
    vi.push(1);
    for (let p = s.rowPtr[i], e = s.rowPtr[i + 1]; p < e; p++) {
      ri.push(i);
      ci.push(s.colIdx[p]);
      vi.push(-s.values[p]);
    }
  }
  const bm = csrFromTriplets(n, n, Int32Array.from(ri), Int32Array.from(ci), Float64Array.from(vi));
  if (!bm.ok) return null;
  const f = sparseLu(transpose(bm.value), minimumDegreeOrder(bm.value), 0.1);
  if (!f.ok) return null;
  const y = luSolve(f.value, b);
  for (let i = 0; i < n; i++) if (!Number.isFinite(y[i])) return null;
  return y;
}
