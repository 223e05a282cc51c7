// ISO calendar dates ('YYYY-MM-DD') and their arithmetic, done on UTC day numbers
// (days since 1970-01-01 in the proleptic Gregorian calendar). Never uses Date or local time, so
// results do not depend on the machine's time zone.
import { DomainError, describeInput } from './errors.js';
import { type Result, err, ok } from './result.js';

/**
 * An ISO 8601 calendar date 'YYYY-MM-DD' (years 0001..9999). A plain string: check it with
 * `isIsoDate` or `parseIsoDate` where it enters.
 * @example const d: IsoDate = '2026-11-23';
 */
export type IsoDate = string;

/**
 * ISO weekday: 1 = Monday ... 7 = Sunday.
 * @example const sunday: IsoWeekday = 7;
 */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * An ISO 8601 week: the week-year (may differ from the calendar year near 1 January) and week 1..53.
 * @example const w: IsoWeek = { year: 2026, week: 53 };
 */
export type IsoWeek = { readonly year: number; readonly week: number };

const MIN_DAY = civilToDayNumber(1, 1, 1);
const MAX_DAY = civilToDayNumber(9999, 12, 31);
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOOSE_DATE_RE = /^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*$/;

/**
 * True for Gregorian leap years.
 * @example isLeapYear(2028) // true; isLeapYear(2100) // false
 */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Number of days in a month (month 1..12).
 * @example daysInMonth(2028, 2) // 29
 */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Day number (days since 1970-01-01) of a proleptic Gregorian date; no range checks.
 * Algorithm: H. Hinnant, "chrono-compatible low-level date algorithms" (days_from_civil).
 * @example civilToDayNumber(1970, 1, 1) // 0
 */
export function civilToDayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12; // March = 0, so the leap day is the last day of the year
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Year, month and day of a day number; inverse of civilToDayNumber (H. Hinnant's civil_from_days).
 * @example dayNumberToCivil(0) // [1970, 1, 1]
 */
export function dayNumberToCivil(dayNumber: number): readonly [number, number, number] {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day];
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Format year, month, day as 'YYYY-MM-DD' (no checks).
 * @example formatIsoDate(2026, 1, 5) // '2026-01-05'
 */
export function formatIsoDate(year: number, month: number, day: number): IsoDate {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function splitDate(v: string): [number, number, number] | null {
  const m = DATE_RE.exec(v);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return [y, mo, d];
}

/**
 * True when `v` is a real calendar date written exactly 'YYYY-MM-DD' (year 0001..9999).
 * @example isIsoDate('2026-02-28') // true; isIsoDate('2026-02-30') // false
 */
export function isIsoDate(v: unknown): v is IsoDate {
  return typeof v === 'string' && splitDate(v) !== null;
}

/**
 * Check outside input as an ISO date. Failure code NORMA_ERR_DATE_INVALID; the message names the
 * input and, for forms like '2026-1-5', suggests '2026-01-05'.
 * @example parseIsoDate('2026-11-23') // { ok: true, value: '2026-11-23' }
 */
export function parseIsoDate(v: unknown): Result<IsoDate> {
  if (typeof v === 'string') {
    if (splitDate(v) !== null) return ok(v);
    const loose = LOOSE_DATE_RE.exec(v);
    if (loose) {
      const [y, mo, d] = [Number(loose[1]), Number(loose[2]), Number(loose[3])];
      if (y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo)) {
        const suggestion = formatIsoDate(y, mo, d);
        return err(
          new DomainError('NORMA_ERR_DATE_INVALID', `date ${describeInput(v)} is not canonical; write "${suggestion}"`, {
            input: v,
            suggestion,
          }),
        );
      }
      return err(
        new DomainError('NORMA_ERR_DATE_INVALID', `date ${describeInput(v)} is not a real calendar date`, { input: v }),
      );
    }
  }
  return err(
    new DomainError('NORMA_ERR_DATE_INVALID', `date ${describeInput(v)} is not an ISO date of the form YYYY-MM-DD`, {
      input: v,
    }),
  );
}

/**
 * Day number (days since 1970-01-01) of an ISO date. Throws NORMA_ERR_DATE_INVALID if `date` is
 * not a real 'YYYY-MM-DD' date (a caller bug: check outside input with parseIsoDate first).
 * @example toDayNumber('1970-01-02') // 1
 */
export function toDayNumber(date: IsoDate): number {
  const parts = splitDate(date);
  if (parts === null) {
    throw new DomainError('NORMA_ERR_DATE_INVALID', `date ${describeInput(date)} is not a real ISO date YYYY-MM-DD`, {
      input: date,
    });
  }
  return civilToDayNumber(parts[0], parts[1], parts[2]);
}

/**
 * ISO date of a day number. Throws NORMA_ERR_DATE_INVALID outside years 0001..9999.
 * @example fromDayNumber(0) // '1970-01-01'
 */
export function fromDayNumber(dayNumber: number): IsoDate {
  if (!Number.isInteger(dayNumber) || dayNumber < MIN_DAY || dayNumber > MAX_DAY) {
    throw new DomainError('NORMA_ERR_DATE_INVALID', `day number ${describeInput(dayNumber)} is outside years 0001..9999`, {
      input: dayNumber,
    });
  }
  const [y, m, d] = dayNumberToCivil(dayNumber);
  return formatIsoDate(y, m, d);
}

/**
 * The date `days` days after `date` (negative goes back).
 * @example addDays('2026-12-31', 1) // '2027-01-01'
 */
export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) {
    throw new DomainError('NORMA_ERR_DATE_INVALID', `day offset ${describeInput(days)} is not an integer`, { input: days });
  }
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * Signed number of days from `from` to `to` (to − from); 0 for the same day.
 * @example daysBetween('2026-01-01', '2026-03-01') // 59
 */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/**
 * ISO weekday of a day number (1 = Monday ... 7 = Sunday).
 * @example weekdayOfDayNumber(0) // 4 (1970-01-01 was a Thursday)
 */
