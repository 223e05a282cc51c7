#!/usr/bin/env node
// The `norma` command: runs the compiled CLI from dist/ (built by `npm run build` or on install).
import { existsSync } from 'node:fs';
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('norma: dist/ is missing; run `npm run build` (or `npm ci`) first.');
  process.exit(1);
}
await import(entry.href);
