// The two trees every unit sits in: sector (nation > sector > subsector > unit) and region
// (nation > province > county > unit). Built once into flat arrays (children in CSR form, a
// preorder numbering with subtree ends) so every query is O(answer) and building is O(n).
import { isValidCode } from './code.js';
import { DomainError, describeInput } from './errors.js';
import { type Result, err, ok } from './result.js';

/**
 * Which tree: the sector tree or the region tree.
 * @example const t: TreeName = 'region';
 */
export type TreeName = 'sector' | 'region';

/**
 * Kind of a tree node. Sector tree: nation, sector, subsector, unit. Region tree: nation,
 * province (includes directly governed cities), county (includes cities and districts), unit.
 * @example const k: TreeNodeKind = 'county';
 */
export type TreeNodeKind = 'nation' | 'sector' | 'subsector' | 'province' | 'county' | 'unit';

/**
 * One node of a tree as given to buildTree; the root has parent null.
 * @example const n: TreeNode = { code: 'KP-01', name: 'Pyongyang', kind: 'province', parent: 'KP' };
 */
export type TreeNode = {
  readonly code: string;
  readonly name: string;
  readonly kind: TreeNodeKind;
  readonly parent: string | null;
};

/**
 * A node with its children nested, as returned by Tree.subtree.
 * @example const s: SubtreeNode = { code: 'KP', name: 'DPRK', kind: 'nation', children: [] };
 */
export type SubtreeNode = {
  readonly code: string;
  readonly name: string;
  readonly kind: TreeNodeKind;
  readonly children: readonly SubtreeNode[];
};

/**
 * A checked, frozen tree. Queries taking a code throw NORMA_ERR_TREE_NODE_UNKNOWN for a code not in
 * the tree (check with `has` first), except `node`, which returns undefined. Children keep the
 * order the nodes were given in; descendants and units come in preorder.
 * @example tree.ancestors('u1') // ['sub-cement', 'building-materials', 'KP']
 */
export type Tree = {
  /** Which tree this is. @example tree.name // 'sector' */
  readonly name: TreeName;
  /** Code of the nation root. @example tree.root // 'KP' */
  readonly root: string;
  /** Number of nodes. @example tree.size // 200013 */
  readonly size: number;
  /** True when the code is a node of this tree. @example tree.has('KP') // true */
  has(code: string): boolean;
  /** The node, or undefined. @example tree.node('KP')?.kind // 'nation' */
  node(code: string): TreeNode | undefined;
  /** Codes of the direct children. @example tree.children('KP') // ['metal', 'power'] */
  children(code: string): readonly string[];
  /** Parent chain up to the root, parent first (the node excluded). @example tree.ancestors('u1') // ['sub-cement', 'building-materials', 'KP'] */
  ancestors(code: string): readonly string[];
  /** Every node below, in preorder (the node excluded). @example tree.descendants('metal') // ['steel', 'u1', 'u2'] */
  descendants(code: string): readonly string[];
  /** Codes of the units below (or the node itself if it is a unit), in preorder. @example tree.unitsUnder('metal') // ['u1', 'u2'] */
  unitsUnder(code: string): readonly string[];
  /** The node with children nested `depth` levels (0 = node only, undefined = all). @example tree.subtree('KP', 1).children.length // 2 */
  subtree(code: string, depth?: number): SubtreeNode;
  /** Distance from the root (root = 0). @example tree.depthOf('KP') // 0 */
  depthOf(code: string): number;
  /** All nodes in preorder (root first; reverse it to roll up bottom-up). @example tree.nodes()[0].code // 'KP' */
  nodes(): readonly TreeNode[];
};

const ALLOWED_PARENTS: Readonly<Record<TreeName, Readonly<Partial<Record<TreeNodeKind, readonly TreeNodeKind[]>>>>> =
  Object.freeze({
    sector: Object.freeze({
      nation: Object.freeze([]),
      sector: Object.freeze(['nation'] as TreeNodeKind[]),
      subsector: Object.freeze(['sector'] as TreeNodeKind[]),
      unit: Object.freeze(['subsector', 'sector'] as TreeNodeKind[]),
    }),
    region: Object.freeze({
      nation: Object.freeze([]),
      province: Object.freeze(['nation'] as TreeNodeKind[]),
      county: Object.freeze(['province'] as TreeNodeKind[]),
      unit: Object.freeze(['county', 'province'] as TreeNodeKind[]),
    }),
  });

