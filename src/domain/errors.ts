// Domain errors: one class, one catalogue of stable codes.
//
// Convention for the whole domain layer:
// - A function that checks outside input (parse*, validate*, build*, make*) never throws for bad
//   input; it returns a `Result` (see result.ts) whose failure holds a `DomainError`.
// - A function that takes values which have already been checked (a Period, a Tree code, a
//   Quantity) throws a `DomainError` when that precondition is broken: that is a caller bug, not
//   an expected failure.
// Either way the error is a `DomainError` with a code from `DOMAIN_ERROR_CODES`. Codes are never
// reused or renamed; new ones are only added.

/**
 * Every code the domain layer can produce, with what it means.
 * @example DOMAIN_ERROR_CODES.NORMA_ERR_PERIOD_SYNTAX // 'period id has no recognised shape'
 */
export const DOMAIN_ERROR_CODES = Object.freeze({
  NORMA_ERR_DATE_INVALID: 'not a real calendar date in the form YYYY-MM-DD',
  NORMA_ERR_PERIOD_SYNTAX: 'period id has no recognised shape',
  NORMA_ERR_PERIOD_NOT_CANONICAL: 'period id is recognisable but not canonical; the message suggests the canonical id',
  NORMA_ERR_PERIOD_OUT_OF_RANGE: 'period id has a field out of range (month 13, week 53 of a short year, 30 February, year outside the supported range)',
  NORMA_ERR_PERIOD_PLAN_SPAN: 'five-year plan id does not span exactly five years',
  NORMA_ERR_PERIOD_KIND_INVALID: 'unknown period kind',
  NORMA_ERR_CALENDAR_INVALID: 'calendar definition has a bad field',
  NORMA_ERR_TREE_NODE_INVALID: 'tree node has a missing or bad field',
  NORMA_ERR_TREE_DUPLICATE_CODE: 'two tree nodes share a code',
  NORMA_ERR_TREE_PARENT_UNKNOWN: 'tree node names a parent that is not in the tree',
  NORMA_ERR_TREE_CYCLE: 'tree parent links form a cycle',
  NORMA_ERR_TREE_ROOT_MISSING: 'tree has no root (a node without parent)',
  NORMA_ERR_TREE_ROOT_MULTIPLE: 'tree has more than one root',
  NORMA_ERR_TREE_KIND_ORDER: 'tree node kind does not fit its parent kind or its tree',
  NORMA_ERR_TREE_NODE_UNKNOWN: 'code asked of a tree is not in the tree',
  NORMA_ERR_UNIT_TREE_MISMATCH: 'units are not each placed exactly once in both the sector and the region tree',
  NORMA_ERR_PRODUCT_INVALID: 'product has a missing or bad field',
  NORMA_ERR_AGGREGATE_INPUT: 'aggregate got a non-finite value or a negative or non-finite weight',
  NORMA_ERR_QUANTITY_INVALID: 'quantity is not a non-negative decimal with at most 18 integer digits and 6 decimals',
  NORMA_ERR_QUANTITY_OVERFLOW: 'quantity arithmetic result has more than 18 integer digits',
  NORMA_ERR_UNIT_INVALID: 'unit has a missing or bad field',
});

/**
 * A stable domain error code.
 * @example const code: DomainErrorCode = 'NORMA_ERR_PERIOD_SYNTAX';
 */
export type DomainErrorCode = keyof typeof DOMAIN_ERROR_CODES;

/**
 * Extra facts about a failure: the bad input, the field, a reason, a suggested fix.
 * @example const d: DomainErrorDetails = { input: '2026-M1', suggestion: '2026-M01' };
 */
export type DomainErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The one error type of the domain layer. `code` is stable; `message` names the bad input.
 * Errors are not frozen (test runners and loggers annotate them), but their fields are readonly.
 * @example new DomainError('NORMA_ERR_PERIOD_SYNTAX', 'period id "2026/1" has no recognised shape', { input: '2026/1' })
 */
export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details: DomainErrorDetails;

  constructor(code: DomainErrorCode, message: string, details: DomainErrorDetails = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

/**
 * True when `e` is a DomainError, optionally with the given code.
 * @example isDomainError(err, 'NORMA_ERR_PERIOD_SYNTAX') // true for a bad period id error
 */
export function isDomainError(e: unknown, code?: DomainErrorCode): e is DomainError {
  return e instanceof DomainError && (code === undefined || e.code === code);
}

/**
 * Show a value inside an error message: strings quoted, others JSON-ish, long values cut.
 * @example describeInput('2026-M1') // '"2026-M1"'
 */
export function describeInput(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (typeof v === 'bigint') s = `${v}n`;
  else if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) s = String(v);
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = Object.prototype.toString.call(v);
    }
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
