// Monthly seasonality of every product: 12 factors, January first, normalised to average 1.
import { PRODUCTS } from './products.js';
import type { Seasonality } from './types.js';

/**
 * Scale 12 positive factors so that they average exactly 1 (their sum is 12 up to rounding).
 * @example normaliseSeasonality([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]) // twelve 1s
 */
export function normaliseSeasonality(factors: readonly number[]): Seasonality {
  if (factors.length !== 12) throw new Error(`seasonality needs 12 monthly factors, got ${factors.length}`);
  if (factors.some((f) => !Number.isFinite(f) || f < 0)) throw new Error('seasonality factors must be finite and non-negative');
  const sum = factors.reduce((s, f) => s + f, 0);
  if (sum <= 0) throw new Error('seasonality factors must not all be 0');
  return Object.freeze(factors.map((f) => (f * 12) / sum));
}

/** Named monthly profiles (raw; normalised below). */
const PROFILES = {
  /** Continuous industry: dips in the July-August rainy season and around the new year. */
  industry: [0.97, 0.98, 1.01, 1.01, 1.01, 1.0, 0.98, 0.98, 1.01, 1.02, 1.02, 1.01],
  /** Electricity: heating and lighting load in winter (thermal), hydro strong in the rainy season. */
  power: [1.12, 1.1, 1.02, 0.95, 0.92, 0.9, 0.92, 0.95, 0.95, 1.0, 1.05, 1.12],
  /** Coal: more in winter, less when pits flood in the rainy season. */
  coal: [1.03, 1.0, 1.02, 1.0, 0.98, 0.97, 0.94, 0.94, 1.0, 1.02, 1.04, 1.06],
  /** Household briquettes: the heating season. */
  briquettes: [1.4, 1.3, 1.0, 0.7, 0.6, 0.6, 0.6, 0.7, 0.9, 1.2, 1.4, 1.6],
  /** Grain: early wheat and barley in June-July, the main rice and maize harvest in September-October. */
  grain: [0.15, 0.05, 0.05, 0.05, 0.1, 0.5, 0.6, 0.3, 2.6, 4.6, 2.4, 0.6],
  soybeans: [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 3.0, 5.5, 2.5, 0.4],
  /** Potatoes: early crop after double cropping in June-July, highland crop in August-September. */
  potatoes: [0.05, 0.05, 0.05, 0.05, 0.1, 1.5, 2.5, 2.5, 3.0, 1.8, 0.3, 0.1],
  /** Vegetables: greenhouses in winter, the kimchi cabbage harvest in October-November. */
  vegetables: [0.3, 0.3, 0.5, 0.8, 1.2, 1.4, 1.4, 1.3, 1.2, 1.5, 1.6, 0.5],
  fruit: [0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 1.8, 3.5, 3.6, 1.2, 0.3],
  meat: [1.1, 1.05, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 1.0, 1.0, 1.05, 1.1],
  eggs: [0.9, 0.95, 1.05, 1.1, 1.1, 1.05, 1.0, 0.95, 0.95, 1.0, 1.0, 0.95],
  /** Sea fishing: winter pollack, autumn squid and sardine; a lull in the summer closed season. */
  fishing: [1.1, 1.0, 0.9, 1.0, 1.1, 0.8, 0.6, 0.8, 1.2, 1.3, 1.2, 1.0],
  /** Kelp and laver: harvested April to June. */
  seaweed: [0.3, 0.5, 1.5, 2.6, 2.8, 2.0, 0.8, 0.3, 0.2, 0.2, 0.3, 0.5],
  fishProcessing: [1.1, 1.05, 0.95, 0.95, 1.0, 0.9, 0.75, 0.8, 1.1, 1.2, 1.15, 1.05],
  /** Construction: frozen ground in winter, a slowdown in the rainy season. */
  construction: [0.55, 0.65, 0.95, 1.15, 1.2, 1.2, 1.0, 1.0, 1.2, 1.25, 1.05, 0.8],
  /** Building materials follow construction, more gently. */
  buildingMaterials: [0.85, 0.9, 1.0, 1.05, 1.05, 1.05, 1.0, 1.0, 1.05, 1.05, 1.0, 0.9],
  /** Logging: winter, when timber is hauled over frozen ground. */
  timber: [1.25, 1.2, 1.1, 0.9, 0.85, 0.85, 0.75, 0.75, 0.9, 1.05, 1.15, 1.25],
  /** Tree planting: spring (March-May) and autumn (October-November). */
  afforestation: [0.02, 0.02, 2.5, 4.9, 1.5, 0.1, 0.02, 0.02, 0.2, 1.5, 1.2, 0.02],
  /** Fertiliser: stocked ahead of the spring farming season. */
  fertiliser: [1.05, 1.05, 1.05, 1.0, 1.0, 0.95, 0.9, 0.95, 1.0, 1.0, 1.0, 1.05],
  /** Bean paste and soy sauce are traditionally made in spring. */
  condiments: [0.9, 1.0, 1.2, 1.2, 1.1, 1.0, 0.9, 0.9, 0.9, 0.95, 0.95, 1.0],
  /** Oil pressing follows the soybean harvest. */
  oil: [1.2, 1.1, 1.0, 0.9, 0.85, 0.8, 0.8, 0.8, 0.9, 1.1, 1.25, 1.3],
  /** Rail freight: lower in the rainy season, peaks with the harvest and winter coal. */
  rail: [0.95, 0.97, 1.02, 1.03, 1.03, 1.0, 0.95, 0.95, 1.02, 1.05, 1.05, 0.98],
} as const satisfies Record<string, readonly number[]>;

