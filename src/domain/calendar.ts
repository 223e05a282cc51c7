// Working-day calendar: weekly rest days, national holidays, and regional overrides.
import { isValidCode } from './code.js';
import { DomainError, describeInput } from './errors.js';
import { type IsoDate, type IsoWeekday, formatIsoDate, isIsoDate, toDayNumber, weekdayOfDayNumber } from './iso-date.js';
import { type Period, PERIOD_YEAR_MAX, PERIOD_YEAR_MIN } from './period.js';
import { type Result, err, ok } from './result.js';

/**
 * A named non-working day.
 * @example const h: Holiday = { date: '2026-04-15', name: 'Day of the Sun' };
 */
export type Holiday = { readonly date: IsoDate; readonly name: string };

/**
 * A region's differences from the national calendar. `extraWorkingDays` are worked in the region
 * although nationally they are a holiday or a rest day; `extraHolidays` and `extraRestDays` are
 * off in the region although nationally worked.
 * @example const r: RegionalCalendar = { extraHolidays: [], extraWorkingDays: ['2026-05-01'], extraRestDays: [] };
 */
export type RegionalCalendar = {
  readonly extraHolidays: readonly Holiday[];
  readonly extraWorkingDays: readonly IsoDate[];
  readonly extraRestDays: readonly IsoDate[];
};

/**
 * A working-day calendar. A date is worked nationally when it is not a rest weekday and not a
 * holiday, or when it is listed in `extraWorkingDays` (a transferred working day). Regional
 * overrides, keyed by region code, apply on top (see isWorkingDay).
 * @example const c: Calendar = { restWeekdays: [7], holidays: [], extraWorkingDays: [], regions: {} };
 */
export type Calendar = {
  readonly restWeekdays: readonly IsoWeekday[];
  readonly holidays: readonly Holiday[];
  readonly extraWorkingDays: readonly IsoDate[];
  readonly regions: Readonly<Record<string, RegionalCalendar>>;
};

/**
 * What makeCalendar accepts: every field optional (rest weekdays default to Sunday only).
 * @example const i: CalendarInput = { holidays: [{ date: '2026-01-01', name: "New Year's Day" }] };
 */
export type CalendarInput = {
  readonly restWeekdays?: readonly number[];
  readonly holidays?: readonly { readonly date: string; readonly name: string }[];
  readonly extraWorkingDays?: readonly string[];
  readonly regions?: Readonly<
    Record<
      string,
      {
        readonly extraHolidays?: readonly { readonly date: string; readonly name: string }[];
        readonly extraWorkingDays?: readonly string[];
        readonly extraRestDays?: readonly string[];
      }
    >
  >;
};

function bad(message: string, details: Record<string, unknown>): Result<never> {
  return err(new DomainError('NORMA_ERR_CALENDAR_INVALID', message, details));
}

function checkHolidays(v: unknown, where: string): Result<readonly Holiday[]> {
  if (v === undefined) return ok(Object.freeze([]));
  if (!Array.isArray(v)) return bad(`${where} must be an array, got ${describeInput(v)}`, { field: where });
  const seen = new Set<string>();
  const out: Holiday[] = [];
  for (let i = 0; i < v.length; i++) {
    const h = v[i] as { date?: unknown; name?: unknown } | null;
    const f = `${where}[${i}]`;
    if (typeof h !== 'object' || h === null) return bad(`${f} must be { date, name }, got ${describeInput(h)}`, { field: f });
    if (!isIsoDate(h.date)) {
      return bad(`${f}.date ${describeInput(h.date)} is not a real ISO date YYYY-MM-DD`, { field: `${f}.date`, input: h.date });
    }
    if (typeof h.name !== 'string' || h.name.trim() === '') {
      return bad(`${f}.name for ${h.date} must be a non-empty string, got ${describeInput(h.name)}`, { field: `${f}.name` });
    }
    if (seen.has(h.date)) {
      return bad(`${f}.date ${h.date} is listed twice in ${where}; give one holiday per date`, {
        field: `${f}.date`,
        input: h.date,
      });
    }
    seen.add(h.date);
    out.push(Object.freeze({ date: h.date, name: h.name.trim() }));
  }
  out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return ok(Object.freeze(out));
}