export function weekdayOfDayNumber(dayNumber: number): IsoWeekday {
  return (((((dayNumber + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

/**
 * ISO weekday of a date (1 = Monday ... 7 = Sunday).
 * @example isoWeekday('2026-11-22') // 7 (a Sunday)
 */
export function isoWeekday(date: IsoDate): IsoWeekday {
  return weekdayOfDayNumber(toDayNumber(date));
}

/**
 * ISO 8601 week of a date: the week (Monday..Sunday) belongs to the week-year holding its Thursday.
 * @example isoWeekOf('2027-01-01') // { year: 2026, week: 53 }
 */
export function isoWeekOf(date: IsoDate): IsoWeek {
  return isoWeekOfDayNumber(toDayNumber(date));
}

/**
 * ISO week of a day number (see isoWeekOf).
 * @example isoWeekOfDayNumber(0) // { year: 1970, week: 1 }
 */
export function isoWeekOfDayNumber(dayNumber: number): IsoWeek {
  const thursday = dayNumber - weekdayOfDayNumber(dayNumber) + 4;
  const year = dayNumberToCivil(thursday)[0];
  const week = Math.floor((thursday - civilToDayNumber(year, 1, 1)) / 7) + 1;
  return Object.freeze({ year, week });
}

/**
 * Number of ISO weeks in an ISO week-year: 53 when 1 January is a Thursday, or a Wednesday in a
 * leap year (equivalently: 28 December is in week 53), otherwise 52.
 * @example isoWeeksInYear(2026) // 53; isoWeeksInYear(2027) // 52
 */
export function isoWeeksInYear(year: number): 52 | 53 {
  return isoWeekOfDayNumber(civilToDayNumber(year, 12, 28)).week === 53 ? 53 : 52;
}

/**
 * Day number of the Monday that starts ISO week `week` of week-year `year` (no range checks).
 * @example fromDayNumber(isoWeekStartDayNumber(2026, 1)) // '2025-12-29'
 */
export function isoWeekStartDayNumber(year: number, week: number): number {
  const jan4 = civilToDayNumber(year, 1, 4); // 4 January is always in week 1
  return jan4 - (weekdayOfDayNumber(jan4) - 1) + 7 * (week - 1);
}

/**
 * Every date from `start` to `end`, both included, in order; empty when end < start.
 * @example isoDateRange('2026-02-27', '2026-03-01') // ['2026-02-27', '2026-02-28', '2026-03-01']
 */
export function isoDateRange(start: IsoDate, end: IsoDate): readonly IsoDate[] {
  const a = toDayNumber(start);
  const b = toDayNumber(end);
  const out: IsoDate[] = [];
  for (let n = a; n <= b; n++) {
    const [y, m, d] = dayNumberToCivil(n);
    out.push(formatIsoDate(y, m, d));
  }
  return Object.freeze(out);
}
