// Who may do what, and where. Pure rules: the caller supplies `covers`, which knows the trees.

/**
 * The roles of Norma. Scoped roles hold a node: a sector subtree, a region subtree, or one unit.
 * @example ROLES.includes('planner') // true
 */
export const ROLES = ['admin', 'planner', 'ministry', 'committee', 'reporter', 'analyst', 'public'] as const;

/**
 * One of {@link ROLES}.
 * @example const r: Role = 'reporter';
 */
export type Role = (typeof ROLES)[number];

/**
 * What a route needs: `open` (the system's own pages and sign-in), `published` (published material:
 * anyone, signed in or not), `signed_in` (any session or token: who am I, sign out), `read`, `write`
 * (report data, acknowledge alerts), `manage` (tokens, audit, escalation) and `admin` (accounts).
 * @example NEEDS.indexOf('write') > NEEDS.indexOf('read') // true
 */
export const NEEDS = ['open', 'published', 'signed_in', 'read', 'write', 'manage', 'admin'] as const;

/**
 * One of {@link NEEDS}.
 * @example const n: Need = 'read';
 */
export type Need = (typeof NEEDS)[number];

/**
 * The tree a role's node lies in: `national` roles hold no node.
 * @example const k: ScopeKind = scopeKind('ministry'); // 'sector'
 */
export type ScopeKind = 'national' | 'sector' | 'region' | 'unit';

const CAPABILITIES: Record<Role, readonly Need[]> = {
  admin: ['signed_in', 'read', 'write', 'manage', 'admin'],
  planner: ['signed_in', 'read', 'write', 'manage'],
  ministry: ['signed_in', 'read', 'write', 'manage'],
  committee: ['signed_in', 'read', 'write', 'manage'],
  reporter: ['signed_in', 'read', 'write'],
  analyst: ['signed_in', 'read'],
  public: ['signed_in'],
};

const SCOPE: Record<Role, ScopeKind> = {
  admin: 'national',
  planner: 'national',
  ministry: 'sector',
  committee: 'region',
  reporter: 'unit',
  analyst: 'national',
  public: 'national',
};

/**
 * Who acts: an account's session or an API token, with its role and (for scoped roles) its node.
 * @example const p: Principal = { name: 'kim', role: 'reporter', node: 'U-000001', via: 'token' };
 */
export interface Principal {
  /** The account or token name, as audit entries and report versions show it. */
  readonly name: string;
  readonly role: Role;
  /** The node of a scoped role (sector or region code, or unit code); null for national roles. */
  readonly node: string | null;
  readonly via: 'session' | 'token' | 'admin-token' | 'cli';
  readonly accountId?: number;
  readonly tokenId?: number;
}

/**
 * Whether `code` lies in `within`'s subtree of `tree` (a node is in its own subtree; a unit is a
 * leaf of both trees). Supplied by the service layer, which knows the trees.
 * @example const covers: Covers = (tree, within, code) => within === code;
 */
export type Covers = (tree: 'sector' | 'region', within: string, code: string) => boolean;

/**
 * Checks a role name.
 * @example isRole('ministry') // true
 */
export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

/**
 * The tree a role's node lies in (`national` for roles without a node).
 * @example scopeKind('committee') // 'region'
 */
export function scopeKind(role: Role): ScopeKind {
  return SCOPE[role];
}

/**
 * Whether a role has a capability at all (scope aside).
 * @example roleHas('analyst', 'write') // false
 */
export function roleHas(role: Role, need: Need): boolean {
  return need === 'open' || need === 'published' || CAPABILITIES[role].includes(need);
}

/**
 * Whether a principal's scope reaches `code` (a tree node or unit code): national roles reach
 * everything; a ministry its sector subtree, a committee its region subtree, a reporter its unit.
 * @example reaches({ name: 'm', role: 'reporter', node: 'U-1', via: 'token' }, 'U-1', covers) // true
 */
export function reaches(p: Principal, code: string, covers: Covers): boolean {
  const kind = SCOPE[p.role];
  if (kind === 'national') return true;
  if (p.node === null) return false;
  if (kind === 'unit') return code === p.node;
  return covers(kind, p.node, code);
}

/**
 * Whether a request that selects data by `codes` stays within the principal's scope. A selection is
 * an intersection (a node of one tree, optionally cut by a node of the other), so it is within the
 * scope when any one of its codes is.
 * @example selectionInScope(ministry, ['P-SPY', 'S-ENERGY'], covers) // true when S-ENERGY is the ministry's subtree
 */
export function selectionInScope(p: Principal, codes: readonly string[], covers: Covers): boolean {
  if (SCOPE[p.role] === 'national') return true;
  return codes.some((c) => reaches(p, c, covers));
}

/**
 * Whether `granter` may create (or revoke) a token or account with `role` at `node`: admins any;
 * planners any but admin; a ministry or committee only its own role within its subtree, or reporters
 * for units within it; nobody else. Returns the reason when not.
 * @example canGrant(planner, 'reporter', 'U-000001', covers) // { ok: true }
 */
export function canGrant(granter: Principal, role: Role, node: string | null, covers: Covers): { ok: true } | { ok: false; reason: string } {
  if (granter.role === 'admin') return { ok: true };
  if (granter.role === 'planner') return role === 'admin' ? { ok: false, reason: 'only an admin grants admin' } : { ok: true };
  if (granter.role !== 'ministry' && granter.role !== 'committee') return { ok: false, reason: `a ${granter.role} grants nothing` };
  if (role !== granter.role && role !== 'reporter') {
    return { ok: false, reason: `a ${granter.role} grants only ${granter.role} or reporter` };
  }
  if (node === null || !reaches(granter, node, covers)) return { ok: false, reason: `node ${node ?? '(none)'} is outside ${granter.node}` };
  return { ok: true };
}
