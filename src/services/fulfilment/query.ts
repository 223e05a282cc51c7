// Fulfilment of any node (or sector x region cut), product and period, from rolled-up cells only.
import type { Calendar } from '../../domain/calendar.js';
import { addDays } from '../../domain/iso-date.js';
import { parsePeriod, type Period } from '../../domain/period.js';
import { createHsFilter, forecastPeriodEnd, seriesTrend, updateHsFilter } from '../../engine/monitoring/index.js';
import { loadCalendar } from '../calendar.js';
import type { ServiceContext } from '../context.js';
import { NormaError } from '../errors.js';
import { NATION } from '../trees.js';
import { fromMicro, toMicro } from '../reporting/micro.js';
import { reportingModel, type ReportingModel, type UnitInfo } from '../reporting/model-cache.js';
import { readCellInputs, type CellInputs, type UnitInputs } from './cell-inputs.js';
import { DayShares, HISTORY_DAYS, monthOf, monthsOf, storedParts, targetPeriods } from './parts.js';
// Registers the report hook that keeps the count cells (units-fulfilled.ts) wherever queries are served.
import './units-fulfilled.js';

/** Where a figure is taken: a node of one tree, a sector x region cut, or a unit. */
export interface CellRef {
  readonly sector: string;
  readonly region: string;
  /** The node code the answer names. */
  readonly node: string;
}

export interface FulfilmentView {
  readonly node: string;
  readonly sector: string;
  readonly region: string;
  readonly product: string;
  readonly period: string;
  readonly target: string | null;
  readonly actual: string;
  readonly fulfilment: number | null;
  readonly target_to_date: string | null;
  readonly fulfilment_to_date: number | null;
  readonly projected: string;
  readonly projected_low: string;
  readonly projected_high: string;
  readonly units_total: number;
  readonly units_fulfilled: number;
}

export interface FulfilmentQuery {
  readonly tree?: 'sector' | 'region';
  readonly node?: string;
  readonly sector?: string;
  readonly region?: string;
  readonly product: string;
  readonly period: string;
}

function bad(field: string, reason: string): never {
  throw new NormaError('NORMA_ERR_BAD_REQUEST', `${field}: ${reason}`, [{ field, reason }]);
}

/** Resolves the query's node or cut to a cell reference, checking codes against the trees. */
export function resolveCell(model: ReportingModel, q: Pick<FulfilmentQuery, 'tree' | 'node' | 'sector' | 'region'>): CellRef {
  const check = (code: string, tree: 'sector' | 'region', field: string) => {
    if (code === NATION) return;
    const n = model.nodes.get(code);
    if (!n) throw new NormaError('NORMA_ERR_NOT_FOUND', `no ${tree} node ${JSON.stringify(code)}`, [{ field, reason: `unknown ${tree} node` }]);
    if (n.tree !== tree) bad(field, `${code} is a ${n.tree}-tree node, not a ${tree}-tree node`);
  };
  if (q.sector !== undefined || q.region !== undefined) {
    if (q.node !== undefined) bad('node', 'give either node (with tree) or sector and/or region, not both');
    const sector = q.sector ?? NATION;
    const region = q.region ?? NATION;
    check(sector, 'sector', 'sector');
    check(region, 'region', 'region');
    return { sector, region, node: sector === NATION ? region : region === NATION ? sector : `${sector}@${region}` };
  }
  const node = q.node ?? NATION;
  if (model.unitsByCode.has(node)) return { sector: node, region: node, node };
  const tree = q.tree ?? 'sector';
  check(node, tree, 'node');
  return tree === 'sector' ? { sector: node, region: NATION, node } : { sector: NATION, region: node, node };
}

/** The units a cell covers. */
export function unitsIn(model: ReportingModel, cell: CellRef): UnitInfo[] {
  if (cell.sector === cell.region && model.unitsByCode.has(cell.sector)) return [model.unitsByCode.get(cell.sector)!];
  const out: UnitInfo[] = [];
  for (const u of model.unitsByCode.values()) {
    if (cell.sector !== NATION && !u.sectorChain.includes(cell.sector)) continue;
    if (cell.region !== NATION && !u.regionChain.includes(cell.region)) continue;
    out.push(u);
  }
  return out;
}

