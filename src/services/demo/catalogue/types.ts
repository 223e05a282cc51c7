// Types of the static demo catalogue: sectors, regions, products, technology, prices, unit kinds,
// famous units and five-year goals. Pure data shapes; nothing here does I/O.

/** Units of measure the demo catalogue uses (a subset of the domain's MEASURE_UNITS). */
export type CatalogueUnit = 't' | 'kt' | 'MWh' | 'GWh' | 'm3' | 'pieces' | 'flats' | 'ha' | 'percent';

/** A sub-sector of a sector, e.g. `{ code: 'SS-METAL-STEEL', name: 'Iron and steel' }`. */
export interface SubsectorDef {
  readonly code: string;
  readonly name: string;
}

/** A sector of the national economy (one of the 12 sector ministries of DOMAIN.md). */
export interface SectorDef {
  readonly code: string;
  readonly name: string;
  readonly subsectors: readonly SubsectorDef[];
}

/** What kind of place a county-level node is. */
export type CountyKind = 'city' | 'county' | 'district';

/** A city, county or district of a province or municipality. */
export interface CountyDef {
  readonly code: string;
  readonly name: string;
  readonly kind: CountyKind;
  /** True for counties on the sea (fishing and aquaculture units go there). */
  readonly coastal: boolean;
}

/** What kind of first-level region it is. */
export type RegionKind = 'province' | 'municipality' | 'special_city';

/** A province or directly governed city with its cities, counties and districts. */
export interface RegionDef {
  readonly code: string;
  readonly name: string;
  readonly kind: RegionKind;
  readonly counties: readonly CountyDef[];
}

/** A product or indicator of the demo economy. */
export interface ProductDef {
  readonly code: string;
  readonly name: string;
  readonly unit: CatalogueUnit;
  readonly aggregation: 'sum' | 'weighted_mean';
  /** One of the 12 major goals of national economic development. */
  readonly goal: boolean;
  readonly sector: string;
  /** The product's home sub-sector (other sub-sectors may make it too, see UNIT_KINDS). */
  readonly subsector: string;
}

/** One non-zero technology coefficient: `coefficient` units of `input` per one unit of `output`. */
export interface TechnologyTriplet {
  readonly input: string;
  readonly output: string;
  readonly coefficient: number;
}

/** Labour and reference price of one product. */
export interface LabourAndPrice {
  readonly product: string;
  /** Worker-hours per unit of output. */
  readonly labourPerUnit: number;
  /** Won per unit of output; for weighting and plausibility checks only. */
  readonly referencePrice: number;
}

/** Kinds of producing units. */
export type UnitKind =
  | 'complex'
  | 'factory'
  | 'works'
  | 'mine'
  | 'farm'
  | 'power_station'
  | 'enterprise'
  | 'station'
  | 'fishery'
  | 'construction_company';

/** Twelve monthly factors, January first, averaging exactly 1. */
export type Seasonality = readonly number[];

/** A product a unit kind makes, with its typical capacity per working day. */
export interface UnitKindProduct {
  readonly product: string;
  /**
   * Capacity on an average working day, in the product's unit: a unit's capacity lies in [min, max].
   * Annual capacity = daily x workingDaysPerYear of the kind; in month m it is shaped by seasonality[m].
   */
  readonly dailyCapacity: { readonly min: number; readonly max: number };
  /** Monthly factors (January first, mean 1) to spread the year's output over months. */
  readonly seasonality: Seasonality;
}

/** A kind of producing unit within one sub-sector. */
export interface UnitKindSpec {
  /** Stable key of this spec, e.g. 'cement-factory'. */
  readonly key: string;
  readonly subsector: string;
  readonly kind: UnitKind;
  /** Name patterns; `{county}` is replaced by the county name. */
  readonly namePatterns: readonly string[];
  /** 1 to 4 products, all of them made in this sub-sector. */
  readonly products: readonly UnitKindProduct[];
  /** Typical workforce (persons). */
  readonly workforce: { readonly min: number; readonly max: number };
  /**
   * Days a year the unit works at its daily capacity: 365 for continuous units (power stations), which
   * also run on rest days; WORKING_DAYS_PER_YEAR (300) for the rest. Annual capacity = daily x this.
   */
  readonly workingDaysPerYear: number;
  /**
   * Rough number of such establishments in the country. The generator may create fewer and scale;
   * count x mid capacity x working days roughly covers the gross output the goals need.
   */
  readonly nationalCount: number;
  /** Relative weights of the regions where such units stand; regions not listed get none. */
  readonly regionWeights: Readonly<Record<string, number>>;
  /** Only coastal counties (fishing, aquaculture, tideland reclamation). */
  readonly coastalOnly: boolean;
}

/** A real, named establishment. */
export interface FamousUnit {
  /** Stable unit code, e.g. 'U-SANGWON-CEMENT'. */
  readonly code: string;
  readonly name: string;
  readonly region: string;
  readonly county: string;
  readonly subsector: string;
  readonly kind: UnitKind;
  /** Key of the UNIT_KINDS entry the unit belongs to (it counts towards that kind's nationalCount). */
  readonly spec: string;
  readonly products: readonly string[];
  /** Typical workforce (persons), rough. */
  readonly workforce: number;
  /** Capacity per working day for each product, in the product's unit. */
  readonly dailyCapacity: Readonly<Record<string, number>>;
  readonly note?: string;
}

/** Part of a goal's yearly target, e.g. the capital's share of housing. */
export interface GoalComponent {
  readonly label: string;
  /** Region code when the component belongs to one region. */
  readonly region?: string;
  /** Target per year, 2026 to 2030 in order, in the product's unit. */
  readonly annual: readonly number[];
}

/** A national final-demand target for one goal product over the five-year plan 2026-2030. */
export interface FiveYearGoal {
  readonly product: string;
  /** The years, 2026 to 2030. */
  readonly years: readonly number[];
  /** Final demand per year (same order as years), in the product's unit. */
  readonly annualFinalDemand: readonly number[];
  /** Yearly growth factor used to derive the years after 2026 (1.05 = +5 % a year). */
  readonly yearlyGrowth: number;
  /** Optional breakdown whose annual figures add up to annualFinalDemand. */
  readonly components?: readonly GoalComponent[];
  readonly note: string;
}

/** Final demand for a non-goal product in 2026 (households, public, investment, stocks). */
export interface OtherFinalDemand {
  readonly product: string;
  readonly annual2026: number;
  readonly yearlyGrowth: number;
}
