// Builds dist/ with tsc when it is missing or older than any source file, so `npm start` works on a
// fresh clone and stays fast on a warm one.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sourceTime = Math.max(newest(join(root, 'src')), newest(join(root, 'bench')),
  statSync(join(root, 'tsconfig.json')).mtimeMs, statSync(join(root, 'tsconfig.build.json')).mtimeMs);
const template = () => execFileSync(process.execPath, [join(root, 'scripts', 'pglite-template.mjs')], { stdio: 'inherit' });
if (existsSync(stamp) && statSync(stamp).mtimeMs >= sourceTime) {
  template();
  process.exit(0);
}

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.error('norma: dist/ is stale and TypeScript is not installed; run `npm ci` first.');
  process.exit(1);
}
const t0 = Date.now();
process.stderr.write('norma: building dist/ ... ');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
const { writeFileSync } = await import('node:fs');
writeFileSync(stamp, new Date().toISOString() + '\n');
template();
process.stderr.write(`done in ${Date.now() - t0} ms\n`);