/**
 * Node kinds allowed in each tree, root kind first.
 * @example TREE_KINDS.region // ['nation', 'province', 'county', 'unit']
 */
export const TREE_KINDS: Readonly<Record<TreeName, readonly TreeNodeKind[]>> = Object.freeze({
  sector: Object.freeze(['nation', 'sector', 'subsector', 'unit'] as TreeNodeKind[]),
  region: Object.freeze(['nation', 'province', 'county', 'unit'] as TreeNodeKind[]),
});

const ALL_KINDS: ReadonlySet<string> = new Set(['nation', 'sector', 'subsector', 'province', 'county', 'unit']);

function fail(code: ConstructorParameters<typeof DomainError>[0], message: string, details: Record<string, unknown>) {
  return err(new DomainError(code, message, details));
}

function list(codes: readonly string[]): string {
  const shown = codes.slice(0, 5).map((c) => JSON.stringify(c));
  return codes.length > 5 ? `${shown.join(', ')} and ${codes.length - 5} more` : shown.join(', ');
}

/**
 * Check the nodes of one tree and build it. Failure codes, each naming the node's code (or index)
 * and the field: NORMA_ERR_TREE_NODE_INVALID (missing/bad code, name, kind or parent),
 * NORMA_ERR_TREE_DUPLICATE_CODE, NORMA_ERR_TREE_PARENT_UNKNOWN, NORMA_ERR_TREE_ROOT_MISSING,
 * NORMA_ERR_TREE_ROOT_MULTIPLE, NORMA_ERR_TREE_CYCLE, NORMA_ERR_TREE_KIND_ORDER (kind not in this
 * tree, root not a nation, or a parent of the wrong kind: a unit's parent must be a subsector or
 * sector in the sector tree, a county or province in the region tree). O(n).
 * @example buildTree('sector', [{ code: 'KP', name: 'DPRK', kind: 'nation', parent: null }]) // ok
 */
