import pg from 'pg';
import { from as copyFromStdin, to as copyToStdout } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { copySql } from './copy-sql.js';
import { StoreError, type Queryable, type Row, type Store } from './types.js';

const DATE = 1082;
const INT8 = 20;

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE) return (v: string) => v;
    if (oid === INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

function wrap(e: unknown): never {
  const err = e as { message?: string; code?: string; detail?: string };
  throw new StoreError(err.message ?? String(e), err.code, err.detail);
}

function queryableOver(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      try {
        const res = await client.query({ text: sql, values: params as unknown[], types });
        return res.rows as R[];
      } catch (e) {
        wrap(e);
      }
    },
    async exec(sql: string) {
      try {
        await client.query(sql);
      } catch (e) {
        wrap(e);
      }
    },
    async copyFrom(table: string, columns: readonly string[], csv: string) {
      const conn = 'release' in client ? client : await client.connect();
      try {
        const stream = conn.query(copyFromStdin(copySql(table, columns, 'stdin')));
        await pipeline(Readable.from([csv]), stream);
        return Number(stream.rowCount ?? 0);
      } catch (e) {
        wrap(e);
      } finally {
        if (conn !== client) (conn as pg.PoolClient).release();
      }
    },
    async copyTo(query: string) {
      const conn = 'release' in client ? client : await client.connect();
      try {
        const stream = conn.query(copyToStdout(`copy (${query}) to stdout with (format csv, header false)`));
        const parts: Buffer[] = [];
        for await (const part of stream) parts.push(part as Buffer);
        // Decode once at the end: a network chunk may end inside a multi-byte UTF-8 character.
        return Buffer.concat(parts).toString('utf8');
      } catch (e) {
        wrap(e);
      } finally {
        if (conn !== client) (conn as pg.PoolClient).release();
      }
    },
  };
}

/** The URL without its password, for messages and `norma db info`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/**
 * Opens a pooled PostgreSQL store at `url` and checks that the server answers.
 * @example const store = await openPostgresStore('postgres://postgres@127.0.0.1:5432/norma');
 */
export async function openPostgresStore(url: string, poolSize = 10): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead
  try {
    await pool.query('select 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new StoreError(`cannot reach PostgreSQL at ${redactUrl(url)}: ${(e as Error).message}`, (e as { code?: string }).code);
  }
  const direct = queryableOver(pool);
  return {
    kind: 'postgres',
    location: redactUrl(url),
    ...direct,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(queryableOver(client));
        await client.query('commit');
        return result;
      } catch (e) {
        await client.query('rollback').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
