// The demo economy: a deterministic function of (seed, number of units, last report day), built from
// the static catalogue. Pure: no I/O; the loader writes what this returns.
import { defaultCalendar, isWorkingDay, type Calendar } from '../../domain/calendar.js';
import { addDays } from '../../domain/iso-date.js';
import {
  FAMOUS_UNITS,
  FIVE_YEAR_GOALS_2026_2030,
  LABOUR_AND_PRICE,
  PRODUCTS,
  REGIONS,
  SECTORS,
  TECHNOLOGY,
  UNIT_KINDS,
} from './catalogue/index.js';
import type { UnitKindSpec } from './catalogue/types.js';
import { seededRandom, type Random } from './rng.js';

export interface DemoOptions {
  readonly seed: number;
  readonly units: number;
  /** The last day with reports (yesterday when started live). */
  readonly through: string;
}

export interface DemoNode {
  readonly tree: 'sector' | 'region';
  readonly code: string;
  readonly name: string;
  readonly kind: 'nation' | 'sector' | 'subsector' | 'province' | 'county';
  readonly parent: string | null;
}

export interface DemoProduct {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly unit: string;
  readonly aggregation: 'sum' | 'weighted_mean';
  readonly goal: boolean;
  readonly sector: string;
  readonly labourPerUnit: number;
  readonly referencePrice: number;
}

export interface DemoUnitOutput {
  readonly product: string;
  /** Output per working day at full capacity, in the product's unit. */
  readonly capacity: number;
  readonly seasonality: readonly number[];
}

export interface DemoUnit {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly kind: string;
  /** Parent in the sector tree (a sub-sector). */
  readonly sector: string;
  /** Parent in the region tree (a county) and that county's province. */
  readonly region: string;
  readonly province: string;
  readonly workers: number;
  readonly outputs: readonly DemoUnitOutput[];
  /** Inputs whose consumption the unit reports daily (coal and power). */
  readonly consumes: readonly string[];
  /** Works every calendar day (power stations), not only working days. */
  readonly continuous: boolean;
  /** Mean actual/plan ratio of the unit: most near 1, some behind plan. */
  readonly performance: number;
}

export interface DemoTarget {
  readonly plan: string;
  readonly node: string;
  readonly product: string;
  readonly period: string;
  /** Exact decimal, three places at most. */
  readonly quantity: string;
}

export interface DemoCalendarDay {
  readonly region: string;
  readonly day: string;
  readonly working: boolean;
  readonly name: string;
}

/** The flood of the demo: one province's output cut for three weeks in August. */
export interface DemoDisruption {
  readonly province: string;
  readonly from: string;
  readonly to: string;
  readonly factor: number;
}

export interface DemoEconomy {
  readonly options: DemoOptions;
  readonly nodes: readonly DemoNode[];
  readonly products: readonly DemoProduct[];
  readonly technology: readonly { input: string; output: string; coefficient: number }[];
  readonly units: readonly DemoUnit[];
  readonly calendarDays: readonly DemoCalendarDay[];
  readonly calendar: Calendar;
  readonly plans: readonly { code: string; name: string; period: string }[];
  readonly targets: readonly DemoTarget[];
  readonly disruption: DemoDisruption;
}

import { NATION } from '../trees.js';
export const PLAN_YEAR = 2026;
/** Planned use of capacity: annual plans are set a little below what the units can make. */
const PLAN_FACTOR = 0.92;
const COAL = 'coal';
const POWER = 'electricity';

/** Thousandths as an exact decimal string. */
export function milli(n: number): string {
  const neg = n < 0;
  const a = Math.abs(n);
  const s = `${Math.floor(a / 1000)}.${String(a % 1000).padStart(3, '0')}`.replace(/\.?0+$/, '');
  return (neg ? '-' : '') + (s === '' ? '0' : s);
}

function buildNodes(): DemoNode[] {
  const nodes: DemoNode[] = [
    { tree: 'sector', code: NATION, name: 'National economy', kind: 'nation', parent: null },
    { tree: 'region', code: NATION, name: 'Whole country', kind: 'nation', parent: null },
  ];
  for (const s of SECTORS) {
    nodes.push({ tree: 'sector', code: s.code, name: s.name, kind: 'sector', parent: NATION });
    for (const ss of s.subsectors) nodes.push({ tree: 'sector', code: ss.code, name: ss.name, kind: 'subsector', parent: s.code });
  }
  for (const r of REGIONS) {
    nodes.push({ tree: 'region', code: r.code, name: r.name, kind: 'province', parent: NATION });
    for (const c of r.counties) nodes.push({ tree: 'region', code: c.code, name: c.name, kind: 'county', parent: r.code });
  }
  return nodes;
}

