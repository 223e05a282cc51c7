import type { ServiceContext } from '../context.js';
import type { CellDelta } from '../reporting/cells.js';
import { reportingModel } from '../reporting/model-cache.js';

/** A cell's figure in force, as live subscribers receive it. */
export interface CellFigure {
  readonly sector: string;
  readonly region: string;
  readonly product: string;
  readonly kind: string;
  readonly period: string;
  readonly actual: string;
  readonly reports: number;
}

/**
 * The current figures of the given cells (deduplicated), for pushing after a batch commits.
 * @example await readCells(ctx, result.cells)
 */
export async function readCells(ctx: ServiceContext, cells: readonly Pick<CellDelta, 'sector' | 'region' | 'productId' | 'kind' | 'period'>[]): Promise<CellFigure[]> {
  if (cells.length === 0) return [];
  const model = await reportingModel(ctx);
  const rows = await ctx.store.query<{ sector: string; region: string; product_id: number; kind: string; period: string; quantity: string; reports: number }>(
    `select c.sector, c.region, c.product_id, c.kind, c.period, c.quantity::text as quantity, c.reports
       from actual_cell c
       join unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) as k(s, r, p, kd, pe)
         on c.sector = k.s and c.region = k.r and c.product_id = k.p and c.kind = k.kd and c.period = k.pe
      where c.org = $1`,
    [ctx.org, cells.map((c) => c.sector), cells.map((c) => c.region), cells.map((c) => c.productId), cells.map((c) => c.kind), cells.map((c) => c.period)],
  );
  return rows.map((r) => ({
    sector: r.sector,
    region: r.region,
    product: model.productsById.get(r.product_id)?.code ?? String(r.product_id),
    kind: r.kind,
    period: r.period,
    actual: r.quantity,
    reports: r.reports,
  }));
}
