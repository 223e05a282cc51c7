import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  type DomainErrorCode,
  type Period,
  type PeriodKind,
  PERIOD_KINDS,
  addDays,
  ancestorsOf,
  childPeriods,
  comparePeriods,
  daysBetween,
  formatPeriod,
  isPeriod,
  parentPeriod,
  parsePeriod,
  periodContains,
  periodDayCount,
  periodDays,
  periodOfKindContaining,
  periodsContaining,
  shiftPeriod,
  unwrap,
} from '../../src/domain/index.js';

const P = (id: string): Period => unwrap(parsePeriod(id));
const ids = (ps: readonly Period[]) => ps.map((p) => p.id);
const DAY0 = Date.UTC(2021, 0, 1) / 86_400_000;
const DAY1 = Date.UTC(2035, 11, 31) / 86_400_000;
const isoOf = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
const arbDay = fc.integer({ min: DAY0, max: DAY1 }).map(isoOf);
const arbKind = fc.constantFrom(...PERIOD_KINDS);
const arbPeriod = fc.tuple(arbDay, arbKind).map(([d, k]) => unwrap(periodOfKindContaining(d, k)));

describe('parsePeriod', () => {
  it.each<[string, PeriodKind, string, string]>([
    ['2026-2030', 'plan', '2026-01-01', '2030-12-31'],
    ['2027-2031', 'plan', '2027-01-01', '2031-12-31'],
    ['2026', 'year', '2026-01-01', '2026-12-31'],
    ['2026-H1', 'half', '2026-01-01', '2026-06-30'],
    ['2026-H2', 'half', '2026-07-01', '2026-12-31'],
    ['2026-Q1', 'quarter', '2026-01-01', '2026-03-31'],
    ['2028-Q1', 'quarter', '2028-01-01', '2028-03-31'],
    ['2026-Q4', 'quarter', '2026-10-01', '2026-12-31'],
    ['2026-M01', 'month', '2026-01-01', '2026-01-31'],
    ['2026-M02', 'month', '2026-02-01', '2026-02-28'],
    ['2028-M02', 'month', '2028-02-01', '2028-02-29'],
    ['2026-M11', 'month', '2026-11-01', '2026-11-30'],
    ['2026-W01', 'week', '2025-12-29', '2026-01-04'],
    ['2026-W48', 'week', '2026-11-23', '2026-11-29'],
    ['2026-W53', 'week', '2026-12-28', '2027-01-03'],
    ['2020-W53', 'week', '2020-12-28', '2021-01-03'],
    ['2026-11-23', 'day', '2026-11-23', '2026-11-23'],
    ['2028-02-29', 'day', '2028-02-29', '2028-02-29'],
  ])('parses %s as a %s from %s to %s and formats it back', (id, kind, start, end) => {
    const p = P(id);
    expect(p).toEqual({ id, kind, start, end });
    expect(Object.isFrozen(p)).toBe(true);
    expect(formatPeriod(p)).toBe(id);
    expect(unwrap(parsePeriod(formatPeriod(p)))).toEqual(p);
    expect(isPeriod(p)).toBe(true);
  });

  it.each<[unknown, DomainErrorCode, string]>([
    ['2026-M1', 'NORMA_ERR_PERIOD_NOT_CANONICAL', '2026-M01'],
    ['2026-M9', 'NORMA_ERR_PERIOD_NOT_CANONICAL', '2026-M09'],
    ['2026-m11', 'NORMA_ERR_PERIOD_NOT_CANONICAL', '2026-M11'],
    ['2026-q1', 'NORMA_ERR_PERIOD_NOT_CANONICAL', '2026-Q1'],
    ['2026-Q01', 'NORMA_ERR_PERIOD_NOT_CANONICAL', '2026-Q1'],
    ['2026-W1', 'NORMA_ERR_PERIOD_NOT_CANONICAL', '2026-W01'],
    ['2026-w48', 'NORMA_ERR_PERIOD_NOT_CANONICAL', '2026-W48'],
    ['2026-11', 'NORMA_ERR_PERIOD_NOT_CANONICAL', '2026-M11'],
    ['2026-1-5', 'NORMA_ERR_PERIOD_NOT_CANONICAL', '2026-01-05'],
    [' 2026 ', 'NORMA_ERR_PERIOD_NOT_CANONICAL', '2026'],
    ['2026-2029', 'NORMA_ERR_PERIOD_PLAN_SPAN', '2026-2030'],
    ['2026-2026', 'NORMA_ERR_PERIOD_PLAN_SPAN', '2026-2030'],
    ['2026-2031', 'NORMA_ERR_PERIOD_PLAN_SPAN', '2026-2030'],
  ])('rejects %j with %s suggesting %s', (id, code, suggestion) => {
    const r = parsePeriod(id);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.details.suggestion).toBe(suggestion);
    expect(r.error.message).toContain(`"${suggestion}"`);
    expect(r.error.message).toContain(JSON.stringify(id));
  });

  it.each<[unknown, DomainErrorCode]>([
    ['2026-M13', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2026-M00', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2026-m13', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2026-Q5', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2026-Q0', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2026-H3', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2026-W00', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2026-W54', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2027-W53', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2021-W53', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2026-02-29', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2026-02-30', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2026-04-31', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2026-13-01', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['1900', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2201-M01', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['2198-2202', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'],
    ['1901-W01', 'NORMA_ERR_PERIOD_OUT_OF_RANGE'], // starts on 1900-12-31
    ['2026-X1', 'NORMA_ERR_PERIOD_SYNTAX'],
    ['2026/11', 'NORMA_ERR_PERIOD_SYNTAX'],
    ['202611', 'NORMA_ERR_PERIOD_SYNTAX'],
    ['', 'NORMA_ERR_PERIOD_SYNTAX'],
    ['2026-', 'NORMA_ERR_PERIOD_SYNTAX'],
    ['2026-M', 'NORMA_ERR_PERIOD_SYNTAX'],
    ['2026-13', 'NORMA_ERR_PERIOD_SYNTAX'],
    [2026, 'NORMA_ERR_PERIOD_SYNTAX'],
    [null, 'NORMA_ERR_PERIOD_SYNTAX'],
  ])('rejects %j with %s', (id, code) => {
    const r = parsePeriod(id);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.message).toContain(typeof id === 'string' ? JSON.stringify(id) : String(id));
  });

  it('explains why a week 53 is out of range and why 30 February is not a day', () => {
    const w = parsePeriod('2027-W53');
    expect(!w.ok && w.error.message).toMatch(/2027 has only 52 ISO weeks/);
    const d = parsePeriod('2026-02-30');
    expect(!d.ok && d.error.message).toMatch(/February 2026 has 28 days/);
  });

  it('round-trips every period of every kind over 2021..2035', () => {
    fc.assert(
      fc.property(arbPeriod, (p) => {
        expect(unwrap(parsePeriod(formatPeriod(p)))).toEqual(p);
      }),
    );
  });

  it('formats English labels', () => {
    expect(formatPeriod(P('2026-2030'), 'label')).toBe('Five-year plan 2026-2030');
    expect(formatPeriod(P('2026-H2'), 'label')).toBe('Second half of 2026');
    expect(formatPeriod(P('2026-Q3'), 'label')).toBe('Q3 2026');
    expect(formatPeriod(P('2026-M11'), 'label')).toBe('November 2026');
    expect(formatPeriod(P('2026-W01'), 'label')).toBe('Week 1 of 2026 (2025-12-29 to 2026-01-04)');
    expect(formatPeriod(P('2026-11-23'), 'label')).toBe('23 November 2026');
  });

  it('isPeriod rejects objects that do not match their id', () => {
    expect(isPeriod({ id: '2026', kind: 'year', start: '2026-01-01', end: '2026-12-30' })).toBe(false);
    expect(isPeriod({ id: '2026', kind: 'month', start: '2026-01-01', end: '2026-12-31' })).toBe(false);
    expect(isPeriod('2026')).toBe(false);
  });
});

