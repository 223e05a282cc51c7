// Products and indicators of the demo economy.
import type { CatalogueUnit, ProductDef } from './types.js';

type Row = readonly [code: string, name: string, unit: CatalogueUnit, subsector: string, goal?: 'goal'];

function sectorOf(subsector: string): string {
  // 'SS-METAL-STEEL' -> 'S-METAL'
  const parts = subsector.split('-');
  return `S-${parts[1]}`;
}

// Percent products are progress indicators "per percentage point of one standard project" (a county's
// 20 x 10 regional-industry project, a standard irrigation waterway, a 100 km track section): they roll
// up as weighted means, while their technology rows give the inputs per percentage point.
const ROWS: readonly Row[] = [
  // Metal
  ['pig_iron', 'Pig iron', 't', 'SS-METAL-STEEL'],
  ['crude_steel', 'Crude steel', 't', 'SS-METAL-STEEL'],
  ['rolled_steel', 'Rolled steel', 't', 'SS-METAL-STEEL', 'goal'],
  ['non_ferrous_metals', 'Non-ferrous metals (zinc, lead, copper)', 't', 'SS-METAL-NONFER', 'goal'],
  ['ferro_alloys', 'Ferro-alloys', 't', 'SS-METAL-FERRO'],
  ['refractories', 'Magnesia refractories', 't', 'SS-METAL-FERRO'],
  // Chemical
  ['nitrogen_fertiliser', 'Nitrogen fertiliser', 't', 'SS-CHEM-FERT', 'goal'],
  ['phosphate_fertiliser', 'Phosphate fertiliser', 't', 'SS-CHEM-FERT'],
  ['sulphuric_acid', 'Sulphuric acid', 't', 'SS-CHEM-BASIC'],
  ['caustic_soda', 'Caustic soda', 't', 'SS-CHEM-BASIC'],
  ['industrial_explosives', 'Industrial explosives', 't', 'SS-CHEM-BASIC'],
  ['vinalon_fibre', 'Vinalon fibre', 't', 'SS-CHEM-SYNTH'],
  ['synthetic_resin', 'Synthetic resin', 't', 'SS-CHEM-SYNTH'],
  ['rubber_tyres', 'Tyres', 'pieces', 'SS-CHEM-SYNTH'],
  // Power: one national product; hydro and thermal stations both make it (coefficients are a blend).
  ['electricity', 'Electricity', 'MWh', 'SS-POWER-THERMAL', 'goal'],
  // Coal
  ['coal', 'Coal', 't', 'SS-COAL-ANTHR', 'goal'],
  ['coal_briquettes', 'Coal briquettes', 't', 'SS-COAL-BRIQ'],
  // Machine-building
  ['mining_equipment', 'Mining equipment', 'pieces', 'SS-MACH-HEAVY'],
  ['machine_tools', 'Machine tools', 'pieces', 'SS-MACH-HEAVY'],
  ['pumps', 'Pumps', 'pieces', 'SS-MACH-HEAVY'],
  ['spare_parts', 'Spare parts and accessories', 't', 'SS-MACH-HEAVY'],
  ['trucks', 'Trucks', 'pieces', 'SS-MACH-VEH'],
  ['tractors', 'Tractors', 'pieces', 'SS-MACH-VEH'],
  ['freight_wagons', 'Freight wagons', 'pieces', 'SS-MACH-VEH'],
  ['electric_locomotives', 'Electric locomotives', 'pieces', 'SS-MACH-VEH'],
  ['electric_motors', 'Electric motors', 'pieces', 'SS-MACH-ELEC'],
  ['transformers', 'Transformers', 'pieces', 'SS-MACH-ELEC'],
  // Mining
  ['iron_ore', 'Concentrated iron ore', 't', 'SS-MINING-IRON'],
  ['zinc_concentrate', 'Zinc concentrate', 't', 'SS-MINING-NONFER'],
  ['lead_concentrate', 'Lead concentrate', 't', 'SS-MINING-NONFER'],
  ['copper_concentrate', 'Copper concentrate', 't', 'SS-MINING-NONFER'],
  ['magnesia_clinker', 'Magnesia clinker', 't', 'SS-MINING-NONMET'],
  ['limestone', 'Limestone', 't', 'SS-MINING-NONMET'],
  ['apatite_ore', 'Apatite concentrate', 't', 'SS-MINING-NONMET'],
  // Building materials
  ['cement', 'Cement', 't', 'SS-BUILD-CEMENT', 'goal'],
  ['sheet_glass', 'Sheet glass', 't', 'SS-BUILD-GLASS'],
  ['ceramic_tiles', 'Ceramic tiles', 't', 'SS-BUILD-GLASS'],
  ['bricks', 'Bricks', 'pieces', 'SS-BUILD-WALL'],
  ['precast_concrete', 'Precast concrete elements', 'm3', 'SS-BUILD-WALL'],
  ['timber', 'Timber (roundwood)', 'm3', 'SS-BUILD-TIMBER', 'goal'],
  ['sawn_wood', 'Sawn wood', 'm3', 'SS-BUILD-TIMBER'],
  ['afforestation', 'Afforestation (area planted)', 'ha', 'SS-BUILD-TIMBER'],
  // Light industry. Fabrics are counted in tonnes (1 t of cotton-vinalon cloth is about 7,000 m2).
  ['yarn', 'Yarn', 't', 'SS-LIGHT-TEXT'],
  ['fabrics', 'Fabrics', 't', 'SS-LIGHT-TEXT', 'goal'],
  ['garments', 'Garments', 'pieces', 'SS-LIGHT-TEXT'],
  ['soy_sauce', 'Soy sauce', 't', 'SS-LIGHT-FOOD'],
  ['bean_paste', 'Bean paste', 't', 'SS-LIGHT-FOOD'],
  ['cooking_oil', 'Cooking oil', 't', 'SS-LIGHT-FOOD'],
  ['footwear', 'Footwear (pairs)', 'pieces', 'SS-LIGHT-GOODS'],
  ['paper', 'Paper', 't', 'SS-LIGHT-GOODS'],
  ['soap', 'Soap and detergent', 't', 'SS-LIGHT-GOODS'],
  // Agriculture
  ['grain', 'Grain', 't', 'SS-AGRI-GRAIN', 'goal'],
  ['soybeans', 'Soybeans', 't', 'SS-AGRI-GRAIN'],
  ['potatoes', 'Potatoes', 't', 'SS-AGRI-GRAIN'],
  ['vegetables', 'Vegetables', 't', 'SS-AGRI-HORT'],
  ['fruit', 'Fruit', 't', 'SS-AGRI-HORT'],
  ['meat', 'Meat', 't', 'SS-AGRI-LIVE'],
  ['eggs', 'Eggs', 'pieces', 'SS-AGRI-LIVE'],
  // Fishing
  ['marine_products', 'Marine products', 't', 'SS-FISH-CATCH', 'goal'],
  ['seaweed', 'Seaweed (kelp and laver)', 't', 'SS-FISH-AQUA'],
  ['processed_fish', 'Processed fish products', 't', 'SS-FISH-PROC'],
  // Rail transport. Freight is counted in tonnes carried.
  ['rail_freight', 'Railway freight', 't', 'SS-RAIL-FREIGHT', 'goal'],
  ['concrete_sleepers', 'Concrete sleepers', 'pieces', 'SS-RAIL-TRACK'],
  ['track_modernisation', 'Track modernisation (percent of works done)', 'percent', 'SS-RAIL-TRACK'],
  ['wagon_repairs', 'Wagon capital repairs', 'pieces', 'SS-RAIL-REPAIR'],
  // Construction
  ['housing', 'Housing', 'flats', 'SS-CONSTR-HOUSING', 'goal'],
  ['ready_mixed_concrete', 'Ready-mixed concrete', 'm3', 'SS-CONSTR-INDUS'],
  ['regional_factory_construction', 'Regional-industry factory construction (percent of works done)', 'percent', 'SS-CONSTR-INDUS'],
  ['earthworks', 'Earthworks', 'm3', 'SS-CONSTR-LAND'],
  ['irrigation_works', 'Irrigation works (percent of works done)', 'percent', 'SS-CONSTR-LAND'],
  ['tideland_reclamation', 'Tideland reclamation', 'ha', 'SS-CONSTR-LAND'],
];

