// National final-demand targets of the five-year plan 2026-2030.
import type { FiveYearGoal, GoalComponent, OtherFinalDemand } from './types.js';

/** The years of the five-year plan. */
export const PLAN_YEARS: readonly number[] = [2026, 2027, 2028, 2029, 2030];

/**
 * round(base x growth^k) for k = 0..4, rounded to `step`.
 * @example projectAnnual(100, 1.1, 1) // [100, 110, 121, 133, 146]
 */
export function projectAnnual(base: number, growth: number, step = 1): number[] {
  return PLAN_YEARS.map((_, k) => Math.round((base * growth ** k) / step) * step);
}

function goal(product: string, base: number, growth: number, step: number, note: string): FiveYearGoal {
  return { product, years: PLAN_YEARS, annualFinalDemand: projectAnnual(base, growth, step), yearlyGrowth: growth, note };
}

const HOUSING_COMPONENTS: readonly GoalComponent[] = [
  // A new 50,000 flats in the capital in five stages of about 10,000 (the 2021-2025 programme repeated).
  { label: 'Pyongyang: 50,000 flats in five stages', region: 'P-PYO', annual: [10_000, 10_000, 10_000, 10_000, 10_000] },
  { label: 'Regional towns and rural communities', annual: projectAnnual(20_000, 1.05, 10) },
];

/**
 * Final demand (consumption, public use, construction outside the model, stocks) for the 12 goal
 * products in 2026-2030. Gross output follows from the Leontief system x = Ax + d; with
 * OTHER_FINAL_DEMAND_2026 the 2026 gross outputs come to about 5.5 Mt grain, 24 TWh electricity,
 * 18.6 Mt coal, 1.0 Mt rolled steel, 7.0 Mt cement, 0.85 Mt nitrogen fertiliser, 1.8 M m3 timber and
 * 30 Mt railway freight (checked in the catalogue test).
 * @example FIVE_YEAR_GOALS_2026_2030.find((g) => g.product === 'housing')?.annualFinalDemand[0] // 30000
 */
export const FIVE_YEAR_GOALS_2026_2030: readonly FiveYearGoal[] = [
  goal('grain', 4_500_000, 1.03, 1_000, 'Food grain, feed and seed outside the model; rice, maize, wheat and barley in grain equivalent.'),
  goal('electricity', 16_000_000, 1.05, 1_000, 'Households, public buildings and industries outside the model.'),
  goal('coal', 6_000_000, 1.03, 1_000, 'Coal for heating, local industry and stocks; briquettes are a separate product.'),
  goal('rolled_steel', 400_000, 1.06, 1_000, 'Steel for investment and repairs outside the modelled products.'),
  goal('non_ferrous_metals', 50_000, 1.04, 100, 'Zinc, lead and copper for the rest of the economy.'),
  goal('nitrogen_fertiliser', 40_000, 1.05, 100, 'State reserve and farms outside the model; most fertiliser goes to grain as intermediate use.'),
  goal('cement', 4_000_000, 1.04, 1_000, 'Roads, dams, public buildings and other construction outside the model.'),
  goal('timber', 800_000, 1.02, 1_000, 'Roundwood for households, mines and construction outside the model.'),
  goal('fabrics', 12_000, 1.05, 10, 'Cloth for sale to the population (1 t is about 7,000 m2).'),
  goal('marine_products', 550_000, 1.04, 1_000, 'Fish and shellfish for the population; processed fish is a separate product.'),
  {
    product: 'housing',
    years: PLAN_YEARS,
    annualFinalDemand: PLAN_YEARS.map((_, k) => HOUSING_COMPONENTS.reduce((s, c) => s + c.annual[k], 0)),
    yearlyGrowth: 1.05,
    components: HOUSING_COMPONENTS,
    note: 'Flats completed; the capital stays at 10,000 a year, regional and rural housing grows 5 % a year.',
  },
  goal('rail_freight', 15_000_000, 1.04, 1_000, 'Freight carried for households, trade and construction outside the model.'),
];

/** [product, 2026 final demand, yearly growth] */
type Row = readonly [string, number, number];

