// The XLSX reader end to end: workbooks written by exceljs's writers and built by hand, parts in
// any archive order and ZIP flavour, every kind of cell, sparse rows, both date systems, the first
// sheet in tab order; damaged workbooks refused as a file error, quickly, with no temporary files.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { NormaError } from '../../../../src/services/errors.js';
import { readReportFile, type NumberedReportRow } from '../../../../src/services/reporting/import-file.js';
import { XlsxError } from '../../../../src/services/reporting/xlsx/error.js';
import { writeStreamedZip, writeZip, type ZipEntry } from '../../../support/zip.js';
import { bookEntries, chunked, excel, ordered, readError, rowsOf, sheetXml, sstXml, stylesXml } from './workbooks.js';

const HEADER = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>';
const STRINGS = sstXml(['<t>unit</t>', '<t>product</t>', '<t>date</t>', '<t>quantity</t>', '<t>U-1</t>', '<r><rPr><b/></rPr><t>ce</t></r><r><t xml:space="preserve">ment</t></r>']);

/** A small workbook that needs every part: shared strings, a date style, numbers. */
const basic = bookEntries({
  sheets: [sheetXml(HEADER + '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c><c r="C2" s="1"><v>46027</v></c><c r="D2"><v>12.5</v></c></row>')],
  strings: STRINGS,
  styles: stylesXml([], [0, 14]),
});
const BASIC_ROWS = [
  [1, ['unit', 'product', 'date', 'quantity']],
  [2, ['U-1', 'cement', '2026-01-05', 12.5]],
];

async function read(input: Buffer): Promise<NumberedReportRow[]> {
  const out: NumberedReportRow[] = [];
  for await (const r of readReportFile(chunked(input, 1000), { filename: 'reports.xlsx' })) out.push(r);
  return out;
}

/** The file error a read ends with, within `ms` (a hang fails the test). */
async function fileFailure(input: Buffer, ms = 10_000): Promise<NormaError> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  try {
    await Promise.race([read(input), hang]);
  } catch (e) {
    if (!(e instanceof NormaError)) throw e;
    expect(e.details).toEqual([{ field: 'file', reason: expect.stringContaining('not a readable XLSX workbook') }]);
    return e;
  } finally {
    clearTimeout(timer);
  }
  throw new Error('expected the read to fail');
}

const tmpFiles = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`tmp-${process.pid}-`));

describe('xlsxRows on workbooks written by exceljs', () => {
  it('reads text, numbers, dates, rich text, formula results, booleans and gaps as the sheet shows them', async () => {
    const buf = await excel((wb) => {
      const ws = wb.addWorksheet('First');
      ws.addRow(['unit', 'product', 'date', 'quantity', 'kind', 'note']);
      ws.addRow(['U-1', 'cement', new Date(Date.UTC(2026, 0, 5)), 12.5, 'output', 'a & b <c> "d" \u4e2d\u56fd']);
      ws.addRow([{ richText: [{ text: 'U-' }, { text: '2', font: { bold: true } }] }, 'steel', '2026-01-06', -7, null, { formula: 'A1&"x"', result: 'unitx' }]);
      ws.addRow(['U-3', 'coal', new Date(Date.UTC(1999, 11, 31, 18, 0)), { formula: '2*3', result: 6 }, true, false]);
      ws.getCell('C5').value = 46027;
      ws.getCell('C5').numFmt = 'dd/mm/yyyy';
      ws.getCell('D5').value = 0.125;
      ws.getCell('D5').numFmt = '0.00 "m"';
      ws.getCell('F7').value = 'far';
      wb.addWorksheet('Second').addRow(['not', 'read']);
    });
    const before = tmpFiles();
    expect(await rowsOf(buf)).toEqual([
      [1, ['unit', 'product', 'date', 'quantity', 'kind', 'note']],
      [2, ['U-1', 'cement', '2026-01-05', 12.5, 'output', 'a & b <c> "d" \u4e2d\u56fd']],
      [3, ['U-2', 'steel', '2026-01-06', -7, undefined, 'unitx']],
      [4, ['U-3', 'coal', '1999-12-31', 6, 'true', 'false']],
      [5, [undefined, undefined, '2026-01-05', 0.125]],
      [7, [undefined, undefined, undefined, undefined, undefined, 'far']],
    ]);
    expect(tmpFiles()).toEqual(before);
  });

  it('reads dates of a workbook in the 1904 date system', async () => {
    const buf = await excel((wb) => {
      wb.properties.date1904 = true;
      const ws = wb.addWorksheet('r');
      ws.addRow(['date']);
      ws.addRow([new Date(Date.UTC(2026, 1, 28))]);
      ws.addRow([new Date(Date.UTC(1904, 0, 2))]);
    });
    expect(await rowsOf(buf)).toEqual([
      [1, ['date']],
      [2, ['2026-02-28']],
      [3, ['1904-01-02']],
    ]);
  });

  it("reads the streaming writer's workbooks (data descriptors, the sheet before its shared strings), leaving no temporary files", async () => {
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (b: Buffer) => parts.push(b));
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true, useStyles: true });
    const ws = wb.addWorksheet('reports');
    ws.addRow(['unit', 'product', 'date', 'quantity']).commit();
    for (let i = 0; i < 3000; i++) ws.addRow([`U-${i % 7}`, 'cement', new Date(Date.UTC(2026, 0, 1 + (i % 28))), i / 4]).commit();
    ws.commit();
    await wb.commit();
    const buf = Buffer.concat(parts);
    expect(buf.readUInt16LE(6) & 8).toBe(8); // the first entry has a data descriptor
    const before = tmpFiles();
    const rows = await rowsOf(chunked(buf, 65536));
    expect(rows).toHaveLength(3001);
    expect(rows[2000]).toEqual([2001, ['U-4', 'cement', '2026-01-12', 499.75]]);
    expect(tmpFiles()).toEqual(before);
  });
});