function checkDates(v: unknown, where: string): Result<readonly IsoDate[]> {
  if (v === undefined) return ok(Object.freeze([]));
  if (!Array.isArray(v)) return bad(`${where} must be an array of ISO dates, got ${describeInput(v)}`, { field: where });
  for (let i = 0; i < v.length; i++) {
    if (!isIsoDate(v[i])) {
      return bad(`${where}[${i}] ${describeInput(v[i])} is not a real ISO date YYYY-MM-DD`, {
        field: `${where}[${i}]`,
        input: v[i],
      });
    }
  }
  return ok(Object.freeze([...new Set(v as string[])].sort()));
}

/**
 * Check a calendar definition and return it frozen, with holidays and dates sorted. Failure code
 * NORMA_ERR_CALENDAR_INVALID naming the field: bad weekday, bad date, empty holiday name, one date
 * listed twice as a holiday, a date both worked and off at the same level, a bad region code.
 * @example makeCalendar({ restWeekdays: [7], holidays: [{ date: '2026-05-01', name: 'May Day' }] }) // ok
 */
export function makeCalendar(input: unknown): Result<Calendar> {
  if (typeof input !== 'object' || input === null) {
    return bad(`calendar must be an object, got ${describeInput(input)}`, { field: 'calendar' });
  }
  const i = input as Record<string, unknown>;
  const rw = i.restWeekdays === undefined ? [7] : i.restWeekdays;
  if (!Array.isArray(rw)) return bad(`restWeekdays must be an array of 1..7, got ${describeInput(rw)}`, { field: 'restWeekdays' });
  for (const d of rw) {
    if (!Number.isInteger(d) || d < 1 || d > 7) {
      return bad(`restWeekdays entry ${describeInput(d)} is not an ISO weekday 1 (Monday) .. 7 (Sunday)`, {
        field: 'restWeekdays',
        input: d,
      });
    }
  }
  const restWeekdays = Object.freeze([...new Set(rw as IsoWeekday[])].sort());

  const holidays = checkHolidays(i.holidays, 'holidays');
  if (!holidays.ok) return holidays;
  const extraWorkingDays = checkDates(i.extraWorkingDays, 'extraWorkingDays');
  if (!extraWorkingDays.ok) return extraWorkingDays;
  const holidayDates = new Set(holidays.value.map((h) => h.date));
  for (const d of extraWorkingDays.value) {
    if (holidayDates.has(d)) {
      return bad(`extraWorkingDays ${d} is also a national holiday; remove one of them`, {
        field: 'extraWorkingDays',
        input: d,
      });
    }
  }

  const regionsIn = i.regions === undefined ? {} : i.regions;
  if (typeof regionsIn !== 'object' || regionsIn === null || Array.isArray(regionsIn)) {
    return bad(`regions must be an object keyed by region code, got ${describeInput(regionsIn)}`, { field: 'regions' });
  }
  const regions: Record<string, RegionalCalendar> = {};
  for (const code of Object.keys(regionsIn).sort()) {
    const f = `regions.${code}`;
    if (!isValidCode(code)) return bad(`region code ${describeInput(code)} in regions is not a valid code`, { field: f });
    const r = (regionsIn as Record<string, unknown>)[code];
    if (typeof r !== 'object' || r === null) return bad(`${f} must be an object, got ${describeInput(r)}`, { field: f });
    const rr = r as Record<string, unknown>;
    const eh = checkHolidays(rr.extraHolidays, `${f}.extraHolidays`);
    if (!eh.ok) return eh;
    const ew = checkDates(rr.extraWorkingDays, `${f}.extraWorkingDays`);
    if (!ew.ok) return ew;
    const er = checkDates(rr.extraRestDays, `${f}.extraRestDays`);
    if (!er.ok) return er;
    const off = new Set([...eh.value.map((h) => h.date), ...er.value]);
    for (const d of ew.value) {
      if (off.has(d)) {
        return bad(`${f}.extraWorkingDays ${d} is also an extra holiday or rest day of region ${code}`, {
          field: `${f}.extraWorkingDays`,
          input: d,
        });
      }
    }
    regions[code] = Object.freeze({ extraHolidays: eh.value, extraWorkingDays: ew.value, extraRestDays: er.value });
  }

  return ok(
    Object.freeze({
      restWeekdays,
      holidays: holidays.value,
      extraWorkingDays: extraWorkingDays.value,
      regions: Object.freeze(regions),
    }),
  );
}

