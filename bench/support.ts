// Shared bench plumbing: fresh stores of each kind, a Norma server in a child process, timing.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const ROOT = new URL('../../', import.meta.url).pathname;
const PG_ADMIN = process.env.NORMA_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** One line naming the machine, printed first by every bench. */
export function machineLine(): string {
  return `machine cpus=${cpus().length} model="${cpus()[0]?.model ?? '?'}" mem_gb=${(totalmem() / 2 ** 30).toFixed(0)} node=${process.version}`;
}

export interface BenchStore {
  readonly kind: 'pglite' | 'postgres';
  /** Environment that points Norma at this store. */
  readonly env: Record<string, string>;
  readonly config: { dataDir: string; databaseUrl?: string };
  drop(): Promise<void>;
}

/** A fresh empty store of the given kind, or null (with the reason printed) when PostgreSQL is absent. */
export async function freshStore(kind: 'pglite' | 'postgres'): Promise<BenchStore | null> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'norma-bench-'));
    return { kind, env: { NORMA_DATA: dir, DATABASE_URL: '' }, config: { dataDir: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `norma_bench_${process.pid}_${Date.now()}`;
  return postgresStore(name, async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });
}

/**
 * A PostgreSQL database as a bench store, created unless it exists (a store kept between runs is
 * reused); null, with the reason printed, when no server answers. `drop` is what the bench calls at the end.
 */
export async function postgresStore(name: string, drop: () => Promise<void>): Promise<BenchStore | null> {
  const admin = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    const [row] = (await admin.query('select 1 as x from pg_database where datname = $1', [name])).rows;
    if (!row) await admin.query(`create database ${name}`);
  } catch (e) {
    console.log(`postgres: not available at ${PG_ADMIN} (${(e as Error).message}); skipped`);
    return null;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return { kind: 'postgres', env: { DATABASE_URL: url.toString() }, config: { dataDir: '', databaseUrl: url.toString() }, drop };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts `norma serve` on a free loopback port and waits for /api/health. The server runs with a
 * fresh admin token (sent in `headers`) and without rate limits, as an automation client would.
 */
export async function startServer(
  env: Record<string, string>,
): Promise<{ base: string; child: ChildProcess; headers: Record<string, string>; stop(): Promise<void> }> {
  const port = await freePort();
  const token = randomBytes(24).toString('base64url');
  // NORMA_BENCH_NODE_ARGS passes flags such as --cpu-prof to the server (NODE_OPTIONS refuses them).
  const nodeArgs = (process.env.NORMA_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin/norma.js'), 'serve', '--port', String(port)], {
    env: { ...process.env, NORMA_RATE_LIMIT: '0', ...env, NORMA_ADMIN_TOKEN: token },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() - t0 > 120_000) throw new Error('server did not start in 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    child,
    headers: { authorization: `Bearer ${token}` },
    stop: () =>
      new Promise<void>((resolve) => {
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** p-th percentile (0..100) of a sample. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Parses `--name value` pairs. */
export function flags(args: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < args.length; i++) if (args[i].startsWith('--')) m.set(args[i].slice(2), args[i + 1]?.startsWith('--') ? 'true' : (args[++i] ?? 'true'));
  return m;
}
