import { describe, expect, it } from 'vitest';
import {
  HS_STATE_BYTES,
  createHsFilter,
  deserializeHsFilter,
  packHsState,
  packHsStates,
  readSeries,
  serializeHsFilter,
  unpackHsState,
  updateHsFilter,
} from '../../../src/engine/monitoring/index.js';
import { gauss, mulberry32 } from './simulate.js';

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('filter state codec (series_filter.state)', () => {
  it('round-trips a state exactly, and a filter continued from it gives the same updates', () => {
    const rand = mulberry32(11);
    const f = must(createHsFilter());
    for (let t = 0; t < 80; t++) updateHsFilter(f, t === 40 ? 400 : 100 + 0.5 * t + 5 * gauss(rand));
    const state = serializeHsFilter(f);
    const bytes = packHsStates([state]);
    expect(bytes.byteLength).toBe(HS_STATE_BYTES);
    expect(unpackHsState(bytes)).toStrictEqual(state);
    const g = must(deserializeHsFilter(unpackHsState(bytes)));
    for (let t = 80; t < 100; t++) {
      const y = 140 + 5 * gauss(rand);
      expect(updateHsFilter(g, y)).toStrictEqual(updateHsFilter(f, y));
    }
    expect(readSeries(g.batch, 0)).toStrictEqual(readSeries(f.batch, 0));
  });

  it('keeps a fresh filter (no z yet) and states packed side by side apart', () => {
    const fresh = serializeHsFilter(must(createHsFilter({ scale: 12.5 })));
    expect(fresh.z).toBeNull();
    const busy = must(createHsFilter());
    for (const y of [10, 11, 12, 30]) updateHsFilter(busy, y);
    const packed = packHsStates([fresh, serializeHsFilter(busy), fresh]);
    expect(unpackHsState(packed.subarray(0, HS_STATE_BYTES))).toStrictEqual(fresh);
    expect(unpackHsState(packed.subarray(HS_STATE_BYTES, 2 * HS_STATE_BYTES))).toStrictEqual(serializeHsFilter(busy));
    expect(unpackHsState(packed.subarray(2 * HS_STATE_BYTES))).toStrictEqual(fresh);
  });

  it('writes big-endian doubles, as PostgreSQL float8send does', () => {
    const state = serializeHsFilter(must(createHsFilter({ scale: 2 })));
    const bytes = new Uint8Array(HS_STATE_BYTES + 8);
    packHsState(state, bytes, 8);
    expect([...bytes.subarray(8, 16)]).toEqual([0x3f, 0xf0, 0, 0, 0, 0, 0, 0]); // version 1
    expect([...bytes.subarray(24, 32)]).toEqual([0x40, 0, 0, 0, 0, 0, 0, 0]); // scale 2
  });

  it('refuses bytes that are not one packed state', () => {
    const good = packHsStates([serializeHsFilter(must(createHsFilter()))]);
    expect(unpackHsState(good.subarray(0, HS_STATE_BYTES - 8))).toBeNull();
    const badStatus = Uint8Array.from(good);
    new DataView(badStatus.buffer).setFloat64(40, 7, false);
    expect(unpackHsState(badStatus)).toBeNull();
    const badVersion = Uint8Array.from(good);
    new DataView(badVersion.buffer).setFloat64(0, 2, false);
    expect(deserializeHsFilter(unpackHsState(badVersion)).ok).toBe(false);
  });
});
