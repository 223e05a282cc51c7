// Backup and restore: a demo store backed up on each kind restores into a fresh store of either kind
// with the same rows; a damaged file (flipped byte, truncated, wrong checksum) restores nothing and
// names the table; a store that holds data is refused unless forced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BACKUP_FORMAT, CsvRowSplitter, backup, countCsvRows, restore, type BackupHeader } from '../../src/services/backup.js';
import { loadDemo } from '../../src/services/demo/load.js';
import { NormaError } from '../../src/services/errors.js';
import { MIGRATIONS, migrate, schemaVersion, type Store } from '../../src/store/index.js';
import { postgresUnavailable, storeFixture, type StoreFixture } from '../support/stores.js';

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`backup tests: skipping the PostgreSQL half: ${pgReason}`);
const kinds = pgReason ? (['pglite'] as const) : (['pglite', 'postgres'] as const);

/** What must survive a round trip: every table's row count, report totals, and row checksums. */
async function fingerprint(store: Store) {
  return store.transaction(async (tx) => {
    await tx.exec(`set local timezone = 'UTC'; set local datestyle = 'ISO, YMD'`);
    const tables = await tx.query<{ name: string }>(
      `select tablename::text as name from pg_tables where schemaname = current_schema() and tablename <> 'schema_migration' order by 1`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = (await tx.query<{ n: number }>(`select count(*)::int as n from ${name}`))[0].n;
    const [report] = await tx.query(`select sum(quantity)::text as total, count(*)::int as n from report`);
    const md5: Record<string, string | null> = {};
    for (const t of ['report', 'report_current', 'target', 'tree_node', 'unit', 'unit_product', 'actual_cell', 'record_event', 'organisation']) {
      const [r] = await tx.query<{ h: string | null }>(`select md5(string_agg(t::text, ',' order by t::text)) as h from (select * from ${t}) t`);
      md5[t] = r.h;
    }
    // Indexes and constraints as the schema defines them: a restore may drop and rebuild them.
    // (PostgreSQL 18, under PGlite, lists NOT NULL as constraints too; 15 does not.)
    const indexes = await tx.query(`select indexname::text as name, indexdef from pg_indexes where schemaname = current_schema() order by 1`);
    const constraints = await tx.query(
      `select conrelid::regclass::text as t, conname::text as name, pg_get_constraintdef(oid) as def
         from pg_constraint where connamespace = current_schema()::regnamespace and contype <> 'n' order by 1, 2`,
    );
    return { counts, report, md5, indexes, constraints };
  });
}

/** The id the next record_event row gets (consumes it): shows the identity sequence was restored, not just the rows. */
async function nextRecordEventId(store: Store): Promise<number> {
  return store.transaction(async (tx) => {
    const [r] = await tx.query<{ id: number }>(
      `insert into record_event (org, unit_id, product_id, scope, period, quantity, at) values (1, 1, 1, 'day', '2026-01-09', 1, now()) returning id`,
    );
    throw Object.assign(new Error('rollback'), { id: r.id });
  }).catch((e: { id?: number }) => {
    if (e.id === undefined) throw e;
    return e.id;
  });
}

/** The NormaError a promise rejects with (the test fails if it resolves). */
async function failure(p: Promise<unknown>): Promise<NormaError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(NormaError);
  return e as NormaError;
}

/** Splits a backup into its header and data, so tests can tamper with either. */
function unpack(file: string): { header: BackupHeader; data: Buffer } {
  const all = gunzipSync(readFileSync(file));
  const nl = all.indexOf(0x0a);
  return { header: JSON.parse(all.subarray(0, nl).toString('utf8')) as BackupHeader, data: all.subarray(nl + 1) };
}

function pack(file: string, header: BackupHeader, data: Buffer): void {
  writeFileSync(file, Buffer.concat([gzipSync(`${JSON.stringify(header)}\n`), gzipSync(data)]));
}

describe('CSV row splitting', () => {
  it('counts rows by newlines outside quotes and refuses text ending inside a row', () => {
    expect(countCsvRows('')).toBe(0);
    expect(countCsvRows('1,"a\nb"\n2,"say ""hi"""\n')).toBe(2);
    expect(() => countCsvRows('1,"a\n')).toThrow(/inside a row/);
    expect(() => countCsvRows('1,a')).toThrow(/inside a row/);
  });

  it('cuts only at row ends, even when quotes and newlines straddle the pieces it is fed', () => {
    const csv = '1,"x\n""y"""\n2,plain\n3,"\n\n"\n4,""\n';
    for (let size = 1; size <= csv.length; size++) {
      const splitter = new CsvRowSplitter(3);
      const pieces: string[] = [];
      const bytes = Buffer.from(csv);
      for (let i = 0; i < bytes.length; i += size) {
        const p = splitter.push(bytes.subarray(i, i + size));
        if (p) pieces.push(p.toString());
      }
      pieces.push(splitter.end().toString());
      expect(pieces.join(''), `piece size ${size}`).toBe(csv);
      for (const p of pieces) if (p) expect(countCsvRows(p)).toBeGreaterThan(0);
    }
    const cut = new CsvRowSplitter(1);
    cut.push(Buffer.from('1,"open\n'));
    expect(() => cut.end()).toThrow(/inside a row/);
  });
});

