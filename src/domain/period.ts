// Periods of the plan: five-year plan, year, half, quarter, month, ISO week, day, as frozen values
// with canonical string ids. All date arithmetic is on UTC day numbers (iso-date.ts).
import { DomainError, describeInput } from './errors.js';
import {
  type IsoDate,
  civilToDayNumber,
  dayNumberToCivil,
  daysInMonth,
  formatIsoDate,
  fromDayNumber,
  isoDateRange,
  isoWeekOfDayNumber,
  isoWeekStartDayNumber,
  isoWeeksInYear,
  parseIsoDate,
  toDayNumber,
} from './iso-date.js';
import { type Result, err, ok } from './result.js';

// Date helpers live in iso-date.ts; re-exported here because periods are where callers look.
export { addDays, daysBetween } from './iso-date.js';

/**
 * Kinds of period, longest first.
 * @example const k: PeriodKind = 'quarter';
 */
export type PeriodKind = 'plan' | 'year' | 'half' | 'quarter' | 'month' | 'week' | 'day';

/**
 * All period kinds, longest first.
 * @example PERIOD_KINDS.includes('week') // true
 */
export const PERIOD_KINDS: readonly PeriodKind[] = Object.freeze([
  'plan',
  'year',
  'half',
  'quarter',
  'month',
  'week',
  'day',
] as PeriodKind[]);

/**
 * A period: canonical id, kind, and its first and last day (both included).
 * Ids: '2026-2030' plan, '2026' year, '2026-H1', '2026-Q4', '2026-M01', '2026-W53', '2026-11-23'.
 * @example const p: Period = { id: '2026-Q1', kind: 'quarter', start: '2026-01-01', end: '2026-03-31' };
 */
export type Period = {
  readonly id: string;
  readonly kind: PeriodKind;
  readonly start: IsoDate;
  readonly end: IsoDate;
};

/**
 * First year any period may touch. Aligned five-year plans start in years ≡ 1 (mod 5), so the
 * range 1901..2200 is tiled exactly by plans 1901-1905 ... 2196-2200.
 * @example PERIOD_YEAR_MIN // 1901
 */
export const PERIOD_YEAR_MIN = 1901;

/**
 * Last year any period may touch (see PERIOD_YEAR_MIN). An ISO week whose days spill outside
 * 1901..2200 (1901-W01 starts on 1900-12-31) is out of range.
 * @example PERIOD_YEAR_MAX // 2200
 */
export const PERIOD_YEAR_MAX = 2200;

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function mk(id: string, kind: PeriodKind, startDay: number, endDay: number): Period {
  return Object.freeze({ id, kind, start: fromDayNumber(startDay), end: fromDayNumber(endDay) });
}

// Builders below assume their arguments are in range; parsePeriod and friends check first.
function planOf(startYear: number): Period {
  return mk(`${startYear}-${startYear + 4}`, 'plan', civilToDayNumber(startYear, 1, 1), civilToDayNumber(startYear + 4, 12, 31));
}
function yearOf(y: number): Period {
  return mk(String(y), 'year', civilToDayNumber(y, 1, 1), civilToDayNumber(y, 12, 31));
}
function halfOf(y: number, h: number): Period {
  const m0 = (h - 1) * 6 + 1;
  return mk(`${y}-H${h}`, 'half', civilToDayNumber(y, m0, 1), civilToDayNumber(y, m0 + 5, daysInMonth(y, m0 + 5)));
}
function quarterOf(y: number, q: number): Period {
  const m0 = (q - 1) * 3 + 1;
  return mk(`${y}-Q${q}`, 'quarter', civilToDayNumber(y, m0, 1), civilToDayNumber(y, m0 + 2, daysInMonth(y, m0 + 2)));
}
function monthOf(y: number, m: number): Period {
  return mk(`${y}-M${pad2(m)}`, 'month', civilToDayNumber(y, m, 1), civilToDayNumber(y, m, daysInMonth(y, m)));
}
function weekOf(wy: number, w: number): Period {
  const s = isoWeekStartDayNumber(wy, w);
  return mk(`${wy}-W${pad2(w)}`, 'week', s, s + 6);
}
function dayOf(dn: number): Period {
  const d = fromDayNumber(dn);
  return mk(d, 'day', dn, dn);
}
function alignedPlanStart(year: number): number {
  return year - ((((year - 1) % 5) + 5) % 5);
}

