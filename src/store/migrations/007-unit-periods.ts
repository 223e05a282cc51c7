import type { Migration } from '../migrate.js';

// The report hook of units-fulfilled (src/services/fulfilment/units-fulfilled.ts) needs each touched
// unit's old actual for every period containing a reported day. fulfil_unit_period keeps them all
// (weeks, months, quarters, halves, years, plans; not days, which are the figures themselves), so a
// batch upserts its deltas and reads the new sums back in one statement instead of reading a week of
// figures and every month of the year per series. It replaces fulfil_unit_month (months only).
//
// The tables' text keys use the "C" collation (byte order): see below.
//
// The sequence target_version counts statements that change target_cell, so a process may cache unit targets
// and know, with one tiny read per batch, when they changed (a plan loaded by the CLI, say).
//
// The counts are rebuilt from the new table: fulfil_state is cleared, so queries compute from the
// units (correct, slower) until `norma db rebuild-fulfilment` or the next `norma serve` rebuilds them.
export const unitPeriods: Migration = {
  version: 7,
  name: 'unit_periods',
  sql: `
create table fulfil_unit_period (
  org int not null,
  unit_id int not null,
  product_id int not null,
  period text collate "C" not null,
  quantity numeric not null,
  primary key (org, unit_id, product_id, period)
);

drop table fulfil_unit_month;
delete from fulfil_cell;
delete from fulfil_actual;
delete from fulfil_state;

-- Codes and period ids compared byte by byte: equal results for equality, and sorts (building the
-- keys after a rebuild, merging a batch's rows) several times faster than through the locale.
alter table fulfil_cell alter column sector type text collate "C", alter column region type text collate "C", alter column period type text collate "C";
alter table fulfil_actual alter column sector type text collate "C", alter column region type text collate "C", alter column period type text collate "C";

create sequence target_version;

create function norma_bump_target_version() returns trigger language plpgsql as $$
begin
  perform nextval('target_version');
  return null;
end $$;

create trigger target_cell_version after insert or update or delete or truncate on target_cell
  for each statement execute function norma_bump_target_version();
`,
};