for (const source of kinds) {
  describe(`backup of a ${source} store`, () => {
    const fixtures: Record<string, StoreFixture> = { pglite: storeFixture('pglite'), postgres: storeFixture('postgres') };
    const dir = mkdtempSync(join(tmpdir(), 'norma-backup-'));
    const file = join(dir, 'demo.norma.gz');
    let store: Store;
    let expected: Awaited<ReturnType<typeof fingerprint>>;
    let expectedNextId: number;

    beforeAll(async () => {
      store = await fixtures[source].open();
      await migrate(store);
      await loadDemo(store, { seed: 5, units: 40, through: '2026-02-10' });
      // Two identity rows, one deleted: the sequence stands past the largest id and must stay there.
      await store.exec(`insert into record_event (org, unit_id, product_id, scope, period, quantity, at)
        select 1, 1, 1, 'day', '2026-01-0' || g, g, '2026-01-10T00:00:00Z' from generate_series(1, 2) g`);
      await store.exec(`delete from record_event where period = '2026-01-02'`);
      expected = await fingerprint(store);
      const [seq] = await store.query<{ v: number }>(`select last_value::int as v from ${'record_event_id_seq'}`);
      expectedNextId = seq.v + 1; // read, not probed: a probe would advance the sequence (nextval survives rollback)
      const phases = new Set<string>();
      // Small page ranges, so even the demo's tables are read in many ctid chunks.
      const r = await backup(store, file, (phase) => phases.add(phase), { chunkPages: 2 });
      expect(phases).toEqual(new Set(['backup']));
      expect(r.rows).toBe(Object.values(expected.counts).reduce((a, n) => a + n, 0));
    });
    afterAll(async () => {
      for (const f of Object.values(fixtures)) await f.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes a header naming the format, versions, source and every table but schema_migration, parents first', () => {
      const { header, data } = unpack(file);
      expect(header).toMatchObject({
        format: BACKUP_FORMAT,
        format_version: 1,
        schema_version: MIGRATIONS[MIGRATIONS.length - 1].version,
        store_kind: source,
      });
      const names = header.tables.map((t) => t.name);
      expect(names.sort()).toEqual(Object.keys(expected.counts).sort());
      const order = header.tables.map((t) => t.name);
      for (const [child, parent] of [['unit', 'tree_node'], ['target', 'plan_version'], ['plan_version', 'plan'], ['alert_escalation', 'alert'], ['meta', 'organisation']]) {
        expect(order.indexOf(child), `${child} after ${parent}`).toBeGreaterThan(order.indexOf(parent));
      }
      for (const t of header.tables) expect(t.rows, t.name).toBe(expected.counts[t.name]);
      expect(data.length).toBe(header.tables.reduce((a, t) => a + t.bytes, 0));
      expect(header.tables.find((t) => t.name === 'record_event')!.sequences).toEqual([{ column: 'id', last_value: expectedNextId - 1, is_called: true }]);
    });

    for (const target of kinds) {
      it(`restores into a fresh ${target} store with the same rows, sums, checksums and sequences`, async () => {
        const fresh = await fixtures[target].open();
        const progress: number[] = [];
        // Small pieces, and indexes dropped and rebuilt for every table of 1,000 rows or more.
        const r = await restore(fresh, file, { chunkBytes: 64 << 10, indexAfterRows: 1000 }, (_phase, done) => progress.push(done));
        expect(r.tables.every((t) => t.status === 'restored')).toBe(true);
        expect(r.migrations.every((m) => m.status === 'applied')).toBe(true);
        expect(r.emptied).toEqual([]);
        expect(progress[progress.length - 1]).toBe(r.rows);
        expect(await fingerprint(fresh)).toEqual(expected);
        expect(await nextRecordEventId(fresh)).toBe(expectedNextId);
      });
    }

    it('refuses a store that holds data, naming the tables, and with force replaces the data', async () => {
      const err = await failure(restore(store, file));
      expect(err.code).toBe('NORMA_ERR_CONFLICT');
      expect(err.message).toContain('--force');
      expect(err.message).toContain('report');
      const target = await fixtures[source].open();
      await migrate(target);
      await loadDemo(target, { seed: 6, units: 30, through: '2026-01-20' });
      const r = await restore(target, file, { force: true, chunkBytes: 4096 });
      expect(r.emptied).toContain('report');
      expect(await fingerprint(target)).toEqual(expected);
    });

    describe('a damaged file restores nothing and names the problem', () => {
      let target: Store;
      let before: Awaited<ReturnType<typeof fingerprint>>;
      beforeAll(async () => {
        // A target holding other data, restored with force: a failure must leave that data in place.
        target = await fixtures[source].open();
        await migrate(target);
        await loadDemo(target, { seed: 7, units: 20, through: '2026-01-15' });
        before = await fingerprint(target);
      });

      async function refused(bad: string, pattern: RegExp): Promise<NormaError> {
        const err = await failure(restore(target, bad, { force: true, chunkBytes: 4096, indexAfterRows: 1000 }));
        expect(err.message).toMatch(pattern);
        expect(err.message).toContain('nothing was restored');
        expect(await fingerprint(target)).toEqual(before);
        return err;
      }

      it('a flipped byte in the compressed data', async () => {
        const bytes = readFileSync(file);
        const bad = join(dir, 'flipped.gz');
        bytes[Math.floor(bytes.length * 0.6)] ^= 0x55;
        writeFileSync(bad, bytes);
        const err = await refused(bad, /table [a-z_]+: /);
        expect(err.details[0].field).toMatch(/^[a-z_]+$/);
      });

      it('a truncated file', async () => {
        const bytes = readFileSync(file);
        const bad = join(dir, 'truncated.gz');
        writeFileSync(bad, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
        await refused(bad, /table [a-z_]+: (the file is damaged \(gzip: unexpected end of file\)|the file ends after)/);
      });

      it('data that decompresses but does not match its checksum', async () => {
        const { header, data } = unpack(file);
        // Change one digit in the report table's data: the CSV still loads, only the checksum tells.
        let offset = 0;
        for (const t of header.tables) {
          if (t.name === 'report') break;
          offset += t.bytes;
        }
        const at = data.indexOf('2026-0', offset) + 5;
        data[at] = data[at] === 0x30 ? 0x31 : 0x30;
        const bad = join(dir, 'checksum.gz');
        pack(bad, header, data);
        const err = await refused(bad, /table report: checksum mismatch/);
        expect(err.code).toBe('NORMA_ERR_VALIDATION');
      });

      it('a row count that disagrees with the header', async () => {
        const { header, data } = unpack(file);
        const tables = header.tables.map((t) => (t.name === 'unit' ? { ...t, rows: t.rows + 1 } : t));
        const bad = join(dir, 'rows.gz');
        pack(bad, { ...header, tables }, data);
        await refused(bad, /table unit: 40 rows read, the header says 41/);
      });

      it('a file that is not gzip, or not a Norma backup', async () => {
        const plain = join(dir, 'plain.csv');
        writeFileSync(plain, 'unit,product\n');
        await refused(plain, /the header: the file is damaged \(gzip: incorrect header check\)/);
        const other = join(dir, 'other.gz');
        writeFileSync(other, gzipSync('{"format":"something-else"}\n'));
        await refused(other, /not a Norma backup/);
      });
    });

    it('refuses a backup whose schema is newer than this Norma, before touching the store', async () => {
      const { header, data } = unpack(file);
      const bad = join(dir, 'future.gz');
      pack(bad, { ...header, schema_version: 999 }, data);
      const fresh = await fixtures[source].open();
      const err = await failure(restore(fresh, bad));
      expect(err.code).toBe('NORMA_ERR_CONFLICT');
      expect(err.message).toMatch(/schema version 999, newer than this Norma's \d+/);
      expect(await schemaVersion(fresh)).toBe(0);
    });
  });
}

describe('backup of an older schema', () => {
  const fixture = storeFixture('pglite');
  const dir = mkdtempSync(join(tmpdir(), 'norma-backup-old-'));
  const file = join(dir, 'v3.norma.gz');
  afterAll(async () => {
    await fixture.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores at the backup schema version, or into a store already past it, leaving newer tables empty', async () => {
    const old = await fixture.open();
    await migrate(old, MIGRATIONS.slice(0, 3));
    await old.exec(`insert into organisation (org, code, name) values (1, 'old', 'Old "org", with quotes
and a newline')`);
    const b = await backup(old, file);
    expect(b.header.schema_version).toBe(3);
    expect(b.header.tables.map((t) => t.name)).not.toContain('monitor_queue');

    const fresh = await fixture.open();
    const r = await restore(fresh, file);
    expect(r.schemaVersion).toBe(3);
    expect(r.migrations.map((m) => m.version)).toEqual([1, 2, 3]);
    expect(await fresh.query('select code, name from organisation')).toEqual([{ code: 'old', name: 'Old "org", with quotes\nand a newline' }]);

    const newer = await fixture.open();
    await migrate(newer);
    const n = await restore(newer, file);
    expect(n.schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    expect(n.tables.find((t) => t.table === 'monitor_queue')).toEqual({ table: 'monitor_queue', status: 'not_in_backup', rows: 0, bytes: 0 });
    expect(n.tables.find((t) => t.table === 'organisation')).toMatchObject({ status: 'restored', rows: 1 });
  });
});
