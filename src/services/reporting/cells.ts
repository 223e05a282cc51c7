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
 * Sums the deltas of applied changes into the cells they touch: the unit's own month and year; every
 * (sector-side, region-side) pair of its ancestors, the nation included, for month and year; and the
 * day for the nation, its sector and its province.
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
    const sectors = [...c.unit.sectorChain, NATION];
    const regions = [...c.unit.regionChain, NATION];
    for (const period of [month, year]) {
      add(c.unit.code, c.unit.code, c, period, 0);
      for (let i = 0; i < sectors.length; i++) {
        for (let j = 0; j < regions.length; j++) add(sectors[i], regions[j], c, period, i + j + 1);
      }
    }
    const topSector = sectors[sectors.length - 2] ?? NATION;
    const province = regions[regions.length - 2] ?? NATION;
    add(topSector, NATION, c, c.day, 10);
    add(NATION, province, c, c.day, 10);
    add(NATION, NATION, c, c.day, 20);
  }
  return cells;
}

/** The cells in a deadlock-free order: by rank (shared cells last), then by key. */
export function orderedCells(cells: Map<string, CellDelta>): CellDelta[] {
  return [...cells.entries()].sort(([ka, a], [kb, b]) => a.rank - b.rank || (ka < kb ? -1 : ka > kb ? 1 : 0)).map(([, c]) => c);
}