describe('xlsxRows on workbooks built by hand', () => {
  it('gives the same rows whatever the order of the parts in the archive (all 120 orders)', async () => {
    const names = ['workbook.xml', 'workbook.xml.rels', 'sharedStrings.xml', 'styles.xml', 'sheet1.xml'];
    const orders: string[][] = [];
    const permute = (done: string[], left: string[]) => {
      if (!left.length) orders.push(done);
      left.forEach((n, i) => permute([...done, n], [...left.slice(0, i), ...left.slice(i + 1)]));
    };
    permute([], names);
    expect(orders).toHaveLength(120);
    for (const order of orders) expect(await rowsOf(writeZip(ordered(basic, order))), order.join(',')).toEqual(BASIC_ROWS);
  });

  it('reads every ZIP flavour: stored, deflated, data descriptors with and without signature, ZIP64 descriptors', async () => {
    const sheetFirst = ordered(basic, ['sheet1.xml', 'sharedStrings.xml', 'styles.xml', 'workbook.xml.rels', 'workbook.xml']);
    for (const zip of [
      writeZip(basic, { method: 0 }),
      writeStreamedZip(sheetFirst),
      writeStreamedZip(sheetFirst, { method: 0, descriptor: 'unsigned' }),
      writeStreamedZip(basic, { descriptor: 'zip64' }),
    ]) {
      expect(await rowsOf(zip)).toEqual(BASIC_ROWS);
      expect(await rowsOf(chunked(zip, 1))).toEqual(BASIC_ROWS);
    }
  });

  it('places sparse cells by their references and keeps the sheet row numbers', async () => {
    const rows =
      '<row r="2"><c r="B2" t="inlineStr"><is><t>b</t></is></c><c r="E2"><v>5</v></c></row>' +
      '<row r="5" spans="1:9"><c r="C5"><v>3</v></c><c><v>4</v></c><c r="A5"><v>1</v></c></row>' + // a cell without r follows the one before
      '<row><c><v>1</v></c><c r="d6"><v>4</v></c></row>' + // no r: the next row; a lower-case reference
      '<row><c r="B9"><v>2</v></c></row>' + // no r on the row: its cells say where it is
      '<row r="10"/><row r="11"><c r="A11"/><c r="B11"><v></v></c></row>';
    expect(await rowsOf(writeZip(bookEntries({ sheets: [sheetXml(rows)] })))).toEqual([
      [2, [undefined, 'b', undefined, undefined, 5]],
      [5, [1, undefined, 3, 4]],
      [6, [1, undefined, undefined, 4]],
      [9, [undefined, 2]],
      [10, []],
      [11, []],
    ]);
  });

  it('reads inline strings, rich text, phonetic guides, entities, CDATA, booleans, errors, formula strings and ISO dates', async () => {
    const strings = sstXml([
      '<t>plain &amp; &lt;simple&gt;</t>',
      '<r><t>ri</t></r><r><rPr><i/></rPr><t>ch</t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh><phoneticPr fontId="1"/>',
      '<t/>',
      '<t xml:space="preserve">  spaced  </t>',
    ]);
    const row =
      '<row r="1">' +
      '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v> 3 </v></c>' +
      '<c r="E1" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r><rPh><t>x</t></rPh></is></c>' +
      '<c r="F1" t="inlineStr"><is><t><![CDATA[<cdata> & more]]></t></is></c>' +
      '<c r="G1" t="b"><v>1</v></c><c r="H1" t="b"><v>0</v></c><c r="I1" t="e"><v>#DIV/0!</v></c>' +
      '<c r="J1" t="str"><f>A1&amp;"!"</f><v>x &amp; y</v></c><c r="K1"><f>1+1</f><v>2</v></c><c r="L1"><f>NOW()</f></c>' +
      '<c r="M1" t="d"><v>2026-03-04T10:00:00</v></c><c r="N1" t="n"><v>1E3</v></c><c r="O1" t="inlineStr"><v>v form</v></c>' +
      '</row>';
    expect(await rowsOf(writeZip(bookEntries({ sheets: [sheetXml(row)], strings })))).toEqual([
      [1, ['plain & <simple>', 'rich', undefined, '  spaced  ', 'inline', '<cdata> & more', 'true', 'false', '#DIV/0!', 'x & y', 2, undefined, '2026-03-04', 1000, 'v form']],
    ]);
  });

  it('turns numbers in date-formatted cells into days: built-in and custom formats, both date systems', async () => {
    const styles = stylesXml(
      [
        [164, 'dd/mm/yyyy'],
        [165, '[$-409]d-mmm-yy;@'],
        [166, 'yyyy"\u5e74"m"\u6708"d"\u65e5"'],
        [167, '0.00 "days"'],
        [168, '#,##0.00 [$USD]'],
        [169, '[Red]0.00;\\d0'],
        [14, '0.0'], // a built-in id redefined as a number format
      ],
      [0, 14, 22, 47, 57, 164, 165, 166, 167, 168, 169, 2],
    );
    const cells = Array.from({ length: 12 }, (_, s) => `<c s="${s}"><v>46027.75</v></c>`).join('');
    const sheet = sheetXml(`<row r="1">${cells}</row>`);
    const day = '2026-01-05'; // 46027.75 is 2026-01-05 18:00: the day, without the time
    expect(await rowsOf(writeZip(bookEntries({ sheets: [sheet], styles })))).toEqual([
      [1, [46027.75, 46027.75, day, day, day, day, day, day, 46027.75, 46027.75, 46027.75, 46027.75]],
    ]);
    const in1904 = await rowsOf(writeZip(bookEntries({ sheets: [sheetXml('<row r="1"><c s="2"><v>44565</v></c><c s="2"><v>0</v></c></row>')], styles, date1904: true })));
    expect(in1904).toEqual([[1, ['2026-01-05', '1904-01-01']]]);
  });

  it('reads the first worksheet in tab order, whatever the archive order, past a chart sheet', async () => {
    const one = sheetXml('<row r="1"><c t="inlineStr"><is><t>one</t></is></c></row>');
    const two = sheetXml('<row r="1"><c t="inlineStr"><is><t>two</t></is></c></row>');
    expect(await rowsOf(writeZip(bookEntries({ sheets: [one, two], tabs: [1, 0] })))).toEqual([[1, ['two']]]);
    expect(await rowsOf(writeZip(ordered(bookEntries({ sheets: [one, two] }), ['sheet2.xml', 'sheet1.xml'])))).toEqual([[1, ['one']]]);
    const entries = bookEntries({ sheets: [one, two], tabs: [1, 0] }).map((e) =>
      e.name === 'xl/_rels/workbook.xml.rels' ? { ...e, data: Buffer.from(e.data.toString().replace('Id="rIdS2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"', 'Id="rIdS2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet"')) } : e,
    );
    expect(await rowsOf(writeZip(entries))).toEqual([[1, ['one']]]);
  });

  it('reads parts with namespace prefixes, in UTF-16, and with part names in other letter case', async () => {
    const prefixed = `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>pre</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`;
    expect(await rowsOf(writeZip(bookEntries({ sheets: [prefixed] })))).toEqual([[1, ['pre']]]);
    const utf16 = bookEntries({ sheets: [sheetXml('<row r="1"><c t="inlineStr"><is><t>\u4e2d\u6587</t></is></c></row>')] }).map((e) =>
      e.name.endsWith('sheet1.xml') ? { name: 'XL/Worksheets/Sheet1.xml', data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(e.data.toString(), 'utf16le')]) } : e,
    );
    expect(await rowsOf(writeZip(utf16))).toEqual([[1, ['\u4e2d\u6587']]]);
  });

  it('numbers data rows below the header as the sheet does, through readReportFile', async () => {
    const sheet = sheetXml(
      '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="s"><v>2</v></c><c r="D2" t="s"><v>3</v></c></row>' +
        '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>5</v></c><c r="C3" s="1"><v>46027</v></c><c r="D3"><v>1</v></c></row>' +
        '<row r="6"><c r="A6" t="s"><v>4</v></c><c r="D6"><v>2</v></c></row>',
    );
    expect(await read(writeZip(bookEntries({ sheets: [sheet], strings: STRINGS, styles: stylesXml([], [0, 14]) })))).toEqual([
      { row: 1, report: { unit: 'U-1', product: 'cement', date: '2026-01-05', quantity: 1 } },
      { row: 4, report: { unit: 'U-1', product: undefined, date: undefined, quantity: 2 } },
    ]);
  });
});

