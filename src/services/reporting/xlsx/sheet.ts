// Rows of a worksheet's <sheetData> as arrays of cell values in their columns, each with its sheet
// row number: cell references place sparse cells, row numbers keep the gaps that error messages count.
import { XlsxError } from './error.js';
import { excelDay } from './styles.js';
import { MAX_TEXT, xmlText, type Attrs, type XmlHandler } from './xml.js';

/** A cell's value as the importer takes it: text, a number, a date as YYYY-MM-DD, or nothing. */
export type Cell = string | number | undefined;

/** What a sheet's cells point into. */
export interface SheetContext {
  /** The shared strings table (`t="s"` cells hold an index into it). */
  readonly strings: readonly string[];
  /** `dates[s]`: cell style `s` shows a date. */
  readonly dates: readonly boolean[];
  readonly date1904: boolean;
}

/** Excel's largest sheet: 1,048,576 rows, 16,384 columns (XFD). */
const MAX_ROW = 1_048_576;
const MAX_COL = 16_384;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const NONE = 0;
const VALUE = 1;
const INLINE = 2;

function columnName(col: number): string {
  let s = '';
  for (let c = col + 1; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

/**
 * Reads a worksheet's rows. Completed rows collect in `numbers` (1-based sheet rows, ascending)
 * and `records` (values by 0-based column, `undefined` where a row has no value); the caller takes
 * them as they come with `take`.
 */
export class SheetHandler implements XmlHandler {
  wantText = false;
  numbers: number[] = [];
  records: Cell[][] = [];
  private depth = 0;
  private inData = false;
  private cells: Cell[] | null = null;
  private row = 0;
  private lastRow = 0;
  private nextCol = 0;
  // the cell being read
  private inCell = false;
  private col = 0;
  private type = '';
  private style = 0;
  private ref: string | undefined;
  private capture = NONE;
  private value = '';
  private hasValue = false;
  private inline = '';
  private hasInline = false;
  private phonetic = 0;
  private readonly days = new Map<number, string>();
  // set by parseRef
  private refCol = 0;
  private refRow = 0;

  constructor(
    private readonly ctx: SheetContext,
    private readonly part: string,
  ) {}

  /** The rows completed since the last call. */
  take(): { numbers: number[]; records: Cell[][] } {
    const out = { numbers: this.numbers, records: this.records };
    this.numbers = [];
    this.records = [];
    return out;
  }

  private fail(what: string): XlsxError {
    return new XlsxError(`${this.part}: ${what}`);
  }

  open(name: string, attrs: Attrs): void {
    this.depth++;
    if (this.inCell) {
      if (name === 'v') {
        this.capture = VALUE;
        this.wantText = true;
        this.hasValue = true;
        this.value = '';
      } else if (name === 'is') {
        this.hasInline = true;
        this.inline = '';
      } else if (name === 't' && this.hasInline && this.phonetic === 0) {
        this.capture = INLINE;
        this.wantText = true;
      } else if (name === 'rPh') this.phonetic++;
      return;
    }
    if (this.cells) {
      if (name === 'c' && this.depth === 4) this.openCell(attrs);
      return;
    }
    if (this.inData) {
      if (name === 'row' && this.depth === 3) this.openRow(attrs);
    } else if (name === 'sheetData' && this.depth === 2) this.inData = true;
  }

  close(name: string): void {
    this.depth--;
    if (this.inCell) {
      if (name === 'v' || name === 't') {
        this.capture = NONE;
        this.wantText = false;
      } else if (name === 'rPh') this.phonetic--;
      else if (name === 'c' && this.depth === 3) this.closeCell();
      return;
    }
    if (this.cells) {
      if (name === 'row' && this.depth === 2) this.closeRow();
      return;
    }
    if (name === 'sheetData' && this.depth === 1) this.inData = false;
  }

  text(raw: string): void {
    if (this.capture === VALUE) {
      this.value += raw;
      if (this.value.length > MAX_TEXT) throw this.fail(`a cell holds more than ${MAX_TEXT} characters`);
    } else if (this.capture === INLINE) {
      this.inline += raw;
      if (this.inline.length > MAX_TEXT) throw this.fail(`a cell holds more than ${MAX_TEXT} characters`);
    }
  }

  private openRow(attrs: Attrs): void {
    const r = attrs.get('r');
    this.row = 0; // unknown until a cell reference or the row's end says
    if (r !== undefined) {
      const n = /^\d{1,7}$/.test(r) ? Number(r) : 0;
      if (n < 1 || n > MAX_ROW) throw this.fail(`row number ${JSON.stringify(r)} is not valid`);
      this.row = n;
    }
    this.cells = [];
    this.nextCol = 0;
  }

  private closeRow(): void {
    const n = this.row || this.lastRow + 1;
    if (n <= this.lastRow) throw this.fail(`row ${n} comes after row ${this.lastRow}`);
    if (n > MAX_ROW) throw this.fail(`more than ${MAX_ROW} rows`);
    this.numbers.push(n);
    this.records.push(this.cells!);
    this.lastRow = n;
    this.cells = null;
  }

  /** Reads a reference like `AB12` into refCol (0-based) and refRow; false when it is not one. */
  private parseRef(ref: string): boolean {
    const n = ref.length;
    let i = 0;
    let col = 0;
    for (; i < n && i < 3; i++) {
      let c = ref.charCodeAt(i);
      if (c >= 97 && c <= 122) c -= 32;
      if (c < 65 || c > 90) break;
      col = col * 26 + c - 64;
    }
    if (i === 0 || col > MAX_COL) return false;
    let row = 0;
    const digits = i;
    for (; i < n; i++) {
      const c = ref.charCodeAt(i);
      if (c < 48 || c > 57) return false;
      row = row * 10 + c - 48;
      if (row > MAX_ROW) return false;
    }
    if (i === digits || row < 1) return false;
    this.refCol = col - 1;
    this.refRow = row;
    return true;
  }

  private openCell(attrs: Attrs): void {
    let ref: string | undefined;
    let type = 'n';
    let style = 0;
    const pairs = attrs.pairs;
    for (let i = 0; i < attrs.length; i += 2) {
      const a = pairs[i];
      if (a === 'r') ref = pairs[i + 1];
      else if (a === 't') type = pairs[i + 1];
      else if (a === 's') style = Number(pairs[i + 1]);
    }
    if (ref !== undefined) {
      if (!this.parseRef(ref)) throw this.fail(`cell reference ${JSON.stringify(ref)} is not valid`);
      if (this.row === 0) this.row = this.refRow;
      else if (this.refRow !== this.row) throw this.fail(`cell ${ref} is inside row ${this.row}`);
      this.col = this.refCol;
    } else {
      if (this.nextCol >= MAX_COL) throw this.fail(`a row has more than ${MAX_COL} columns`);
      this.col = this.nextCol;
    }
    this.inCell = true;
    this.ref = ref;
    this.type = type;
    this.style = style;
    this.hasValue = false;
    this.hasInline = false;
    this.phonetic = 0;
  }

  private closeCell(): void {
    this.inCell = false;
    this.capture = NONE;
    this.wantText = false;
    const v = this.cellValue();
    const cells = this.cells!;
    // Empty text is a blank cell, as exceljs read it.
    if (v !== undefined && v !== '') {
      while (cells.length < this.col) cells.push(undefined);
      cells[this.col] = v;
    }
    this.nextCol = this.col + 1;
  }

  /** Date cells repeat a few thousand days; converting each costs more than reading it. */
  private day(serial: number): string {
    let d = this.days.get(serial);
    if (d === undefined) {
      d = excelDay(serial, this.ctx.date1904);
      if (this.days.size < 100_000) this.days.set(serial, d);
    }
    return d;
  }

  private where(): string {
    return this.ref ?? `${columnName(this.col)}${this.row || this.lastRow + 1}`;
  }

  private cellValue(): Cell {
    const t = this.type;
    if (t === 'inlineStr' || (!this.hasValue && this.hasInline)) {
      if (this.hasInline) return xmlText(this.inline, this.part);
      return this.hasValue ? xmlText(this.value, this.part) : undefined;
    }
    if (!this.hasValue) return undefined;
    switch (t) {
      case 'n': {
        const raw = this.value;
        const s = (raw.includes('&') ? xmlText(raw, this.part) : raw).trim();
        if (s === '') return undefined;
        if (!NUMBER.test(s)) throw this.fail(`cell ${this.where()} holds ${JSON.stringify(s.slice(0, 40))}, not a number`);
        const x = Number(s);
        return this.ctx.dates[this.style] ? this.day(x) : x;
      }
      case 's': {
        const s = this.value;
        let k = s.length > 0 && s.length < 10 ? 0 : -1;
        for (let i = 0; i < s.length && k >= 0; i++) {
          const c = s.charCodeAt(i);
          k = c >= 48 && c <= 57 ? k * 10 + c - 48 : -1;
        }
        if (k < 0 && /^\s*\d{1,9}\s*$/.test(s)) k = Number(s);
        const str = this.ctx.strings[k];
        if (str === undefined) throw this.fail(`cell ${this.where()} refers to shared string ${JSON.stringify(s.slice(0, 40))}, which the workbook does not have`);
        return str;
      }
      case 'str':
      case 'e':
        return xmlText(this.value, this.part);
      case 'b': {
        const s = this.value.trim();
        if (s === '1' || s === 'true') return 'true';
        if (s === '0' || s === 'false') return 'false';
        throw this.fail(`cell ${this.where()} holds ${JSON.stringify(s.slice(0, 40))}, not a boolean`);
      }
      case 'd': {
        const s = xmlText(this.value, this.part).trim();
        return /^\d{4}-\d{2}-\d{2}(?:$|T)/.test(s) ? s.slice(0, 10) : 'Invalid Date';
      }
      default:
        throw this.fail(`cell ${this.where()} has an unknown type ${JSON.stringify(t.slice(0, 20))}`);
    }
  }
}
