import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type Calendar,
  countWorkingDays,
  defaultCalendar,
  holidayName,
  isWorkingDay,
  isoWeekday,
  makeCalendar,
  parsePeriod,
  periodDays,
  unwrap,
  workingDays,
} from '../../src/domain/index.js';

const P = (id: string) => unwrap(parsePeriod(id));

describe('defaultCalendar (DPRK)', () => {
  const cal = defaultCalendar(2026);

  it('rests on Sundays only among weekdays', () => {
    expect(cal.restWeekdays).toEqual([7]);
    expect(isWorkingDay(cal, '2026-11-22')).toBe(false); // Sunday
    expect(isWorkingDay(cal, '2026-11-21')).toBe(true); // Saturday
    expect(isWorkingDay(cal, '2026-11-23')).toBe(true); // Monday
    for (const d of periodDays(P('2026-M11'))) expect(isWorkingDay(cal, d)).toBe(isoWeekday(d) !== 7);
  });

  it('keeps the fixed public holidays and not Army Foundation Day', () => {
    for (const md of ['01-01', '02-16', '02-17', '03-08', '04-15', '04-16', '05-01', '07-27', '08-15', '09-09', '10-10', '12-27']) {
      expect(isWorkingDay(cal, `2026-${md}`), md).toBe(false);
      expect(holidayName(cal, `2026-${md}`), md).not.toBeNull();
    }
    // Army Foundation Day (25 April) is worked; 2026-04-25 is a Saturday, so a normal working day
    expect(isWorkingDay(cal, '2026-04-25')).toBe(true);
    expect(holidayName(cal, '2026-04-25')).toBeNull();
    expect(cal.holidays.filter((h) => h.date.startsWith('2026-'))).toHaveLength(13); // 12 fixed + Chuseok; Lunar New Year shares 02-17
  });

  it('gives names, and joins them when two holidays share a date', () => {
    expect(holidayName(cal, '2026-04-15')).toBe('Day of the Sun');
    expect(holidayName(cal, '2026-02-17')).toBe('Day of the Shining Star (second day); Lunar New Year (Sollal)');
    expect(holidayName(cal, '2026-09-25')).toBe('Chuseok (Hangawi)');
    expect(holidayName(cal, '2026-11-23')).toBeNull();
    expect(holidayName(cal, '2026-11-22')).toBeNull(); // a Sunday is a rest day, not a holiday
  });

  it('counts working days of known months', () => {
    expect(countWorkingDays(cal, P('2026-M11'))).toBe(25); // 30 days, 5 Sundays
    // April 2026: 30 days, Sundays 5, 12, 19, 26; holidays 15 (Wed), 16 (Thu)
    expect(countWorkingDays(cal, P('2026-M04'))).toBe(24);
    expect(workingDays(cal, P('2026-W48'))).toEqual([
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
    ]);
  });

  it('covers several years and is deterministic', () => {
    const span = defaultCalendar(2021, 2030);
    expect(span.holidays.filter((h) => h.name === 'Chuseok (Hangawi)')).toHaveLength(10);
    expect(holidayName(span, '2025-10-06')).toBe('Chuseok (Hangawi)');
    expect(holidayName(span, '2031-01-01')).toBeNull(); // outside the calendar's years
    expect(defaultCalendar(2026)).toEqual(defaultCalendar(2026));
    expect(Object.isFrozen(span) && Object.isFrozen(span.holidays) && Object.isFrozen(span.holidays[0])).toBe(true);
    expect(defaultCalendar(2035).holidays).toHaveLength(12); // lunar holidays only tabulated for 2021-2030
  });

  it('rejects bad year arguments', () => {
    expect(() => defaultCalendar(2026.5)).toThrowError(expect.objectContaining({ code: 'NORMA_ERR_CALENDAR_INVALID' }));
    expect(() => defaultCalendar(2030, 2026)).toThrowError(/toYear 2026 is before year 2030/);
  });
});

