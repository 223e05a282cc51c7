// Recomputes the rolled-up actuals (actual_cell) from the figures in force (report_current), written
// independently of src/services/reporting/cells.ts from the README's definition, and lists every cell
// where the store's incremental rollup differs. Used by the crash and fuzz suites to prove that no
// batch was half applied.
import type { Queryable } from '../../src/store/index.js';

const NATION = 'NATION';

/** An exact decimal (numeric as text, at most 6 decimals) in millionths. */
export function micro(text: string): bigint {
  const s = text.trim();
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  if (!/^\d+$/.test(int) || !/^\d*$/.test(frac) || frac.replace(/0+$/, '').length > 6) throw new Error(`not a decimal with <= 6 places: ${text}`);
  const v = BigInt(int) * 1_000_000n + BigInt((frac.replace(/0+$/, '') + '000000').slice(0, 6));
  return neg ? -v : v;
}

export interface CellFigures {
  quantity: bigint;
  reports: number;
  late: number;
}

export interface RollupMismatch {
  /** sector|region|product_id|kind|period */
  readonly key: string;
  readonly stored: CellFigures | undefined;
  readonly expected: CellFigures | undefined;
}

export interface RollupCheck {
  /** Cells compared. */
  readonly cells: number;
  /** Figures in force that roll up (output of products aggregated by sum). */
  readonly figures: number;
  readonly mismatches: RollupMismatch[];
}

/**
 * The cells one figure in force rolls into: the unit's month; every sector-tree ancestor (across the
 * country) and region-tree ancestor (across all sectors) and the nation, month and year; and the day
 * for the nation, the unit's top sector and its province.
 */
export function cellKeysOf(unit: string, sectorChain: readonly string[], regionChain: readonly string[], productId: number, day: string): string[] {
  const month = `${day.slice(0, 4)}-M${day.slice(5, 7)}`;
  const year = day.slice(0, 4);
  const k = (s: string, r: string, period: string) => `${s}|${r}|${productId}|output|${period}`;
  const out = [k(unit, unit, month)];
  const nodes: [string, string][] = [...sectorChain.map((s): [string, string] => [s, NATION]), ...regionChain.map((r): [string, string] => [NATION, r]), [NATION, NATION]];
  for (const [s, r] of nodes) out.push(k(s, r, month), k(s, r, year));
  if (sectorChain.length) out.push(k(sectorChain[sectorChain.length - 1], NATION, day));
  if (regionChain.length) out.push(k(NATION, regionChain[regionChain.length - 1], day));
  out.push(k(NATION, NATION, day));
  return out;
}

/** Each unit's code and its ancestors in both trees (parent first, the nation left out). */
export async function unitChains(q: Queryable, org: number): Promise<Map<number, { code: string; sectorChain: string[]; regionChain: string[] }>> {
  const nodes = await q.query<{ tree: string; code: string; parent: string | null }>('select tree, code, parent from tree_node where org = $1', [org]);
  const parent = new Map(nodes.map((n) => [`${n.tree}:${n.code}`, n.parent]));
  const chain = (tree: string, code: string) => {
    const out: string[] = [];
    for (let c: string | null | undefined = code; c && c !== NATION && out.length < 100; c = parent.get(`${tree}:${c}`)) out.push(c);
    return out;
  };
  const units = await q.query<{ id: number; code: string; sector: string; region: string }>('select id, code, sector, region from unit where org = $1', [org]);
  return new Map(units.map((u) => [Number(u.id), { code: u.code, sectorChain: chain('sector', u.sector), regionChain: chain('region', u.region) }]));
}

/**
 * Compares actual_cell with sums recomputed from report_current. With `onlyKeys`, only those cells
 * (e.g. the cells a test's reports touched) are compared; otherwise every cell.
 * @example const { mismatches } = await rollupMismatches(store, 1); expect(mismatches).toEqual([]);
 */
export async function rollupMismatches(q: Queryable, org: number, onlyKeys?: ReadonlySet<string>): Promise<RollupCheck> {
  const units = await unitChains(q, org);
  const figures = await q.query<{ unit_id: number; product_id: number; day: string; quantity: string; late: boolean }>(
    `select c.unit_id, c.product_id, c.day::text as day, c.quantity::text as quantity, c.late
       from report_current c join product p on p.org = c.org and p.id = c.product_id
      where c.org = $1 and c.kind = 'output' and p.aggregation = 'sum'`,
    [org],
  );
  const expected = new Map<string, CellFigures>();
  for (const f of figures) {
    const u = units.get(Number(f.unit_id));
    if (!u) throw new Error(`report_current names unit id ${f.unit_id}, which is not in unit`);
    const q6 = micro(f.quantity);
    for (const key of cellKeysOf(u.code, u.sectorChain, u.regionChain, Number(f.product_id), f.day)) {
      if (onlyKeys && !onlyKeys.has(key)) continue;
      const c = expected.get(key) ?? { quantity: 0n, reports: 0, late: 0 };
      c.quantity += q6;
      c.reports += 1;
      if (f.late) c.late += 1;
      expected.set(key, c);
    }
  }
  const stored = new Map<string, CellFigures>();
  const rows = await q.query<{ sector: string; region: string; product_id: number; kind: string; period: string; quantity: string; reports: number; late: number }>(
    'select sector, region, product_id, kind, period, quantity::text as quantity, reports, late from actual_cell where org = $1',
    [org],
  );
  for (const r of rows) {
    const key = `${r.sector}|${r.region}|${r.product_id}|${r.kind}|${r.period}`;
    if (onlyKeys && !onlyKeys.has(key)) continue;
    stored.set(key, { quantity: micro(r.quantity), reports: Number(r.reports), late: Number(r.late) });
  }
  const mismatches: RollupMismatch[] = [];
  for (const key of new Set([...expected.keys(), ...stored.keys()])) {
    const e = expected.get(key);
    const s = stored.get(key);
    if (!e || !s || e.quantity !== s.quantity || e.reports !== s.reports || e.late !== s.late) mismatches.push({ key, stored: s, expected: e });
  }
  return { cells: new Set([...expected.keys(), ...stored.keys()]).size, figures: figures.length, mismatches };
}

/** A mismatch as one readable line (bigints as decimals). */
export function describeMismatch(m: RollupMismatch): string {
  const f = (c: CellFigures | undefined) => (c ? `quantity=${Number(c.quantity) / 1e6} reports=${c.reports} late=${c.late}` : 'absent');
  return `${m.key}: stored ${f(m.stored)}, recomputed ${f(m.expected)}`;
}
