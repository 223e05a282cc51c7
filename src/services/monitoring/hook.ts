// The report hook that keeps records, standards, trend filters and alerts in step with every
// report batch, and the rebuild that initialises them all from report_current at once.
import type { Calendar } from '../../domain/calendar.js';
import type { Queryable } from '../../store/index.js';
import type { ServiceContext } from '../context.js';
import type { AppliedChange } from '../reporting/cells.js';
import { reportingModel, type ReportingModel } from '../reporting/model-cache.js';
import { fromMicro } from '../reporting/micro.js';
import { offReports, onReports, type ReportHook } from '../reporting/submit.js';
import { enqueueHook } from './queue.js';
import { applySignals } from './alerts.js';
import { readFigures, seriesKey } from './figures.js';
import { checkPlausibility } from './plausibility.js';
import { bestsOfFigures, updateRecords, type OutputChange } from './records.js';
import { monitoringSettings } from './settings.js';
import { proposeStandards } from './standards.js';
import { runFilter, saveFilters, updateTrends } from './trend.js';
import { serializeHsFilter } from '../../engine/monitoring/index.js';
import { calendarFrom } from './workdays.js';

/** What to do when monitoring fails inside a report batch. */
export interface MonitoringOptions {
  /**
   * Called with the error after monitoring's work in the batch was rolled back to its savepoint.
   * Return normally to let the reports commit without it (the default logs the error: reports are
   * the source of truth, and the next batch or rebuildMonitoring catches monitoring up); throw to
   * fail the whole batch (tests do).
   */
  readonly onError?: (error: unknown) => void;
  /**
   * `inline` (default): monitoring runs inside each report batch's transaction. `queued`: the batch
   * only enqueues its changes and a worker (startMonitoringWorker) applies them shortly after, so
   * ingest is not slowed by monitoring. The server uses `queued`.
   */
  readonly mode?: 'inline' | 'queued';
}

let options: MonitoringOptions = {};

/**
 * Monitoring's work for one batch, inside its transaction: records and record events, standard
 * proposals, the trend filter of each output series and its alerts, and input plausibility of each
 * touched unit-day. Only physical (sum) indicators are monitored.
 * @example await runMonitoring(tx, ctx, model, changes);
 */
export async function runMonitoring(tx: Queryable, ctx: ServiceContext, model: ReportingModel, changes: readonly AppliedChange[]): Promise<void> {
  const sum = changes.filter((c) => model.productsById.get(c.productId)?.aggregation === 'sum');
  if (sum.length === 0) return;
  const at = ctx.now?.() ?? new Date();
  const settings = await monitoringSettings(ctx, tx);
  const outputs: OutputChange[] = sum
    .filter((c) => c.kind === 'output')
    .map((c) => ({ unitId: c.unit.id, productId: c.productId, day: c.day, delta: c.delta, first: c.first }));
  let calendar: Calendar | undefined;
  const cal = async () => (calendar ??= await calendarFrom(tx, ctx.org));
  const records = await updateRecords(tx, ctx, outputs, at);
  await proposeStandards(tx, ctx, model, cal, records, settings, at);
  const trends = await updateTrends(tx, ctx, outputs, at);
  await applySignals(tx, ctx, model, 'trend', trends, settings, at);
  const implausible = await checkPlausibility(tx, ctx, model, sum);
  await applySignals(tx, ctx, model, 'implausible', implausible, settings, at);
}

/**
 * The report hook (see onReports in reporting/submit.ts). It runs under a savepoint so a failure
 * of monitoring never half-applies monitoring state; what then happens is MonitoringOptions.onError.
 * @example onReports(monitoringHook); // what registerMonitoring() does
 */
export const monitoringHook: ReportHook = async (tx, ctx, changes, model) => {
  await underSavepoint(tx, changes.length, () => runMonitoring(tx, ctx, model, changes));
};

/**
 * Runs a batch's monitoring `work` of `count` changes under a savepoint: on failure its writes are
 * rolled back and MonitoringOptions.onError decides (the default logs and lets the batch commit).
 * The queue's drain (queue.ts) uses it as the report hook does.
 * @example await underSavepoint(tx, changes.length, () => runMonitoring(tx, ctx, model, changes));
 */
