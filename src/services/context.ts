import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/index.js';

/** What every use case needs: the store and the organisation it acts for. */
export interface ServiceContext {
  readonly store: Store;
  readonly org: number;
  /** Today's date (ISO) for deadlines and "to date" figures; injectable for tests and the demo. */
  readonly today: () => string;
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
