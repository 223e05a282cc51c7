// The monitoring worker's drain (records, standards, trend filters and alerts, plausibility) on a
// queue of report changes, on each store: CPU of this process per 1,000 changes is the figure.
// Two phases on one store: `bulk` enqueues every change and then drains the queue to empty (each
// drain takes 5,000 changes, several days of a few hundred series); `daily` then enqueues one day
// at a time and drains it (each drain takes every series once: what the server sees while units
// report day by day). One day enqueued and drained first warms the code up; only the drains of the
// two phases are timed. `--corrections` is the share of series that also correct an earlier day.
import { addDays } from '../src/domain/iso-date.js';
import { loadDemo } from '../src/services/demo/load.js';
import type { ServiceContext } from '../src/services/context.js';
import { drainMonitorQueue, rebuildMonitoring, registerMonitoring } from '../src/services/monitoring/index.js';
import { submitReports } from '../src/services/reporting/submit.js';
import type { ReportRow } from '../src/services/reporting/validate.js';
import { migrate, openStore } from '../src/store/index.js';
import { flags, freshStore, machineLine } from './support.js';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

interface Series {
  unit: string;
  product: string;
  kind: 'output' | 'consumption';
  last: number;
}

/** CPU ms of this process's main thread (Linux /proc; NaN elsewhere): without PGlite's worker thread. */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

/** Deterministic noise in [0, 1). */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/** A day's report of every series: about its last figure, with some breaks; a few correct an earlier day. */
function dayRows(series: readonly Series[], day: string, dayIndex: number, corrections: number, latest: string): ReportRow[] {
  const rows: ReportRow[] = [];
  for (let k = 0; k < series.length; k++) {
    const s = series[k];
    const i = dayIndex * series.length + k;
    // a break in about 1 series of 200 from day 3 on, else +-5 %
    const level = k % 200 === 7 && dayIndex >= 3 ? 1.6 : 1;
    const q = Math.max(0, s.last * level * (0.95 + 0.1 * noise(i)));
    rows.push({ unit: s.unit, product: s.product, kind: s.kind, date: day, quantity: q.toFixed(3) });
    if (noise(i + 0.5) < corrections) {
      // a correction of a day already reported (history or this run): re-runs that series' filter
      const back = 1 + Math.floor(noise(i + 0.25) * 20);
      const d = addDays(day, -back);
      if (d > '2026-01-01' && d <= latest) rows.push({ unit: s.unit, product: s.product, kind: s.kind, date: d, quantity: (s.last * (0.9 + 0.2 * noise(i + 0.75))).toFixed(3) });
    }
  }
  return rows;
}

export async function drainBench(args: string[]): Promise<number> {
  const f = flags(args);
  const total = Number(f.get('changes') ?? 100_000);
  const units = Number(f.get('units') ?? 2000);
  const history = f.get('history') ?? '2026-02-28';
  const corrections = Number(f.get('corrections') ?? 0.01);
  const phases = (f.get('phase') ?? 'bulk,daily').split(',');
  const stores = (f.get('store') ?? 'postgres,pglite').split(',') as ('pglite' | 'postgres')[];
  console.log(machineLine());
  console.log(
    `method: demo (seed 1, ${units} units, reports through ${history}), monitoring rebuilt, then about ${total} report changes per phase ` +
      `(every output and consumption series each day, ${corrections * 100} % also correct an earlier day) enqueued in queued mode; ` +
      'after one untimed warm-up day; timed: drainMonitorQueue (5,000 a transaction) until the queue is empty. ' +
      'cpu = process.cpuUsage (user+system, all threads: also V8 compiling and collecting), main = CPU of the main thread only ' +
      '(PGlite runs the database in a worker thread)',
  );
  registerMonitoring({ mode: 'queued', onError: (e) => { throw e; } });
  for (const kind of stores) {
    const s = await freshStore(kind);
    if (!s) continue;
    try {
      const store = await openStore(s.config);
      try {
        await migrate(store);
        const t0 = performance.now();
        await loadDemo(store, { seed: 1, units, through: history });
        const series = await store.query<Series & Record<string, unknown>>(
          `select distinct on (c.unit_id, c.product_id, c.kind) u.code as unit, p.code as product, c.kind, c.quantity::float8 as last
             from report_current c join unit u on u.org = c.org and u.id = c.unit_id join product p on p.org = c.org and p.id = c.product_id
            where c.org = 1 order by c.unit_id, c.product_id, c.kind, c.day desc`,
        );
        const base: ServiceContext = { store, org: 1, today: () => '2026-12-31', now: () => new Date('2026-12-31T08:00:00+09:00') };
        const rebuilt = await rebuildMonitoring(base);
        console.log(`setup store=${kind} series=${series.length} filters=${rebuilt.series} ms=${Math.round(performance.now() - t0)}`);
        let day = addDays(history, 1);
        let dayIndex = 0;
        /** Enqueues the next day's reports (through submitReports in queued mode); returns how many rows. */
        const enqueueDay = async (): Promise<number> => {
          const rows = dayRows(series, day, dayIndex, corrections, addDays(day, -1));
          const d = day;
          const ctx: ServiceContext = { ...base, today: () => addDays(d, 1), now: () => new Date(`${addDays(d, 1)}T08:00:00+09:00`) };
          for (let i = 0; i < rows.length; i += 5000) await submitReports(ctx, rows.slice(i, i + 5000), { by: 'bench', rowBase: 0 });
          day = addDays(day, 1);
          dayIndex++;
          return rows.length;
        };
        // Warm-up (untimed): one day enqueued and drained, so the timed phases see compiled code as
        // a long-running worker does.
        await enqueueDay();
        while ((await drainMonitorQueue(base)) > 0);
        for (const phase of phases) {
          let changes = 0;
          let ms = 0;
          let drains = 0;
          let cpu = 0;
          let main = 0;
          const drain = async () => {
            const c0 = process.cpuUsage();
            const m0 = mainThreadCpuMs();
            const t = performance.now();
            for (;;) {
              const n = await drainMonitorQueue(base);
              if (n === 0) break;
              changes += n;
              drains++;
            }
            ms += performance.now() - t;
            const c = process.cpuUsage(c0);
            cpu += (c.user + c.system) / 1000;
            main += mainThreadCpuMs() - m0;
          };
          let sent = 0;
          while (sent < total) {
            sent += await enqueueDay();
            if (phase === 'daily') await drain();
          }
          if (phase !== 'daily') await drain();
          const [l1] = loadavg();
          console.log(
            `drain store=${kind} phase=${phase} changes=${changes} drains=${drains} ms=${Math.round(ms)} changes_per_s=${Math.round(changes / (ms / 1000))} ` +
              `cpu_ms_per_1k=${((cpu / changes) * 1000).toFixed(1)} main_ms_per_1k=${((main / changes) * 1000).toFixed(1)} load1=${l1.toFixed(2)}`,
          );
        }
      } finally {
        await store.close();
      }
    } finally {
      await s.drop();
    }
  }
  return 0;
}
