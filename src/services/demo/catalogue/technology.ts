// The technology (input-output) matrix of the demo economy, in physical units.
import type { TechnologyTriplet } from './types.js';

/**
 * Inputs per one unit of each output: TABLE[output][input] = quantity of input (its unit) per unit of
 * output (its unit). Imported inputs (oil, coking coal, cotton, salt, sand, scrap) are not products and
 * so are left out; they show up as value added in the price check.
 */
const TABLE: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  // ---- Metal ----
  // Juche iron: anthracite-based smelting instead of imported coke.
  pig_iron: { iron_ore: 1.6, coal: 0.9, electricity: 0.15, limestone: 0.35, refractories: 0.01, spare_parts: 0.004, rail_freight: 2.5 },
  // Part of the charge is scrap (not a product).
  crude_steel: { pig_iron: 0.85, electricity: 0.45, ferro_alloys: 0.015, refractories: 0.02, limestone: 0.08, spare_parts: 0.004, coal: 0.05 },
  rolled_steel: { crude_steel: 1.08, electricity: 0.12, coal: 0.06, refractories: 0.003, spare_parts: 0.004, rail_freight: 1 },
  non_ferrous_metals: {
    zinc_concentrate: 1.3,
    lead_concentrate: 0.25,
    copper_concentrate: 0.08,
    electricity: 3.0,
    coal: 0.4,
    caustic_soda: 0.02,
    spare_parts: 0.01,
    refractories: 0.01,
  },
  ferro_alloys: { electricity: 8.5, iron_ore: 0.4, coal: 0.8, refractories: 0.02, spare_parts: 0.005 },
  refractories: { magnesia_clinker: 0.8, coal: 0.3, electricity: 0.25, spare_parts: 0.003 },

  // ---- Chemical ----
  // Coal-gasification ammonia ("Juche fertiliser"): coal as feedstock and fuel.
  nitrogen_fertiliser: { coal: 1.4, electricity: 1.0, sulphuric_acid: 0.02, caustic_soda: 0.005, spare_parts: 0.004, refractories: 0.001, rail_freight: 1.5 },
  phosphate_fertiliser: { apatite_ore: 0.55, sulphuric_acid: 0.38, electricity: 0.05, coal: 0.05, spare_parts: 0.002 },
  // Roaster gas from zinc concentrate, as at the non-ferrous smelters.
  sulphuric_acid: { zinc_concentrate: 0.02, electricity: 0.07, coal: 0.02, spare_parts: 0.002 },
  caustic_soda: { electricity: 2.6, coal: 0.3, spare_parts: 0.004 },
  industrial_explosives: { nitrogen_fertiliser: 0.8, electricity: 0.3, coal: 0.2, synthetic_resin: 0.02, paper: 0.02, spare_parts: 0.003 },
  // Carbide route: anthracite and lime in electric furnaces.
  vinalon_fibre: { coal: 3.5, limestone: 2.5, electricity: 6.0, caustic_soda: 0.15, sulphuric_acid: 0.6, spare_parts: 0.01 },
  synthetic_resin: { coal: 2.0, limestone: 1.5, electricity: 4.0, caustic_soda: 0.1, spare_parts: 0.008 },
  rubber_tyres: { synthetic_resin: 0.025, rolled_steel: 0.005, fabrics: 0.004, vinalon_fibre: 0.004, electricity: 0.06, coal: 0.02 },

  // ---- Power ----
  // Blend of hydro (about 55 %) and thermal (about 45 %, at 0.45-0.5 t coal per MWh): 0.22 t coal per MWh;
  // 8 % own use and grid losses.
  electricity: { coal: 0.22, electricity: 0.08, spare_parts: 0.0005, transformers: 0.00002, refractories: 0.0002, rail_freight: 0.22 },

  // ---- Coal ----
  coal: {
    electricity: 0.035,
    timber: 0.012, // pit props
    rolled_steel: 0.002, // arches, rails
    industrial_explosives: 0.0006,
    spare_parts: 0.002,
    mining_equipment: 0.00001,
    electric_motors: 0.000005,
    coal: 0.01,
  },
  coal_briquettes: { coal: 0.9, electricity: 0.01, spare_parts: 0.0003 },

  // ---- Machine-building ----
  mining_equipment: { rolled_steel: 8, crude_steel: 2, electric_motors: 3, non_ferrous_metals: 0.3, spare_parts: 0.5, electricity: 15, coal: 3, synthetic_resin: 0.05 },
  machine_tools: { rolled_steel: 4, crude_steel: 3, pig_iron: 2, electric_motors: 3, non_ferrous_metals: 0.1, electricity: 10, coal: 2 },
  pumps: { pig_iron: 0.4, crude_steel: 0.2, rolled_steel: 0.2, electric_motors: 1, non_ferrous_metals: 0.02, electricity: 1 },
  spare_parts: { rolled_steel: 0.8, crude_steel: 0.4, pig_iron: 0.2, non_ferrous_metals: 0.03, electricity: 2.0, coal: 0.5, synthetic_resin: 0.01 },
  trucks: { rolled_steel: 3.5, crude_steel: 1, rubber_tyres: 7, sheet_glass: 0.05, non_ferrous_metals: 0.15, synthetic_resin: 0.1, electricity: 8, fabrics: 0.01 },
  tractors: { rolled_steel: 2, crude_steel: 0.8, pig_iron: 0.5, rubber_tyres: 4, non_ferrous_metals: 0.05, electricity: 5 },
  freight_wagons: { rolled_steel: 14, crude_steel: 3, timber: 1, electricity: 10, spare_parts: 0.3 },
  electric_locomotives: {
    rolled_steel: 60,
    crude_steel: 25,
    non_ferrous_metals: 8,
    electric_motors: 6,
    transformers: 1,
    electricity: 200,
    synthetic_resin: 2,
    sheet_glass: 0.3,
  },
  electric_motors: { rolled_steel: 0.15, pig_iron: 0.05, non_ferrous_metals: 0.04, synthetic_resin: 0.005, electricity: 0.5 },
  transformers: { rolled_steel: 1.5, non_ferrous_metals: 0.4, synthetic_resin: 0.1, electricity: 5, paper: 0.05 },

  // ---- Mining ----
  // Concentrate from low-grade magnetite: grinding and magnetic separation dominate power use.
  iron_ore: { electricity: 0.06, industrial_explosives: 0.0012, mining_equipment: 0.00001, spare_parts: 0.003, coal: 0.01, rolled_steel: 0.0015 },
  // Concentrates from about 10 t of ore each.
  zinc_concentrate: { electricity: 0.25, industrial_explosives: 0.004, spare_parts: 0.01, mining_equipment: 0.00005, rolled_steel: 0.006, timber: 0.02 },
  lead_concentrate: { electricity: 0.25, industrial_explosives: 0.004, spare_parts: 0.01, mining_equipment: 0.00005, rolled_steel: 0.006, timber: 0.02 },
  copper_concentrate: { electricity: 0.4, industrial_explosives: 0.008, spare_parts: 0.015, mining_equipment: 0.00008, rolled_steel: 0.01, timber: 0.03 },
  // Dead-burned magnesia from Tanchon magnesite.
  magnesia_clinker: { coal: 0.35, electricity: 0.12, industrial_explosives: 0.001, refractories: 0.01, spare_parts: 0.003 },
  limestone: { electricity: 0.004, industrial_explosives: 0.0004, spare_parts: 0.0004, mining_equipment: 0.000002 },
  apatite_ore: { electricity: 0.05, industrial_explosives: 0.001, spare_parts: 0.003, mining_equipment: 0.00001 },

  // ---- Building materials ----
  cement: {
    coal: 0.14,
    electricity: 0.105,
    limestone: 1.3,
    refractories: 0.0008,
    spare_parts: 0.0015,
    rail_freight: 0.5,
    industrial_explosives: 0.0002,
  },
  sheet_glass: { limestone: 0.2, caustic_soda: 0.2, coal: 0.35, electricity: 0.25, refractories: 0.01, spare_parts: 0.004 },
  ceramic_tiles: { coal: 0.25, electricity: 0.2, refractories: 0.003, spare_parts: 0.003 },
  bricks: { coal: 0.0003, electricity: 0.00002, spare_parts: 0.0000005 },
  precast_concrete: { cement: 0.35, rolled_steel: 0.08, electricity: 0.02, coal: 0.02, spare_parts: 0.001 },
  timber: { spare_parts: 0.0005, trucks: 0.000005, rail_freight: 0.7, electricity: 0.002 },
  sawn_wood: { timber: 1.7, electricity: 0.03, spare_parts: 0.0008 },
  afforestation: { nitrogen_fertiliser: 0.05, electricity: 0.01, synthetic_resin: 0.005 },

  // ---- Light industry ----
  yarn: { vinalon_fibre: 0.6, electricity: 3.0, spare_parts: 0.005 },
  fabrics: { yarn: 1.08, electricity: 2.5, coal: 0.8, caustic_soda: 0.05, sulphuric_acid: 0.03, spare_parts: 0.006 },
  garments: { fabrics: 0.0005, electricity: 0.001, spare_parts: 0.00001 },
  soy_sauce: { soybeans: 0.2, grain: 0.15, coal: 0.1, electricity: 0.03, synthetic_resin: 0.01 },
  bean_paste: { soybeans: 0.45, grain: 0.1, coal: 0.08, electricity: 0.02 },
  // 2 t of soybeans per t of oil: the value share of oil in crushing (meal is the co-product).
  cooking_oil: { soybeans: 2.0, electricity: 0.1, coal: 0.3, spare_parts: 0.005 },
  footwear: { synthetic_resin: 0.0004, fabrics: 0.0002, electricity: 0.002 },
  paper: { timber: 3.0, caustic_soda: 0.08, electricity: 0.8, coal: 0.6, spare_parts: 0.005, sulphuric_acid: 0.03 },
  soap: { cooking_oil: 0.6, caustic_soda: 0.14, coal: 0.1, electricity: 0.05, paper: 0.02 },

  // ---- Agriculture ----
  // About 4.5 t of grain per hectare with 0.5 t of nitrogen fertiliser; pumping for irrigation.
  grain: {
    nitrogen_fertiliser: 0.12,
    phosphate_fertiliser: 0.04,
    electricity: 0.05,
    tractors: 0.000004,
    spare_parts: 0.001,
    grain: 0.03, // seed
    synthetic_resin: 0.002, // film for cold-bed rice seedlings
  },
  soybeans: { nitrogen_fertiliser: 0.04, phosphate_fertiliser: 0.05, electricity: 0.02, soybeans: 0.05, spare_parts: 0.0008 },
  potatoes: { nitrogen_fertiliser: 0.02, phosphate_fertiliser: 0.015, potatoes: 0.1, electricity: 0.01, spare_parts: 0.0003 },
  vegetables: { nitrogen_fertiliser: 0.015, phosphate_fertiliser: 0.008, synthetic_resin: 0.003, electricity: 0.02, coal: 0.01 },
  fruit: { nitrogen_fertiliser: 0.02, phosphate_fertiliser: 0.01, electricity: 0.01, spare_parts: 0.0005, paper: 0.002 },
  // Largely grass-fed goats, rabbits and cattle, so feed grain stays modest.
  meat: { grain: 2.5, soybeans: 0.3, electricity: 0.3, coal: 0.2, spare_parts: 0.003 },
  eggs: { grain: 0.00013, soybeans: 0.00002, electricity: 0.00002, coal: 0.000005 },

  // ---- Fishing ---- (diesel is imported, hence not an input here)
  marine_products: { spare_parts: 0.006, rolled_steel: 0.004, vinalon_fibre: 0.004, electricity: 0.03, timber: 0.005 },
  seaweed: { vinalon_fibre: 0.003, synthetic_resin: 0.002, timber: 0.005, spare_parts: 0.001 },
  processed_fish: { marine_products: 1.6, electricity: 0.2, coal: 0.15, rolled_steel: 0.02, paper: 0.01 },

  // ---- Rail transport ----
  // Per tonne carried over an average haul of about 200 km on mostly electrified lines.
  rail_freight: {
    electricity: 0.012,
    coal: 0.003,
    spare_parts: 0.00015,
    rolled_steel: 0.0002,
    timber: 0.0002,
    wagon_repairs: 0.000002,
    concrete_sleepers: 0.00002,
  },
  concrete_sleepers: { cement: 0.06, rolled_steel: 0.004, electricity: 0.005, coal: 0.005, spare_parts: 0.0001 },
  // Per percentage point of a standard 100 km section: rails, 1,650 sleepers, ballast work.
  track_modernisation: {
    rolled_steel: 120,
    concrete_sleepers: 1650,
    cement: 100,
    electricity: 40,
    timber: 20,
    industrial_explosives: 2,
    spare_parts: 2,
  },
  wagon_repairs: { rolled_steel: 1.2, timber: 0.5, spare_parts: 0.15, electricity: 2, coal: 0.5 },

  // ---- Construction ----
  // Per flat of about 80 m2 in a high-rise block: 45 t cement plus 5 t in precast elements.
  housing: {
    cement: 45,
    precast_concrete: 15,
    rolled_steel: 4.5,
    sheet_glass: 0.5,
    ceramic_tiles: 1.2,
    sawn_wood: 1.5,
    bricks: 4000,
    electricity: 8,
    synthetic_resin: 0.3,
    electric_motors: 0.02,
  },
  ready_mixed_concrete: { cement: 0.32, electricity: 0.005, spare_parts: 0.0003 },
  // Per percentage point of one county's 20 x 10 project (about three factories, 10,000 m2 of floor).
  regional_factory_construction: {
    cement: 60,
    rolled_steel: 12,
    sheet_glass: 1.5,
    timber: 8,
    bricks: 8000,
    precast_concrete: 20,
    ready_mixed_concrete: 60,
    machine_tools: 0.3,
    electric_motors: 2,
    transformers: 0.05,
  },
  earthworks: { electricity: 0.0005, spare_parts: 0.0001, industrial_explosives: 0.00005, trucks: 0.0000005 },
  // Per percentage point of a standard gravity-fed waterway project.
  irrigation_works: {
    cement: 80,
    rolled_steel: 10,
    earthworks: 5000,
    pumps: 0.5,
    electric_motors: 0.5,
    industrial_explosives: 0.5,
    electricity: 20,
  },
  tideland_reclamation: { earthworks: 6000, cement: 20, industrial_explosives: 0.5, rolled_steel: 1, spare_parts: 0.2 },
};

/**
 * The technology matrix as sparse triplets: `coefficient` units of `input` per one unit of `output`,
 * sorted by output then input. Every product has inputs; the matrix is productive (spectral radius
 * well below 0.9, see spectralRadiusEstimate).
 * @example TECHNOLOGY.find((t) => t.output === 'cement' && t.input === 'coal')?.coefficient // 0.14
 */
export const TECHNOLOGY: readonly TechnologyTriplet[] = Object.keys(TABLE)
  .sort()
  .flatMap((output) =>
    Object.keys(TABLE[output])
      .sort()
      .map((input) => ({ input, output, coefficient: TABLE[output][input] })),
  );
