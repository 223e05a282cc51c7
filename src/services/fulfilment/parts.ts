// Period arithmetic shared by the fulfilment query and the units-fulfilled cells: the stored parts
// of a period and the working-day shares that split month targets into days.
import { isWorkingDay, type Calendar } from '../../domain/calendar.js';
import { addDays } from '../../domain/iso-date.js';
import { childPeriods, parsePeriod, type Period } from '../../domain/period.js';

/** Stored periods that tile `p`: months for quarters, halves and years' parts; days for weeks. */
export function storedParts(p: Period): Period[] {
  switch (p.kind) {
    case 'day':
    case 'month':
    case 'year':
      return [p];
    case 'week':
      return [...childPeriods(p)];
    case 'quarter':
      return [...childPeriods(p)];
    case 'half':
      return childPeriods(p).flatMap((q) => [...childPeriods(q)]);
    case 'plan':
      return [...childPeriods(p)];
  }
}

/**
 * Days of history a projection reads (through day and the days before it). fulfil_actual keeps the
 * days of cuts and deep nodes only this far back from its watermark (fulfil_state.valid_from):
 * older days are summed from their units' figures when asked.
 */
export const HISTORY_DAYS = 60;

/** The first day fulfil_actual keeps for cuts and deep nodes when its watermark (or a through day after it) is `through`. */
export function dayWindowFrom(through: string): string {
  return addDays(through, -(HISTORY_DAYS - 1));
}

/** The month id of an ISO date. */
export function monthOf(day: string): string {
  return `${day.slice(0, 4)}-M${day.slice(5, 7)}`;
}

/** The twelve months of a year. */
export function monthsOf(year: Period): Period[] {
  return childPeriods(year).flatMap((h) => childPeriods(h).flatMap((q) => [...childPeriods(q)]));
}

/** The month and year ids whose targets a period's stored parts need. */
export function targetPeriods(parts: readonly Period[]): string[] {
  const ids = new Set<string>();
  for (const p of parts) {
    if (p.kind === 'day') ids.add(monthOf(p.id));
    else ids.add(p.id);
    if (p.kind === 'year') for (const m of monthsOf(p)) ids.add(m.id);
  }
  return [...ids];
}

/** Working-day shares of days in their month, memoised per calendar chain. */
export class DayShares {
  private readonly shares = new Map<string, number>();
  constructor(readonly cal: Calendar) {}

  private readonly effective = new Map<string, string>();

  /**
   * The part of a region chain that has calendar overrides: units of the ~200 counties share a
   * handful of calendars, and their shares are computed once per calendar, not once per county.
   */
  calendarKey(chain: readonly string[]): string {
    const full = chain.join('/');
    let key = this.effective.get(full);
    if (key === undefined) {
      key = chain.filter((c) => this.cal.regions[c] !== undefined).join('/');
      this.effective.set(full, key);
    }
    return key;
  }

  /** Working-day share of a day in its month, for splitting month targets into days. */
  dayShare(day: string, chain: readonly string[]): number {
    const key = `${this.calendarKey(chain)}|${day}`;
    let share = this.shares.get(key);
    if (share === undefined) {
      share = 0;
      if (isWorkingDay(this.cal, day, chain)) {
        const month = parsePeriod(`${day.slice(0, 4)}-M${day.slice(5, 7)}`);
        if (month.ok) {
          let n = 0;
          for (let d = month.value.start; d <= month.value.end; d = addDays(d, 1)) if (isWorkingDay(this.cal, d, chain)) n++;
          share = n ? 1 / n : 0;
        }
      }
      this.shares.set(key, share);
    }
    return share;
  }
}
