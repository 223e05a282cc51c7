import { createHash } from 'node:crypto';
import type { Queryable } from '../../store/index.js';
import { boolArray, decimalArray, numberArray, StoreError, textArray } from '../../store/index.js';
import { writeAudit } from '../audit.js';
import { assertUnitRows, nodesOfUnits } from '../auth/scope.js';
import type { ServiceContext } from '../context.js';
import { NormaError } from '../errors.js';
import { cellDeltas, orderedCells, type AppliedChange, type CellDelta } from './cells.js';
import { fromMicro, toMicro } from './micro.js';
import { reportingModel, type ReportingModel } from './model-cache.js';
import { validateReports, type ReportRow, type ValidReport } from './validate.js';

/** What a batch did: new figures, corrections (a new version), and rows equal to the figure in force. */
export interface SubmitSummary {
  readonly rows: number;
  readonly imported: number;
  readonly corrected: number;
  readonly unchanged: number;
}

export interface SubmitOptions {
  /** Who sends the batch (an account or token name). */
  readonly by: string;
  /** 0 for JSON batches (row = index), 1 for files (row = 1-based data row). */
  readonly rowBase: 0 | 1;
  readonly idempotencyKey?: string;
  /** The audit action: `report.submit` (default) or `report.import`. */
  readonly action?: string;
}

/**
 * Writes of rows that many batches share (a node's cells: the nation's, a sector's, a province's).
 * A hook computes them and pushes them here instead of running them: the batch runs them last, back
 * to back and just before its commit, with nothing computed in between, so concurrent batches wait
 * on those rows' locks for the statements alone. (Held from the hook on, the locks queued the other
 * batches behind this one's remaining work: a third of the server's backends were seen waiting on
 * them under 4 concurrent clients.) Each runs in the order pushed, after the hooks' own order.
 */
export type SharedWrites = (() => Promise<unknown>)[];

/** Called in the batch's transaction with what it changed (records, filters and alerts hook in here). */
export type ReportHook = (tx: Queryable, ctx: ServiceContext, changes: readonly AppliedChange[], model: ReportingModel, shared: SharedWrites) => Promise<void>;

export interface SubmitResult {
  readonly summary: SubmitSummary;
  /** The cells whose figures moved, for live subscribers. Empty on an idempotent replay. */
  readonly cells: readonly CellDelta[];
  readonly replayed: boolean;
}

const CHUNK = 5000;
const hooks: ReportHook[] = [];

/** Registers a hook that runs in every report batch's transaction after the figures are applied. */
export function onReports(hook: ReportHook): void {
  if (!hooks.includes(hook)) hooks.push(hook);
}

/** Removes a hook registered with onReports. */
export function offReports(hook: ReportHook): void {
  const i = hooks.indexOf(hook);
  if (i >= 0) hooks.splice(i, 1);
}

function lateness(model: ReportingModel, day: string, at: Date): boolean {
  const due = Date.parse(`${day}T00:00:00Z`) + (model.org.deadlineMinutes - model.org.utcOffsetMinutes) * 60_000;
  return at.getTime() > due;
}

