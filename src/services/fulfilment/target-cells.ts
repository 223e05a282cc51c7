import type { Queryable } from '../../store/index.js';
import { csvRow } from '../../store/index.js';
import { nodeCells } from '../reporting/cells.js';
import type { ServiceContext } from '../context.js';
import { loadReportingModel } from '../reporting/model-cache.js';
import { fromMicro, toMicro } from '../reporting/micro.js';

/**
 * Rebuilds target_cell from the unit targets of the latest approved version of every plan whose
 * targets are set per unit (the annual plans): each unit's month and year targets are kept for the
 * unit and added to each of its ancestor nodes in both trees, as actual_cell does for reports.
 * @example await rebuildTargetCells(ctx, tx);
 */
export async function rebuildTargetCells(ctx: ServiceContext, tx: Queryable = ctx.store): Promise<number> {
  const model = await loadReportingModel(ctx, tx);
  const rows = await tx.query<{ node: string; product: string; period: string; quantity: string }>(
    `select t.node, t.product, t.period, t.quantity::text as quantity
       from target t
       join (select plan, max(version) as version from plan_version
              where org = $1 and status in ('approved', 'revised') group by plan) v
         on v.plan = t.plan and v.version = t.version
       join unit u on u.org = t.org and u.code = t.node
      where t.org = $1`,
    [ctx.org],
  );
  const cells = new Map<string, { quantity: bigint; units: number }>();
  for (const r of rows) {
    const unit = model.unitsByCode.get(r.node);
    const product = model.productsByCode.get(r.product);
    if (!unit || !product || product.aggregation !== 'sum') continue;
    const q = toMicro(r.quantity);
    const add = (s: string, g: string) => {
      const key = `${s}\u0000${g}\u0000${product.id}\u0000${r.period}`;
      const c = cells.get(key) ?? { quantity: 0n, units: 0 };
      c.quantity += q;
      c.units += 1;
      cells.set(key, c);
    };
    add(unit.code, unit.code);
    for (const [s, g] of nodeCells(unit)) add(s, g);
  }
  await tx.query('delete from target_cell where org = $1', [ctx.org]);
  let csv = '';
  for (const [key, c] of cells) {
    const [s, g, p, period] = key.split('\u0000');
    csv += csvRow([ctx.org, s, g, p, period, fromMicro(c.quantity), c.units]);
  }
  if (csv) await tx.copyFrom('target_cell', ['org', 'sector', 'region', 'product_id', 'period', 'quantity', 'units'], csv);
  return cells.size;
}