function isUnitCell(model: ReportingModel, cell: CellRef): boolean {
  return cell.sector === cell.region && model.unitsByCode.has(cell.sector);
}

/** For one product: its units in model order, and those under each node of either tree. */
interface ProductUnits {
  readonly all: UnitInfo[];
  readonly bySector: Map<string, UnitInfo[]>;
  readonly byRegion: Map<string, UnitInfo[]>;
}

// Built once per model (a new model comes with every change of units, products or trees) and product.
const productUnits = new WeakMap<ReportingModel, Map<number, ProductUnits>>();

function unitsOfProduct(model: ReportingModel, productId: number): ProductUnits {
  let byProduct = productUnits.get(model);
  if (!byProduct) productUnits.set(model, (byProduct = new Map()));
  let pu = byProduct.get(productId);
  if (!pu) {
    pu = { all: [], bySector: new Map(), byRegion: new Map() };
    const add = (m: Map<string, UnitInfo[]>, code: string, u: UnitInfo) => {
      const list = m.get(code);
      if (list) list.push(u);
      else m.set(code, [u]);
    };
    for (const u of model.unitsByCode.values()) {
      if (!u.outputs.has(productId)) continue;
      pu.all.push(u);
      for (const c of u.sectorChain) add(pu.bySector, c, u);
      for (const c of u.regionChain) add(pu.byRegion, c, u);
    }
    byProduct.set(productId, pu);
  }
  return pu;
}

/**
 * The units making the product under each cell, in model order (as `unitsIn(...).filter(...)` lists
 * them), from an index of the product's units by node.
 */
function unitsOfCells(model: ReportingModel, cells: readonly CellRef[], productId: number): (readonly UnitInfo[])[] {
  const pu = unitsOfProduct(model, productId);
  const none: readonly UnitInfo[] = [];
  return cells.map((c) => {
    if (isUnitCell(model, c)) {
      const u = model.unitsByCode.get(c.sector)!;
      return u.outputs.has(productId) ? [u] : [];
    }
    const bySector = c.sector === NATION ? pu.all : (pu.bySector.get(c.sector) ?? none);
    const byRegion = c.region === NATION ? pu.all : (pu.byRegion.get(c.region) ?? none);
    if (c.region === NATION) return bySector;
    if (c.sector === NATION) return byRegion;
    // A cut: the shorter list, kept where the other side matches.
    return bySector.length <= byRegion.length
      ? bySector.filter((u) => u.regionChain.includes(c.region))
      : byRegion.filter((u) => u.sectorChain.includes(c.sector));
  });
}

/** Working-day shares and the month-to-date shares built from them (memoised per calendar). */
class Shares {
  private readonly shares: DayShares;
  /** Elapsed share of a month by chain, month and through day. */
  readonly elapsed = new Map<string, number>();
  constructor(cal: Calendar) {
    this.shares = new DayShares(cal);
  }

  private static readonly byCalendar = new Map<string, Shares>();

  /** The shares of a calendar, kept across requests while the calendar stays the same (a few calendars at most). */
  static of(cal: Calendar): Shares {
    const key = JSON.stringify(cal);
    let s = Shares.byCalendar.get(key);
    if (!s || s.elapsed.size > 100_000) {
      if (Shares.byCalendar.size >= 8) Shares.byCalendar.clear();
      Shares.byCalendar.set(key, (s = new Shares(cal)));
    }
    return s;
  }

  /** Working-day share of a day in its month, for splitting month targets into days (memoised per calendar). */
  dayShare(day: string, chain: readonly string[]): number {
    return this.shares.dayShare(day, chain);
  }
}

/**
 * Target and actual of the cell for the period, to date (through yesterday), and projected to the
 * period end with an 80 % interval from the spread of daily fulfilment so far.
 * @example await fulfilment(ctx, { tree: 'region', node: 'P-SPY', product: 'cement', period: '2026' })
 */
