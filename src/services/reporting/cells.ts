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
 * @example const cells = cellDeltas(changes); // Map key 'NATION|NATION|3|output|2026-M11' -> delta
 */
export function cellDeltas(changes: readonly AppliedChange[]): Map<string, CellDelta> {
  const cells = new Map<string, CellDelta>();
  const add = (sector: string, region: string, c: AppliedChange, period: string, rank: number) => {
    const key = `${sector}|${region}|${c.productId}|${c.kind}|${period}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { sector, region, productId: c.productId, kind: c.kind, period, quantity: 0n, reports: 0, late: 0, rank };
      cells.set(key, cell);
    }
    cell.quantity += c.delta;
    if (c.first) {
      cell.reports += 1;
      if (c.late) cell.late += 1;
    }
  };
  for (const c of changes) {
    const [month, year] = monthAndYear(c.day);
    add(c.unit.code, c.unit.code, c, month, 0);
    const nodes = nodeCells(c.unit);
    for (let i = 0; i < nodes.length; i++) {
      const [s, r] = nodes[i];
      const rank = s === NATION && r === NATION ? 3 : s === NATION ? 2 : 1;
      add(s, r, c, month, rank);
      add(s, r, c, year, rank);
    }
    const topSector = c.unit.sectorChain[c.unit.sectorChain.length - 1] ?? NATION;
    const province = c.unit.regionChain[c.unit.regionChain.length - 1] ?? NATION;
    if (topSector !== NATION) add(topSector, NATION, c, c.day, 10);
    if (province !== NATION) add(NATION, province, c, c.day, 10);
    add(NATION, NATION, c, c.day, 20);
  }
  return cells;
}

/** The cells in a deadlock-free order: by rank (shared cells last), then by key. */
export function orderedCells(cells: Map<string, CellDelta>): CellDelta[] {
  return [...cells.entries()].sort(([ka, a], [kb, b]) => a.rank - b.rank || (ka < kb ? -1 : ka > kb ? 1 : 0)).map(([, c]) => c);
}
