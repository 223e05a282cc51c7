// Strongly connected components of the graph i -> j for every stored A[i][j] != 0 (Tarjan, iterative).
import type { CsrMatrix } from './csr.js';
import { fail, ok, type Result } from './result.js';

/**
 * Components of a square matrix's graph. `component[i]` is the id of i's component; ids are in
 * reverse topological order of the condensation (Tarjan's order: a component is numbered after all it reaches).
 * Explicit zeros are ignored, so they do not link products.
 * Example: `const s = scc(a); if (s.ok) s.value.count`
 */
export interface SccResult {
  readonly count: number;
  readonly component: Int32Array;
  /** Members of component c are members[start[c]..start[c+1]). */
  readonly start: Int32Array;
  readonly members: Int32Array;
}

/**
 * Strongly connected components with an explicit stack, so a 1e6-long chain does not overflow the JS stack.
 * Example: `scc(csr)` on [[0,1],[1,0]] gives one component {0,1}.
 */
export function scc(a: CsrMatrix): Result<SccResult> {
  if (a.nRows !== a.nCols) return fail('shape', `scc: matrix is ${a.nRows} x ${a.nCols}, not square`);
  const n = a.nRows;
  const { rowPtr, colIdx, values } = a;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  let sp = 0;
  let counter = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = rowPtr[root];
    index[root] = low[root] = counter++;
    stack[sp++] = root;
    while (depth >= 0) {
      const v = callNode[depth];
      let p = callEdge[depth];
      const e = rowPtr[v + 1];
      let descended = false;
      for (; p < e; p++) {
        if (values[p] === 0) continue;
        const w = colIdx[p];
        if (index[w] === -1) {
          callEdge[depth] = p + 1;
          depth++;
          callNode[depth] = w;
          callEdge[depth] = rowPtr[w];
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          descended = true;
          break;
        } else if (component[w] === -1 && index[w] < low[v]) {
          low[v] = index[w];
        }
      }
      if (descended) continue;
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp];
          component[w] = count;
        } while (w !== v);
        count++;
      }
      depth--;
      if (depth >= 0) {
        const u = callNode[depth];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  const start = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) start[component[i] + 1]++;
  for (let c = 0; c < count; c++) start[c + 1] += start[c];
  const members = new Int32Array(n);
  const next = start.slice(0, count);
  for (let i = 0; i < n; i++) members[next[component[i]]++] = i;
  return ok({ count, component, start, members });
}
