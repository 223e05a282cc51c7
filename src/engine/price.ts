// p solving p = p A + l, i.e. (I - A^T) p = l: prices or labour values per unit of each product.
import type { CsrMatrix } from './csr.js';
import type { WasmTiledMatrix } from './wasm-tiles.js';
import { solveOriented, type LeontiefOptions, type LeontiefSolution } from './leontief.js';
import type { Result } from './result.js';

/**
 * Unit prices / labour values p = p A + l, where l[j] is direct labour (or any primary factor) per unit
 * of output j. Same method choice and guarantees as `solveLeontief`, on A^T without building it for
 * the iterative paths.
 * Example (Miller & Blair ch. 2): A = [[0.15, 0.25], [0.2, 0.05]], l = (0.3, 0.25) gives p = (0.44224..., 0.37953...).
 */
export function solvePrices(a: CsrMatrix | WasmTiledMatrix, l: Float64Array, opts: LeontiefOptions = {}): Result<LeontiefSolution> {
  return solveOriented(a, l, 'prices', opts);
}
