// Migration 10 turns series_filter.state from jsonb into the packed doubles the worker now writes:
// the bytes must be exactly what the codec packs, so every series resumes where it stood.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHsFilter, deserializeHsFilter, packHsStates, serializeHsFilter, unpackHsState, updateHsFilter, type HsFilterState } from '../../src/engine/monitoring/index.js';
import { migrate, MIGRATIONS, type Store } from '../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../support/stores.js';

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`filter state migration: skipping the PostgreSQL half: ${pgReason}`);

function state(ys: number[], scale?: number): HsFilterState {
  const r = createHsFilter(scale === undefined ? {} : { scale });
  if (!r.ok) throw new Error(r.error.message);
  for (const y of ys) updateHsFilter(r.value, y);
  return serializeHsFilter(r.value);
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`series_filter.state jsonb -> bytea on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    beforeAll(async () => {
      store = await fixture.open();
    });
    afterAll(() => fixture.cleanup());

    it('converts every stored state to the codec bytes; a state missing a field cannot be resumed', async () => {
      const at = MIGRATIONS.findIndex((m) => m.name === 'filter_state_bytea');
      expect(at).toBeGreaterThan(0);
      await migrate(store, MIGRATIONS.slice(0, at));
      const states = [
        state([]), // fresh: z null, count 0
        state([100, 101, 99, 102], 3), // scale fixed
        state(Array.from({ length: 60 }, (_, t) => (t === 59 ? 900 : 100 + t + (t % 7)))), // an outlier: alert or crisis
      ];
      expect(states.map((s) => s.status)).toContain('normal');
      expect(states.some((s) => s.status !== 'normal')).toBe(true);
      const rows = states.map((s, i) => [i + 1, JSON.stringify(s)]);
      rows.push([9, JSON.stringify({ ...states[1], scale: undefined })]);
      for (const [unit, json] of rows) {
        await store.query(
          `insert into series_filter (org, unit_id, product_id, kind, last_day, count, status, state, updated_at)
           values (1, $1, 1, 'output', '2026-03-01', 0, 'normal', $2::jsonb, now())`,
          [unit, json],
        );
      }
      await migrate(store);
      const got = await store.query<{ unit_id: number; state: Uint8Array }>('select unit_id, state from series_filter order by unit_id');
      expect(got.map((r) => r.unit_id)).toEqual([1, 2, 3, 9]);
      for (let i = 0; i < states.length; i++) {
        expect([...got[i].state]).toEqual([...packHsStates([states[i]])]);
        expect(unpackHsState(got[i].state)).toStrictEqual(states[i]);
      }
      const broken = unpackHsState(got[3].state);
      expect(broken?.scale).toBeNaN();
      expect(deserializeHsFilter(broken).ok).toBe(false);
    });
  });
}