describe('regional overrides', () => {
  const cal: Calendar = unwrap(
    makeCalendar({
      holidays: [
        { date: '2026-05-01', name: 'May Day' },
        { date: '2026-07-27', name: 'Victory Day' },
      ],
      extraWorkingDays: ['2026-11-29'], // a national transferred working Sunday
      regions: {
        P1: { extraWorkingDays: ['2026-05-01'], extraHolidays: [{ date: '2026-06-10', name: 'Provincial day' }] },
        C1: { extraRestDays: ['2026-05-01'], extraWorkingDays: ['2026-06-10'] },
        C2: { extraRestDays: ['2026-11-29'] },
      },
    }),
  );

  it('applies the national rules without a region', () => {
    expect(isWorkingDay(cal, '2026-05-01')).toBe(false);
    expect(isWorkingDay(cal, '2026-06-10')).toBe(true);
    expect(isWorkingDay(cal, '2026-11-29')).toBe(true); // Sunday made a working day
    expect(isWorkingDay(cal, '2026-11-22')).toBe(false);
  });

  it('lets the most specific region in the chain win', () => {
    expect(isWorkingDay(cal, '2026-05-01', ['KP', 'P1'])).toBe(true); // province works on the holiday
    expect(isWorkingDay(cal, '2026-05-01', ['KP', 'P1', 'C1'])).toBe(false); // county rests again
    expect(isWorkingDay(cal, '2026-06-10', ['KP', 'P1'])).toBe(false);
    expect(holidayName(cal, '2026-06-10', ['KP', 'P1'])).toBe('Provincial day');
    expect(isWorkingDay(cal, '2026-06-10', ['KP', 'P1', 'C1'])).toBe(true);
    expect(isWorkingDay(cal, '2026-11-29', ['KP', 'P1', 'C2'])).toBe(false);
    expect(isWorkingDay(cal, '2026-07-27', ['KP', 'P1', 'C1'])).toBe(false); // no override: national rule
    expect(isWorkingDay(cal, '2026-05-01', ['unknown-region'])).toBe(false);
  });

  it('counts working days per region', () => {
    const m5 = P('2026-M05');
    expect(countWorkingDays(cal, m5)).toBe(26 - 1); // 31 days, 5 Sundays, May Day
    expect(countWorkingDays(cal, m5, ['KP', 'P1'])).toBe(26);
  });

  it('property: working days are exactly the days isWorkingDay accepts', () => {
    fc.assert(
      fc.property(fc.constantFrom('2026-M05', '2026-M06', '2026-M11', '2026-Q2', '2026-W48'), fc.constantFrom([], ['P1'], ['P1', 'C1'], ['P1', 'C2']), (id, chain) => {
        const p = P(id);
        expect(workingDays(cal, p, chain)).toEqual(periodDays(p).filter((d) => isWorkingDay(cal, d, chain)));
      }),
    );
  });
});

describe('makeCalendar validation', () => {
  it.each<[unknown, RegExp]>([
    [{ restWeekdays: [0] }, /restWeekdays entry 0/],
    [{ restWeekdays: 'sun' }, /restWeekdays must be an array/],
    [{ holidays: [{ date: '2026-02-30', name: 'x' }] }, /holidays\[0\]\.date "2026-02-30"/],
    [{ holidays: [{ date: '2026-02-03', name: ' ' }] }, /holidays\[0\]\.name for 2026-02-03/],
    [
      {
        holidays: [
          { date: '2026-02-03', name: 'a' },
          { date: '2026-02-03', name: 'b' },
        ],
      },
      /holidays\[1\]\.date 2026-02-03 is listed twice/,
    ],
    [{ holidays: [{ date: '2026-05-01', name: 'May Day' }], extraWorkingDays: ['2026-05-01'] }, /extraWorkingDays 2026-05-01 is also a national holiday/],
    [{ regions: { 'bad code': {} } }, /region code "bad code"/],
    [{ regions: { R: { extraWorkingDays: ['2026-06-01'], extraRestDays: ['2026-06-01'] } } }, /regions\.R\.extraWorkingDays 2026-06-01/],
    [{ regions: { R: { extraRestDays: ['2026-6-1'] } } }, /regions\.R\.extraRestDays\[0\] "2026-6-1"/],
    [null, /calendar must be an object/],
  ])('rejects %j with NORMA_ERR_CALENDAR_INVALID', (input, message) => {
    const r = makeCalendar(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('NORMA_ERR_CALENDAR_INVALID');
    expect(r.error.message).toMatch(message);
  });

  it('defaults to Sunday rest and sorts holidays', () => {
    const cal = unwrap(
      makeCalendar({
        holidays: [
          { date: '2026-12-27', name: 'b' },
          { date: '2026-01-01', name: 'a' },
        ],
      }),
    );
    expect(cal.restWeekdays).toEqual([7]);
    expect(cal.holidays.map((h) => h.date)).toEqual(['2026-01-01', '2026-12-27']);
    const fiveDay = unwrap(makeCalendar({ restWeekdays: [6, 7] }));
    expect(countWorkingDays(fiveDay, P('2026-W48'))).toBe(5);
  });

  it('throws for a malformed date given to isWorkingDay', () => {
    expect(() => isWorkingDay(defaultCalendar(2026), '2026-02-30')).toThrowError(expect.objectContaining({ code: 'NORMA_ERR_DATE_INVALID' }));
  });
});
