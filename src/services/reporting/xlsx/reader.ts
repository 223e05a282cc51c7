// The first worksheet's rows, streamed in one pull chain (no events, temp files or background work);
// a sheet met before the parts it needs (exceljs's writers put it first) waits as its compressed bytes.
import { XlsxError } from './error.js';
import { entryBytes } from './inflate.js';
import { SharedStringsHandler } from './shared-strings.js';
import { SheetHandler, type Cell, type SheetContext } from './sheet.js';
import { StylesHandler } from './styles.js';
import { partText } from './text.js';
import { planOf, RelsHandler, WORKBOOK_PART, WORKBOOK_RELS_PART, WorkbookHandler, type Plan } from './workbook.js';
import { XmlScanner, type XmlHandler } from './xml.js';
import { zipEntries, type ZipEntry } from './zip.js';

export type { Cell } from './sheet.js';

/** Rows of a sheet: `numbers[k]` is the 1-based sheet row of `records[k]`. */
export interface RowBatch {
  readonly numbers: readonly number[];
  readonly records: readonly (readonly Cell[])[];
}

/** Most compressed bytes kept in memory for parts met before they can be read (the upload limit). */
export const MAX_KEPT_BYTES = 256 * 2 ** 20;
/** Most bytes a worksheet may expand to (a million rows of six columns take about 250 MB). */
const MAX_SHEET_BYTES = 2 ** 31;
/** Most bytes the shared strings may expand to (they are held in memory, capped again by characters). */
const MAX_STRINGS_BYTES = 2 ** 30;
/** Most bytes the workbook, its relationships or styles may expand to. */
const MAX_SMALL_BYTES = 64 * 2 ** 20;
const BATCH = 1000;

/** An entry's compressed bytes, kept until it can be read. */
interface Kept {
  readonly entry: ZipEntry;
  readonly chunks: Uint8Array[];
  readonly bytes: number;
}

async function scan(handler: XmlHandler, bytes: AsyncIterable<Uint8Array>, part: string): Promise<void> {
  const x = new XmlScanner(handler, part);
  for await (const s of partText(bytes, part)) x.push(s);
  x.end();
}

async function* sheetRows(bytes: AsyncIterable<Uint8Array>, part: string, ctx: SheetContext): AsyncGenerator<RowBatch> {
  const h = new SheetHandler(ctx, part);
  const x = new XmlScanner(h, part);
  const flush = function* (): Generator<RowBatch> {
    const { numbers, records } = h.take();
    for (let i = 0; i < records.length; i += BATCH) {
      yield records.length <= BATCH ? { numbers, records } : { numbers: numbers.slice(i, i + BATCH), records: records.slice(i, i + BATCH) };
    }
  };
  for await (const s of partText(bytes, part)) {
    x.push(s);
    if (h.records.length >= BATCH) yield* flush();
  }
  x.end();
  yield* flush();
}

/**
 * The rows of the first worksheet (in tab order) of an XLSX workbook read from `input` as it
 * streams, in batches, with their sheet row numbers. Text, numbers, booleans (`'true'`/`'false'`),
 * formula results and dates (as YYYY-MM-DD, from date-formatted numbers in either date system)
 * come as the sheet shows them. A damaged, cut or unsupported workbook throws XlsxError (when
 * found: rows may have come before); errors of `input` pass through unchanged.
 * @example for await (const { numbers, records } of xlsxRows(createReadStream('jan.xlsx'))) console.log(numbers[0], records[0]);
 */
