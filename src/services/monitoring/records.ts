// Records: a unit's best day and best month of each product (output), kept incrementally from the
// report hook, with an event for every new record and withdrawal of events a correction disproves.
import { intArray, textArray, type Queryable } from '../../store/index.js';
import type { ServiceContext } from '../context.js';
import { fromMicro, toMicro } from '../reporting/micro.js';
import type { ReportingModel } from '../reporting/model-cache.js';
import { monthBounds, monthOf, monthTotals, readFigures, seriesKey, type Figure } from './figures.js';

/** One applied change of an output figure, as the hook sees it (quantities in millionths). */
export interface OutputChange {
  readonly unitId: number;
  readonly productId: number;
  readonly day: string;
  /** New figure minus the previous one. */
  readonly delta: bigint;
  /** True when the day had no figure before this batch. */
  readonly first: boolean;
}

/** A record: the period that holds it (a day or a month id) and its quantity in millionths. */
export interface Best {
  readonly period: string;
  readonly qty: bigint;
}

/** The records of one series after a batch, and what the batch did to its months (for standards). */
export interface SeriesRecords {
  readonly unitId: number;
  readonly productId: number;
  readonly bestDay: Best | null;
  readonly bestMonth: Best | null;
  /** Totals after the batch of the months it touched. */
  readonly touchedMonths: ReadonlyMap<string, bigint>;
}

/**
 * The record among (period, quantity) pairs: the highest positive quantity, the earliest period
 * on ties (a record must be beaten, not equalled); null when none is positive.
 * @example bestOf([{ period: '2026-03-02', qty: 5n }, { period: '2026-03-01', qty: 5n }]) // { period: '2026-03-01', qty: 5n }
 */
export function bestOf(items: Iterable<Best>): Best | null {
  let best: Best | null = null;
  for (const it of items) {
    if (it.qty <= 0n) continue;
    if (!best || it.qty > best.qty || (it.qty === best.qty && it.period < best.period)) best = it;
  }
  return best;
}

/**
 * Best day and best month of a series' figures.
 * @example bestsOfFigures(figures).month // { period: '2026-M01', qty: 132956549000n }
 */
export function bestsOfFigures(figures: readonly Figure[]): { day: Best | null; month: Best | null } {
  const months = new Map<string, bigint>();
  for (const f of figures) months.set(monthOf(f.day), (months.get(monthOf(f.day)) ?? 0n) + f.micro);
  return {
    day: bestOf(figures.map((f) => ({ period: f.day, qty: f.micro }))),
    month: bestOf([...months].map(([period, qty]) => ({ period, qty }))),
  };
}

const pairKey = (u: number, p: number) => `${u}|${p}`;

/** A series' stored records (series_record), as read back. */
export interface StoredRecord {
  unit_id: number;
  product_id: number;
  best_day: string | null;
  best_day_qty: string | null;
  best_month: string | null;
  best_month_qty: string | null;
}

function storedBest(period: string | null, qty: string | null): Best | null {
  return period !== null && qty !== null ? { period, qty: toMicro(qty) } : null;
}

/**
 * Applies a batch's output changes to the records: initialises a series never seen from its
 * history before the batch, detects new records (an event each), recomputes a record from
 * report_current when a correction lowers it, and withdraws record events a correction disproves.
 * Runs in the batch's transaction, after report_current holds the new figures.
 * @example const after = await updateRecords(tx, ctx, changes, new Date());
 */