export async function fulfilment(ctx: ServiceContext, q: FulfilmentQuery): Promise<FulfilmentView> {
  const model = await reportingModel(ctx);
  const cell = resolveCell(model, q);
  const [view] = await fulfilmentOfCells(ctx, model, [cell], q.product, q.period);
  return view;
}

/**
 * The node's own figure and each child's (units included) for the same product and period, read for
 * all of them at once with set-based queries (the same figures as asking for each child alone).
 */
export async function fulfilmentChildren(ctx: ServiceContext, q: FulfilmentQuery): Promise<{ node: FulfilmentView; children: FulfilmentView[] }> {
  const model = await reportingModel(ctx);
  const cell = resolveCell(model, q);
  const product = checkProduct(model, q.product);
  const childCells: CellRef[] = [];
  if (!(cell.sector === cell.region && model.unitsByCode.has(cell.sector))) {
    // Children along the tree asked for: the side that is not the nation, or the sector side by default.
    const side: 'sector' | 'region' = q.tree ?? (cell.sector !== NATION || cell.region === NATION ? 'sector' : 'region');
    const parent = side === 'sector' ? cell.sector : cell.region;
    for (const [code, n] of model.nodes) {
      if (n.tree === side && n.parent === parent && code !== NATION) {
        childCells.push(side === 'sector' ? { sector: code, region: cell.region, node: code } : { sector: cell.sector, region: code, node: code });
      }
    }
    for (const u of unitsOfCells(model, [cell], product.id)[0]) {
      const chain = side === 'sector' ? u.sectorChain : u.regionChain;
      if ((chain[0] ?? NATION) === parent) childCells.push({ sector: u.code, region: u.code, node: u.code });
    }
  }
  const [node, ...children] = await fulfilmentOfCells(ctx, model, [cell, ...childCells], q.product, q.period);
  return { node, children: children.filter((f) => f.units_total > 0) };
}

function checkProduct(model: ReportingModel, code: string) {
  const product = model.productsByCode.get(code);
  if (!product) throw new NormaError('NORMA_ERR_NOT_FOUND', `no product ${JSON.stringify(code)}`, [{ field: 'product', reason: 'unknown product' }]);
  return product;
}

/** Fulfilment of each cell for one product and period, from one batch of reads for all of them. */
async function fulfilmentOfCells(ctx: ServiceContext, model: ReportingModel, cells: readonly CellRef[], productCode: string, periodId: string): Promise<FulfilmentView[]> {
  const product = checkProduct(model, productCode);
  const parsed = parsePeriod(periodId);
  if (!parsed.ok) throw parsed.error;
  const period = parsed.value;
  const cellUnits = unitsOfCells(model, cells, product.id);
  if (product.aggregation === 'weighted_mean') return weightedFulfilment(ctx, cells, cellUnits, product, period);
  const through = addDays(ctx.today(), -1);
  const parts = storedParts(period);
  // The projection's history: the last 60 days' actuals, for open periods.
  const history: string[] = [];
  if (period.end > through) for (let d = addDays(through, -(HISTORY_DAYS - 1)); d <= through; d = addDays(d, 1)) if (parsePeriod(d).ok) history.push(d);
  // The calendar and the cells are read concurrently: neither needs the other.
  const [cal, inputs] = await Promise.all([
    loadCalendar(ctx),
    readCellInputs(ctx, model, cells.map((cell, i) => ({ cell, units: cellUnits[i] })), product.id, period, parts, history, through),
  ]);
  const shares = Shares.of(cal);
  return cells.map((cell, i) => figuresOf(model, shares, cell, cellUnits[i], productCode, period, parts, history, through, inputs.cells[i], inputs.units));
}

