import { isIsoDate } from '../../domain/iso-date.js';
import { parseQuantity } from '../../domain/quantity.js';
import type { ErrorDetail } from '../errors.js';
import type { ReportingModel, UnitInfo } from './model-cache.js';
import { monthAndYear } from './cells.js';

/** A report row as it arrives (JSON body or file row), before validation. */
export interface ReportRow {
  readonly unit?: unknown;
  readonly product?: unknown;
  readonly date?: unknown;
  readonly quantity?: unknown;
  readonly kind?: unknown;
  readonly note?: unknown;
}

/** A row that passed validation. */
export interface ValidReport {
  readonly row: number;
  readonly unit: UnitInfo;
  readonly productId: number;
  readonly kind: 'output' | 'consumption';
  readonly day: string;
  /** Canonical exact decimal. */
  readonly quantity: string;
  readonly note: string | null;
}

export const NOTE_MAX = 500;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface ValidationContext {
  readonly model: ReportingModel;
  readonly today: string;
  readonly closedPeriods: ReadonlySet<string>;
  /** Index of the first row: 0 for JSON batches, 1 for file data rows. */
  readonly rowBase: 0 | 1;
}

/**
 * Checks every row and returns the valid ones, or every problem found (row, field, reason).
 * @example validateReports(rows, vctx) // { ok: false, errors: [{ row: 0, field: 'unit', reason: 'unknown unit "U-X"' }] }
 */
export function validateReports(
  rows: readonly ReportRow[],
  v: ValidationContext,
): { ok: true; reports: ValidReport[] } | { ok: false; errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = [];
  const reports: ValidReport[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const row = i + v.rowBase;
    const r = rows[i];
    const fail = (field: string, reason: string) => errors.push({ row, field, reason });
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      fail('row', 'not an object');
      continue;
    }
    const before = errors.length;
    const kind = r.kind === undefined || r.kind === null || r.kind === '' ? 'output' : r.kind;
    if (kind !== 'output' && kind !== 'consumption') fail('kind', `must be "output" or "consumption", got ${JSON.stringify(kind)}`);

    let unit: UnitInfo | undefined;
    if (typeof r.unit !== 'string' || r.unit === '') fail('unit', 'missing unit code');
    else if (!(unit = v.model.unitsByCode.get(r.unit))) fail('unit', `unknown unit ${JSON.stringify(r.unit)}`);

    let productId: number | undefined;
    if (typeof r.product !== 'string' || r.product === '') fail('product', 'missing product code');
    else {
      const p = v.model.productsByCode.get(r.product);
      if (!p) fail('product', `unknown product ${JSON.stringify(r.product)}`);
      else if (unit && (kind === 'output' || kind === 'consumption')) {
        const allowed = kind === 'output' ? unit.outputs : unit.consumes;
        if (!allowed.has(p.id)) {
          fail('product', `unit ${unit.code} does not ${kind === 'output' ? 'make' : 'report consumption of'} ${p.code}`);
        } else productId = p.id;
      }
    }

    let day: string | undefined;
    if (typeof r.date !== 'string' || !isIsoDate(r.date)) fail('date', `not a calendar date YYYY-MM-DD: ${JSON.stringify(r.date)}`);
    else if (r.date > v.today) fail('date', `${r.date} is in the future (today is ${v.today})`);
    else if (r.date < v.model.org.reportingFrom) fail('date', `${r.date} is before reporting opened on ${v.model.org.reportingFrom}`);
    else {
      const [month, year] = monthAndYear(r.date);
      const closed = [month, year].find((p) => v.closedPeriods.has(p));
      if (closed) fail('date', `period ${closed} is closed for reporting`);
      else day = r.date;
    }

    const q = parseQuantity(typeof r.quantity === 'string' ? r.quantity.trim() : r.quantity);
    if (!q.ok) fail('quantity', `${q.error.reason}: ${JSON.stringify(r.quantity ?? null)}`);

    let note: string | null = null;
    if (r.note !== undefined && r.note !== null && r.note !== '') {
      if (typeof r.note !== 'string') fail('note', 'must be text');
      else if (r.note.length > NOTE_MAX) fail('note', `longer than ${NOTE_MAX} characters`);
      // The store keeps notes as PostgreSQL text, which cannot hold NUL; a lone surrogate is no character.
      else if (r.note.includes('\u0000')) fail('note', 'contains a NUL character');
      else if (LONE_SURROGATE.test(r.note)) fail('note', 'is not valid Unicode text (a lone surrogate)');
      else note = r.note;
    }
    if (errors.length > before || !unit || productId === undefined || !day || !q.ok) continue;

    const key = `${unit.id}|${productId}|${kind}|${day}`;
    const dup = seen.get(key);
    if (dup !== undefined) {
      fail('date', `duplicate of row ${dup}: the same unit, product, kind and date twice in one batch`);
      continue;
    }
    seen.set(key, row);
    reports.push({ row, unit, productId, kind: kind as 'output' | 'consumption', day, quantity: q.value, note });
  }
  return errors.length ? { ok: false, errors } : { ok: true, reports };
}