function yearInRange(y: number): boolean {
  return y >= PERIOD_YEAR_MIN && y <= PERIOD_YEAR_MAX;
}

function outOfRange(id: string, why: string, extra: Record<string, unknown> = {}): Result<Period> {
  return err(
    new DomainError('NORMA_ERR_PERIOD_OUT_OF_RANGE', `period id ${describeInput(id)} is out of range: ${why}`, {
      input: id,
      ...extra,
    }),
  );
}

function yearRangeError(id: string, y: number): Result<Period> {
  return outOfRange(id, `year ${y} is outside the supported years ${PERIOD_YEAR_MIN}..${PERIOD_YEAR_MAX}`, {
    field: 'year',
  });
}

function notCanonical(id: string, suggestion: string): Result<Period> {
  return err(
    new DomainError(
      'NORMA_ERR_PERIOD_NOT_CANONICAL',
      `period id ${describeInput(id)} is not canonical; write "${suggestion}"`,
      { input: id, suggestion },
    ),
  );
}

function weekRangeCheck(id: string, p: Period): Result<Period> {
  const sy = Number(p.start.slice(0, 4));
  const ey = Number(p.end.slice(0, 4));
  if (!yearInRange(sy) || !yearInRange(ey)) {
    return outOfRange(
      id,
      `its days ${p.start}..${p.end} leave the supported years ${PERIOD_YEAR_MIN}..${PERIOD_YEAR_MAX}`,
      { field: 'week' },
    );
  }
  return ok(p);
}

const PLAN_RE = /^(\d{4})-(\d{4})$/;
const YEAR_RE = /^(\d{4})$/;
const PART_RE = /^(\d{4})-([A-Za-z])(\d+)$/;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOOSE_DAY_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const YEAR_MONTH_RE = /^(\d{4})-(\d{1,2})$/;

const SHAPES = "'2026-2030', '2026', '2026-H1', '2026-Q1', '2026-M01', '2026-W01' or '2026-01-31'";

/**
 * Check a period id strictly and return its Period. Failure codes:
 * NORMA_ERR_PERIOD_SYNTAX (no recognised shape), NORMA_ERR_PERIOD_NOT_CANONICAL (e.g. '2026-M1',
 * '2026-q1', '2026-11'; the message and `details.suggestion` give the canonical id),
 * NORMA_ERR_PERIOD_OUT_OF_RANGE (month 13, '2027-W53', '2026-02-30', year outside 1901..2200),
 * NORMA_ERR_PERIOD_PLAN_SPAN (a plan id not spanning exactly five years, e.g. '2026-2029').
 * @example parsePeriod('2026-Q2') // { ok: true, value: { id: '2026-Q2', kind: 'quarter', start: '2026-04-01', end: '2026-06-30' } }
 */