export async function* xlsxRows(input: AsyncIterable<Uint8Array>): AsyncGenerator<RowBatch> {
  const names = new Set<string>();
  const kept = new Map<string, Kept>();
  let keptBytes = 0;
  let workbook: WorkbookHandler | undefined;
  let rels: RelsHandler | undefined;
  let plan: Plan | undefined;
  // Read when met under their usual names, before the relationships say where they are.
  const strings = new Map<string, string[]>();
  const styles = new Map<string, boolean[]>();
  let sheetDone = false;

  const readStrings = async (e: ZipEntry, raw: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) => {
    const h = new SharedStringsHandler(e.name);
    await scan(h, entryBytes(e, raw, MAX_STRINGS_BYTES), e.name);
    strings.set(e.name.toLowerCase(), h.strings);
  };
  const readStyles = async (e: ZipEntry, raw: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) => {
    const h = new StylesHandler();
    await scan(h, entryBytes(e, raw, MAX_SMALL_BYTES), e.name);
    styles.set(e.name.toLowerCase(), h.dates);
  };
  const ready = (p: Plan) => (p.strings === undefined || strings.has(p.strings)) && (p.styles === undefined || styles.has(p.styles));
  const context = (p: Plan): SheetContext => ({
    strings: (p.strings && strings.get(p.strings)) || [],
    dates: (p.styles && styles.get(p.styles)) || [],
    date1904: p.date1904,
  });
  /** Reads what was kept once the plan names it: its shared strings and styles, then its sheet when they are in. */
  const fromKept = async function* (p: Plan, final: boolean): AsyncGenerator<RowBatch> {
    for (const [name, k] of kept) {
      if (name === p.strings && !strings.has(name)) await readStrings(k.entry, k.chunks);
      else if (name === p.styles && !styles.has(name)) await readStyles(k.entry, k.chunks);
      if (name === p.sheet) continue;
      kept.delete(name);
      keptBytes -= k.bytes;
    }
    const sheet = kept.get(p.sheet);
    if (sheet && (final || ready(p))) {
      kept.delete(p.sheet);
      keptBytes -= sheet.bytes;
      sheetDone = true;
      yield* sheetRows(entryBytes(sheet.entry, sheet.chunks, MAX_SHEET_BYTES), sheet.entry.name, context(p));
    }
  };

  for await (const e of zipEntries(input)) {
    const name = e.name.toLowerCase();
    if (names.has(name)) throw new XlsxError(`the archive holds ${e.name} twice`);
    names.add(name);
    if (name === WORKBOOK_PART) {
      workbook = new WorkbookHandler();
      await scan(workbook, entryBytes(e, e.raw(), MAX_SMALL_BYTES), e.name);
    } else if (name === WORKBOOK_RELS_PART) {
      rels = new RelsHandler();
      await scan(rels, entryBytes(e, e.raw(), MAX_SMALL_BYTES), e.name);
    } else if (plan ? name === plan.strings : name === 'xl/sharedstrings.xml') {
      await readStrings(e, e.raw());
    } else if (plan ? name === plan.styles : name === 'xl/styles.xml') {
      await readStyles(e, e.raw());
    } else if (plan && name === plan.sheet && ready(plan)) {
      sheetDone = true;
      yield* sheetRows(entryBytes(e, e.raw(), MAX_SHEET_BYTES), e.name, context(plan));
    } else if (plan ? name === plan.sheet : name.startsWith('xl/') && name.endsWith('.xml')) {
      // Perhaps the first sheet, or shared strings or styles under another name: keep it for later.
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      for await (const b of e.raw()) {
        bytes += b.length;
        if (keptBytes + bytes > MAX_KEPT_BYTES) throw new XlsxError(`more than ${MAX_KEPT_BYTES} bytes of worksheets come before the parts they need`);
        chunks.push(b);
      }
      keptBytes += bytes;
      kept.set(name, { entry: e, chunks, bytes });
    } else continue;
    if (!plan && workbook && rels) plan = planOf(workbook, rels);
    if (plan && !sheetDone) yield* fromKept(plan, false);
  }
  if (!workbook) throw new XlsxError(`${WORKBOOK_PART} is missing`);
  if (!rels) throw new XlsxError(`${WORKBOOK_RELS_PART} is missing`);
  if (!sheetDone) yield* fromKept(plan!, true);
  if (!sheetDone) throw new XlsxError(`the first worksheet (${plan!.sheet}) is missing`);
}
