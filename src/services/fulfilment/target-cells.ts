import type { Queryable } from '../../store/index.js';
import type { ServiceContext } from '../context.js';
import { nodeCells } from '../reporting/cells.js';
import { loadReportingModel } from '../reporting/model-cache.js';
import { actualCells, rebuildUnitsFulfilled } from './units-fulfilled.js';

/**
 * Rebuilds target_cell from the unit targets of the latest approved version of every plan whose
 * targets are set per unit (the annual plans): each unit's month and year targets are kept for the
 * unit and added to each of its ancestor nodes in both trees, as actual_cell does for reports. The
 * sums run in the database (over a list of which cells each unit rolls into), so a store of any
 * size is rebuilt without holding its targets in memory.
 * @example await rebuildTargetCells(ctx, tx);
 */
export async function rebuildTargetCells(ctx: ServiceContext, tx: Queryable = ctx.store): Promise<number> {
  const model = await loadReportingModel(ctx, tx);
  await tx.exec('create temp table if not exists unit_cell (unit text not null, sector text not null, region text not null)');
  await tx.exec('truncate unit_cell');
  let lines: string[] = [];
  const flush = async () => {
    if (lines.length) await tx.copyFrom('unit_cell', ['unit', 'sector', 'region'], lines.join('\n') + '\n');
    lines = [];
  };
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  for (const u of model.unitsByCode.values()) {
    const c = quote(u.code);
    lines.push(`${c},${c},${c}`);
    for (const [s, r] of nodeCells(u)) lines.push(`${c},${quote(s)},${quote(r)}`);
    // The kept sector x region cuts too (read once units_fulfilled's cells are built: see cell-inputs.ts).
    for (const [s, r] of actualCells(u).cuts) lines.push(`${c},${quote(s)},${quote(r)}`);
    if (lines.length >= 200_000) await flush();
  }
  await flush();
  await tx.query('delete from target_cell where org = $1', [ctx.org]);
  const [{ n }] = await tx.query<{ n: number }>(
    `with inserted as (
       insert into target_cell (org, sector, region, product_id, period, quantity, units)
       select t.org, uc.sector, uc.region, p.id, t.period, sum(t.quantity), count(*)
         from target t
         join (select plan, max(version) as version from plan_version
                where org = $1 and status in ('approved', 'revised') group by plan) v
           on v.plan = t.plan and v.version = t.version
         join unit_cell uc on uc.unit = t.node
         join product p on p.org = t.org and p.code = t.product and p.aggregation = 'sum'
        where t.org = $1
        group by t.org, uc.sector, uc.region, p.id, t.period
       returning 1)
     select count(*) as n from inserted`,
    [ctx.org],
  );
  await tx.exec('drop table unit_cell');
  // units_fulfilled depends on the targets: its cells are rebuilt with them.
  await rebuildUnitsFulfilled(ctx, tx);
  return n;
}
