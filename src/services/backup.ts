// Backup and restore of a whole store as one gzip file: a JSON header line, then every table's rows
// as CSV in foreign-key order. Tables are read page range by page range inside one repeatable-read
// snapshot and written chunk by chunk; a restore is one transaction, so a damaged file changes no row.
// The format is described in docs/backup.md.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Readable, pipeline as pipelineCallback } from 'node:stream';
import { createGunzip, createGzip, gzipSync } from 'node:zlib';
import { MIGRATIONS, migrate, schemaVersion, type MigrationResult, type Queryable, type Store, type StoreKind } from '../store/index.js';
import { NORMA_VERSION } from './context.js';
import { NormaError } from './errors.js';
import { invalidateReportingModel } from './reporting/model-cache.js';

/** The `format` field of every backup header. */
export const BACKUP_FORMAT = 'norma-backup';
/** The layout version this Norma writes and reads. */
export const BACKUP_FORMAT_VERSION = 1;

/** Progress of a long step: `done` of `total` rows. */
export type BackupProgress = (phase: string, done: number, total: number) => void;

/** The state of a sequence behind a serial or identity column, so new ids continue after a restore. */
export interface BackupSequence {
  readonly column: string;
  readonly last_value: number;
  readonly is_called: boolean;
}

/** One table in the header: its data is `bytes` bytes of CSV holding `rows` rows. */
export interface BackupTable {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: number;
  readonly bytes: number;
  /** SHA-256 (hex) of the table's CSV bytes exactly as they stand in the file. */
  readonly sha256: string;
  readonly sequences: readonly BackupSequence[];
}

/** The first line of a backup file. */
export interface BackupHeader {
  readonly format: typeof BACKUP_FORMAT;
  readonly format_version: number;
  readonly norma_version: string;
  readonly schema_version: number;
  readonly store_kind: StoreKind;
  readonly created_at: string;
  /** In the order their data follows: parents before the tables that reference them. */
  readonly tables: readonly BackupTable[];
}

export interface BackupOptions {
  /** Heap pages (8 kB each) read per COPY; a table is read in ctid ranges of this many pages. */
  readonly chunkPages?: number;
  /** gzip level, 1 (fast) to 9 (small). */
  readonly level?: number;
}

export interface BackupResult {
  readonly file: string;
  /** Size of the file written (compressed). */
  readonly bytes: number;
  /** Size of all tables' CSV (uncompressed). */
  readonly dataBytes: number;
  readonly rows: number;
  readonly header: BackupHeader;
  readonly ms: number;
}

export interface RestoreOptions {
  /** Empty a store that holds data first (in the restore's own transaction). */
  readonly force?: boolean;
  /** CSV bytes handed to one COPY. */
  readonly chunkBytes?: number;
  /** Tables of at least this many rows are loaded without their indexes, built once after. */
  readonly indexAfterRows?: number;
}

/** What happened to one table: restored from the file, or left empty because the file has no such table. */
export interface RestoreTableStatus {
  readonly table: string;
  readonly status: 'restored' | 'not_in_backup';
  readonly rows: number;
  readonly bytes: number;
}

export interface RestoreResult {
  readonly file: string;
  /** Size of the file read (compressed). */
  readonly bytes: number;
  readonly rows: number;
  readonly header: BackupHeader;
  /** The migrations run to bring the target to the backup's schema version. */
  readonly migrations: readonly MigrationResult[];
  /** The target's schema version after the restore. */
  readonly schemaVersion: number;
  /** Tables that held rows and were emptied (only with `force`). */
  readonly emptied: readonly string[];
  readonly tables: readonly RestoreTableStatus[];
  readonly ms: number;
}

const DEFAULT_CHUNK_PAGES = 1024; // 8 MB of heap per COPY
const DEFAULT_CHUNK_BYTES = 8 << 20;
const DEFAULT_LEVEL = 6;
const DEFAULT_INDEX_AFTER_ROWS = 100_000;
const MAX_HEADER_BYTES = 16 << 20;
const QUOTE = 0x22;
const NEWLINE = 0x0a;