export function buildTree(tree: TreeName, nodes: readonly unknown[]): Result<Tree> {
  if (tree !== 'sector' && tree !== 'region') {
    return fail('NORMA_ERR_TREE_NODE_INVALID', `tree name ${describeInput(tree)} is not 'sector' or 'region'`, {
      field: 'tree',
      input: tree,
    });
  }
  if (!Array.isArray(nodes)) {
    return fail('NORMA_ERR_TREE_NODE_INVALID', `${tree} tree nodes must be an array, got ${describeInput(nodes)}`, {
      field: 'nodes',
    });
  }
  const allowed = ALLOWED_PARENTS[tree];
  const n = nodes.length;
  const frozen: TreeNode[] = new Array(n);
  const index = new Map<string, number>();

  // 1. Fields, duplicates.
  for (let i = 0; i < n; i++) {
    const v = nodes[i] as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null) {
      return fail('NORMA_ERR_TREE_NODE_INVALID', `${tree} tree node #${i} must be an object, got ${describeInput(v)}`, {
        index: i,
      });
    }
    const { code, name, kind, parent } = v;
    if (!isValidCode(code)) {
      return fail(
        'NORMA_ERR_TREE_NODE_INVALID',
        `${tree} tree node #${i}: field code ${describeInput(code)} is not a valid code (letters, digits, _ . -; 1-64 chars)`,
        { index: i, field: 'code', input: code },
      );
    }
    if (typeof name !== 'string' || name.trim() === '') {
      return fail('NORMA_ERR_TREE_NODE_INVALID', `${tree} tree node ${code}: field name must be a non-empty string, got ${describeInput(name)}`, {
        index: i,
        code,
        field: 'name',
      });
    }
    if (typeof kind !== 'string' || !ALL_KINDS.has(kind)) {
      return fail(
        'NORMA_ERR_TREE_NODE_INVALID',
        `${tree} tree node ${code}: field kind ${describeInput(kind)} is not one of ${TREE_KINDS[tree].join(', ')}`,
        { index: i, code, field: 'kind', input: kind },
      );
    }
    if (allowed[kind as TreeNodeKind] === undefined) {
      return fail(
        'NORMA_ERR_TREE_KIND_ORDER',
        `${tree} tree node ${code}: field kind "${kind}" belongs to the other tree; the ${tree} tree has ${TREE_KINDS[tree].join(', ')}`,
        { index: i, code, field: 'kind', input: kind },
      );
    }
    if (parent !== null && !isValidCode(parent)) {
      return fail(
        'NORMA_ERR_TREE_NODE_INVALID',
        `${tree} tree node ${code}: field parent ${describeInput(parent)} is neither null nor a valid code`,
        { index: i, code, field: 'parent', input: parent },
      );
    }
    if (parent === code) {
      return fail('NORMA_ERR_TREE_CYCLE', `${tree} tree node ${code}: field parent names the node itself`, {
        index: i,
        code,
        field: 'parent',
        cycle: [code],
      });
    }
    const prev = index.get(code);
    if (prev !== undefined) {
      return fail('NORMA_ERR_TREE_DUPLICATE_CODE', `${tree} tree: code "${code}" is used by nodes #${prev} and #${i}`, {
        index: i,
        code,
        field: 'code',
        indexes: [prev, i],
      });
    }
    index.set(code, i);
    frozen[i] = Object.freeze({ code, name: name.trim(), kind: kind as TreeNodeKind, parent: parent as string | null });
  }

  // 2. Parents exist; roots.
  const parentIdx = new Int32Array(n);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = frozen[i].parent;
    if (p === null) {
      parentIdx[i] = -1;
      roots.push(i);
      continue;
    }
    const pi = index.get(p);
    if (pi === undefined) {
      return fail(
        'NORMA_ERR_TREE_PARENT_UNKNOWN',
        `${tree} tree node ${frozen[i].code}: field parent "${p}" is not a node of the ${tree} tree`,
        { index: i, code: frozen[i].code, field: 'parent', input: p },
      );
    }
    parentIdx[i] = pi;
  }
  if (roots.length === 0) {
    return fail(
      'NORMA_ERR_TREE_ROOT_MISSING',
      n === 0
        ? `${tree} tree has no nodes; it needs one root of kind nation with parent null`
        : `${tree} tree has no root: every node has a parent, so the parent links form a cycle`,
      { field: 'parent' },
    );
  }
  if (roots.length > 1) {
    const codes = roots.map((i) => frozen[i].code);
    return fail('NORMA_ERR_TREE_ROOT_MULTIPLE', `${tree} tree has ${roots.length} roots (parent null): ${list(codes)}; it needs exactly one`, {
      field: 'parent',
      codes: codes.slice(0, 100),
    });
  }
  const root = roots[0];
  if (frozen[root].kind !== 'nation') {
    return fail(
      'NORMA_ERR_TREE_KIND_ORDER',
      `${tree} tree root ${frozen[root].code}: field kind is "${frozen[root].kind}" but the root must be a nation`,
      { index: root, code: frozen[root].code, field: 'kind' },
    );
  }

  // 3. Children in CSR form (input order), then a preorder walk from the root. A node the walk
  //    does not reach has a chain of parents that never gets to the root: a cycle.
  const childCount = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parentIdx[i] >= 0) childCount[parentIdx[i] + 1]++;
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) childStart[i + 1] = childStart[i] + childCount[i + 1];
  const childList = new Int32Array(Math.max(0, n - 1));
  const fill = childStart.slice(0, n);
  for (let i = 0; i < n; i++) if (parentIdx[i] >= 0) childList[fill[parentIdx[i]]++] = i;

  const order = new Int32Array(n); // preorder position -> node
  const pos = new Int32Array(n).fill(-1); // node -> preorder position
  const end = new Int32Array(n); // node -> preorder position after its subtree
  const depth = new Int32Array(n);
  const stack = new Int32Array(n);
  let sp = 0;
  let k = 0;
  stack[sp++] = root;
  while (sp > 0) {
    const v = stack[--sp];
    pos[v] = k;
    order[k++] = v;
    // push children in reverse so they come out in input order
    for (let c = childStart[v + 1] - 1; c >= childStart[v]; c--) {
      const ch = childList[c];
      depth[ch] = depth[v] + 1;
      stack[sp++] = ch;
    }
  }
  if (k < n) {
    let start = 0;
    while (pos[start] !== -1) start++;
    // Walk up from an unreached node until a node repeats: that stretch is the cycle.
    const seenAt = new Map<number, number>();
    const path: number[] = [];
    let v = start;
    while (!seenAt.has(v)) {
      seenAt.set(v, path.length);
      path.push(v);
      v = parentIdx[v];
    }
    const cycle = path.slice(seenAt.get(v)).map((i) => frozen[i].code);
    return fail('NORMA_ERR_TREE_CYCLE', `${tree} tree: field parent links form a cycle through ${list(cycle)}`, {
      code: cycle[0],
      field: 'parent',
      cycle: cycle.slice(0, 100),
    });
  }
  // subtree ends: process in reverse preorder
  for (let p = n - 1; p >= 0; p--) {
    const v = order[p];
    const e = childStart[v + 1] > childStart[v] ? end[childList[childStart[v + 1] - 1]] : p + 1;
    end[v] = e;
  }

  // 4. Kind order.
  for (let i = 0; i < n; i++) {
    if (i === root) continue;
    const node = frozen[i];
    const parentKind = frozen[parentIdx[i]].kind;
    const allowedParents = allowed[node.kind] as readonly TreeNodeKind[];
    if (!allowedParents.includes(parentKind)) {
      const want =
        allowedParents.length === 0 ? 'no parent (it must be the root)' : `a parent of kind ${allowedParents.join(' or ')}`;
      return fail(
        'NORMA_ERR_TREE_KIND_ORDER',
        `${tree} tree node ${node.code}: field parent "${node.parent}" is a ${parentKind}, but a ${node.kind} needs ${want}`,
        { index: i, code: node.code, field: 'parent', input: node.parent },
      );
    }
  }

  // 5. Units in preorder, with a prefix count so unitsUnder is a slice.
  const unitBefore = new Int32Array(n + 1);
  const unitCodes: string[] = [];
  for (let p = 0; p < n; p++) {
    const node = frozen[order[p]];
    unitBefore[p + 1] = unitBefore[p] + (node.kind === 'unit' ? 1 : 0);
    if (node.kind === 'unit') unitCodes.push(node.code);
  }
  const preorderCodes: string[] = new Array(n);
  for (let p = 0; p < n; p++) preorderCodes[p] = frozen[order[p]].code;

  const at = (code: string): number => {
    const i = index.get(code);
    if (i === undefined) {
      throw new DomainError('NORMA_ERR_TREE_NODE_UNKNOWN', `code ${describeInput(code)} is not a node of the ${tree} tree`, {
        code,
        tree,
      });
    }
    return i;
  };
  const childCodes = (i: number): string[] => {
    const out: string[] = [];
    for (let c = childStart[i]; c < childStart[i + 1]; c++) out.push(frozen[childList[c]].code);
    return out;
  };
  const sub = (i: number, left: number | undefined): SubtreeNode => {
    const node = frozen[i];
    const kids: SubtreeNode[] = [];
    if (left === undefined || left > 0) {
      for (let c = childStart[i]; c < childStart[i + 1]; c++) kids.push(sub(childList[c], left === undefined ? undefined : left - 1));
    }
    return Object.freeze({ code: node.code, name: node.name, kind: node.kind, children: Object.freeze(kids) });
  };
  let preorderNodes: readonly TreeNode[] | undefined;

  const result: Tree = {
    name: tree,
    root: frozen[root].code,
    size: n,
    has: (code) => index.has(code),
    node: (code) => {
      const i = index.get(code);
      return i === undefined ? undefined : frozen[i];
    },
    children: (code) => Object.freeze(childCodes(at(code))),
    ancestors: (code) => {
      const out: string[] = [];
      for (let i = parentIdx[at(code)]; i >= 0; i = parentIdx[i]) out.push(frozen[i].code);
      return Object.freeze(out);
    },
    descendants: (code) => {
      const i = at(code);
      return Object.freeze(preorderCodes.slice(pos[i] + 1, end[i]));
    },
    unitsUnder: (code) => {
      const i = at(code);
      return Object.freeze(unitCodes.slice(unitBefore[pos[i]], unitBefore[end[i]]));
    },
    subtree: (code, d) => {
      if (d !== undefined && (!Number.isInteger(d) || d < 0)) {
        throw new DomainError('NORMA_ERR_TREE_NODE_INVALID', `subtree depth ${describeInput(d)} is not a non-negative integer`, {
          field: 'depth',
          input: d,
        });
      }
      return sub(at(code), d);
    },
    depthOf: (code) => depth[at(code)],
    nodes: () => {
      if (preorderNodes === undefined) {
        const arr: TreeNode[] = new Array(n);
        for (let p = 0; p < n; p++) arr[p] = frozen[order[p]];
        preorderNodes = Object.freeze(arr);
      }
      return preorderNodes;
    },
  };
  return ok(Object.freeze(result));
}

