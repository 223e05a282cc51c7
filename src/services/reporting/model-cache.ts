import type { Queryable } from '../../store/index.js';
import type { ServiceContext } from '../context.js';

/** What validation and rollups need to know about a unit, loaded once per store and organisation. */
export interface UnitInfo {
  readonly id: number;
  readonly code: string;
  /** Sector-tree ancestors from the unit's parent up to and excluding the nation, e.g. [SS-.., S-..]. */
  readonly sectorChain: readonly string[];
  /** Region-tree ancestors from the unit's parent up to and excluding the nation, e.g. [C-.., P-..]. */
  readonly regionChain: readonly string[];
  readonly outputs: ReadonlySet<number>;
  readonly consumes: ReadonlySet<number>;
  /** Expected to report every calendar day, not only working days. */
  readonly everyDay: boolean;
}

export interface ProductInfo {
  readonly id: number;
  readonly code: string;
  readonly aggregation: 'sum' | 'weighted_mean';
}

export interface ReportingModel {
  readonly unitsByCode: ReadonlyMap<string, UnitInfo>;
  readonly unitsById: ReadonlyMap<number, UnitInfo>;
  readonly productsByCode: ReadonlyMap<string, ProductInfo>;
  readonly productsById: ReadonlyMap<number, ProductInfo>;
  /** Tree-node code to its tree and depth (nation 0). */
  readonly nodes: ReadonlyMap<string, { tree: 'sector' | 'region'; depth: number; parent: string | null }>;
  readonly org: { utcOffsetMinutes: number; deadlineMinutes: number; reportingFrom: string };
}

const cache = new WeakMap<object, Map<number, Promise<ReportingModel>>>();

/**
 * Loads the reporting model through `q` (the store, or an open transaction that sees uncommitted rows).
 * @example const model = await loadReportingModel(ctx, tx);
 */
export async function loadReportingModel(ctx: ServiceContext, q: Queryable = ctx.store): Promise<ReportingModel> {
  const [org] = await q.query<{ off: number; dl: number; from: string }>(
    'select utc_offset_minutes as off, deadline_minutes as dl, reporting_from as "from" from organisation where org = $1',
    [ctx.org],
  );
  const nodeRows = await q.query<{ tree: 'sector' | 'region'; code: string; parent: string | null }>(
    'select tree, code, parent from tree_node where org = $1',
    [ctx.org],
  );
  const parentOf = new Map<string, string | null>();
  for (const n of nodeRows) parentOf.set(`${n.tree}:${n.code}`, n.parent);
  const chain = (tree: string, code: string): string[] => {
    const out: string[] = [];
    let c: string | null | undefined = code;
    while (c && c !== 'NATION') {
      out.push(c);
      c = parentOf.get(`${tree}:${c}`);
    }
    return out;
  };
  const nodes = new Map<string, { tree: 'sector' | 'region'; depth: number; parent: string | null }>();
  for (const n of nodeRows) nodes.set(n.code, { tree: n.tree, depth: n.code === 'NATION' ? 0 : chain(n.tree, n.code).length, parent: n.parent });

  const products = await q.query<ProductInfo & Record<string, unknown>>('select id, code, aggregation from product where org = $1', [ctx.org]);
  const productsByCode = new Map(products.map((p) => [p.code, p]));
  const units = await q.query<{ id: number; code: string; sector: string; region: string; every_day: boolean }>(
    'select id, code, sector, region, works_every_day as every_day from unit where org = $1',
    [ctx.org],
  );
  const roles = await q.query<{ unit: string; product: string; role: string }>(
    'select unit, product, role from unit_product where org = $1',
    [ctx.org],
  );
  const outputs = new Map<string, Set<number>>();
  const consumes = new Map<string, Set<number>>();
  for (const r of roles) {
    const target = r.role === 'output' ? outputs : consumes;
    const set = target.get(r.unit) ?? new Set<number>();
    set.add(productsByCode.get(r.product)!.id);
    target.set(r.unit, set);
  }
  const unitsByCode = new Map<string, UnitInfo>();
  const unitsById = new Map<number, UnitInfo>();
  for (const u of units) {
    const info: UnitInfo = {
      id: u.id,
      code: u.code,
      sectorChain: chain('sector', u.sector),
      regionChain: chain('region', u.region),
      outputs: outputs.get(u.code) ?? new Set(),
      consumes: consumes.get(u.code) ?? new Set(),
      everyDay: u.every_day,
    };
    unitsByCode.set(u.code, info);
    unitsById.set(u.id, info);
  }
  return {
    unitsByCode,
    unitsById,
    productsByCode,
    productsById: new Map(products.map((p) => [p.id, p])),
    nodes,
    org: { utcOffsetMinutes: org?.off ?? 540, deadlineMinutes: org?.dl ?? 2040, reportingFrom: org?.from ?? '2026-01-01' },
  };
}

/**
 * The organisation's units, products and trees as reporting needs them; loaded once and kept until
 * `invalidateReportingModel` (the model changes rarely; reports arrive all day).
 * @example const model = await reportingModel(ctx); model.unitsByCode.get('U-000001')?.outputs
 */
export function reportingModel(ctx: ServiceContext): Promise<ReportingModel> {
  let byOrg = cache.get(ctx.store);
  if (!byOrg) cache.set(ctx.store, (byOrg = new Map()));
  let model = byOrg.get(ctx.org);
  if (!model) {
    model = loadReportingModel(ctx);
    byOrg.set(ctx.org, model);
    model.catch(() => byOrg!.delete(ctx.org));
  }
  return model;
}

/** Forgets the cached model after units, products or trees change. */
export function invalidateReportingModel(ctx: ServiceContext): void {
  cache.get(ctx.store)?.delete(ctx.org);
}