function buildProducts(): DemoProduct[] {
  const lp = new Map(LABOUR_AND_PRICE.map((l) => [l.product, l]));
  return PRODUCTS.map((p, i) => ({
    id: i + 1,
    code: p.code,
    name: p.name,
    unit: p.unit,
    aggregation: p.aggregation,
    goal: p.goal,
    sector: p.sector,
    labourPerUnit: lp.get(p.code)?.labourPerUnit ?? 0,
    referencePrice: lp.get(p.code)?.referencePrice ?? 0,
  }));
}

function uniqueName(name: string, used: Map<string, number>): string {
  const n = (used.get(name) ?? 0) + 1;
  used.set(name, n);
  return n === 1 ? name : `${name} No. ${n}`;
}

const FLAT = Object.freeze(Array.from({ length: 12 }, () => 1));

function buildUnits(rng: Random, count: number): DemoUnit[] {
  const inputsOf = new Map<string, Set<string>>();
  for (const t of TECHNOLOGY) {
    if (t.coefficient <= 0) continue;
    const s = inputsOf.get(t.output) ?? new Set<string>();
    s.add(t.input);
    inputsOf.set(t.output, s);
  }
  const consumesOf = (products: readonly string[]) =>
    [COAL, POWER].filter((input) => products.some((p) => p !== input && inputsOf.get(p)?.has(input)));

  const countyName = new Map<string, { name: string; province: string; coastal: boolean }>();
  for (const r of REGIONS) for (const c of r.counties) countyName.set(c.code, { name: c.name, province: r.code, coastal: c.coastal });
  const seasonOf = new Map<string, readonly number[]>();
  for (const spec of UNIT_KINDS) for (const p of spec.products) if (!seasonOf.has(p.product)) seasonOf.set(p.product, p.seasonality);

  const used = new Map<string, number>();
  const units: DemoUnit[] = [];
  const performance = () => (rng.next() < 0.1 ? rng.between(0.62, 0.88) : 1 + 0.045 * rng.normal());

  for (const f of FAMOUS_UNITS.slice(0, count)) {
    const products = f.products.slice(0, 4);
    units.push({
      id: units.length + 1,
      code: f.code,
      name: uniqueName(f.name, used),
      kind: f.kind,
      sector: f.subsector,
      region: f.county,
      province: f.region,
      workers: f.workforce,
      outputs: products.map((p) => ({ product: p, capacity: f.dailyCapacity[p] ?? 1, seasonality: seasonOf.get(p) ?? FLAT })),
      consumes: consumesOf(products),
      continuous: f.kind === 'power_station',
      performance: performance(),
    });
  }

  // The rest: kinds in proportion to how many such establishments the country has. Capacities are
  // scaled so national totals stay plausible whatever the number of units asked for.
  const generic = count - units.length;
  const nationalTotal = UNIT_KINDS.reduce((s, k) => s + k.nationalCount, 0);
  const scale = generic > 0 ? Math.max(0.001, nationalTotal / generic) : 1;
  const counties = (spec: UnitKindSpec, province: string) =>
    (REGIONS.find((r) => r.code === province)?.counties ?? []).filter((c) => !spec.coastalOnly || c.coastal);
  for (let i = 0; i < generic; i++) {
    const spec = rng.weighted(UNIT_KINDS, (k) => k.nationalCount);
    const provinces = Object.entries(spec.regionWeights).filter(([p]) => counties(spec, p).length > 0);
    const [province] = provinces.length ? rng.weighted(provinces, ([, w]) => w) : [REGIONS[0].code];
    const options = counties(spec, province);
    const county = options.length ? rng.pick(options) : REGIONS[0].counties[0];
    const pattern = rng.pick(spec.namePatterns);
    const size = Math.exp(0.35 * rng.normal()); // units of one kind differ in size
    units.push({
      id: units.length + 1,
      code: `U-${String(units.length + 1).padStart(6, '0')}`,
      name: uniqueName(pattern.replaceAll('{county}', county.name), used),
      kind: spec.kind,
      sector: spec.subsector,
      region: county.code,
      province,
      workers: Math.max(5, Math.round(rng.between(spec.workforce.min, spec.workforce.max) * Math.min(scale, 20) * size)),
      outputs: spec.products.map((p) => ({
        product: p.product,
        capacity: Math.max(0.001, rng.between(p.dailyCapacity.min, p.dailyCapacity.max) * scale * size),
        seasonality: p.seasonality,
      })),
      consumes: consumesOf(spec.products.map((p) => p.product)),
      continuous: spec.workingDaysPerYear >= 360,
      performance: performance(),
    });
  }
  return units;
}

