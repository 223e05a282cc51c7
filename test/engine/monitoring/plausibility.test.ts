import { describe, expect, it } from 'vitest';
import {
  checkReport,
  createPlausibilityState,
  learnRatios,
  learnReport,
  reportRatios,
  resetPlausibilityState,
  type PlausibilityState,
} from '../../../src/engine/monitoring/index.js';
import { SIM_TECH, simulateUnits, type SimOptions } from './simulate.js';

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

// Runs the checker over a simulation; rates are over unit-days the checker could judge (a unit
// needs minHistory = 10 days of history first), and over all padded days.
function measure(o: SimOptions) {
  const days = simulateUnits(o);
  const st: PlausibilityState = must(createPlausibilityState(o.units, SIM_TECH));
  let padded = 0, paddedJudged = 0, caught = 0, honestJudged = 0, falseAlarms = 0;
  for (const d of days) {
    const v = must(checkReport(st, d.unit, d));
    if (d.pad > 0) padded++;
    if (!v.judged) continue;
    if (d.pad > 0) {
      paddedJudged++;
      if (v.flag) caught++;
    } else {
      honestJudged++;
      if (v.flag) falseAlarms++;
    }
  }
  return { detection: caught / paddedJudged, falseAlarm: falseAlarms / honestJudged, padded, paddedJudged, honestJudged, caughtOfAll: caught / padded };
}

