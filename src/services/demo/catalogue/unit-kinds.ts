// Kinds of producing units per sub-sector: names, products, capacities, workforce, where they stand.
import { REGIONS } from './regions.js';
import { seasonalityOf } from './seasonality.js';
import type { UnitKind, UnitKindProduct, UnitKindSpec } from './types.js';

/**
 * Working days a year that daily capacities refer to: annual capacity = daily capacity x this, except
 * for continuous units (power stations) that work all 365 days. Monthly capacity follows the product's
 * seasonality (capacity in month m = daily x factor[m]).
 */
export const WORKING_DAYS_PER_YEAR = 300;

/** Days a year a continuous unit (power station) works. */
export const CONTINUOUS_DAYS_PER_YEAR = 365;

/** Worker-hours a year per worker (300 days of 8 hours), for checking workforce against labour. */
export const HOURS_PER_WORKER_YEAR = 2_400;

/** Weight of each region by its number of cities and counties: for kinds found in every county. */
const EVERY_COUNTY: Readonly<Record<string, number>> = Object.fromEntries(REGIONS.map((r) => [r.code, r.counties.length]));

/** As EVERY_COUNTY but without the capital's urban districts (farms, mines, local industry). */
const RURAL_COUNTIES: Readonly<Record<string, number>> = { ...EVERY_COUNTY, 'P-PYO': 2, 'P-NAM': 2, 'P-RAS': 2 };

type Cap = readonly [product: string, min: number, max: number];

function spec(
  key: string,
  subsector: string,
  kind: UnitKind,
  namePatterns: readonly string[],
  caps: readonly Cap[],
  workforce: readonly [number, number],
  nationalCount: number,
  regionWeights: Readonly<Record<string, number>>,
  coastalOnly = false,
): UnitKindSpec {
  const products: UnitKindProduct[] = caps.map(([product, min, max]) => ({
    product,
    dailyCapacity: { min, max },
    seasonality: seasonalityOf(product),
  }));
  return {
    key,
    subsector,
    kind,
    namePatterns,
    products,
    workforce: { min: workforce[0], max: workforce[1] },
    workingDaysPerYear: kind === 'power_station' ? CONTINUOUS_DAYS_PER_YEAR : WORKING_DAYS_PER_YEAR,
    nationalCount,
    regionWeights,
    coastalOnly,
  };
}

/**
 * Kinds of units, grouped by sub-sector (every sub-sector has at least one). A unit of a kind makes
 * the kind's products, all of its own sub-sector, with a capacity per working day drawn from each
 * product's [min, max]. nationalCount x mid capacity x workingDaysPerYear covers the 2026 gross
 * output of each product with a reserve of 0-100 % (checked in the catalogue test).
 * @example UNIT_KINDS.find((k) => k.key === 'cement-factory')?.namePatterns[0] // '{county} Cement Factory'
 */
