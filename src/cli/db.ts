import { Command } from 'commander';
import { MIGRATIONS, migrate, openStore, schemaVersion, storeConfigFromEnv } from '../store/index.js';
import { NORMA_VERSION } from '../services/context.js';

/** `norma migrate`: applies pending migrations and prints each one's status. */
export function migrateCommand(): Command {
  return new Command('migrate').description('bring the store schema up to date (forward-only migrations)').action(async () => {
    const store = await openStore(storeConfigFromEnv());
    try {
      for (const r of await migrate(store)) console.log(`${String(r.version).padStart(4, '0')} ${r.name}: ${r.status}`);
    } finally {
      await store.close();
    }
  });
}

/** `norma db info`: which store, where, schema version and row counts. */
export function dbCommand(): Command {
  const db = new Command('db').description('inspect the store');
  db.command('info')
    .description('print the store kind, location, schema version and row counts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const store = await openStore(storeConfigFromEnv());
      try {
        const version = await schemaVersion(store);
        const counts: Record<string, number> = {};
        if (version > 0) {
          for (const t of ['organisation', 'tree_node', 'unit', 'product', 'technology', 'plan_version', 'target', 'report']) {
            const [r] = await store.query<{ n: number }>(`select count(*) as n from ${t}`);
            counts[t] = r.n;
          }
        }
        const info = {
          norma: NORMA_VERSION,
          store: store.kind,
          location: store.location,
          schema_version: version,
          latest_schema_version: MIGRATIONS[MIGRATIONS.length - 1].version,
          rows: counts,
        };
        if (opts.json) console.log(JSON.stringify(info, null, 2));
        else {
          console.log(`store: ${info.store} (${info.location})`);
          console.log(`schema: ${info.schema_version} of ${info.latest_schema_version}`);
          for (const [t, n] of Object.entries(counts)) console.log(`${t}: ${n}`);
        }
      } finally {
        await store.close();
      }
    });
  return db;
}
