import type { Migration } from '../migrate.js';

// Units at or above target, kept incrementally (src/services/fulfilment/units-fulfilled.ts).
// fulfil_unit_month mirrors each unit's month actuals for the report hook (read before actual_cell
// moves). fulfil_cell holds, per cell (node or sector x region cut), product and period, changes of
// the count of fulfilled units by the "through" day they take effect from: the count at through T is
// the sum of rows with day <= min(T, period end). fulfil_state.valid_from is the first through day
// the cells answer for (earlier days, or an organisation without a row, are computed from units).
export const unitsFulfilled: Migration = {
  version: 6,
  name: 'units_fulfilled',
  sql: `
create table fulfil_unit_month (
  org int not null,
  unit_id int not null,
  product_id int not null,
  period text not null,
  quantity numeric not null,
  primary key (org, unit_id, product_id, period)
);

create table fulfil_cell (
  org int not null,
  sector text not null,
  region text not null,
  product_id int not null,
  period text not null,
  day date not null,
  units int not null,
  primary key (org, sector, region, product_id, period, day)
);

-- Actual output of sector x region cuts (months, years, days) and the days of nodes below the top
-- sectors and provinces, which actual_cell does not keep: summed in the same hook and rebuild.
create table fulfil_actual (
  org int not null,
  sector text not null,
  region text not null,
  product_id int not null,
  period text not null,
  quantity numeric not null,
  primary key (org, sector, region, product_id, period)
);

create table fulfil_state (
  org int primary key,
  valid_from date not null,
  rebuilt_at timestamptz not null default now()
);
`,
};