export async function updateRecords(tx: Queryable, ctx: ServiceContext, changes: readonly OutputChange[], at: Date): Promise<SeriesRecords[]> {
  if (changes.length === 0) return [];
  const bySeries = new Map<string, OutputChange[]>();
  for (const c of changes) {
    const k = pairKey(c.unitId, c.productId);
    const list = bySeries.get(k) ?? [];
    list.push(c);
    bySeries.set(k, list);
  }
  const series = [...bySeries.values()].map((l) => ({ unitId: l[0].unitId, productId: l[0].productId, changes: l.sort((a, b) => (a.day < b.day ? -1 : 1)) }));
  series.sort((a, b) => a.unitId - b.unitId || a.productId - b.productId);
  const units = series.map((s) => s.unitId);
  const products = series.map((s) => s.productId);

  // Rows are created (and so locked) in key order; the new ones need their history read first.
  const fresh = await tx.query<{ unit_id: number; product_id: number }>(
    `insert into series_record (org, unit_id, product_id, updated_at)
     select $1, u, p, $4 from unnest($2::int[], $3::int[]) as t(u, p) order by u, p
     on conflict do nothing returning unit_id, product_id`,
    [ctx.org, units, products, at.toISOString()],
  );
  const stored = await tx.query<StoredRecord & Record<string, unknown>>(
    `select r.unit_id, r.product_id, r.best_day::text as best_day, r.best_day_qty::text as best_day_qty, r.best_month, r.best_month_qty::text as best_month_qty
       from series_record r join unnest($2::int[], $3::int[]) as t(u, p) on r.unit_id = t.u and r.product_id = t.p
      where r.org = $1 order by r.unit_id, r.product_id for update of r`,
    [ctx.org, units, products],
  );
  const before = new Map<string, { day: Best | null; month: Best | null }>();
  for (const r of stored) before.set(pairKey(r.unit_id, r.product_id), { day: storedBest(r.best_day, r.best_day_qty), month: storedBest(r.best_month, r.best_month_qty) });

  // Touched days and months, read after the batch: changed day figures and touched month totals.
  const ranges = series.map((s) => ({ unitId: s.unitId, productId: s.productId, kind: 'output' as const, from: s.changes[0].day, to: s.changes[s.changes.length - 1].day }));
  const dayFigures = await readFigures(tx, ctx.org, ranges);
  const monthRanges = series.map((s) => ({
    unitId: s.unitId, productId: s.productId, kind: 'output' as const,
    from: monthBounds(monthOf(s.changes[0].day))[0], to: monthBounds(monthOf(s.changes[s.changes.length - 1].day))[1],
  }));
  const months = await monthTotals(tx, ctx.org, monthRanges);

  if (fresh.length) {
    // A series first seen: its records before this batch are its history with the batch undone.
    const freshSet = new Set(fresh.map((f) => pairKey(f.unit_id, f.product_id)));
    const freshSeries = series.filter((s) => freshSet.has(pairKey(s.unitId, s.productId)));
    const all = await readFigures(tx, ctx.org, freshSeries.map((s) => ({ unitId: s.unitId, productId: s.productId, kind: 'output' as const })));
    for (const s of freshSeries) {
      const undo = new Map(s.changes.map((c) => [c.day, c]));
      const prior: Figure[] = [];
      for (const f of all.get(seriesKey(s.unitId, s.productId)) ?? []) {
        const c = undo.get(f.day);
        if (!c) prior.push(f);
        else if (!c.first) prior.push({ day: f.day, micro: f.micro - c.delta });
      }
      before.set(pairKey(s.unitId, s.productId), bestsOfFigures(prior));
    }
  }

  const results: SeriesRecords[] = [];
  const recompute: typeof series = [];
  const newState = new Map<string, { day: Best | null; month: Best | null }>();
  for (const s of series) {
    const k = pairKey(s.unitId, s.productId);
    const old = before.get(k) ?? { day: null, month: null };
    const figs = new Map((dayFigures.get(seriesKey(s.unitId, s.productId)) ?? []).map((f) => [f.day, f.micro]));
    const changedDays = s.changes.map((c) => ({ period: c.day, qty: figs.get(c.day) ?? 0n }));
    const touched = new Map<string, bigint>();
    const mt = months.get(seriesKey(s.unitId, s.productId)) ?? new Map<string, bigint>();
    for (const c of s.changes) touched.set(monthOf(c.day), mt.get(monthOf(c.day)) ?? 0n);
    const touchedMonths = [...touched].map(([period, qty]) => ({ period, qty }));
    // The new record is the best of the changed periods and the old record (unless the old
    // record's own period changed: then its new figure is among the changed ones). A lowered
    // record cannot be patched: the next best may be any other day or month, so it is recomputed.
    const next = (old: Best | null, items: Best[]): Best | null | 'recompute' => {
      const own = old ? items.find((i) => i.period === old.period) : undefined;
      if (old && own && own.qty < old.qty) return 'recompute';
      return bestOf(old && !own ? [old, ...items] : items);
    };
    const day = next(old.day, changedDays);
    const month = next(old.month, touchedMonths);
    if (day === 'recompute' || month === 'recompute') recompute.push(s);
    newState.set(k, { day: day === 'recompute' ? null : day, month: month === 'recompute' ? null : month });
    results.push({ unitId: s.unitId, productId: s.productId, bestDay: null, bestMonth: null, touchedMonths: touched });
  }
  if (recompute.length) {
    const all = await readFigures(tx, ctx.org, recompute.map((s) => ({ unitId: s.unitId, productId: s.productId, kind: 'output' as const })));
    for (const s of recompute) newState.set(pairKey(s.unitId, s.productId), bestsOfFigures(all.get(seriesKey(s.unitId, s.productId)) ?? []));
  }

  // Events: a new record where a different period now holds a higher figure than before.
  const events: { unitId: number; productId: number; scope: 'day' | 'month'; now: Best; prev: Best }[] = [];
  for (const s of series) {
    const k = pairKey(s.unitId, s.productId);
    const old = before.get(k)!;
    const now = newState.get(k)!;
    for (const scope of ['day', 'month'] as const) {
      const a = old[scope];
      const b = now[scope];
      if (a && b && b.period !== a.period && b.qty > a.qty) events.push({ unitId: s.unitId, productId: s.productId, scope, now: b, prev: a });
    }
  }
  if (events.length) {
    await tx.query(
      `insert into record_event (org, unit_id, product_id, scope, period, quantity, previous_period, previous_quantity, at)
       select $1, u, p, s, pe, q, pp, pq, $9 from unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::numeric[]) as t(u, p, s, pe, q, pp, pq)`,
      [ctx.org, events.map((e) => e.unitId), events.map((e) => e.productId), events.map((e) => e.scope), events.map((e) => e.now.period),
        events.map((e) => fromMicro(e.now.qty)), events.map((e) => e.prev.period), events.map((e) => fromMicro(e.prev.qty)), at.toISOString()],
    );
  }

  // Earlier events of a touched day or month follow its figure: withdrawn when the corrected figure
  // no longer beats the record it was said to beat, else their quantity is brought up to date.
  const eu: number[] = [], ep: number[] = [], es: string[] = [], epe: string[] = [], eq: string[] = [];
  for (const s of series) {
    const figs = new Map((dayFigures.get(seriesKey(s.unitId, s.productId)) ?? []).map((f) => [f.day, f.micro]));
    const r = results.find((x) => x.unitId === s.unitId && x.productId === s.productId)!;
    for (const c of s.changes) {
      eu.push(s.unitId); ep.push(s.productId); es.push('day'); epe.push(c.day); eq.push(fromMicro(figs.get(c.day) ?? 0n));
    }
    for (const [m, q] of r.touchedMonths) {
      eu.push(s.unitId); ep.push(s.productId); es.push('month'); epe.push(m); eq.push(fromMicro(q));
    }
  }
  await followRecordEvents(tx, ctx.org, { u: eu, p: ep, s: es, pe: epe, q: eq }, at.toISOString());

  const out: SeriesRecords[] = [];
  for (const r of results) {
    const now = newState.get(pairKey(r.unitId, r.productId))!;
    out.push({ ...r, bestDay: now.day, bestMonth: now.month });
  }
  await tx.query(
    `update series_record r set best_day = t.bd, best_day_qty = t.bdq, best_month = t.bm, best_month_qty = t.bmq, updated_at = $8
       from unnest($2::int[], $3::int[], $4::date[], $5::numeric[], $6::text[], $7::numeric[]) as t(u, p, bd, bdq, bm, bmq)
      where r.org = $1 and r.unit_id = t.u and r.product_id = t.p`,
    [ctx.org, out.map((r) => r.unitId), out.map((r) => r.productId), out.map((r) => r.bestDay?.period ?? null), out.map((r) => (r.bestDay ? fromMicro(r.bestDay.qty) : null)),
      out.map((r) => r.bestMonth?.period ?? null), out.map((r) => (r.bestMonth ? fromMicro(r.bestMonth.qty) : null)), at.toISOString()],
  );
  return out;
}

