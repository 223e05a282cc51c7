import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { migrate, MIGRATIONS, openPgliteStore, schemaVersion, StoreError, type Store } from '../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../support/stores.js';

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`store tests: skipping the PostgreSQL half: ${pgReason}`);

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`store on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    beforeAll(async () => {
      store = await fixture.open();
    });
    afterAll(() => fixture.cleanup());

    it('applies every migration once, then reports them as already applied', async () => {
      expect(await schemaVersion(store)).toBe(0);
      const first = await migrate(store);
      expect(first.map((r) => r.status)).toEqual(MIGRATIONS.map(() => 'applied'));
      const second = await migrate(store);
      expect(second.map((r) => r.status)).toEqual(MIGRATIONS.map(() => 'already_applied'));
      expect(await schemaVersion(store)).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    });

    it('rolls a failed migration back whole', async () => {
      const bad = { version: 9999, name: 'half', sql: 'create table half_done (x int); select 1/0;' };
      await expect(migrate(store, [...MIGRATIONS, bad])).rejects.toThrow(/division by zero/);
      const rows = await store.query(`select 1 from information_schema.tables where table_name = 'half_done'`);
      expect(rows).toHaveLength(0);
      expect(await schemaVersion(store)).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    });

    it('returns dates as ISO strings, bigints as numbers and numerics as exact strings', async () => {
      const [row] = await store.query<{ d: unknown; n: unknown; q: unknown }>(
        `select date '2026-11-23' as d, count(*) as n, 0.1::numeric + 0.2::numeric as q from (values (1), (2)) v(x)`,
      );
      expect(row).toEqual({ d: '2026-11-23', n: 2, q: '0.3' });
    });

    it('copies CSV rows in and counts them, quoting included', async () => {
      await store.query(`insert into organisation (org, code, name) values (1, 'test', 'Test')`);
      const n = await store.copyFrom('calendar_day', ['org', 'region', 'day', 'working', 'name'],
        '1,"",2026-01-01,false,New Year\n1,P-X,2026-02-16,false,"Day, with comma"\n');
      expect(n).toBe(2);
      const rows = await store.query<{ name: string }>('select name from calendar_day where org = 1 order by day');
      expect(rows.map((r) => r.name)).toEqual(['New Year', 'Day, with comma']);
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await store.transaction(async (tx) => {
        await tx.query(`insert into meta (org, key, value) values (1, 'kept', '1')`);
      });
      await expect(
        store.transaction(async (tx) => {
          await tx.query(`insert into meta (org, key, value) values (1, 'lost', '1')`);
          await tx.query(`insert into meta (org, key, value) values (1, 'kept', '2')`); // duplicate key
        }),
      ).rejects.toBeInstanceOf(StoreError);
      const keys = await store.query<{ key: string }>('select key from meta where org = 1 order by key');
      expect(keys.map((k) => k.key)).toEqual(['kept']);
    });

    it('keeps the SQLSTATE of a constraint violation', async () => {
      const err = await store.query(`insert into meta (org, key, value) values (1, 'kept', '3')`).catch((e) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).sqlState).toBe('23505');
    });

    it('keeps queries outside a transaction from seeing its uncommitted rows', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const tx = store.transaction(async (t) => {
        await t.query(`insert into meta (org, key, value) values (1, 'pending', '1')`);
        await gate;
        throw new Error('abandon');
      });
      const outside = store.query<{ n: number }>(`select count(*) as n from meta where key = 'pending'`);
      release();
      await expect(tx).rejects.toThrow('abandon');
      expect((await outside)[0].n).toBe(0);
    });
  });
}

describe('PGlite data directory lock', () => {
  it('refuses a second opener while the holder lives, naming its pid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'norma-lock-'));
    const first = await openPgliteStore(dir);
    try {
      const err = (await openPgliteStore(dir).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.message).toContain(`pid ${process.pid}`);
      expect(readFileSync(join(dir, 'norma.lock'), 'utf8').trim()).toBe(String(process.pid));
    } finally {
      await first.close();
    }
    // Released on close: opening again works.
    const again = await openPgliteStore(dir);
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes over a stale lock left by a dead process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'norma-lock-'));
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(join(dir, 'norma.lock'), `${dead.pid}\n`);
    const store = await openPgliteStore(dir);
    expect(readFileSync(join(dir, 'norma.lock'), 'utf8').trim()).toBe(String(process.pid));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
