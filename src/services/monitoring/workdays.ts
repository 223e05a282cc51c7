// A unit's working days: the calendar of its region, or every day for a unit that works through
// rest days (power stations, continuous processes), recognised from its own reports.
import { isWorkingDay, makeCalendar, workingDays, type Calendar, type CalendarInput } from '../../domain/calendar.js';
import { addDays, isoDateRange } from '../../domain/iso-date.js';
import type { Period } from '../../domain/period.js';
import type { Queryable } from '../../store/index.js';
import type { UnitInfo } from '../reporting/model-cache.js';
import type { Figure } from './figures.js';

/** Days looked back to decide whether a unit works through rest days. */
const PATTERN_DAYS = 56;

/**
 * The region chain the calendar wants: root first, the unit's county last.
 * @example calendarChain(unit) // ['P-SPY', 'C-SPY-SUNCHON']
 */
export function calendarChain(unit: UnitInfo): string[] {
  return [...unit.regionChain].reverse();
}

/**
 * True when the unit reported output on at least half of the calendar's rest days of the last
 * 8 weeks of its figures (at least 4 rest days): it works every day, as the demo's power stations do.
 * @example worksRestDays(cal, unit, figures) // true for a power station
 */
export function worksRestDays(cal: Calendar, unit: UnitInfo, figures: readonly Figure[]): boolean {
  if (figures.length === 0) return false;
  const last = figures[figures.length - 1].day;
  const first = figures[0].day > addDays(last, -(PATTERN_DAYS - 1)) ? figures[0].day : addDays(last, -(PATTERN_DAYS - 1));
  const chain = calendarChain(unit);
  const reported = new Set(figures.filter((f) => f.day >= first && f.micro > 0n).map((f) => f.day));
  let rest = 0;
  let worked = 0;
  for (const d of isoDateRange(first, last)) {
    if (isWorkingDay(cal, d, chain)) continue;
    rest++;
    if (reported.has(d)) worked++;
  }
  return rest >= 4 && worked * 2 >= rest;
}

/**
 * The unit's working days from start to end (both included): every day when it works through
 * rest days, else its region's working days.
 * @example unitWorkingDays(cal, unit, false, '2026-03-01', '2026-03-31').length // 25
 */
export function unitWorkingDays(cal: Calendar, unit: UnitInfo, continuous: boolean, start: string, end: string): string[] {
  if (end < start) return [];
  if (continuous) return [...isoDateRange(start, end)];
  const span: Period = { id: start, kind: 'day', start, end };
  return [...workingDays(cal, span, calendarChain(unit))];
}

/**
 * The organisation's calendar read through `q` (inside the report transaction, where the store
 * itself must not be used), as services/calendar.ts builds it.
 * @example const cal = await calendarFrom(tx, ctx.org);
 */
export async function calendarFrom(q: Queryable, org: number): Promise<Calendar> {
  const [o] = await q.query<{ rest: number[] }>('select rest_weekdays as rest from organisation where org = $1', [org]);
  const days = await q.query<{ region: string; day: string; working: boolean; name: string }>(
    'select region, day::text as day, working, name from calendar_day where org = $1 order by region, day',
    [org],
  );
  const input: CalendarInput = { restWeekdays: o?.rest ?? [7], holidays: [], extraWorkingDays: [], regions: {} };
  const regions: Record<string, { extraHolidays: { date: string; name: string }[]; extraWorkingDays: string[] }> = {};
  const holidays: { date: string; name: string }[] = [];
  const extra: string[] = [];
  for (const d of days) {
    if (d.region === '') {
      if (d.working) extra.push(d.day);
      else holidays.push({ date: d.day, name: d.name });
    } else {
      const r = (regions[d.region] ??= { extraHolidays: [], extraWorkingDays: [] });
      if (d.working) r.extraWorkingDays.push(d.day);
      else r.extraHolidays.push({ date: d.day, name: d.name });
    }
  }
  const cal = makeCalendar({ ...input, holidays, extraWorkingDays: extra, regions });
  if (!cal.ok) throw cal.error;
  return cal.value;
}