/** The fulfilment view of one cell from what was read for it. */
function figuresOf(
  model: ReportingModel, shares: Shares, cell: CellRef, units: readonly UnitInfo[], productCode: string, period: Period, parts: readonly Period[],
  historyDays: readonly string[], through: string, inputs: CellInputs, unitInputs: UnitInputs,
): FulfilmentView {
  const regionChain = cell.region === NATION ? [] : cell.region === cell.sector ? [...(model.unitsByCode.get(cell.region)?.regionChain ?? [])].reverse() : chainOf(model, cell.region);

  // Actuals: from stored parts of the period.
  let actual = 0n;
  for (const v of inputs.parts.values()) actual += v;

  // Targets: months and years from target cells; days split their month's target over working days.
  const targets = inputs.targets;
  const { target, toDate } = planned(parts, targets, through, shares, regionChain);
  const dayTarget = (d: string): number => {
    const t = targets.get(monthOf(d));
    return t === undefined ? NaN : Number(t) * shares.dayShare(d, regionChain);
  };

  const actualNum = Number(actual);
  const ratio = (a: number, t: number | null) => (t === null || t <= 0 ? null : a / t);
  // Projection: closed periods are what they are; open ones come from the Harrison-Stevens filter run
  // over the daily ratio of actual to plan, carried over the plan of the remaining days (80 % interval).
  let projected = actualNum;
  let low = actualNum;
  let high = actualNum;
  if (period.end > through && target !== null && toDate !== null) {
    const f = projectPeriodEnd(historyDays, inputs.history, period, through, actualNum, dayTarget);
    if (f) ({ total: projected, low, high } = f);
    else if (toDate > 0) projected = low = high = actualNum + Math.max(0, target - toDate) * (actualNum / toDate);
  }
  // Nodes and cuts read the count kept incrementally (units-fulfilled.ts); a unit, or a through day
  // before the cells are exact, is computed from the units.
  const { total, fulfilled } = inputs.kept !== null ? { total: units.length, fulfilled: inputs.kept } : countFulfilled(units, unitInputs, parts, through, shares);
  const micro = (x: number) => fromMicro(BigInt(Math.round(x)));
  return {
    node: cell.node,
    sector: cell.sector,
    region: cell.region,
    product: productCode,
    period: period.id,
    target: target === null ? null : micro(target),
    actual: fromMicro(actual),
    fulfilment: ratio(actualNum, target),
    target_to_date: toDate === null ? null : micro(toDate),
    fulfilment_to_date: ratio(actualNum, toDate),
    projected: micro(projected),
    projected_low: micro(low),
    projected_high: micro(high),
    units_total: total,
    units_fulfilled: fulfilled,
  };
}

function chainOf(model: ReportingModel, code: string): string[] {
  const out: string[] = [];
  for (let c: string | null | undefined = code; c && c !== NATION; c = model.nodes.get(c)?.parent) out.unshift(c);
  return out;
}

function monthToDate(m: Period, through: string, monthTarget: number, shares: Shares, chain: readonly string[]): number {
  const cache = shares.elapsed;
  const key = `${chain.join('/')}|${m.id}|${through}`;
  let share = cache.get(key);
  if (share === undefined) {
    share = 0;
    for (let d = m.start; d <= through && d <= m.end; d = addDays(d, 1)) share += shares.dayShare(d, chain);
    cache.set(key, share);
  }
  return monthTarget * share;
}


/**
 * Period-end forecast from the filter over the last 60 days' ratio of actual to the daily plan; null
 * when there is too little history or the remaining days have no plan to carry the ratio over.
 */
function projectPeriodEnd(
  history: readonly string[], actual: ReadonlyMap<string, bigint>, period: Period, through: string, actualToDate: number,
  dayTarget: (d: string) => number,
): { total: number; low: number; high: number } | null {
  const filter = createHsFilter();
  if (!filter.ok) return null;
  let fed = 0;
  for (const d of history) {
    const t = dayTarget(d);
    if (!(t > 0)) continue; // rest days and days without a plan carry no ratio
    if (updateHsFilter(filter.value, Number(actual.get(d) ?? 0n) / t).ok) fed++;
  }
  if (fed < 10) return null;
  const seasonal: number[] = [];
  for (let d = addDays(through > period.start ? through : addDays(period.start, -1), 1); d <= period.end; d = addDays(d, 1)) {
    const t = dayTarget(d);
    if (Number.isNaN(t)) return null;
    if (t > 0) seasonal.push(t);
  }
  const { trend, noise } = seriesTrend(filter.value.batch, 0);
  const f = forecastPeriodEnd({ trend, noise, remainingDays: seasonal.length, actualToDate, seasonal, coverage: 0.8 });
  if (!f.ok) return null;
  return { total: f.value.total, low: Math.min(f.value.low, f.value.total), high: Math.max(f.value.high, f.value.total) };
}

