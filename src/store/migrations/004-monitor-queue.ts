import type { Migration } from '../migrate.js';

// Report changes waiting for monitoring (records, filters, alerts) when it runs behind the ingest
// transaction instead of inside it: one row per figure, its deltas summed until drained.
export const monitorQueue: Migration = {
  version: 4,
  name: 'monitor_queue',
  sql: `
create table monitor_queue (
  org int not null,
  unit_id int not null,
  product_id int not null,
  kind text not null,
  day date not null,
  delta numeric not null,
  first boolean not null,
  late boolean not null,
  enqueued_at timestamptz not null default now(),
  primary key (org, unit_id, product_id, kind, day)
);
`,
};