const OTHER_ROWS: readonly Row[] = [
  ['pig_iron', 20_000, 1.03],
  ['crude_steel', 30_000, 1.03],
  ['ferro_alloys', 5_000, 1.03],
  ['refractories', 20_000, 1.03],
  ['phosphate_fertiliser', 20_000, 1.04],
  ['sulphuric_acid', 30_000, 1.03],
  ['caustic_soda', 20_000, 1.03],
  ['industrial_explosives', 10_000, 1.03],
  ['vinalon_fibre', 5_000, 1.04],
  ['synthetic_resin', 40_000, 1.05],
  ['rubber_tyres', 150_000, 1.04],
  ['coal_briquettes', 3_000_000, 1.02],
  ['mining_equipment', 300, 1.05],
  ['machine_tools', 800, 1.05],
  ['pumps', 5_000, 1.04],
  ['spare_parts', 20_000, 1.04],
  ['trucks', 2_000, 1.06],
  ['tractors', 3_000, 1.06],
  ['freight_wagons', 600, 1.05],
  ['electric_locomotives', 30, 1.05],
  ['electric_motors', 40_000, 1.05],
  ['transformers', 1_500, 1.05],
  ['iron_ore', 0, 1],
  ['zinc_concentrate', 0, 1],
  ['lead_concentrate', 0, 1],
  ['copper_concentrate', 0, 1],
  ['magnesia_clinker', 50_000, 1.03],
  ['limestone', 2_000_000, 1.03],
  ['apatite_ore', 0, 1],
  ['sheet_glass', 40_000, 1.04],
  ['ceramic_tiles', 60_000, 1.04],
  ['bricks', 500_000_000, 1.03],
  ['precast_concrete', 1_500_000, 1.04],
  ['sawn_wood', 300_000, 1.02],
  ['afforestation', 50_000, 1.02],
  ['yarn', 0, 1],
  ['garments', 30_000_000, 1.05],
  ['soy_sauce', 150_000, 1.04],
  ['bean_paste', 150_000, 1.04],
  ['cooking_oil', 40_000, 1.04],
  ['footwear', 25_000_000, 1.04],
  ['paper', 60_000, 1.04],
  ['soap', 30_000, 1.05],
  ['soybeans', 150_000, 1.03],
  ['potatoes', 1_500_000, 1.03],
  ['vegetables', 4_000_000, 1.03],
  ['fruit', 600_000, 1.04],
  ['meat', 250_000, 1.05],
  ['eggs', 1_200_000_000, 1.05],
  ['seaweed', 500_000, 1.05],
  ['processed_fish', 100_000, 1.04],
  ['concrete_sleepers', 300_000, 1.04],
  // Percentage points: four standard 100 km sections a year.
  ['track_modernisation', 400, 1],
  ['wagon_repairs', 3_000, 1.03],
  ['ready_mixed_concrete', 2_000_000, 1.04],
  // Percentage points: 20 counties a year under the "20 x 10" policy.
  ['regional_factory_construction', 2_000, 1],
  ['earthworks', 20_000_000, 1.03],
  // Percentage points: five standard waterway projects a year.
  ['irrigation_works', 500, 1],
  ['tideland_reclamation', 3_000, 1.05],
];

/**
 * Final demand in 2026 for every product that is not a goal, with a yearly growth factor, so that the
 * whole economy has a plausible gross output. Products used only as inputs (ores, yarn) have none.
 * @example OTHER_FINAL_DEMAND_2026.find((d) => d.product === 'eggs')?.annual2026 // 1200000000
 */
export const OTHER_FINAL_DEMAND_2026: readonly OtherFinalDemand[] = OTHER_ROWS.map(([product, annual2026, yearlyGrowth]) => ({
  product,
  annual2026,
  yearlyGrowth,
}));

/**
 * The complete final-demand vector of 2026: goal products and all others.
 * @example finalDemand2026().cement // 3000000
 */
export function finalDemand2026(): Record<string, number> {
  const d: Record<string, number> = {};
  for (const g of FIVE_YEAR_GOALS_2026_2030) d[g.product] = g.annualFinalDemand[0];
  for (const o of OTHER_FINAL_DEMAND_2026) d[o.product] = o.annual2026;
  return d;
}
