// `norma backup` and `norma restore` as a user runs them: the built CLI in a child process. A PGlite
// store round-trips into a fresh PGlite directory and into PostgreSQL and back; a store holding data
// and a truncated file are refused with exit 1 and nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresUnavailable, throwawayDatabase } from '../support/stores.js';

const root = new URL('../../', import.meta.url).pathname;
const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`backup CLI tests: skipping the PostgreSQL half: ${pgReason}`);

function norma(args: string[], env: Record<string, string | undefined>) {
  const full = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete full.DATABASE_URL;
  const r = spawnSync(process.execPath, [join(root, 'bin/norma.js'), ...args], { env: full, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Row counts as `norma db info --json` reports them. */
function rows(env: Record<string, string | undefined>): Record<string, number> {
  const info = norma(['db', 'info', '--json'], env);
  expect(info.code, info.stderr).toBe(0);
  return JSON.parse(info.stdout).rows as Record<string, number>;
}

describe('norma backup and restore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'norma-cli-backup-'));
  const source = { NORMA_DATA: join(dir, 'source') };
  const file = join(dir, 'demo.norma.gz');
  const drops: (() => Promise<void>)[] = [];
  let expected: Record<string, number>;

  beforeAll(() => {
    const demo = norma(['demo', '--seed', '3', '--units', '30'], source);
    expect(demo.code, demo.stderr).toBe(0);
    expected = rows(source);
  });
  afterAll(async () => {
    for (const drop of drops) await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists both commands in --help', () => {
    const help = norma(['--help'], {});
    expect(help.stdout).toContain('backup');
    expect(help.stdout).toContain('restore');
    expect(norma(['restore', '--help'], {}).stdout).toContain('--force');
  });

  it('backs up a PGlite store and prints tables, rows, bytes and ms', () => {
    const r = norma(['backup', file], source);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^backup .*demo\.norma\.gz: tables=\d+ rows=\d+ bytes=\d+ csv_bytes=\d+ ms=\d+ \(pglite, schema \d+\)\n$/);
    const bytes = Number(/ bytes=(\d+)/.exec(r.stdout)![1]);
    expect(bytes).toBe(statSync(file).size);
  });

  it('restores into a fresh PGlite directory, then refuses to restore over its data without --force', () => {
    const target = { NORMA_DATA: join(dir, 'target') };
    const r = norma(['restore', file], target);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^restored .*: tables=\d+ rows=\d+ bytes=\d+ ms=\d+ \(from pglite, schema \d+, \d+ migrations applied\)\n$/);
    expect(rows(target)).toEqual(expected);

    const again = norma(['restore', file], target);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/the store holds data .*--force/);
    const forced = norma(['restore', '--force', file], target);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/emptied \d+ tables/);
    expect(rows(target)).toEqual(expected);
  }, 300_000);

  it('refuses a truncated file with exit 1, naming the table, and leaves the store as it was', () => {
    const target = { NORMA_DATA: join(dir, 'target') };
    const bad = join(dir, 'truncated.gz');
    const bytes = readFileSync(file);
    writeFileSync(bad, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = norma(['restore', '--force', bad], target);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/table [a-z_]+: the file (is damaged \(gzip: unexpected end of file\)|ends after).*nothing was restored/);
    expect(rows(target)).toEqual(expected);
    const missing = norma(['restore', join(dir, 'no-such-file.gz')], { NORMA_DATA: join(dir, 'empty') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read backup');
  });

  it.skipIf(pgReason !== null)('restores a PGlite backup into PostgreSQL, and a PostgreSQL backup into PGlite', async () => {
    const db = await throwawayDatabase();
    drops.push(db.drop);
    const pgEnv = { DATABASE_URL: db.url };
    const intoPg = norma(['restore', file], pgEnv);
    expect(intoPg.code, intoPg.stderr).toBe(0);
    expect(rows(pgEnv)).toEqual(expected);

    const pgFile = join(dir, 'from-postgres.norma.gz');
    const out = norma(['backup', pgFile], pgEnv);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('(postgres, schema');
    const back = { NORMA_DATA: join(dir, 'back') };
    const intoPglite = norma(['restore', pgFile], back);
    expect(intoPglite.code, intoPglite.stderr).toBe(0);
    expect(intoPglite.stdout).toContain('from postgres');
    expect(rows(back)).toEqual(expected);
  });
});
