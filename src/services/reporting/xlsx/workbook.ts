// Which parts to read, from xl/workbook.xml (sheets in tab order, the date system) and its
// relationships: the first worksheet is the one the user sees first, whatever the archive order.
import { XlsxError } from './error.js';
import type { Attrs, XmlHandler } from './xml.js';

/** Where the workbook part and its relationships are (lower case: part names match case-insensitively). */
export const WORKBOOK_PART = 'xl/workbook.xml';
export const WORKBOOK_RELS_PART = 'xl/_rels/workbook.xml.rels';

/** Reads xl/workbook.xml: the sheets' relationship ids in tab order and the date system. */
export class WorkbookHandler implements XmlHandler {
  readonly wantText = false;
  /** Relationship ids of the sheets, in tab order. */
  readonly sheets: string[] = [];
  /** Dates count from 1904-01-01 instead of 1899-12-30 (old Mac workbooks). */
  date1904 = false;
  private depth = 0;
  private inSheets = false;

  open(name: string, attrs: Attrs): void {
    this.depth++;
    if (this.depth === 2 && name === 'workbookPr') {
      const v = attrs.get('date1904');
      this.date1904 = v === '1' || v === 'true';
    } else if (this.depth === 2 && name === 'sheets') this.inSheets = true;
    else if (this.depth === 3 && this.inSheets && name === 'sheet') {
      const id = attrs.get('id');
      if (id !== undefined) this.sheets.push(id);
    }
  }

  close(): void {
    if (this.depth-- === 2) this.inSheets = false;
  }

  text(): void {}
}

interface Relationship {
  readonly type: string;
  readonly part: string;
}

/** Reads xl/_rels/workbook.xml.rels: each relationship's type and the part it points to. */
export class RelsHandler implements XmlHandler {
  readonly wantText = false;
  readonly byId = new Map<string, Relationship>();

  open(name: string, attrs: Attrs): void {
    if (name !== 'Relationship') return;
    const id = attrs.get('Id');
    const target = attrs.get('Target');
    if (id === undefined || target === undefined || attrs.get('TargetMode') === 'External') return;
    this.byId.set(id, { type: attrs.get('Type') ?? '', part: partName(target) });
  }

  close(): void {}
  text(): void {}
}

/** The part a relationship target of the workbook names, relative to xl/ unless absolute, in lower case. */
function partName(target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/').toLowerCase();
}

/** The parts the reader needs, lower case; strings and styles may be absent. */
export interface Plan {
  readonly sheet: string;
  readonly strings?: string;
  readonly styles?: string;
  readonly date1904: boolean;
}

/**
 * The first worksheet in tab order and the shared strings and styles parts, from the workbook and
 * its relationships. A workbook without a worksheet throws XlsxError.
 * @example planOf(workbook, rels) // { sheet: 'xl/worksheets/sheet1.xml', strings: 'xl/sharedstrings.xml', styles: 'xl/styles.xml', date1904: false }
 */
export function planOf(workbook: WorkbookHandler, rels: RelsHandler): Plan {
  const of = (kind: string) => [...rels.byId.values()].find((r) => r.type.endsWith(`/${kind}`))?.part;
  const sheet = workbook.sheets.map((id) => rels.byId.get(id)).find((r) => r?.type.endsWith('/worksheet'));
  if (!sheet) throw new XlsxError('the workbook has no worksheet');
  return { sheet: sheet.part, strings: of('sharedStrings'), styles: of('styles'), date1904: workbook.date1904 };
}
