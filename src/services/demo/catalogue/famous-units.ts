// Real, named establishments of the demo economy (from the seeds and general knowledge).
import type { FamousUnit, UnitKind } from './types.js';

/** [code, name, county code, subsector, kind, spec key, { product: capacity per working day }, workforce, note?] */
type Row = readonly [string, string, string, string, UnitKind, string, Readonly<Record<string, number>>, number, string?];

const ROWS: readonly Row[] = [
  // Building materials
  ['U-SANGWON-CEMENT', 'Sangwon Cement Complex', 'C-NHW-SANGWON', 'SS-BUILD-CEMENT', 'complex', 'cement-complex', { cement: 7_000 }, 5_000,
    'Kindled the 2025 increased-production movement (seeds).'],
  ['U-SUNCHON-CEMENT', 'Sunchon Cement Complex', 'C-SPY-SUNCHON', 'SS-BUILD-CEMENT', 'complex', 'cement-complex', { cement: 5_000 }, 4_000],
  ['U-KOMUSAN-CEMENT', 'Komusan Cement Factory', 'C-NHG-PURYONG', 'SS-BUILD-CEMENT', 'factory', 'cement-complex', { cement: 2_500 }, 2_500],
  ['U-TAEAN-GLASS', 'Taean Friendship Glass Factory', 'C-NAM-TAEAN', 'SS-BUILD-GLASS', 'factory', 'glass-factory', { sheet_glass: 130 }, 1_200],
  // Metal
  ['U-KIMCHAEK-STEEL', 'Kim Chaek Iron and Steel Complex', 'C-NHG-CHONGJIN', 'SS-METAL-STEEL', 'complex', 'steel-complex',
    { pig_iron: 1_500, crude_steel: 1_500, rolled_steel: 1_200 }, 15_000],
  ['U-HWANGHAE-STEEL', 'Hwanghae Iron and Steel Complex', 'C-NHW-SONGRIM', 'SS-METAL-STEEL', 'complex', 'steel-complex',
    { pig_iron: 1_100, crude_steel: 1_100, rolled_steel: 900 }, 12_000],
  ['U-CHOLLIMA-STEEL', 'Chollima Steel Complex', 'C-NAM-CHOLLIMA', 'SS-METAL-STEEL', 'complex', 'steel-complex',
    { crude_steel: 1_000, rolled_steel: 900 }, 10_000, 'Electric-arc steel, no blast furnace.'],
  ['U-SONGJIN-STEEL', 'Songjin Steel Complex', 'C-NHG-KIMCHAEK', 'SS-METAL-STEEL', 'complex', 'steel-complex',
    { pig_iron: 350, crude_steel: 500, rolled_steel: 400 }, 6_000],
  ['U-MUNPYONG-SMELTER', 'Munpyong Smelter', 'C-KAN-MUNCHON', 'SS-METAL-NONFER', 'works', 'smelter', { non_ferrous_metals: 90 }, 3_000],
  // Chemical
  ['U-NAMHUNG-CHEMICAL', 'Namhung Youth Chemical Complex', 'C-SPY-ANJU', 'SS-CHEM-FERT', 'complex', 'fertiliser-complex',
    { nitrogen_fertiliser: 1_000 }, 8_000],
  ['U-HUNGNAM-FERTILIZER', 'Hungnam Fertilizer Complex', 'C-SHG-HUNGNAM', 'SS-CHEM-FERT', 'complex', 'fertiliser-complex',
    { nitrogen_fertiliser: 1_300 }, 9_000],
  ['U-SUNCHON-PHOSPHATE', 'Sunchon Phosphatic Fertilizer Factory', 'C-SPY-SUNCHON', 'SS-CHEM-FERT', 'factory', 'phosphate-factory',
    { phosphate_fertiliser: 550 }, 1_800],
  ['U-FEB8-VINALON', 'February 8 Vinalon Complex', 'C-SHG-HAMHUNG', 'SS-CHEM-SYNTH', 'complex', 'vinalon-complex',
    { vinalon_fibre: 100, synthetic_resin: 250 }, 8_000],
  ['U-AMNOKGANG-TYRE', 'Amnokgang Tyre Factory', 'C-CHA-KANGGYE', 'SS-CHEM-SYNTH', 'factory', 'tyre-factory', { rubber_tyres: 550 }, 1_800],
  // Power
  ['U-PUKCHANG-TPC', 'Pukchang Thermal Power Complex', 'C-SPY-PUKCHANG', 'SS-POWER-THERMAL', 'power_station', 'thermal-power-complex',
    { electricity: 12_000 }, 5_000],
  ['U-PYONGYANG-TPC', 'Pyongyang Thermal Power Complex', 'C-PYO-PYONGCHON', 'SS-POWER-THERMAL', 'power_station', 'thermal-power-complex',
    { electricity: 3_500 }, 3_500],
  ['U-SUPUNG-PS', 'Supung Power Station', 'C-NPY-SAKJU', 'SS-POWER-HYDRO', 'power_station', 'hydro-power-station', { electricity: 6_000 }, 1_500,
    'The Korean share of the output of the dam on the Amnok River.'],
  ['U-HUICHON-PS', 'Huichon Power Station', 'C-CHA-HUICHON', 'SS-POWER-HYDRO', 'power_station', 'hydro-power-station', { electricity: 2_500 }, 1_200],
  ['U-ORANGCHON-PS', 'Orangchon Power Station', 'C-NHG-ORANG', 'SS-POWER-HYDRO', 'power_station', 'hydro-power-station', { electricity: 1_200 }, 600],
  // Coal: the South Phyongan provincial coalfield, where the 2023 coal-production movement was kindled (seeds)
  ['U-TOKCHON-COAL', 'Tokchon Area Coal Mining Complex', 'C-SPY-TOKCHON', 'SS-COAL-ANTHR', 'complex', 'coal-mining-complex', { coal: 7_000 }, 15_000],
  ['U-KAECHON-COAL', 'Kaechon Area Coal Mining Complex', 'C-SPY-KAECHON', 'SS-COAL-ANTHR', 'complex', 'coal-mining-complex', { coal: 6_000 }, 14_000],
  ['U-PUKCHANG-COAL', 'Pukchang Area Coal Mining Complex', 'C-SPY-PUKCHANG', 'SS-COAL-ANTHR', 'complex', 'coal-mining-complex', { coal: 5_500 }, 13_000],
  ['U-SUNCHON-COAL', 'Sunchon Area Coal Mining Complex', 'C-SPY-SUNCHON', 'SS-COAL-ANTHR', 'complex', 'coal-mining-complex', { coal: 6_500 }, 15_000],
  // Mining
  ['U-KOMDOK-MINING', 'Komdok Mining Complex', 'C-SHG-TANCHON', 'SS-MINING-NONFER', 'complex', 'nonferrous-mining-complex',
    { zinc_concentrate: 140, lead_concentrate: 28 }, 9_000, 'Housing in the Komdok area is part of the 2025 construction tasks (seeds).'],
  ['U-MUSAN-MINING', 'Musan Mining Complex', 'C-NHG-MUSAN', 'SS-MINING-IRON', 'complex', 'iron-mining-complex', { iron_ore: 3_000 }, 10_000],
  ['U-TANCHON-MAGNESIA', 'Tanchon Magnesia Factory', 'C-SHG-TANCHON', 'SS-MINING-NONMET', 'factory', 'magnesia-factory', { magnesia_clinker: 300 }, 1_500],
  ['U-HYESAN-COPPER', 'Hyesan Youth Copper Mine', 'C-RYA-HYESAN', 'SS-MINING-NONFER', 'mine', 'copper-mine', { copper_concentrate: 9 }, 1_000],
  // Machine-building
  ['U-TAEAN-HEAVY', 'Taean Heavy Machine Complex', 'C-NAM-TAEAN', 'SS-MACH-HEAVY', 'complex', 'heavy-machine-complex',
    { mining_equipment: 0.8, pumps: 6, spare_parts: 80 }, 8_000],
  ['U-RYONGSONG-MACHINE', 'Ryongsong Machine Complex', 'C-PYO-RYONGSONG', 'SS-MACH-HEAVY', 'complex', 'heavy-machine-complex',
    { mining_equipment: 0.7, spare_parts: 70 }, 7_000],
  ['U-RAKWON-MACHINE', 'Rakwon Machine Complex', 'C-NPY-SINUIJU', 'SS-MACH-HEAVY', 'complex', 'heavy-machine-complex',
    { pumps: 6, spare_parts: 50 }, 5_000],
  ['U-HUICHON-MACHINE-TOOL', 'Huichon Machine Tool Factory', 'C-CHA-HUICHON', 'SS-MACH-HEAVY', 'factory', 'machine-tool-factory',
    { machine_tools: 2, spare_parts: 8 }, 2_500],
  ['U-SUNGRI-MOTOR', 'Sungri Motor Complex', 'C-SPY-TOKCHON', 'SS-MACH-VEH', 'complex', 'motor-complex', { trucks: 6 }, 5_000],
  ['U-KUMSONG-TRACTOR', 'Kumsong Tractor Factory', 'C-NAM-KANGSO', 'SS-MACH-VEH', 'factory', 'tractor-factory', { tractors: 9 }, 3_000],
  ['U-HAMHUNG-APPLIANCES', 'Hamhung Youth Electric Appliances Plant', 'C-SHG-HAMHUNG', 'SS-MACH-ELEC', 'factory', 'electric-machine-factory',
    { electric_motors: 45, transformers: 1.2 }, 2_000, 'Ran a technical innovation contest on maintenance and new products (seeds).'],
  // Light industry
  ['U-SINUIJU-TEXTILE', 'Sinuiju Textile Mill', 'C-NPY-SINUIJU', 'SS-LIGHT-TEXT', 'factory', 'textile-mill', { yarn: 20, fabrics: 16 }, 3_000],
  ['U-SINUIJU-COSMETICS', 'Sinuiju Cosmetics Factory', 'C-NPY-SINUIJU', 'SS-LIGHT-GOODS', 'factory', 'soap-factory', { soap: 15 }, 600],
  // Agriculture and fishing
  ['U-KOSAN-FRUIT', 'Kosan Fruit Farm', 'C-KAN-KOSAN', 'SS-AGRI-HORT', 'farm', 'fruit-farm', { fruit: 120 }, 1_500],
  ['U-JUNGPHYONG-GREENHOUSE', 'Jungphyong Greenhouse Farm', 'C-NHG-KYONGSONG', 'SS-AGRI-HORT', 'farm', 'vegetable-farm', { vegetables: 90 }, 1_000],
  ['U-RYONPHO-GREENHOUSE', 'Ryonpho Greenhouse Farm', 'C-SHG-HAMJU', 'SS-AGRI-HORT', 'farm', 'vegetable-farm', { vegetables: 110 }, 1_200],
  ['U-SINPHO-OFFSHORE', 'Sinpho City Offshore Farm', 'C-SHG-SINPHO', 'SS-FISH-AQUA', 'fishery', 'aquaculture-station',
    { marine_products: 8, seaweed: 40 }, 500, 'Model for the trial offshore farm in another area (seeds).'],
];

function regionOf(county: string): string {
  // 'C-NHW-SANGWON' -> 'P-NHW'
  return `P-${county.split('-')[1]}`;
}

/**
 * 40 real named units with their county, sub-sector, kind, products and capacity per working day.
 * `spec` is the key of the UNIT_KINDS entry they belong to (name patterns aside, seasonality and
 * defaults come from it); they count towards that kind's nationalCount.
 * @example FAMOUS_UNITS[0] // { code: 'U-SANGWON-CEMENT', name: 'Sangwon Cement Complex', region: 'P-NHW', county: 'C-NHW-SANGWON', ... }
 */
export const FAMOUS_UNITS: readonly FamousUnit[] = ROWS.map(
  ([code, name, county, subsector, kind, spec, dailyCapacity, workforce, note]) => ({
    code,
    name,
    region: regionOf(county),
    county,
    subsector,
    kind,
    spec,
    products: Object.keys(dailyCapacity),
    workforce,
    dailyCapacity,
    ...(note === undefined ? {} : { note }),
  }),
);