export function parsePeriod(id: unknown): Result<Period> {
  if (typeof id !== 'string') {
    return err(
      new DomainError('NORMA_ERR_PERIOD_SYNTAX', `period id must be a string, got ${describeInput(id)}`, { input: id }),
    );
  }
  const trimmed = id.trim();
  if (trimmed !== id) {
    const inner = parsePeriod(trimmed);
    return inner.ok ? notCanonical(id, inner.value.id) : inner;
  }

  let m = PLAN_RE.exec(id);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (b !== a + 4) {
      return err(
        new DomainError(
          'NORMA_ERR_PERIOD_PLAN_SPAN',
          `five-year plan id ${describeInput(id)} must span exactly five years, e.g. "${a}-${a + 4}"`,
          { input: id, suggestion: `${a}-${a + 4}` },
        ),
      );
    }
    if (!yearInRange(a) || !yearInRange(b)) return yearRangeError(id, yearInRange(a) ? b : a);
    return ok(planOf(a));
  }

  m = YEAR_RE.exec(id);
  if (m) {
    const y = Number(m[1]);
    return yearInRange(y) ? ok(yearOf(y)) : yearRangeError(id, y);
  }

  m = PART_RE.exec(id);
  if (m) {
    const y = Number(m[1]);
    const letter = m[2].toUpperCase();
    const digits = m[3];
    const n = Number(digits);
    let max: number;
    let width: number;
    let what: string;
    switch (letter) {
      case 'H':
        [max, width, what] = [2, 1, 'half'];
        break;
      case 'Q':
        [max, width, what] = [4, 1, 'quarter'];
        break;
      case 'M':
        [max, width, what] = [12, 2, 'month'];
        break;
      case 'W':
        [max, width, what] = [yearInRange(y) ? isoWeeksInYear(y) : 53, 2, 'week'];
        break;
      default:
        return err(
          new DomainError(
            'NORMA_ERR_PERIOD_SYNTAX',
            `period id ${describeInput(id)} has unknown part letter "${m[2]}"; expected H, Q, M or W as in ${SHAPES}`,
            { input: id },
          ),
        );
    }
    if (!yearInRange(y)) return yearRangeError(id, y);
    if (n < 1 || n > max) {
      const why =
        letter === 'W' && n === 53
          ? `${y} has only ${max} ISO weeks`
          : `${what} ${digits} is not in 1..${max}`;
      return outOfRange(id, why, { field: what });
    }
    const canonical = `${y}-${letter}${String(n).padStart(width, '0')}`;
    if (canonical !== id) return notCanonical(id, canonical);
    switch (letter) {
      case 'H':
        return ok(halfOf(y, n));
      case 'Q':
        return ok(quarterOf(y, n));
      case 'M':
        return ok(monthOf(y, n));
      default:
        return weekRangeCheck(id, weekOf(y, n));
    }
  }

  m = DAY_RE.exec(id) ?? LOOSE_DAY_RE.exec(id);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (!yearInRange(y)) return yearRangeError(id, y);
    if (mo < 1 || mo > 12) return outOfRange(id, `month ${m[2]} is not in 01..12`, { field: 'month' });
    if (d < 1 || d > daysInMonth(y, mo)) {
      return outOfRange(id, `${MONTH_NAMES[mo - 1]} ${y} has ${daysInMonth(y, mo)} days, not day ${m[3]}`, {
        field: 'day',
      });
    }
    const canonical = formatIsoDate(y, mo, d);
    if (canonical !== id) return notCanonical(id, canonical);
    return ok(dayOf(civilToDayNumber(y, mo, d)));
  }

  m = YEAR_MONTH_RE.exec(id);
  if (m) {
    const mo = Number(m[2]);
    if (mo >= 1 && mo <= 12) return notCanonical(id, `${m[1]}-M${pad2(mo)}`);
  }

  return err(
    new DomainError('NORMA_ERR_PERIOD_SYNTAX', `period id ${describeInput(id)} has no recognised shape; expected ${SHAPES}`, {
      input: id,
    }),
  );
}

/**
 * True when `v` is a Period equal to what parsePeriod gives for its id.
 * @example isPeriod({ id: '2026', kind: 'year', start: '2026-01-01', end: '2026-12-31' }) // true
 */
export function isPeriod(v: unknown): v is Period {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  const r = parsePeriod(o.id);
  return r.ok && r.value.kind === o.kind && r.value.start === o.start && r.value.end === o.end;
}

/**
 * Text for a period: its canonical id ('id', the default) or an English label ('label').
 * @example formatPeriod(p2026M11) // '2026-M11'; formatPeriod(p2026M11, 'label') // 'November 2026'
 */
export function formatPeriod(p: Period, style: 'id' | 'label' = 'id'): string {
  if (style === 'id') return p.id;
  const [y, mo, d] = dayNumberToCivil(toDayNumber(p.start));
  switch (p.kind) {
    case 'plan':
      return `Five-year plan ${p.id}`;
    case 'year':
      return `Year ${y}`;
    case 'half':
      return `${mo === 1 ? 'First' : 'Second'} half of ${y}`;
    case 'quarter':
      return `Q${(mo + 2) / 3} ${y}`;
    case 'month':
      return `${MONTH_NAMES[mo - 1]} ${y}`;
    case 'week':
      return `Week ${Number(p.id.slice(6))} of ${p.id.slice(0, 4)} (${p.start} to ${p.end})`;
    case 'day':
      return `${d} ${MONTH_NAMES[mo - 1]} ${y}`;
  }
}

/**
 * True when every day of `inner` is a day of `outer` (by date range; a period contains itself).
 * @example periodContains(year2026, month2026M11) // true
 */
export function periodContains(outer: Period, inner: Period): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/**
 * The next longer period in the hierarchy: day -> month -> quarter -> half -> year -> the aligned
 * five-year plan (start year ≡ 1 mod 5: 2021-2025, 2026-2030) -> null. A week's parent is the year
 * of its ISO week-year, which need not contain all of the week (2026-W01 starts 2025-12-29).
 * @example parentPeriod(unwrap(parsePeriod('2026-M11'))).id // '2026-Q4'
 */
