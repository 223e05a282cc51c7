// Monitoring behind the ingest transaction: a batch only enqueues what it changed (cheap), and a
// worker drains the queue into records, filters and alerts within a second or so.
import type { ServiceContext } from '../context.js';
import type { AppliedChange } from '../reporting/cells.js';
import { fromMicro, toMicro } from '../reporting/micro.js';
import { reportingModel } from '../reporting/model-cache.js';
import type { ReportHook } from '../reporting/submit.js';
import { escalateAlerts } from './alerts.js';
import { monitoringHook } from './hook.js';

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
    [ctx.org, changes.map((c) => c.unit.id), changes.map((c) => c.productId), changes.map((c) => c.kind), changes.map((c) => c.day),
      changes.map((c) => fromMicro(c.delta)), changes.map((c) => c.first), changes.map((c) => c.late)],
  );
};

/**
 * Takes up to `limit` queued changes (oldest figures first), runs monitoring on them and removes
 * them, in one transaction; returns how many were processed (0 when the queue is empty).
 * @example while ((await drainMonitorQueue(ctx)) > 0);
 */
export async function drainMonitorQueue(ctx: ServiceContext, limit = 5000): Promise<number> {
  const model = await reportingModel(ctx);
  return ctx.store.transaction(async (tx) => {
    const rows = await tx.query<{ unit_id: number; product_id: number; kind: 'output' | 'consumption'; day: string; delta: string; first: boolean; late: boolean }>(
      `delete from monitor_queue where (org, unit_id, product_id, kind, day) in (
         select org, unit_id, product_id, kind, day from monitor_queue where org = $1
          order by unit_id, product_id, kind, day limit $2 for update skip locked)
       returning unit_id, product_id, kind, day, delta::text as delta, first, late`,
      [ctx.org, limit],
    );
    const changes: AppliedChange[] = [];
    for (const r of rows) {
      const unit = model.unitsById.get(r.unit_id);
      if (unit) changes.push({ unit, productId: r.product_id, kind: r.kind, day: r.day, delta: toMicro(r.delta), first: r.first, late: r.late });
    }
    changes.sort((a, b) => a.unit.id - b.unit.id || a.productId - b.productId || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    if (changes.length) await monitoringHook(tx, ctx, changes, model);
    return rows.length;
  });
}

/** A running monitoring worker; `stop` waits for the pass in progress. */
export interface MonitoringWorker {
  stop(): Promise<void>;
}

/**
 * Drains the queue every `intervalMs` and escalates unacknowledged alerts every `escalateMs`.
 * @example const worker = startMonitoringWorker(ctx); ... await worker.stop();
 */
export function startMonitoringWorker(ctx: ServiceContext, opts: { intervalMs?: number; escalateMs?: number } = {}): MonitoringWorker {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let lastEscalation = 0;
  const pass = async () => {
    try {
      while (!stopped && (await drainMonitorQueue(ctx)) > 0);
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