function buildCalendarDays(cal: Calendar, floodProvince: string): DemoCalendarDay[] {
  const days: DemoCalendarDay[] = [];
  for (const h of cal.holidays) days.push({ region: '', day: h.date, working: false, name: h.name });
  for (const d of cal.extraWorkingDays) days.push({ region: '', day: d, working: true, name: 'Transferred working day' });
  // A regional override: the flooded province declares a rest day for reconstruction volunteers.
  days.push({ region: floodProvince, day: `${PLAN_YEAR}-08-29`, working: false, name: 'Flood recovery rest day' });
  return days;
}

/** Working days of a unit in a year, by month (index 0 = January). */
function workingDaysByMonth(cal: Calendar, unit: DemoUnit): string[][] {
  const months: string[][] = Array.from({ length: 12 }, () => []);
  let day = `${PLAN_YEAR}-01-01`;
  const chain = [unit.province, unit.region];
  while (day <= `${PLAN_YEAR}-12-31`) {
    if (unit.continuous || isWorkingDay(cal, day, chain)) months[Number(day.slice(5, 7)) - 1].push(day);
    day = addDays(day, 1);
  }
  return months;
}

/** Planned progress (percent of works done) at the end of each month, for progress indicators. */
function progressPlan(m: number): number {
  return Math.round(((m + 1) / 12) * 100 * 1000);
}

function buildTargets(cal: Calendar, units: readonly DemoUnit[], products: readonly DemoProduct[]): DemoTarget[] {
  const annual = `AP-${PLAN_YEAR}`;
  const fyp = `FYP-${PLAN_YEAR}-${PLAN_YEAR + 4}`;
  const byCode = new Map(products.map((p) => [p.code, p]));
  const targets: DemoTarget[] = [];
  const nationMonth = new Map<string, number[]>();
  const nationWeighted = new Map<string, { sum: number[]; weight: number }>();
  for (const u of units) {
    const months = workingDaysByMonth(cal, u);
    for (const o of u.outputs) {
      const p = byCode.get(o.product);
      if (!p) continue;
      const monthly: number[] = [];
      for (let m = 0; m < 12; m++) {
        const q = p.aggregation === 'sum'
          ? Math.round(o.capacity * PLAN_FACTOR * o.seasonality[m] * months[m].length * 1000)
          : progressPlan(m);
        monthly.push(q);
        targets.push({ plan: annual, node: u.code, product: o.product, period: `${PLAN_YEAR}-M${String(m + 1).padStart(2, '0')}`, quantity: milli(q) });
      }
      const year = p.aggregation === 'sum' ? monthly.reduce((s, q) => s + q, 0) : monthly[11];
      targets.push({ plan: annual, node: u.code, product: o.product, period: String(PLAN_YEAR), quantity: milli(year) });
      if (p.aggregation === 'sum') {
        const acc = nationMonth.get(o.product) ?? Array.from({ length: 12 }, () => 0);
        monthly.forEach((q, m) => (acc[m] += q));
        nationMonth.set(o.product, acc);
      } else {
        const acc = nationWeighted.get(o.product) ?? { sum: Array.from({ length: 12 }, () => 0), weight: 0 };
        monthly.forEach((q, m) => (acc.sum[m] += q));
        acc.weight += 1;
        nationWeighted.set(o.product, acc);
      }
    }
  }
  const growth = new Map(FIVE_YEAR_GOALS_2026_2030.map((g) => [g.product, g.yearlyGrowth]));
  const national = new Map<string, number>();
  for (const [product, monthly] of nationMonth) {
    monthly.forEach((q, m) =>
      targets.push({ plan: annual, node: NATION, product, period: `${PLAN_YEAR}-M${String(m + 1).padStart(2, '0')}`, quantity: milli(q) }));
    const year = monthly.reduce((s, q) => s + q, 0);
    national.set(product, year);
    targets.push({ plan: annual, node: NATION, product, period: String(PLAN_YEAR), quantity: milli(year) });
  }
  for (const [product, acc] of nationWeighted) {
    acc.sum.forEach((q, m) =>
      targets.push({ plan: annual, node: NATION, product, period: `${PLAN_YEAR}-M${String(m + 1).padStart(2, '0')}`, quantity: milli(Math.round(q / acc.weight)) }));
    targets.push({ plan: annual, node: NATION, product, period: String(PLAN_YEAR), quantity: milli(Math.round(acc.sum[11] / acc.weight)) });
  }
  // The five-year plan: national gross output per year, growing from the first year's annual plan.
  for (const [product, first] of national) {
    const g = growth.get(product) ?? 1.03;
    for (let y = 0; y < 5; y++) {
      targets.push({ plan: fyp, node: NATION, product, period: String(PLAN_YEAR + y), quantity: milli(Math.round(first * g ** y)) });
    }
  }
  return targets;
}

