import type { ServiceContext } from './context.js';
import { notFound } from './errors.js';

/** A product or indicator as the API shows it. */
export interface ProductView {
  readonly code: string;
  readonly name: string;
  readonly unit: string;
  readonly aggregation: 'sum' | 'weighted_mean';
  readonly goal: boolean;
}

/**
 * Every product of the organisation, goals first, then by code.
 * @example await listProducts(ctx) // [{ code: 'cement', name: 'Cement', unit: 't', aggregation: 'sum', goal: true }, ...]
 */
export async function listProducts(ctx: ServiceContext): Promise<ProductView[]> {
  return ctx.store.query<ProductView & Record<string, unknown>>(
    `select code, name, unit_of_measure as unit, aggregation, goal
       from product where org = $1 order by goal desc, code`,
    [ctx.org],
  );
}

/** A unit as the API shows it: its place in both trees, capacity and products. */
export interface UnitView {
  readonly code: string;
  readonly name: string;
  readonly kind: string;
  readonly sector: { code: string; name: string };
  readonly region: { code: string; name: string };
  readonly workers: number;
  readonly capacity: { product: string; unit: string; per_day: string }[];
  readonly products: { code: string; name: string; unit: string }[];
  readonly consumes: { code: string; name: string; unit: string }[];
}

/**
 * One unit by code, or NORMA_ERR_NOT_FOUND.
 * @example await getUnit(ctx, 'U-00001')
 */
export async function getUnit(ctx: ServiceContext, code: string): Promise<UnitView> {
  // PostgreSQL text cannot hold NUL: such a code names no unit (and would fail the query).
  if (code.includes('\u0000')) notFound('unit', code);
  const [u] = await ctx.store.query<{
    code: string; name: string; kind: string; workers: number;
    sector: string; sector_name: string; region: string; region_name: string;
  }>(
    `select u.code, u.name, u.kind, u.workers, u.sector, s.name as sector_name, u.region, r.name as region_name
       from unit u
       join tree_node s on s.org = u.org and s.tree = 'sector' and s.code = u.sector
       join tree_node r on r.org = u.org and r.tree = 'region' and r.code = u.region
      where u.org = $1 and u.code = $2`,
    [ctx.org, code],
  );
  if (!u) notFound('unit', code);
  const products = await ctx.store.query<{ code: string; name: string; unit: string; role: string; capacity: string | null }>(
    `select p.code, p.name, p.unit_of_measure as unit, up.role, up.capacity_per_day::text as capacity
       from unit_product up join product p on p.org = up.org and p.code = up.product
      where up.org = $1 and up.unit = $2 order by up.role desc, p.code`,
    [ctx.org, code],
  );
  const made = products.filter((p) => p.role === 'output');
  return {
    code: u.code,
    name: u.name,
    kind: u.kind,
    sector: { code: u.sector, name: u.sector_name },
    region: { code: u.region, name: u.region_name },
    workers: u.workers,
    capacity: made.filter((p) => p.capacity !== null).map((p) => ({ product: p.code, unit: p.unit, per_day: p.capacity as string })),
    products: made.map((p) => ({ code: p.code, name: p.name, unit: p.unit })),
    consumes: products.filter((p) => p.role === 'consumption').map((p) => ({ code: p.code, name: p.name, unit: p.unit })),
  };
}
