import { Command, InvalidArgumentError } from 'commander';
import { addDays, isIsoDate } from '../domain/iso-date.js';
import { loadDemo, resetStore, type DemoSummary } from '../services/demo/load.js';
import { utcToday } from '../services/context.js';
import type { Store } from '../store/index.js';
import { progressBar } from './output.js';
import { withStore } from './store.js';

export function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}, got ${JSON.stringify(v)}`);
    }
    return n;
  };
}

function isoDate(v: string): string {
  if (!isIsoDate(v) || v < '2026-01-01') throw new InvalidArgumentError(`--through must be a date YYYY-MM-DD from 2026-01-01, got ${JSON.stringify(v)}`);
  return v;
}

/** Loads the demo economy into `store`, with a progress bar, and prints a one-line summary. */
export async function runDemo(store: Store, opts: { seed: number; units: number; reset?: boolean; quiet?: boolean; through?: string }): Promise<DemoSummary> {
  if (opts.reset) await resetStore(store);
  const bar = progressBar();
  try {
    const summary = await loadDemo(store, { seed: opts.seed, units: opts.units, through: opts.through ?? addDays(utcToday(), -1) }, opts.quiet ? undefined : bar);
    bar.stop();
    console.error(
      `demo loaded: seed=${summary.seed} units=${summary.units} products=${summary.products} targets=${summary.targets} reports=${summary.reports} through=${summary.through} ms=${summary.ms}`,
    );
    return summary;
  } finally {
    bar.stop();
  }
}

/** `norma demo --seed 1 --units 2000 [--reset]`. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('load the deterministic demo economy (units, products, technology, plans, daily reports)')
    .option('--seed <n>', 'random seed: the same seed gives the same economy', positiveInt('--seed'), 1)
    .option('--units <n>', 'number of producing units', positiveInt('--units', 1_000_000), 2000)
    .option('--reset', 'empty the store first (otherwise a store holding data is refused)')
    .option('--through <date>', 'last day with daily reports (default: yesterday)', isoDate)
    .action(async (opts: { seed: number; units: number; reset?: boolean; through?: string }) => {
      await withStore((store) => runDemo(store, opts));
    });
}
