// Actual cells for the demo's bulk load, summed per series with typed arrays: the same cells that
// submitReports keeps incrementally (see reporting/cells.ts), computed in one pass.
import { NATION } from '../trees.js';
import { nodeCells } from '../reporting/cells.js';
import type { DemoEconomy, DemoUnitReports } from './generate.js';
import { milli } from './generate.js';

interface DayCell {
  readonly quantity: Float64Array;
  readonly reports: Int32Array;
  readonly late: Int32Array;
}

/** Sums demo report series into actual_cell rows. Quantities are thousandths, exact in doubles. */
export class DemoCellAggregator {
  private readonly periodCells = new Map<string, { quantity: number; reports: number; late: number }>();
  private readonly dayCells = new Map<string, DayCell>();
  private readonly parent = new Map<string, string | null>();

  constructor(
    private readonly economy: DemoEconomy,
    private readonly days: readonly string[],
  ) {
    for (const n of economy.nodes) this.parent.set(`${n.tree}:${n.code}`, n.parent);
  }

  private chain(tree: 'sector' | 'region', code: string): string[] {
    const out: string[] = [];
    for (let c: string | null | undefined = code; c && c !== NATION; c = this.parent.get(`${tree}:${c}`)) out.push(c);
    return out;
  }

  /** Adds one unit's reports; `dayIndex[k]` is the index in `days` of the unit's k-th reporting day. */
  add(unitIndex: number, r: DemoUnitReports, dayIndex: readonly number[], sumProducts: ReadonlySet<number>): void {
    const u = this.economy.units[unitIndex];
    const sectorChain = this.chain('sector', u.sector);
    const regionChain = this.chain('region', u.region);
    const combos = nodeCells({ sectorChain, regionChain });
    const dayCombos: [string, string][] = [[NATION, NATION]];
    if (sectorChain.length) dayCombos.push([sectorChain[sectorChain.length - 1], NATION]);
    if (regionChain.length) dayCombos.push([NATION, regionChain[regionChain.length - 1]]);
    for (const s of r.series) {
      if (s.kind !== 'output' || !sumProducts.has(s.productId)) continue;
      const months = new Float64Array(12);
      const monthReports = new Int32Array(12);
      const monthLate = new Int32Array(12);
      let year = 0;
      for (let k = 0; k < r.days.length; k++) {
        const m = Number(r.days[k].slice(5, 7)) - 1;
        months[m] += s.milli[k];
        monthReports[m] += 1;
        monthLate[m] += r.late[k];
        year += s.milli[k];
      }
      const y = r.days.length ? r.days[0].slice(0, 4) : '';
      for (let m = 0; m < 12; m++) {
        if (monthReports[m] === 0) continue;
        this.addPeriod(`${u.code}|${u.code}|${s.productId}|${s.kind}|${y}-M${String(m + 1).padStart(2, '0')}`, months[m], monthReports[m], monthLate[m]);
      }
      for (const [sec, reg] of combos) {
        for (let m = 0; m < 12; m++) {
          if (monthReports[m] === 0) continue;
          this.addPeriod(`${sec}|${reg}|${s.productId}|${s.kind}|${y}-M${String(m + 1).padStart(2, '0')}`, months[m], monthReports[m], monthLate[m]);
        }
        if (r.days.length) this.addPeriod(`${sec}|${reg}|${s.productId}|${s.kind}|${y}`, year, r.days.length, r.late.reduce((a, b) => a + b, 0));
      }
      for (const [sec, reg] of dayCombos) {
        const key = `${sec}|${reg}|${s.productId}|${s.kind}`;
        let cell = this.dayCells.get(key);
        if (!cell) {
          const n = this.days.length;
          cell = { quantity: new Float64Array(n), reports: new Int32Array(n), late: new Int32Array(n) };
          this.dayCells.set(key, cell);
        }
        for (let k = 0; k < r.days.length; k++) {
          const d = dayIndex[k];
          cell.quantity[d] += s.milli[k];
          cell.reports[d] += 1;
          cell.late[d] += r.late[k];
        }
      }
    }
  }

  private addPeriod(key: string, quantity: number, reports: number, late: number): void {
    const c = this.periodCells.get(key);
    if (c) {
      c.quantity += quantity;
      c.reports += reports;
      c.late += late;
    } else this.periodCells.set(key, { quantity, reports, late });
  }

  /** The cells as CSV lines for COPY into actual_cell (org, sector, region, product_id, kind, period, quantity, reports, late). */
  *csvLines(org: number): Generator<string> {
    for (const [key, c] of this.periodCells) {
      const [s, g, p, k, period] = key.split('|');
      yield `${org},${s},${g},${p},${k},${period},${milli(c.quantity)},${c.reports},${c.late}`;
    }
    for (const [key, c] of this.dayCells) {
      const [s, g, p, k] = key.split('|');
      for (let d = 0; d < this.days.length; d++) {
        if (c.reports[d] === 0) continue;
        yield `${org},${s},${g},${p},${k},${this.days[d]},${milli(c.quantity[d])},${c.reports[d]},${c.late[d]}`;
      }
    }
  }
}
