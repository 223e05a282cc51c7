import type { Migration } from '../migrate.js';

// series_filter.state becomes the filter state packed as 35 big-endian doubles (hs-state-codec.ts in
// src/engine/monitoring) instead of jsonb: the monitoring worker writes one state per series per
// pass, and building jsonb cost PostgreSQL several times what a bytea does (1,000 states of a
// 2,000-unit demo upserted: jsonb 26–52 ms, bytea 8–11 ms, PostgreSQL 15). The states convert in
// place, field by field, with float8send (big-endian, as the codec writes). A field missing from a
// stored state becomes NaN, which the worker refuses to resume from: it re-runs that series'
// filter over its figures instead, as it does for any state it cannot load.
const f = (path: string) => `float8send(coalesce((${path})::float8, 'NaN'::float8))`;
const fields = [
  f(`state->>'version'`),
  f(`state->>'count'`),
  f(`state->>'scale'`),
  f(`case state->>'scaleFixed' when 'true' then 1 when 'false' then 0 end`),
  f(`state->>'alertRun'`),
  f(`case state->>'status' when 'normal' then 0 when 'alert' then 1 when 'crisis' then 2 end`),
  f(`state->>'z'`),
  ...[0, 1, 2, 3].flatMap((j) => [0, 1, 2, 3, 4, 5].map((i) => f(`state->'components'->${j}->>${i}`))),
  ...[0, 1, 2, 3].map((j) => f(`state->'previousProbabilities'->>${j}`)),
];

export const filterStateBytea: Migration = {
  version: 10,
  name: 'filter_state_bytea',
  sql: `alter table series_filter alter column state type bytea using (${fields.join(' || ')});`,
};
