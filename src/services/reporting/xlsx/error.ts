// The error for a damaged or unsupported workbook, so the importer can tell a bad file (a 422
// naming `file`) from a broken input stream (passed on as it is).

/**
 * A workbook that cannot be read; `message` says what is wrong in words for the user.
 * @example throw new XlsxError('xl/workbook.xml is missing');
 */
export class XlsxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XlsxError';
  }
}
