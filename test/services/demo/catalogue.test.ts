import { describe, it, expect } from 'vitest';
import { CODE_PATTERN } from '../../../src/domain/code.js';
import {
  FAMOUS_UNITS,
  FIVE_YEAR_GOALS_2026_2030,
  GOAL_PRODUCT_CODES,
  HOURS_PER_WORKER_YEAR,
  LABOUR_AND_PRICE,
  OTHER_FINAL_DEMAND_2026,
  PLAN_YEARS,
  PRODUCTS,
  REFERENCE_WAGE_WON_PER_HOUR,
  REGIONS,
  SEASONALITY,
  SECTORS,
  TECHNOLOGY,
  UNIT_KINDS,
  WORKING_DAYS_PER_YEAR,
  CONTINUOUS_DAYS_PER_YEAR,
  finalDemand2026,
  grossOutput,
  materialCostPerUnit,
  normaliseSeasonality,
  projectAnnual,
  seasonalityOf,
  spectralRadiusBounds,
  spectralRadiusEstimate,
} from '../../../src/services/demo/catalogue/index.js';

const productCodes = PRODUCTS.map((p) => p.code);
const productByCode = new Map(PRODUCTS.map((p) => [p.code, p]));
const subsectorCodes = new Set(SECTORS.flatMap((s) => s.subsectors.map((ss) => ss.code)));
const sectorOfSubsector = new Map(SECTORS.flatMap((s) => s.subsectors.map((ss) => [ss.code, s.code] as const)));
const regionCodes = new Set(REGIONS.map((r) => r.code));
const countyRegion = new Map(REGIONS.flatMap((r) => r.counties.map((c) => [c.code, r.code] as const)));
const prices: Record<string, number> = Object.fromEntries(LABOUR_AND_PRICE.map((r) => [r.product, r.referencePrice]));
const labour: Record<string, number> = Object.fromEntries(LABOUR_AND_PRICE.map((r) => [r.product, r.labourPerUnit]));
const gross2026 = grossOutput(TECHNOLOGY, productCodes, finalDemand2026());
const mid = (r: { min: number; max: number }): number => (r.min + r.max) / 2;

