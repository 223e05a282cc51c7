// The 12 sectors of the national economy (DOMAIN.md) with their sub-sectors.
import type { SectorDef } from './types.js';

/**
 * The sector tree below the nation: 12 sector ministries, 3 sub-sectors each.
 * Timber sits in building materials (logging and sawmilling feed construction) because the 12 sectors of
 * DOMAIN.md have no forestry ministry.
 * @example SECTORS.find((s) => s.code === 'S-METAL')?.subsectors[0].code // 'SS-METAL-STEEL'
 */
export const SECTORS: readonly SectorDef[] = [
  {
    code: 'S-METAL',
    name: 'Metal industry',
    subsectors: [
      { code: 'SS-METAL-STEEL', name: 'Iron and steel' },
      { code: 'SS-METAL-NONFER', name: 'Non-ferrous metallurgy' },
      { code: 'SS-METAL-FERRO', name: 'Ferro-alloys and refractories' },
    ],
  },
  {
    code: 'S-CHEM',
    name: 'Chemical industry',
    subsectors: [
      { code: 'SS-CHEM-FERT', name: 'Fertilisers' },
      { code: 'SS-CHEM-BASIC', name: 'Basic chemicals and explosives' },
      { code: 'SS-CHEM-SYNTH', name: 'Vinalon, resins and rubber' },
    ],
  },
  {
    code: 'S-POWER',
    name: 'Electric power industry',
    subsectors: [
      { code: 'SS-POWER-THERMAL', name: 'Thermal power' },
      { code: 'SS-POWER-HYDRO', name: 'Hydropower' },
      { code: 'SS-POWER-SMALL', name: 'Small and medium hydropower' },
    ],
  },
  {
    code: 'S-COAL',
    name: 'Coal industry',
    subsectors: [
      { code: 'SS-COAL-ANTHR', name: 'Anthracite mining' },
      { code: 'SS-COAL-BROWN', name: 'Brown coal mining' },
      { code: 'SS-COAL-BRIQ', name: 'Coal preparation and briquettes' },
    ],
  },
  {
    code: 'S-MACH',
    name: 'Machine-building industry',
    subsectors: [
      { code: 'SS-MACH-HEAVY', name: 'Heavy and mining machinery' },
      { code: 'SS-MACH-VEH', name: 'Vehicles and rolling stock' },
      { code: 'SS-MACH-ELEC', name: 'Electrical machinery' },
    ],
  },
  {
    code: 'S-MINING',
    name: 'Mining industry',
    subsectors: [
      { code: 'SS-MINING-IRON', name: 'Iron ore' },
      { code: 'SS-MINING-NONFER', name: 'Non-ferrous ores' },
      { code: 'SS-MINING-NONMET', name: 'Magnesite, limestone and other minerals' },
    ],
  },
  {
    code: 'S-BUILD',
    name: 'Building-materials industry',
    subsectors: [
      { code: 'SS-BUILD-CEMENT', name: 'Cement' },
      { code: 'SS-BUILD-GLASS', name: 'Glass and ceramics' },
      { code: 'SS-BUILD-WALL', name: 'Bricks and precast concrete' },
      { code: 'SS-BUILD-TIMBER', name: 'Timber and forestry' },
    ],
  },
  {
    code: 'S-LIGHT',
    name: 'Light industry',
    subsectors: [
      { code: 'SS-LIGHT-TEXT', name: 'Textiles and garments' },
      { code: 'SS-LIGHT-FOOD', name: 'Foodstuffs and condiments' },
      { code: 'SS-LIGHT-GOODS', name: 'Daily necessities' },
    ],
  },
  {
    code: 'S-AGRI',
    name: 'Agriculture',
    subsectors: [
      { code: 'SS-AGRI-GRAIN', name: 'Grain and field crops' },
      { code: 'SS-AGRI-HORT', name: 'Vegetables and fruit' },
      { code: 'SS-AGRI-LIVE', name: 'Livestock' },
    ],
  },
  {
    code: 'S-FISH',
    name: 'Fishing industry',
    subsectors: [
      { code: 'SS-FISH-CATCH', name: 'Sea fishing' },
      { code: 'SS-FISH-AQUA', name: 'Aquaculture' },
      { code: 'SS-FISH-PROC', name: 'Fish processing' },
    ],
  },
  {
    code: 'S-RAIL',
    name: 'Rail transport',
    subsectors: [
      { code: 'SS-RAIL-FREIGHT', name: 'Freight haulage' },
      { code: 'SS-RAIL-TRACK', name: 'Track and electrification' },
      { code: 'SS-RAIL-REPAIR', name: 'Rolling-stock repair' },
    ],
  },
  {
    code: 'S-CONSTR',
    name: 'Construction',
    subsectors: [
      { code: 'SS-CONSTR-HOUSING', name: 'Housing construction' },
      { code: 'SS-CONSTR-INDUS', name: 'Industrial and public construction' },
      { code: 'SS-CONSTR-LAND', name: 'Irrigation and land development' },
    ],
  },
];
