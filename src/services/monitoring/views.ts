// The read side of records and standards by codes, as the API asks for them.
import type { ServiceContext } from '../context.js';
import { NormaError, notFound } from '../errors.js';
import { reportingModel } from '../reporting/model-cache.js';
import { unitRecords, type RecordEventView, type RecordView } from './records.js';
import { unitStandards, type StandardProposalView } from './standards.js';

/** A unit's records and record events. */
export interface UnitRecordsView {
  readonly unit: string;
  readonly records: RecordView[];
  readonly events: RecordEventView[];
}

/**
 * Best day and best month of each output (or one) of a unit, with its record events.
 * @example await getRecords(ctx, 'U-000007', 'cement') // { unit, records: [{ product: 'cement', best_day: {...}, best_month: {...} }], events }
 */
export async function getRecords(ctx: ServiceContext, unitCode: string, productCode?: string): Promise<UnitRecordsView> {
  const model = await reportingModel(ctx);
  const unit = model.unitsByCode.get(unitCode);
  if (!unit) notFound('unit', unitCode, 'unit');
  let products = [...unit.outputs].filter((p) => model.productsById.get(p)?.aggregation === 'sum').sort((a, b) => a - b);
  if (productCode !== undefined) {
    const p = model.productsByCode.get(productCode);
    if (!p) notFound('product', productCode, 'product');
    if (!unit.outputs.has(p.id)) {
      throw new NormaError('NORMA_ERR_NOT_FOUND', `unit ${unitCode} does not make ${productCode}`, [{ field: 'product', reason: `not an output of unit ${unitCode}` }]);
    }
    products = [p.id];
  }
  const { records, events } = await unitRecords(ctx, model, unit.id, products);
  return { unit: unit.code, records, events };
}

/** A unit's standard proposals. */
export interface UnitStandardsView {
  readonly unit: string;
  readonly workers: number;
  readonly proposals: StandardProposalView[];
}

/**
 * The standard proposals of a unit, newest window first.
 * @example await getStandards(ctx, 'U-000007') // { unit: 'U-000007', workers: 900, proposals: [...] }
 */
export async function getStandards(ctx: ServiceContext, unitCode: string): Promise<UnitStandardsView> {
  const model = await reportingModel(ctx);
  const unit = model.unitsByCode.get(unitCode);
  if (!unit) notFound('unit', unitCode, 'unit');
  const [row] = await ctx.store.query<{ workers: number }>('select workers from unit where org = $1 and id = $2', [ctx.org, unit.id]);
  return { unit: unit.code, workers: row?.workers ?? 0, proposals: await unitStandards(ctx, model, unit.id) };
}
