// Which cell styles show a date, from styles.xml: a number in a date-formatted cell is a day, so the
// importer gets YYYY-MM-DD where the sheet shows a date, as the exceljs reader gave before.
import type { Attrs, XmlHandler } from './xml.js';

/**
 * Built-in number formats that show dates or times: 14-22 and 45-47 everywhere, 27-36 and 50-58 in
 * the Chinese, Japanese and Korean versions of Excel (which write them without a format code).
 */
const BUILTIN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/**
 * Whether a number format code shows a date: a d, m or y outside quoted text, brackets (colours,
 * conditions, locales, elapsed time) and escaped or padding characters.
 * @example isDateFormat('yyyy-mm-dd') // true; isDateFormat('0.00 "days"') // false
 */
export function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\.|_.|\*./g, '');
  return /[dmy]/i.test(bare);
}

/**
 * Reads styles.xml: custom number formats, then for each cell format (`cellXfs`, which a cell's
 * `s` indexes) whether it shows a date. `dates[s]` is the answer once the part has been scanned.
 */
export class StylesHandler implements XmlHandler {
  readonly wantText = false;
  /** Whether cell style `s` shows a date. */
  readonly dates: boolean[] = [];
  private readonly formats = new Map<number, string>();
  private within = '';
  private depth = 0;

  open(name: string, attrs: Attrs): void {
    this.depth++;
    if (this.depth === 2) this.within = name;
    else if (name === 'numFmt' && this.within === 'numFmts' && this.depth === 3) {
      const id = Number(attrs.get('numFmtId'));
      const code = attrs.get('formatCode');
      if (Number.isInteger(id) && code !== undefined) this.formats.set(id, code);
    } else if (name === 'xf' && this.within === 'cellXfs' && this.depth === 3) {
      const id = Number(attrs.get('numFmtId') ?? 0);
      const code = this.formats.get(id);
      this.dates.push(code !== undefined ? isDateFormat(code) : BUILTIN_DATES.has(id));
    }
  }

  close(): void {
    if (this.depth-- === 2) this.within = '';
  }

  text(): void {}
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The calendar day (YYYY-MM-DD, UTC) of an Excel date serial, as exceljs converted them: days
 * since 1899-12-30, or since 1904-01-01 in the 1904 date system; 'Invalid Date' when out of range.
 * @example excelDay(46027, false) // '2026-01-05'
 */
export function excelDay(serial: number, date1904: boolean): string {
  const d = new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * DAY_MS));
  return Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString().slice(0, 10);
}
