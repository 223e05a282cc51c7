// The reader gives what exceljs gave the importer (with the conversion the importer used then) on
// random workbooks written by exceljs: text, numbers, dates, booleans, rich text, formulas, gaps,
// several sheets, both date systems. Property-based, so a difference names a small workbook.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { excel, rowsOf } from './workbooks.js';

type Cell = string | number | undefined;

/** How the importer turned exceljs's cell values into cells before this reader (import-file.ts, exceljs era). */
function exceljsCell(v: unknown): Cell {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    if ('formula' in o || 'sharedFormula' in o) return exceljsCell(o.result);
    if ('text' in o) return exceljsCell(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}

/**
 * What exceljs read from a workbook. Its in-memory reader stands in for the streaming one the
 * importer used: they share the cell model, and the streaming one spools worksheets to temporary
 * files that sometimes vanish before it opens them (an error nobody can catch), which is among the
 * reasons it was replaced.
 */
async function viaExceljs(buf: Buffer): Promise<[number, Cell[]][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as Parameters<typeof wb.xlsx.load>[0]);
  const out: [number, Cell[]][] = [];
  wb.worksheets[0].eachRow((row, n) => out.push([n, (row.values as unknown[]).slice(1).map(exceljsCell)]));
  return out;
}

/**
 * Rows with a value, without trailing gaps: the readers may end a row's array at different places
 * or pass on empty rows, and exceljs gave empty text as '' or as nothing depending on how it was
 * stored, where this reader always gives nothing (both are a blank cell to the importer).
 */
const trimmed = (rows: [number, Cell[]][]) =>
  rows
    .map(([n, cells]) => {
      const c = Array.from(cells, (x) => (x === '' ? undefined : x));
      while (c.length && c[c.length - 1] === undefined) c.pop();
      return [n, c] as const;
    })
    .filter(([, c]) => c.length > 0);

// Printable text with XML's special characters and non-Latin scripts; control characters are not
// valid in XML and exceljs writes them as they are, so neither reader can read them back.
const text = fc.string({ unit: fc.constantFrom(...'aZ 09-_.,;:!?&<>"\'/\\\u00e9\u4e2d\u0416\u2603\ud83d\ude00\t\n'.match(/[\ud800-\udbff][\udc00-\udfff]|[^]/g)!), maxLength: 12 });
const cell = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }) },
  { weight: 2, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: Date.UTC(1901, 0, 1), max: Date.UTC(2099, 11, 31) }).map((t) => new Date(Math.floor(t / 60_000) * 60_000)) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(text, { minLength: 1, maxLength: 3 }).map((ts) => ({ richText: ts.map((t) => ({ text: t, font: { bold: true } })) })) },
  // exceljs lost a formula's cached 0 (this reader keeps it: see the test below).
  { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }).filter((n) => n !== 0).map((n) => ({ formula: 'A1+1', result: n })) },
  { weight: 1, arbitrary: text.filter((t) => !t.includes('&')).map((t) => ({ formula: 'A1&"x"', result: t })) },
);

describe('xlsxRows against exceljs', () => {
  it('reads random exceljs workbooks as exceljs did', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { maxLength: 7 }), { maxLength: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 9 }), cell), { maxLength: 3 }),
        fc.boolean(),
        async (rows, scattered, date1904) => {
          const buf = await excel((wb) => {
            if (date1904) wb.properties.date1904 = true;
            const ws = wb.addWorksheet('one');
            for (const r of rows) ws.addRow(r);
            for (const [row, col, v] of scattered) ws.getCell(row, col).value = v as ExcelJS.CellValue;
            wb.addWorksheet('two').addRow(['other', 1]);
          });
          expect(trimmed(await rowsOf(buf))).toEqual(trimmed(await viaExceljs(buf)));
        },
      ),
      { numRuns: 150 },
    );
  }, 300_000);

  it('keeps a formula result of 0, which exceljs lost', async () => {
    const buf = await excel((wb) => wb.addWorksheet('one').addRow([{ formula: 'B1*0', result: 0 }, 5]));
    expect(await viaExceljs(buf)).toEqual([[1, [undefined, 5]]]);
    expect(await rowsOf(buf)).toEqual([[1, [0, 5]]]);
  });
});
