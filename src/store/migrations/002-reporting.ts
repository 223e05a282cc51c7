import type { Migration } from '../migrate.js';

// Reporting: the current version of each report, idempotency keys, closed periods, and the cells
// that keep actuals and targets rolled up incrementally along both trees.
export const reporting: Migration = {
  version: 2,
  name: 'reporting',
  sql: `
alter table organisation add column utc_offset_minutes int not null default 540;
-- A report of day D is due by D + deadline_minutes (local time): 34 h = 10:00 the next morning.
alter table organisation add column deadline_minutes int not null default 2040;
-- Reports are accepted for days from this date on (and not in the future, nor in a closed period).
alter table organisation add column reporting_from date not null default '2026-01-01';
-- Units that work every calendar day (power stations) are expected to report on rest days too.
alter table unit add column works_every_day boolean not null default false;

-- The version of each report in force. report keeps every version; this keeps the latest.
create table report_current (
  org int not null,
  unit_id int not null,
  product_id int not null,
  kind text not null check (kind in ('output', 'consumption')),
  day date not null,
  version int not null,
  quantity numeric not null,
  late boolean not null,
  primary key (org, unit_id, product_id, kind, day)
);
create index report_current_day on report_current (org, day, product_id, kind);

create table closed_period (
  org int not null references organisation,
  period text not null,
  closed_at timestamptz not null default now(),
  closed_by text not null,
  primary key (org, period)
);

create table idempotency (
  org int not null,
  key text not null,
  request_hash text not null,
  status int not null,
  response jsonb not null,
  created_at timestamptz not null default now(),
  primary key (org, key)
);

-- Actuals rolled up. A cell is (sector-tree node, region-tree node): (NATION, NATION) is the nation,
-- (S-METAL, NATION) the metal sector everywhere, (S-METAL, P-SPY) the metal sector in one province,
-- (U-1, U-1) one unit. Periods: months and years for every cell; days for the nation, each sector
-- and each province (deeper nodes sum report_current of their few units for a day).
create table actual_cell (
  org int not null,
  sector text not null,
  region text not null,
  product_id int not null,
  kind text not null,
  period text not null,
  quantity numeric not null,
  reports int not null,
  late int not null,
  primary key (org, sector, region, product_id, kind, period)
);

-- Targets of the plan in force rolled up the same way (months and years).
create table target_cell (
  org int not null,
  sector text not null,
  region text not null,
  product_id int not null,
  period text not null,
  quantity numeric not null,
  units int not null,
  primary key (org, sector, region, product_id, period)
);
`,
};
