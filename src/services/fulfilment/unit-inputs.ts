// Each unit's actual and targets, where units_fulfilled is counted from the units: a sector x region
// cut's single days (its cells keep no day counts), and any cell before the count cells are built
// or exact. A big cut has a few thousand units, one indexed read each for its actual and for its
// targets: on PostgreSQL they are read in a few statements at once, over the pool's connections.
import type { ServiceContext } from '../context.js';
import { toMicro } from '../reporting/micro.js';
import type { UnitInfo } from '../reporting/model-cache.js';

/** Each unit's actual over the period (millionths as a double) and targets, for counting from units. */
export interface UnitInputs {
  readonly actual: Map<string, number>;
  readonly targets: Map<string, Map<string, bigint>>;
}

/** Units per statement: a big cut's reads spread over a few connections. */
const CHUNK = 500;

function chunks<T>(ctx: ServiceContext, xs: readonly T[]): T[][] {
  const size = ctx.store.kind === 'postgres' ? CHUNK : Math.max(1, xs.length);
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * Reads each unit's actual over the day parts (figures in force) or the months (its month cells)
 * and its targets for `targetIds`, as the one-cell query's count from units read them.
 */
export async function readUnitInputs(
  ctx: ServiceContext, units: readonly UnitInfo[], productId: number, days: readonly string[], months: readonly string[], targetIds: readonly string[],
): Promise<UnitInputs> {
  const out: UnitInputs = { actual: new Map(), targets: new Map() };
  if (units.length === 0) return out;
  const reads: Promise<void>[] = [];
  const codeOf = new Map(units.map((u) => [u.id, u.code]));
  for (const part of chunks(ctx, units)) {
    if (days.length) {
      // A join with unnest, not `unit_id = any(...)`: planning a thousand-element array costs more than the read.
      reads.push(
        ctx.store
          .query<{ id: number; q: string }>(
            `select k.u as id, sum(t.quantity)::text as q from unnest($3::int[]) as k(u)
               join report_current t on t.org = $1 and t.unit_id = k.u and t.product_id = $2 and t.kind = 'output' and t.day = any($4::date[])
              group by k.u`,
            [ctx.org, productId, part.map((u) => u.id), days],
          )
          .then((rows) => {
            for (const r of rows) out.actual.set(codeOf.get(r.id)!, Number(toMicro(r.q)));
          }),
      );
    }
    // `sector = any(...)` below: joined with unnest instead, the planner scans the table rather than probe its key.
    if (months.length) {
      reads.push(
        ctx.store
          .query<{ unit: string; q: string }>(
            `select sector as unit, sum(quantity)::text as q from actual_cell
              where org = $1 and sector = any($2::text[]) and region = sector and product_id = $3 and kind = 'output' and period = any($4)
              group by sector`,
            [ctx.org, part.map((u) => u.code), productId, months],
          )
          .then((rows) => {
            for (const r of rows) out.actual.set(r.unit, (out.actual.get(r.unit) ?? 0) + Number(toMicro(r.q)));
          }),
      );
    }
    reads.push(
      ctx.store
        .query<{ unit: string; period: string; q: string }>(
          `select sector as unit, period, quantity::text as q from target_cell
            where org = $1 and sector = any($2::text[]) and region = sector and product_id = $3 and period = any($4)`,
          [ctx.org, part.map((u) => u.code), productId, targetIds],
        )
        .then((rows) => {
          for (const r of rows) {
            let m = out.targets.get(r.unit);
            if (!m) out.targets.set(r.unit, (m = new Map()));
            m.set(r.period, toMicro(r.q));
          }
        }),
    );
  }
  await Promise.all(reads);
  return out;
}
