// Compares `norma balance` with the pymrio reference cases in /work/shared/reference/pymrio (GPL data:
// read in place, never copied). Skips with a printed reason when that folder is absent.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { runBalance } from '../../src/cli/balance.js';
import { readProductVectorCsv, readTechnologyCsv, solveLeontief, solvePrices } from '../../src/engine/index.js';

const REF = process.env.NORMA_PYMRIO_REFERENCE ?? '/work/shared/reference/pymrio';
const cases: [string, string, string, string, string][] = [
  ['test_mrio', 'A.csv', 'D.csv', 'L.csv', 'expected.csv'],
  ['test_mrio D2', 'A.csv', 'D2.csv', 'L.csv', 'expected2.csv'],
  ['small', 'small_A.csv', 'small_D.csv', 'small_L.csv', 'small_expected.csv'],
  ['Miller-Blair', 'mb_A.csv', 'mb_D.csv', 'mb_L.csv', 'mb_expected.csv'],
];

function table(text: string): Map<string, number[]> {
  const rows = text.trim().split('\n').slice(1).map((l) => l.split(','));
  return new Map(rows.map((r) => [r[0], r.slice(1).map(Number)]));
}

describe('pymrio reference cases', () => {
  for (const [name, a, d, l, expected] of cases) {
    it(`${name}: gross output and labour values within 1e-8`, async () => {
      if (!existsSync(join(REF, expected))) {
        console.log(`skipped: ${REF} not present`);
        return;
      }
      const dir = mkdtempSync(join(tmpdir(), 'norma-pymrio-'));
      try {
        const out = join(dir, 'out.csv');
        let err = '';
        const code = await runBalance({ technology: join(REF, a), finalDemand: join(REF, d), labour: join(REF, l), out, tolerance: '1e-10' }, (s) => (err += s));
        expect(code, err).toBe(0);
        const got = table(readFileSync(out, 'utf8'));
        const want = table(readFileSync(join(REF, expected), 'utf8'));
        expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
        for (let c = 0; c < 2; c++) {
          let scale = 0;
          for (const v of want.values()) scale = Math.max(scale, Math.abs(v[c]));
          let worst = 0;
          for (const [k, v] of want) worst = Math.max(worst, Math.abs(got.get(k)![c] - v[c]) / Math.max(Math.abs(v[c]), 1e-9 * scale));
          expect(worst, `${name} column ${c}`).toBeLessThanOrEqual(1e-8);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    it(`${name}: the iterative path (SSOR-GMRES on tiles) agrees within 1e-8 too`, async () => {
      if (!existsSync(join(REF, expected))) {
        console.log(`skipped: ${REF} not present`);
        return;
      }
      const t = await readTechnologyCsv(createReadStream(join(REF, a)));
      if (!t.ok) throw new Error(t.error.message);
      const dv = await readProductVectorCsv(createReadStream(join(REF, d)), 'quantity', t.value.products);
      const lv = await readProductVectorCsv(createReadStream(join(REF, l)), 'labour', t.value.products);
      if (!dv.ok || !lv.ok) throw new Error('read');
      const x = solveLeontief(t.value.matrix, dv.value, { method: 'gmres' });
      const p = solvePrices(t.value.matrix, lv.value, { method: 'gmres' });
      if (!x.ok || !p.ok) throw new Error('solve');
      const want = table(readFileSync(join(REF, expected), 'utf8'));
      for (const [c, got] of [[0, x.value.x], [1, p.value.x]] as const) {
        let scale = 0;
        for (const v of want.values()) scale = Math.max(scale, Math.abs(v[c]));
        let worst = 0;
        t.value.products.codes.forEach((code, i) => {
          const w = want.get(code)![c];
          worst = Math.max(worst, Math.abs(got[i] - w) / Math.max(Math.abs(w), 1e-9 * scale));
        });
        expect(worst, `${name} column ${c}`).toBeLessThanOrEqual(1e-8);
      }
    });
  }
});