export function parentPeriod(p: Period): Period | null {
  const dn = toDayNumber(p.start);
  const [y, mo] = dayNumberToCivil(dn);
  switch (p.kind) {
    case 'day':
      return monthOf(y, mo);
    case 'week':
      return yearOf(isoWeekOfDayNumber(dn).year);
    case 'month':
      return quarterOf(y, Math.ceil(mo / 3));
    case 'quarter':
      return halfOf(y, mo <= 6 ? 1 : 2);
    case 'half':
      return yearOf(y);
    case 'year':
      return planOf(alignedPlanStart(y));
    case 'plan':
      return null;
  }
}

/**
 * The parent chain of a period up to its five-year plan, nearest first (the period itself excluded).
 * Incremental rollups mark these after a change at `p`.
 * @example ancestorsOf(unwrap(parsePeriod('2026-11-23'))).map((a) => a.id) // ['2026-M11', '2026-Q4', '2026-H2', '2026', '2026-2030']
 */
export function ancestorsOf(p: Period): readonly Period[] {
  const out: Period[] = [];
  for (let q = parentPeriod(p); q !== null; q = parentPeriod(q)) out.push(q);
  return Object.freeze(out);
}

/**
 * The periods one level down that tile `p` exactly, in order: plan -> 5 years, year -> 2 halves,
 * half -> 2 quarters, quarter -> 3 months, month -> its days, week -> its 7 days, day -> [].
 * @example childPeriods(unwrap(parsePeriod('2026-H2'))).map((c) => c.id) // ['2026-Q3', '2026-Q4']
 */
export function childPeriods(p: Period): readonly Period[] {
  const s = toDayNumber(p.start);
  const [y, mo] = dayNumberToCivil(s);
  const out: Period[] = [];
  switch (p.kind) {
    case 'plan':
      for (let i = 0; i < 5; i++) out.push(yearOf(y + i));
      break;
    case 'year':
      out.push(halfOf(y, 1), halfOf(y, 2));
      break;
    case 'half': {
      const q0 = mo === 1 ? 1 : 3;
      out.push(quarterOf(y, q0), quarterOf(y, q0 + 1));
      break;
    }
    case 'quarter':
      for (let i = 0; i < 3; i++) out.push(monthOf(y, mo + i));
      break;
    case 'month':
    case 'week': {
      const e = toDayNumber(p.end);
      for (let dn = s; dn <= e; dn++) out.push(dayOf(dn));
      break;
    }
    case 'day':
      break;
  }
  return Object.freeze(out);
}

/**
 * Every ISO date of a period, in order.
 * @example periodDays(unwrap(parsePeriod('2028-M02'))).length // 29
 */
export function periodDays(p: Period): readonly IsoDate[] {
  return isoDateRange(p.start, p.end);
}

/**
 * Number of days in a period.
 * @example periodDayCount(unwrap(parsePeriod('2026'))) // 365
 */
export function periodDayCount(p: Period): number {
  return toDayNumber(p.end) - toDayNumber(p.start) + 1;
}

function isKind(v: unknown): v is PeriodKind {
  return typeof v === 'string' && (PERIOD_KINDS as readonly string[]).includes(v);
}

function kindError(kind: unknown): DomainError {
  return new DomainError(
    'NORMA_ERR_PERIOD_KIND_INVALID',
    `period kind ${describeInput(kind)} is not one of ${PERIOD_KINDS.join(', ')}`,
    { input: kind },
  );
}

function ofKindContainingDay(dn: number, kind: PeriodKind, date: string): Result<Period> {
  const [y, mo] = dayNumberToCivil(dn);
  if (kind === 'week') {
    const w = isoWeekOfDayNumber(dn);
    const p = weekOf(w.year, w.week);
    return weekRangeCheck(p.id, p);
  }
  if (!yearInRange(y)) {
    return err(
      new DomainError(
        'NORMA_ERR_PERIOD_OUT_OF_RANGE',
        `date ${describeInput(date)} is outside the supported years ${PERIOD_YEAR_MIN}..${PERIOD_YEAR_MAX}`,
        { input: date, field: 'year' },
      ),
    );
  }
  switch (kind) {
    case 'plan':
      return ok(planOf(alignedPlanStart(y)));
    case 'year':
      return ok(yearOf(y));
    case 'half':
      return ok(halfOf(y, mo <= 6 ? 1 : 2));
    case 'quarter':
      return ok(quarterOf(y, Math.ceil(mo / 3)));
    case 'month':
      return ok(monthOf(y, mo));
    case 'day':
      return ok(dayOf(dn));
  }
}

