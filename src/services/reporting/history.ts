import type { ServiceContext } from '../context.js';
import { NormaError } from '../errors.js';
import { reportingModel } from './model-cache.js';

export interface ReportVersion {
  readonly version: number;
  readonly quantity: string;
  readonly reported_at: string;
  readonly reported_by: string;
  readonly note: string | null;
}

/**
 * Every version of one report (unit, product, kind, day), oldest first.
 * @example await reportHistory(ctx, { unit: 'U-000001', product: 'cement', date: '2026-11-22' })
 */
export async function reportHistory(
  ctx: ServiceContext,
  q: { unit: string; product: string; date: string; kind?: 'output' | 'consumption' },
): Promise<ReportVersion[]> {
  const model = await reportingModel(ctx);
  const unit = model.unitsByCode.get(q.unit);
  if (!unit) throw new NormaError('NORMA_ERR_NOT_FOUND', `no unit with code ${JSON.stringify(q.unit)}`, [{ field: 'unit', reason: 'unknown unit' }]);
  const product = model.productsByCode.get(q.product);
  if (!product) throw new NormaError('NORMA_ERR_NOT_FOUND', `no product with code ${JSON.stringify(q.product)}`, [{ field: 'product', reason: 'unknown product' }]);
  const rows = await ctx.store.query<{ version: number; quantity: string; reported_at: Date; reported_by: string; note: string | null }>(
    `select version, quantity::text as quantity, reported_at, reported_by, note from report
      where org = $1 and unit_id = $2 and product_id = $3 and kind = $4 and day = $5 order by version`,
    [ctx.org, unit.id, product.id, q.kind ?? 'output', q.date],
  );
  return rows.map((r) => ({ ...r, reported_at: new Date(r.reported_at).toISOString() }));
}
