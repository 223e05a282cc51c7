// Units: producing establishments, each placed once in the sector tree and once in the region tree.
import { isValidCode } from './code.js';
import { DomainError, describeInput } from './errors.js';
import { type Result, err, ok } from './result.js';
import type { Tree, TreeName, TreeNode } from './tree.js';

/**
 * Kinds of producing establishment.
 * @example UNIT_KINDS.includes('power_station') // true
 */
export const UNIT_KINDS = Object.freeze([
  'factory',
  'complex',
  'mine',
  'farm',
  'power_station',
  'fishing_station',
  'shipyard',
  'railway_bureau',
  'construction_enterprise',
  'enterprise',
] as const);

/**
 * A kind of unit (see UNIT_KINDS).
 * @example const k: UnitKind = 'mine';
 */
export type UnitKind = (typeof UNIT_KINDS)[number];

/**
 * A producing unit. `sector` is its parent code in the sector tree (a subsector or sector),
 * `region` its parent code in the region tree (a county or province); `products` are the codes of
 * the products it makes.
 * @example const u: Unit = { code: 'sangwon-cement', name: 'Sangwon Cement Complex', kind: 'complex', sector: 'cement', region: 'sangwon', products: ['cement'] };
 */
export type Unit = {
  readonly code: string;
  readonly name: string;
  readonly kind: UnitKind;
  readonly sector: string;
  readonly region: string;
  readonly products: readonly string[];
};

/**
 * Optional facts validateUnit checks references against.
 * @example const ctx: UnitContext = { products: new Set(['cement']), sectorTree, regionTree };
 */
export type UnitContext = {
  readonly products?: ReadonlySet<string>;
  readonly sectorTree?: Tree;
  readonly regionTree?: Tree;
};

function bad(message: string, field: string, input: unknown, code?: unknown): Result<never> {
  return err(new DomainError('NORMA_ERR_UNIT_INVALID', message, { field, input, ...(code === undefined ? {} : { code }) }));
}

function checkParent(who: string, field: 'sector' | 'region', parent: string, tree: Tree | undefined): Result<never> | null {
  if (tree === undefined) return null;
  const node = tree.node(parent);
  const want = field === 'sector' ? ['subsector', 'sector'] : ['county', 'province'];
  if (node === undefined) return bad(`${who}: field ${field} "${parent}" is not a node of the ${tree.name} tree`, field, parent);
  if (!want.includes(node.kind)) {
    return bad(`${who}: field ${field} "${parent}" is a ${node.kind}; a unit's ${field} must be a ${want.join(' or ')}`, field, parent);
  }
  return null;
}

/**
 * Check a unit and return a frozen copy (name trimmed, unknown fields dropped). Failure code
 * NORMA_ERR_UNIT_INVALID naming the unit and field: bad code/name/kind, bad or duplicate product
 * codes, and, when `ctx` gives them, unknown products or tree parents of the wrong kind.
 * @example validateUnit({ code: 'u1', name: 'Kangson Steel', kind: 'complex', sector: 'steel', region: 'nampho', products: ['steel'] }) // ok
 */
export function validateUnit(input: unknown, ctx: UnitContext = {}): Result<Unit> {
  if (typeof input !== 'object' || input === null) return bad(`unit must be an object, got ${describeInput(input)}`, 'unit', input);
  const u = input as Record<string, unknown>;
  if (!isValidCode(u.code)) {
    return bad(`unit field code ${describeInput(u.code)} is not a valid code (letters, digits, _ . -; 1-64 chars)`, 'code', u.code);
  }
  const who = `unit ${u.code}`;
  if (typeof u.name !== 'string' || u.name.trim() === '') {
    return bad(`${who}: field name must be a non-empty string, got ${describeInput(u.name)}`, 'name', u.name, u.code);
  }
  if (typeof u.kind !== 'string' || !(UNIT_KINDS as readonly string[]).includes(u.kind)) {
    return bad(`${who}: field kind ${describeInput(u.kind)} is not one of ${UNIT_KINDS.join(', ')}`, 'kind', u.kind, u.code);
  }
  for (const field of ['sector', 'region'] as const) {
    if (!isValidCode(u[field])) {
      return bad(`${who}: field ${field} ${describeInput(u[field])} is not a valid node code`, field, u[field], u.code);
    }
  }
  const sector = u.sector as string;
  const region = u.region as string;
  const badSector = checkParent(who, 'sector', sector, ctx.sectorTree);
  if (badSector) return badSector;
  const badRegion = checkParent(who, 'region', region, ctx.regionTree);
  if (badRegion) return badRegion;
  if (!Array.isArray(u.products)) {
    return bad(`${who}: field products must be an array of product codes, got ${describeInput(u.products)}`, 'products', u.products, u.code);
  }
  const seen = new Set<string>();
  for (let i = 0; i < u.products.length; i++) {
    const p: unknown = u.products[i];
    const f = `products[${i}]`;
    if (!isValidCode(p)) return bad(`${who}: field ${f} ${describeInput(p)} is not a valid product code`, f, p, u.code);
    if (seen.has(p)) return bad(`${who}: field ${f} "${p}" is listed twice`, f, p, u.code);
    if (ctx.products !== undefined && !ctx.products.has(p)) return bad(`${who}: field ${f} "${p}" is not a known product`, f, p, u.code);
    seen.add(p);
  }
  return ok(
    Object.freeze({
      code: u.code,
      name: u.name.trim(),
      kind: u.kind as UnitKind,
      sector,
      region,
      products: Object.freeze([...seen]),
    }),
  );
}

/**
 * The tree node that places a unit in one of the trees, for buildTree.
 * @example unitTreeNode(unit, 'region') // { code: 'u1', name: 'Kangson Steel', kind: 'unit', parent: 'nampho' }
 */
export function unitTreeNode(unit: Unit, tree: TreeName): TreeNode {
  return Object.freeze({ code: unit.code, name: unit.name, kind: 'unit', parent: tree === 'sector' ? unit.sector : unit.region });
}