/**
 * Target of the stored parts and the share due by `through` (in millionths, as doubles); null when the
 * plan sets no target for some part.
 */
function planned(parts: readonly Period[], targets: ReadonlyMap<string, bigint>, through: string, shares: Shares, chain: readonly string[]): { target: number | null; toDate: number | null } {
  const month = (id: string) => {
    const t = targets.get(id);
    return t === undefined ? NaN : Number(t);
  };
  let target = 0;
  let toDate = 0;
  for (const p of parts) {
    let t: number;
    let td: number;
    if (p.kind === 'day') {
      t = month(monthOf(p.id)) * shares.dayShare(p.id, chain);
      td = p.id <= through ? t : 0;
    } else if (p.kind === 'month') {
      t = month(p.id);
      td = p.end <= through ? t : p.start > through ? 0 : monthToDate(p, through, t, shares, chain);
    } else {
      t = month(p.id);
      if (p.end <= through) td = t;
      else if (p.start > through) td = 0;
      else td = monthsOf(p).reduce((acc, m) => acc + (m.end <= through ? month(m.id) : m.start > through ? 0 : monthToDate(m, through, month(m.id), shares, chain)), 0);
    }
    target += t;
    toDate += td;
  }
  return { target: Number.isNaN(target) ? null : target, toDate: Number.isNaN(toDate) ? null : toDate };
}

/** How many of the units are at or above 100 % (of the target to date while open), from each unit's actual and targets. */
function countFulfilled(units: readonly UnitInfo[], inputs: UnitInputs, parts: readonly Period[], through: string, shares: Shares): { total: number; fulfilled: number } {
  if (units.length === 0) return { total: 0, fulfilled: 0 };
  let fulfilled = 0;
  for (const u of units) {
    const t = inputs.targets.get(u.code);
    if (!t) continue;
    const { toDate } = planned(parts, t, through, shares, [...u.regionChain].reverse());
    if (toDate !== null && toDate > 0 && (inputs.actual.get(u.code) ?? 0) >= toDate) fulfilled++;
  }
  return { total: units.length, fulfilled };
}

/** Units making the product under the cell, and how many are at or above 100 % (of the target to date while open). */
async function unitsFulfilled(
  ctx: ServiceContext, units: readonly UnitInfo[], productId: number, parts: readonly Period[], through: string, shares: Shares,
): Promise<{ total: number; fulfilled: number }> {
  if (units.length === 0) return { total: 0, fulfilled: 0 };
  const ids = units.map((u) => u.id);
  const codes = units.map((u) => u.code);
  const days = parts.filter((p) => p.kind === 'day').map((p) => p.id);
  // Units keep month cells only: a year is its twelve months.
  const others = parts.filter((p) => p.kind !== 'day').flatMap((p) => (p.kind === 'year' ? monthsOf(p).map((m) => m.id) : [p.id]));
  const actual = new Map<string, number>();
  if (days.length) {
    const rows = await ctx.store.query<{ unit_id: number; q: string }>(
      `select unit_id, sum(quantity)::text as q from report_current
        where org = $1 and product_id = $2 and kind = 'output' and day = any($3::date[]) and unit_id = any($4::int[]) group by unit_id`,
      [ctx.org, productId, days, ids],
    );
    const codeOf = new Map(units.map((u) => [u.id, u.code]));
    for (const r of rows) actual.set(codeOf.get(r.unit_id)!, Number(toMicro(r.q)));
  }
  if (others.length) {
    const rows = await ctx.store.query<{ unit: string; q: string }>(
      `select sector as unit, sum(quantity)::text as q from actual_cell
        where org = $1 and sector = any($2::text[]) and region = sector and product_id = $3 and kind = 'output' and period = any($4)
        group by sector`,
      [ctx.org, codes, productId, others],
    );
    for (const r of rows) actual.set(r.unit, (actual.get(r.unit) ?? 0) + Number(toMicro(r.q)));
  }
  const targetRows = await ctx.store.query<{ unit: string; period: string; q: string }>(
    `select sector as unit, period, quantity::text as q from target_cell
      where org = $1 and sector = any($2::text[]) and region = sector and product_id = $3 and period = any($4)`,
    [ctx.org, codes, productId, targetPeriods(parts)],
  );
  const targets = new Map<string, Map<string, bigint>>();
  for (const r of targetRows) {
    const m = targets.get(r.unit) ?? new Map<string, bigint>();
    m.set(r.period, toMicro(r.q));
    targets.set(r.unit, m);
  }
  return countFulfilled(units, { actual, targets }, parts, through, shares);
}

