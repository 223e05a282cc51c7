// q = an elimination order of the graph of B + B^T, greedily taking a node of least current degree (fill reduction).
import type { CsrMatrix } from './csr.js';

/**
 * Minimum-degree ordering on the symmetrised pattern, with explicit elimination (cliques of
 * neighbours). Quadratic in the worst case, so the engine uses it only for its small direct solves.
 * Ties go to the lowest index, making the order deterministic.
 * Example: `const q = minimumDegreeOrder(a); // q[k] = k-th column to eliminate`
 */
export function minimumDegreeOrder(a: CsrMatrix): Int32Array {
  const n = a.nRows;
  const adj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let i = 0; i < n; i++) {
    for (let p = a.rowPtr[i], e = a.rowPtr[i + 1]; p < e; p++) {
      const j = a.colIdx[p];
      if (j !== i && a.values[p] !== 0) {
        adj[i].add(j);
        adj[j].add(i);
      }
    }
  }
  const order = new Int32Array(n);
  const done = new Uint8Array(n);
  // Buckets by degree for O(1) minimum lookup; a node's stale entries are skipped lazily.
  const buckets: number[][] = Array.from({ length: n + 1 }, () => []);
  const deg = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    deg[i] = adj[i].size;
    buckets[deg[i]].push(i);
  }
  let minDeg = 0;
  for (let k = 0; k < n; k++) {
    let v = -1;
    while (v < 0) {
      while (buckets[minDeg].length === 0) minDeg++;
      const c = buckets[minDeg].pop()!;
      if (!done[c] && deg[c] === minDeg) v = c;
    }
    order[k] = v;
    done[v] = 1;
    const nb = [...adj[v]];
    for (const u of nb) adj[u].delete(v);
    for (let x = 0; x < nb.length; x++) {
      const u = nb[x];
      for (let y = x + 1; y < nb.length; y++) {
        const w = nb[y];
        adj[u].add(w);
        adj[w].add(u);
      }
    }
    for (const u of nb) {
      const d = adj[u].size;
      if (d !== deg[u]) {
        deg[u] = d;
        buckets[d].push(u);
        if (d < minDeg) minDeg = d;
      }
    }
    adj[v].clear();
  }
  return order;
}