describe('input plausibility of unit reports', () => {
  it('catches >= 95 % of padded reports (output +10..40 %, inputs unchanged) at <= 1 % false alarms: 600 units x 120 days', () => {
    const r = measure({ units: 600, days: 120, seed: 2026 });
    console.log(
      `plausibility, padding 10-40 % on 2 % of unit-days: detection ${(100 * r.detection).toFixed(2)} % (${r.paddedJudged} judged padded days; ${(100 * r.caughtOfAll).toFixed(2)} % of all ${r.padded} incl. the first 10 days of each unit), false alarms ${(100 * r.falseAlarm).toFixed(3)} % of ${r.honestJudged} honest days`,
    );
    expect(r.paddedJudged).toBeGreaterThan(1000);
    expect(r.detection).toBeGreaterThanOrEqual(0.95);
    expect(r.falseAlarm).toBeLessThanOrEqual(0.01);
  });

  it('states the smallest padding it reliably catches: 12 % (10 % is caught about 9 times in 10)', () => {
    const at12 = measure({ units: 500, days: 120, seed: 7, padMin: 0.12, padMax: 0.12 });
    const at10 = measure({ units: 500, days: 120, seed: 8, padMin: 0.1, padMax: 0.1 });
    console.log(
      `plausibility, padding exactly 12 %: detection ${(100 * at12.detection).toFixed(2)} %, false alarms ${(100 * at12.falseAlarm).toFixed(3)} %; exactly 10 %: detection ${(100 * at10.detection).toFixed(2)} %, false alarms ${(100 * at10.falseAlarm).toFixed(3)} %`,
    );
    expect(at12.detection).toBeGreaterThanOrEqual(0.95);
    expect(at12.falseAlarm).toBeLessThanOrEqual(0.01);
    expect(at10.detection).toBeGreaterThanOrEqual(0.85);
  });

  it('explains a flag: which input, expected against consumed, and the share of output explained', () => {
    // one product (index 0: 0.12 t coal and 0.095 MWh per t), a steady unit consuming 5 % above the technology
    const st = must(createPlausibilityState(1, SIM_TECH));
    const wobble = [1, -1, 0.5, -0.5, 0.2, -0.2, 0.8, -0.8, 0.3, -0.3, 0.6, -0.6];
    for (let d = 0; d < 24; d++) {
      const out = 1000 * (1 + 0.05 * wobble[d % 12]);
      const noise = 1 + 0.02 * wobble[(d + 5) % 12];
      must(checkReport(st, 0, { products: [0], outputs: [out], consumed: Float64Array.of(0.12 * 1.05 * out * noise, 0.095 * 1.05 * out / noise) }));
    }
    // a genuine swing (+40 % output with consumption following) is plausible
    const swing = must(checkReport(st, 0, { products: [0], outputs: [1400], consumed: Float64Array.of(0.12 * 1.05 * 1400, 0.095 * 1.05 * 1400) }, false));
    expect(swing.flag).toBe(false);
    // padded by 30 %: inputs for 1000 t, 1300 t reported
    const v = must(checkReport(st, 0, { products: [0], outputs: [1300], consumed: Float64Array.of(0.12 * 1.05 * 1000, 0.095 * 1.05 * 1000) }, false));
    expect(v.flag).toBe(true);
    expect(v.score).toBeGreaterThan(3);
    expect(v.pValue).toBeLessThan(0.0015);
    expect(Math.abs(v.explainedShare - 1 / 1.3)).toBeLessThan(0.02);
    expect([0, 1]).toContain(v.worstInput);
    const coal = v.inputs[0];
    expect(coal.expectedByTechnology).toBeCloseTo(0.12 * 1300, 9);
    expect(Math.abs(coal.normalRatio - 1.05)).toBeLessThan(0.01);
    expect(Math.abs(coal.expected - 0.12 * 1.05 * 1300)).toBeLessThan(2);
    expect(coal.consumed).toBeCloseTo(126, 9);
    expect(v.reason).toMatch(/input [01] consumed/);
    console.log(v.reason);
  });

  it('does not judge without history or without a usable input, and rejects bad reports', () => {
    const st = must(createPlausibilityState(2, SIM_TECH));
    const v = must(checkReport(st, 1, { products: [2], outputs: [10], consumed: Float64Array.of(3.5, 12) }));
    expect(v.judged).toBe(false);
    expect(v.flag).toBe(false);
    const none = must(checkReport(st, 1, { products: [2], outputs: [10], consumed: Float64Array.of(NaN, NaN) }));
    expect(none.inputs).toHaveLength(0);
    const cases: [number, Parameters<typeof checkReport>[2], string][] = [
      [2, { products: [0], outputs: [1], consumed: Float64Array.of(1, 1) }, 'index'],
      [0, { products: [4], outputs: [1], consumed: Float64Array.of(1, 1) }, 'index'],
      [0, { products: [0], outputs: [1, 2], consumed: Float64Array.of(1, 1) }, 'shape'],
      [0, { products: [0], outputs: [1], consumed: Float64Array.of(1) }, 'shape'],
      [0, { products: [0], outputs: [-1], consumed: Float64Array.of(1, 1) }, 'not-finite'],
      [0, { products: [0], outputs: [1], consumed: Float64Array.of(1, -2) }, 'not-finite'],
    ];
    for (const [unit, rep, code] of cases) {
      const r = checkReport(st, unit, rep);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code, r.error.message).toBe(code);
    }
    expect(createPlausibilityState(3, { inputs: 1, products: 2, coef: Float64Array.of(1) }).ok).toBe(false);
  });

  it('learnReport leaves exactly the state checkReport(..., true) leaves, and refuses what it refuses', () => {
    const o: SimOptions = { units: 6, days: 120, seed: 11, padRate: 0.05 };
    const days = simulateUnits(o);
    const a = must(createPlausibilityState(o.units, SIM_TECH));
    const b = must(createPlausibilityState(o.units, SIM_TECH));
    const c = must(createPlausibilityState(o.units, SIM_TECH));
    const ratios = new Float64Array(SIM_TECH.inputs);
    for (const [k, d] of days.entries()) {
      // some days without a report of one input, some with a zero
      const consumed = Float64Array.from(d.consumed, (v, i) => ((k + i) % 17 === 0 ? NaN : (k + i) % 23 === 0 ? 0 : v));
      const rep = { products: d.products, outputs: d.outputs, consumed };
      must(checkReport(a, d.unit, rep, true));
      must(learnReport(b, d.unit, rep));
      must(reportRatios(c, d.unit, rep, ratios));
      learnRatios(c, d.unit, ratios);
    }
    for (const s of [b, c]) {
      expect(Array.from(s.history)).toEqual(Array.from(a.history));
      expect(Array.from(s.filled)).toEqual(Array.from(a.filled));
      expect(Array.from(s.head)).toEqual(Array.from(a.head));
    }
    // a reset state judges as a fresh one
    resetPlausibilityState(c);
    const fresh = must(createPlausibilityState(o.units, SIM_TECH));
    expect(Array.from(c.history)).toEqual(Array.from(fresh.history));
    expect(Array.from(c.filled)).toEqual(Array.from(fresh.filled));
    expect(Array.from(c.head)).toEqual(Array.from(fresh.head));
    const before = Float64Array.from(b.history);
    for (const [unit, rep, code] of [
      [9, { products: [0], outputs: [1], consumed: Float64Array.of(1, 1) }, 'index'],
      [0, { products: [0], outputs: [-1], consumed: Float64Array.of(1, 1) }, 'not-finite'],
      [0, { products: [0], outputs: [1], consumed: Float64Array.of(1) }, 'shape'],
    ] as const) {
      const r = learnReport(b, unit, rep);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe(code);
    }
    expect(Array.from(b.history)).toEqual(Array.from(before));
    // ratios land at the offset asked for; an out too short is refused
    const wide = new Float64Array(5).fill(7);
    const rep = { products: [0], outputs: [100], consumed: Float64Array.of(12, NaN) };
    expect(must(reportRatios(b, 0, rep, wide, 3))).toBe(1);
    expect(wide[2]).toBe(7);
    expect(wide[3]).toBe(Math.log(12 / (SIM_TECH.coef[0] * 100)));
    expect(wide[4]).toBeNaN();
    expect(reportRatios(b, 0, rep, wide, 4).ok).toBe(false);
  });
});
