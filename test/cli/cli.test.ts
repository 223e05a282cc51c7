// The `norma` command as a user runs it: the built CLI in a child process, on PGlite and PostgreSQL.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresUnavailable, throwawayDatabase } from '../support/stores.js';
import { openStore } from '../../src/store/index.js';

const root = new URL('../../', import.meta.url).pathname;
const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`CLI tests: skipping the PostgreSQL half: ${pgReason}`);

function norma(args: string[], env: Record<string, string | undefined>) {
  const full = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete full.DATABASE_URL;
  const r = spawnSync(process.execPath, [join(root, 'bin/norma.js'), ...args], { env: full, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('norma command', () => {
  it('--help lists the commands and exits 0; a usage error exits 1', () => {
    const help = norma(['--help'], {});
    expect(help.code).toBe(0);
    for (const c of ['serve', 'demo', 'migrate', 'db']) expect(help.stdout).toContain(c);
    expect(norma(['demo', '--help'], {}).stdout).toContain('--units');
    const bad = norma(["demo", "--units", "0"], {});
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--units must be a whole number');
    expect(norma(['no-such-command'], {}).code).toBe(1);
    const early = norma(['demo', '--through', '2025-12-31'], {});
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('--through must be a date');
  });
});

const kinds = ['pglite', 'postgres'] as const;
for (const kind of kinds) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`norma demo, migrate and db info on ${kind}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'norma-cli-'));
    let env: Record<string, string | undefined> = { NORMA_DATA: dir };
    let drop: (() => Promise<void>) | undefined;
    afterAll(async () => {
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    it('loads a small demo, refuses to load over it, and reloads with --reset', async () => {
      if (kind === 'postgres') {
        const db = await throwawayDatabase();
        drop = db.drop;
        env = { DATABASE_URL: db.url };
      }
      const first = norma(['demo', '--seed', '3', '--units', '50', '--through', '2026-03-31'], env);
      expect(first.stderr).toMatch(/demo loaded: seed=3 units=50 products=\d+ targets=\d+ reports=\d+ through=2026-03-31 /);
      expect(first.code).toBe(0);
      const again = norma(['demo', '--seed', '3', '--units', '50'], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('--reset');
      const reset = norma(['demo', '--seed', '4', '--units', '60', '--reset'], env);
      expect(reset.code).toBe(0);

      const info = norma(['db', 'info', '--json'], env);
      expect(info.code).toBe(0);
      const parsed = JSON.parse(info.stdout);
      expect(parsed).toMatchObject({ store: kind, schema_version: parsed.latest_schema_version, rows: { organisation: 1, unit: 60 } });
      expect(parsed.schema_version).toBeGreaterThanOrEqual(2);
      expect(parsed.rows.report).toBeGreaterThan(0);

      const migrate = norma(['migrate'], env);
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toContain('0001 initial: already_applied');
    }, 240_000);

    it('builds cleared units-fulfilled counts on serve, and again with db rebuild-fulfilment, to the same figures', async () => {
      const open = () => openStore(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, dataDir: dir } : { dataDir: dir });
      // What a query at the end of the year would read, whatever day the counts were built from.
      const fingerprint = async () => {
        const store = await open();
        try {
          return await store.query(
            `select * from (
               select 'cell' as t, count(*)::int as n, sum(u)::text as s from (select sum(units) as u from fulfil_cell where day <= '2026-12-31' group by sector, region, product_id, period having sum(units) <> 0) c
               union all select 'actual', count(*)::int, sum(quantity)::text from fulfil_actual where period !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
               -- Day rows are kept for the 60 days up to the watermark only, which each rebuild sets to its own yesterday.
               union all select 'actual_days_outside_window', count(*)::int, null from fulfil_actual a
                 where (case when a.period ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then a.period::date end) < (select valid_from - 59 from fulfil_state s where s.org = a.org)
               union all select 'unit_period', count(*)::int, sum(quantity)::text from fulfil_unit_period
               union all select 'state', count(*)::int, null from fulfil_state) f
             order by t`,
          );
        } finally {
          await store.close();
        }
      };
      // An economy whose figures the counts can sum exactly (the test of units_fulfilled uses it too).
      expect(norma(['demo', '--seed', '11', '--units', '80', '--through', '2026-03-10', '--reset'], env).code).toBe(0);
      const before = await fingerprint();
      expect(before.find((r) => r.t === 'cell')!.n).toBeGreaterThan(0);
      expect(before.find((r) => r.t === 'state')!.n).toBe(1);
      {
        // As migration 7 leaves an upgraded store.
        const store = await open();
        await store.exec('delete from fulfil_cell; delete from fulfil_actual; delete from fulfil_unit_period; delete from fulfil_state');
        await store.close();
      }
      const child = spawn(process.execPath, [join(root, 'bin/norma.js'), 'serve', '--port', '0'], { env: { ...process.env, ...env, NORMA_ADMIN_TOKEN: 'x'.repeat(32) } });
      let err = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 120_000);
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('norma: serving')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      expect(err).toMatch(/norma: built the units-fulfilled counts in \d+ ms/);
      await new Promise((r) => {
        child.removeAllListeners('exit');
        child.on('exit', r);
        child.kill('SIGTERM');
      });
      expect(await fingerprint()).toEqual(before);

      const rebuilt = norma(['db', 'rebuild-fulfilment'], env);
      expect(rebuilt.code).toBe(0);
      expect(rebuilt.stdout).toMatch(/^target cells: [1-9]\d*\nunits-fulfilled counts: built, exact from \d{4}-\d{2}-\d{2}\nms: \d+\n$/);
      expect(await fingerprint()).toEqual(before);
    }, 300_000);

    it('gives the same economy for the same seed', () => {
      norma(['demo', '--seed', '9', '--units', '40', '--reset'], env);
      const a = JSON.parse(norma(['db', 'info', '--json'], env).stdout).rows;
      norma(['demo', '--seed', '9', '--units', '40', '--reset'], env);
      const b = JSON.parse(norma(['db', 'info', '--json'], env).stdout).rows;
      expect(a).toEqual(b);
    }, 240_000);

    // PGlite only: the lock (and the slow, memory-heavy case) is the embedded store's own.
    if (kind === 'pglite') it('refuses a second process on a PGlite directory in use, naming the pid', async () => {
      const child = spawn(process.execPath, [join(root, 'bin/norma.js'), 'serve', '--port', '0'], {
        env: { ...process.env, NORMA_DATA: dir, DATABASE_URL: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr!.on('data', (d) => (err += d));
      const t0 = Date.now();
      while (!err.includes('serving') && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
      try {
        expect(err).toContain('serving');
        const second = norma(['db', 'info'], { NORMA_DATA: dir });
        expect(second.code).toBe(1);
        expect(second.stderr).toContain(`pid ${child.pid}`);
      } finally {
        const exited = new Promise((r) => child.on('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      expect(norma(['db', 'info'], { NORMA_DATA: dir }).code).toBe(0); // released on graceful stop
    });
  });
}
