// Which rolled-up cells a report touches, and by how much: the incremental half of fulfilment.
import { NATION } from '../trees.js';
import type { UnitInfo } from './model-cache.js';

/** One applied change of a unit's figure for a product, kind and day. */
export interface AppliedChange {
  readonly unit: UnitInfo;
  readonly productId: number;
  readonly kind: 'output' | 'consumption';
  readonly day: string;
  /** New figure minus the previous one, in millionths. */
  readonly delta: bigint;
  /** True the first time the unit reports this product, kind and day (counts towards completeness). */
  readonly first: boolean;
  readonly late: boolean;
  /** The figure now in force, in millionths (set by report batches; the fulfilment hook needs it). */
  readonly figure?: bigint;
}

/** A delta for one cell of actual_cell. */
export interface CellDelta {
  readonly sector: string;
  readonly region: string;
  readonly productId: number;
  readonly kind: 'output' | 'consumption';
  readonly period: string;
  quantity: bigint;
  reports: number;
  late: number;
  /** Lock order: cells many writers share (the nation) last, so they are held for the least time. */
  readonly rank: number;
}

/** The month and year period ids of an ISO date. */
export function monthAndYear(day: string): [string, string] {
  return [`${day.slice(0, 4)}-M${day.slice(5, 7)}`, day.slice(0, 4)];
}

/**
 * The node cells a unit's figures roll into: the unit itself, each sector-tree ancestor across the
 * whole country, and each region-tree ancestor across all sectors (the nation once). Sector x region
 * cuts are not stored: they sum the month cells of their few units.
 * @example nodeCells(unit) // [['SS-METAL-STEEL','NATION'], ['S-METAL','NATION'], ['NATION','C-..'], ['NATION','P-..'], ['NATION','NATION']]
 */
export function nodeCells(unit: Pick<UnitInfo, 'sectorChain' | 'regionChain'>): [string, string][] {
  return [
    ...unit.sectorChain.map((s): [string, string] => [s, NATION]),
    ...unit.regionChain.map((r): [string, string] => [NATION, r]),
    [NATION, NATION],
  ];
}

/**
 * Sums the deltas of applied changes into the cells they touch: the unit's month; each ancestor
 * node's month and year (see nodeCells); and the day for the nation, its sector and its province.
 * Changes are summed per place (sector and region), product, kind and day first, so a batch of many
 * units in few places rolls up once per place.
 * @example const cells = cellDeltas(changes); // Map key 'NATION|NATION|3|output|2026-M11' -> delta
 */
export function cellDeltas(changes: readonly AppliedChange[]): Map<string, CellDelta> {
  // Summed in nested maps (cell name, product and kind, period): building a string key per add
  // cost more than the sums; each cell's key is made once, at the end.
  const cells = new Map<string, Map<number, Map<string, CellDelta>>>();
  const add = (name: string, sector: string, region: string, productId: number, kind: 'output' | 'consumption', period: string, rank: number, quantity: bigint, reports: number, late: number) => {
    let byProduct = cells.get(name);
    if (!byProduct) cells.set(name, (byProduct = new Map()));
    const pk = productId * 2 + (kind === 'output' ? 0 : 1);
    let byPeriod = byProduct.get(pk);
    if (!byPeriod) byProduct.set(pk, (byPeriod = new Map()));
    const cell = byPeriod.get(period);
    if (cell) {
      cell.quantity += quantity;
      cell.reports += reports;
      cell.late += late;
    } else byPeriod.set(period, { sector, region, productId, kind, period, quantity, reports, late, rank });
  };
  interface Group { place: UnitInfo; productId: number; kind: 'output' | 'consumption'; day: string; quantity: bigint; reports: number; late: number }
  const groups = new Map<string, Map<number, Map<string, Group>>>();
  for (const c of changes) {
    const reports = c.first ? 1 : 0;
    const late = c.first && c.late ? 1 : 0;
    const [month] = monthAndYearOf(c.day);
    add(unitName(c.unit), c.unit.code, c.unit.code, c.productId, c.kind, month, 0, c.delta, reports, late);
    const place = placeName(c.unit);
    let byProduct = groups.get(place);
    if (!byProduct) groups.set(place, (byProduct = new Map()));
    const pk = c.productId * 2 + (c.kind === 'output' ? 0 : 1);
    let byDay = byProduct.get(pk);
    if (!byDay) byProduct.set(pk, (byDay = new Map()));
    const g = byDay.get(c.day);
    if (g) {
      g.quantity += c.delta;
      g.reports += reports;
      g.late += late;
    } else byDay.set(c.day, { place: c.unit, productId: c.productId, kind: c.kind, day: c.day, quantity: c.delta, reports, late });
  }
  for (const byProduct of groups.values()) {
    for (const byDay of byProduct.values()) {
      for (const g of byDay.values()) {
        const [month, year] = monthAndYearOf(g.day);
        for (const n of placeCells(g.place)) {
          add(n.name, n.sector, n.region, g.productId, g.kind, month, n.rank, g.quantity, g.reports, g.late);
          add(n.name, n.sector, n.region, g.productId, g.kind, year, n.rank, g.quantity, g.reports, g.late);
        }
        for (const n of placeDayCells(g.place)) add(n.name, n.sector, n.region, g.productId, g.kind, g.day, n.rank, g.quantity, g.reports, g.late);
      }
    }
  }
  const out = new Map<string, CellDelta>();
  for (const [name, byProduct] of cells) {
    for (const byPeriod of byProduct.values()) {
      for (const [period, cell] of byPeriod) out.set(`${name}|${cell.productId}|${cell.kind}|${period}`, cell);
    }
  }
  return out;
}

