import { Command } from 'commander';
import { backupCommand, restoreCommand } from './backup.js';
import { balanceCommand } from './balance.js';
import { NORMA_VERSION } from '../services/context.js';
import { dbCommand, migrateCommand } from './db.js';
import { demoCommand } from './demo.js';
import { reportError } from './output.js';
import { reportCommand } from './report.js';
import { serveCommand } from './serve.js';
import { userCommand } from './user.js';

/** The `norma` program with every command registered. Usage errors exit 1, --help exits 0. */
export function normaProgram(): Command {
  const program = new Command('norma')
    .description('Norma: national economic planning and plan fulfilment')
    .version(NORMA_VERSION)
    .showHelpAfterError();
  for (const c of [serveCommand(), demoCommand(), migrateCommand(), dbCommand(), reportCommand(), balanceCommand()]) program.addCommand(c);
  for (const c of [backupCommand(), restoreCommand(), userCommand()]) program.addCommand(c);
  return program;
}

try {
  await normaProgram().parseAsync(process.argv);
} catch (e) {
  process.exitCode = reportError(e);
}