/** A record as the API shows it. */
export interface RecordView {
  readonly product: string;
  readonly best_day: { readonly date: string; readonly quantity: string } | null;
  readonly best_month: { readonly period: string; readonly quantity: string } | null;
}

/** A record event as the API shows it. */
export interface RecordEventView {
  readonly id: number;
  readonly product: string;
  readonly scope: 'day' | 'month';
  readonly period: string;
  readonly quantity: string;
  readonly previous_period: string | null;
  readonly previous_quantity: string | null;
  readonly at: string;
  readonly withdrawn_at: string | null;
  readonly withdrawn_reason: string | null;
}

/**
 * Best day and best month of a unit's products (or one product), and its record events, newest
 * first. Series the report hook has not yet seen are computed from report_current.
 * @example await unitRecords(ctx, model, 'U-000001', 'cement')
 */
export async function unitRecords(
  ctx: ServiceContext,
  model: ReportingModel,
  unitId: number,
  productIds: readonly number[],
): Promise<{ records: RecordView[]; events: RecordEventView[] }> {
  const code = (id: number) => model.productsById.get(id)?.code ?? String(id);
  const stored = await ctx.store.query<StoredRecord & Record<string, unknown>>(
    `select unit_id, product_id, best_day::text as best_day, best_day_qty::text as best_day_qty, best_month, best_month_qty::text as best_month_qty
       from series_record where org = $1 and unit_id = $2 and product_id = any($3::int[])`,
    [ctx.org, unitId, productIds],
  );
  const byProduct = new Map(stored.map((r) => [r.product_id, { day: storedBest(r.best_day, r.best_day_qty), month: storedBest(r.best_month, r.best_month_qty) }]));
  const missing = productIds.filter((p) => !byProduct.has(p));
  if (missing.length) {
    const all = await readFigures(ctx.store, ctx.org, missing.map((p) => ({ unitId, productId: p, kind: 'output' as const })));
    for (const p of missing) byProduct.set(p, bestsOfFigures(all.get(seriesKey(unitId, p)) ?? []));
  }
  const records = productIds.map((p) => {
    const b = byProduct.get(p)!;
    return {
      product: code(p),
      best_day: b.day ? { date: b.day.period, quantity: fromMicro(b.day.qty) } : null,
      best_month: b.month ? { period: b.month.period, quantity: fromMicro(b.month.qty) } : null,
    };
  });
  const rows = await ctx.store.query<{
    id: number; product_id: number; scope: 'day' | 'month'; period: string; quantity: string; previous_period: string | null;
    previous_quantity: string | null; at: Date | string; withdrawn_at: Date | string | null; withdrawn_reason: string | null;
  }>(
    `select id, product_id, scope, period, quantity::text as quantity, previous_period, previous_quantity::text as previous_quantity, at, withdrawn_at, withdrawn_reason
       from record_event where org = $1 and unit_id = $2 and product_id = any($3::int[]) order by at desc, id desc limit 500`,
    [ctx.org, unitId, productIds],
  );
  const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
  const events = rows.map((r) => ({
    id: Number(r.id),
    product: code(r.product_id),
    scope: r.scope,
    period: r.period,
    quantity: r.quantity,
    previous_period: r.previous_period,
    previous_quantity: r.previous_quantity,
    at: iso(r.at)!,
    withdrawn_at: iso(r.withdrawn_at),
    withdrawn_reason: r.withdrawn_reason,
  }));
  return { records, events };
}

