// Where the first unit (by code) making a product sits in both trees, for tests that ask fulfilment along them.
import type { Store } from '../../src/store/index.js';

/** The parents of its sector and region (sector, region) and its own leaves (subsector, county). */
export interface UnitPlaces {
  readonly sector: string;
  readonly region: string;
  readonly subsector: string;
  readonly county: string;
}

/**
 * The places of the first unit, by code, that makes the product.
 * @example const u = await firstUnitPlaces(store, 'cement'); // its sector's and region's parents and its own leaves
 */
export async function firstUnitPlaces(store: Store, product: string): Promise<UnitPlaces> {
  const [u] = await store.query<UnitPlaces & Record<string, unknown>>(
    `select s.parent as sector, r.parent as region, u.sector as subsector, u.region as county
       from unit u join tree_node s on s.org = u.org and s.tree = 'sector' and s.code = u.sector
       join tree_node r on r.org = u.org and r.tree = 'region' and r.code = u.region
       join unit_product up on up.org = u.org and up.unit = u.code and up.product = $1 and up.role = 'output'
      order by u.code limit 1`,
    [product],
  );
  if (!u) throw new Error(`no unit makes ${product}`);
  return u;
}
