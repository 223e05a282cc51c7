// Output multipliers 1^T L, labour multipliers l^T L, forward totals L 1 (L = (I - A)^{-1}), each by one solve, never forming L.
import type { CsrMatrix } from './csr.js';
import { colSums, rowSums } from './sums.js';
import { solveLeontief, type LeontiefOptions } from './leontief.js';
import { solvePrices } from './price.js';
import { fail, ok, type Result } from './result.js';

/**
 * Multipliers and linkages for the chosen products (indices in `products`, in that order).
 * - output: sum_i L_ij, total output of all products per unit of final demand for j
 * - labour: sum_i l_i L_ij (total labour per unit of j, the labour value) and labourRatio = that / l_j (Type I)
 * - backward: output_j / mean(output) (Rasmussen's power of dispersion); directBackward = column sum of A
 * - forward: (L 1)_i / mean(L 1) (Rasmussen's sensitivity of dispersion); directForward = row sum of A
 * Example: `multipliers(a, [0, 2], l).value.output[1]` is product 2's output multiplier
 */
export interface Multipliers {
  readonly products: readonly number[];
  readonly output: Float64Array;
  readonly labour?: Float64Array;
  readonly labourRatio?: Float64Array;
  readonly backward: Float64Array;
  readonly forward: Float64Array;
  readonly directBackward: Float64Array;
  readonly directForward: Float64Array;
}

/**
 * Computes `Multipliers` with two or three solves in total, however many products are chosen
 * (omit `products` for all). Example: `multipliers(a, undefined, labour)`
 */
export function multipliers(
  a: CsrMatrix,
  products?: readonly number[],
  labour?: Float64Array,
  opts: LeontiefOptions = {},
): Result<Multipliers> {
  const n = a.nRows;
  if (a.nCols !== n) return fail('shape', `multipliers: A is ${a.nRows} x ${a.nCols}`);
  if (labour && labour.length !== n) return fail('shape', `multipliers: labour has ${labour.length} entries, expected ${n}`);
  const chosen = products ?? Array.from({ length: n }, (_, i) => i);
  for (const j of chosen) if (!(Number.isInteger(j) && j >= 0 && j < n)) return fail('index', `product ${j} out of range [0, ${n})`);
  const ones = new Float64Array(n).fill(1);
  const colTotals = solvePrices(a, ones, opts); // u^T = 1^T L
  if (!colTotals.ok) return colTotals;
  const rowTotals = solveLeontief(a, ones, { ...opts, check: false }); // v = L 1
  if (!rowTotals.ok) return rowTotals;
  const u = colTotals.value.x, v = rowTotals.value.x;
  let su = 0, sv = 0;
  for (let i = 0; i < n; i++) {
    su += u[i];
    sv += v[i];
  }
  const cs = colSums(a), rs = rowSums(a);
  const pick = (src: Float64Array, scale = 1) => Float64Array.from(chosen, (j) => src[j] * scale);
  let lab: Float64Array | undefined, ratio: Float64Array | undefined;
  if (labour) {
    const p = solvePrices(a, labour, { ...opts, check: false });
    if (!p.ok) return p;
    lab = pick(p.value.x);
    ratio = Float64Array.from(chosen, (j) => (labour[j] === 0 ? NaN : p.value.x[j] / labour[j]));
  }
  return ok({
    products: chosen,
    output: pick(u),
    labour: lab,
    labourRatio: ratio,
    backward: pick(u, n / su),
    forward: pick(v, n / sv),
    directBackward: pick(cs),
    directForward: pick(rs),
  });
}
