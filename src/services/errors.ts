/** One problem with one input field; `row` counts from 0 for JSON batches and from 1 for file rows. */
export interface ErrorDetail {
  readonly row?: number;
  readonly field?: string;
  readonly reason: string;
  readonly [extra: string]: unknown;
}

/**
 * The stable error codes of Norma: each has one HTTP status and one CLI exit code; codes are never
 * reused for another meaning.
 */
export const ERROR_CODES = {
  NORMA_ERR_BAD_REQUEST: { status: 400, exit: 1, title: 'The request is malformed' },
  NORMA_ERR_NOT_FOUND: { status: 404, exit: 1, title: 'No such object' },
  NORMA_ERR_VALIDATION: { status: 422, exit: 1, title: 'The input breaks a rule; nothing was applied' },
  NORMA_ERR_CONFLICT: { status: 409, exit: 1, title: 'The request conflicts with the current state' },
  NORMA_ERR_REFUSED: { status: 422, exit: 2, title: "Refused by the model's rules" },
  NORMA_ERR_STORE_BUSY: { status: 503, exit: 1, title: 'The data directory is held by another process' },
  NORMA_ERR_UNAUTHORIZED: { status: 401, exit: 1, title: 'No valid session or token' },
  NORMA_ERR_FORBIDDEN: { status: 403, exit: 1, title: 'Not permitted for this role or outside its scope; nothing was done' },
  NORMA_ERR_CSRF: { status: 403, exit: 1, title: 'A session request that changes data lacks the X-CSRF-Token header of its session' },
  NORMA_ERR_RATE_LIMITED: { status: 429, exit: 1, title: 'Too many requests; retry after the time given' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * An expected failure: it carries a stable code, a message naming what was wrong, and details.
 * @example throw new NormaError('NORMA_ERR_NOT_FOUND', 'no unit with code U-1', [{ field: 'code', reason: 'unknown' }]);
 */
export class NormaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'NormaError';
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }
}

/** Throws NORMA_ERR_NOT_FOUND naming the kind of object and its code. */
export function notFound(kind: string, code: string, field = 'code'): never {
  throw new NormaError('NORMA_ERR_NOT_FOUND', `no ${kind} with ${field} ${JSON.stringify(code)}`, [
    { field, reason: `unknown ${kind}` },
  ]);
}