export const UNIT_KINDS: readonly UnitKindSpec[] = [
  // ---- Metal ----
  spec('steel-complex', 'SS-METAL-STEEL', 'complex', ['{county} Iron and Steel Complex', '{county} Steel Complex'],
    [['pig_iron', 350, 1_300], ['crude_steel', 300, 1_300], ['rolled_steel', 250, 1_100]],
    [3_000, 12_000], 5, { 'P-NHG': 2, 'P-NHW': 1, 'P-NAM': 1, 'P-SPY': 1, 'P-NPY': 0.5, 'P-CHA': 0.5 }),
  spec('steel-works', 'SS-METAL-STEEL', 'works', ['{county} Steel Works', '{county} Steel Rolling Mill'],
    [['crude_steel', 20, 150], ['rolled_steel', 20, 150]],
    [400, 2_000], 12, { 'P-NHG': 1, 'P-NHW': 1, 'P-NAM': 1, 'P-SPY': 1, 'P-NPY': 1, 'P-CHA': 1, 'P-PYO': 1, 'P-SHG': 1, 'P-KAN': 0.5 }),
  spec('smelter', 'SS-METAL-NONFER', 'works', ['{county} Smelter', '{county} Non-ferrous Smelting Works'],
    [['non_ferrous_metals', 20, 100]],
    [800, 4_000], 5, { 'P-SHG': 2, 'P-KAN': 1, 'P-NAM': 1, 'P-NPY': 0.5, 'P-RYA': 0.5 }),
  spec('ferro-alloy-factory', 'SS-METAL-FERRO', 'factory', ['{county} Ferro-alloy Factory'],
    [['ferro_alloys', 10, 40]],
    [200, 800], 4, { 'P-SHG': 1, 'P-NHG': 1, 'P-NPY': 0.5, 'P-CHA': 0.5 }),
  spec('refractory-factory', 'SS-METAL-FERRO', 'factory', ['{county} Refractory Factory', '{county} Refractory Materials Factory'],
    [['refractories', 20, 100]],
    [200, 800], 5, { 'P-SHG': 2, 'P-NHG': 1, 'P-SPY': 1, 'P-NHW': 1 }),

  // ---- Chemical ----
  spec('fertiliser-complex', 'SS-CHEM-FERT', 'complex', ['{county} Fertilizer Complex', '{county} Chemical Complex'],
    [['nitrogen_fertiliser', 300, 1_500]],
    [3_000, 10_000], 4, { 'P-SHG': 2, 'P-SPY': 2, 'P-NPY': 1, 'P-NHG': 0.5 }),
  spec('phosphate-factory', 'SS-CHEM-FERT', 'factory', ['{county} Phosphatic Fertilizer Factory'],
    [['phosphate_fertiliser', 150, 600]],
    [500, 2_000], 4, { 'P-SPY': 1, 'P-NPY': 1, 'P-SHG': 1 }),
  spec('chemical-factory', 'SS-CHEM-BASIC', 'factory', ['{county} Chemical Factory', '{county} Basic Chemicals Factory'],
    [['sulphuric_acid', 30, 150], ['caustic_soda', 10, 50]],
    [200, 800], 8, { 'P-SHG': 2, 'P-SPY': 2, 'P-NPY': 1, 'P-NHG': 1, 'P-PYO': 1, 'P-NAM': 1, 'P-KAN': 0.5, 'P-CHA': 0.5 }),
  spec('explosives-factory', 'SS-CHEM-BASIC', 'factory', ['{county} Blasting Materials Factory'],
    [['industrial_explosives', 10, 40]],
    [150, 600], 5, { 'P-SPY': 1, 'P-SHG': 1, 'P-NHG': 1, 'P-CHA': 1, 'P-NHW': 0.5 }),
  spec('vinalon-complex', 'SS-CHEM-SYNTH', 'complex', ['{county} Vinalon Complex'],
    [['vinalon_fibre', 30, 120], ['synthetic_resin', 80, 300]],
    [3_000, 10_000], 2, { 'P-SHG': 1, 'P-SPY': 1 }),
  spec('tyre-factory', 'SS-CHEM-SYNTH', 'factory', ['{county} Tyre Factory'],
    [['rubber_tyres', 150, 700]],
    [600, 2_000], 2, { 'P-CHA': 1, 'P-SPY': 0.5 }),

  // ---- Power ---- (continuous: per calendar day, 365 a year)
  spec('thermal-power-complex', 'SS-POWER-THERMAL', 'power_station', ['{county} Thermal Power Complex', '{county} Thermal Power Station'],
    [['electricity', 2_000, 10_000]],
    [1_500, 6_000], 7, { 'P-PYO': 2, 'P-SPY': 2, 'P-NHG': 1, 'P-SHG': 1, 'P-NAM': 0.5, 'P-NPY': 0.5, 'P-RAS': 0.3 }),
  spec('hydro-power-station', 'SS-POWER-HYDRO', 'power_station', ['{county} Power Station', '{county} Youth Power Station'],
    [['electricity', 300, 5_000]],
    [300, 2_500], 16, { 'P-CHA': 3, 'P-NPY': 2, 'P-RYA': 2, 'P-SHG': 2, 'P-KAN': 1.5, 'P-NHG': 1, 'P-SPY': 1, 'P-NHW': 0.5, 'P-SHW': 0.3 }),
  spec('small-power-station', 'SS-POWER-SMALL', 'power_station', ['{county} Small and Medium Power Station', '{county} Power Station No. 2'],
    [['electricity', 10, 120]],
    [10, 60], 100, { 'P-CHA': 3, 'P-RYA': 2, 'P-NPY': 2, 'P-SHG': 2, 'P-KAN': 2, 'P-NHG': 1.5, 'P-SPY': 1, 'P-NHW': 1, 'P-SHW': 0.5 }),

  // ---- Coal ----
  spec('coal-mining-complex', 'SS-COAL-ANTHR', 'complex', ['{county} Area Coal Mining Complex'],
    [['coal', 3_000, 10_000]],
    [8_000, 25_000], 6, { 'P-SPY': 6, 'P-NHW': 0.5, 'P-PYO': 0.5 }),
  spec('anthracite-mine', 'SS-COAL-ANTHR', 'mine', ['{county} Coal Mine', '{county} Youth Coal Mine'],
    [['coal', 100, 800]],
    [300, 2_000], 60, { 'P-SPY': 5, 'P-NHW': 1, 'P-CHA': 1, 'P-KAN': 1, 'P-PYO': 0.5, 'P-SHG': 1 }),
  spec('brown-coal-mine', 'SS-COAL-BROWN', 'mine', ['{county} Coal Mine', '{county} Youth Coal Mine'],
    [['coal', 200, 1_500]],
    [800, 3_500], 15, { 'P-NHG': 4, 'P-SHG': 1, 'P-RAS': 0.5, 'P-SPY': 1 }),
  spec('briquette-factory', 'SS-COAL-BRIQ', 'factory', ['{county} Coal Briquette Factory'],
    [['coal_briquettes', 20, 100]],
    [20, 80], 200, EVERY_COUNTY),

  // ---- Machine-building ----
  spec('heavy-machine-complex', 'SS-MACH-HEAVY', 'complex', ['{county} Heavy Machine Complex', '{county} Machine Complex'],
    [['mining_equipment', 0.2, 1], ['pumps', 2, 8], ['spare_parts', 20, 100]],
    [3_000, 10_000], 4, { 'P-NAM': 1, 'P-PYO': 1, 'P-NPY': 1, 'P-SHG': 1, 'P-NHG': 0.5, 'P-CHA': 0.5 }),
  spec('machine-tool-factory', 'SS-MACH-HEAVY', 'factory', ['{county} Machine Tool Factory'],
    [['machine_tools', 0.5, 2.5], ['spare_parts', 2, 10]],
    [800, 3_000], 4, { 'P-CHA': 2, 'P-NPY': 1, 'P-PYO': 1, 'P-SHG': 0.5 }),
  spec('machine-factory', 'SS-MACH-HEAVY', 'factory', ['{county} Machine Factory', '{county} Farm Machine Factory'],
    [['spare_parts', 1, 8]],
    [100, 500], 60, RURAL_COUNTIES),
  spec('motor-complex', 'SS-MACH-VEH', 'complex', ['{county} Motor Complex', '{county} Motor Vehicle Factory'],
    [['trucks', 2, 8]],
    [2_000, 6_000], 2, { 'P-SPY': 1, 'P-PYO': 0.5, 'P-CHA': 0.5 }),
  spec('tractor-factory', 'SS-MACH-VEH', 'factory', ['{county} Tractor Factory'],
    [['tractors', 2, 12]],
    [1_500, 4_000], 2, { 'P-NAM': 1, 'P-SPY': 0.5, 'P-NPY': 0.5 }),
  spec('rolling-stock-complex', 'SS-MACH-VEH', 'complex', ['{county} Rolling Stock Complex', '{county} Electric Locomotive Complex'],
    [['freight_wagons', 0.8, 2.4], ['electric_locomotives', 0.05, 0.13]],
    [2_000, 6_000], 2, { 'P-PYO': 1, 'P-KAN': 1, 'P-NHG': 0.5, 'P-SPY': 0.5 }),
  spec('electric-machine-factory', 'SS-MACH-ELEC', 'factory', ['{county} Electric Machine Factory', '{county} Electric Appliances Plant'],
    [['electric_motors', 10, 55], ['transformers', 0.5, 1.7]],
    [500, 2_500], 7, { 'P-SHG': 2, 'P-PYO': 1, 'P-NPY': 1, 'P-CHA': 1, 'P-NAM': 0.5 }),

  // ---- Mining ----
  spec('iron-mining-complex', 'SS-MINING-IRON', 'complex', ['{county} Mining Complex'],
    [['iron_ore', 800, 3_200]],
    [2_500, 9_000], 3, { 'P-NHG': 3, 'P-SHW': 2, 'P-NPY': 1 }),
  spec('iron-mine', 'SS-MINING-IRON', 'mine', ['{county} Iron Mine', '{county} Mine'],
    [['iron_ore', 50, 300]],
    [200, 800], 10, { 'P-NHG': 2, 'P-SHW': 2, 'P-NHW': 1, 'P-SHG': 1, 'P-NPY': 1, 'P-CHA': 0.5 }),
  spec('nonferrous-mining-complex', 'SS-MINING-NONFER', 'complex', ['{county} Mining Complex', '{county} Mine'],
    [['zinc_concentrate', 40, 150], ['lead_concentrate', 8, 30]],
    [2_500, 8_000], 3, { 'P-SHG': 4, 'P-NHG': 1, 'P-NPY': 1 }),
  spec('nonferrous-mine', 'SS-MINING-NONFER', 'mine', ['{county} Mine', '{county} Youth Mine'],
    [['zinc_concentrate', 2, 10], ['lead_concentrate', 0.5, 2]],
    [100, 500], 15, { 'P-SHG': 2, 'P-RYA': 2, 'P-NPY': 1, 'P-CHA': 1, 'P-KAN': 1, 'P-NHW': 1, 'P-NHG': 1 }),
  spec('copper-mine', 'SS-MINING-NONFER', 'mine', ['{county} Youth Copper Mine', '{county} Copper Mine'],
    [['copper_concentrate', 3, 10]],
    [300, 1_000], 3, { 'P-RYA': 3, 'P-NPY': 1, 'P-CHA': 1 }),
  spec('magnesia-factory', 'SS-MINING-NONMET', 'factory', ['{county} Magnesia Factory'],
    [['magnesia_clinker', 100, 400]],
    [500, 2_000], 2, { 'P-SHG': 1 }),
  spec('limestone-mine', 'SS-MINING-NONMET', 'mine', ['{county} Limestone Mine', '{county} Lime Quarry'],
    [['limestone', 300, 2_000]],
    [50, 300], 40, { 'P-SPY': 2, 'P-NHW': 2, 'P-KAN': 1, 'P-SHG': 1, 'P-NPY': 1, 'P-SHW': 1, 'P-PYO': 0.5, 'P-CHA': 1, 'P-NHG': 1, 'P-RYA': 0.5 }),
  spec('apatite-mine', 'SS-MINING-NONMET', 'mine', ['{county} Apatite Mine'],
    [['apatite_ore', 150, 600]],
    [300, 1_200], 2, { 'P-NPY': 1, 'P-KAN': 0.5, 'P-SHG': 0.5 }),

  // ---- Building materials ----
  spec('cement-complex', 'SS-BUILD-CEMENT', 'complex', ['{county} Cement Complex'],
    [['cement', 2_000, 8_000]],
    [2_000, 6_000], 4, { 'P-NHW': 2, 'P-SPY': 2, 'P-KAN': 1, 'P-NHG': 1, 'P-SHG': 0.5 }),
  spec('cement-factory', 'SS-BUILD-CEMENT', 'factory', ['{county} Cement Factory'],
    [['cement', 50, 300]],
    [100, 500], 30, RURAL_COUNTIES),
  spec('glass-factory', 'SS-BUILD-GLASS', 'factory', ['{county} Glass Factory'],
    [['sheet_glass', 40, 150]],
    [500, 1_500], 3, { 'P-NAM': 1, 'P-PYO': 0.5, 'P-SHG': 0.5, 'P-NPY': 0.5 }),
  spec('ceramics-factory', 'SS-BUILD-GLASS', 'factory', ['{county} Ceramics Factory', '{county} Tile Factory'],
    [['ceramic_tiles', 10, 40]],
    [80, 300], 15, { 'P-PYO': 1, 'P-SPY': 1, 'P-NPY': 1, 'P-SHW': 1, 'P-NHW': 1, 'P-KAN': 1, 'P-SHG': 1, 'P-NHG': 1, 'P-CHA': 0.5 }),
  spec('building-materials-factory', 'SS-BUILD-WALL', 'factory', ['{county} Building-Materials Factory', '{county} Brick Factory'],
    [['bricks', 8_000, 25_000], ['precast_concrete', 15, 80]],
    [80, 300], 150, RURAL_COUNTIES),
  spec('precast-factory', 'SS-BUILD-WALL', 'factory', ['{county} Precast Concrete Factory', '{county} Building Components Factory'],
    [['precast_concrete', 100, 500]],
    [200, 800], 6, { 'P-PYO': 3, 'P-SPY': 1, 'P-SHG': 1, 'P-NHG': 1, 'P-NPY': 1, 'P-NHW': 0.5, 'P-KAN': 0.5 }),
  spec('forestry-station', 'SS-BUILD-TIMBER', 'station', ['{county} Forestry Station', '{county} Timber Station'],
    [['timber', 20, 100], ['afforestation', 0.6, 2.8]],
    [100, 500], 110, { 'P-CHA': 3, 'P-RYA': 3, 'P-NHG': 2, 'P-SHG': 2, 'P-KAN': 1.5, 'P-NPY': 1.5, 'P-SPY': 0.5, 'P-NHW': 0.5, 'P-SHW': 0.3 }),
  spec('sawmill', 'SS-BUILD-TIMBER', 'factory', ['{county} Wood Processing Factory', '{county} Sawmill'],
    [['sawn_wood', 8, 30]],
    [30, 150], 80, { 'P-CHA': 2, 'P-RYA': 2, 'P-NHG': 1, 'P-SHG': 1, 'P-KAN': 1, 'P-NPY': 1, 'P-PYO': 0.5, 'P-SPY': 0.5 }),

  // ---- Light industry ----
  spec('textile-mill', 'SS-LIGHT-TEXT', 'factory', ['{county} Textile Mill', '{county} Textile Factory'],
    [['yarn', 6, 24], ['fabrics', 5, 20]],
    [600, 3_000], 10, { 'P-PYO': 2, 'P-NPY': 2, 'P-SHG': 1, 'P-NHG': 1, 'P-SPY': 1, 'P-KAN': 0.5, 'P-CHA': 0.5, 'P-SHW': 0.5 }),
  spec('garment-factory', 'SS-LIGHT-TEXT', 'factory', ['{county} Garment Factory', '{county} Clothing Factory'],
    [['garments', 200, 1_500]],
    [80, 400], 150, EVERY_COUNTY),
  spec('foodstuff-factory', 'SS-LIGHT-FOOD', 'factory', ['{county} Foodstuff Factory', '{county} Basic Foodstuff Factory'],
    [['soy_sauce', 1, 5], ['bean_paste', 1, 5], ['cooking_oil', 0.2, 1]],
    [30, 150], 200, EVERY_COUNTY),
  spec('oil-factory', 'SS-LIGHT-FOOD', 'factory', ['{county} Oil Factory', '{county} Edible Oil Factory'],
    [['cooking_oil', 10, 40]],
    [80, 300], 4, { 'P-SHW': 1, 'P-NPY': 1, 'P-PYO': 1, 'P-SHG': 0.5 }),
  spec('daily-necessities-factory', 'SS-LIGHT-GOODS', 'factory', ['{county} Daily Necessities Factory', '{county} Consumer Goods Factory'],
    [['footwear', 100, 600], ['soap', 0.2, 0.8]],
    [50, 200], 200, EVERY_COUNTY),
  spec('shoe-factory', 'SS-LIGHT-GOODS', 'factory', ['{county} Shoe Factory', '{county} Footwear Factory'],
    [['footwear', 1_000, 5_000]],
    [500, 2_000], 8, { 'P-PYO': 2, 'P-NPY': 1, 'P-SHG': 1, 'P-SPY': 0.5 }),
  spec('paper-mill', 'SS-LIGHT-GOODS', 'factory', ['{county} Paper Mill'],
    [['paper', 10, 50]],
    [300, 1_200], 8, { 'P-CHA': 1, 'P-NPY': 1, 'P-SHG': 1, 'P-RYA': 0.5, 'P-KAN': 0.5 }),
  spec('soap-factory', 'SS-LIGHT-GOODS', 'factory', ['{county} Cosmetics Factory', '{county} Soap Factory'],
    [['soap', 5, 20]],
    [100, 400], 3, { 'P-PYO': 1, 'P-NPY': 1, 'P-SHG': 0.5 }),

  // ---- Agriculture ---- (capacities per working day averaged over the year; seasonality shapes months)
  spec('cooperative-farm', 'SS-AGRI-GRAIN', 'farm', ['{county} Cooperative Farm', '{county} State Farm'],
    [['grain', 2.5, 10], ['soybeans', 0.15, 0.9], ['potatoes', 0.6, 2.8]],
    [300, 1_200], 3_500,
    { 'P-SHW': 5, 'P-NHW': 3, 'P-SPY': 3, 'P-NPY': 3, 'P-KAN': 1.5, 'P-SHG': 1.5, 'P-NHG': 1, 'P-CHA': 0.5, 'P-RYA': 0.5,
      'P-PYO': 0.7, 'P-NAM': 0.5, 'P-KAE': 0.5, 'P-RAS': 0.1 }),
  spec('potato-farm', 'SS-AGRI-GRAIN', 'farm', ['{county} Potato Farm'],
    [['potatoes', 20, 100]],
    [200, 800], 10, { 'P-RYA': 5, 'P-NHG': 1, 'P-CHA': 1, 'P-SHG': 1 }),
  spec('vegetable-farm', 'SS-AGRI-HORT', 'farm', ['{county} Vegetable Farm', '{county} Greenhouse Farm'],
    [['vegetables', 15, 70]],
    [150, 600], 400, { ...RURAL_COUNTIES, 'P-PYO': 10 }),
  spec('fruit-farm', 'SS-AGRI-HORT', 'farm', ['{county} Fruit Farm', '{county} Orchard'],
    [['fruit', 5, 30]],
    [200, 900], 130, { 'P-SHW': 2, 'P-KAN': 2, 'P-SHG': 2, 'P-NHW': 1, 'P-SPY': 1, 'P-NPY': 1, 'P-PYO': 0.5, 'P-NAM': 0.5, 'P-KAE': 0.5 }),
  spec('livestock-farm', 'SS-AGRI-LIVE', 'farm', ['{county} Livestock Farm', '{county} Goat Farm'],
    [['meat', 1, 5]],
    [50, 300], 300, RURAL_COUNTIES),
  spec('chicken-farm', 'SS-AGRI-LIVE', 'farm', ['{county} Chicken Farm'],
    [['eggs', 10_000, 80_000], ['meat', 0.2, 1]],
    [100, 500], 100, { 'P-PYO': 3, 'P-SPY': 1, 'P-NPY': 1, 'P-SHW': 1, 'P-NHW': 1, 'P-SHG': 1, 'P-NHG': 1, 'P-KAN': 1, 'P-NAM': 1 }),

  // ---- Fishing ----
  spec('fishery-station', 'SS-FISH-CATCH', 'fishery', ['{county} Fishery Station', '{county} Fisheries Station'],
    [['marine_products', 10, 60]],
    [300, 2_000], 80, { 'P-SHG': 3, 'P-NHG': 3, 'P-KAN': 2, 'P-SHW': 2, 'P-NPY': 1.5, 'P-SPY': 1, 'P-NAM': 1, 'P-RAS': 1 }, true),
  spec('aquaculture-station', 'SS-FISH-AQUA', 'fishery', ['{county} Aquatic Products Station', '{county} Fish Farm', '{county} Offshore Farm'],
    [['marine_products', 1, 6], ['seaweed', 8, 45]],
    [100, 600], 70, { 'P-SHW': 2, 'P-NPY': 2, 'P-SHG': 2, 'P-KAN': 1, 'P-NHG': 1, 'P-SPY': 1, 'P-NAM': 1, 'P-RAS': 1 }, true),
  spec('fish-processing-factory', 'SS-FISH-PROC', 'factory', ['{county} Fish Processing Factory', '{county} Marine Products Processing Factory'],
    [['processed_fish', 3, 15]],
    [60, 300], 40, { 'P-SHG': 3, 'P-NHG': 3, 'P-KAN': 2, 'P-SHW': 2, 'P-NPY': 1.5, 'P-SPY': 1, 'P-NAM': 1, 'P-RAS': 1, 'P-PYO': 0.5 }),

  // ---- Rail transport ----
  spec('railway-bureau', 'SS-RAIL-FREIGHT', 'enterprise', ['{county} Railway Bureau'],
    [['rail_freight', 10_000, 24_000]],
    [5_000, 15_000], 5, { 'P-PYO': 1, 'P-SPY': 1, 'P-SHG': 1, 'P-NHG': 1, 'P-NHW': 1 }),
  spec('freight-station', 'SS-RAIL-FREIGHT', 'station', ['{county} Station', '{county} Freight Station'],
    [['rail_freight', 100, 600]],
    [50, 300], 80, EVERY_COUNTY),
  spec('track-enterprise', 'SS-RAIL-TRACK', 'enterprise', ['{county} Track Maintenance Enterprise', '{county} Railway Construction Enterprise'],
    [['concrete_sleepers', 200, 1_200], ['track_modernisation', 0.1, 0.5]],
    [300, 1_500], 5, { 'P-PYO': 1, 'P-SPY': 1, 'P-SHG': 1, 'P-NHG': 1, 'P-NHW': 1, 'P-KAN': 0.5 }),
  spec('wagon-repair-works', 'SS-RAIL-REPAIR', 'works', ['{county} Wagon Repair Works', '{county} Rolling Stock Repair Works'],
    [['wagon_repairs', 0.5, 2.5]],
    [300, 1_200], 8, { 'P-PYO': 1, 'P-KAN': 1, 'P-SPY': 1, 'P-SHG': 1, 'P-NHG': 1, 'P-NHW': 0.5 }),

  // ---- Construction ----
  spec('housing-builder', 'SS-CONSTR-HOUSING', 'construction_company', ['{county} Housing Construction Enterprise', '{county} Construction Complex'],
    [['housing', 3, 6]],
    [2_000, 8_000], 8, { 'P-PYO': 10, 'P-SPY': 0.5, 'P-SHG': 0.5, 'P-NHG': 0.5 }),
  spec('county-construction', 'SS-CONSTR-HOUSING', 'construction_company', ['{county} Construction Company', '{county} Rural Construction Enterprise'],
    [['housing', 0.2, 0.6]],
    [150, 600], 200, RURAL_COUNTIES),
  spec('industrial-construction', 'SS-CONSTR-INDUS', 'construction_company', ['{county} Industrial Construction Enterprise', '{county} Building Enterprise'],
    [['regional_factory_construction', 0.1, 0.3], ['ready_mixed_concrete', 60, 340]],
    [400, 1_500], 40, { ...EVERY_COUNTY, 'P-PYO': 30 }),
  spec('land-development', 'SS-CONSTR-LAND', 'construction_company', ['{county} Land Development Enterprise', '{county} Irrigation Construction Enterprise'],
    [['earthworks', 600, 4_400], ['irrigation_works', 0.01, 0.05]],
    [200, 1_500], 60,
    { 'P-SHW': 3, 'P-SPY': 2, 'P-NPY': 2, 'P-NHW': 2, 'P-KAN': 1, 'P-SHG': 1, 'P-NHG': 0.5, 'P-NAM': 0.5, 'P-PYO': 0.5,
      'P-KAE': 0.5, 'P-CHA': 0.3, 'P-RYA': 0.2 }),
  spec('tideland-enterprise', 'SS-CONSTR-LAND', 'construction_company', ['{county} Tideland Reclamation Enterprise'],
    [['tideland_reclamation', 0.5, 2.5], ['earthworks', 1_000, 6_000]],
    [500, 3_000], 8, { 'P-NPY': 2, 'P-SPY': 1, 'P-SHW': 2, 'P-NAM': 0.5 }, true),
];
