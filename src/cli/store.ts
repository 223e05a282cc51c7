import { migrate, openStore, storeConfigFromEnv, type Store } from '../store/index.js';
import { userInfo } from 'node:os';
import type { Principal } from '../domain/access.js';
import { localToday, type ServiceContext } from '../services/context.js';
import { DEMO_ORG } from '../services/demo/load.js';

/** Opens the configured store and brings its schema up to date. */
export async function openMigratedStore(): Promise<Store> {
  const store = await openStore(storeConfigFromEnv());
  try {
    await migrate(store);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

/**
 * The service context the CLI and server act in: one organisation per store for now. "Today" is the
 * date in the organisation's time zone (`utcOffsetMinutes`, read with `organisationOffset`).
 */
export function contextFor(store: Store, utcOffsetMinutes = 540): ServiceContext {
  return { store, org: DEMO_ORG, today: () => localToday(utcOffsetMinutes) };
}

/** The organisation's UTC offset in minutes (UTC+9 until an organisation exists). */
export async function organisationOffset(store: Store, org = DEMO_ORG): Promise<number> {
  const [row] = await store.query<{ off: number }>('select utc_offset_minutes as off from organisation where org = $1', [org]);
  return row?.off ?? 540;
}

/**
 * Who acts for the CLI: the operating-system user on the server's machine, with full rights (the
 * CLI opens the database itself); audit entries name it as `cli:USER`.
 */
export function cliActor(name?: string): Principal {
  let who = name;
  if (!who) {
    try {
      who = userInfo().username;
    } catch {
      who = 'unknown';
    }
  }
  return { name: `cli:${who}`, role: 'admin', node: null, via: 'cli' };
}

/** Runs `work` with a migrated store and closes it afterwards, whatever happens. */
export async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openMigratedStore();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