/** A table as the catalogue describes it. */
interface TableInfo {
  readonly name: string;
  readonly columns: readonly string[];
  /** Has a non-deferrable foreign key to itself: restored through a staging table in one INSERT. */
  readonly selfReferencing: boolean;
  /** Serial and identity columns with their sequence's qualified name. */
  readonly sequences: readonly { column: string; sequence: string }[];
}

/** `"name"` with embedded quotes doubled. */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Every table of the current schema except `schema_migration`, ordered so that a table comes after
 * every table its non-deferrable foreign keys reference (ties and cycles by name).
 */
async function schemaTables(db: Queryable): Promise<TableInfo[]> {
  const tables = await db.query<{ name: string; columns: string[] }>(
    `select c.relname::text as name, json_agg(a.attname::text order by a.attnum) as columns
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      where n.nspname = current_schema() and c.relkind = 'r' and c.relname <> 'schema_migration'
      group by c.relname
      order by c.relname`,
  );
  const keys = await db.query<{ child: string; parent: string; deferrable: boolean }>(
    `select c.relname::text as child, p.relname::text as parent, k.condeferrable as deferrable
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_class p on p.oid = k.confrelid
       join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f' and n.nspname = current_schema()`,
  );
  const serials = await db.query<{ name: string; col: string; sequence: string }>(
    `select * from (
       select c.relname::text as name, a.attname::text as col,
              pg_get_serial_sequence(quote_ident(c.relname), a.attname) as sequence
         from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where n.nspname = current_schema() and c.relkind = 'r' and c.relname <> 'schema_migration') s
      where sequence is not null
      order by name, col`,
  );
  const names = new Set(tables.map((t) => t.name));
  const parents = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set<string>()]));
  const selfRef = new Set<string>();
  for (const k of keys) {
    // Deferrable keys are checked at commit (the restore defers them), so they do not constrain the order.
    if (k.deferrable || !names.has(k.child) || !names.has(k.parent)) continue;
    if (k.child === k.parent) selfRef.add(k.child);
    else parents.get(k.child)!.add(k.parent);
  }
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.map((t) => t.name).filter((n) => !placed.has(n) && [...parents.get(n)!].every((p) => placed.has(p)));
    // A cycle of non-deferrable keys cannot be ordered: place its first table and let COPY name the problem.
    const next = ready.length ? ready : [tables.map((t) => t.name).find((n) => !placed.has(n))!];
    for (const n of next) {
      ordered.push(n);
      placed.add(n);
    }
  }
  const byName = new Map(tables.map((t) => [t.name, t]));
  return ordered.map((name) => ({
    name,
    columns: byName.get(name)!.columns,
    selfReferencing: selfRef.has(name),
    sequences: serials.filter((s) => s.name === name).map((s) => ({ column: s.col, sequence: s.sequence })),
  }));
}

/**
 * Counts the rows of COPY CSV text: newlines outside quoted fields. Fails if the text ends inside a row.
 * @example countCsvRows('1,"a\nb"\n2,c\n') // 2
 */
export function countCsvRows(csv: string): number {
  let rows = 0;
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (c === NEWLINE && !quoted) rows++;
  }
  if (quoted || (csv.length > 0 && csv.charCodeAt(csv.length - 1) !== NEWLINE)) throw new Error('CSV text ends inside a row');
  return rows;
}

/**
 * Cuts a stream of CSV bytes into pieces that end at row boundaries (a newline outside quotes),
 * each at least `minBytes` long except the last.
 * @example const s = new CsvRowSplitter(4); s.push(Buffer.from('1,"a\n')); s.push(Buffer.from('b"\n2\n')); // '1,"a\nb"\n2\n'
 */
export class CsvRowSplitter {
  private parts: Buffer[] = [];
  private length = 0;
  private quoted = false;
  /** Offset in the pending bytes just after the last complete row. */
  private boundary = 0;

  constructor(private readonly minBytes: number) {}