/**
 * The 71 products and indicators. Exactly 12 are goals, the "12 major goals of national economic
 * development": grain, electricity, coal, rolled steel, non-ferrous metals, nitrogen fertiliser, cement,
 * timber, fabrics, marine products, housing and railway freight. The twelfth, railway freight, is chosen
 * because the seeds name rail transport among the key sectors that are given goals (plenum of December
 * 2024: "goals to be attained by ... metal, chemical, electric-power, machine-building and coal-mining
 * industries and rail transport"), rail transport is one of the 12 sector ministries of DOMAIN.md, and
 * published lists of the 12 goals end with railway freight transport.
 * @example PRODUCTS.find((p) => p.code === 'cement') // { code: 'cement', name: 'Cement', unit: 't', aggregation: 'sum', goal: true, sector: 'S-BUILD', subsector: 'SS-BUILD-CEMENT' }
 */
export const PRODUCTS: readonly ProductDef[] = ROWS.map(([code, name, unit, subsector, goal]) => ({
  code,
  name,
  unit,
  aggregation: unit === 'percent' ? 'weighted_mean' : 'sum',
  goal: goal === 'goal',
  sector: sectorOf(subsector),
  subsector,
}));

/** Codes of the 12 goal products, in catalogue order. */
export const GOAL_PRODUCT_CODES: readonly string[] = PRODUCTS.filter((p) => p.goal).map((p) => p.code);
