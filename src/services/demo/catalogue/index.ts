// The static, deterministic catalogue of the demo economy (DPRK, plan 2026-2030): pure data and tiny
// pure helpers, no I/O and no randomness. The demo generator brings the seeded RNG.
export type {
  CatalogueUnit,
  CountyDef,
  CountyKind,
  FamousUnit,
  FiveYearGoal,
  GoalComponent,
  LabourAndPrice,
  OtherFinalDemand,
  ProductDef,
  RegionDef,
  RegionKind,
  Seasonality,
  SectorDef,
  SubsectorDef,
  TechnologyTriplet,
  UnitKind,
  UnitKindProduct,
  UnitKindSpec,
} from './types.js';
export { SECTORS } from './sectors.js';
export { REGIONS, codePart } from './regions.js';
export { PRODUCTS, GOAL_PRODUCT_CODES } from './products.js';
export { TECHNOLOGY } from './technology.js';
export { LABOUR_AND_PRICE, REFERENCE_WAGE_WON_PER_HOUR, WON_PER_ACCOUNTING_DOLLAR } from './prices.js';
export { SEASONALITY, seasonalityOf, normaliseSeasonality } from './seasonality.js';
export { UNIT_KINDS, WORKING_DAYS_PER_YEAR, CONTINUOUS_DAYS_PER_YEAR, HOURS_PER_WORKER_YEAR } from './unit-kinds.js';
export { FAMOUS_UNITS } from './famous-units.js';
export { FIVE_YEAR_GOALS_2026_2030, OTHER_FINAL_DEMAND_2026, PLAN_YEARS, finalDemand2026, projectAnnual } from './goals.js';
export { spectralRadiusEstimate, spectralRadiusBounds, grossOutput, materialCostPerUnit } from './spectral.js';
