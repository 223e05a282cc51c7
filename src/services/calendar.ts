import { makeCalendar, type Calendar, type CalendarInput } from '../domain/calendar.js';
import type { ServiceContext } from './context.js';

interface DayRow {
  region: string;
  day: string;
  working: boolean;
  name: string;
}

/** The last calendars built, by their input (they change rarely; building one checks every date). */
const built = new Map<string, Calendar>();

/**
 * The organisation's working-day calendar, from its weekly rest days and calendar_day exceptions
 * (region '' national; a region code overrides it there), read in one statement.
 * @example const cal = await loadCalendar(ctx); isWorkingDay(cal, '2026-05-01') // false
 */
export async function loadCalendar(ctx: ServiceContext): Promise<Calendar> {
  const [row] = await ctx.store.query<{ rest: number[] | null; days: DayRow[] | string | null }>(
    `select (select rest_weekdays from organisation where org = $1) as rest,
            (select json_agg(json_build_object('region', region, 'day', day::text, 'working', working, 'name', name) order by region, day)
               from calendar_day where org = $1) as days`,
    [ctx.org],
  );
  const days: DayRow[] = typeof row?.days === 'string' ? (JSON.parse(row.days) as DayRow[]) : (row?.days ?? []);
  const holidays: { date: string; name: string }[] = [];
  const extraWorkingDays: string[] = [];
  const regions: Record<string, { extraHolidays: { date: string; name: string }[]; extraWorkingDays: string[] }> = {};
  for (const d of days) {
    if (d.region === '') {
      if (d.working) extraWorkingDays.push(d.day);
      else holidays.push({ date: d.day, name: d.name });
    } else {
      const r = (regions[d.region] ??= { extraHolidays: [], extraWorkingDays: [] });
      if (d.working) r.extraWorkingDays.push(d.day);
      else r.extraHolidays.push({ date: d.day, name: d.name });
    }
  }
  const input: CalendarInput = { restWeekdays: row?.rest ?? [7], holidays, extraWorkingDays, regions };
  const key = JSON.stringify(input);
  let cal = built.get(key);
  if (!cal) {
    const made = makeCalendar(input);
    if (!made.ok) throw made.error;
    if (built.size >= 8) built.clear();
    built.set(key, (cal = made.value));
  }
  return cal;
}
