import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Principal } from '../domain/access.js';
import type { Store } from '../store/index.js';

/** What every use case needs: the store and the organisation it acts for. */
export interface ServiceContext {
  readonly store: Store;
  readonly org: number;
  /** Today's date (ISO) in the organisation's time zone, for "to date" figures and future-date checks. */
  readonly today: () => string;
  /** The current instant, for report timestamps and deadlines; injectable for tests. */
  readonly now?: () => Date;
  /** Who acts, for audit entries and report versions; absent for the system's own work. */
  readonly actor?: Principal;
}

/** The context of one request: the same store and organisation, acting as `actor`. */
export function actingAs(ctx: ServiceContext, actor: Principal | undefined): ServiceContext {
  return actor ? { ...ctx, actor } : ctx;
}

/** The name audit entries and report versions record for the context's actor. */
export function actorName(ctx: ServiceContext): string {
  return ctx.actor?.name ?? 'system';
}

function readVersion(): string {
  // Works from src/ under vitest and from dist/src/ alike: walk up to the package's own package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'norma' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

/** The version of Norma, from package.json. */
export const NORMA_VERSION: string = readVersion();

/** Today's UTC date as an ISO string. */
export function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Today's date at a fixed UTC offset (the organisation's time zone), as an ISO string.
 * @example localToday(540) // the date in Pyongyang (UTC+9)
 */
export function localToday(utcOffsetMinutes: number, now: Date = new Date()): string {
  return new Date(now.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}
