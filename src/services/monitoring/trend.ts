// The Harrison-Stevens filter of every output series (unit, product), its state kept in
// series_filter and moved on by each report batch, one update per reported day in day order.
import {
  HS_STATE_BYTES,
  createHsFilter,
  deserializeHsFilter,
  packHsStates,
  serializeHsFilter,
  unpackHsState,
  updateHsFilter,
  type HsFilter,
  type HsFilterState,
  type HsUpdate,
} from '../../engine/monitoring/index.js';
import { hexBytes, hexText, intArray, textArray, type Queryable } from '../../store/index.js';
import type { ServiceContext } from '../context.js';
import type { AlertSignal, SeriesSignals } from './alerts.js';
import { microToNumber, readFigures, seriesKey, type Figure } from './figures.js';
import type { OutputChange } from './records.js';

interface FilterRow {
  unit_id: number;
  product_id: number;
  last_day: string;
  /** The packed state as hex (see hs-state-codec.ts). */
  state: string;
}

/** What an alert keeps of one filter update (rounded), with the observed value. */
export function signalDetail(u: HsUpdate, value: number): Record<string, unknown> {
  const r = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);
  return {
    value,
    z: r(u.z),
    level: r(u.level),
    slope: r(u.slope),
    p_step: r(u.probabilities.step),
    p_slope: r(u.probabilities.slope),
    p_outlier: r(u.probabilities.outlier),
    forecast_next: r(u.forecast),
  };
}

/**
 * A new filter run over figures (days ascending); `onStep` sees each update.
 * @example const f = runFilter(figures).filter;
 */
export function runFilter(figures: readonly Figure[], start?: HsFilter, onStep?: (f: Figure, u: HsUpdate) => void): { filter: HsFilter; last: HsUpdate | null } {
  let filter = start;
  if (!filter) {
    const created = createHsFilter();
    if (!created.ok) throw new Error(`monitoring filter: ${created.error.message}`);
    filter = created.value;
  }
  let last: HsUpdate | null = null;
  for (const f of figures) {
    const u = updateHsFilter(filter, microToNumber(f.micro));
    if (!u.ok) throw new Error(`monitoring filter: ${u.error.message}`);
    last = u.value;
    onStep?.(f, u.value);
  }
  return { filter, last };
}

/**
 * Moves the filters of the series a batch touched and returns what each said per new day.
 * A series already filtered past every changed day is continued from its stored state with its
 * figures after that day. A correction or late report of a day already absorbed re-runs that
 * series from its whole history in report_current (the filter is path-dependent, so patching is
 * not possible); only days after the previously absorbed one count as new, and when there are
 * none the re-run's final status is passed on once as a re-evaluation. A series never filtered
 * is started from its history; days before the batch's earliest change are warm-up, not signals.
 * Figures are one update per reported day: rest days without a report are not observations.
 * @example const signals = await updateTrends(tx, ctx, changes, new Date());
 */
