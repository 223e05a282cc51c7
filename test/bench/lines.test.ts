// The benches' last lines are a public contract (issues 4 and 5): run each at a tiny size and check
// the line's exact shape, so a drift in names or order fails here.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

function bench(args: string[]): string[] {
  const r = spawnSync(process.execPath, [join(root, 'dist/bench/main.js'), ...args], { encoding: 'utf8', timeout: 170_000, env: { ...process.env, DATABASE_URL: '' } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n');
}

describe('bench output lines', () => {
  it('leontief prints one line per case with the contract fields', () => {
    const lines = bench(['leontief', '--n', '2000', '--colsum', '0.3-0.8', '--repeat', '1']);
    const line = lines.find((l) => l.startsWith('leontief '));
    // With SciPy installed the ratio follows; without it the bench says so and prints no ratio.
    expect(line).toMatch(/^leontief n=2000 nnz=\d+ colsum=0\.3-0\.8 norma_ms=[\d.]+( scipy_ms=[\d.]+ ratio=[\d.]+)?/);
  }, 180_000);

  it('ingest prints reports per second against COPY', () => {
    const lines = bench(['ingest', '--reports', '400', '--units', '30', '--store', 'pglite']);
    expect(lines.at(-1)).toMatch(/^ingest store=pglite reports=400 batch=1000 clients=4 reports_per_s=\d+ copy_rows_per_s=\d+ ratio=\d+\.\d{3}$/);
  }, 180_000);

  it('fulfilment prints p50 and p95 per level', () => {
    const lines = bench(['fulfilment', '--units', '30', '--queries', '5', '--store', 'pglite', '--levels', 'national,province,unit,cut,children']);
    for (const level of ['national', 'province', 'unit', 'cut', 'children']) {
      expect(lines.some((l) => new RegExp(`^fulfilment store=pglite reports=\\d+ level=${level} p50_ms=[\\d.]+ p95_ms=[\\d.]+$`).test(l))).toBe(true);
    }
  }, 180_000);

  it('drain prints changes per second and CPU per 1,000 changes for each phase', () => {
    const lines = bench(['drain', '--changes', '2000', '--units', '60', '--store', 'pglite']);
    for (const phase of ['bulk', 'daily']) {
      expect(lines.some((l) => new RegExp(`^drain store=pglite phase=${phase} changes=\\d+ drains=\\d+ ms=\\d+ changes_per_s=\\d+ cpu_ms_per_1k=[\\d.]+ main_ms_per_1k=[\\d.]+ load1=[\\d.]+$`).test(l))).toBe(true);
    }
  }, 180_000);

  it('filters prints updates per second against the plain Kalman baseline', () => {
    const lines = bench(['filters', '--series', '1000', '--days', '10', '--reps', '1']);
    expect(lines.at(-1)).toMatch(/^filters series=1000 updates=10000 updates_per_s=\d+ baseline_updates_per_s=\d+ ratio=[\d.]+$/);
  }, 180_000);
});
