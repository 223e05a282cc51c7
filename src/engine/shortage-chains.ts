// x_i = sum over supply chains t -> k1 -> ... -> i of d_t a_{k1 t} ... a_{i k_m}: the largest chains into each short product (x_i > c_i), by best-first search bounded with w = row i of (I - A)^{-1}.
import type { CsrMatrix } from './csr.js';
import { solvePrices } from './price.js';
import type { LeontiefOptions } from './leontief.js';
import { fail, ok, type Result } from './result.js';
import { transpose } from './transpose.js';

/** One step of a chain: a product and the quantity of it this chain requires. */
export interface ChainStep {
  readonly product: number;
  readonly quantity: number;
}

/**
 * A supply chain from a final target to a short product: `steps[0]` is the target with its final
 * demand, each next step an input of the previous one, the last step the short product; `contribution`
 * is the last step's quantity (how much of the short product's requirement this chain causes).
 * Example: steps housing 50000 -> cement 1.2e6 -> coal 1.8e5, contribution 1.8e5
 */
export interface Chain {
  readonly steps: readonly ChainStep[];
  readonly contribution: number;
}

/** A product whose requirement exceeds its capacity, with its top chains and the remainder. */
export interface ShortProduct {
  readonly product: number;
  readonly required: number;
  readonly capacity: number;
  /** required - capacity. */
  readonly shortfall: number;
  /** shortfall / required: "capacity short by 4 %" is 0.04. */
  readonly shortShare: number;
  /** Largest chains first. */
  readonly chains: readonly Chain[];
  /** required minus the listed chains: all the other chains, summed. */
  readonly rest: number;
  /** True when the search stopped on its expansion budget before proving the list is the exact top. */
  readonly truncated: boolean;
}

/** Options: chains per short product (default 5), expansion budget per product (default 20000), solve options. */
export interface ShortageOptions extends LeontiefOptions {
  readonly maxChains?: number;
  readonly maxExpansions?: number;
  /** Ignore shortfalls below this share of the requirement (default 0). */
  readonly minShare?: number;
}

/**
 * Lists the products with x_i > c_i and explains each by its largest supply chains from the final
 * targets d. For each short product one price-type solve gives w = e_i^T (I - A)^{-1} (w_k = total
 * i needed per unit of k delivered); a best-first search over chain prefixes, keyed by the exact
 * total they lead to (quantity x w), then pops complete chains in exact order of contribution. No
 * inverse is formed: one solve plus a sparse traversal per short product.
 * Example: `shortageChains(a, d, x, capacity, { maxChains: 3 })`
 */
export function shortageChains(
  a: CsrMatrix,
  d: Float64Array,
  x: Float64Array,
  capacity: Float64Array,
  opts: ShortageOptions = {},
): Result<{ short: ShortProduct[] }> {
  const n = a.nRows;
  if (a.nCols !== n || d.length !== n || x.length !== n || capacity.length !== n)
    return fail('shape', `shortageChains: A is ${a.nRows} x ${a.nCols}, d ${d.length}, x ${x.length}, capacity ${capacity.length}`);
  const maxChains = opts.maxChains ?? 5;
  const maxExpansions = opts.maxExpansions ?? 20000;
  const minShare = opts.minShare ?? 0;
  const shortList: number[] = [];
  for (let i = 0; i < n; i++) if (x[i] > capacity[i] && (x[i] - capacity[i]) / x[i] > minShare) shortList.push(i);
  shortList.sort((p, q) => (x[q] - capacity[q]) / x[q] - (x[p] - capacity[p]) / x[p]);
  if (shortList.length === 0) return ok({ short: [] });
  // Inputs of product k are column k of A: rows of A^T.
  const at = transpose(a);
  const out: ShortProduct[] = [];
  const e = new Float64Array(n);
  for (const i of shortList) {
    e.fill(0);
    e[i] = 1;
    const w = solvePrices(a, e, { ...opts, check: opts.check ?? false });
    if (!w.ok) return w;
    const chains = topChains(at, d, w.value.x, i, maxChains, maxExpansions);
    let listed = 0;
    for (const c of chains.chains) listed += c.contribution;
    out.push({
      product: i,
      required: x[i],
      capacity: capacity[i],
      shortfall: x[i] - capacity[i],
      shortShare: (x[i] - capacity[i]) / x[i],
      chains: chains.chains,
      rest: Math.max(0, x[i] - listed),
      truncated: chains.truncated,
    });
  }
  return ok({ short: out });
}

interface Node {
  readonly product: number;
  readonly quantity: number;
  readonly parent: Node | null;
  /** Priority: exact total this prefix leads to (or, for a terminal, the chain's own contribution). */
  readonly key: number;
  readonly terminal: boolean;
}

function topChains(at: CsrMatrix, d: Float64Array, w: Float64Array, target: number, maxChains: number, maxExpansions: number) {
  const heap = new MaxHeap<Node>((p) => p.key);
  for (let t = 0; t < d.length; t++) {
    if (d[t] > 0 && w[t] > 0) heap.push({ product: t, quantity: d[t], parent: null, key: d[t] * w[t], terminal: false });
  }
  const chains: Chain[] = [];
  let expansions = 0;
  let truncated = false;
  while (chains.length < maxChains && heap.size > 0) {
    if (expansions >= maxExpansions) {
      truncated = true;
      break;
    }
    const node = heap.pop()!;
    if (node.terminal) {
      const steps: ChainStep[] = [];
      for (let p: Node | null = node; p; p = p.parent) steps.push({ product: p.product, quantity: p.quantity });
      steps.reverse();
      chains.push({ steps, contribution: node.quantity });
      continue;
    }
    expansions++;
    const k = node.product;
    // L = I + L A: the prefix's total splits into "stop here" (only at the target) and one child per input.
    if (k === target) heap.push({ ...node, key: node.quantity, terminal: true });
    for (let p = at.rowPtr[k], pe = at.rowPtr[k + 1]; p < pe; p++) {
      const j = at.colIdx[p];
      const q = at.values[p] * node.quantity;
      if (q > 0 && w[j] > 0) heap.push({ product: j, quantity: q, parent: node, key: q * w[j], terminal: false });
    }
  }
  return { chains, truncated };
}

class MaxHeap<T> {
  private items: T[] = [];
  constructor(private readonly key: (t: T) => number) {}
  get size(): number {
    return this.items.length;
  }
  push(t: T): void {
    const a = this.items;
    a.push(t);
    let i = a.length - 1;
    const k = this.key(t);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.key(a[p]) >= k) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = t;
  }
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      const k = this.key(last);
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && this.key(a[r]) > this.key(a[l]) ? r : l;
        if (this.key(a[c]) <= k) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/**
 * Human-readable lines, one per short product: "housing 50000 -> cement 1200000 -> coal 180000 (...);
 * coal capacity short by 4 %". `name(i)` gives a product's code; numbers are shown to 4 significant digits.
 * Example: `formatShortages(r.short, (i) => codes[i]).join('\n')`
 */
export function formatShortages(short: readonly ShortProduct[], name: (i: number) => string): string[] {
  const num = (v: number) => String(Number(v.toPrecision(4)));
  const lines: string[] = [];
  for (const s of short) {
    lines.push(`${name(s.product)}: required ${num(s.required)}, capacity ${num(s.capacity)}; capacity short by ${num(100 * s.shortShare)} %`);
    for (const c of s.chains) lines.push('  ' + c.steps.map((st) => `${name(st.product)} ${num(st.quantity)}`).join(' -> '));
    lines.push(`  all other chains: ${num(s.rest)}${s.truncated ? ' (search budget reached)' : ''}`);
  }
  return lines;
}