interface NamedCell {
  readonly name: string;
  readonly sector: string;
  readonly region: string;
  readonly rank: number;
}

const names = new WeakMap<UnitInfo, { unit: string; place: string; cells: NamedCell[]; days: NamedCell[] }>();

function namesOf(u: UnitInfo) {
  let n = names.get(u);
  if (!n) {
    const named = (s: string, r: string, rank: number): NamedCell => ({ name: `${s}|${r}`, sector: s, region: r, rank });
    const cells = nodeCells(u).map(([s, r]) => named(s, r, s === NATION && r === NATION ? 3 : s === NATION ? 2 : 1));
    const topSector = u.sectorChain[u.sectorChain.length - 1] ?? NATION;
    const province = u.regionChain[u.regionChain.length - 1] ?? NATION;
    const days: NamedCell[] = [];
    if (topSector !== NATION) days.push(named(topSector, NATION, 10));
    if (province !== NATION) days.push(named(NATION, province, 10));
    days.push(named(NATION, NATION, 20));
    n = { unit: `${u.code}|${u.code}`, place: `${u.sectorChain[0] ?? ''}\t${u.regionChain[0] ?? ''}`, cells, days };
    names.set(u, n);
  }
  return n;
}

/** The unit's own cell name (memoised per unit). */
function unitName(u: UnitInfo): string {
  return namesOf(u).unit;
}

/** The unit's place: its sector and region leaves, shared by every unit with the same cells above. */
function placeName(u: UnitInfo): string {
  return namesOf(u).place;
}

/** The node cells of a place, with their lock rank (see nodeCells). */
function placeCells(u: UnitInfo): readonly NamedCell[] {
  return namesOf(u).cells;
}

/** The cells whose days are kept: the top sector, the province and the nation. */
function placeDayCells(u: UnitInfo): readonly NamedCell[] {
  return namesOf(u).days;
}

const monthYear = new Map<string, [string, string]>();

/** monthAndYear memoised by day (a batch's days are few). */
function monthAndYearOf(day: string): [string, string] {
  let m = monthYear.get(day);
  if (!m) monthYear.set(day, (m = monthAndYear(day)));
  return m;
}

/** The cells in a deadlock-free order: by rank (shared cells last), then by key. */
export function orderedCells(cells: Map<string, CellDelta>): CellDelta[] {
  return [...cells.entries()].sort(([ka, a], [kb, b]) => a.rank - b.rank || (ka < kb ? -1 : ka > kb ? 1 : 0)).map(([, c]) => c);
}
