import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type DomainErrorCode,
  type Tree,
  type TreeName,
  type TreeNode,
  buildTree,
  checkUnitsInBothTrees,
  unwrap,
} from '../../src/domain/index.js';

const n = (code: string, kind: TreeNode['kind'], parent: string | null, name = code): TreeNode => ({ code, name, kind, parent });

const SECTOR_NODES: TreeNode[] = [
  n('KP', 'nation', null, 'DPRK'),
  n('metal', 'sector', 'KP'),
  n('steel', 'subsector', 'metal'),
  n('u-kangson', 'unit', 'steel', 'Kangson Steel Complex'),
  n('u-chollima', 'unit', 'steel'),
  n('power', 'sector', 'KP'),
  n('u-bukchang', 'unit', 'power', 'Pukchang Thermal Power Complex'),
  n('bm', 'sector', 'KP', 'Building materials'),
  n('cement', 'subsector', 'bm'),
  n('u-sangwon', 'unit', 'cement', 'Sangwon Cement Complex'),
];

const REGION_NODES: TreeNode[] = [
  n('KP', 'nation', null, 'DPRK'),
  n('pyongyang', 'province', 'KP', 'Pyongyang (directly governed city)'),
  n('sangwon', 'county', 'pyongyang'),
  n('u-sangwon', 'unit', 'sangwon'),
  n('nampho', 'province', 'KP'),
  n('chollima', 'county', 'nampho', 'Chollima District'),
  n('u-kangson', 'unit', 'chollima'),
  n('u-chollima', 'unit', 'chollima'),
  n('spy', 'province', 'KP', 'South Phyongan'),
  n('u-bukchang', 'unit', 'spy'), // a unit placed directly under a province
];

const UNITS = ['u-kangson', 'u-chollima', 'u-bukchang', 'u-sangwon'];

describe('building and querying a tree', () => {
  const sectors = unwrap(buildTree('sector', SECTOR_NODES));
  const regions = unwrap(buildTree('region', REGION_NODES));

  it('answers structural queries', () => {
    expect(sectors.name).toBe('sector');
    expect(sectors.root).toBe('KP');
    expect(sectors.size).toBe(10);
    expect(sectors.children('KP')).toEqual(['metal', 'power', 'bm']);
    expect(sectors.children('u-sangwon')).toEqual([]);
    expect(sectors.ancestors('u-kangson')).toEqual(['steel', 'metal', 'KP']);
    expect(sectors.ancestors('KP')).toEqual([]);
    expect(sectors.descendants('metal')).toEqual(['steel', 'u-kangson', 'u-chollima']);
    expect(sectors.descendants('KP')).toHaveLength(9);
    expect(sectors.unitsUnder('KP')).toEqual(['u-kangson', 'u-chollima', 'u-bukchang', 'u-sangwon']);
    expect(sectors.unitsUnder('power')).toEqual(['u-bukchang']);
    expect(sectors.unitsUnder('u-sangwon')).toEqual(['u-sangwon']);
    expect(regions.unitsUnder('nampho')).toEqual(['u-kangson', 'u-chollima']);
    expect(sectors.depthOf('KP')).toBe(0);
    expect(sectors.depthOf('u-kangson')).toBe(3);
    expect(sectors.depthOf('u-bukchang')).toBe(2);
    expect(sectors.node('bm')).toEqual({ code: 'bm', name: 'Building materials', kind: 'sector', parent: 'KP' });
    expect(sectors.node('nope')).toBeUndefined();
    expect(sectors.has('steel')).toBe(true);
    expect(sectors.has('sangwon')).toBe(false);
    expect(sectors.nodes().map((x) => x.code)).toEqual([
      'KP',
      'metal',
      'steel',
      'u-kangson',
      'u-chollima',
      'power',
      'u-bukchang',
      'bm',
      'cement',
      'u-sangwon',
    ]);
  });

  it('returns frozen values', () => {
    expect(Object.isFrozen(sectors)).toBe(true);
    expect(Object.isFrozen(sectors.node('KP'))).toBe(true);
    expect(Object.isFrozen(sectors.children('KP'))).toBe(true);
    expect(Object.isFrozen(sectors.subtree('KP').children)).toBe(true);
  });

  it('cuts subtrees at the asked depth', () => {
    expect(sectors.subtree('metal', 0)).toEqual({ code: 'metal', name: 'metal', kind: 'sector', children: [] });
    const one = sectors.subtree('KP', 1);
    expect(one.children.map((c) => c.code)).toEqual(['metal', 'power', 'bm']);
    expect(one.children.every((c) => c.children.length === 0)).toBe(true);
    const two = sectors.subtree('KP', 2);
    expect(two.children[0].children.map((c) => c.code)).toEqual(['steel']);
    expect(two.children[0].children[0].children).toEqual([]);
    const all = sectors.subtree('KP');
    expect(all.children[0].children[0].children.map((c) => c.code)).toEqual(['u-kangson', 'u-chollima']);
    expect(() => sectors.subtree('KP', -1)).toThrowError(/subtree depth -1/);
  });

  it('throws NORMA_ERR_TREE_NODE_UNKNOWN for codes not in the tree', () => {
    for (const q of [
      () => sectors.children('sangwon'),
      () => sectors.ancestors('sangwon'),
      () => sectors.descendants('sangwon'),
      () => sectors.unitsUnder('sangwon'),
      () => sectors.subtree('sangwon'),
      () => sectors.depthOf('sangwon'),
    ]) {
      expect(q).toThrowError(expect.objectContaining({ code: 'NORMA_ERR_TREE_NODE_UNKNOWN', message: expect.stringContaining('"sangwon"') }));
    }
  });

  it('accepts nodes in any order', () => {
    const shuffled = unwrap(buildTree('sector', [...SECTOR_NODES].reverse()));
    expect(shuffled.ancestors('u-kangson')).toEqual(['steel', 'metal', 'KP']);
    expect([...shuffled.unitsUnder('KP')].sort()).toEqual([...UNITS].sort());
  });
});