describe('xlsxRows on damaged workbooks', () => {
  const sheetOf = (rows: string) => writeZip(bookEntries({ sheets: [sheetXml(rows)], strings: STRINGS }));

  it('refuses missing and doubled parts, naming them', async () => {
    const without = (name: string) => writeZip(basic.filter((e) => !e.name.endsWith(name)));
    expect((await readError(without('workbook.xml'))).message).toBe('xl/workbook.xml is missing');
    expect((await readError(without('workbook.xml.rels'))).message).toBe('xl/_rels/workbook.xml.rels is missing');
    expect((await readError(without('sheet1.xml'))).message).toBe('the first worksheet (xl/worksheets/sheet1.xml) is missing');
    expect((await readError(without('sharedStrings.xml'))).message).toContain('refers to shared string "0", which the workbook does not have');
    expect((await readError(writeZip([...basic, basic[2]]))).message).toBe('the archive holds xl/workbook.xml twice');
    expect((await readError(writeZip(bookEntries({ sheets: [] })))).message).toBe('the workbook has no worksheet');
  });

  it('refuses cells and rows that no spreadsheet writes', async () => {
    for (const [rows, what] of [
      ['<row r="2"/><row r="1"/>', 'row 1 comes after row 2'],
      ['<row r="0"/>', 'row number "0" is not valid'],
      ['<row r="1048577"/>', 'row number "1048577" is not valid'],
      ['<row r="1"><c r="ZZZZ1"><v>1</v></c></row>', 'cell reference "ZZZZ1" is not valid'],
      ['<row r="1"><c r="A0"><v>1</v></c></row>', 'cell reference "A0" is not valid'],
      ['<row r="1"><c r="A2"><v>1</v></c></row>', 'cell A2 is inside row 1'],
      ['<row r="1"><c r="A1"><v>x</v></c></row>', 'cell A1 holds "x", not a number'],
      ['<row r="1"><c r="A1"><v>0x10</v></c></row>', 'not a number'],
      ['<row r="1"><c r="A1" t="s"><v>99</v></c></row>', 'cell A1 refers to shared string "99"'],
      ['<row r="1"><c r="A1" t="b"><v>2</v></c></row>', 'not a boolean'],
      ['<row r="1"><c r="A1" t="zz"><v>2</v></c></row>', 'unknown type "zz"'],
      ['<row r="1"><c r="A1" t="inlineStr"><is><t>a\u0001</t></is></c></row>', 'a character that XML does not allow'],
      ['<row r="1"><c r="A1"><v>1</v></row>', 'not well-formed XML'],
    ] as const) {
      const e = await readError(sheetOf(rows));
      expect(e, rows).toBeInstanceOf(XlsxError);
      expect(e.message, rows).toContain(what);
    }
  });

  it('refuses a DTD (no entity expansion), a part that is not XML and one that is not UTF-8', async () => {
    const dtd = writeZip(bookEntries({ sheets: [`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet><sheetData/></worksheet>`] }));
    expect((await readError(dtd)).message).toContain('DTD');
    const garbage = bookEntries({ sheets: [sheetXml('')] }).map((e) => (e.name.endsWith('workbook.xml') ? { ...e, data: Buffer.from('PK\u0003\u0004 not xml at all') } : e));
    expect((await readError(writeZip(garbage))).message).toContain('xl/workbook.xml is not well-formed XML');
    const latin1 = bookEntries({ sheets: [sheetXml('<row r="1"><c t="inlineStr"><is><t>caf\u00e9</t></is></c></row>')] }).map((e) =>
      e.name.endsWith('sheet1.xml') ? { ...e, data: Buffer.from(e.data.toString(), 'latin1') } : e,
    );
    expect((await readError(writeZip(latin1))).message).toBe('xl/worksheets/sheet1.xml is not UTF-8 or UTF-16 text');
  });

  it('answers every cut of a workbook with a file error, never a hang or another error, leaving no temporary files', async () => {
    const before = tmpFiles();
    const fromExcel = await excel((wb) => {
      const ws = wb.addWorksheet('r');
      ws.addRow(['unit', 'product', 'date', 'quantity']);
      for (let i = 0; i < 50; i++) ws.addRow([`U-${i}`, 'p', new Date(Date.UTC(2026, 0, 1 + i)), i]);
    });
    for (const buf of [fromExcel, writeStreamedZip(ordered(basic, ['sheet1.xml', 'workbook.xml']))]) {
      for (let cut = 0; cut < buf.length; cut += Math.max(1, Math.floor(buf.length / 150))) await fileFailure(buf.subarray(0, cut));
      for (let cut = buf.length - 30; cut < buf.length; cut++) await fileFailure(buf.subarray(0, cut));
    }
    expect(tmpFiles()).toEqual(before);
  }, 300_000);

  it('answers every flipped byte with a file error or the very same rows, never other rows', async () => {
    const buf = await excel((wb) => {
      const ws = wb.addWorksheet('r');
      ws.addRow(['unit', 'product', 'date', 'quantity']);
      for (let i = 0; i < 20; i++) ws.addRow([`U-${i}`, 'p', new Date(Date.UTC(2026, 0, 1 + i)), i]);
    });
    const good = await read(buf);
    let refused = 0;
    for (let at = 0; at < buf.length; at += 5) {
      const bad = Buffer.from(buf);
      bad[at] ^= 1 << at % 8;
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer for a flip at ${at}`)), 10_000)));
      try {
        expect(await Promise.race([read(bad), hang]), `flip at ${at}`).toEqual(good);
      } catch (e) {
        if (!(e instanceof NormaError)) throw e;
        expect(e.details[0], `flip at ${at}`).toMatchObject({ field: 'file' });
        refused++;
      } finally {
        clearTimeout(timer);
      }
    }
    // Flips in parts the reader never opens (theme, document properties) may pass; most are caught.
    expect(refused).toBeGreaterThan(buf.length / 5 / 2);
  }, 300_000);
});

describe('xlsxRows on a large workbook', () => {
  /** A 200,000-row sheet (about 24 MB of XML), last in the archive, so that it streams. */
  function large(sheetFirst: boolean): { zip: Buffer; xmlBytes: number } {
    const rows: string[] = [HEADER];
    for (let r = 2; r <= 200_001; r++) {
      rows.push(`<row r="${r}" spans="1:4"><c r="A${r}" t="s"><v>4</v></c><c r="B${r}" t="s"><v>5</v></c><c r="C${r}" s="1"><v>${46000 + (r % 300)}</v></c><c r="D${r}"><v>${r / 4}</v></c></row>`);
    }
    const sheet = sheetXml(rows.join(''));
    const entries: ZipEntry[] = bookEntries({ sheets: [sheet], strings: STRINGS, styles: stylesXml([], [0, 14]) });
    return { zip: writeZip(sheetFirst ? ordered(entries, ['sheet1.xml', 'sharedStrings.xml', 'styles.xml', 'workbook.xml']) : entries), xmlBytes: Buffer.byteLength(sheet) };
  }

  it.each([
    ['streams a worksheet that comes after its parts', false],
    ['keeps a worksheet that comes first only as its compressed bytes', true],
  ])('%s: heap growth stays well under the sheet size', async (_, sheetFirst) => {
    const { zip, xmlBytes } = large(sheetFirst);
    const v8 = await import('node:v8');
    const vm = await import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let rows = 0;
    let batches = 0;
    for await (const b of (await import('../../../../src/services/reporting/xlsx/reader.js')).xlsxRows(chunked(zip, 65536))) {
      rows += b.records.length;
      if (++batches % 25 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    }
    expect(rows).toBe(200_001);
    expect(xmlBytes).toBeGreaterThan(20e6);
    // The file itself is in memory already (it is `zip`); what the reader adds must stay small.
    console.log(`xlsx memory: sheet first=${sheetFirst} peak heap growth ${peak} bytes for ${xmlBytes} bytes of XML (${zip.length} compressed)`);
    expect(peak).toBeLessThan(xmlBytes / 5);
  }, 120_000);
});
