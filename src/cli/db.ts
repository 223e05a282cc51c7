import { Command } from 'commander';
import { MIGRATIONS, migrate, openStore, schemaVersion, storeConfigFromEnv } from '../store/index.js';
import { NORMA_VERSION } from '../services/context.js';
import { rebuildTargetCells } from '../services/fulfilment/target-cells.js';
import { contextFor, organisationOffset, withStore } from './store.js';

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
  db.command('rebuild-fulfilment')
    .description('rebuild the target cells and units-fulfilled counts from the plans and the figures in force')
    .action(async () => {
      await withStore(async (store) => {
        const ctx = contextFor(store, await organisationOffset(store));
        const t0 = Date.now();
        const cells = await store.transaction((tx) => rebuildTargetCells(ctx, tx));
        const [state] = await store.query<{ w: string }>('select valid_from::text as w from fulfil_state where org = $1', [ctx.org]);
        console.log(`target cells: ${cells}`);
        console.log(state ? `units-fulfilled counts: built, exact from ${state.w}` : 'units-fulfilled counts: not built (figures too large to sum exactly); queries count from the units');
        console.log(`ms: ${Date.now() - t0}`);
      });
    });
  return db;
}
