// Workbooks built by hand for the XLSX reader's tests: the parts as XML text, put into a ZIP in any
// order and any ZIP flavour, so each case says exactly what bytes the reader gets.
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ZipEntry } from '../../../support/zip.js';
import { xlsxRows, type Cell } from '../../../../src/services/reporting/xlsx/reader.js';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** A worksheet part around `rows` (the inside of <sheetData>). */
export const sheetXml = (rows: string, before = '', after = '') =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN}" xmlns:r="${REL}">${before}<sheetData>${rows}</sheetData>${after}</worksheet>`;

/** A shared strings part; each item is the inside of one <si>. */
export const sstXml = (items: readonly string[]) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="${MAIN}" count="${items.length}" uniqueCount="${items.length}">${items.map((i) => `<si>${i}</si>`).join('')}</sst>`;

/** A styles part: custom number formats, then the cell formats (`s` indexes these) by number format id. */
export const stylesXml = (numFmts: readonly (readonly [number, string])[], cellXfs: readonly number[]) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="${MAIN}">` +
  (numFmts.length ? `<numFmts count="${numFmts.length}">${numFmts.map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${code.replace(/"/g, '&quot;')}"/>`).join('')}</numFmts>` : '') +
  `<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>` +
  `<cellXfs count="${cellXfs.length}">${cellXfs.map((id) => `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0"/>`).join('')}</cellXfs>` +
  `<dxfs count="1"><dxf><numFmt numFmtId="14" formatCode="0.00"/></dxf></dxfs></styleSheet>`;

export interface Book {
  /** Worksheet parts, written as xl/worksheets/sheet1.xml, sheet2.xml... */
  readonly sheets: readonly string[];
  /** Tab order as indexes into `sheets` (default: in order). */
  readonly tabs?: readonly number[];
  readonly strings?: string;
  readonly styles?: string;
  readonly date1904?: boolean;
}

/** The parts of a workbook as ZIP entries, in the usual order: [Content_Types], rels, workbook, its rels, strings, styles, sheets. */
export function bookEntries(b: Book): ZipEntry[] {
  const e = (name: string, text: string): ZipEntry => ({ name, data: Buffer.from(text, 'utf8') });
  const tabs = b.tabs ?? b.sheets.map((_, i) => i);
  const out: ZipEntry[] = [
    e(
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
    ),
    e('_rels/.rels', `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
    e(
      'xl/workbook.xml',
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}">${b.date1904 ? '<workbookPr date1904="1"/>' : '<workbookPr/>'}` +
        `<sheets>${tabs.map((i) => `<sheet name="S${i + 1}" sheetId="${i + 1}" r:id="rIdS${i + 1}"/>`).join('')}</sheets></workbook>`,
    ),
    e(
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}">` +
        b.sheets.map((_, i) => `<Relationship Id="rIdS${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('') +
        (b.strings !== undefined ? `<Relationship Id="rIdT" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : '') +
        (b.styles !== undefined ? `<Relationship Id="rIdY" Type="${REL}/styles" Target="/xl/styles.xml"/>` : '') +
        `</Relationships>`,
    ),
  ];
  if (b.strings !== undefined) out.push(e('xl/sharedStrings.xml', b.strings));
  if (b.styles !== undefined) out.push(e('xl/styles.xml', b.styles));
  b.sheets.forEach((s, i) => out.push(e(`xl/worksheets/sheet${i + 1}.xml`, s)));
  return out;
}

/** Entries reordered: those named (by suffix) come in that order, the rest keep theirs and go first. */
export function ordered(entries: readonly ZipEntry[], last: readonly string[]): ZipEntry[] {
  const picked = last.map((suffix) => entries.find((e) => e.name.endsWith(suffix))!);
  return [...entries.filter((e) => !picked.includes(e)), ...picked];
}

/** A workbook written by exceljs's in-memory writer (worksheets before shared strings, styles and workbook). */
export async function excel(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** `buf` as a stream of `size`-byte chunks. */
export const chunked = (buf: Buffer, size: number) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
    })(),
  );

/** Every row the reader gives, as [sheet row, cells]. */
export async function rowsOf(input: Buffer | AsyncIterable<Uint8Array>): Promise<[number, Cell[]][]> {
  const out: [number, Cell[]][] = [];
  const src = Buffer.isBuffer(input) ? chunked(input, 4096) : input;
  for await (const b of xlsxRows(src)) b.records.forEach((r, i) => out.push([b.numbers[i], [...r]]));
  return out;
}

/** The error the reader ends with (the test fails if it gives all rows). */
export async function readError(input: Buffer | AsyncIterable<Uint8Array>): Promise<Error> {
  try {
    await rowsOf(input);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the read to fail');
}
