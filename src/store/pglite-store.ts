import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { acquireLock } from './lock-file.js';
import { copySql } from './copy-sql.js';
import { StoreError, type Queryable, type Row, type Store } from './types.js';

type Reply = { id: number; ok: boolean; rows?: Row[]; rowCount?: number; text?: string; error?: { message: string; code?: string; detail?: string; where?: string } };

/** Talks to the PGlite worker: one request at a time per message id. */
class WorkerChannel {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      p.resolve(reply);
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', (e) => fail(new StoreError(`the PGlite worker failed: ${e.message}`, undefined)));
    worker.on('exit', (code) => fail(new StoreError(`the PGlite worker exited (code ${code})`, undefined)));
  }

  async call(msg: Record<string, unknown>): Promise<Reply> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id });
    });
    if (!reply.ok) {
      const e = reply.error ?? { message: 'unknown PGlite error' };
      throw new StoreError(e.message, e.code, e.detail ?? e.where);
    }
    return reply;
  }
}

/** Serialises access: PGlite is one connection, so a transaction must not interleave with others. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(work: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await work();
    } finally {
      release();
    }
  }
}

function queryableOver(channel: WorkerChannel): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      const reply = await channel.call({ op: 'query', sql, params });
      return (reply.rows ?? []) as R[];
    },
    async exec(sql: string) {
      await channel.call({ op: 'exec', sql });
    },
    async copyFrom(table: string, columns: readonly string[], csv: string) {
      const reply = await channel.call({ op: 'copy', sql: copySql(table, columns, "'/dev/blob'"), data: csv });
      return reply.rowCount ?? 0;
    },
    async copyTo(query: string) {
      const reply = await channel.call({ op: 'copyTo', sql: `copy (${query}) to '/dev/blob' with (format csv, header false)` });
      return reply.text ?? '';
    },
  };
}

/** The empty data-directory template for the installed PGlite, if the build made one. */
function pgliteTemplate(): string | undefined {
  let version: string;
  try {
    const require = createRequire(import.meta.url);
    version = (require(join(require.resolve('@electric-sql/pglite').split('/dist/')[0], 'package.json')) as { version: string }).version;
  } catch {
    return undefined;
  }
  // From dist/src/store the template is two levels up; from src/store (tests) it is in dist/.
  for (const rel of [`../../pglite-template-${version}.tar`, `../../dist/pglite-template-${version}.tar`]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Opens the embedded PGlite store in `dataDir` (created if missing), in a worker thread, holding
 * `dataDir/norma.lock` so a second process on the same directory is refused.
 * @example const store = await openPgliteStore('./.norma-data');
 */
export async function openPgliteStore(dataDir: string): Promise<Store> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const release = acquireLock(join(dir, 'norma.lock'));
  let worker: Worker | undefined;
  try {
    worker = new Worker(new URL('./pglite-worker.js', import.meta.url), {
      workerData: { dataDir: join(dir, 'pgdata'), template: pgliteTemplate() },
    });
    const channel = new WorkerChannel(worker);
    await channel.call({ op: 'ready' });
    const direct = queryableOver(channel);
    const mutex = new Mutex();
    let closed = false;
    const w = worker;
    return {
      kind: 'pglite',
      location: dir,
      query: (sql, params) => mutex.run(() => direct.query(sql, params)),
      exec: (sql) => mutex.run(() => direct.exec(sql)),
      copyFrom: (table, columns, csv) => mutex.run(() => direct.copyFrom(table, columns, csv)),
      copyTo: (query) => mutex.run(() => direct.copyTo(query)),
      transaction: (work) =>
        mutex.run(async () => {
          await direct.exec('begin');
          try {
            const result = await work(direct);
            await direct.exec('commit');
            return result;
          } catch (e) {
            await direct.exec('rollback').catch(() => undefined);
            throw e;
          }
        }),
      async close() {
        if (closed) return;
        closed = true;
        try {
          await mutex.run(() => channel.call({ op: 'close' }));
        } finally {
          await w.terminate();
          release();
        }
      },
    };
  } catch (e) {
    await worker?.terminate();
    release();
    throw e;
  }
}
