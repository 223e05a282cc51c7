import { workingDays } from '../domain/calendar.js';
import { childPeriods, formatPeriod, parentPeriod, parsePeriod, type PeriodKind } from '../domain/period.js';
import { loadCalendar } from './calendar.js';
import type { ServiceContext } from './context.js';
import { NormaError } from './errors.js';

/** A period as the API shows it. */
export interface PeriodView {
  readonly id: string;
  readonly kind: PeriodKind;
  readonly label: string;
  readonly start: string;
  readonly end: string;
  readonly parent: string | null;
  readonly children: string[];
  readonly working_day_count: number;
  readonly working_days: string[];
}

/**
 * A period with its parent, children and working days (nationally, or in `region` with its overrides).
 * @example (await describePeriod(ctx, '2026-M11')).children[0] // '2026-11-01'
 */
export async function describePeriod(ctx: ServiceContext, id: string, region?: string): Promise<PeriodView> {
  const parsed = parsePeriod(id);
  if (!parsed.ok) throw parsed.error;
  const p = parsed.value;
  let regionChain: string[] = [];
  if (region !== undefined) {
    // PostgreSQL text cannot hold NUL: such a code names no region (and would fail the query).
    const chain = region.includes('\u0000') ? [] : await ctx.store.query<{ code: string }>(
      `with recursive up(code, parent, depth) as (
         select code, parent, 0 from tree_node where org = $1 and tree = 'region' and code = $2
         union all
         select t.code, t.parent, up.depth + 1 from tree_node t join up on t.org = $1 and t.tree = 'region' and t.code = up.parent)
       select code from up order by depth desc`,
      [ctx.org, region],
    );
    if (chain.length === 0) {
      throw new NormaError('NORMA_ERR_NOT_FOUND', `no region node with code ${JSON.stringify(region)}`, [
        { field: 'region', reason: 'unknown region node' },
      ]);
    }
    regionChain = chain.map((c) => c.code);
  }
  const cal = await loadCalendar(ctx);
  const days = workingDays(cal, p, regionChain);
  return {
    id: p.id,
    kind: p.kind,
    label: formatPeriod(p, 'label'),
    start: p.start,
    end: p.end,
    parent: parentPeriod(p)?.id ?? null,
    children: childPeriods(p).map((c) => c.id),
    working_day_count: days.length,
    working_days: [...days],
  };
}
