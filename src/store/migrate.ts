import { initial } from './migrations/001-initial.js';
import { reporting } from './migrations/002-reporting.js';
import { monitorQueue } from './migrations/004-monitor-queue.js';
import { monitoring } from './migrations/003-monitoring.js';
import { trust } from './migrations/005-trust.js';
import { unitsFulfilled } from './migrations/006-units-fulfilled.js';
import { unitPeriods } from './migrations/007-unit-periods.js';
import { fillfactor } from './migrations/008-fillfactor.js';
import { keptCuts } from './migrations/009-kept-cuts.js';
import { filterStateBytea } from './migrations/010-filter-state-bytea.js';
import type { Store } from './types.js';

/** One forward-only schema step. Versions only grow; a retired name is never reused. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The status of one migration after a run, as Kysely's MigrationResultSet reports it. */
export interface MigrationResult {
  readonly version: number;
  readonly name: string;
  readonly status: 'applied' | 'already_applied';
}

/** Every migration, in order. Add new ones at the end. */
export const MIGRATIONS: readonly Migration[] = [initial, reporting, monitoring, monitorQueue, trust, unitsFulfilled, unitPeriods, fillfactor, keptCuts, filterStateBytea];

const LOCK_KEY = 7_263_001; // advisory lock id: serialises concurrent `migrate` runs on one database

/**
 * Applies the migrations not yet applied, each in its own transaction, and returns each one's status.
 * @example const results = await migrate(store); // [{ version: 1, name: 'initial', status: 'applied' }]
 */
export async function migrate(store: Store, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult[]> {
  await store.exec(`create table if not exists schema_migration (
    version int primary key, name text not null, applied_at timestamptz not null default now())`);
  const results: MigrationResult[] = [];
  for (const m of migrations) {
    const status = await store.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const done = await tx.query('select 1 from schema_migration where version = $1', [m.version]);
      if (done.length > 0) return 'already_applied' as const;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migration (version, name) values ($1, $2)', [m.version, m.name]);
      return 'applied' as const;
    });
    results.push({ version: m.version, name: m.name, status });
  }
  return results;
}

/** The highest applied migration version, or 0 on an empty database. */
export async function schemaVersion(store: Store): Promise<number> {
  const [exists] = await store.query<{ t: string | null }>(`select to_regclass('schema_migration')::text as t`);
  if (!exists?.t) return 0;
  const [row] = await store.query<{ v: number | null }>('select max(version) as v from schema_migration');
  return row?.v ?? 0;
}
