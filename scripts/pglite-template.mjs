// Makes dist/pglite-template-<version>.tar: an empty, freshly initialised PGlite data directory.
// A fresh store restores it instead of running initdb, which saves seconds on every first start.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const pkgPath = join(require.resolve('@electric-sql/pglite').split('/dist/')[0], 'package.json');
const version = JSON.parse(readFileSync(pkgPath, 'utf8')).version;
const target = join(root, 'dist', `pglite-template-${version}.tar`);
if (existsSync(target)) process.exit(0);

const { PGlite } = await import('@electric-sql/pglite');
const dir = mkdtempSync(join(tmpdir(), 'norma-template-'));
const db = new PGlite(join(dir, 'pgdata'));
await db.waitReady;
const blob = await db.dumpDataDir('none');
await db.close();
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(target + '.tmp', Buffer.from(await blob.arrayBuffer()));
const { renameSync } = await import('node:fs');
renameSync(target + '.tmp', target);
rmSync(dir, { recursive: true, force: true });
