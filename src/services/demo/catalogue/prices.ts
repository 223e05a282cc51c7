// Labour per unit and reference prices of the demo products.
import type { LabourAndPrice } from './types.js';

/**
 * Notional accounting rate used to state reference prices in won: prices are set in world-market-like
 * "accounting dollars" and multiplied by this. Only relative prices matter (weighting, plausibility).
 */
export const WON_PER_ACCOUNTING_DOLLAR = 8_000;

/**
 * Reference wage in won per worker-hour (an accounting dollar 0.5). With it every price covers its
 * input cost plus labour cost: referencePrice > sum(coefficient x input price) + wage x labourPerUnit.
 */
export const REFERENCE_WAGE_WON_PER_HOUR = 4_000;

/** [product, worker-hours per unit, price in accounting dollars per unit] */
type Row = readonly [string, number, number];

const ROWS: readonly Row[] = [
  // Metal
  ['pig_iron', 8, 360],
  ['crude_steel', 14, 520],
  ['rolled_steel', 16, 760],
  ['non_ferrous_metals', 100, 2_800],
  ['ferro_alloys', 50, 1_500],
  ['refractories', 20, 800],
  // Chemical
  ['nitrogen_fertiliser', 18, 380],
  ['phosphate_fertiliser', 8, 250],
  ['sulphuric_acid', 8, 100],
  ['caustic_soda', 25, 400],
  ['industrial_explosives', 40, 1_500],
  ['vinalon_fibre', 100, 2_000],
  ['synthetic_resin', 50, 1_200],
  ['rubber_tyres', 8, 150],
  // Power
  ['electricity', 2.5, 60],
  // Coal
  ['coal', 18, 60],
  ['coal_briquettes', 3, 75],
  // Machine-building
  ['mining_equipment', 4_000, 50_000],
  ['machine_tools', 3_000, 40_000],
  ['pumps', 300, 5_000],
  ['spare_parts', 200, 4_000],
  ['trucks', 2_500, 30_000],
  ['tractors', 1_500, 15_000],
  ['freight_wagons', 3_000, 40_000],
  ['electric_locomotives', 40_000, 800_000],
  ['electric_motors', 80, 800],
  ['transformers', 1_000, 20_000],
  // Mining
  ['iron_ore', 8, 50],
  ['zinc_concentrate', 100, 800],
  ['lead_concentrate', 100, 900],
  ['copper_concentrate', 250, 1_800],
  ['magnesia_clinker', 10, 300],
  ['limestone', 0.8, 8],
  ['apatite_ore', 6, 90],
  // Building materials
  ['cement', 4, 70],
  ['sheet_glass', 25, 500],
  ['ceramic_tiles', 20, 450],
  ['bricks', 0.02, 0.06],
  ['precast_concrete', 4, 130],
  ['timber', 8, 80],
  ['sawn_wood', 10, 200],
  ['afforestation', 120, 600],
  // Light industry
  ['yarn', 100, 2_500],
  ['fabrics', 200, 4_500],
  ['garments', 1.2, 8],
  ['soy_sauce', 30, 600],
  ['bean_paste', 40, 700],
  ['cooking_oil', 30, 1_400],
  ['footwear', 1, 10],
  ['paper', 60, 700],
  ['soap', 40, 1_300],
  // Agriculture
  ['grain', 450, 450],
  ['soybeans', 300, 450],
  ['potatoes', 40, 120],
  ['vegetables', 60, 200],
  ['fruit', 100, 400],
  ['meat', 300, 2_500],
  ['eggs', 0.01, 0.1],
  // Fishing
  ['marine_products', 80, 700],
  ['seaweed', 30, 300],
  ['processed_fish', 60, 1_600],
  // Rail transport
  ['rail_freight', 1.5, 6],
  ['concrete_sleepers', 1.5, 40],
  ['track_modernisation', 20_000, 300_000],
  ['wagon_repairs', 1_000, 3_000],
  // Construction
  ['housing', 6_000, 25_000],
  ['ready_mixed_concrete', 1.5, 75],
  ['regional_factory_construction', 10_000, 60_000],
  ['earthworks', 1.5, 3],
  ['irrigation_works', 8_000, 55_000],
  ['tideland_reclamation', 3_000, 40_000],
];

/**
 * Labour (worker-hours per unit) and reference price (won per unit) of every product. Prices are
 * consistent with TECHNOLOGY: each covers its inputs at reference prices plus labour at
 * REFERENCE_WAGE_WON_PER_HOUR, with a positive surplus.
 * @example LABOUR_AND_PRICE.find((r) => r.product === 'cement') // { product: 'cement', labourPerUnit: 3, referencePrice: 560000 }
 */
export const LABOUR_AND_PRICE: readonly LabourAndPrice[] = ROWS.map(([product, labourPerUnit, dollars]) => ({
  product,
  labourPerUnit,
  referencePrice: Math.round(dollars * WON_PER_ACCOUNTING_DOLLAR * 100) / 100,
}));