describe('the period hierarchy', () => {
  it('walks a day up to its aligned five-year plan', () => {
    expect(ids(ancestorsOf(P('2026-11-23')))).toEqual(['2026-M11', '2026-Q4', '2026-H2', '2026', '2026-2030']);
    expect(ids(ancestorsOf(P('2025-12-31')))).toEqual(['2025-M12', '2025-Q4', '2025-H2', '2025', '2021-2025']);
    expect(parentPeriod(P('2030'))?.id).toBe('2026-2030');
    expect(parentPeriod(P('2031'))?.id).toBe('2031-2035');
    expect(parentPeriod(P('2026-2030'))).toBeNull();
    expect(ancestorsOf(P('2026-2030'))).toEqual([]);
  });

  it("gives a week its ISO week-year's year as parent", () => {
    expect(parentPeriod(P('2026-W53'))?.id).toBe('2026');
    expect(parentPeriod(P('2026-W01'))?.id).toBe('2026');
    expect(parentPeriod(P('2020-W53'))?.id).toBe('2020');
    expect(ids(ancestorsOf(P('2025-W52')))).toEqual(['2025', '2021-2025']);
  });

  it('lists children one level down', () => {
    expect(ids(childPeriods(P('2026-2030')))).toEqual(['2026', '2027', '2028', '2029', '2030']);
    expect(ids(childPeriods(P('2026')))).toEqual(['2026-H1', '2026-H2']);
    expect(ids(childPeriods(P('2026-H2')))).toEqual(['2026-Q3', '2026-Q4']);
    expect(ids(childPeriods(P('2026-Q1')))).toEqual(['2026-M01', '2026-M02', '2026-M03']);
    expect(childPeriods(P('2028-M02'))).toHaveLength(29);
    expect(ids(childPeriods(P('2026-W53')))).toEqual([
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
    ]);
    expect(childPeriods(P('2026-11-23'))).toEqual([]);
  });

  it('property: every ancestor of a random day 2021..2035 contains it, and the chain ends at a plan', () => {
    fc.assert(
      fc.property(arbDay, (d) => {
        const day = P(d);
        const chain = ancestorsOf(day);
        expect(chain.map((p) => p.kind)).toEqual(['month', 'quarter', 'half', 'year', 'plan']);
        for (const a of chain) expect(periodContains(a, day)).toBe(true);
        for (let i = 1; i < chain.length; i++) expect(periodContains(chain[i], chain[i - 1])).toBe(true);
        const plan = chain[chain.length - 1];
        expect((Number(plan.id.slice(0, 4)) - 1) % 5).toBe(0);
      }),
    );
  });

  it('property: children tile their parent exactly, with no gap and no overlap', () => {
    fc.assert(
      fc.property(arbPeriod, (p) => {
        const kids = childPeriods(p);
        if (p.kind === 'day') {
          expect(kids).toEqual([]);
          return;
        }
        expect(kids.length).toBeGreaterThan(0);
        expect(kids[0].start).toBe(p.start);
        expect(kids[kids.length - 1].end).toBe(p.end);
        for (let i = 1; i < kids.length; i++) expect(daysBetween(kids[i - 1].end, kids[i].start)).toBe(1);
        expect(kids.reduce((n, k) => n + periodDayCount(k), 0)).toBe(periodDayCount(p));
        for (const k of kids) {
          expect(periodContains(p, k)).toBe(true);
          // every child names this period as parent, except a week's days (whose parent is a month)
          if (p.kind !== 'week') expect(parentPeriod(k)).toEqual(p);
        }
      }),
    );
  });

  it('property: a period is among the children of its parent (weeks apart)', () => {
    fc.assert(
      fc.property(arbPeriod, (p) => {
        const parent = parentPeriod(p);
        if (p.kind === 'plan') expect(parent).toBeNull();
        else if (p.kind !== 'week') expect(ids(childPeriods(parent!))).toContain(p.id);
        else expect(parent!.id).toBe(p.id.slice(0, 4));
      }),
    );
  });

  it('property: periodOfKindContaining contains the date, and for days matches ancestorsOf', () => {
    fc.assert(
      fc.property(arbDay, arbKind, (d, k) => {
        const p = unwrap(periodOfKindContaining(d, k));
        expect(p.kind).toBe(k);
        expect(p.start <= d && d <= p.end).toBe(true);
        if (k !== 'day' && k !== 'week') expect(ids(ancestorsOf(P(d)))).toContain(p.id);
      }),
    );
  });

  it('finds the week of 2027-01-01 in 2026 and of 2021-01-01 in 2020', () => {
    expect(unwrap(periodOfKindContaining('2027-01-01', 'week')).id).toBe('2026-W53');
    expect(unwrap(periodOfKindContaining('2021-01-01', 'week')).id).toBe('2020-W53');
    expect(unwrap(periodOfKindContaining('2026-11-23', 'plan')).id).toBe('2026-2030');
    const bad = periodOfKindContaining('2026-02-30', 'day');
    expect(!bad.ok && bad.error.code).toBe('NORMA_ERR_DATE_INVALID');
    const badKind = periodOfKindContaining('2026-02-03', 'fortnight');
    expect(!badKind.ok && badKind.error.code).toBe('NORMA_ERR_PERIOD_KIND_INVALID');
    const early = periodOfKindContaining('1900-06-01', 'month');
    expect(!early.ok && early.error.code).toBe('NORMA_ERR_PERIOD_OUT_OF_RANGE');
  });

  it('lists the cells a daily report touches, shortest first', () => {
    expect(ids(unwrap(periodsContaining('2026-11-23')))).toEqual([
      '2026-11-23',
      '2026-W48',
      '2026-M11',
      '2026-Q4',
      '2026-H2',
      '2026',
      '2026-2030',
    ]);
    expect(ids(unwrap(periodsContaining('2027-01-02'))).slice(0, 3)).toEqual(['2027-01-02', '2026-W53', '2027-M01']);
  });

  it('periodDays lists every date in order', () => {
    expect(periodDays(P('2026-Q1'))).toHaveLength(90);
    expect(periodDays(P('2028'))).toHaveLength(366);
    expect(periodDays(P('2026-2030'))).toHaveLength(365 * 4 + 366);
    const days = periodDays(P('2026-M03'));
    expect(days[0]).toBe('2026-03-01');
    expect(days[30]).toBe('2026-03-31');
  });
});

