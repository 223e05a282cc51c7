import type { Queryable } from '../store/index.js';
import { actorName, type ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { reportingModel } from './reporting/model-cache.js';
import { NATION } from './trees.js';

/** What one mutation records: the action, its object, the nodes it concerns, and ids before/after. */
export interface AuditInput {
  /** e.g. `report.submit`, `alert.acknowledge`, `token.create`, `session.login`. */
  readonly action: string;
  /** The object acted on, e.g. `alert 12`, `token 3`, `reports` (with the rows in detail). */
  readonly target: string;
  /** Nodes whose subtree the entry belongs to (units and all their ancestors); NATION at least. */
  readonly nodes: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** One audit entry as the API shows it. */
export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly role: string;
  readonly action: string;
  readonly target: string;
  readonly detail: Record<string, unknown>;
}

/**
 * Appends an audit entry through `tx`, the mutation's own transaction, so the entry exists exactly
 * when the change does.
 * @example await writeAudit(tx, ctx, { action: 'alert.acknowledge', target: 'alert 4', nodes: ['NATION', 'U-1'], detail: { before: 'open', after: 'acknowledged' } });
 */
export async function writeAudit(tx: Queryable, ctx: ServiceContext, entry: AuditInput): Promise<void> {
  const nodes = entry.nodes.includes(NATION) ? entry.nodes : [NATION, ...entry.nodes];
  await tx.query('insert into audit (org, at, actor, role, action, target, nodes, detail) values ($1, $2, $3, $4, $5, $6, $7, $8)', [
    ctx.org,
    (ctx.now?.() ?? new Date()).toISOString(),
    actorName(ctx),
    ctx.actor?.role ?? 'system',
    entry.action,
    entry.target,
    [...new Set(nodes)],
    JSON.stringify(entry.detail),
  ]);
}

/**
 * Audit entries concerning `node`'s subtree (the nation: all), newest first; page with `before`.
 * @example await listAudit(ctx, { node: 'P-SPY', limit: 100 })
 */
export async function listAudit(
  ctx: ServiceContext,
  q: { node?: string; action?: string; before?: number; limit?: number },
): Promise<AuditEntry[]> {
  if (q.node !== undefined && q.node !== NATION) {
    // An unknown node answers 404 rather than an empty list that looks like "nothing happened".
    const m = await reportingModel(ctx);
    if (!m.nodes.has(q.node) && !m.unitsByCode.has(q.node)) notFound('node or unit', q.node, 'node');
  }
  const rows = await ctx.store.query<{ id: string; at: Date | string; actor: string; role: string; action: string; target: string; detail: Record<string, unknown> }>(
    `select id::text as id, at, actor, role, action, target, detail from audit
      where org = $1 and nodes @> array[$2]::text[]
        and ($3::text is null or action = $3) and ($4::bigint is null or id < $4)
      order by id desc limit $5`,
    [ctx.org, q.node ?? NATION, q.action ?? null, q.before ?? null, q.limit ?? 100],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), at: new Date(r.at).toISOString() }));
}