/**
 * units_total and units_fulfilled of a node, cut or unit computed from its units, never from the kept
 * counts: the reference the kept counts (units-fulfilled.ts) must equal.
 * @example await unitsFulfilledFromUnits(ctx, { tree: 'region', node: 'P-SPY', product: 'cement', period: '2026-Q1' })
 */
export async function unitsFulfilledFromUnits(ctx: ServiceContext, q: FulfilmentQuery): Promise<{ total: number; fulfilled: number }> {
  const model = await reportingModel(ctx);
  const cell = resolveCell(model, q);
  const product = checkProduct(model, q.product);
  const parsed = parsePeriod(q.period);
  if (!parsed.ok) throw parsed.error;
  const units = unitsIn(model, cell).filter((u) => u.outputs.has(product.id));
  return unitsFulfilled(ctx, units, product.id, storedParts(parsed.value), addDays(ctx.today(), -1), new Shares(await loadCalendar(ctx)));
}

/** The month whose end-of-month plan level stands for a period: its last month. */
function lastMonthOf(p: Period): string {
  return monthOf(p.end);
}

/**
 * Fulfilment of a progress indicator (aggregation weighted_mean, e.g. percent of works done): each
 * unit's level is its latest figure in force up to the period end; a node's level is the mean of its
 * units' levels weighted by their capacity (project size). Targets are the planned level at the end
 * of the period's last month; to date, planned levels are interpolated within the month.
 */