async function applyChunk(tx: Queryable, ctx: ServiceContext, model: ReportingModel, chunk: ValidReport[], by: string, at: Date) {
  // Lock the rows in force in a fixed order so concurrent corrections of one figure cannot deadlock:
  // the lateral probe locks them in the keys' (sorted) order, one primary-key lookup each. A plain
  // join let the planner hash the whole of report_current for every batch below a few 100k rows.
  chunk.sort((a, b) => a.unit.id - b.unit.id || a.productId - b.productId || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const current = await tx.query<{ unit_id: number; product_id: number; kind: string; day: string; version: number; quantity: string; late: boolean }>(
    `select c.unit_id, c.product_id, c.kind, c.day, c.version, c.quantity::text as quantity, c.late
       from unnest($2::int[], $3::int[], $4::text[], $5::date[]) as k(unit_id, product_id, kind, day)
       cross join lateral (
         select * from report_current c
          where c.org = $1 and c.unit_id = k.unit_id and c.product_id = k.product_id and c.kind = k.kind and c.day = k.day
            for update) c`,
    [ctx.org, numberArray(chunk.map((r) => r.unit.id)), numberArray(chunk.map((r) => r.productId)), textArray(chunk.map((r) => r.kind)), textArray(chunk.map((r) => r.day))],
  );
  const byKey = new Map(current.map((c) => [`${c.unit_id}|${c.product_id}|${c.kind}|${c.day}`, c]));
  const changes: AppliedChange[] = [];
  const versions: { r: ValidReport; version: number; late: boolean }[] = [];
  const audited: (string | number | null)[][] = [];
  let imported = 0;
  let corrected = 0;
  let unchanged = 0;
  for (const r of chunk) {
    const prev = byKey.get(`${r.unit.id}|${r.productId}|${r.kind}|${r.day}`);
    if (!prev) {
      const late = lateness(model, r.day, at);
      imported++;
      versions.push({ r, version: 1, late });
      const figure = toMicro(r.quantity);
      changes.push({ unit: r.unit, productId: r.productId, kind: r.kind, day: r.day, delta: figure, first: true, late, figure });
    } else {
      const was = toMicro(prev.quantity);
      const figure = toMicro(r.quantity);
      if (was === figure) unchanged++;
      else {
        corrected++;
        versions.push({ r, version: prev.version + 1, late: prev.late });
        changes.push({ unit: r.unit, productId: r.productId, kind: r.kind, day: r.day, delta: figure - was, first: false, late: prev.late, figure });
      }
    }
  }
  for (const v of versions) {
    audited.push([v.r.unit.code, model.productsById.get(v.r.productId)?.code ?? v.r.productId, v.r.kind, v.r.day, v.version === 1 ? null : v.version - 1, v.version]);
  }
  if (versions.length) {
    const cols = {
      unit: numberArray(versions.map((v) => v.r.unit.id)),
      product: numberArray(versions.map((v) => v.r.productId)),
      kind: textArray(versions.map((v) => v.r.kind)),
      day: textArray(versions.map((v) => v.r.day)),
      version: numberArray(versions.map((v) => v.version)),
      quantity: decimalArray(versions.map((v) => v.r.quantity)),
      note: textArray(versions.map((v) => v.r.note)),
      late: boolArray(versions.map((v) => v.late)),
    };
    await tx.query(
      `insert into report (org, unit_id, product_id, kind, day, version, quantity, reported_at, reported_by, note, late)
       select $1, u, p, k, d, v, q, $2, $3, n, l
         from unnest($4::int[], $5::int[], $6::text[], $7::date[], $8::int[], $9::numeric[], $10::text[], $11::boolean[]) as t(u, p, k, d, v, q, n, l)`,
      [ctx.org, at.toISOString(), by, cols.unit, cols.product, cols.kind, cols.day, cols.version, cols.quantity, cols.note, cols.late],
    );
    await tx.query(
      `insert into report_current (org, unit_id, product_id, kind, day, version, quantity, late)
       select $1, u, p, k, d, v, q, l
         from unnest($2::int[], $3::int[], $4::text[], $5::date[], $6::int[], $7::numeric[], $8::boolean[]) as t(u, p, k, d, v, q, l)
       on conflict (org, unit_id, product_id, kind, day) do update set version = excluded.version, quantity = excluded.quantity`,
      [ctx.org, cols.unit, cols.product, cols.kind, cols.day, cols.version, cols.quantity, cols.late],
    );
  }
  return { changes, imported, corrected, unchanged, audited };
}

/** Adds cell deltas to actual_cell (weighted indicators are computed from report_current instead). */
export async function applyCells(tx: Queryable, org: number, cells: readonly CellDelta[]): Promise<void> {
  for (let i = 0; i < cells.length; i += CHUNK) {
    const part = cells.slice(i, i + CHUNK);
    await tx.query(
      `insert into actual_cell (org, sector, region, product_id, kind, period, quantity, reports, late)
       select $1, s, r, p, k, pe, q, n, l
         from unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::numeric[], $8::int[], $9::int[]) as t(s, r, p, k, pe, q, n, l)
       on conflict (org, sector, region, product_id, kind, period) do update set
         quantity = actual_cell.quantity + excluded.quantity,
         reports = actual_cell.reports + excluded.reports,
         late = actual_cell.late + excluded.late`,
      [org, textArray(part.map((c) => c.sector)), textArray(part.map((c) => c.region)), numberArray(part.map((c) => c.productId)), textArray(part.map((c) => c.kind)),
        textArray(part.map((c) => c.period)), decimalArray(part.map((c) => fromMicro(c.quantity))), numberArray(part.map((c) => c.reports)), numberArray(part.map((c) => c.late))],
    );
  }
}

function requestHash(rows: readonly ReportRow[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/**
 * Validates and applies a batch of reports in one transaction: all rows or none. A row for a unit,
 * product, kind and day already reported is a correction (a new version) unless its quantity is the
 * same. Actual cells move in the same transaction. With an idempotency key, a repeated request
 * returns the first answer and changes nothing.
 * @example await submitReports(ctx, [{ unit: 'U-000001', product: 'cement', date: '2026-11-22', quantity: 120 }], { by: 'api', rowBase: 0 });
 */
export async function submitReports(ctx: ServiceContext, rows: readonly ReportRow[], opts: SubmitOptions): Promise<SubmitResult> {
  // Scope first: a row outside the actor's subtree refuses the batch before anything else is read.
  if (ctx.actor) await assertUnitRows(ctx, ctx.actor, rows.map((r) => (r as { unit?: unknown }).unit), opts.rowBase);
  const hash = opts.idempotencyKey ? requestHash(rows) : '';
  if (opts.idempotencyKey) {
    const replay = await findReplay(ctx, opts.idempotencyKey, hash);
    if (replay) return replay;
  }
  const model = await reportingModel(ctx);
  const closed = await ctx.store.query<{ period: string }>('select period from closed_period where org = $1', [ctx.org]);
  const checked = validateReports(rows, { model, today: ctx.today(), closedPeriods: new Set(closed.map((c) => c.period)), rowBase: opts.rowBase });
  if (!checked.ok) {
    const first = checked.errors[0];
    throw new NormaError(
      'NORMA_ERR_VALIDATION',
      `${checked.errors.length} bad row${checked.errors.length === 1 ? '' : 's'}; nothing was applied (first: row ${first.row}, ${first.field}: ${first.reason})`,
      checked.errors,
    );
  }
  const at = ctx.now?.() ?? new Date();
  try {
    return await ctx.store.transaction(async (tx) => {
      let imported = 0;
      let corrected = 0;
      let unchanged = 0;
      const changes: AppliedChange[] = [];
      const audited: (string | number | null)[][] = [];
      for (let i = 0; i < checked.reports.length; i += CHUNK) {
        const r = await applyChunk(tx, ctx, model, checked.reports.slice(i, i + CHUNK), opts.by, at);
        imported += r.imported;
        corrected += r.corrected;
        unchanged += r.unchanged;
        changes.push(...r.changes);
        for (const a of r.audited) audited.push(a);
      }
      // Rollups are kept for output of physical products; consumption is checked per unit (plausibility).
      const sumChanges = changes.filter((c) => c.kind === 'output' && model.productsById.get(c.productId)?.aggregation === 'sum');
      const cells = orderedCells(cellDeltas(sumChanges));
      const shared: SharedWrites = [];
      for (const hook of hooks) await hook(tx, ctx, changes, model, shared);
      const summary: SubmitSummary = { rows: rows.length, imported, corrected, unchanged };
      await writeAudit(tx, ctx, {
        action: opts.action ?? 'report.submit',
        target: 'reports',
        nodes: nodesOfUnits(model, new Set(checked.reports.map((r) => r.unit.code))),
        detail: { ...summary, idempotency_key: opts.idempotencyKey ?? null, columns: ['unit', 'product', 'kind', 'date', 'version_before', 'version_after'], changed: audited },
      });
      if (opts.idempotencyKey) {
        await tx.query('insert into idempotency (org, key, request_hash, status, response) values ($1, $2, $3, 200, $4)', [
          ctx.org, opts.idempotencyKey, hash, JSON.stringify(summary),
        ]);
      }
      // Shared rows last (see SharedWrites): the hooks' cells, then actual_cell (units' cells first,
      // the nation's last). Every batch takes them in this order, each table's rows sorted.
      for (const write of shared) await write();
      await applyCells(tx, ctx.org, cells);
      return { summary, cells, replayed: false };
    });
  } catch (e) {
    // Two requests with one key at once: the second loses the insert race and answers as a replay.
    if (opts.idempotencyKey && e instanceof StoreError && e.sqlState === '23505') {
      const replay = await findReplay(ctx, opts.idempotencyKey, hash);
      if (replay) return replay;
    }
    throw e;
  }
}

async function findReplay(ctx: ServiceContext, key: string, hash: string): Promise<SubmitResult | null> {
  const [prior] = await ctx.store.query<{ request_hash: string; response: SubmitSummary }>(
    'select request_hash, response from idempotency where org = $1 and key = $2',
    [ctx.org, key],
  );
  if (!prior) return null;
  if (prior.request_hash !== hash) {
    throw new NormaError('NORMA_ERR_CONFLICT', `Idempotency-Key ${JSON.stringify(key)} was used before with a different request body`, [
      { field: 'Idempotency-Key', reason: 'reused with a different body' },
    ]);
  }
  return { summary: prior.response, cells: [], replayed: true };
}
