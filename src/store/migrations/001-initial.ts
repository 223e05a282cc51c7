import type { Migration } from '../migrate.js';

// Every table leads with `org`, the top-level organisation, so the schema can be distributed by it
// later (Citus). Business keys are codes; integer ids exist only where row width matters (reports).
export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
create table organisation (
  org int primary key,
  code text not null unique,
  name text not null,
  rest_weekdays int[] not null default '{7}', -- ISO weekdays, 7 = Sunday,
  created_at timestamptz not null default now()
);

create table meta (
  org int not null references organisation,
  key text not null,
  value jsonb not null,
  primary key (org, key)
);

create table tree_node (
  org int not null references organisation,
  tree text not null check (tree in ('sector', 'region')),
  code text not null,
  name text not null,
  kind text not null check (kind in ('nation', 'sector', 'subsector', 'province', 'county')),
  parent text,
  primary key (org, tree, code),
  foreign key (org, tree, parent) references tree_node (org, tree, code)
);
create index tree_node_parent on tree_node (org, tree, parent);

create table unit (
  org int not null references organisation,
  id int not null,
  code text not null,
  name text not null,
  kind text not null,
  sector_tree text not null default 'sector' check (sector_tree = 'sector'),
  sector text not null,
  region_tree text not null default 'region' check (region_tree = 'region'),
  region text not null,
  workers int not null default 0 check (workers >= 0),
  primary key (org, code),
  unique (org, id),
  foreign key (org, sector_tree, sector) references tree_node (org, tree, code),
  foreign key (org, region_tree, region) references tree_node (org, tree, code)
);
create index unit_sector on unit (org, sector);
create index unit_region on unit (org, region);

create table product (
  org int not null references organisation,
  id int not null,
  code text not null,
  name text not null,
  unit_of_measure text not null,
  aggregation text not null check (aggregation in ('sum', 'weighted_mean')),
  goal boolean not null default false,
  sector text,
  labour_per_unit numeric check (labour_per_unit >= 0),
  reference_price numeric check (reference_price >= 0),
  primary key (org, code),
  unique (org, id)
);

-- Quantity of input consumed per one unit of output: the technology (input-output) matrix.
create table technology (
  org int not null,
  input text not null,
  output text not null,
  coefficient numeric not null check (coefficient >= 0),
  primary key (org, input, output),
  foreign key (org, input) references product (org, code),
  foreign key (org, output) references product (org, code)
);

-- What a unit makes (role output, with its capacity per working day) and consumes (role consumption).
create table unit_product (
  org int not null,
  unit text not null,
  product text not null,
  role text not null check (role in ('output', 'consumption')),
  capacity_per_day numeric check (capacity_per_day >= 0),
  primary key (org, unit, product, role),
  foreign key (org, unit) references unit (org, code),
  foreign key (org, product) references product (org, code)
);

-- Calendar exceptions to the weekly rest days; region '' is national, a region code overrides it there.
create table calendar_day (
  org int not null references organisation,
  region text not null default '',
  day date not null,
  working boolean not null,
  name text not null,
  primary key (org, region, day)
);

create table plan (
  org int not null references organisation,
  code text not null,
  name text not null,
  period text not null,
  primary key (org, code)
);

create table plan_version (
  org int not null,
  plan text not null,
  version int not null check (version > 0),
  status text not null check (status in ('draft', 'approved', 'revised', 'superseded')),
  created_at timestamptz not null default now(),
  created_by text not null,
  approved_at timestamptz,
  approved_by text,
  note text,
  primary key (org, plan, version),
  foreign key (org, plan) references plan (org, code)
);

-- node is a tree-node code or a unit code; NATION is the root of both trees.
create table target (
  org int not null,
  plan text not null,
  version int not null,
  node text not null,
  product text not null,
  period text not null,
  quantity numeric not null check (quantity >= 0),
  primary key (org, plan, version, node, product, period),
  foreign key (org, plan, version) references plan_version (org, plan, version),
  foreign key (org, product) references product (org, code)
);

-- Append-only: a correction is a new version, never an update.
create table report (
  org int not null,
  unit_id int not null,
  product_id int not null,
  kind text not null check (kind in ('output', 'consumption')),
  day date not null,
  version int not null check (version > 0),
  quantity numeric not null check (quantity >= 0),
  reported_at timestamptz not null,
  reported_by text not null,
  note text,
  late boolean not null default false,
  primary key (org, unit_id, product_id, kind, day, version)
);
`,
};
