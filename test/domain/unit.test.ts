import { describe, expect, it } from 'vitest';
import { type TreeNode, buildTree, unitTreeNode, unwrap, validateUnit } from '../../src/domain/index.js';

const sectorTree = unwrap(
  buildTree('sector', [
    { code: 'KP', name: 'DPRK', kind: 'nation', parent: null },
    { code: 'bm', name: 'Building materials', kind: 'sector', parent: 'KP' },
    { code: 'cement', name: 'Cement', kind: 'subsector', parent: 'bm' },
  ] satisfies TreeNode[]),
);
const regionTree = unwrap(
  buildTree('region', [
    { code: 'KP', name: 'DPRK', kind: 'nation', parent: null },
    { code: 'pyongyang', name: 'Pyongyang', kind: 'province', parent: 'KP' },
    { code: 'sangwon', name: 'Sangwon County', kind: 'county', parent: 'pyongyang' },
  ] satisfies TreeNode[]),
);
const good = { code: 'sangwon-cement', name: ' Sangwon Cement Complex ', kind: 'complex', sector: 'cement', region: 'sangwon', products: ['cement', 'clinker'] };

describe('validateUnit', () => {
  it('returns a frozen, trimmed copy', () => {
    const u = unwrap(validateUnit({ ...good, extra: true }));
    expect(u).toEqual({ code: 'sangwon-cement', name: 'Sangwon Cement Complex', kind: 'complex', sector: 'cement', region: 'sangwon', products: ['cement', 'clinker'] });
    expect(Object.isFrozen(u) && Object.isFrozen(u.products)).toBe(true);
  });

  it('checks references against the trees and products when given', () => {
    const ctx = { sectorTree, regionTree, products: new Set(['cement', 'clinker']) };
    expect(validateUnit(good, ctx).ok).toBe(true);
    expect(validateUnit({ ...good, sector: 'bm', region: 'pyongyang' }, ctx).ok).toBe(true);
  });

  it.each<[Record<string, unknown>, object, string, RegExp]>([
    [{ code: 'bad code' }, {}, 'code', /unit field code "bad code"/],
    [{ name: '' }, {}, 'name', /unit sangwon-cement: field name/],
    [{ kind: 'kolkhoz' }, {}, 'kind', /field kind "kolkhoz" is not one of factory, complex/],
    [{ sector: null }, {}, 'sector', /field sector null/],
    [{ region: '' }, {}, 'region', /field region ""/],
    [{ products: 'cement' }, {}, 'products', /field products must be an array/],
    [{ products: ['cement', 'cement'] }, {}, 'products[1]', /field products\[1\] "cement" is listed twice/],
    [{ products: ['cement', 7] }, {}, 'products[1]', /field products\[1\] 7/],
    [{}, { products: new Set(['cement']) }, 'products[1]', /"clinker" is not a known product/],
    [{ sector: 'steel' }, { sectorTree }, 'sector', /field sector "steel" is not a node of the sector tree/],
    [{ sector: 'KP' }, { sectorTree }, 'sector', /field sector "KP" is a nation; a unit's sector must be a subsector or sector/],
    [{ region: 'KP' }, { regionTree }, 'region', /field region "KP" is a nation; a unit's region must be a county or province/],
  ])('rejects %j (context %j) naming field %s', (patch, ctx, field, message) => {
    const r = validateUnit({ ...good, ...patch }, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('NORMA_ERR_UNIT_INVALID');
    expect(r.error.details.field).toBe(field);
    expect(r.error.message).toMatch(message);
  });
});

describe('unitTreeNode', () => {
  it('places a unit in either tree', () => {
    const u = unwrap(validateUnit(good));
    expect(unitTreeNode(u, 'sector')).toEqual({ code: 'sangwon-cement', name: 'Sangwon Cement Complex', kind: 'unit', parent: 'cement' });
    expect(unitTreeNode(u, 'region').parent).toBe('sangwon');
    const withUnit = unwrap(buildTree('region', [...regionTree.nodes(), unitTreeNode(u, 'region')]));
    expect(withUnit.unitsUnder('pyongyang')).toEqual(['sangwon-cement']);
  });
});
