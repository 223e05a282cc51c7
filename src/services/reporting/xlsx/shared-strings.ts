// The shared strings table (xl/sharedStrings.xml), which text cells of a sheet point into by index;
// held in memory while the sheet is read, so its size is capped.
import { XlsxError } from './error.js';
import { MAX_TEXT, xmlText, type XmlHandler } from './xml.js';

/** Most characters the table may hold in all (the size of an upload; a zip bomb stops here). */
export const MAX_SHARED_CHARS = 256 * 2 ** 20;
/** Most strings it may hold (16 times Excel's 1,048,576 rows). */
export const MAX_SHARED_STRINGS = 2 ** 24;

/**
 * Reads the shared strings: each `<si>` is one string, its text the `<t>` it holds or its rich text
 * runs' `<t>`s joined; phonetic guides (`<rPh>`) are not part of the text.
 */
export class SharedStringsHandler implements XmlHandler {
  wantText = false;
  readonly strings: string[] = [];
  private raw = '';
  private inItem = false;
  private phonetic = 0;
  private chars = 0;

  constructor(private readonly part: string) {}

  open(name: string): void {
    if (name === 'si') {
      this.inItem = true;
      this.raw = '';
    } else if (name === 't') this.wantText = this.inItem && this.phonetic === 0;
    else if (name === 'rPh') this.phonetic++;
  }

  close(name: string): void {
    if (name === 't') this.wantText = false;
    else if (name === 'rPh') this.phonetic--;
    else if (name === 'si' && this.inItem) {
      const s = xmlText(this.raw, this.part);
      this.raw = '';
      this.inItem = false;
      this.chars += s.length;
      if (this.chars > MAX_SHARED_CHARS || this.strings.length >= MAX_SHARED_STRINGS) {
        throw new XlsxError(`${this.part} holds more than ${MAX_SHARED_STRINGS} strings or ${MAX_SHARED_CHARS} characters`);
      }
      this.strings.push(s);
    }
  }

  text(raw: string): void {
    this.raw += raw;
    if (this.raw.length > MAX_TEXT) throw new XlsxError(`${this.part} holds a string longer than ${MAX_TEXT} characters`);
  }
}
