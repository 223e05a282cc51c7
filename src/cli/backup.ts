import { Command } from 'commander';
import { backup, restore } from '../services/backup.js';
import { openStore, storeConfigFromEnv, type Store } from '../store/index.js';
import { progressBar } from './output.js';

/** Opens the configured store as it is: backup reads it unchanged, restore migrates it itself. */
async function withOpenStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeConfigFromEnv());
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * `norma backup FILE`: writes every table to one gzip file (JSON header line, then CSV per table).
 * @example program.addCommand(backupCommand()); // norma backup /var/backups/norma.backup.gz
 */
export function backupCommand(): Command {
  return new Command('backup')
    .description('write the whole store to FILE (gzip: a JSON header line, then each table as CSV), read in one snapshot')
    .argument('<file>', 'file to write; replaced only once the new backup is complete')
    .action(async (file: string) => {
      const bar = progressBar();
      try {
        const r = await withOpenStore((store) => backup(store, file, bar));
        bar.stop();
        console.log(
          `backup ${r.file}: tables=${r.header.tables.length} rows=${r.rows} bytes=${r.bytes} csv_bytes=${r.dataBytes} ms=${r.ms} ` +
            `(${r.header.store_kind}, schema ${r.header.schema_version})`,
        );
      } finally {
        bar.stop();
      }
    });
}

/**
 * `norma restore FILE [--force]`: restores a backup into an empty store, all tables or none.
 * @example program.addCommand(restoreCommand()); // norma restore /var/backups/norma.backup.gz
 */
export function restoreCommand(): Command {
  return new Command('restore')
    .description('restore a backup written by `norma backup` into an empty store: every table or none; a damaged file changes nothing')
    .argument('<file>', 'backup file')
    .option('--force', 'empty a store that holds data first (in the same transaction: a failed restore keeps the data)')
    .action(async (file: string, opts: { force?: boolean }) => {
      const bar = progressBar();
      try {
        const r = await withOpenStore((store) => restore(store, file, { force: opts.force }, bar));
        bar.stop();
        const migrated = r.migrations.filter((m) => m.status === 'applied').length;
        console.log(
          `restored ${r.file}: tables=${r.tables.filter((t) => t.status === 'restored').length} rows=${r.rows} bytes=${r.bytes} ms=${r.ms} ` +
            `(from ${r.header.store_kind}, schema ${r.schemaVersion}${migrated ? `, ${migrated} migrations applied` : ''}` +
            `${r.emptied.length ? `, emptied ${r.emptied.length} tables` : ''})`,
        );
      } finally {
        bar.stop();
      }
    });
}