/**
 * Builds the whole demo economy for a seed.
 * @example const economy = generateDemo({ seed: 1, units: 2000, through: '2026-11-22' });
 */
export function generateDemo(options: DemoOptions): DemoEconomy {
  const rng = seededRandom(options.seed);
  const nodes = buildNodes();
  const products = buildProducts();
  const calendar = defaultCalendar(PLAN_YEAR - 5, PLAN_YEAR + 4);
  const flooded = REGIONS.find((r) => /north phyongan/i.test(r.name)) ?? REGIONS[0];
  const units = buildUnits(rng, options.units);
  return {
    options,
    nodes,
    products,
    technology: TECHNOLOGY.map((t) => ({ input: t.input, output: t.output, coefficient: t.coefficient })),
    units,
    calendar,
    calendarDays: buildCalendarDays(calendar, flooded.code),
    plans: [
      { code: `FYP-${PLAN_YEAR}-${PLAN_YEAR + 4}`, name: `Five-year plan ${PLAN_YEAR}-${PLAN_YEAR + 4}`, period: `${PLAN_YEAR}-${PLAN_YEAR + 4}` },
      { code: `AP-${PLAN_YEAR}`, name: `National economic plan for ${PLAN_YEAR}`, period: String(PLAN_YEAR) },
    ],
    targets: buildTargets(calendar, units, products),
    disruption: { province: flooded.code, from: `${PLAN_YEAR}-08-03`, to: `${PLAN_YEAR}-08-23`, factor: 0.35 },
  };
}

/** One report row, as the loader copies it. */
export interface DemoReport {
  readonly unitId: number;
  readonly productId: number;
  readonly kind: 'output' | 'consumption';
  readonly day: string;
  readonly quantity: string;
  readonly reportedAt: string;
  readonly late: boolean;
}

/** One unit's reports of one product and kind: a value (in thousandths) per reporting day. */
export interface DemoSeries {
  readonly productId: number;
  readonly kind: 'output' | 'consumption';
  readonly milli: Float64Array;
}

/** A unit's whole report history: its reporting days (with arrival times) and one series per product and kind. */
export interface DemoUnitReports {
  readonly unitId: number;
  readonly days: readonly string[];
  /** Index of each reporting day in DemoReportCalendar.days. */
  readonly dayIndex: readonly number[];
  readonly reportedAt: readonly string[];
  readonly late: Uint8Array;
  /** Sorted by product id, then kind: the order of the report table's key, so the key builds fast. */
  readonly series: readonly DemoSeries[];
}

/** Reporting calendar shared by all units: every day from 1 January to `through`. */
export class DemoReportCalendar {
  readonly days: string[] = [];
  readonly nextDays: string[] = [];
  readonly months: Uint8Array;
  private readonly working = new Map<string, Uint8Array>();

  constructor(private readonly economy: DemoEconomy) {
    const start = `${PLAN_YEAR}-01-01`;
    const through = economy.options.through;
    const last = through < `${PLAN_YEAR}-12-31` ? through : `${PLAN_YEAR}-12-31`;
    for (let d = start; d <= last; d = addDays(d, 1)) {
      this.days.push(d);
      this.nextDays.push(addDays(d, 1));
    }
    this.months = Uint8Array.from(this.days, (d) => Number(d.slice(5, 7)) - 1);
  }

