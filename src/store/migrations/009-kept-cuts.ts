import type { Migration } from '../migrate.js';

// Sector x region cuts are kept in cells only at the top: a top sector x a province (keptCuts in
// src/services/fulfilment/units-fulfilled.ts). A deeper cut holds a few units and is summed from them
// when asked; keeping every pair of ancestors made each report write depth x depth cut cells.
//
// The deeper cuts' target cells go; the count and actual cells are cleared, so queries compute from
// the units (correct, slower) until `norma serve` or `norma db rebuild-fulfilment` rebuilds them.
export const keptCuts: Migration = {
  version: 9,
  name: 'kept_cuts',
  sql: `
delete from fulfil_cell;
delete from fulfil_actual;
delete from fulfil_state;
delete from target_cell t
 where t.sector <> t.region and t.sector <> 'NATION' and t.region <> 'NATION'
   and not (exists (select 1 from tree_node n where n.org = t.org and n.tree = 'sector' and n.code = t.sector and coalesce(n.parent, 'NATION') = 'NATION')
        and exists (select 1 from tree_node n where n.org = t.org and n.tree = 'region' and n.code = t.region and coalesce(n.parent, 'NATION') = 'NATION'));
`,
};