  /** Adds bytes; returns a row-aligned piece once at least `minBytes` of complete rows are pending. */
  push(chunk: Buffer): Buffer | undefined {
    let quoted = this.quoted;
    let boundary = -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === QUOTE) quoted = !quoted;
      else if (c === NEWLINE && !quoted) boundary = i;
    }
    this.quoted = quoted;
    if (boundary >= 0) this.boundary = this.length + boundary + 1;
    this.parts.push(chunk);
    this.length += chunk.length;
    if (this.boundary < this.minBytes) return undefined;
    const all = Buffer.concat(this.parts, this.length);
    const rest = all.subarray(this.boundary);
    const piece = all.subarray(0, this.boundary);
    this.parts = rest.length ? [rest] : [];
    this.length = rest.length;
    this.boundary = 0;
    return piece;
  }

  /** The pending rows; fails if the bytes end inside a row. */
  end(): Buffer {
    if (this.quoted || this.boundary !== this.length) throw new Error('the data ends inside a row');
    const all = Buffer.concat(this.parts, this.length);
    this.parts = [];
    this.length = 0;
    this.boundary = 0;
    return all;
  }
}

/** Pulls bytes from an async stream: a line, or up to n bytes at a time. */
class ByteReader {
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, next.value]) : next.value;
    return true;
  }

  /** The bytes before the next newline (which is consumed), or null at the end. */
  async line(limit: number): Promise<Buffer | null> {
    for (let from = 0; ; ) {
      const at = this.pending.indexOf(NEWLINE, from);
      if (at >= 0) {
        const line = this.pending.subarray(0, at);
        this.pending = this.pending.subarray(at + 1);
        return line;
      }
      if (this.pending.length > limit) throw new Error(`no line end in the first ${limit} bytes`);
      from = this.pending.length;
      if (!(await this.fill())) return null;
    }
  }

  /** Up to `max` bytes (at least one), or null at the end. */
  async take(max: number): Promise<Buffer | null> {
    if (this.pending.length === 0 && !(await this.fill())) return null;
    const n = Math.min(max, this.pending.length);
    const out = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    return out;
  }
}

/** A restore failure: names the file, the table (or `header`) and what failed; nothing was restored. */
function damaged(file: string, where: string, reason: string): NormaError {
  const place = where === 'header' ? 'the header' : `table ${where}`;
  return new NormaError('NORMA_ERR_VALIDATION', `backup ${file}: ${place}: ${reason}; nothing was restored`, [{ field: where, reason }]);
}

/** Words a failure while reading or loading one part of the file. */
function reasonOf(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) return `the file is damaged (gzip: ${err.message})`;
  if (e instanceof NormaError) return e.message;
  if (e && typeof e === 'object' && 'sqlState' in e) return `COPY failed: ${err.message}`;
  return err?.message ?? String(e);
}

/** Tables of the store that hold at least one row. */
async function tablesWithRows(db: Queryable, tables: readonly TableInfo[]): Promise<string[]> {
  if (!tables.length) return [];
  const rows = await db.query<{ name: string }>(
    tables.map((t) => `select '${t.name.replaceAll("'", "''")}' as name where exists (select 1 from ${ident(t.name)})`).join(' union all '),
  );
  return rows.map((r) => r.name).sort();
}

// Output that reads the same on every server, whatever its settings: ISO dates, UTC offsets.
const PORTABLE_SESSION = `set local datestyle = 'ISO, YMD'; set local timezone = 'UTC'; set local intervalstyle = 'postgres';
  set local bytea_output = 'hex'; set local extra_float_digits = 1`;

/**
 * Writes every table of `store` (except `schema_migration`) to `file`, read in one consistent
 * snapshot. The file appears only when complete (written beside it, then renamed).
 * @example const r = await backup(store, '/var/backups/norma-2026-11-23.norma.gz'); // r.rows, r.bytes
 */