  /** 1 where the unit works that day: every day for continuous units, else the regional calendar. */
  workingFlags(unit: DemoUnit): Uint8Array {
    const key = unit.continuous ? '*' : unit.region;
    let flags = this.working.get(key);
    if (!flags) {
      const chain = [unit.province, unit.region];
      flags = Uint8Array.from(this.days, (d) => (unit.continuous || isWorkingDay(this.economy.calendar, d, chain) ? 1 : 0));
      this.working.set(key, flags);
    }
    return flags;
  }
}

/**
 * The reports of one unit from 1 January of the plan year to `through`: output of each product on
 * each working day (continuous units every day) and the coal and power consumed, with noise, the
 * flood, laggards, and arrival times the next morning (UTC+9), a few after the 10:00 deadline.
 * Deterministic: each unit has its own seeded stream, so units can be generated in any chunks.
 */
export function demoUnitReports(economy: DemoEconomy, cal: DemoReportCalendar, unitIndex: number): DemoUnitReports {
  const { disruption, options } = economy;
  const u = economy.units[unitIndex];
  const rng = seededRandom(options.seed * 1_000_003 + u.id);
  const drift = Array.from({ length: 12 }, () => 1 + 0.03 * rng.normal());
  const flags = cal.workingFlags(u);
  const active: number[] = [];
  for (let d = 0; d < flags.length; d++) if (flags[d]) active.push(d);
  const n = active.length;
  const days: string[] = new Array(n);
  const reportedAt: string[] = new Array(n);
  const late = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const d = active[k];
    days[k] = cal.days[d];
    const minutes = rng.next() < 0.03 ? rng.int(601, 1080) : rng.int(420, 599);
    reportedAt[k] = `${cal.nextDays[d]}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00+09:00`;
    late[k] = minutes > 600 ? 1 : 0;
  }
  const flooded = u.province === disruption.province;
  const products = new Map(economy.products.map((p) => [p.code, p]));
  const series: DemoSeries[] = [];
  const made: { product: string; milli: Float64Array }[] = [];
  for (const o of u.outputs) {
    const p = products.get(o.product);
    if (!p) continue;
    const milli = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const day = days[k];
      const m = cal.months[active[k]];
      let q: number;
      if (p.aggregation === 'sum') {
        const noise = Math.max(0, 1 + 0.06 * rng.normal());
        const flood = flooded && day >= disruption.from && day <= disruption.to ? Math.max(0, disruption.factor * (1 + 0.2 * rng.normal())) : 1;
        q = o.capacity * PLAN_FACTOR * o.seasonality[m] * u.performance * drift[m] * noise * flood;
      } else {
        q = Math.min(100, ((active[k] + 1) / 365) * 100 * u.performance * drift[m]);
      }
      milli[k] = Math.max(0, Math.round(q * 1000));
    }
    series.push({ productId: p.id, kind: 'output', milli });
    if (p.aggregation === 'sum') made.push({ product: p.code, milli });
  }
  const coef = new Map(economy.technology.map((t) => [`${t.input}>${t.output}`, t.coefficient]));
  for (const input of u.consumes) {
    const p = products.get(input);
    if (!p) continue;
    const weights = made.map((m) => coef.get(`${input}>${m.product}`) ?? 0);
    const milli = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let need = 0;
      for (let j = 0; j < made.length; j++) need += made[j].milli[k] * weights[j];
      milli[k] = Math.max(0, Math.round(need * Math.max(0, 1 + 0.03 * rng.normal())));
    }
    series.push({ productId: p.id, kind: 'consumption', milli });
  }
  series.sort((a, b) => a.productId - b.productId || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  return { unitId: u.id, days, dayIndex: active, reportedAt, late, series };
}

/** Every report of units [from, to) as row objects, in the report table's key order. */
export function* demoReports(economy: DemoEconomy, from = 0, to = economy.units.length): Generator<DemoReport> {
  const cal = new DemoReportCalendar(economy);
  for (let i = from; i < to; i++) {
    const r = demoUnitReports(economy, cal, i);
    for (const s of r.series) {
      for (let k = 0; k < r.days.length; k++) {
        yield { unitId: r.unitId, productId: s.productId, kind: s.kind, day: r.days[k], quantity: milli(s.milli[k]), reportedAt: r.reportedAt[k], late: r.late[k] === 1 };
      }
    }
  }
}
