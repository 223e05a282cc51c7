import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import '../../../src/services/reporting/import-file.js';

describe('exceljs temporary worksheet files', () => {
  it('a vanished temporary file errors on its stream, never as an uncaught exception', async () => {
    // The same fs object exceljs requires.
    const fs = createRequire(import.meta.url)('fs') as typeof import('node:fs');
    const uncaught: unknown[] = [];
    const note = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', note);
    try {
      const stream = fs.createReadStream(`${tmpdir()}/tmp-${process.pid}-vanished`);
      await new Promise((r) => setTimeout(r, 100));
      expect(stream.destroyed).toBe(true);
      expect(uncaught).toEqual([]);
      // Other files keep Node's own behaviour: an error with no listener is not swallowed here.
      const other = fs.createReadStream(`${tmpdir()}/not-exceljs-${process.pid}`);
      const err = await new Promise<NodeJS.ErrnoException>((r) => other.on('error', r));
      expect(err.code).toBe('ENOENT');
    } finally {
      process.off('uncaughtException', note);
    }
  });
});
