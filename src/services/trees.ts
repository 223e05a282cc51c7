import type { ServiceContext } from './context.js';
import { NormaError, notFound } from './errors.js';

export type TreeName = 'sector' | 'region';

/** The code of the root of both trees: the whole nation. */
export const NATION = 'NATION';

/** A node of a tree as the API shows it, down to units (kind `unit`). */
export interface TreeNodeView {
  readonly code: string;
  readonly name: string;
  readonly kind: string;
  readonly children: TreeNodeView[];
}

interface NodeRow {
  code: string;
  name: string;
  kind: string;
  parent: string | null;
}

/**
 * The subtree of `tree` rooted at `node` (the nation when absent), `depth` levels deep (all when absent).
 * @example await getTree(ctx, 'region', { node: 'P-SPY', depth: 1 }) // province with its counties
 */
export async function getTree(
  ctx: ServiceContext,
  tree: TreeName,
  opts: { node?: string; depth?: number } = {},
): Promise<TreeNodeView> {
  if (opts.depth !== undefined && (!Number.isInteger(opts.depth) || opts.depth < 0)) {
    throw new NormaError('NORMA_ERR_BAD_REQUEST', `depth must be a whole number >= 0, got ${opts.depth}`, [
      { field: 'depth', reason: 'not a whole number >= 0' },
    ]);
  }
  const nodes = await ctx.store.query<NodeRow & Record<string, unknown>>(
    'select code, name, kind, parent from tree_node where org = $1 and tree = $2 order by code',
    [ctx.org, tree],
  );
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const root = opts.node ?? nodes.find((n) => n.parent === null)?.code;
  if (root === undefined) notFound(`${tree} tree`, 'root', 'node');

  const start = byCode.get(root);
  if (!start) {
    // A unit is a leaf of both trees. PostgreSQL text cannot hold NUL: such a code names nothing.
    if (root.includes('\u0000')) notFound(`node in the ${tree} tree`, root, 'node');
    const [u] = await ctx.store.query<{ code: string; name: string }>(
      'select code, name from unit where org = $1 and code = $2',
      [ctx.org, root],
    );
    if (!u) notFound(`node in the ${tree} tree`, root, 'node');
    return { code: u.code, name: u.name, kind: 'unit', children: [] };
  }

  const children = new Map<string, NodeRow[]>();
  for (const n of nodes) {
    if (n.parent === null) continue;
    const list = children.get(n.parent) ?? [];
    list.push(n);
    children.set(n.parent, list);
  }

  // Which nodes are expanded within the depth limit: their units are loaded too.
  const maxDepth = opts.depth ?? Number.POSITIVE_INFINITY;
  const expanded: string[] = [];
  const collect = (code: string, d: number) => {
    if (d >= maxDepth) return;
    expanded.push(code);
    for (const c of children.get(code) ?? []) collect(c.code, d + 1);
  };
  collect(root, 0);

  const parentColumn = tree === 'sector' ? 'sector' : 'region';
  const units = expanded.length
    ? await ctx.store.query<{ code: string; name: string; parent: string }>(
        `select code, name, ${parentColumn} as parent from unit where org = $1 and ${parentColumn} = any($2) order by code`,
        [ctx.org, expanded],
      )
    : [];
  const unitsByParent = new Map<string, TreeNodeView[]>();
  for (const u of units) {
    const list = unitsByParent.get(u.parent) ?? [];
    list.push({ code: u.code, name: u.name, kind: 'unit', children: [] });
    unitsByParent.set(u.parent, list);
  }

  const build = (n: NodeRow, d: number): TreeNodeView => ({
    code: n.code,
    name: n.name,
    kind: n.kind,
    children:
      d >= maxDepth
        ? []
        : [...(children.get(n.code) ?? []).map((c) => build(c, d + 1)), ...(unitsByParent.get(n.code) ?? [])],
  });
  return build(start, 0);
}