type RegionIndex = { on: ReadonlySet<string>; off: ReadonlyMap<string, string | null> };
type CalendarIndex = {
  rest: readonly boolean[];
  holidays: ReadonlyMap<string, string>;
  working: ReadonlySet<string>;
  regions: ReadonlyMap<string, RegionIndex>;
};

// Calendars are frozen, so an index built once per calendar object stays valid.
const indexes = new WeakMap<Calendar, CalendarIndex>();

function indexOf(cal: Calendar): CalendarIndex {
  let ix = indexes.get(cal);
  if (ix === undefined) {
    const rest = new Array<boolean>(8).fill(false);
    for (const d of cal.restWeekdays) rest[d] = true;
    const regions = new Map<string, RegionIndex>();
    for (const [code, r] of Object.entries(cal.regions)) {
      const off = new Map<string, string | null>();
      for (const d of r.extraRestDays) off.set(d, null);
      for (const h of r.extraHolidays) off.set(h.date, h.name);
      regions.set(code, { on: new Set(r.extraWorkingDays), off });
    }
    ix = {
      rest,
      holidays: new Map(cal.holidays.map((h) => [h.date, h.name])),
      working: new Set(cal.extraWorkingDays),
      regions,
    };
    indexes.set(cal, ix);
  }
  return ix;
}

function status(ix: CalendarIndex, date: IsoDate, dn: number, regionCodes: readonly string[]): [boolean, string | null] {
  let working = ix.working.has(date) || (!ix.rest[weekdayOfDayNumber(dn)] && !ix.holidays.has(date));
  let name: string | null = working ? null : ix.holidays.get(date) ?? null;
  // The chain runs from the nation down; a later (more specific) region overrides an earlier one.
  for (const code of regionCodes) {
    const r = ix.regions.get(code);
    if (r === undefined) continue;
    if (r.on.has(date)) {
      working = true;
      name = null;
    } else if (r.off.has(date)) {
      working = false;
      name = r.off.get(date) ?? null;
    }
  }
  return [working, name];
}

/**
 * True when `date` is a working day. `regionCodes` is the region's ancestor chain, root first and
 * the most specific region last (e.g. ['KP', 'KP-02', 'KP-02-05']); each region with an override
 * for the date overrides what came before it. Throws NORMA_ERR_DATE_INVALID for a bad date.
 * @example isWorkingDay(defaultCalendar(2026), '2026-11-22') // false (a Sunday)
 */
export function isWorkingDay(cal: Calendar, date: IsoDate, regionCodes: readonly string[] = []): boolean {
  return status(indexOf(cal), date, toDayNumber(date), regionCodes)[0];
}

/**
 * Name of the holiday that makes `date` a non-working day, or null (a working day, or off only as
 * a rest weekday or an unnamed regional rest day).
 * @example holidayName(defaultCalendar(2026), '2026-04-15') // 'Day of the Sun'
 */
export function holidayName(cal: Calendar, date: IsoDate, regionCodes: readonly string[] = []): string | null {
  return status(indexOf(cal), date, toDayNumber(date), regionCodes)[1];
}

/**
 * The working days of a period, in order.
 * @example workingDays(defaultCalendar(2026), unwrap(parsePeriod('2026-W48'))).length // 6
 */
export function workingDays(cal: Calendar, period: Period, regionCodes: readonly string[] = []): readonly IsoDate[] {
  const ix = indexOf(cal);
  const out: IsoDate[] = [];
  const a = toDayNumber(period.start);
  const b = toDayNumber(period.end);
  for (let dn = a, date = period.start; dn <= b; dn++, date = nextDate(date)) {
    if (status(ix, date, dn, regionCodes)[0]) out.push(date);
  }
  return Object.freeze(out);
}