/** Figures of touched days and months, per series and scope, as parallel columns (q: decimal text). */
export interface FollowedFigures {
  readonly u: readonly number[];
  readonly p: readonly number[];
  readonly s: readonly string[];
  readonly pe: readonly string[];
  readonly q: readonly string[];
}

/**
 * Earlier record events of a touched day or month follow its figure: withdrawn when the corrected
 * figure no longer beats the record it was said to beat, else their quantity is brought up to date.
 * @example await followRecordEvents(tx, 1, { u: [7], p: [3], s: ['day'], pe: ['2026-03-02'], q: ['120'] }, at)
 */
export async function followRecordEvents(tx: Queryable, org: number, f: FollowedFigures, atIso: string): Promise<void> {
  if (f.u.length === 0) return;
  await tx.query(
    `with v as (select * from unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::numeric[]) as t(u, p, s, pe, q))
     update record_event e set
       withdrawn_at = case when e.previous_quantity is not null and v.q <= e.previous_quantity then $7::timestamptz end,
       withdrawn_reason = case when e.previous_quantity is not null and v.q <= e.previous_quantity
         then 'corrected to ' || v.q::text || ', not above the previous record ' || e.previous_quantity::text end,
       quantity = case when e.previous_quantity is not null and v.q <= e.previous_quantity then e.quantity else v.q end
       from v
      where e.org = $1 and e.unit_id = v.u and e.product_id = v.p and e.scope = v.s and e.period = v.pe
        and e.withdrawn_at is null and e.quantity <> v.q`,
    [org, intArray(f.u), intArray(f.p), textArray(f.s), textArray(f.pe), textArray(f.q), atIso],
  );
}