export async function backup(store: Store, file: string, progress: BackupProgress = () => {}, options: BackupOptions = {}): Promise<BackupResult> {
  const started = Date.now();
  const chunkPages = options.chunkPages ?? DEFAULT_CHUNK_PAGES;
  const version = await schemaVersion(store);
  if (version === 0) throw new NormaError('NORMA_ERR_CONFLICT', 'the store has no schema yet: there is nothing to back up');
  const dataFile = `${file}.${process.pid}.data.tmp`;
  const headerFile = `${file}.${process.pid}.tmp`;
  try {
    const header = await store.transaction(async (tx): Promise<BackupHeader> => {
      // One snapshot for every table, so the backup is a state the store really was in.
      await tx.exec(`set transaction isolation level repeatable read, read only; ${PORTABLE_SESSION}`);
      const [v] = await tx.query<{ v: number }>('select max(version) as v from schema_migration');
      const createdAt = new Date().toISOString();
      const tables = await schemaTables(tx);
      // As pg_dump does: no table can be truncated, dropped or altered under the backup from here on.
      if (tables.length) await tx.exec(`lock table ${tables.map((t) => ident(t.name)).join(', ')} in access share mode`);
      const sizes: { rows: number; pages: number }[] = [];
      for (const t of tables) {
        const [s] = await tx.query<{ rows: number; pages: number }>(
          `select count(*)::int8 as rows, (pg_relation_size('${ident(t.name).replaceAll("'", "''")}') / current_setting('block_size')::int)::int8 as pages from ${ident(t.name)}`,
        );
        sizes.push(s);
      }
      const total = sizes.reduce((a, s) => a + s.rows, 0);
      const written: BackupTable[] = [];
      let done = 0;
      progress('backup', 0, total);
      async function* csvChunks(): AsyncGenerator<Buffer> {
        for (const [i, t] of tables.entries()) {
          const select = `select ${t.columns.map(ident).join(', ')} from ${ident(t.name)}`;
          const hash = createHash('sha256');
          let bytes = 0;
          let rows = 0;
          const { pages } = sizes[i];
          // Page (ctid) ranges: a TID range scan reads just those pages, without sorting or an index;
          // the last range is open so rows on pages added since the size was read are not missed.
          for (let from = 0; from === 0 || from < pages; from += chunkPages) {
            const lower = from > 0 ? `ctid >= '(${from},0)'::tid` : '';
            const upper = from + chunkPages < pages ? `ctid < '(${from + chunkPages},0)'::tid` : '';
            const where = [lower, upper].filter(Boolean).join(' and ');
            const csv = await tx.copyTo(where ? `${select} where ${where}` : select);
            const n = countCsvRows(csv);
            const buf = Buffer.from(csv, 'utf8');
            hash.update(buf);
            bytes += buf.length;
            rows += n;
            done += n;
            progress('backup', done, Math.max(total, done));
            if (buf.length) yield buf;
          }
          if (rows !== sizes[i].rows) {
            throw new NormaError('NORMA_ERR_CONFLICT', `table ${t.name}: read ${rows} rows in page ranges but the table holds ${sizes[i].rows}`);
          }
          const sequences: BackupSequence[] = [];
          for (const s of t.sequences) {
            const [state] = await tx.query<{ last_value: number; is_called: boolean }>(`select last_value::int8 as last_value, is_called from ${s.sequence}`);
            sequences.push({ column: s.column, last_value: Number(state.last_value), is_called: state.is_called });
          }
          written.push({ name: t.name, columns: t.columns, rows, bytes, sha256: hash.digest('hex'), sequences });
        }
      }
      // highWaterMark 1: at most one chunk waits for gzip while the next is read, whatever the table size.
      await pipeline(Readable.from(csvChunks(), { highWaterMark: 1 }), createGzip({ level: options.level ?? DEFAULT_LEVEL }), createWriteStream(dataFile));
      return {
        format: BACKUP_FORMAT,
        format_version: BACKUP_FORMAT_VERSION,
        norma_version: NORMA_VERSION,
        schema_version: v.v,
        store_kind: store.kind,
        created_at: createdAt,
        tables: written,
      };
    });
    // The header is a gzip member of its own in front of the data's member: gunzip reads them as one
    // stream, and the data need not be compressed twice now that its checksums are known.
    const line = gzipSync(`${JSON.stringify(header)}\n`);
    await pipeline(
      async function* () {
        yield line;
        yield* createReadStream(dataFile);
      },
      createWriteStream(headerFile),
    );
    const handle = await open(headerFile, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(headerFile, file);
    const bytes = (await stat(file)).size;
    return {
      file,
      bytes,
      dataBytes: header.tables.reduce((a, t) => a + t.bytes, 0),
      rows: header.tables.reduce((a, t) => a + t.rows, 0),
      header,
      ms: Date.now() - started,
    };
  } catch (e) {
    // A file system failure (no such directory, no permission, disk full) names the file, not a stack.
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      throw new NormaError('NORMA_ERR_BAD_REQUEST', `cannot write backup ${file}: ${(e as Error).message}`, [{ field: 'file', reason: code }]);
    }
    throw e;
  } finally {
    await rm(dataFile, { force: true });
    await rm(headerFile, { force: true });
  }
}