describe('shiftPeriod and comparePeriods', () => {
  it('steps to adjacent periods of the same kind', () => {
    expect(unwrap(shiftPeriod(P('2026-M12'), 1)).id).toBe('2027-M01');
    expect(unwrap(shiftPeriod(P('2026-Q1'), -1)).id).toBe('2025-Q4');
    expect(unwrap(shiftPeriod(P('2026-H2'), 3)).id).toBe('2028-H1');
    expect(unwrap(shiftPeriod(P('2026-W53'), 1)).id).toBe('2027-W01');
    expect(unwrap(shiftPeriod(P('2026-W01'), -1)).id).toBe('2025-W52');
    expect(unwrap(shiftPeriod(P('2026-2030'), -1)).id).toBe('2021-2025');
    expect(unwrap(shiftPeriod(P('2028-02-28'), 2)).id).toBe('2028-03-01');
    const r = shiftPeriod(P('2200-M12'), 1);
    expect(!r.ok && r.error.code).toBe('NORMA_ERR_PERIOD_OUT_OF_RANGE');
  });

  it('property: shifting by one lands on the very next day, and back again', () => {
    fc.assert(
      fc.property(arbPeriod, fc.integer({ min: -20, max: 20 }), (p, n) => {
        const next = unwrap(shiftPeriod(p, 1));
        expect(next.kind).toBe(p.kind);
        expect(next.start).toBe(addDays(p.end, 1));
        expect(unwrap(shiftPeriod(unwrap(shiftPeriod(p, n)), -n))).toEqual(p);
      }),
    );
  });

  it('sorts by start, longer first', () => {
    const sorted = [P('2026-M01'), P('2026-11-23'), P('2026'), P('2026-2030'), P('2026-Q1')].sort(comparePeriods);
    expect(ids(sorted)).toEqual(['2026-2030', '2026', '2026-Q1', '2026-M01', '2026-11-23']);
  });
});
