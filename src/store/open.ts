import { openPgliteStore } from './pglite-store.js';
import { openPostgresStore } from './postgres-store.js';
import type { Store } from './types.js';

/** Where the store lives: DATABASE_URL selects PostgreSQL, otherwise PGlite in NORMA_DATA. */
export interface StoreConfig {
  readonly databaseUrl?: string;
  readonly dataDir: string;
}

/**
 * Reads the store configuration from the environment.
 * @example storeConfigFromEnv({ NORMA_DATA: '/tmp/n' }) // { dataDir: '/tmp/n' }
 */
export function storeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  return { databaseUrl, dataDir: env.NORMA_DATA?.trim() || './.norma-data' };
}

/**
 * Opens the configured store (PostgreSQL when a URL is given, else embedded PGlite).
 * @example const store = await openStore(storeConfigFromEnv());
 */
export function openStore(config: StoreConfig): Promise<Store> {
  return config.databaseUrl ? openPostgresStore(config.databaseUrl) : openPgliteStore(config.dataDir);
}
