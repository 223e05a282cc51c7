// `node dist/bench/main.js <name> [args]`: runs one registered benchmark; with no name, lists them.

/** A benchmark: takes its CLI args, prints its report, resolves to an exit code. */
export type Bench = { readonly describe: string; run(args: string[]): Promise<number> };

/**
 * Registered benchmarks by name; other areas add theirs here.
 * Example: `registry.set('store', { describe: '...', run: storeBench })`
 */
export const registry = new Map<string, Bench>([
  // Imported on demand so one bench never loads another's dependencies (stores, servers).
  ['leontief', { describe: 'Leontief solve (I - A) x = d: Norma vs SciPy on synthetic economies', run: async (a) => (await import('./leontief.js')).leontiefBench(a) }],
  ['fulfilment', { describe: 'fulfilment query latency through the HTTP API (bench/fulfilment.ts)', run: async (a) => (await import('./fulfilment.js')).fulfilmentBench(a) }],
  ['filters', { describe: 'Harrison-Stevens filter: series updates per second per core vs a plain Kalman loop', run: async (a) => ((await (await import('./filters.js')).run(a)), 0) }],
  ['ingest', { describe: 'report ingest through the API vs raw COPY (bench/ingest.ts)', run: async (a) => (await import('./ingest.js')).ingestBench(a) }],
  ['xlsx', { describe: 'reading a 1,000,000-row XLSX report file: Norma vs exceljs (bench/xlsx.ts)', run: async (a) => (await import('./xlsx.js')).xlsxBench(a) }],
  ['drain', { describe: 'monitoring worker: drain of queued report changes, CPU per 1,000 changes (bench/drain.ts)', run: async (a) => (await import('./drain.js')).drainBench(a) }],
]);

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log('usage: npm run bench -- <name> [args]\n\nbenchmarks:');
    for (const [k, b] of registry) console.log(`  ${k.padEnd(12)} ${b.describe}`);
    return 0;
  }
  const b = registry.get(name);
  if (!b) {
    console.error(`unknown benchmark "${name}"; known: ${[...registry.keys()].join(', ')}`);
    return 1;
  }
  return b.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
