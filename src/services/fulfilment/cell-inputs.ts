// What the fulfilment of a set of cells (a node and its children, or one node or cut) is computed
// from, read for all the cells at once with one set-based statement (cells joined from unnest):
// actuals of the period's stored parts and of the projection's history days, targets, and
// units_fulfilled from the kept count cells, plus (unit-inputs.ts, alongside) each unit's actual and
// targets where the count is computed from the units. Every figure comes from where the one-cell
// query read it before batching: the rolled-up cells (actual_cell, target_cell, fulfil_actual,
// fulfil_cell); units, and cells before the kept cells are built, sum their units' cells and figures
// in force.
import type { Period } from '../../domain/period.js';
import type { ServiceContext } from '../context.js';
import { NATION } from '../trees.js';
import { toMicro } from '../reporting/micro.js';
import type { ReportingModel, UnitInfo } from '../reporting/model-cache.js';
import { dayWindowFrom, monthsOf, targetPeriods } from './parts.js';
import { isKept, isKeptCut } from './units-fulfilled.js';
import { readUnitInputs, type UnitInputs } from './unit-inputs.js';

/** A cell of the fulfilment query: a node of one tree (the other side the nation), a sector x region cut, or a unit. */
export interface CellKey {
  readonly sector: string;
  readonly region: string;
}

/** What one cell's figures are computed from. */
export interface CellInputs {
  /** Actual of each stored part of the period, in millionths (0 where nothing is kept). */
  readonly parts: Map<string, bigint>;
  /** Actual of each history day asked for (the projection's), in millionths. */
  readonly history: Map<string, bigint>;
  /** Targets of the months and years the parts need (absent: the plan sets none). */
  readonly targets: Map<string, bigint>;
  /** units_fulfilled from the kept count cells, or null: count it from the units (`units`). */
  readonly kept: number | null;
}

export type { UnitInputs };

export function isUnitCell(model: ReportingModel, cell: CellKey): boolean {
  return cell.sector === cell.region && model.unitsByCode.has(cell.sector);
}

/** A node of one tree (the other side the nation): the cells kept for it directly. */
export function isNodeCell(model: ReportingModel, cell: CellKey): boolean {
  return !isUnitCell(model, cell) && (cell.sector === NATION || cell.region === NATION);
}

/** The nation and the nodes right below it keep day cells in actual_cell. */
export function hasDayCells(model: ReportingModel, cell: CellKey): boolean {
  const depth = (c: string) => (c === NATION ? 0 : (model.nodes.get(c)?.depth ?? 99));
  return (cell.sector === NATION && depth(cell.region) <= 1) || (cell.region === NATION && depth(cell.sector) <= 1);
}

type Source = 'cell' | 'fulfil' | 'units';

/** Where a cell's month/year and day actuals are kept, with or without the kept cells built. */
function sourcesOf(model: ReportingModel, cell: CellKey, kept: boolean): { periods: Source; days: Source } {
  if (isNodeCell(model, cell)) return { periods: 'cell', days: hasDayCells(model, cell) ? 'cell' : kept ? 'fulfil' : 'units' };
  if (!isUnitCell(model, cell) && kept && isKeptCut(model, cell.sector, cell.region)) return { periods: 'fulfil', days: 'fulfil' };
  return { periods: 'units', days: 'units' };
}

/** Positional parameters of a statement being built. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
  /** A parameter added where first used: PostgreSQL refuses a statement supplied one it never reads. */
  once(v: unknown): () => string {
    let ref: string | undefined;
    return () => (ref ??= this.add(v));
  }
}

interface Row {
  /** Branch: which kind of figure the row holds (s state, a/A actual_cell/fulfil_actual, m/d unit months/days, t target, n kept count). */
  b: string;
  /** Index of the cell in the batch. */
  c: number;
  /** Period or day id (the state: valid_from). */
  k: string | null;
  q: string | null;
}

interface Mode {
  /** The kept cells are built (fulfil_state holds the organisation). */
  readonly kept: boolean;
  /** The kept counts answer for this through day. */
  readonly counts: boolean;
  /** The first day fulfil_actual keeps for cuts and deep nodes; earlier days are summed from the units. */
  readonly dayFrom: string;
}

/**
 * Reads what the figures of `cells` (each with its units that make the product, in model order)
 * are computed from, for one product and period. `history`: day ids whose actuals the projection
 * needs (empty for closed periods). One statement in the usual case (the kept cells built and
 * exact); a second only when they are not.
 */
