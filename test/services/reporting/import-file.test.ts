// Reading report files: CSV and XLSX in, numbered report rows out, in file order; header and file
// problems named; the row limit enforced while streaming, before the store is touched.
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { NormaError } from '../../../src/services/errors.js';
import type { ServiceContext } from '../../../src/services/context.js';
import {
  MAX_IMPORT_ROWS,
  importReports,
  readReportFile,
  type NumberedReportRow,
  type ReportFileHint,
  type ReportFileInput,
} from '../../../src/services/reporting/import-file.js';
import type { Store } from '../../../src/store/index.js';

async function read(input: ReportFileInput, hint?: ReportFileHint): Promise<NumberedReportRow[]> {
  const out: NumberedReportRow[] = [];
  for await (const r of readReportFile(input, hint)) out.push(r);
  return out;
}

/** The NormaError a read fails with (the test fails if it does not). */
async function failure(input: ReportFileInput, hint?: ReportFileHint): Promise<NormaError> {
  try {
    await read(input, hint);
  } catch (e) {
    expect(e).toBeInstanceOf(NormaError);
    return e as NormaError;
  }
  throw new Error('expected the read to fail');
}

const chunked = (buf: Buffer, size: number) =>
  Readable.from((function* () {
    for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
  })());

async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('readReportFile on CSV', () => {
  const tricky =
    '\ufeffQuantity, Note ,UNIT,date,product\r\n' +
    '12.50,"a note, with a comma and ""quotes""",U-1,2026-01-05,cement\r\n' +
    '7,"two\r\nlines",U-2,2026-01-06, steel \r\n' +
    '3,,U-3,2026-01-07,coal';

  it('reads BOM, CRLF, quoted fields and columns in any order, with case-insensitive headers', async () => {
    expect(await read(Buffer.from(tricky))).toEqual([
      { row: 1, report: { unit: 'U-1', product: 'cement', date: '2026-01-05', quantity: '12.50', note: 'a note, with a comma and "quotes"' } },
      { row: 2, report: { unit: 'U-2', product: 'steel', date: '2026-01-06', quantity: '7', note: 'two\r\nlines' } },
      { row: 3, report: { unit: 'U-3', product: 'coal', date: '2026-01-07', quantity: '3' } },
    ]);
  });

  it('gives the same rows however the bytes are chunked (split quotes, CRLF and UTF-8 characters)', async () => {
    const text = tricky.replace('a note', 'Ch\u014fllima \uc804\uc120 note') + '\r\n';
    const buf = Buffer.from(text);
    const whole = await read(buf);
    expect(whole[0].report.note).toContain('\uc804\uc120');
    expect(await read(chunked(buf, 1))).toEqual(whole);
    for (let cut = 1; cut < buf.length; cut += 3) {
      const got = await read(Readable.from([buf.subarray(0, cut), buf.subarray(cut)]));
      expect(got, `split at byte ${cut}`).toEqual(whole);
    }
  });

  it('reads LF and lone CR line ends, and a last line without one', async () => {
    const rows = (await read(Buffer.from('unit,product,date,quantity\nU-1,p,2026-01-01,1\rU-2,p,2026-01-01,2'))).map((r) => [r.row, r.report.unit]);
    expect(rows).toEqual([[1, 'U-1'], [2, 'U-2']]);
  });

  it('skips blank lines but counts them, so row N is the N-th line below the header', async () => {
    const csv = '\n\nunit,product,date,quantity,kind\n\nU-1,p,2026-01-01,1,\n , ,,\nU-2,p,2026-01-01,2,consumption\n\n,,,,\n\r\n';
    expect(await read(Buffer.from(csv))).toEqual([
      { row: 2, report: { unit: 'U-1', product: 'p', date: '2026-01-01', quantity: '1' } },
      { row: 4, report: { unit: 'U-2', product: 'p', date: '2026-01-01', quantity: '2', kind: 'consumption' } },
    ]);
  });

  it('passes values on unjudged: a short row lacks fields, a bad quantity stays text for submitReports to name', async () => {
    expect(await read(Buffer.from('unit,product,date,quantity\nU-1,p\nU-2,p,yesterday,-1e3\n'))).toEqual([
      { row: 1, report: { unit: 'U-1', product: 'p', date: undefined, quantity: undefined } },
      { row: 2, report: { unit: 'U-2', product: 'p', date: 'yesterday', quantity: '-1e3' } },
    ]);
  });

  it('names a missing, unknown, duplicate or unnamed header column (row 0, field header)', async () => {
    const missing = await failure(Buffer.from('unit,product,date\nU-1,p,2026-01-01\n'));
    expect(missing.code).toBe('NORMA_ERR_VALIDATION');
    expect(missing.details).toEqual([{ row: 0, field: 'header', reason: expect.stringContaining('missing column "quantity"') }]);

    const unknown = await failure(Buffer.from('unit,product,date,quantity,qty,shift\n'));
    expect(unknown.details.map((d) => d.reason)).toEqual([
      expect.stringContaining('unknown column "qty"'),
      expect.stringContaining('unknown column "shift"'),
    ]);
    expect(unknown.message).toContain('"qty"');
    expect(unknown.details.every((d) => d.row === 0 && d.field === 'header')).toBe(true);

    const twice = await failure(Buffer.from('unit,product,Unit,date,quantity\n'));
    expect(twice.details[0].reason).toContain('"unit" appears twice');
    const unnamed = await failure(Buffer.from('unit,,product,date,quantity\n'));
    expect(unnamed.details[0].reason).toContain('column 2 has no name');
  });

  it('ignores empty trailing header cells, but not a value below one', async () => {
    expect(await read(Buffer.from('unit,product,date,quantity,,\nU-1,p,2026-01-01,1,,\n'))).toHaveLength(1);
    const extra = await failure(Buffer.from('unit,product,date,quantity\nU-1,p,2026-01-01,1\nU-1,p,2026-01-02,1,oops\n'));
    expect(extra.details).toEqual([{ row: 2, field: 'row', reason: expect.stringContaining('column 5') }]);
  });

  it('names the file when it is empty, not UTF-8, binary, an old .xls, or has an unclosed quote', async () => {
    for (const [what, bytes, reason] of [
      ['empty', Buffer.alloc(0), 'empty file'],
      ['BOM and blank lines', Buffer.from('\ufeff\r\n\r\n'), 'empty file'],
      ['Latin-1', Buffer.from('unit,product,date,quantity\nU-1,caf\xe9,2026-01-01,1\n', 'latin1'), 'not UTF-8'],
      ['binary', Buffer.from([0x75, 0, 0, 0, 1]), 'binary data'],
      ['.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), '.xls'],
      ['unclosed quote', Buffer.from('unit,product,date,quantity\nU-1,"p,2026-01-01,1\n'), 'not closed'],
    ] as const) {
      const e = await failure(bytes);
      expect({ what, field: e.details[0].field }).toEqual({ what, field: 'file' });
      expect(e.details[0].reason, what).toContain(reason);
    }
    const quote = await failure(Buffer.from('unit,product,date,quantity\nU-1,p,2026-01-01,1\nU-1,"p"x,2026-01-01,1\n'));
    expect(quote.details).toEqual([{ row: 2, field: 'file', reason: expect.stringContaining('after a closing quote') }]);
  });

  it('passes an error of the input stream through unchanged', async () => {
    const broken = Readable.from((async function* () {
      yield Buffer.from('unit,product,date,quantity\nU-1,p,2026-01-01,1\n');
      throw new Error('disk gone');
    })());
    await expect(read(broken)).rejects.toThrow('disk gone');
  });
});

describe('readReportFile on XLSX', () => {
  it('reads the first worksheet: text, numbers, date cells as YYYY-MM-DD, rich text and formula results', async () => {
    const buf = await xlsx((wb) => {
      const ws = wb.addWorksheet('January');
      ws.addRow(['Date', 'Unit', 'Product', 'Quantity', 'Note']);
      ws.addRow([new Date(Date.UTC(2026, 0, 5)), 'U-1', 'cement', 12.5, 'ok']);
      ws.addRow(['2026-01-06', { richText: [{ text: 'U-' }, { text: '2', font: { bold: true } }] }, 'steel', '7', null]);
      ws.addRow([new Date(Date.UTC(2026, 0, 7)), 'U-3', 'coal', { formula: '2*3', result: 6 }, 42]);
      wb.addWorksheet('Other').addRow(['unit', 'product', 'date', 'quantity', 'kind', 'note', 'extra']);
    });
    expect(buf.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(await read(buf)).toEqual([
      { row: 1, report: { unit: 'U-1', product: 'cement', date: '2026-01-05', quantity: 12.5, note: 'ok' } },
      { row: 2, report: { unit: 'U-2', product: 'steel', date: '2026-01-06', quantity: '7' } },
      { row: 3, report: { unit: 'U-3', product: 'coal', date: '2026-01-07', quantity: 6, note: '42' } },
    ]);
  });

  it('numbers rows as the sheet does (row N = sheet row N+1 under a header on row 1) and ignores blank trailing rows', async () => {
    const buf = await xlsx((wb) => {
      const ws = wb.addWorksheet('r');
      ws.addRow(['unit', 'product', 'date', 'quantity']);
      ws.getCell('A3').value = 'U-1';
      ws.getCell('B3').value = 'p';
      ws.getCell('C3').value = '2026-01-01';
      ws.getCell('D3').value = 1;
      ws.getCell('A4').value = '  ';
      ws.getCell('D9').value = '';
      ws.getRow(12).font = { bold: true };
    });
    expect(await read(chunked(buf, 97))).toEqual([{ row: 2, report: { unit: 'U-1', product: 'p', date: '2026-01-01', quantity: 1 } }]);
  });

  it('tells XLSX from CSV by content first, then by filename or media type', async () => {
    const buf = await xlsx((wb) => wb.addWorksheet('r').addRows([['unit', 'product', 'date', 'quantity'], ['U-1', 'p', '2026-01-01', 1]]));
    expect(await read(buf, { filename: 'named-wrongly.csv', mimetype: 'text/csv' })).toHaveLength(1);
    const csvAsXlsx = await failure(Buffer.from('unit,product,date,quantity\n'), { filename: 'r.XLSX' });
    expect(csvAsXlsx.details[0]).toMatchObject({ field: 'file', reason: expect.stringContaining('not a readable XLSX') });
    const byType = await failure(Buffer.from('unit,product,date,quantity\n'), {
      mimetype: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(byType.details[0].field).toBe('file');
  });

  it('names the file when the workbook is cut short, and the header when the sheet is empty', async () => {
    const buf = await xlsx((wb) => wb.addWorksheet('r').addRows([['unit', 'product', 'date', 'quantity'], ['U-1', 'p', '2026-01-01', 1]]));
    const cut = await failure(buf.subarray(0, buf.length - 300));
    expect(cut.details[0]).toMatchObject({ field: 'file', reason: expect.stringContaining('not a readable XLSX') });
    const empty = await failure(await xlsx((wb) => wb.addWorksheet('r')));
    expect(empty.details[0]).toEqual({ field: 'file', reason: 'empty file' });
    const header = await failure(await xlsx((wb) => wb.addWorksheet('r').addRow(['unit', 'product', 'when', 'quantity'])));
    expect(header.details.map((d) => d.field)).toEqual(['header', 'header']);
  });

  it('ends with the input stream’s error instead of hanging when an upload breaks mid-workbook', async () => {
    const buf = await xlsx((wb) => {
      const ws = wb.addWorksheet('r');
      ws.addRow(['unit', 'product', 'date', 'quantity']);
      for (let i = 0; i < 2000; i++) ws.addRow([`U-${i}`, 'p', '2026-01-01', i]);
    });
    const broken = Readable.from((async function* () {
      yield buf.subarray(0, buf.length >> 1);
      throw new Error('connection reset');
    })());
    await expect(read(broken)).rejects.toThrow('connection reset');
  });
});

describe('importReports', () => {
  /** A context whose store fails loudly if anything reaches it. */
  const untouchable = (): ServiceContext => ({
    store: {
      kind: 'pglite',
      query: async () => {
        throw new Error('store reached');
      },
    } as unknown as Store,
    org: 1,
    today: () => '2026-02-11',
  });

  /** A CSV of `rows` tiny data rows, generated in 1 MiB chunks. */
  const manyRows = (rows: number) =>
    Readable.from((function* () {
      yield Buffer.from('unit,product,date,quantity\n');
      const line = 'U,P,2026-02-01,1\n';
      const perChunk = 65_536;
      const chunk = Buffer.from(line.repeat(perChunk));
      let left = rows;
      for (; left >= perChunk; left -= perChunk) yield chunk;
      if (left > 0) yield chunk.subarray(0, left * line.length);
    })());

  it(`refuses data row ${MAX_IMPORT_ROWS + 1} while streaming, before the store is touched`, async () => {
    const e = await importReports(untouchable(), manyRows(MAX_IMPORT_ROWS + 1), { by: 'test' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NormaError);
    expect((e as NormaError).details).toEqual([{ field: 'file', reason: `more than ${MAX_IMPORT_ROWS} data rows` }]);
  });

  it(`hands exactly ${MAX_IMPORT_ROWS} rows on to submitReports`, async () => {
    await expect(importReports(untouchable(), manyRows(MAX_IMPORT_ROWS), { by: 'test' })).rejects.toThrow('store reached');
  });

  it('refuses a header with no data rows as a file error', async () => {
    const e = (await importReports(untouchable(), Buffer.from('unit,product,date,quantity\r\n\r\n'), { by: 'test' }).catch((x: unknown) => x)) as NormaError;
    expect(e.details).toEqual([{ field: 'file', reason: 'no data rows below the header' }]);
  });
});
