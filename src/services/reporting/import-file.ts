// Report files -> report rows, streamed in file order: CSV (RFC 4180, UTF-8) or XLSX (the first
// worksheet); then one all-or-nothing batch through submitReports.
import type { Readable } from 'node:stream';
import type { ServiceContext } from '../context.js';
import { NormaError, type ErrorDetail } from '../errors.js';
import { submitReports, type SubmitResult } from './submit.js';
import type { ReportRow } from './validate.js';
import { xlsxRows } from './xlsx/reader.js';

/**
 * Most data rows one file may hold.
 * @example MAX_IMPORT_ROWS // 1000000
 */
export const MAX_IMPORT_ROWS = 1_000_000;

/**
 * The columns a report file may have; the first four are required. Header names are matched
 * trimmed and case-insensitively, in any order.
 * @example REPORT_FILE_COLUMNS.slice(0, 4) // ['unit', 'product', 'date', 'quantity']
 */
export const REPORT_FILE_COLUMNS = ['unit', 'product', 'date', 'quantity', 'kind', 'note'] as const;
const REQUIRED_COLUMNS = 4;

/**
 * The media type of an XLSX workbook.
 * @example XLSX_MIMETYPE // 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
 */
export const XLSX_MIMETYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What a caller knows about a file besides its bytes (an upload's filename and media type). */
export interface ReportFileHint {
  readonly filename?: string;
  readonly mimetype?: string;
}

/** The bytes of a report file: a stream (read once), a buffer, or any async iterable of chunks. */
export type ReportFileInput = Readable | Uint8Array | AsyncIterable<Uint8Array | string>;

/**
 * One data row of a file with its number: 1 is the first row below the header; blank rows are
 * skipped but counted, so row N is the (N+1)-th row of a sheet whose header is on its first row.
 */
export interface NumberedReportRow {
  readonly row: number;
  readonly report: ReportRow;
}

export interface ImportOptions extends ReportFileHint {
  /** Who sends the file (an account, token or CLI user name). */
  readonly by: string;
  /** As the Idempotency-Key header of the API: a repeated import answers as the first did. */
  readonly idempotencyKey?: string;
}

type Cell = string | number | undefined;
/** Records of a table in order; `numbers[k]` (or `first + k` without it) is record k's 1-based row in the file. */
interface RecordBatch {
  readonly first: number;
  readonly numbers?: readonly number[];
  readonly records: readonly (readonly Cell[])[];
}

function fileError(reason: string, message = `the file cannot be read: ${reason}`, row?: number): NormaError {
  return new NormaError('NORMA_ERR_VALIDATION', message, [row === undefined ? { field: 'file', reason } : { row, field: 'file', reason }]);
}

// ---------------------------------------------------------------- bytes in, format sniffed

/** One pass over the input's chunks, with the first bytes available before the format is chosen. */
class ByteSource {
  private readonly it: AsyncIterator<Uint8Array | string>;
  private readonly head: Uint8Array[] = [];
  private finished = false;

  constructor(input: ReportFileInput) {
    const iterable: AsyncIterable<Uint8Array | string> =
      input instanceof Uint8Array ? (async function* () { yield input; })() : (input as AsyncIterable<Uint8Array | string>);
    this.it = iterable[Symbol.asyncIterator]();
  }

  /** Reads until `n` bytes are buffered (or the input ends) and returns them. */
  async peek(n: number): Promise<Buffer> {
    let have = this.head.reduce((s, c) => s + c.length, 0);
    while (have < n && !this.finished) {
      const r = await this.it.next();
      if (r.done) this.finished = true;
      else {
        const c = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        if (c.length) this.head.push(c);
        have += c.length;
      }
    }
    return Buffer.concat(this.head).subarray(0, n);
  }

  /** Every chunk, the peeked ones first. */
  async *chunks(): AsyncGenerator<Uint8Array> {
    while (this.head.length) yield this.head.shift()!;
    while (!this.finished) {
      const r = await this.it.next();
      if (r.done) this.finished = true;
      else yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    }
  }

  /** Releases the input when reading stopped early (a stream is destroyed). */
  async close(): Promise<void> {
    if (!this.finished) {
      this.finished = true;
      await this.it.return?.();
    }
  }
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

function looksLikeXlsx(head: Buffer, hint: ReportFileHint): boolean {
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) return true;
  return /\.xlsx$/i.test(hint.filename ?? '') || (hint.mimetype ?? '').toLowerCase() === XLSX_MIMETYPE;
}

// ---------------------------------------------------------------- CSV

class CsvSyntaxError extends Error {
  constructor(
    readonly record: number,
    reason: string,
  ) {
    super(reason);
  }
}

const START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const CLOSED = 3;
const FIELD_END = /[,\r\n]/g;
const CSV_SLICE = 1 << 16;

/**
 * RFC 4180 records from text pushed chunk by chunk: `,` separates fields, CRLF, LF or CR ends a
 * record, a quoted field may hold separators, line breaks and doubled quotes. A quote inside an
 * unquoted field is kept as text; spaces after a closing quote are ignored.
 */
class CsvRecords {
  /** Records completed so far. */
  count = 0;
  private field = '';
  private fields: string[] = [];
  private state = START;
  private skipLf = false;

  push(t: string, out: string[][]): void {
    const n = t.length;
    let i = 0;
    if (this.skipLf && n > 0) {
      this.skipLf = false;
      if (t.charCodeAt(0) === 10) i = 1;
    }
    while (i < n) {
      const s = this.state;
      if (s === QUOTED) {
        const j = t.indexOf('"', i);
        if (j < 0) {
          this.field += t.slice(i);
          return;
        }
        this.field += t.slice(i, j);
        i = j + 1;
        this.state = CLOSED;
      } else if (s === CLOSED) {
        const c = t.charCodeAt(i++);
        if (c === 34) {
          this.field += '"';
          this.state = QUOTED;
        } else if (c === 44) {
          this.fields.push(this.field);
          this.field = '';
          this.state = START;
        } else if (c === 10 || c === 13) {
          this.endRecord(out);
          if (c === 13) i = this.afterCr(t, i);
        } else if (c !== 32 && c !== 9) {
          throw new CsvSyntaxError(this.count, `unexpected ${JSON.stringify(t[i - 1])} after a closing quote`);
        }
      } else if (s === START && t.charCodeAt(i) === 34) {
        this.state = QUOTED;
        i++;
      } else {
        FIELD_END.lastIndex = i;
        const m = FIELD_END.exec(t);
        if (!m) {
          this.field += t.slice(i);
          this.state = UNQUOTED;
          return;
        }
        const j = m.index;
        this.field += t.slice(i, j);
        i = j + 1;
        if (t.charCodeAt(j) === 44) {
          this.fields.push(this.field);
          this.field = '';
          this.state = START;
        } else {
          this.endRecord(out);
          if (t.charCodeAt(j) === 13) i = this.afterCr(t, i);
        }
      }
    }
  }

  finish(out: string[][]): void {
    if (this.state === QUOTED) throw new CsvSyntaxError(this.count, 'a quoted field is not closed before the end of the file');
    if (this.state !== START || this.field !== '' || this.fields.length > 0) this.endRecord(out);
  }

  private afterCr(t: string, i: number): number {
    if (i < t.length) return t.charCodeAt(i) === 10 ? i + 1 : i;
    this.skipLf = true;
    return i;
  }

  private endRecord(out: string[][]): void {
    this.fields.push(this.field);
    out.push(this.fields);
    this.fields = [];
    this.field = '';
    this.state = START;
    this.count++;
  }
}

async function* csvBatches(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<RecordBatch> {
  // fatal: bytes that are not UTF-8 are an error, not U+FFFD; the decoder drops a leading BOM.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const csv = new CsvRecords();
  const decode = (c?: Uint8Array): string => {
    let t: string;
    try {
      t = c ? decoder.decode(c, { stream: true }) : decoder.decode();
    } catch {
      throw fileError('not UTF-8 text (save the CSV as UTF-8, or send an XLSX workbook)');
    }
    if (t.includes('\u0000')) throw fileError('binary data, not CSV text (send CSV as UTF-8 text or an XLSX workbook)');
    return t;
  };
  const batch = async function* (work: (out: string[][]) => void): AsyncGenerator<RecordBatch> {
    const first = csv.count + 1;
    const out: string[][] = [];
    try {
      work(out);
    } catch (e) {
      // The records before a syntax error go first: they hold the header that numbers the bad row.
      if (out.length) yield { first, records: out };
      throw e;
    }
    if (out.length) yield { first, records: out };
  };
  for await (const chunk of chunks) {
    // Small batches die young: a batch that outlives the young generation costs a full collection.
    const t = decode(chunk);
    for (let p = 0; p < t.length; p += CSV_SLICE) yield* batch((out) => csv.push(t.length <= CSV_SLICE ? t : t.slice(p, p + CSV_SLICE), out));
  }
  yield* batch((out) => {
    csv.push(decode(), out);
    csv.finish(out);
  });
}

// ---------------------------------------------------------------- XLSX

async function* xlsxBatches(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<RecordBatch> {
  // The input's own error (a broken upload) passes through as it is; anything else is the file's.
  let failed: { error: unknown } | undefined;
  const input = (async function* () {
    try {
      yield* chunks;
    } catch (e) {
      failed = { error: e };
      throw e;
    }
  })();
  try {
    for await (const b of xlsxRows(input)) yield { first: b.numbers[0], numbers: b.numbers, records: b.records };
  } catch (e) {
    if ((failed && e === failed.error) || e instanceof NormaError) throw e;
    // Not only XlsxError: whatever a damaged workbook makes go wrong is a file error, never a 500.
    throw fileError(`not a readable XLSX workbook (${(e as Error)?.message ?? String(e)})`);
  }
}

// ---------------------------------------------------------------- header and rows

interface Columns {
  /** Index of each known column in a record, or -1. */
  readonly at: Record<(typeof REPORT_FILE_COLUMNS)[number], number>;
  readonly width: number;
}

function isBlank(v: Cell): boolean {
  return v === undefined || (typeof v === 'string' && v.trim() === '');
}

function readHeader(record: readonly Cell[]): Columns {
  let width = record.length;
  while (width > 0 && isBlank(record[width - 1])) width--; // empty trailing cells (styled XLSX cells, a trailing comma)
  const at = Object.fromEntries(REPORT_FILE_COLUMNS.map((c) => [c, -1])) as Record<(typeof REPORT_FILE_COLUMNS)[number], number>;
  const problems: ErrorDetail[] = [];
  const bad = (reason: string) => problems.push({ row: 0, field: 'header', reason });
  for (let i = 0; i < width; i++) {
    const name = String(record[i] ?? '').trim().toLowerCase();
    if (name === '') bad(`column ${i + 1} has no name`);
    else if (!(name in at)) bad(`unknown column ${JSON.stringify(name)} (allowed: ${REPORT_FILE_COLUMNS.join(', ')})`);
    else if (at[name as keyof typeof at] >= 0) bad(`column ${JSON.stringify(name)} appears twice`);
    else at[name as keyof typeof at] = i;
  }
  for (const c of REPORT_FILE_COLUMNS.slice(0, REQUIRED_COLUMNS)) {
    if (at[c] < 0) bad(`missing column ${JSON.stringify(c)} (required: ${REPORT_FILE_COLUMNS.slice(0, REQUIRED_COLUMNS).join(', ')})`);
  }
  if (problems.length) {
    throw new NormaError('NORMA_ERR_VALIDATION', `the header row is not valid: ${problems.map((p) => p.reason).join('; ')}`, problems);
  }
  return { at, width };
}

/** Repeated codes and dates share one string, so a million rows hold a few thousand distinct values. */
class Interner {
  private readonly seen = new Map<string, string>();
  get(s: string): string {
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    if (this.seen.size < 200_000) this.seen.set(s, s);
    return s;
  }
}

function text(v: Cell, intern?: Interner): string | undefined {
  if (v === undefined) return undefined;
  const s = (typeof v === 'number' ? String(v) : v).trim();
  return intern && s.length < 64 ? intern.get(s) : s;
}

function toReport(rec: readonly Cell[], cols: Columns, intern: Interner): ReportRow {
  const { at } = cols;
  const q = rec[at.quantity];
  const row: { -readonly [K in keyof ReportRow]: unknown } = {
    unit: text(rec[at.unit], intern),
    product: text(rec[at.product], intern),
    date: text(rec[at.date], intern),
    quantity: typeof q === 'string' ? q.trim() : q,
  };
  const kind = at.kind >= 0 ? text(rec[at.kind], intern) : undefined;
  if (kind) row.kind = kind;
  const note = at.note >= 0 ? text(rec[at.note]) : undefined;
  if (note) row.note = note;
  return row;
}

/** Data rows of a file in order, in batches (a chunk of CSV or a thousand XLSX rows at a time). */
async function* reportBatches(input: ReportFileInput, hint: ReportFileHint = {}): AsyncGenerator<NumberedReportRow[]> {
  const src = new ByteSource(input);
  try {
    const head = await src.peek(8);
    if (head.equals(OLE_MAGIC)) throw fileError('an old binary Excel (.xls) workbook; save it as .xlsx or CSV (UTF-8)');
    const batches = looksLikeXlsx(head, hint) ? xlsxBatches(src.chunks()) : csvBatches(src.chunks());
    let cols: Columns | undefined;
    let headerAt = 0;
    const intern = new Interner();
    try {
      for await (const b of batches) {
        const out: NumberedReportRow[] = [];
        for (let k = 0; k < b.records.length; k++) {
          const rec = b.records[k];
          let blank = true;
          for (let i = 0; i < rec.length && blank; i++) blank = isBlank(rec[i]);
          if (blank) continue;
          const n = b.numbers ? b.numbers[k] : b.first + k;
          if (!cols) {
            cols = readHeader(rec);
            headerAt = n;
            continue;
          }
          const row = n - headerAt;
          for (let i = cols.width; i < rec.length; i++) {
            if (!isBlank(rec[i])) {
              throw new NormaError('NORMA_ERR_VALIDATION', `row ${row} has a value in column ${i + 1}, beyond the header's ${cols.width} columns`, [
                { row, field: 'row', reason: `a value in column ${i + 1}, beyond the header's ${cols.width} columns` },
              ]);
            }
          }
          out.push({ row, report: toReport(rec, cols, intern) });
        }
        if (out.length) yield out;
      }
    } catch (e) {
      if (e instanceof CsvSyntaxError) {
        const n = e.record + 1;
        throw cols ? fileError(e.message, `row ${n - headerAt}: ${e.message}`, n - headerAt) : fileError(e.message, `the header row: ${e.message}`, 0);
      }
      throw e;
    }
    if (!cols) {
      throw fileError('empty file', `the file is empty: expected a header row ${REPORT_FILE_COLUMNS.slice(0, REQUIRED_COLUMNS).join(',')}[,kind,note] and data rows`);
    }
  } finally {
    await src.close();
  }
}

/**
 * Reads a report file (CSV or XLSX, told apart by content, else by filename or media type) and
 * yields its data rows in file order, each with its 1-based row number below the header. Values
 * are passed on as found (trimmed; XLSX numbers stay numbers, date cells become YYYY-MM-DD): the
 * rules for units, products, dates and quantities are submitReports's. A bad header or a file that
 * cannot be read throws NORMA_ERR_VALIDATION naming `header` or `file`.
 * @example for await (const { row, report } of readReportFile(createReadStream('jan.csv'))) console.log(row, report.unit);
 */
export async function* readReportFile(input: ReportFileInput, hint?: ReportFileHint): AsyncGenerator<NumberedReportRow> {
  for await (const batch of reportBatches(input, hint)) yield* batch;
}

/** Puts the file's row numbers (blank rows counted) into submitReports's errors, which count rows without blanks. */
function renumbered(e: NormaError, rowOf: readonly number[]): NormaError {
  const map = (n: number) => (Number.isInteger(n) && n >= 1 && n <= rowOf.length ? rowOf[n - 1] : n);
  const fix = (s: string) => s.replace(/\b(duplicate of row|first: row) (\d+)/g, (_, what: string, n: string) => `${what} ${map(Number(n))}`);
  const details = e.details.map((d) => ({ ...d, row: typeof d.row === 'number' ? map(d.row) : d.row, reason: fix(d.reason) }));
  return new NormaError(e.code, fix(e.message), details);
}

/**
 * Imports a report file as one batch: reads every row (at most MAX_IMPORT_ROWS, checked as it
 * streams), then submitReports validates them all and applies them in one transaction, or applies
 * nothing and throws NORMA_ERR_VALIDATION listing each bad row (1-based data rows, as in the file).
 * @example const { summary } = await importReports(ctx, createReadStream('jan.xlsx'), { by: 'cli', filename: 'jan.xlsx' });
 */
export async function importReports(ctx: ServiceContext, input: ReportFileInput, opts: ImportOptions): Promise<SubmitResult> {
  const rows: ReportRow[] = [];
  let rowOf: number[] | undefined; // only once a blank row made file rows and batch rows differ
  for await (const batch of reportBatches(input, opts)) {
    for (const { row, report } of batch) {
      if (rows.length === MAX_IMPORT_ROWS) {
        throw new NormaError('NORMA_ERR_VALIDATION', `the file has more than ${MAX_IMPORT_ROWS} data rows; split it into smaller files`, [
          { field: 'file', reason: `more than ${MAX_IMPORT_ROWS} data rows` },
        ]);
      }
      if (rowOf) rowOf.push(row);
      else if (row !== rows.length + 1) {
        rowOf = Array.from({ length: rows.length }, (_, i) => i + 1);
        rowOf.push(row);
      }
      rows.push(report);
    }
  }
  if (rows.length === 0) throw fileError('no data rows below the header', 'the file has a header row but no data rows');
  try {
    return await submitReports(ctx, rows, { by: opts.by, rowBase: 1, idempotencyKey: opts.idempotencyKey, action: 'report.import' });
  } catch (e) {
    if (rowOf && e instanceof NormaError && (e.code === 'NORMA_ERR_VALIDATION' || e.code === 'NORMA_ERR_FORBIDDEN')) throw renumbered(e, rowOf);
    throw e;
  }
}