// Next ISO date by string arithmetic, cheaper than a day-number round trip in tight loops.
function nextDate(date: IsoDate): IsoDate {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const last = m === 2 ? (((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
  if (d < last) return formatIsoDate(y, m, d + 1);
  if (m < 12) return formatIsoDate(y, m + 1, 1);
  return formatIsoDate(y + 1, 1, 1);
}

/**
 * Number of working days in a period.
 * @example countWorkingDays(defaultCalendar(2026), unwrap(parsePeriod('2026-M11'))) // 25
 */
export function countWorkingDays(cal: Calendar, period: Period, regionCodes: readonly string[] = []): number {
  return workingDays(cal, period, regionCodes).length;
}

// DPRK public holidays on fixed Gregorian dates, as used by defaultCalendar. Chosen list: the
// non-working state holidays common to published DPRK calendars. Day of the Shining Star and Day
// of the Sun are two-day holidays (16-17 February, 15-16 April). Not included: Korean People's
// Army Foundation Day (25 April) and other commemorative days that are worked; Kim Jong Un's
// birthday (not a public holiday). Substitute days for holidays falling on a Sunday and the
// yearly transfers of working days are announced each year: add them with makeCalendar.
const DPRK_FIXED_HOLIDAYS: readonly (readonly [string, string])[] = [
  ['01-01', "New Year's Day"],
  ['02-16', 'Day of the Shining Star'],
  ['02-17', 'Day of the Shining Star (second day)'],
  ['03-08', "International Women's Day"],
  ['04-15', 'Day of the Sun'],
  ['04-16', 'Day of the Sun (second day)'],
  ['05-01', "International Workers' Day"],
  ['07-27', 'Day of Victory in the Great Fatherland Liberation War'],
  ['08-15', 'Day of Liberation of Korea'],
  ['09-09', 'Day of the Foundation of the DPRK'],
  ['10-10', "Foundation Day of the Workers' Party of Korea"],
  ['12-27', 'Socialist Constitution Day'],
];

// Lunar holidays for 2021-2030 as Gregorian dates, from published Korean (UTC+9) lunisolar
// tables: Lunar New Year (Sollal, 1st day of the 1st lunar month) and Chuseok (Hangawi, 15th day
// of the 8th lunar month). One day each here (the DPRK has at times given more for Sollal);
// outside 2021-2030 they are omitted, because computing the lunisolar calendar is out of scope.
const DPRK_LUNAR_HOLIDAYS: Readonly<Record<number, readonly [string, string]>> = {
  2021: ['02-12', '09-21'],
  2022: ['02-01', '09-10'],
  2023: ['01-22', '09-29'],
  2024: ['02-10', '09-17'],
  2025: ['01-29', '10-06'],
  2026: ['02-17', '09-25'],
  2027: ['02-07', '09-15'],
  2028: ['01-26', '10-03'],
  2029: ['02-13', '09-22'],
  2030: ['02-03', '09-12'],
};

/**
 * The default DPRK calendar for the years `year`..`toYear` (default: one year): Sunday is the
 * weekly rest day; the fixed-date public holidays listed in calendar.ts; Lunar New Year and
 * Chuseok for 2021-2030. When two holidays fall on one date their names are joined with '; '.
 * Deterministic. Throws NORMA_ERR_CALENDAR_INVALID for years outside 1901..2200 or toYear < year.
 * @example holidayName(defaultCalendar(2026), '2026-02-17') // 'Day of the Shining Star (second day); Lunar New Year (Sollal)'
 */
export function defaultCalendar(year: number, toYear: number = year): Calendar {
  for (const y of [year, toYear]) {
    if (!Number.isInteger(y) || y < PERIOD_YEAR_MIN || y > PERIOD_YEAR_MAX) {
      throw new DomainError(
        'NORMA_ERR_CALENDAR_INVALID',
        `defaultCalendar year ${describeInput(y)} is not an integer in ${PERIOD_YEAR_MIN}..${PERIOD_YEAR_MAX}`,
        { field: 'year', input: y },
      );
    }
  }
  if (toYear < year) {
    throw new DomainError('NORMA_ERR_CALENDAR_INVALID', `defaultCalendar toYear ${toYear} is before year ${year}`, {
      field: 'toYear',
      input: toYear,
    });
  }
  const byDate = new Map<string, string>();
  const add = (date: string, name: string) => {
    const prev = byDate.get(date);
    byDate.set(date, prev === undefined ? name : `${prev}; ${name}`);
  };
  for (let y = year; y <= toYear; y++) {
    for (const [md, name] of DPRK_FIXED_HOLIDAYS) add(formatIsoDate(y, Number(md.slice(0, 2)), Number(md.slice(3))), name);
    const lunar = DPRK_LUNAR_HOLIDAYS[y];
    if (lunar !== undefined) {
      add(`${y}-${lunar[0]}`, 'Lunar New Year (Sollal)');
      add(`${y}-${lunar[1]}`, 'Chuseok (Hangawi)');
    }
  }
  const holidays = [...byDate].map(([date, name]) => ({ date, name }));
  const r = makeCalendar({ restWeekdays: [7], holidays });
  if (!r.ok) throw r.error; // unreachable: the tables above are valid
  return r.value;
}