describe('codes', () => {
  it('are unique across sectors, sub-sectors, regions, counties, products and famous units, and valid codes', () => {
    const all = [
      ...SECTORS.map((s) => s.code),
      ...subsectorCodes,
      ...REGIONS.map((r) => r.code),
      ...REGIONS.flatMap((r) => r.counties.map((c) => c.code)),
      ...productCodes,
      ...FAMOUS_UNITS.map((u) => u.code),
    ];
    expect(new Set(all).size).toBe(all.length);
    for (const c of all) expect(c, c).toMatch(CODE_PATTERN);
  });

  it('follow the naming conventions', () => {
    for (const s of SECTORS) {
      expect(s.code).toMatch(/^S-[A-Z]+$/);
      for (const ss of s.subsectors) expect(ss.code.startsWith(`SS-${s.code.slice(2)}-`), ss.code).toBe(true);
    }
    for (const r of REGIONS) {
      expect(r.code).toMatch(/^P-[A-Z]{3}$/);
      for (const c of r.counties) expect(c.code.startsWith(`C-${r.code.slice(2)}-`), c.code).toBe(true);
      for (const c of r.counties) expect(c.code).toMatch(/^C-[A-Z]{3}-[A-Z0-9]+$/);
    }
    for (const p of PRODUCTS) expect(p.code).toMatch(/^[a-z][a-z0-9_]*$/);
    for (const u of FAMOUS_UNITS) expect(u.code).toMatch(/^U-[A-Z0-9-]+$/);
    const keys = UNIT_KINDS.map((k) => k.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('sectors', () => {
  it('are the 12 sectors of DOMAIN.md with 2-4 sub-sectors each', () => {
    expect(SECTORS.map((s) => s.code).sort()).toEqual(
      ['S-AGRI', 'S-BUILD', 'S-CHEM', 'S-COAL', 'S-CONSTR', 'S-FISH', 'S-LIGHT', 'S-MACH', 'S-METAL', 'S-MINING', 'S-POWER', 'S-RAIL'].sort(),
    );
    for (const s of SECTORS) {
      expect(s.subsectors.length, s.code).toBeGreaterThanOrEqual(2);
      expect(s.subsectors.length, s.code).toBeLessThanOrEqual(4);
      expect(s.name.trim()).not.toBe('');
    }
  });
});

describe('regions', () => {
  it('cover the provinces and directly governed cities with at least 150 counties', () => {
    for (const code of ['P-PYO', 'P-RAS', 'P-NAM', 'P-SPY', 'P-NPY', 'P-CHA', 'P-SHW', 'P-NHW', 'P-KAN', 'P-SHG', 'P-NHG', 'P-RYA', 'P-KAE']) {
      expect(regionCodes.has(code), code).toBe(true);
    }
    const total = REGIONS.reduce((s, r) => s + r.counties.length, 0);
    expect(total).toBeGreaterThanOrEqual(150);
    for (const r of REGIONS) {
      expect(r.counties.length, r.code).toBeGreaterThanOrEqual(4);
      expect(r.counties.length, r.code).toBeLessThanOrEqual(22);
    }
  });

  it('have the counties named in the seeds in the right province', () => {
    expect(countyRegion.get('C-SHG-KUMYA')).toBe('P-SHG');
    expect(countyRegion.get('C-KAE-JANGPHUNG')).toBe('P-KAE');
    expect(countyRegion.get('C-NHW-PHYONGSAN')).toBe('P-NHW');
    expect(countyRegion.get('C-SPY-SONGCHON')).toBe('P-SPY');
    expect(countyRegion.get('C-SHG-SINPHO')).toBe('P-SHG');
  });

  it('mark inland provinces as having no coast', () => {
    for (const code of ['P-CHA', 'P-NHW', 'P-RYA', 'P-PYO']) {
      expect(REGIONS.find((r) => r.code === code)!.counties.some((c) => c.coastal), code).toBe(false);
    }
    expect(REGIONS.find((r) => r.code === 'P-SHG')!.counties.filter((c) => c.coastal).length).toBeGreaterThan(5);
  });
});

describe('products', () => {
  it('number at least 64, each in an existing sub-sector of its sector', () => {
    expect(PRODUCTS.length).toBeGreaterThanOrEqual(64);
    for (const p of PRODUCTS) {
      expect(subsectorCodes.has(p.subsector), p.code).toBe(true);
      expect(sectorOfSubsector.get(p.subsector), p.code).toBe(p.sector);
      expect(['t', 'kt', 'MWh', 'GWh', 'm3', 'pieces', 'flats', 'ha', 'percent']).toContain(p.unit);
      expect(p.aggregation, p.code).toBe(p.unit === 'percent' ? 'weighted_mean' : 'sum');
    }
    expect(PRODUCTS.some((p) => p.aggregation === 'weighted_mean')).toBe(true);
  });

  it('flag exactly the 12 major goals', () => {
    const goals = PRODUCTS.filter((p) => p.goal).map((p) => p.code);
    expect(goals.length).toBe(12);
    expect([...goals].sort()).toEqual(
      [
        'cement',
        'coal',
        'electricity',
        'fabrics',
        'grain',
        'housing',
        'marine_products',
        'nitrogen_fertiliser',
        'non_ferrous_metals',
        'rail_freight',
        'rolled_steel',
        'timber',
      ].sort(),
    );
    expect(GOAL_PRODUCT_CODES).toEqual(goals);
  });

  it('use sensible units for the key products', () => {
    expect(productByCode.get('electricity')!.unit).toBe('MWh');
    expect(productByCode.get('coal')!.unit).toBe('t');
    expect(productByCode.get('cement')!.unit).toBe('t');
    expect(productByCode.get('housing')!.unit).toBe('flats');
    expect(productByCode.get('timber')!.unit).toBe('m3');
  });
});

describe('technology', () => {
  it('references existing products with finite positive coefficients, once per pair', () => {
    const pairs = new Set<string>();
    for (const t of TECHNOLOGY) {
      expect(productByCode.has(t.input), t.input).toBe(true);
      expect(productByCode.has(t.output), t.output).toBe(true);
      expect(Number.isFinite(t.coefficient) && t.coefficient > 0, `${t.input}->${t.output}`).toBe(true);
      const key = `${t.input}->${t.output}`;
      expect(pairs.has(key), key).toBe(false);
      pairs.add(key);
    }
  });

  it('gives every product inputs, mostly 3 to 8', () => {
    const count = new Map<string, number>();
    for (const t of TECHNOLOGY) count.set(t.output, (count.get(t.output) ?? 0) + 1);
    for (const p of productCodes) {
      expect(count.get(p) ?? 0, p).toBeGreaterThanOrEqual(3);
      expect(count.get(p) ?? 0, p).toBeLessThanOrEqual(10);
    }
    const inRange = productCodes.filter((p) => count.get(p)! <= 8).length;
    expect(inRange / productCodes.length).toBeGreaterThan(0.9);
  });

  it('has plausible key coefficients', () => {
    const a = (input: string, output: string): number => TECHNOLOGY.find((t) => t.input === input && t.output === output)?.coefficient ?? 0;
    expect(a('coal', 'cement')).toBeGreaterThanOrEqual(0.12);
    expect(a('coal', 'cement')).toBeLessThanOrEqual(0.15);
    expect(a('electricity', 'cement')).toBeGreaterThanOrEqual(0.1);
    expect(a('electricity', 'cement')).toBeLessThanOrEqual(0.11);
    // Blended hydro and thermal (thermal alone burns 0.4-0.5 t per MWh).
    expect(a('coal', 'electricity')).toBeGreaterThan(0.15);
    expect(a('coal', 'electricity')).toBeLessThan(0.3);
    // Cement per flat, directly and in precast elements.
    const cementPerFlat = a('cement', 'housing') + a('precast_concrete', 'housing') * a('cement', 'precast_concrete');
    expect(cementPerFlat).toBeGreaterThanOrEqual(40);
    expect(cementPerFlat).toBeLessThanOrEqual(60);
    for (const input of ['rolled_steel', 'sawn_wood', 'sheet_glass']) expect(a(input, 'housing'), input).toBeGreaterThan(0);
    for (const input of ['crude_steel', 'electricity', 'coal']) expect(a(input, 'rolled_steel'), input).toBeGreaterThan(0);
    for (const input of ['iron_ore', 'coal', 'electricity']) expect(a(input, 'pig_iron'), input).toBeGreaterThan(0);
    for (const input of ['electricity', 'timber', 'mining_equipment']) expect(a(input, 'coal'), input).toBeGreaterThan(0);
    for (const input of ['nitrogen_fertiliser', 'electricity']) expect(a(input, 'grain'), input).toBeGreaterThan(0);
  });

  it('is productive: spectral radius below 0.9', () => {
    const rho = spectralRadiusEstimate(TECHNOLOGY, productCodes);
    expect(rho).toBeGreaterThan(0.2);
    expect(rho).toBeLessThan(0.9);
  });

  it('spectralRadiusEstimate finds known radii', () => {
    const t = (input: string, output: string, coefficient: number) => ({ input, output, coefficient });
    // [[0.2, 0.3], [0.4, 0.1]] has eigenvalues 0.5 and -0.2.
    expect(spectralRadiusEstimate([t('a', 'a', 0.2), t('a', 'b', 0.3), t('b', 'a', 0.4), t('b', 'b', 0.1)], ['a', 'b'])).toBeCloseTo(0.5, 9);
    // A periodic (cyclic) matrix, where plain power iteration oscillates: radius 0.5.
    expect(spectralRadiusEstimate([t('a', 'b', 0.5), t('b', 'a', 0.5)], ['a', 'b'])).toBeCloseTo(0.5, 9);
    // Reducible: a chain feeding a self-loop of 0.7.
    const b = spectralRadiusBounds([t('x', 'y', 2), t('y', 'z', 3), t('z', 'z', 0.7)], ['x', 'y', 'z']);
    expect(b.upper).toBeCloseTo(0.7, 9);
    expect(b.lower).toBeLessThanOrEqual(b.upper);
    expect(spectralRadiusEstimate([], ['a'])).toBe(0);
    expect(() => spectralRadiusEstimate([t('a', 'nope', 1)], ['a'])).toThrow(/nope/);
  });

  it('gross output solves x = Ax + d and lands on plausible 2026 magnitudes', () => {
    const d = finalDemand2026();
    const ax: Record<string, number> = Object.fromEntries(productCodes.map((c) => [c, 0]));
    for (const t of TECHNOLOGY) ax[t.input] += t.coefficient * gross2026[t.output];
    for (const c of productCodes) {
      expect(Math.abs(gross2026[c] - ax[c] - (d[c] ?? 0)), c).toBeLessThanOrEqual(1e-9 * Math.max(1, gross2026[c]));
      expect(gross2026[c], c).toBeGreaterThan(0);
    }
    const within = (code: string, lo: number, hi: number) => {
      expect(gross2026[code], code).toBeGreaterThanOrEqual(lo);
      expect(gross2026[code], code).toBeLessThanOrEqual(hi);
    };
    within('electricity', 20e6, 30e6); // MWh
    within('coal', 15e6, 25e6); // t
    within('grain', 5e6, 6.5e6);
    within('cement', 6e6, 9e6);
    within('rolled_steel', 0.7e6, 1.5e6);
    within('nitrogen_fertiliser', 0.5e6, 1.2e6);
    within('housing', 25_000, 40_000);
  });
});

describe('labour and prices', () => {
  it('cover every product once with positive figures', () => {
    expect(LABOUR_AND_PRICE.map((r) => r.product).sort()).toEqual([...productCodes].sort());
    for (const r of LABOUR_AND_PRICE) {
      expect(r.referencePrice, r.product).toBeGreaterThan(0);
      expect(r.labourPerUnit, r.product).toBeGreaterThan(0);
    }
  });

  it('are consistent with the technology: each price covers inputs and labour', () => {
    const cost = materialCostPerUnit(TECHNOLOGY, prices);
    for (const c of productCodes) {
      const material = cost[c] ?? 0;
      expect(material, c).toBeLessThan(prices[c]);
      expect(material / prices[c], c).toBeLessThan(0.85);
      expect(material + labour[c] * REFERENCE_WAGE_WON_PER_HOUR, c).toBeLessThan(prices[c]);
    }
  });

  it('keep plausible relative prices', () => {
    expect(prices.rolled_steel).toBeGreaterThan(prices.crude_steel);
    expect(prices.crude_steel).toBeGreaterThan(prices.pig_iron);
    expect(prices.fabrics).toBeGreaterThan(prices.yarn);
    expect(prices.housing).toBeGreaterThan(50 * prices.cement);
  });
});

describe('seasonality', () => {
  it('gives every product 12 non-negative factors averaging 1', () => {
    for (const c of productCodes) {
      const f = SEASONALITY[c];
      expect(f.length, c).toBe(12);
      expect(f.every((x) => x >= 0), c).toBe(true);
      expect(Math.abs(f.reduce((s, x) => s + x, 0) / 12 - 1), c).toBeLessThanOrEqual(1e-9);
    }
    expect(seasonalityOf('no_such_product').length).toBe(12);
  });

  it('has the expected shapes', () => {
    const g = SEASONALITY.grain;
    expect((g[8] + g[9]) / 12).toBeGreaterThan(0.5); // September-October harvest
    expect(SEASONALITY.housing[0]).toBeLessThan(0.7); // winter
    expect(SEASONALITY.electricity[0]).toBeGreaterThan(SEASONALITY.electricity[6]);
    expect(Math.max(...SEASONALITY.marine_products) / Math.min(...SEASONALITY.marine_products)).toBeGreaterThan(1.5);
    expect(Math.max(...SEASONALITY.cement)).toBeLessThan(1.1);
  });

  it('normaliseSeasonality rescales and rejects bad input', () => {
    expect(normaliseSeasonality(new Array(12).fill(2))).toEqual(new Array(12).fill(1));
    expect(() => normaliseSeasonality([1, 2, 3])).toThrow();
    expect(() => normaliseSeasonality(new Array(12).fill(0))).toThrow();
  });
});

describe('unit kinds', () => {
  it('exist for every sub-sector and make only products of their own sector', () => {
    for (const ss of subsectorCodes) expect(UNIT_KINDS.some((k) => k.subsector === ss), ss).toBe(true);
    for (const k of UNIT_KINDS) {
      expect(subsectorCodes.has(k.subsector), k.key).toBe(true);
      expect(k.products.length, k.key).toBeGreaterThanOrEqual(1);
      expect(k.products.length, k.key).toBeLessThanOrEqual(4);
      for (const p of k.products) {
        const prod = productByCode.get(p.product);
        expect(prod, `${k.key}: ${p.product}`).toBeDefined();
        expect(prod!.sector, `${k.key}: ${p.product}`).toBe(sectorOfSubsector.get(k.subsector));
        expect(p.dailyCapacity.min, `${k.key}: ${p.product}`).toBeGreaterThan(0);
        expect(p.dailyCapacity.max, `${k.key}: ${p.product}`).toBeGreaterThanOrEqual(p.dailyCapacity.min);
        expect(p.seasonality).toEqual(SEASONALITY[p.product]);
      }
      expect(new Set(k.products.map((p) => p.product)).size).toBe(k.products.length);
      expect(k.workforce.min, k.key).toBeGreaterThan(0);
      expect(k.workforce.max, k.key).toBeGreaterThanOrEqual(k.workforce.min);
      expect(k.nationalCount, k.key).toBeGreaterThanOrEqual(1);
      expect(k.workingDaysPerYear, k.key).toBe(k.kind === 'power_station' ? CONTINUOUS_DAYS_PER_YEAR : WORKING_DAYS_PER_YEAR);
      expect(k.namePatterns.length, k.key).toBeGreaterThan(0);
      for (const n of k.namePatterns) expect(n, k.key).toContain('{county}');
      const weights = Object.entries(k.regionWeights);
      expect(weights.length, k.key).toBeGreaterThan(0);
      for (const [r, w] of weights) {
        expect(regionCodes.has(r), `${k.key}: ${r}`).toBe(true);
        expect(w, `${k.key}: ${r}`).toBeGreaterThan(0);
      }
    }
  });

  it('make every product in its home sub-sector', () => {
    for (const p of PRODUCTS) {
      expect(UNIT_KINDS.some((k) => k.subsector === p.subsector && k.products.some((x) => x.product === p.code)), p.code).toBe(true);
    }
  });

  it('place coastal-only kinds where there is a coast', () => {
    for (const k of UNIT_KINDS.filter((x) => x.coastalOnly)) {
      for (const r of Object.keys(k.regionWeights)) {
        expect(REGIONS.find((x) => x.code === r)!.counties.some((c) => c.coastal), `${k.key}: ${r}`).toBe(true);
      }
    }
    expect(UNIT_KINDS.find((k) => k.key === 'fishery-station')!.coastalOnly).toBe(true);
  });

  it('have national capacity covering 2026 gross output with a 0-100 % reserve', () => {
    const capacity: Record<string, number> = {};
    for (const k of UNIT_KINDS) {
      for (const p of k.products) capacity[p.product] = (capacity[p.product] ?? 0) + k.nationalCount * mid(p.dailyCapacity) * k.workingDaysPerYear;
    }
    for (const c of productCodes) {
      const ratio = capacity[c] / gross2026[c];
      expect(ratio, c).toBeGreaterThanOrEqual(1);
      expect(ratio, c).toBeLessThanOrEqual(2);
    }
  });

  it('have a workforce that can supply the labour their capacity needs', () => {
    for (const k of UNIT_KINDS) {
      const need = k.products.reduce((s, p) => s + mid(p.dailyCapacity) * k.workingDaysPerYear * labour[p.product], 0);
      const available = mid(k.workforce) * HOURS_PER_WORKER_YEAR;
      expect(need / available, k.key).toBeGreaterThanOrEqual(0.2);
      expect(need / available, k.key).toBeLessThanOrEqual(1);
    }
  });
});

describe('famous units', () => {
  it('are 20-40 real units placed in existing counties, kinds and products', () => {
    expect(FAMOUS_UNITS.length).toBeGreaterThanOrEqual(20);
    expect(FAMOUS_UNITS.length).toBeLessThanOrEqual(40);
    expect(new Set(FAMOUS_UNITS.map((u) => u.name)).size).toBe(FAMOUS_UNITS.length);
    for (const u of FAMOUS_UNITS) {
      expect(countyRegion.get(u.county), u.code).toBe(u.region);
      expect(subsectorCodes.has(u.subsector), u.code).toBe(true);
      const spec = UNIT_KINDS.find((k) => k.key === u.spec);
      expect(spec, u.code).toBeDefined();
      expect(spec!.subsector, u.code).toBe(u.subsector);
      expect(u.products.length, u.code).toBeGreaterThanOrEqual(1);
      expect(Object.keys(u.dailyCapacity).sort(), u.code).toEqual([...u.products].sort());
      for (const p of u.products) {
        expect(spec!.products.some((x) => x.product === p), `${u.code}: ${p}`).toBe(true);
        expect(u.dailyCapacity[p], `${u.code}: ${p}`).toBeGreaterThan(0);
      }
      expect(u.workforce, u.code).toBeGreaterThan(0);
    }
    for (const k of UNIT_KINDS) expect(FAMOUS_UNITS.filter((u) => u.spec === k.key).length, k.key).toBeLessThanOrEqual(k.nationalCount);
  });

  it('include the units named in the seeds', () => {
    const names = FAMOUS_UNITS.map((u) => u.name);
    expect(names).toContain('Sangwon Cement Complex');
    expect(names).toContain('Hamhung Youth Electric Appliances Plant');
    expect(names).toContain('Sinpho City Offshore Farm');
    expect(names).toContain('Komdok Mining Complex');
  });
});

describe('five-year goals 2026-2030', () => {
  it('set a final-demand target for each of the 12 goal products over five years', () => {
    expect(PLAN_YEARS).toEqual([2026, 2027, 2028, 2029, 2030]);
    expect(FIVE_YEAR_GOALS_2026_2030.map((g) => g.product).sort()).toEqual([...GOAL_PRODUCT_CODES].sort());
    for (const g of FIVE_YEAR_GOALS_2026_2030) {
      expect(g.years).toEqual(PLAN_YEARS);
      expect(g.annualFinalDemand.length, g.product).toBe(5);
      expect(g.annualFinalDemand[0], g.product).toBeGreaterThan(0);
      for (let k = 1; k < 5; k++) expect(g.annualFinalDemand[k], g.product).toBeGreaterThanOrEqual(g.annualFinalDemand[k - 1]);
      expect(g.yearlyGrowth, g.product).toBeGreaterThanOrEqual(1);
      expect(g.yearlyGrowth, g.product).toBeLessThan(1.1);
      if (!g.components) {
        for (let k = 0; k < 5; k++) {
          const expected = g.annualFinalDemand[0] * g.yearlyGrowth ** k;
          expect(Math.abs(g.annualFinalDemand[k] - expected) / expected, g.product).toBeLessThan(0.01);
        }
      }
    }
  });

  it('build 50,000 flats in the capital over five years, and components add up', () => {
    const housing = FIVE_YEAR_GOALS_2026_2030.find((g) => g.product === 'housing')!;
    const capital = housing.components!.find((c) => c.region === 'P-PYO')!;
    expect(capital.annual.reduce((s, x) => s + x, 0)).toBe(50_000);
    for (let k = 0; k < 5; k++) {
      expect(housing.components!.reduce((s, c) => s + c.annual[k], 0)).toBe(housing.annualFinalDemand[k]);
    }
  });

  it('give every other product a non-negative final demand, exactly once', () => {
    const others = OTHER_FINAL_DEMAND_2026.map((d) => d.product).sort();
    expect(others).toEqual(productCodes.filter((c) => !productByCode.get(c)!.goal).sort());
    for (const d of OTHER_FINAL_DEMAND_2026) {
      expect(d.annual2026, d.product).toBeGreaterThanOrEqual(0);
      expect(d.yearlyGrowth, d.product).toBeGreaterThanOrEqual(1);
    }
    const d = finalDemand2026();
    expect(Object.keys(d).sort()).toEqual([...productCodes].sort());
  });

  it('projectAnnual compounds and rounds', () => {
    expect(projectAnnual(100, 1.1)).toEqual([100, 110, 121, 133, 146]);
    expect(projectAnnual(20_000, 1.05, 10)).toEqual([20_000, 21_000, 22_050, 23_150, 24_310]);
  });
});