describe('tree validation', () => {
  const root = n('KP', 'nation', null);
  it.each<[string, TreeName, unknown[], DomainErrorCode, RegExp]>([
    ['a duplicate code', 'sector', [root, n('metal', 'sector', 'KP'), n('metal', 'sector', 'KP')], 'NORMA_ERR_TREE_DUPLICATE_CODE', /"metal" is used by nodes #1 and #2/],
    ['an unknown parent', 'sector', [root, n('steel', 'subsector', 'metal')], 'NORMA_ERR_TREE_PARENT_UNKNOWN', /node steel: field parent "metal"/],
    ['no nodes', 'region', [], 'NORMA_ERR_TREE_ROOT_MISSING', /no nodes/],
    ['no root', 'sector', [n('a', 'sector', 'b'), n('b', 'sector', 'a')], 'NORMA_ERR_TREE_ROOT_MISSING', /no root/],
    ['two roots', 'sector', [root, n('KR', 'nation', null)], 'NORMA_ERR_TREE_ROOT_MULTIPLE', /2 roots.*"KP", "KR"/],
    ['a root that is not a nation', 'sector', [n('metal', 'sector', null)], 'NORMA_ERR_TREE_KIND_ORDER', /root metal: field kind/],
    ['a cycle', 'sector', [root, n('s1', 'subsector', 's2'), n('s2', 'subsector', 's1')], 'NORMA_ERR_TREE_CYCLE', /cycle through "s1", "s2"|cycle through "s2", "s1"/],
    ['a self parent', 'sector', [root, n('s1', 'sector', 's1')], 'NORMA_ERR_TREE_CYCLE', /node s1: field parent names the node itself/],
    ['a region kind in the sector tree', 'sector', [root, n('pyongyang', 'province', 'KP')], 'NORMA_ERR_TREE_KIND_ORDER', /node pyongyang: field kind "province" belongs to the other tree/],
    ['a sector kind in the region tree', 'region', [root, n('metal', 'sector', 'KP')], 'NORMA_ERR_TREE_KIND_ORDER', /node metal: field kind "sector"/],
    ['a unit under the nation (sector)', 'sector', [root, n('u1', 'unit', 'KP')], 'NORMA_ERR_TREE_KIND_ORDER', /node u1: field parent "KP" is a nation, but a unit needs a parent of kind subsector or sector/],
    ['a unit under the nation (region)', 'region', [root, n('u1', 'unit', 'KP')], 'NORMA_ERR_TREE_KIND_ORDER', /node u1: field parent "KP" is a nation, but a unit needs a parent of kind county or province/],
    ['a subsector under the nation', 'sector', [root, n('steel', 'subsector', 'KP')], 'NORMA_ERR_TREE_KIND_ORDER', /node steel: field parent "KP"/],
    ['a county under the nation', 'region', [root, n('c1', 'county', 'KP')], 'NORMA_ERR_TREE_KIND_ORDER', /node c1: field parent "KP" is a nation, but a county needs a parent of kind province/],
    ['a unit under a unit', 'region', [root, n('p', 'province', 'KP'), n('u1', 'unit', 'p'), n('u2', 'unit', 'u1')], 'NORMA_ERR_TREE_KIND_ORDER', /node u2: field parent "u1" is a unit/],
    ['a second nation below the root', 'sector', [root, n('KR', 'nation', 'KP')], 'NORMA_ERR_TREE_KIND_ORDER', /node KR: field parent "KP" is a nation, but a nation needs no parent/],
    ['a bad code', 'sector', [root, n(' metal', 'sector', 'KP')], 'NORMA_ERR_TREE_NODE_INVALID', /node #1: field code " metal"/],
    ['an empty name', 'sector', [root, n('metal', 'sector', 'KP', '')], 'NORMA_ERR_TREE_NODE_INVALID', /node metal: field name/],
    ['an unknown kind', 'region', [root, { code: 'v', name: 'v', kind: 'village', parent: 'KP' }], 'NORMA_ERR_TREE_NODE_INVALID', /node v: field kind "village"/],
    ['a bad parent', 'region', [root, { code: 'p', name: 'p', kind: 'province', parent: 7 }], 'NORMA_ERR_TREE_NODE_INVALID', /node p: field parent 7/],
    ['a non-object', 'region', [root, 'p'], 'NORMA_ERR_TREE_NODE_INVALID', /node #1 must be an object/],
  ])('rejects %s', (_what, tree, nodes, code, message) => {
    const r = buildTree(tree, nodes);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.message).toMatch(message);
  });

  it('names the field and code in the error details', () => {
    const r = buildTree('sector', [n('KP', 'nation', null), n('steel', 'subsector', 'metal')]);
    expect(!r.ok && r.error.details).toEqual({ index: 1, code: 'steel', field: 'parent', input: 'metal' });
  });
});

describe('random trees agree with brute force', () => {
  // Random sector trees: each node gets a random earlier node of an allowed parent kind.
  const arbTree = fc
    .array(fc.tuple(fc.constantFrom('sector', 'subsector', 'unit'), fc.nat()), { maxLength: 60 })
    .map((spec) => {
      const nodes: TreeNode[] = [n('N', 'nation', null)];
      spec.forEach(([kind, pick], i) => {
        const allowed = kind === 'sector' ? ['nation'] : kind === 'subsector' ? ['sector'] : ['sector', 'subsector'];
        const parents = nodes.filter((x) => allowed.includes(x.kind));
        if (parents.length === 0) return;
        nodes.push(n(`x${i}`, kind as TreeNode['kind'], parents[pick % parents.length].code));
      });
      return nodes;
    });

  it('property: ancestors, descendants, units and depth', () => {
    fc.assert(
      fc.property(arbTree, fc.boolean(), (nodes, reverse) => {
        const tree = unwrap(buildTree('sector', reverse ? [...nodes].reverse() : nodes));
        const byCode = new Map(nodes.map((x) => [x.code, x]));
        const chain = (c: string) => {
          const out: string[] = [];
          for (let p = byCode.get(c)!.parent; p !== null; p = byCode.get(p)!.parent) out.push(p);
          return out;
        };
        for (const x of nodes) {
          expect(tree.ancestors(x.code)).toEqual(chain(x.code));
          expect(tree.depthOf(x.code)).toBe(chain(x.code).length);
          const desc = nodes.filter((y) => chain(y.code).includes(x.code)).map((y) => y.code);
          expect([...tree.descendants(x.code)].sort()).toEqual(desc.sort());
          const units = nodes.filter((y) => y.kind === 'unit' && (y.code === x.code || desc.includes(y.code))).map((y) => y.code);
          expect([...tree.unitsUnder(x.code)].sort()).toEqual(units.sort());
          expect(tree.children(x.code)).toEqual(
            (reverse ? [...nodes].reverse() : nodes).filter((y) => y.parent === x.code).map((y) => y.code),
          );
        }
      }),
    );
  });
});

describe('a 200,000-unit economy', () => {
  it('builds both trees and checks unit placement', () => {
    const UNIT_COUNT = 200_000;
    const sectorNodes: TreeNode[] = [n('KP', 'nation', null)];
    const regionNodes: TreeNode[] = [n('KP', 'nation', null)];
    for (let s = 0; s < 12; s++) {
      sectorNodes.push(n(`s${s}`, 'sector', 'KP'));
      for (let k = 0; k < 5; k++) sectorNodes.push(n(`s${s}.${k}`, 'subsector', `s${s}`));
    }
    for (let p = 0; p < 12; p++) {
      regionNodes.push(n(`p${p}`, 'province', 'KP'));
      for (let c = 0; c < 18; c++) regionNodes.push(n(`p${p}.c${c}`, 'county', `p${p}`));
    }
    const units: string[] = [];
    for (let i = 0; i < UNIT_COUNT; i++) {
      const code = `u${i}`;
      units.push(code);
      sectorNodes.push(n(code, 'unit', `s${i % 12}.${(i >> 4) % 5}`));
      regionNodes.push(n(code, 'unit', `p${(i >> 2) % 12}.c${i % 18}`));
    }
    const sectors: Tree = unwrap(buildTree('sector', sectorNodes));
    const regions: Tree = unwrap(buildTree('region', regionNodes));
    expect(sectors.size).toBe(1 + 12 * 6 + UNIT_COUNT);
    expect(regions.size).toBe(1 + 12 * 19 + UNIT_COUNT);
    expect(sectors.unitsUnder('KP')).toHaveLength(UNIT_COUNT);
    expect(regions.descendants('KP')).toHaveLength(regions.size - 1);
    const perSector = Array.from({ length: 12 }, (_, s) => sectors.unitsUnder(`s${s}`).length);
    expect(perSector.reduce((a, b) => a + b, 0)).toBe(UNIT_COUNT);
    expect(sectors.ancestors('u199999')).toEqual([`s${199999 % 12}.${(199999 >> 4) % 5}`, `s${199999 % 12}`, 'KP']);
    expect(checkUnitsInBothTrees(sectors, regions, units)).toEqual({ ok: true, value: undefined });
  });
});

describe('checkUnitsInBothTrees', () => {
  const sectors = unwrap(buildTree('sector', SECTOR_NODES));
  const regions = unwrap(buildTree('region', REGION_NODES));

  it('accepts units placed once in each tree', () => {
    expect(checkUnitsInBothTrees(sectors, regions, UNITS).ok).toBe(true);
  });

  it('lists every misplaced unit', () => {
    const regionsMissing = unwrap(buildTree('region', REGION_NODES.filter((x) => x.code !== 'u-bukchang')));
    const r = checkUnitsInBothTrees(sectors, regionsMissing, [...UNITS, 'u-kangson', 'sangwon']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('NORMA_ERR_UNIT_TREE_MISMATCH');
    expect(r.error.message).toBe('unit u-bukchang not in the region tree (and 3 more issues)');
    expect(r.error.details.count).toBe(4);
    expect(r.error.details.issues).toEqual([
      { unit: 'u-bukchang', problem: 'not in the region tree' },
      { unit: 'u-kangson', problem: 'listed twice in the unit list' },
      { unit: 'sangwon', problem: 'not in the sector tree' },
      { unit: 'sangwon', problem: 'is a county in the region tree, not a unit' },
    ]);
  });

  it('flags unit nodes that are not in the unit list', () => {
    const r = checkUnitsInBothTrees(sectors, regions, ['u-kangson', 'u-chollima', 'u-bukchang']);
    expect(!r.ok && r.error.details.issues).toEqual([
      { unit: 'u-sangwon', problem: 'is a unit node of the sector tree but not in the unit list' },
      { unit: 'u-sangwon', problem: 'is a unit node of the region tree but not in the unit list' },
    ]);
  });

  it('throws when the trees are passed the wrong way round', () => {
    expect(() => checkUnitsInBothTrees(regions, sectors, UNITS)).toThrowError(expect.objectContaining({ code: 'NORMA_ERR_UNIT_TREE_MISMATCH' }));
  });
});