/** Checks the header line and returns it typed; throws naming the first problem. */
function parseHeader(file: string, line: Buffer): BackupHeader {
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(line.toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw damaged(file, 'header', `not a Norma backup (the first line is not JSON: ${(e as Error).message})`);
  }
  if (!h || typeof h !== 'object' || h.format !== BACKUP_FORMAT) throw damaged(file, 'header', `not a Norma backup (format is not "${BACKUP_FORMAT}")`);
  if (h.format_version !== BACKUP_FORMAT_VERSION) {
    throw damaged(file, 'header', `format version ${JSON.stringify(h.format_version)} is not supported (this Norma reads ${BACKUP_FORMAT_VERSION})`);
  }
  const count = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!count(h.schema_version)) throw damaged(file, 'header', 'schema_version is not a whole number');
  if (!Array.isArray(h.tables)) throw damaged(file, 'header', 'tables is not a list');
  for (const t of h.tables as Record<string, unknown>[]) {
    const ok =
      t &&
      typeof t.name === 'string' &&
      Array.isArray(t.columns) &&
      t.columns.every((c) => typeof c === 'string') &&
      count(t.rows) &&
      count(t.bytes) &&
      typeof t.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(t.sha256) &&
      Array.isArray(t.sequences);
    if (!ok) throw damaged(file, 'header', `the entry of table ${JSON.stringify(t?.name)} is malformed`);
  }
  return h as unknown as BackupHeader;
}

/**
 * Restores a backup into `store`, which must hold no data (or `force`, which empties it in the same
 * transaction). Migrates the store to the backup's schema version first; then every table is copied
 * in one transaction and checked against the header's row count and SHA-256, so a damaged file
 * leaves the data as it was. Returns each table's status.
 * @example const r = await restore(store, 'norma.backup.gz', { force: false }); // r.tables[0].status === 'restored'
 */
