import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  daysBetween,
  fromDayNumber,
  isIsoDate,
  isoWeekOf,
  isoWeekday,
  isoWeeksInYear,
  parseIsoDate,
  toDayNumber,
} from '../../src/domain/index.js';

// Oracle for these tests only: the platform's UTC calendar (the domain code never uses Date).
const utcDayNumber = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;
const utcIso = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

describe('ISO dates as UTC day numbers', () => {
  it('agrees with Date.UTC for every day from 1900 to 2300', () => {
    for (let n = utcDayNumber(1900, 1, 1); n <= utcDayNumber(2300, 12, 31); n++) {
      const iso = utcIso(n);
      if (toDayNumber(iso) !== n || fromDayNumber(n) !== iso) {
        expect({ n, iso, got: toDayNumber(iso), back: fromDayNumber(n) }).toEqual({ n, iso, got: n, back: iso });
      }
    }
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(fromDayNumber(-1)).toBe('1969-12-31');
  });

  it('gives ISO weekdays that agree with getUTCDay (Sunday = 7)', () => {
    fc.assert(
      fc.property(fc.integer({ min: utcDayNumber(1901, 1, 1), max: utcDayNumber(2200, 12, 31) }), (n) => {
        const iso = utcIso(n);
        const js = new Date(n * 86_400_000).getUTCDay();
        expect(isoWeekday(iso)).toBe(js === 0 ? 7 : js);
      }),
    );
    expect(isoWeekday('2026-11-22')).toBe(7);
    expect(isoWeekday('2026-11-23')).toBe(1);
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-01', '2026-03-01')).toBe(59);
    expect(daysBetween('2026-03-01', '2026-01-01')).toBe(-59);
    fc.assert(
      fc.property(
        fc.integer({ min: utcDayNumber(1950, 1, 1), max: utcDayNumber(2150, 1, 1) }),
        fc.integer({ min: -40_000, max: 40_000 }),
        (n, k) => {
          const a = utcIso(n);
          const b = addDays(a, k);
          expect(b).toBe(utcIso(n + k));
          expect(daysBetween(a, b)).toBe(k);
        },
      ),
    );
  });

  it('rejects dates that are not real or not canonical, with NORMA_ERR_DATE_INVALID', () => {
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '26-01-01', '2026/01/01', '', 20260101]) {
      const r = parseIsoDate(bad);
      expect(r.ok, String(bad)).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('NORMA_ERR_DATE_INVALID');
      expect(isIsoDate(bad)).toBe(false);
    }
    const r = parseIsoDate('2026-1-5');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toContain('"2026-01-05"');
      expect(r.error.details.suggestion).toBe('2026-01-05');
    }
    expect(parseIsoDate('2028-02-29')).toEqual({ ok: true, value: '2028-02-29' });
    expect(() => toDayNumber('2026-02-30')).toThrowError(/2026-02-30/);
  });
});

describe('ISO 8601 weeks', () => {
  // Years 2000..2050 with 53 ISO weeks, from the published ISO week-date tables.
  const LONG_YEARS = [2004, 2009, 2015, 2020, 2026, 2032, 2037, 2043, 2048];

  it('finds the known long years 2000..2050', () => {
    const got: number[] = [];
    for (let y = 2000; y <= 2050; y++) if (isoWeeksInYear(y) === 53) got.push(y);
    expect(got).toEqual(LONG_YEARS);
  });

  it('gives 53 weeks exactly to the years with 53 Thursdays (independent count)', () => {
    for (let y = 1901; y <= 2200; y++) {
      let thursdays = 0;
      for (let n = utcDayNumber(y, 1, 1); n <= utcDayNumber(y, 12, 31); n++) {
        if (new Date(n * 86_400_000).getUTCDay() === 4) thursdays++;
      }
      expect(isoWeeksInYear(y), String(y)).toBe(thursdays);
    }
  });

  it('puts days near New Year into the week-year of their Thursday', () => {
    expect(isoWeekOf('2026-12-31')).toEqual({ year: 2026, week: 53 }); // a Thursday
    expect(isoWeekOf('2027-01-01')).toEqual({ year: 2026, week: 53 });
    expect(isoWeekOf('2027-01-03')).toEqual({ year: 2026, week: 53 });
    expect(isoWeekOf('2027-01-04')).toEqual({ year: 2027, week: 1 });
    expect(isoWeekOf('2025-12-29')).toEqual({ year: 2026, week: 1 });
    expect(isoWeekOf('2021-01-03')).toEqual({ year: 2020, week: 53 });
    expect(isoWeekOf('2024-12-30')).toEqual({ year: 2025, week: 1 });
    expect(isoWeekOf('2026-11-23')).toEqual({ year: 2026, week: 48 });
  });

  it('numbers weeks so that each week is Monday..Sunday and consecutive', () => {
    fc.assert(
      fc.property(fc.integer({ min: utcDayNumber(1901, 1, 7), max: utcDayNumber(2200, 12, 24) }), (n) => {
        const iso = utcIso(n);
        const w = isoWeekOf(iso);
        const next = isoWeekOf(addDays(iso, 7));
        if (w.week < isoWeeksInYear(w.year)) expect(next).toEqual({ year: w.year, week: w.week + 1 });
        else expect(next).toEqual({ year: w.year + 1, week: 1 });
        const monday = addDays(iso, 1 - isoWeekday(iso));
        expect(isoWeekOf(monday)).toEqual(w);
        expect(isoWeekOf(addDays(monday, 6))).toEqual(w);
      }),
    );
  });
});
