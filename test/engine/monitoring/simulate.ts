// Deterministic synthetic data for the monitoring tests: a seeded generator, normal draws, and
// the unit-day production/consumption simulation used by the plausibility test.

/**
 * Seeded uniform generator on [0, 1) (mulberry32): same seed, same stream, on every machine.
 * @example const rnd = mulberry32(7); rnd() // 0.x
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Standard normal draw by Box-Muller.
 * @example const x = gauss(rnd);
 */
export function gauss(rnd: () => number): number {
  let u = 0;
  while (u === 0) u = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

/**
 * One simulated unit-day: the report as sent, and whether (and by how much) output was padded.
 * @example if (d.pad > 0) padded++;
 */
export interface SimDay {
  readonly unit: number;
  readonly day: number;
  readonly products: number[];
  readonly outputs: number[];
  readonly consumed: Float64Array;
  /** 0 for an honest report, else the inflation factor - 1 (0.10 .. 0.40). */
  readonly pad: number;
}

/**
 * Parameters of the plausibility simulation.
 * @example simulateUnits({ units: 500, days: 120, seed: 1 })
 */
export interface SimOptions {
  readonly units: number;
  readonly days: number;
  readonly seed: number;
  /** Day-to-day variation of true output (log sd), which consumption follows. */
  readonly outputNoise?: number;
  /** Independent noise of each input's consumption given true output (log sd). */
  readonly consumptionNoise?: number;
  /** Common (shared by all inputs) noise of consumption given output, e.g. a bad-quality coal day. */
  readonly commonNoise?: number;
  /** Share of unit-days with padded output. */
  readonly padRate?: number;
  readonly padMin?: number;
  readonly padMax?: number;
}

/** Technology of the simulation: 2 inputs (coal t, power MWh) x 4 products. */
export const SIM_TECH = { inputs: 2, products: 4, coef: Float64Array.of(0.12, 0.6, 0.35, 0.05, 0.095, 0.5, 1.2, 0.9) };

/**
 * Units that make one or two of four products from coal and power. Each unit has its own
 * efficiency per input (0.85 .. 1.2 of the technology coefficient) that drifts slowly (0.1 %
 * a day); true output varies day to day (log sd outputNoise) and on 3 % of days swings by
 * -50 % .. +40 % for real (a breakdown, a push), consumption following it; each input's
 * consumption has its own noise (consumptionNoise). On padRate of unit-days the reported output
 * is the true output times 1 + U(padMin, padMax), consumption as consumed.
 * @example for (const d of simulateUnits({ units: 10, days: 5, seed: 1 })) check(d);
 */
export function simulateUnits(o: SimOptions): SimDay[] {
  const rnd = mulberry32(o.seed);
  const outputNoise = o.outputNoise ?? 0.06;
  const consumptionNoise = o.consumptionNoise ?? 0.03;
  const commonNoise = o.commonNoise ?? 0;
  const padRate = o.padRate ?? 0.02;
  const padMin = o.padMin ?? 0.1;
  const padMax = o.padMax ?? 0.4;
  const { inputs, products: nP, coef } = SIM_TECH;
  const units = [];
  for (let u = 0; u < o.units; u++) {
    const first = Math.floor(rnd() * nP);
    const prods = rnd() < 0.4 ? [first, (first + 1 + Math.floor(rnd() * (nP - 1))) % nP] : [first];
    units.push({
      prods,
      base: prods.map(() => 200 * Math.pow(25, rnd())),
      eff: Array.from({ length: inputs }, () => Math.log(0.85 + 0.35 * rnd())),
    });
  }
  const out: SimDay[] = [];
  for (let day = 0; day < o.days; day++) {
    for (let u = 0; u < o.units; u++) {
      const un = units[u];
      for (let i = 0; i < inputs; i++) un.eff[i] += 0.001 * gauss(rnd);
      const swing = rnd() < 0.03 ? 0.5 + 0.9 * rnd() : 1;
      const trueOut = un.base.map((b) => b * swing * Math.exp(outputNoise * gauss(rnd)));
      const common = commonNoise * gauss(rnd);
      const consumed = new Float64Array(inputs);
      for (let i = 0; i < inputs; i++) {
        let need = 0;
        un.prods.forEach((p, q) => (need += coef[i * nP + p] * trueOut[q]));
        consumed[i] = need * Math.exp(un.eff[i] + common + consumptionNoise * gauss(rnd));
      }
      const pad = rnd() < padRate ? padMin + (padMax - padMin) * rnd() : 0;
      out.push({ unit: u, day, products: un.prods, outputs: trueOut.map((x) => x * (1 + pad)), consumed, pad });
    }
  }
  return out;
}
