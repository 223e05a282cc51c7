// Test helpers that give each suite a fresh store of each kind: PGlite in a temp directory, and a
// throwaway database on the local PostgreSQL server (skipped, with the reason printed, if none answers).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPgliteStore, openPostgresStore, type Store } from '../../src/store/index.js';

export const PG_ADMIN_URL = process.env.NORMA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let pgAvailable: Promise<string | null> | undefined;

/** Null when the test PostgreSQL server answers, else the reason it does not. */
export function postgresUnavailable(): Promise<string | null> {
  pgAvailable ??= (async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.query('select 1');
      return null;
    } catch (e) {
      return `no PostgreSQL at ${PG_ADMIN_URL}: ${(e as Error).message}`;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return pgAvailable;
}

/** Creates an empty database and returns its URL and a function that drops it. */
export async function throwawayDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `norma_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface StoreFixture {
  readonly kind: 'pglite' | 'postgres';
  /** Opens a fresh, empty store; each call makes a new one, cleaned up by `cleanup`. */
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

/** A fixture for one store kind. */
export function storeFixture(kind: 'pglite' | 'postgres'): StoreFixture {
  const cleanups: (() => Promise<void>)[] = [];
  return {
    kind,
    async open() {
      if (kind === 'pglite') {
        const dir = mkdtempSync(join(tmpdir(), 'norma-test-'));
        const store = await openPgliteStore(dir);
        cleanups.push(async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        });
        return store;
      }
      const db = await throwawayDatabase();
      const store = await openPostgresStore(db.url);
      cleanups.push(async () => {
        await store.close();
        await db.drop();
      });
      return store;
    },
    async cleanup() {
      for (const c of cleanups.splice(0).reverse()) await c();
    },
  };
}

/** The store kinds to run a suite on, with PostgreSQL left out (and the reason printed) when absent. */
export async function storeKinds(): Promise<('pglite' | 'postgres')[]> {
  const reason = await postgresUnavailable();
  if (reason) {
    console.warn(`skipping the PostgreSQL half: ${reason}`);
    return ['pglite'];
  }
  return ['pglite', 'postgres'];
}