/**
 * One problem found by checkUnitsInBothTrees.
 * @example const i: UnitPlacementIssue = { unit: 'u7', problem: 'not in the region tree' };
 */
export type UnitPlacementIssue = { readonly unit: string; readonly problem: string };

/**
 * Check that each unit code is a unit node in both trees (so it has exactly one parent in each),
 * that no code is listed twice, and that neither tree has unit nodes missing from `unitCodes`.
 * Failure code NORMA_ERR_UNIT_TREE_MISMATCH; the message names the first unit, and
 * `details.issues` lists up to 100 issues (`details.count` is the total).
 * @example checkUnitsInBothTrees(sectors, regions, ['u1', 'u2']) // { ok: true, value: undefined }
 */
export function checkUnitsInBothTrees(sectorTree: Tree, regionTree: Tree, unitCodes: readonly string[]): Result<void> {
  if (sectorTree.name !== 'sector' || regionTree.name !== 'region') {
    throw new DomainError(
      'NORMA_ERR_UNIT_TREE_MISMATCH',
      `checkUnitsInBothTrees needs (sector tree, region tree), got (${sectorTree.name}, ${regionTree.name})`,
      { field: 'trees' },
    );
  }
  const issues: UnitPlacementIssue[] = [];
  let count = 0;
  const note = (unit: string, problem: string) => {
    count++;
    if (issues.length < 100) issues.push(Object.freeze({ unit, problem }));
  };
  const known = new Set<string>();
  for (const u of unitCodes) {
    if (known.has(u)) {
      note(u, 'listed twice in the unit list');
      continue;
    }
    known.add(u);
    for (const t of [sectorTree, regionTree]) {
      const node = t.node(u);
      if (node === undefined) note(u, `not in the ${t.name} tree`);
      else if (node.kind !== 'unit') note(u, `is a ${node.kind} in the ${t.name} tree, not a unit`);
    }
  }
  for (const t of [sectorTree, regionTree]) {
    for (const u of t.unitsUnder(t.root)) if (!known.has(u)) note(u, `is a unit node of the ${t.name} tree but not in the unit list`);
  }
  if (count === 0) return ok(undefined);
  const first = issues[0];
  return err(
    new DomainError(
      'NORMA_ERR_UNIT_TREE_MISMATCH',
      `unit ${first.unit} ${first.problem}${count > 1 ? ` (and ${count - 1} more issue${count > 2 ? 's' : ''})` : ''}`,
      { code: first.unit, issues: Object.freeze(issues), count },
    ),
  );
}
