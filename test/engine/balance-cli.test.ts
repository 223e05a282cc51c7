import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { balanceCommand } from '../../src/cli/balance.js';
import { csrOf, denseIminus, denseSolve, relErr } from './helpers.js';
import { csrFromTriplets, solveLeontief, solvePrices, WASM_MIN_N } from '../../src/engine/index.js';

let dir = '';
const f = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

// Runs the command in-process, capturing stdout, stderr and the exit code.
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const ow = process.stdout.write.bind(process.stdout), ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((err += String(s)), true)) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await balanceCommand().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, out, err };
}

function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trim().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'norma-balance-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mbA = 'input,output,coefficient\nsec1,sec1,0.15\nsec1,sec2,0.25\nsec2,sec1,0.2\nsec2,sec2,0.05\n';

describe('norma balance (in-process)', () => {
  it('solves Miller & Blair from CSV with labour values, full precision', async () => {
    const r = await run(['--technology', f('A.csv', mbA), '--final-demand', f('D.csv', 'product,quantity\nsec1,600\nsec2,1500\n'), '--labour', f('L.csv', 'product,labour\nsec2,0.25\nsec1,0.3\n'), '--timings']);
    expect(r.code, r.err).toBe(0);
    const { header, rows } = parseCsv(r.out);
    expect(header).toEqual(['product', 'gross_output', 'labour_value']);
    expect(rows.map((x) => x[0])).toEqual(['sec1', 'sec2']);
    expect(relErr(rows.map((x) => Number(x[1])), [126000 / 101, 186000 / 101])).toBeLessThan(1e-14);
    expect(relErr(rows.map((x) => Number(x[2])), [0.335 / 0.7575, 0.2875 / 0.7575])).toBeLessThan(1e-14);
    expect(r.err).toMatch(/^read_ms=[\d.]+ solve_ms=[\d.]+ iterations=\d+ residual=[\d.e+-]+\n$/);
  });

  it('reads Matrix Market A, D and L and writes --out; CSV and .mtx paths agree', async () => {
    const A = f('A.mtx', '%%MatrixMarket matrix coordinate real general\n2 2 4\n1 1 0.15\n1 2 0.25\n2 1 0.2\n2 2 0.05\n');
    const D = f('D.mtx', '%%MatrixMarket matrix array real general\n2 1\n600\n1500\n');
    const L = f('L.mtx', '%%MatrixMarket matrix array real general\n2 1\n0.3\n0.25\n');
    const out = join(dir, 'x.csv');
    const r = await run(['--technology', A, '--final-demand', D, '--labour', L, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('');
    const { rows } = parseCsv(readFileSync(out, 'utf8'));
    expect(rows.map((x) => x[0])).toEqual(['1', '2']);
    const csv = await run(['--technology', f('A2.csv', mbA), '--final-demand', f('D2.csv', 'product,quantity\nsec1,600\nsec2,1500\n'), '--labour', f('L2.csv', 'product,labour\nsec1,0.3\nsec2,0.25\n')]);
    expect(parseCsv(csv.out).rows.map((x) => x.slice(1))).toEqual(rows.map((x) => x.slice(1)));
  });

  it('treats products absent from D as zero demand and agrees with a dense solve on a 40-product economy', async () => {
    const n = 40;
    let s = 3;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    let text = 'input,output,coefficient\n';
    for (let j = 0; j < n; j++) for (let k = 0; k < 4; k++) {
      const i = Math.floor(rnd() * n), v = Number((0.2 * rnd()).toPrecision(6));
      a[i][j] += v;
      text += `p${i},p${j},${v}\n`;
    }
    for (let i = 0; i < n; i++) text += `p${i},p${i},0\n`;
    const d = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : Math.round(1000 * rnd())));
    const dText = 'product,quantity\n' + d.map((v, i) => (v === 0 ? '' : `p${i},${v}\n`)).join('');
    const r = await run(['--technology', f('R.csv', text), '--final-demand', f('RD.csv', dText)]);
    expect(r.code, r.err).toBe(0);
    const got = new Map(parseCsv(r.out).rows.map((x) => [x[0], Number(x[1])]));
    const want = denseSolve(denseIminus(a), d);
    expect(relErr(Array.from({ length: n }, (_, i) => got.get(`p${i}`)!), want)).toBeLessThan(1e-8);
    void csrOf;
  });

  it('solves a 131072-product Matrix Market economy (the tiled path) to within 1e-8 of the CSR solve, with labour values', async () => {
    const n = WASM_MIN_N, k = 3;
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const rows = new Int32Array(n * k), cols = new Int32Array(n * k), vals = new Float64Array(n * k);
    const lines: string[] = [`%%MatrixMarket matrix coordinate real general\n${n} ${n} ${n * k}`];
    for (let j = 0, q = 0; j < n; j++) {
      const colsum = 0.5 + 0.4 * rnd();
      for (let t = 0; t < k; t++, q++) {
        rows[q] = Math.floor(rnd() * n);
        cols[q] = j;
        vals[q] = Number((colsum / k).toPrecision(12));
        lines.push(`${rows[q] + 1} ${j + 1} ${vals[q]}`);
      }
    }
    const d = Float64Array.from({ length: n }, (_, i) => 1 + (i % 7));
    const l = Float64Array.from({ length: n }, (_, i) => 0.1 + (i % 3) / 10);
    const A = f('big.mtx', lines.join('\n') + '\n');
    const D = f('bigD.mtx', `%%MatrixMarket matrix array real general\n${n} 1\n${Array.from(d).join('\n')}\n`);
    const L = f('bigL.mtx', `%%MatrixMarket matrix array real general\n${n} 1\n${Array.from(l).join('\n')}\n`);
    const r = await run(['--technology', A, '--final-demand', D, '--labour', L, '--timings']);
    expect(r.code, r.err).toBe(0);
    const out = parseCsv(r.out).rows;
    expect(out).toHaveLength(n);
    const a = csrFromTriplets(n, n, rows, cols, vals);
    if (!a.ok) throw new Error(a.error.message);
    const x = solveLeontief(a.value, d, { tolerance: 1e-12 }), p = solvePrices(a.value, l, { tolerance: 1e-12 });
    if (!x.ok || !p.ok) throw new Error('reference solve failed');
    expect(relErr(out.map((c) => Number(c[1])), Array.from(x.value.x))).toBeLessThan(1e-8);
    expect(relErr(out.map((c) => Number(c[2])), Array.from(p.value.x))).toBeLessThan(1e-8);
  }, 120_000);

  it('exits 1 naming file, line and field for malformed input', async () => {
    const D = f('Dok.csv', 'product,quantity\nsec1,1\n');
    const cases: [string[], RegExp][] = [
      [['--technology', f('bad1.csv', 'input,output,coefficient\nsec1,sec1,0.1\nsec1,sec2,abc\n'), '--final-demand', D], /bad1\.csv: line 3, field coefficient/],
      [['--technology', f('bad2.csv', 'input,output,coeff\n'), '--final-demand', D], /bad2\.csv: line 1, field header/],
      [['--technology', f('A3.csv', mbA), '--final-demand', f('bad3.csv', 'product,quantity\nsec1,1\nsec9,2\n')], /bad3\.csv: line 3, field product/],
      [['--technology', f('A4.csv', mbA), '--final-demand', f('bad4.csv', 'product,quantity\nsec1,1\nsec1,2\n')], /bad4\.csv: line 3, field product/],
      [['--technology', f('bad5.mtx', '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 3 0.5\n'), '--final-demand', D], /bad5\.mtx: line 3, field column/],
      [['--technology', join(dir, 'missing.csv'), '--final-demand', D], /missing\.csv/],
      [['--technology', f('A5.csv', mbA), '--final-demand', D, '--out', join(dir, 'no-such-dir', 'x.csv')], /cannot write .*no-such-dir/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      expect(r.code, r.err).toBe(1);
      expect(r.err).toMatch(re);
    }
  });

  it('exits 2 naming exactly the products of the unproductive set', async () => {
    const A = f('U.csv', 'input,output,coefficient\nfood,food,0.1\ncoal,steel,1.2\nsteel,coal,1.0\ncoal,food,0.3\n');
    const r = await run(['--technology', A, '--final-demand', f('UD.csv', 'product,quantity\nfood,1\n')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not productive: products coal, steel\n/);
    const neg = await run(['--technology', f('N.csv', 'input,output,coefficient\na,b,-0.1\nb,a,0.2\n'), '--final-demand', f('ND.csv', 'product,quantity\na,1\n')]);
    expect(neg.code).toBe(2);
    expect(neg.err).toMatch(/products a, b/);
  });
});

describe('norma balance (spawned through bin/norma.js)', () => {
  const main = new URL('../../dist/src/cli/main.js', import.meta.url);
  const bin = new URL('../../bin/norma.js', import.meta.url).pathname;
  it('runs the same contract from dist when the lead has registered the command', () => {
    if (!existsSync(main)) {
      console.log('skipped: dist/src/cli/main.js missing (run npm run build)');
      return;
    }
    const help = spawnSync(process.execPath, [bin, 'balance', '--help'], { encoding: 'utf8' });
    if (help.status !== 0 || !help.stdout.includes('--final-demand')) {
      console.log('skipped: dist/src/cli/main.js does not register `balance` yet');
      return;
    }
    const A = f('SA.csv', mbA), D = f('SD.csv', 'product,quantity\nsec1,600\nsec2,1500\n');
    const r = spawnSync(process.execPath, [bin, 'balance', '--technology', A, '--final-demand', D, '--timings'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(relErr(parseCsv(r.stdout).rows.map((x) => Number(x[1])), [126000 / 101, 186000 / 101])).toBeLessThan(1e-14);
    expect(r.stderr).toMatch(/read_ms=.* solve_ms=.* iterations=\d+ residual=/);
    const bad = spawnSync(process.execPath, [bin, 'balance', '--technology', f('SB.csv', 'input,output,coefficient\nx,y,z\n'), '--final-demand', D], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
  });
});