export async function restore(store: Store, file: string, options: RestoreOptions = {}, progress: BackupProgress = () => {}): Promise<RestoreResult> {
  const started = Date.now();
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a regular file');
    size = s.size;
  } catch (e) {
    throw new NormaError('NORMA_ERR_BAD_REQUEST', `cannot read backup ${file}: ${(e as Error).message}`, [{ field: 'file', reason: (e as Error).message }]);
  }
  const gunzip = createGunzip({ chunkSize: 256 << 10 });
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  pipelineCallback(input, gunzip, () => undefined); // a read error destroys gunzip, which the reader then throws
  const reader = new ByteReader(gunzip[Symbol.asyncIterator]());
  try {
    let line: Buffer | null;
    try {
      line = await reader.line(MAX_HEADER_BYTES);
    } catch (e) {
      throw damaged(file, 'header', reasonOf(e));
    }
    if (line === null) throw damaged(file, 'header', 'the file is empty or ends before the header line does');
    const header = parseHeader(file, line);
    const latest = MIGRATIONS[MIGRATIONS.length - 1].version;
    if (header.schema_version > latest) {
      throw new NormaError(
        'NORMA_ERR_CONFLICT',
        `backup ${file} has schema version ${header.schema_version}, newer than this Norma's ${latest} (Norma ${NORMA_VERSION}); restore it with Norma ${header.norma_version} or later`,
        [{ field: 'schema_version', reason: `backup ${header.schema_version} > latest ${latest}` }],
      );
    }

    // Refuse before changing anything, even the schema, when the store holds data and force is not given.
    if ((await schemaVersion(store)) > 0 && !options.force) await refuseIfHoldsData(store, await schemaTables(store));
    const migrations = await migrate(store, MIGRATIONS.filter((m) => m.version <= header.schema_version));
    const target = await schemaTables(store);
    const targetByName = new Map(target.map((t) => [t.name, t]));
    for (const t of header.tables) {
      const have = targetByName.get(t.name);
      const missing = have ? t.columns.filter((c) => !have.columns.includes(c)) : [];
      if (!have || missing.length) {
        const why = have ? `the store's table has no column ${missing.join(', ')}` : 'the store has no such table';
        throw new NormaError(
          'NORMA_ERR_CONFLICT',
          `backup ${file}: table ${t.name}: ${why} (store schema version ${await schemaVersion(store)}, backup ${header.schema_version}); nothing was restored`,
          [{ field: t.name, reason: why }],
        );
      }
    }

    const total = header.tables.reduce((a, t) => a + t.rows, 0);
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    const indexAfterRows = options.indexAfterRows ?? DEFAULT_INDEX_AFTER_ROWS;
    const emptied = await store.transaction(async (tx) => {
      await tx.exec(`${PORTABLE_SESSION}; set constraints all deferred`);
      // Room to sort in memory when the primary keys of the big tables are built after their load.
      await tx.query(
        `select set_config('maintenance_work_mem', '262144kB', true) from pg_settings where name = 'maintenance_work_mem' and setting::int8 < 262144`,
      );
      const holding = await tablesWithRows(tx, target);
      if (holding.length && !options.force) refuse(holding);
      if (holding.length) await tx.exec(`truncate ${target.map((t) => ident(t.name)).join(', ')} restart identity cascade`);
      let done = 0;
      progress('restore', 0, total);
      for (const t of header.tables) {
        try {
          await restoreTable(tx, reader, t, targetByName.get(t.name)!, { chunkBytes, indexAfterRows }, (rows) =>
            progress('restore', (done += rows), total),
          );
        } catch (e) {
          throw damaged(file, t.name, reasonOf(e));
        }
      }
      // Read to the very end: gunzip checks the data's CRC only when its member ends.
      const last = header.tables.length ? header.tables[header.tables.length - 1].name : 'header';
      let extra: Buffer | null;
      try {
        extra = await reader.take(1);
      } catch (e) {
        throw damaged(file, last, reasonOf(e));
      }
      if (extra !== null) throw damaged(file, last, 'unexpected data after the last table');
      // Sequences last: setval is not undone by a rollback, so only once every check has passed.
      for (const t of header.tables) {
        for (const s of t.sequences) {
          const seq = targetByName.get(t.name)!.sequences.find((q) => q.column === s.column);
          if (seq) await tx.query('select setval($1::regclass, $2, $3)', [seq.sequence, s.last_value, s.is_called]);
        }
      }
      return holding;
    });
    await store.exec('analyze');
    const orgs = await store.query<{ org: number }>('select org from organisation').catch(() => [] as { org: number }[]);
    for (const o of orgs) invalidateReportingModel({ store, org: o.org, today: () => '' });

    const inBackup = new Map(header.tables.map((t) => [t.name, t]));
    const tables: RestoreTableStatus[] = [
      ...header.tables.map((t) => ({ table: t.name, status: 'restored' as const, rows: t.rows, bytes: t.bytes })),
      ...target.filter((t) => !inBackup.has(t.name)).map((t) => ({ table: t.name, status: 'not_in_backup' as const, rows: 0, bytes: 0 })),
    ];
    return {
      file,
      bytes: size,
      rows: total,
      header,
      migrations,
      schemaVersion: await schemaVersion(store),
      emptied,
      tables,
      ms: Date.now() - started,
    };
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

function refuse(holding: readonly string[]): never {
  throw new NormaError(
    'NORMA_ERR_CONFLICT',
    `the store holds data (in ${holding.join(', ')}): restore needs an empty store; --force empties it first`,
  );
}

async function refuseIfHoldsData(store: Store, tables: readonly TableInfo[]): Promise<void> {
  const holding = await tablesWithRows(store, tables);
  if (holding.length) refuse(holding);
}

/** An index dropped for a bulk load, with the statement that builds it again. */
interface DeferredIndex {
  readonly drop: string;
  readonly create: string;
}

/**
 * Drops the indexes of `table` (primary key and unique constraints included) that no foreign key
 * depends on, returning how to build them again: one build after the load is several times faster
 * than keeping them up to date row by row. Inside the restore's transaction, so a failure restores them.
 */
async function dropIndexes(tx: Queryable, table: string): Promise<DeferredIndex[]> {
  const rows = await tx.query<{ index: string; conname: string | null; indexdef: string; condef: string | null }>(
    `select i.indexrelid::regclass::text as index, c.conname::text as conname, pg_get_indexdef(i.indexrelid) as indexdef,
            case when c.oid is not null then pg_get_constraintdef(c.oid) end as condef
       from pg_index i
       left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('p', 'u', 'x')
      where i.indrelid = $1::regclass
        and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = i.indexrelid)
      order by c.oid is null, i.indexrelid`,
    [ident(table)],
  );
  const deferred = rows.map((r) =>
    r.conname !== null && r.condef !== null
      ? { drop: `alter table ${ident(table)} drop constraint ${ident(r.conname)}`, create: `alter table ${ident(table)} add constraint ${ident(r.conname)} ${r.condef}` }
      : { drop: `drop index ${r.index}`, create: r.indexdef },
  );
  for (const d of deferred) await tx.exec(d.drop);
  return deferred;
}

/** Copies one table's `bytes` bytes from the reader, checking its row count and SHA-256. */
async function restoreTable(
  tx: Queryable,
  reader: ByteReader,
  t: BackupTable,
  info: TableInfo,
  { chunkBytes, indexAfterRows }: { chunkBytes: number; indexAfterRows: number },
  onRows: (rows: number) => void,
): Promise<void> {
  // A table referencing itself is loaded whole in one INSERT: its key is checked at the end of that
  // statement, so a child row may come before its parent. Other tables go straight in, parents first.
  const stage = info.selfReferencing ? 'norma_restore_stage' : undefined;
  if (stage) await tx.exec(`create temp table ${stage} (like ${ident(t.name)}) on commit drop`);
  const deferred = !stage && t.rows >= indexAfterRows ? await dropIndexes(tx, t.name) : [];
  const into = stage ?? t.name;
  const hash = createHash('sha256');
  const splitter = new CsvRowSplitter(chunkBytes);
  let rows = 0;
  // One COPY in flight while the next piece is read, unzipped and hashed.
  let inFlight: Promise<void> = Promise.resolve();
  const load = async (piece: Buffer) => {
    await inFlight;
    if (!piece.length) return;
    inFlight = tx.copyFrom(into, t.columns, piece.toString('utf8')).then((n) => {
      rows += n;
      onRows(n);
    });
    inFlight.catch(() => undefined); // awaited before the next piece; this only keeps it from counting as unhandled
  };
  for (let left = t.bytes; left > 0; ) {
    const part = await reader.take(Math.min(left, 1 << 20));
    if (part === null) {
      await inFlight;
      throw new Error(`the file ends after ${t.bytes - left} of the table's ${t.bytes} bytes`);
    }
    left -= part.length;
    hash.update(part);
    const piece = splitter.push(part);
    if (piece) await load(piece);
  }
  await load(splitter.end());
  await inFlight;
  const sha = hash.digest('hex');
  if (sha !== t.sha256) throw new Error(`checksum mismatch (SHA-256 ${sha}, the header says ${t.sha256})`);
  if (rows !== t.rows) throw new Error(`${rows} rows read, the header says ${t.rows}`);
  if (stage) {
    const cols = t.columns.map(ident).join(', ');
    await tx.exec(`insert into ${ident(t.name)} (${cols}) overriding system value select ${cols} from ${stage}; drop table ${stage}`);
  }
  for (const d of deferred) await tx.exec(d.create);
}