export async function updateTrends(tx: Queryable, ctx: ServiceContext, changes: readonly OutputChange[], at: Date): Promise<SeriesSignals[]> {
  if (changes.length === 0) return [];
  const first = new Map<string, { unitId: number; productId: number; day: string }>();
  for (const c of changes) {
    const k = seriesKey(c.unitId, c.productId);
    const cur = first.get(k);
    if (!cur || c.day < cur.day) first.set(k, { unitId: c.unitId, productId: c.productId, day: c.day });
  }
  const series = [...first.values()].sort((a, b) => a.unitId - b.unitId || a.productId - b.productId);
  const stored = await tx.query<FilterRow & Record<string, unknown>>(
    `select f.unit_id, f.product_id, f.last_day::text as last_day, ${STORED_STATE_SQL}
       from series_filter f join unnest($2::int[], $3::int[]) as k(u, p) on f.unit_id = k.u and f.product_id = k.p
      where f.org = $1 and f.kind = 'output' order by f.unit_id, f.product_id for update of f`,
    [ctx.org, series.map((s) => s.unitId), series.map((s) => s.productId)],
  );
  const byKey = new Map(stored.map((r) => [seriesKey(r.unit_id, r.product_id), r]));
  const plans = series.map((s) => {
    const row = byKey.get(seriesKey(s.unitId, s.productId));
    let resumed: HsFilter | undefined;
    if (row && s.day > row.last_day) {
      const d = deserializeHsFilter(storedState(row.state));
      if (d.ok) resumed = d.value;
    }
    return { ...s, row, resumed };
  });
  const figures = await readFigures(tx, ctx.org, plans.map((p) => ({
    unitId: p.unitId, productId: p.productId, kind: 'output' as const, from: p.resumed ? nextDay(p.row!.last_day) : undefined,
  })));
  const out: SeriesSignals[] = [];
  const saves: { unitId: number; productId: number; lastDay: string; count: number; status: string; state: HsFilterState }[] = [];
  for (const p of plans) {
    const figs = figures.get(seriesKey(p.unitId, p.productId)) ?? [];
    if (figs.length === 0) continue;
    const signals: AlertSignal[] = [];
    // live days: after the previously absorbed day, or from the batch's first change for a new series
    const liveFrom = p.row ? nextDay(p.row.last_day) : p.day;
    const { filter, last } = runFilter(figs, p.resumed, (f, u) => {
      if (f.day >= liveFrom) signals.push({ day: f.day, status: u.status, counts: true, detail: signalDetail(u, microToNumber(f.micro)) });
    });
    const lastFig = figs[figs.length - 1];
    if (signals.length === 0 && p.row && last) {
      signals.push({ day: lastFig.day, status: last.status, counts: false, detail: { ...signalDetail(last, microToNumber(lastFig.micro)), reevaluated: true } });
    }
    out.push({ unitId: p.unitId, productId: p.productId, signals });
    const state = serializeHsFilter(filter);
    const lastDay = p.resumed && p.row!.last_day > lastFig.day ? p.row!.last_day : lastFig.day;
    saves.push({ unitId: p.unitId, productId: p.productId, lastDay, count: state.count, status: state.status, state });
  }
  await saveFilters(tx, ctx.org, saves, at);
  return out;
}

/** A filter state as series_filter keeps it (packed, see hs-state-codec.ts), read as `encode(state, 'hex')`. */
export const STORED_STATE_SQL = `encode(f.state, 'hex') as state`;

/** The state of a row read with STORED_STATE_SQL, for loadSeries or deserializeHsFilter to check (null: not a packed state). */
export function storedState(hex: string): HsFilterState | null {
  return unpackHsState(hexBytes(hex));
}

/** Writes filter states (insert or replace); the one writer of series_filter, for the hook, the worker and rebuilds. */
export async function saveFilters(
  tx: Queryable,
  org: number,
  saves: readonly { unitId: number; productId: number; lastDay: string; count: number; status: string; state: HsFilterState }[],
  at: Date,
): Promise<void> {
  if (saves.length === 0) return;
  await tx.query(
    `insert into series_filter (org, unit_id, product_id, kind, last_day, count, status, state, updated_at)
     select $1, u, p, 'output', d, n, s, substring(b.states from (i::int - 1) * ${HS_STATE_BYTES} + 1 for ${HS_STATE_BYTES}), $8
       from unnest($2::int[], $3::int[], $4::date[], $5::int[], $6::text[]) with ordinality as t(u, p, d, n, s, i),
            (select decode($7::text, 'hex') as states) b
     on conflict (org, unit_id, product_id, kind) do update set
       last_day = excluded.last_day, count = excluded.count, status = excluded.status, state = excluded.state, updated_at = excluded.updated_at`,
    [org, intArray(saves.map((s) => s.unitId)), intArray(saves.map((s) => s.productId)), textArray(saves.map((s) => s.lastDay)), intArray(saves.map((s) => s.count)),
      textArray(saves.map((s) => s.status)), hexText(packHsStates(saves.map((s) => s.state))), at.toISOString()],
  );
}

/**
 * The filter of one series run over its whole history in report_current (in memory: nothing is
 * written), and that series' figures. It is the same filter, on the same figures in the same
 * order, as the hook keeps in series_filter, so it ends in the same state; running it afresh
 * (at most a few hundred updates) keeps forecasts right even for a series the hook never saw.
 * @example const { filter, figures } = await currentFilter(ctx.store, ctx.org, 5, 3);
 */
export async function currentFilter(q: Queryable, org: number, unitId: number, productId: number): Promise<{ filter: HsFilter; figures: Figure[]; last: HsUpdate | null }> {
  const all = (await readFigures(q, org, [{ unitId, productId, kind: 'output' }])).get(seriesKey(unitId, productId)) ?? [];
  const { filter, last } = runFilter(all);
  return { filter, figures: all, last };
}

function nextDay(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
