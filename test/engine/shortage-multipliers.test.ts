import { describe, expect, it } from 'vitest';
import { shortageChains, formatShortages, multipliers, solveLeontief } from '../../src/engine/index.js';
import { csrOf, denseIminus, denseSolve, relErr } from './helpers.js';

// Hand-checked economy: 0 housing, 1 cement, 2 coal, 3 steel.
// Per flat: 24 t cement, 2 t steel. Per t cement: 0.15 t coal. Per t steel: 0.5 t coal. Coal uses 0.05 t coal per t.
const A = [
  [0, 0, 0, 0],
  [24, 0, 0, 0],
  [0, 0.15, 0.05, 0.5],
  [2, 0, 0, 0],
];
const names = ['housing', 'cement', 'coal', 'steel'];

describe('shortage chains', () => {
  it('explains a coal shortage by its chains from housing, with exact quantities', () => {
    // Final targets: 50,000 flats, 100,000 t steel for export.
    const d = Float64Array.of(50000, 0, 0, 100000);
    // The A above has column sums > 1 (units differ), but rho = 0.05: productive.
    const x = solveLeontief(csrOf(A), d);
    if (!x.ok) throw new Error(x.error.message);
    // cement 1.2e6; steel 1e5 + 1e5 = 2e5; coal (0.15 * 1.2e6 + 0.5 * 2e5) / 0.95 = 280000 / 0.95
    expect(relErr(x.value.x, [50000, 1.2e6, 280000 / 0.95, 2e5])).toBeLessThan(1e-12);
    const cap = Float64Array.of(1e9, 1e9, 280000, 1e9);
    const r = shortageChains(csrOf(A), d, x.value.x, cap, { maxChains: 3 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.short.map((s) => s.product)).toEqual([2]);
    const coal = r.value.short[0];
    expect(coal.shortShare).toBeCloseTo(0.05, 12);
    // Largest chain: housing 50000 -> cement 1.2e6 -> coal 180000.
    const [c1, c2, c3] = coal.chains;
    expect(c1.steps.map((s) => s.product)).toEqual([0, 1, 2]);
    expect(c1.steps.map((s) => s.quantity)).toEqual([50000, 1.2e6, 180000]);
    // Then steel (export) 1e5 -> coal 5e4, and housing -> steel 1e5 -> coal 5e4 (ties in either order).
    expect([c2.contribution, c3.contribution]).toEqual([50000, 50000]);
    expect(coal.rest).toBeCloseTo(280000 / 0.95 - 280000, 6); // the coal-for-coal loops
    const text = formatShortages(r.value.short, (i) => names[i]).join('\n');
    expect(text).toContain('housing 50000 -> cement 1200000 -> coal 180000');
    expect(text).toContain('capacity short by 5 %');
  });
  it('reports nothing when capacity suffices', () => {
    const d = Float64Array.of(1, 0, 0, 0);
    const x = solveLeontief(csrOf(A), d);
    if (!x.ok) throw new Error();
    const r = shortageChains(csrOf(A), d, x.value.x, new Float64Array(4).fill(1e9));
    expect(r.ok && r.value.short).toEqual([]);
  });
});

describe('multipliers', () => {
  it('match column and row sums of a dense inverse, and labour values', () => {
    const a = [
      [0.15, 0.25, 0.1],
      [0.2, 0.05, 0.3],
      [0.05, 0.1, 0.2],
    ];
    const n = a.length;
    const cols = Array.from({ length: n }, (_, j) => denseSolve(denseIminus(a), Array.from({ length: n }, (_, i) => (i === j ? 1 : 0))));
    const L = (i: number, j: number) => cols[j][i];
    const out = Array.from({ length: n }, (_, j) => [0, 1, 2].reduce((s, i) => s + L(i, j), 0));
    const fwd = Array.from({ length: n }, (_, i) => [0, 1, 2].reduce((s, j) => s + L(i, j), 0));
    const l = Float64Array.of(0.3, 0.25, 0.5);
    const r = multipliers(csrOf(a), [2, 0], l);
    if (!r.ok) throw new Error(r.error.message);
    expect(relErr(r.value.output, [out[2], out[0]])).toBeLessThan(1e-9);
    const meanOut = out.reduce((s, v) => s + v, 0) / n, meanFwd = fwd.reduce((s, v) => s + v, 0) / n;
    expect(relErr(r.value.backward, [out[2] / meanOut, out[0] / meanOut])).toBeLessThan(1e-9);
    expect(relErr(r.value.forward, [fwd[2] / meanFwd, fwd[0] / meanFwd])).toBeLessThan(1e-9);
    const lab = [2, 0].map((j) => [0, 1, 2].reduce((s, i) => s + l[i] * L(i, j), 0));
    expect(relErr(r.value.labour!, lab)).toBeLessThan(1e-9);
    expect(relErr(r.value.labourRatio!, [lab[0] / 0.5, lab[1] / 0.3])).toBeLessThan(1e-9);
    expect([...r.value.directBackward]).toEqual([0.1 + 0.3 + 0.2, 0.15 + 0.2 + 0.05]);
  });
  it('rejects products out of range', () => {
    const r = multipliers(csrOf([[0.1]]), [1]);
    expect(!r.ok && r.error.code).toBe('index');
  });
});
