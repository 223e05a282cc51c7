// Norma's numeric engine: sparse matrices, Leontief quantities and prices, productiveness, shortage chains, multipliers.
// Depends on nothing else in Norma. Types first, then functions, grouped by file.

export type { EngineError, EngineErrorCode, Result } from './result.js';
export type { CsrMatrix } from './csr.js';
export type { BlockedMatrix } from './blocked-matrix.js';
export type { SccResult } from './scc.js';
export type { MatrixMarketData, ChunkSource, TextSink } from './matrix-market.js';
export type { ProductCodes, Technology } from './io/read-technology.js';
export type { SolveInfo, SolveMethod, IterativeOptions } from './solve-info.js';
export type { LeontiefOperator, Orientation } from './leontief-operator.js';
export type { GmresOptions } from './gmres.js';
export type { KrylovSystem } from './krylov-system.js';
export type { TiledSplit } from './tiled-ssor.js';
export type { SparseLu } from './sparse-lu.js';
export type { Productive } from './productiveness.js';
export type { LeontiefOptions, LeontiefSolution } from './leontief.js';
export type { Chain, ChainStep, ShortProduct, ShortageOptions } from './shortage-chains.js';
export type { Multipliers } from './multipliers.js';

export { ok, fail } from './result.js';
export { nnz, csrBytes } from './csr.js';
export { csrFromTriplets } from './csr-from-triplets.js';
export { transpose } from './transpose.js';
export { spmv, spmvTransposed } from './spmv.js';
export { rowSums, colSums } from './sums.js';
export { scc } from './scc.js';
export { blockedFromCsr, blockedSpmv, blockedBytes } from './blocked-matrix.js';
export { readMatrixMarket, writeMatrixMarketCoordinate, writeMatrixMarketArray } from './matrix-market.js';
export { readTechnologyCsv, readProductVectorCsv } from './io/read-technology.js';
export { csvRows } from './io/csv.js';
export { parseDecimal } from './io/parse-number.js';
export { norm2 } from './solve-info.js';
export { leontiefOperator, diagonal } from './leontief-operator.js';
export { jacobiSolve } from './jacobi.js';
export { gaussSeidelSolve } from './gauss-seidel.js';
export { gmresSolve } from './gmres.js';
export { bicgstabSolve } from './bicgstab.js';
export { jacobiSystem, ssorSystem } from './krylov-system.js';
export { parallelSsorSystem, parallelAvailable } from './parallel-ssor.js';
export { tiledSplit, tiledProduct, tiledForward, tiledBackward, tiledSplitBytes, tiledSums, tiledCrossSubtract, tiledEisenstatFinish } from './tiled-ssor.js';
export { minimumDegreeOrder } from './minimum-degree.js';
export { sparseLu, luSolve } from './sparse-lu.js';
export { checkProductive } from './productiveness.js';
export { solveLeontief, leontiefResidual, DEFAULT_TOLERANCE, DIRECT_MAX_N, PARALLEL_MIN_N } from './leontief.js';
export { solvePrices } from './price.js';
export { csrAllocate, WASM_MIN_N } from './wasm-csr.js';
export { shortageChains, formatShortages } from './shortage-chains.js';
export { multipliers } from './multipliers.js';
