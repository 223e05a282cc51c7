import { makeCalendar, type Calendar, type CalendarInput } from '../domain/calendar.js';
import type { ServiceContext } from './context.js';

interface DayRow {
  region: string;
  day: string;
  working: boolean;
  name: string;
}

/**
 * The organisation's working-day calendar, from its weekly rest days and calendar_day exceptions
 * (region '' national; a region code overrides it there).
 * @example const cal = await loadCalendar(ctx); isWorkingDay(cal, '2026-05-01') // false
 */
export async function loadCalendar(ctx: ServiceContext): Promise<Calendar> {
  const [org] = await ctx.store.query<{ rest: number[] }>('select rest_weekdays as rest from organisation where org = $1', [ctx.org]);
  const days = await ctx.store.query<DayRow & Record<string, unknown>>(
    'select region, day, working, name from calendar_day where org = $1 order by region, day',
    [ctx.org],
  );
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
  const input: CalendarInput = { restWeekdays: org?.rest ?? [7], holidays, extraWorkingDays, regions };
  const cal = makeCalendar(input);
  if (!cal.ok) throw cal.error;
  return cal.value;
}