export async function underSavepoint(tx: Queryable, count: number, work: () => Promise<void>): Promise<void> {
  await tx.query('savepoint norma_monitoring');
  try {
    await work();
    await tx.query('release savepoint norma_monitoring');
  } catch (e) {
    await tx.query('rollback to savepoint norma_monitoring');
    if (options.onError) options.onError(e);
    else console.error(`norma: monitoring skipped for a report batch of ${count} changes:`, e);
  }
}

/**
 * Registers the monitoring hook for every report batch (once: later calls register nothing more)
 * and, when given, sets the options. The monitoring routes plugin calls it when it is registered.
 * @example registerMonitoring({ onError: (e) => { throw e; } });
 */
export function registerMonitoring(opts?: MonitoringOptions): void {
  if (opts) options = { ...options, ...opts };
  const hook = options.mode === 'queued' ? enqueueHook : monitoringHook;
  if (registered && registered !== hook) offReports(registered);
  onReports(hook);
  registered = hook;
}

let registered: ReportHook | undefined;

/** What rebuildMonitoring did. */
export interface RebuildSummary {
  readonly series: number;
  readonly ms: number;
}

/**
 * Initialises the records (best day, best month) and the trend filter of every output series from
 * report_current, replacing what was there, in chunks of units each in its own transaction. For a
 * store loaded in bulk (the demo copies reports without the hook): without it each series is
 * initialised lazily by the first batch that touches it, which makes that batch slower. Alerts,
 * record events and proposals are left as they are: history is not re-announced.
 * @example await rebuildMonitoring(ctx) // { series: 4200, ms: 9000 }
 */
export async function rebuildMonitoring(ctx: ServiceContext, chunkUnits = 200): Promise<RebuildSummary> {
  const t0 = Date.now();
  const model = await reportingModel(ctx);
  const at = ctx.now?.() ?? new Date();
  const units = [...model.unitsById.values()].sort((a, b) => a.id - b.id);
  let count = 0;
  for (let i = 0; i < units.length; i += chunkUnits) {
    const series: { unitId: number; productId: number }[] = [];
    for (const u of units.slice(i, i + chunkUnits)) {
      for (const p of [...u.outputs].sort((a, b) => a - b)) if (model.productsById.get(p)?.aggregation === 'sum') series.push({ unitId: u.id, productId: p });
    }
    if (series.length === 0) continue;
    await ctx.store.transaction(async (tx) => {
      const figures = await readFigures(tx, ctx.org, series.map((s) => ({ ...s, kind: 'output' as const })));
      const rec = { u: [] as number[], p: [] as number[], bd: [] as (string | null)[], bdq: [] as (string | null)[], bm: [] as (string | null)[], bmq: [] as (string | null)[] };
      const saves = [];
      for (const s of series) {
        const figs = figures.get(seriesKey(s.unitId, s.productId)) ?? [];
        const b = bestsOfFigures(figs);
        rec.u.push(s.unitId);
        rec.p.push(s.productId);
        rec.bd.push(b.day?.period ?? null);
        rec.bdq.push(b.day ? fromMicro(b.day.qty) : null);
        rec.bm.push(b.month?.period ?? null);
        rec.bmq.push(b.month ? fromMicro(b.month.qty) : null);
        if (figs.length) {
          const state = serializeHsFilter(runFilter(figs).filter);
          saves.push({ ...s, lastDay: figs[figs.length - 1].day, count: state.count, status: state.status, state });
        }
      }
      await tx.query(
        `insert into series_record (org, unit_id, product_id, best_day, best_day_qty, best_month, best_month_qty, updated_at)
         select $1, u, p, bd, bdq, bm, bmq, $8 from unnest($2::int[], $3::int[], $4::date[], $5::numeric[], $6::text[], $7::numeric[]) as t(u, p, bd, bdq, bm, bmq)
         on conflict (org, unit_id, product_id) do update set best_day = excluded.best_day, best_day_qty = excluded.best_day_qty,
           best_month = excluded.best_month, best_month_qty = excluded.best_month_qty, updated_at = excluded.updated_at`,
        [ctx.org, rec.u, rec.p, rec.bd, rec.bdq, rec.bm, rec.bmq, at.toISOString()],
      );
      await saveFilters(tx, ctx.org, saves, at);
    });
    count += series.length;
  }
  return { series: count, ms: Date.now() - t0 };
}