async function weightedFulfilment(
  ctx: ServiceContext, cells: readonly CellRef[], cellUnits: readonly (readonly UnitInfo[])[], product: { id: number; code: string }, period: Period,
): Promise<FulfilmentView[]> {
  // The units of all the cells at once (a node and its children share them); each cell's figures
  // are then computed over its own units in model order, as for that cell alone.
  const all = new Map<string, UnitInfo>();
  for (const units of cellUnits) for (const u of units) all.set(u.code, u);
  const codes = [...all.keys()];
  const through = addDays(ctx.today(), -1);
  const asOf = period.end < through ? period.end : through;
  // Planned levels: month-end targets of the plan in force, per unit.
  const endMonth = lastMonthOf(period);
  const throughMonth = monthOf(asOf);
  const prevMonth = (m: string) => {
    const y = Number(m.slice(0, 4));
    const n = Number(m.slice(6));
    return n === 1 ? `${y - 1}-M12` : `${y}-M${String(n - 1).padStart(2, '0')}`;
  };
  const [weightRows, levelRows, planRows] = await Promise.all([
    ctx.store.query<{ unit: string; w: string | null }>(
      `select unit, capacity_per_day::text as w from unit_product where org = $1 and product = $2 and role = 'output' and unit = any($3::text[])`,
      [ctx.org, product.code, codes],
    ),
    ctx.store.query<{ unit_id: number; q: string }>(
      `select distinct on (unit_id) unit_id, quantity::text as q from report_current
        where org = $1 and product_id = $2 and kind = 'output' and unit_id = any($3::int[]) and day <= $4
        order by unit_id, day desc`,
      [ctx.org, product.id, [...all.values()].map((u) => u.id), period.end],
    ),
    ctx.store.query<{ node: string; period: string; q: string }>(
      `select t.node, t.period, t.quantity::text as q from target t
         join (select plan, max(version) as version from plan_version where org = $1 and status in ('approved', 'revised') group by plan) v
           on v.plan = t.plan and v.version = t.version
        where t.org = $1 and t.product = $2 and t.node = any($3::text[]) and t.period = any($4)`,
      [ctx.org, product.code, codes, [endMonth, throughMonth, prevMonth(throughMonth)]],
    ),
  ]);
  const weights = new Map<string, number>();
  for (const r of weightRows) weights.set(r.unit, r.w !== null && Number(r.w) > 0 ? Number(r.w) : 1);
  const level = new Map<number, number>();
  for (const r of levelRows) level.set(r.unit_id, Number(r.q));
  const plans = new Map<string, Map<string, number>>();
  for (const r of planRows) {
    const m = plans.get(r.node) ?? new Map<string, number>();
    m.set(r.period, Number(r.q));
    plans.set(r.node, m);
  }
  const planned = (unit: string, atDay: string): number | undefined => {
    const m = plans.get(unit);
    const month = monthOf(atDay);
    const end = m?.get(month);
    if (end === undefined) return undefined;
    const start = m?.get(prevMonth(month)) ?? 0;
    const p = parsePeriod(month);
    if (!p.ok) return end;
    const days = Number(p.value.end.slice(8, 10));
    return start + ((end - start) * Number(atDay.slice(8, 10))) / days;
  };
  return cells.map((cell, i) => weightedView(cell, cellUnits[i], product.code, period, through, asOf, endMonth, weights, level, plans, planned));
}

function weightedView(
  cell: CellRef, units: readonly UnitInfo[], productCode: string, period: Period, through: string, asOf: string, endMonth: string,
  weights: ReadonlyMap<string, number>, level: ReadonlyMap<number, number>, plans: ReadonlyMap<string, ReadonlyMap<string, number>>,
  planned: (unit: string, atDay: string) => number | undefined,
): FulfilmentView {
  let wSum = 0;
  let actual = 0;
  let target: number | null = 0;
  let toDate: number | null = 0;
  let fulfilled = 0;
  for (const u of units) {
    const w = weights.get(u.code) ?? 1;
    const lv = level.get(u.id) ?? 0;
    const t = plans.get(u.code)?.get(endMonth);
    const td = period.start > through ? 0 : planned(u.code, asOf);
    wSum += w;
    actual += w * lv;
    target = target === null || t === undefined ? null : target + w * t;
    toDate = toDate === null || td === undefined ? null : toDate + w * td;
    const due = period.end <= through ? t : td;
    if (due !== undefined && due > 0 && lv >= due) fulfilled++;
  }
  const mean = (x: number) => (wSum > 0 ? x / wSum : 0);
  const dec = (x: number) => String(Math.round(x * 1e6) / 1e6);
  const a = mean(actual);
  const t = target === null ? null : mean(target);
  const td = toDate === null ? null : mean(toDate);
  // Progress keeps its pace: projected level = actual scaled by plan / plan to date, at most 100 %.
  const projected = period.end <= through || t === null || td === null || td <= 0 ? a : Math.min(Math.max(a, (a * t) / td), 100);
  return {
    node: cell.node,
    sector: cell.sector,
    region: cell.region,
    product: productCode,
    period: period.id,
    target: t === null ? null : dec(t),
    actual: dec(a),
    fulfilment: t !== null && t > 0 ? a / t : null,
    target_to_date: td === null ? null : dec(td),
    fulfilment_to_date: td !== null && td > 0 ? a / td : null,
    projected: dec(projected),
    projected_low: dec(Math.min(a, projected)),
    projected_high: dec(projected),
    units_total: units.length,
    units_fulfilled: fulfilled,
  };
}