export async function readCellInputs(
  ctx: ServiceContext, model: ReportingModel, cells: readonly { readonly cell: CellKey; readonly units: readonly UnitInfo[] }[],
  productId: number, period: Period, parts: readonly Period[], history: readonly string[], through: string,
): Promise<{ cells: CellInputs[]; units: UnitInputs }> {
  // The usual case first, with the state in the same statement; again in the right mode if it differs.
  // The usual case: the watermark is at or before the through day, so the day window is at least the through day's.
  const first = await runStatement(ctx, model, cells, productId, period, parts, history, through, { kept: true, counts: true, dayFrom: dayWindowFrom(through) }, true);
  const state = first.rows.find((r) => r.b === 's');
  const watermark = state?.k ?? null;
  const mode: Mode = {
    kept: state !== undefined,
    counts: watermark !== null && through >= watermark,
    dayFrom: dayWindowFrom(watermark !== null && watermark > through ? watermark : through),
  };
  if (mode.kept && mode.counts) return first.result;
  return (await runStatement(ctx, model, cells, productId, period, parts, history, through, mode, false)).result;
}

async function runStatement(
  ctx: ServiceContext, model: ReportingModel, cells: readonly { readonly cell: CellKey; readonly units: readonly UnitInfo[] }[],
  productId: number, period: Period, parts: readonly Period[], history: readonly string[], through: string, mode: Mode, withState: boolean,
): Promise<{ rows: Row[]; result: { cells: CellInputs[]; units: UnitInputs } }> {
  const P = new Params();
  const org = P.add(ctx.org);
  const product = P.once(productId);
  const branches: string[] = [];
  if (withState) branches.push(`select 's'::text as b, 0 as c, valid_from::text as k, null::text as q from fulfil_state where org = ${org}`);

  const dayParts = parts.filter((p) => p.kind === 'day').map((p) => p.id);
  const periodParts = parts.filter((p) => p.kind !== 'day');
  // The months a unit-summed cell reads, and the part each adds to (years are their months).
  const monthPart = new Map<string, string>();
  for (const p of periodParts) {
    if (p.kind === 'month') monthPart.set(p.id, p.id);
    else if (p.kind === 'year') for (const m of monthsOf(p)) monthPart.set(m.id, p.id);
  }
  const targetIds = targetPeriods(parts);

  // Actuals: per cell and source, the ids it asks (its parts and the history days).
  const asked: Record<'cell' | 'fulfil', Set<string>[]> = { cell: [], fulfil: [] };
  const exact: Record<'cell' | 'fulfil', { s: string[]; r: string[]; c: number[]; ids: Set<string> }> = {
    cell: { s: [], r: [], c: [], ids: new Set() },
    fulfil: { s: [], r: [], c: [], ids: new Set() },
  };
  // Cells summing their units' month cells, and their units' figures in force for days.
  const unitMonths = { codes: [] as string[], c: [] as number[] };
  const unitDays = { ids: [] as number[], c: [] as number[], days: new Set<string>() };
  const targetExact = { s: [] as string[], r: [] as string[], c: [] as number[] };
  const targetUnits = { codes: [] as string[], c: [] as number[] };
  const counted = { s: [] as string[], r: [] as string[], c: [] as number[] };
  const fromUnits: boolean[] = [];
  const countUnits = new Map<string, UnitInfo>();
  const unitCells: number[] = [];
  let nation = -1;
  cells.forEach(({ cell, units }, i) => {
    const src = sourcesOf(model, cell, mode.kept);
    const ids = { cell: new Set<string>(), fulfil: new Set<string>() };
    const days = [...dayParts, ...history];
    const ask = (source: Source, id: string) => {
      if (source === 'units') return;
      exact[source].ids.add(id);
      ids[source].add(id);
    };
    for (const p of periodParts) ask(src.periods, p.id);
    // Days before the window of fulfil_actual come from the units, as for cells without it.
    const unitDayIds: string[] = [];
    for (const d of days) {
      if (src.days === 'units' || (src.days === 'fulfil' && d < mode.dayFrom)) unitDayIds.push(d);
      else ask(src.days, d);
    }
    for (const source of ['cell', 'fulfil'] as const) {
      asked[source].push(ids[source]);
      if (ids[source].size) {
        exact[source].s.push(cell.sector);
        exact[source].r.push(cell.region);
        exact[source].c.push(i);
      }
    }
    if (src.periods === 'units' && monthPart.size > 0) {
      for (const u of units) {
        unitMonths.codes.push(u.code);
        unitMonths.c.push(i);
      }
    }
    if (unitDayIds.length > 0 && units.length) {
      for (const u of units) {
        unitDays.ids.push(u.id);
        unitDays.c.push(i);
      }
      for (const d of unitDayIds) unitDays.days.add(d);
    }
    // Targets: the cell's own, but a cut's are its units' summed until the kept cells are built (and
    // always for a cut below a top sector or province: its cells are not kept).
    const cut = !isNodeCell(model, cell) && !isUnitCell(model, cell);
    if (cut && (!mode.kept || !isKeptCut(model, cell.sector, cell.region))) {
      for (const u of units) {
        targetUnits.codes.push(u.code);
        targetUnits.c.push(i);
      }
    } else {
      targetExact.s.push(cell.sector);
      targetExact.r.push(cell.region);
      targetExact.c.push(i);
    }
    if (cell.sector === NATION && cell.region === NATION) nation = i;
    // units_fulfilled: the kept count, or from the units (units, single-day cuts, cells not exact).
    // A unit counts from its own actual and targets, read for the cell itself.
    const unit = isUnitCell(model, cell);
    const own = unit || units.length === 0 || !isKept(model, cell.sector, cell.region, period.kind) || !mode.counts;
    fromUnits.push(own);
    if (unit) unitCells.push(i);
    else if (own) for (const u of units) countUnits.set(u.code, u);
    else {
      counted.s.push(cell.sector);
      counted.r.push(cell.region);
      counted.c.push(i);
    }
  });

  for (const source of ['cell', 'fulfil'] as const) {
    const e = exact[source];
    if (!e.c.length) continue;
    const table = source === 'cell' ? 'actual_cell' : 'fulfil_actual';
    branches.push(
      `select '${source === 'cell' ? 'a' : 'A'}'::text as b, k.c, t.period as k, t.quantity::text as q from ${table} t
         join unnest(${P.add(e.s)}::text[], ${P.add(e.r)}::text[], ${P.add(e.c)}::int[]) as k(s, r, c) on t.sector = k.s and t.region = k.r
        where t.org = ${org} and t.product_id = ${product()}${source === 'cell' ? ` and t.kind = 'output'` : ''} and t.period = any(${P.add([...e.ids])}::text[])`,
    );
  }
  if (unitMonths.c.length) {
    branches.push(
      `select 'm'::text as b, k.c, t.period as k, sum(t.quantity)::text as q from actual_cell t
         join unnest(${P.add(unitMonths.codes)}::text[], ${P.add(unitMonths.c)}::int[]) as k(u, c) on t.sector = k.u and t.region = k.u
        where t.org = ${org} and t.product_id = ${product()} and t.kind = 'output' and t.period = any(${P.add([...monthPart.keys()])}::text[])
        group by k.c, t.period`,
    );
  }
  if (unitDays.c.length) {
    branches.push(
      `select 'd'::text as b, k.c, t.day::text as k, sum(t.quantity)::text as q from report_current t
         join unnest(${P.add(unitDays.ids)}::int[], ${P.add(unitDays.c)}::int[]) as k(u, c) on t.unit_id = k.u
        where t.org = ${org} and t.product_id = ${product()} and t.kind = 'output' and t.day = any(${P.add([...unitDays.days])}::date[])
        group by k.c, t.day`,
    );
  }
  const targetIdsParam = P.once(targetIds);
  if (targetExact.c.length) {
    branches.push(
      `select 't'::text as b, k.c, t.period as k, t.quantity::text as q from target_cell t
         join unnest(${P.add(targetExact.s)}::text[], ${P.add(targetExact.r)}::text[], ${P.add(targetExact.c)}::int[]) as k(s, r, c) on t.sector = k.s and t.region = k.r
        where t.org = ${org} and t.product_id = ${product()} and t.period = any(${targetIdsParam()}::text[])`,
    );
  }
  if (targetUnits.c.length) {
    branches.push(
      `select 't'::text as b, k.c, t.period as k, sum(t.quantity)::text as q from target_cell t
         join unnest(${P.add(targetUnits.codes)}::text[], ${P.add(targetUnits.c)}::int[]) as k(u, c) on t.sector = k.u and t.region = k.u
        where t.org = ${org} and t.product_id = ${product()} and t.period = any(${targetIdsParam()}::text[])
        group by k.c, t.period`,
    );
  }
  const upTo = through < period.end ? through : period.end;
  if (counted.c.length && through >= period.start) {
    branches.push(
      `select 'n'::text as b, k.c, null::text as k, sum(t.units)::text as q from fulfil_cell t
         join unnest(${P.add(counted.s)}::text[], ${P.add(counted.r)}::text[], ${P.add(counted.c)}::int[]) as k(s, r, c) on t.sector = k.s and t.region = k.r
        where t.org = ${org} and t.product_id = ${product()} and t.period = ${P.add(period.id)} and t.day <= ${P.add(upTo)}::date
        group by k.c`,
    );
  }
  // Each unit's actual over the period and its targets, for the counts from units, read alongside.
  const unitList = [...countUnits.values()];
  const months = periodParts.flatMap((p) => (p.kind === 'year' ? monthsOf(p).map((m) => m.id) : [p.id]));
  const [rows, units] = await Promise.all([
    branches.length ? ctx.store.query<Row & Record<string, unknown>>(branches.join('\nunion all\n'), P.values) : ([] as Row[]),
    readUnitInputs(ctx, unitList, productId, dayParts, months, targetIds),
  ]);

  // Spread the rows over the cells.
  const out: { -readonly [K in keyof CellInputs]: CellInputs[K] }[] = cells.map((_, i) => ({
    parts: new Map(parts.map((p) => [p.id, 0n])),
    history: new Map<string, bigint>(),
    targets: new Map<string, bigint>(),
    kept: fromUnits[i] ? null : 0,
  }));
  const partIds = new Set(parts.map((p) => p.id));
  const historyIds = new Set(history);
  const put = (i: number, id: string, v: bigint) => {
    if (partIds.has(id)) out[i].parts.set(id, v);
    if (historyIds.has(id)) out[i].history.set(id, v);
  };
  for (const r of rows) {
    switch (r.b) {
      case 'a':
        if (asked.cell[r.c].has(r.k!)) put(r.c, r.k!, toMicro(r.q!));
        break;
      case 'A':
        if (asked.fulfil[r.c].has(r.k!)) put(r.c, r.k!, toMicro(r.q!));
        break;
      case 'm': {
        const part = monthPart.get(r.k!)!;
        out[r.c].parts.set(part, (out[r.c].parts.get(part) ?? 0n) + toMicro(r.q!));
        break;
      }
      case 'd':
        put(r.c, r.k!, toMicro(r.q!));
        break;
      case 't':
        out[r.c].targets.set(r.k!, toMicro(r.q!));
        break;
      case 'n':
        out[r.c].kept = Number(r.q ?? 0);
        break;
    }
  }
  // Years beyond the annual plans (no national target cell): the five-year plan's national targets,
  // read only when some are missing, as the one-cell query did.
  const missing = nation >= 0 ? targetIds.filter((p) => /^\d{4}$/.test(p) && !out[nation].targets.has(p)) : [];
  if (missing.length) {
    const fyp = await ctx.store.query<{ period: string; q: string }>(
      `select t.period, t.quantity::text as q from target t
         join plan p on p.org = t.org and p.code = t.plan and p.period ~ '^[0-9]{4}-[0-9]{4}$'
         join (select plan, max(version) as version from plan_version where org = $1 and status in ('approved', 'revised') group by plan) v
           on v.plan = t.plan and v.version = t.version
        where t.org = $1 and t.node = $2 and t.product = $3 and t.period = any($4)`,
      [ctx.org, NATION, model.productsById.get(productId)!.code, missing],
    );
    for (const r of fyp) out[nation].targets.set(r.period, toMicro(r.q));
  }
  for (const i of unitCells) {
    // The unit's actual over the period is the sum of its parts; its targets are the cell's.
    const u = cells[i].units[0];
    if (!u) continue;
    let sum = 0n;
    for (const v of out[i].parts.values()) sum += v;
    units.actual.set(u.code, Number(sum));
    if (out[i].targets.size) units.targets.set(u.code, out[i].targets);
    else units.targets.delete(u.code);
  }
  return { rows, result: { cells: out, units } };
}
