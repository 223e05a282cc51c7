import { Command } from 'commander';
import { open } from 'node:fs/promises';
import { NormaError } from '../services/errors.js';
import { importReports } from '../services/reporting/import-file.js';
import { reportError } from './output.js';
import { cliActor, contextFor, organisationOffset, withStore } from './store.js';

/** Most bad rows printed; the rest are counted. */
const MAX_PRINTED = 100;

/** Prints each bad row as `row N field: reason` (file and header problems without a row number). */
function printValidation(e: NormaError): void {
  console.error(`norma: ${e.code}: ${e.message}`);
  for (const d of e.details.slice(0, MAX_PRINTED)) {
    const where = typeof d.row === 'number' && d.row > 0 ? `row ${d.row} ${d.field ?? 'row'}` : (d.field ?? 'file');
    console.error(`${where}: ${d.reason}`);
  }
  if (e.details.length > MAX_PRINTED) console.error(`... and ${e.details.length - MAX_PRINTED} more`);
}

async function runImport(path: string, opts: { by: string }): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    if (!(await handle.stat()).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
  } catch (e) {
    await handle?.close();
    console.error(`norma: cannot read ${path}: ${(e as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const input = handle.createReadStream({ highWaterMark: 1 << 20 });
  try {
    const { summary } = await withStore(async (store) => importReports({ ...contextFor(store, await organisationOffset(store)), actor: cliActor(opts.by) }, input, { by: opts.by, filename: path }));
    console.log(`imported=${summary.imported} corrected=${summary.corrected} unchanged=${summary.unchanged} rows=${summary.rows}`);
  } catch (e) {
    if (e instanceof NormaError && e.code === 'NORMA_ERR_VALIDATION') {
      printValidation(e);
      process.exitCode = e.exitCode;
    } else {
      process.exitCode = reportError(e);
    }
  } finally {
    input.destroy();
  }
}

/**
 * `norma report import FILE [--by NAME]`: imports a CSV or XLSX file of daily reports, all rows or none.
 * @example program.addCommand(reportCommand()); // norma report import jan.csv --by plant-7
 */
export function reportCommand(): Command {
  const report = new Command('report').description('daily reports of actual output and consumption');
  report
    .command('import')
    .description(
      'import a CSV or XLSX file (header unit,product,date,quantity[,kind,note]) as one batch: every row or none; ' +
        'prints imported=N corrected=N unchanged=N rows=N, or each bad row on stderr and exits 1',
    )
    .argument('<file>', 'CSV (UTF-8) or XLSX (first worksheet) file')
    .option('--by <name>', 'who sends the reports (kept with every version)', 'cli')
    .action(runImport);
  return report;
}
