import { reaches, selectionInScope, type Covers, type Principal } from '../../domain/access.js';
import type { ServiceContext } from '../context.js';
import { NormaError } from '../errors.js';
import { reportingModel, type ReportingModel } from '../reporting/model-cache.js';
import { NATION } from '../trees.js';

/**
 * The tree test behind every scope check, over the cached reporting model: is `code` (a node or a
 * unit) in the subtree of `within` in `tree`?
 */
export function coversIn(model: ReportingModel): Covers {
  return (tree, within, code) => {
    if (within === NATION || code === within) return true;
    const unit = model.unitsByCode.get(code);
    if (unit) return (tree === 'sector' ? unit.sectorChain : unit.regionChain).includes(within);
    let node = model.nodes.get(code);
    if (!node || node.tree !== tree) return false;
    while (node.parent !== null) {
      if (node.parent === within) return true;
      const up = model.nodes.get(node.parent);
      if (!up) return false;
      node = up;
    }
    return false;
  };
}

/** The tree test for the context's organisation. */
export async function covers(ctx: ServiceContext): Promise<Covers> {
  return coversIn(await reportingModel(ctx));
}

function describeScope(p: Principal): string {
  return p.node === null ? `a ${p.role}` : `a ${p.role} for ${p.node}`;
}

/**
 * Refuses (403) a request whose selection — a node, optionally cut by a node of the other tree —
 * lies outside the principal's scope. National roles pass.
 */
export async function assertSelection(ctx: ServiceContext, p: Principal, codes: readonly (string | undefined)[], field = 'node'): Promise<void> {
  const given = codes.filter((c): c is string => c !== undefined);
  const selection = given.length ? given : [NATION];
  if (selectionInScope(p, selection, await covers(ctx))) return;
  throw new NormaError('NORMA_ERR_FORBIDDEN', `${describeScope(p)} may not see or change ${selection.join(' x ')}`, [
    { field, reason: `outside the scope ${p.node ?? ''}`.trim() },
  ]);
}

/**
 * Refuses (403) rows of a batch whose unit lies outside the principal's scope, naming each row.
 * `rowBase` is 0 for JSON batches and 1 for file rows.
 */
export async function assertUnitRows(ctx: ServiceContext, p: Principal, units: readonly unknown[], rowBase: 0 | 1): Promise<void> {
  const c = await covers(ctx);
  const bad: { row: number; field: string; reason: string }[] = [];
  units.forEach((u, i) => {
    // A row without a usable unit fails validation instead, with its own reason.
    if (typeof u === 'string' && u !== '' && !reaches(p, u, c)) bad.push({ row: i + rowBase, field: 'unit', reason: `outside the scope ${p.node}` });
  });
  if (bad.length) {
    throw new NormaError(
      'NORMA_ERR_FORBIDDEN',
      `${bad.length} row${bad.length === 1 ? '' : 's'} outside the scope of ${describeScope(p)}; nothing was applied (first: row ${bad[0].row})`,
      bad.slice(0, 1000),
    );
  }
}

/** Every node an entry about these units concerns: each unit, its ancestors in both trees, the nation. */
export function nodesOfUnits(model: ReportingModel, unitCodes: Iterable<string>): string[] {
  const out = new Set<string>([NATION]);
  for (const code of unitCodes) {
    const u = model.unitsByCode.get(code);
    out.add(code);
    if (!u) continue;
    for (const n of u.sectorChain) out.add(n);
    for (const n of u.regionChain) out.add(n);
  }
  return [...out];
}

/** A node and its ancestors (in its tree, or both trees for a unit), for audit entries about it. */
export function nodesOf(model: ReportingModel, code: string | null): string[] {
  if (code === null || code === NATION) return [NATION];
  if (model.unitsByCode.has(code)) return nodesOfUnits(model, [code]);
  const out = [NATION, code];
  let n = model.nodes.get(code);
  while (n?.parent) {
    out.push(n.parent);
    n = model.nodes.get(n.parent);
  }
  return [...new Set(out)];
}