type ProfileName = keyof typeof PROFILES;

const PRODUCT_PROFILE: Readonly<Record<string, ProfileName>> = {
  electricity: 'power',
  coal: 'coal',
  coal_briquettes: 'briquettes',
  grain: 'grain',
  soybeans: 'soybeans',
  potatoes: 'potatoes',
  vegetables: 'vegetables',
  fruit: 'fruit',
  meat: 'meat',
  eggs: 'eggs',
  marine_products: 'fishing',
  seaweed: 'seaweed',
  processed_fish: 'fishProcessing',
  housing: 'construction',
  ready_mixed_concrete: 'construction',
  regional_factory_construction: 'construction',
  earthworks: 'construction',
  irrigation_works: 'construction',
  tideland_reclamation: 'construction',
  track_modernisation: 'construction',
  precast_concrete: 'construction',
  bricks: 'construction',
  cement: 'buildingMaterials',
  sheet_glass: 'buildingMaterials',
  ceramic_tiles: 'buildingMaterials',
  concrete_sleepers: 'buildingMaterials',
  timber: 'timber',
  afforestation: 'afforestation',
  nitrogen_fertiliser: 'fertiliser',
  phosphate_fertiliser: 'fertiliser',
  soy_sauce: 'condiments',
  bean_paste: 'condiments',
  cooking_oil: 'oil',
  rail_freight: 'rail',
};

/**
 * Seasonality of every product: 12 monthly factors, January first, averaging 1. Products not listed
 * in a specific profile follow the near-flat 'industry' profile.
 * @example SEASONALITY.grain[9] > 4 // true: October is the harvest
 */
export const SEASONALITY: Readonly<Record<string, Seasonality>> = Object.freeze(
  Object.fromEntries(PRODUCTS.map((p) => [p.code, normaliseSeasonality(PROFILES[PRODUCT_PROFILE[p.code] ?? 'industry'])])),
);

/**
 * The seasonality of a product (the 'industry' profile for an unknown code).
 * @example seasonalityOf('cement').length // 12
 */
export function seasonalityOf(product: string): Seasonality {
  return SEASONALITY[product] ?? normaliseSeasonality(PROFILES.industry);
}