/**
 * The period of the given kind that contains a date (plans are the aligned ones, 2026-2030).
 * Failures: NORMA_ERR_DATE_INVALID, NORMA_ERR_PERIOD_KIND_INVALID, NORMA_ERR_PERIOD_OUT_OF_RANGE.
 * @example periodOfKindContaining('2027-01-01', 'week') // ok: { id: '2026-W53', ... }
 */
export function periodOfKindContaining(date: unknown, kind: unknown): Result<Period> {
  const d = parseIsoDate(date);
  if (!d.ok) return d;
  if (!isKind(kind)) return err(kindError(kind));
  return ofKindContainingDay(toDayNumber(d.value), kind, d.value);
}

/**
 * One period of every kind containing a date, shortest first: day, week, month, quarter, half,
 * year, plan. These are the cells a daily report touches.
 * @example periodsContaining('2026-11-23') // ok: ids ['2026-11-23', '2026-W48', '2026-M11', '2026-Q4', '2026-H2', '2026', '2026-2030']
 */
export function periodsContaining(date: unknown): Result<readonly Period[]> {
  const d = parseIsoDate(date);
  if (!d.ok) return d;
  const dn = toDayNumber(d.value);
  const out: Period[] = [];
  for (let i = PERIOD_KINDS.length - 1; i >= 0; i--) {
    const r = ofKindContainingDay(dn, PERIOD_KINDS[i], d.value);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(Object.freeze(out));
}

/**
 * The period of the same kind `n` steps later (negative: earlier). Failure:
 * NORMA_ERR_PERIOD_OUT_OF_RANGE when the result leaves the supported years.
 * @example shiftPeriod(unwrap(parsePeriod('2026-M12')), 1) // ok: '2027-M01'
 */
export function shiftPeriod(p: Period, n: number): Result<Period> {
  if (!Number.isInteger(n)) {
    throw new DomainError('NORMA_ERR_PERIOD_OUT_OF_RANGE', `period shift ${describeInput(n)} is not an integer`, {
      input: n,
    });
  }
  const s = toDayNumber(p.start);
  const [y, mo] = dayNumberToCivil(s);
  let id: string;
  switch (p.kind) {
    case 'plan':
      id = `${y + 5 * n}-${y + 5 * n + 4}`;
      break;
    case 'year':
      id = String(y + n);
      break;
    case 'half': {
      const k = y * 2 + (mo === 1 ? 0 : 1) + n;
      id = `${Math.floor(k / 2)}-H${(k % 2) + 1}`;
      break;
    }
    case 'quarter': {
      const k = y * 4 + (mo - 1) / 3 + n;
      id = `${Math.floor(k / 4)}-Q${(k % 4) + 1}`;
      break;
    }
    case 'month': {
      const k = y * 12 + (mo - 1) + n;
      id = `${Math.floor(k / 12)}-M${pad2((k % 12) + 1)}`;
      break;
    }
    case 'week': {
      const dn = s + 7 * n;
      const [wy] = dayNumberToCivil(dn);
      if (wy < 1 || wy > 9999) return outOfRange(p.id, `shifting by ${n} weeks leaves the calendar`);
      const w = isoWeekOfDayNumber(dn);
      id = `${w.year}-W${pad2(w.week)}`;
      break;
    }
    case 'day': {
      const [dy, dm, dd] = dayNumberToCivil(s + n);
      id = formatIsoDate(dy, dm, dd);
      break;
    }
  }
  if (!/^\d{4}(-|$)/.test(id)) return outOfRange(id, `shifting ${p.id} by ${n} leaves 4-digit years`);
  return parsePeriod(id);
}

/**
 * Order periods by start date, then longer first, then id: a stable sort key for tables.
 * @example [q1, y2026].sort(comparePeriods) // [y2026, q1]
 */
export function comparePeriods(a: Period, b: Period): number {
  if (a.start !== b.start) return a.start < b.start ? -1 : 1;
  if (a.end !== b.end) return a.end > b.end ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
