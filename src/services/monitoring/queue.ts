// Monitoring behind the ingest transaction: a batch only enqueues what it changed (cheap), and a
// worker drains the queue into records, filters and alerts within a second or so.
import type { ServiceContext } from '../context.js';
import type { AppliedChange } from '../reporting/cells.js';
import { fromMicro } from '../reporting/micro.js';
import { reportingModel, type ReportingModel } from '../reporting/model-cache.js';
import type { ReportHook } from '../reporting/submit.js';
import { escalateAlerts } from './alerts.js';
import { monitorQueued, type QueuedChanges } from './drain.js';
import { underSavepoint } from './hook.js';
import { intArray, textArray } from '../../store/index.js';

/**
 * The queued-mode report hook: adds each change to monitor_queue (deltas of one figure summed) in
 * the batch's own transaction, so nothing is lost if the process dies before the queue drains.
 */
export const enqueueHook: ReportHook = async (tx, ctx, changes) => {
  if (changes.length === 0) return;
  await tx.query(
    `insert into monitor_queue (org, unit_id, product_id, kind, day, delta, first, late)
     select $1, u, p, k, d, q, f, l from unnest($2::int[], $3::int[], $4::text[], $5::date[], $6::numeric[], $7::boolean[], $8::boolean[]) as t(u, p, k, d, q, f, l)
     on conflict (org, unit_id, product_id, kind, day) do update set
       delta = monitor_queue.delta + excluded.delta, first = monitor_queue.first or excluded.first`,
    [ctx.org, intArray(changes.map((c) => c.unit.id)), intArray(changes.map((c) => c.productId)), textArray(changes.map((c) => c.kind)),
      textArray(changes.map((c) => c.day)), textArray(changes.map((c) => fromMicro(c.delta))), textArray(changes.map((c) => (c.first ? 't' : 'f'))),
      textArray(changes.map((c) => (c.late ? 't' : 'f')))],
  );
};

/**
 * Takes up to `limit` queued changes (oldest figures first), runs monitoring on them and removes
 * them, in one transaction; returns how many were processed (0 when the queue is empty). The
 * monitoring is monitorQueued (drain.ts): the same results as the inline hook on the same changes.
 * @example while ((await drainMonitorQueue(ctx)) > 0);
 */
export async function drainMonitorQueue(ctx: ServiceContext, limit = 5000): Promise<number> {
  const model = await reportingModel(ctx);
  return ctx.store.transaction(async (tx) => {
    // One row back: the taken changes packed as 'unit product output(1|0) daynumber delta first(1|0)'.
    const [taken] = await tx.query<{ n: number; packed: string | null }>(
      `with d as (
         delete from monitor_queue where (org, unit_id, product_id, kind, day) in (
           select org, unit_id, product_id, kind, day from monitor_queue where org = $1
            order by unit_id, product_id, kind, day limit $2 for update skip locked)
         returning unit_id, product_id, kind, day, delta, first)
       select count(*)::int as n,
              string_agg(unit_id::text || ' ' || product_id::text || ' ' || case when kind = 'output' then '1' else '0' end || ' ' ||
                         (day - date '1970-01-01')::text || ' ' || delta::text || ' ' || case when first then '1' else '0' end,
                         ',' order by unit_id, product_id, kind, day) as packed
         from d`,
      [ctx.org, limit],
    );
    const n = Number(taken?.n ?? 0);
    const changes = n > 0 && taken.packed ? takenChanges(taken.packed, model) : null;
    if (changes && changes.count) await underSavepoint(tx, changes.count, () => monitorQueued(tx, ctx, model, changes));
    return n;
  });
}

/** The packed changes taken off the queue, those of units the model knows. */
function takenChanges(packed: string, model: ReportingModel): QueuedChanges {
  const items = packed.split(',');
  const unit = new Int32Array(items.length), product = new Int32Array(items.length), output = new Uint8Array(items.length);
  const day = new Int32Array(items.length), first = new Uint8Array(items.length);
  const delta: string[] = [];
  let count = 0;
  for (const item of items) {
    const f = item.split(' ');
    const u = Number(f[0]);
    if (!model.unitsById.has(u)) continue; // a unit gone from the model: nothing to monitor
    unit[count] = u;
    product[count] = Number(f[1]);
    output[count] = f[2] === '1' ? 1 : 0;
    day[count] = Number(f[3]);
    delta.push(f[4]);
    first[count] = f[5] === '1' ? 1 : 0;
    count++;
  }
  return { count, unit, product, output, day, delta, first };
}

/**
 * Reclaims the queue's deleted rows. The queue is all churn (every row is inserted once and deleted
 * once), and nothing else cleans it where autovacuum does not run: PGlite never runs it, and a
 * PostgreSQL server may have it off. A bloated queue made each take walk the dead index entries
 * first (25 vs 8 ms per 1,000 changes with 172,000 dead rows). Runs outside any transaction.
 * @example await vacuumMonitorQueue(ctx);
 */
export async function vacuumMonitorQueue(ctx: ServiceContext): Promise<void> {
  await ctx.store.exec('vacuum monitor_queue');
}

/** Changes taken between the worker's vacuums of the queue (a vacuum of the drained queue costs a few ms). */
export const VACUUM_EVERY = 20_000;

/** A running monitoring worker; `stop` waits for the pass in progress. */
export interface MonitoringWorker {
  stop(): Promise<void>;
}

/**
 * Drains the queue and escalates unacknowledged alerts every `escalateMs`. An idle queue is polled
 * every `intervalMs`, so the first changes after a quiet spell are monitored within that; after a
 * pass that found work the worker lets the queue fill for `settleMs` before the next. Under
 * sustained ingest each take then holds a second's worth of changes, several days of each series
 * rather than one: a series' records and filter row are read and written once for all of them,
 * which cuts the drain's cost per report about threefold (see docs/monitoring.md), and no change
 * waits much more than `settleMs`. After every `vacuumEvery` changes taken (VACUUM_EVERY), the
 * drained queue is vacuumed (vacuumMonitorQueue).
 * @example const worker = startMonitoringWorker(ctx); ... await worker.stop();
 */
export function startMonitoringWorker(
  ctx: ServiceContext,
  opts: { intervalMs?: number; settleMs?: number; escalateMs?: number; vacuumEvery?: number } = {},
): MonitoringWorker {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let lastEscalation = 0;
  let lastWork = 0;
  let taken = 0;
  const settleMs = opts.settleMs ?? 1000;
  const vacuumEvery = opts.vacuumEvery ?? VACUUM_EVERY;
  const pass = async () => {
    try {
      if (!stopped && Date.now() - lastWork >= settleMs) {
        let found = false;
        for (let n; !stopped && (n = await drainMonitorQueue(ctx)) > 0; ) {
          found = true;
          taken += n;
        }
        if (found) lastWork = Date.now();
        // The queue was just drained: its dead rows are all there is to scan.
        if (!stopped && taken >= vacuumEvery) {
          taken = 0;
          await vacuumMonitorQueue(ctx);
        }
      }
      if (!stopped && Date.now() - lastEscalation >= (opts.escalateMs ?? 3_600_000)) {
        lastEscalation = Date.now();
        await escalateAlerts(ctx, ctx.today());
      }
    } catch (e) {
      console.error('norma: monitoring worker pass failed; it will try again:', e);
    }
  };
  const timer = setInterval(() => {
    running = running.then(pass);
  }, opts.intervalMs ?? 250);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
