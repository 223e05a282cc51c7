// Series updates per second of the batched Harrison-Stevens filter (16 Kalman updates + collapse
// per series update) against a bare single-regime local-linear-trend Kalman loop on the same data.
import { cpus } from 'node:os';
import { createHsBatch, createHsFilter, updateBatch, updateHsFilter, DEFAULT_HS_MODEL } from '../src/engine/monitoring/index.js';

/**
 * `npm run bench -- filters [--series 1000,10000,100000] [--days 50] [--reps 3]`: sweeps the series
 * count, times each method by thread CPU time (best of reps), prints one line per size, and last a summary line for the largest size:
 * `filters series=... updates=... updates_per_s=... baseline_updates_per_s=... ratio=...`.
 * @example await run(['--series', '100000', '--days', '50'])
 */
export async function run(args: string[]): Promise<void> {
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
  };
  const sizes = opt('series', '1000,10000,100000').split(',').map(Number);
  const days = Number(opt('days', '50'));
  const reps = Number(opt('reps', '3'));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(days) || days < 2 || !Number.isInteger(reps) || reps < 1) {
    console.error('filters: --series takes positive integers separated by commas, --days an integer >= 2, --reps an integer >= 1');
    process.exitCode = 2;
    return;
  }
  console.log(`filters machine: ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, node ${process.version}, one thread`);
  console.log('filters method: Harrison-Stevens 4-regime GPB2 (updateBatch); baseline: 1-regime LLT Kalman, same layout; peer: none (no public H&S implementation to run)');
  let last = '';
  for (const series of sizes) {
    const data = makeData(series, days, 20260101 + series);
    const idx = new Int32Array(series);
    for (let k = 0; k < series; k++) idx[k] = k;
    const dayValues = new Float64Array(series);

    // warm the JIT on a small copy so the timed run measures steady-state code
    warm(data, days, Math.min(series, 2000));

    // CPU time of this thread (user + system), not wall time: the figure is per core, and the
    // machine is shared, so wall time would count other processes' work. Best of `reps` runs,
    // the two methods alternating so both see the same machine state.
    let hsSec = Infinity, baseSec = Infinity, baseSum = 0;
    let b = createHsBatch(series);
    for (let rep = 0; rep < reps; rep++) {
      b = createHsBatch(series);
      if (!b.ok) throw new Error(b.error.message);
      const c0 = process.cpuUsage();
      for (let t = 0; t < days; t++) {
        for (let k = 0; k < series; k++) dayValues[k] = data[k * days + t];
        const r = updateBatch(b.value, idx, dayValues);
        if (!r.ok) throw new Error(r.error.message);
      }
      hsSec = Math.min(hsSec, cpuSeconds(c0));
      const c1 = process.cpuUsage();
      baseSum = baselineKalman(data, series, days, dayValues);
      baseSec = Math.min(baseSec, cpuSeconds(c1));
    }
    if (!b.ok) throw new Error(b.error.message);

    // residual-style checks: batched vs scalar on a sample (must be 0) and the mean squared
    // standardized one-step error of the last day (about 1 when the filter is calibrated)
    let maxDiff = 0;
    for (let k = 0; k < Math.min(series, 50); k++) {
      const f = createHsFilter();
      if (!f.ok) throw new Error(f.error.message);
      let u = updateHsFilter(f.value, data[k * days]);
      for (let t = 1; t < days; t++) u = updateHsFilter(f.value, data[k * days + t]);
      if (!u.ok) throw new Error(u.error.message);
      maxDiff = Math.max(maxDiff, Math.abs(u.value.level - b.value.level[k]), Math.abs(u.value.forecastVar - b.value.forecastVar[k]));
    }
    let z2 = 0;
    let zn = 0;
    for (let k = 0; k < series; k++) {
      const z = b.value.z[k];
      if (z === z) {
        z2 += z * z;
        zn++;
      }
    }
    const updates = series * days;
    const ups = updates / hsSec;
    const bps = updates / baseSec;
    console.log(
      `filters size=${series}x${days} hs_cpu_s=${hsSec.toFixed(3)} hs_updates_per_s=${ups.toFixed(0)} baseline_cpu_s=${baseSec.toFixed(3)} baseline_updates_per_s=${bps.toFixed(0)} batch_vs_scalar_maxdiff=${maxDiff} mean_z2=${(z2 / zn).toFixed(3)} baseline_checksum=${baseSum.toFixed(1)}`,
    );
    last = `filters series=${series} updates=${updates} updates_per_s=${ups.toFixed(0)} baseline_updates_per_s=${bps.toFixed(0)} ratio=${(bps / ups).toFixed(2)}`;
  }
  console.log(last);
}

// Production-like series: level 100..10,000, 5 % daily scatter, a slow trend, a step in 1 of 20
// series, a 2 % chance of a spike and a 1 % chance of a missing day (NaN).
function makeData(series: number, days: number, seed: number): Float64Array {
  const rnd = mulberry32(seed);
  const out = new Float64Array(series * days);
  for (let k = 0; k < series; k++) {
    const base = 100 * Math.pow(100, rnd());
    const trend = (rnd() - 0.5) * 0.004 * base;
    const stepAt = rnd() < 0.05 ? Math.floor(days * (0.3 + 0.5 * rnd())) : days;
    const stepBy = (rnd() - 0.5) * 0.6 * base;
    for (let t = 0; t < days; t++) {
      let y = base + trend * t + 0.05 * base * gauss(rnd);
      if (t >= stepAt) y += stepBy;
      if (rnd() < 0.02) y += 0.5 * base;
      if (rnd() < 0.01) y = NaN;
      out[k * days + t] = y;
    }
  }
  return out;
}

function warm(data: Float64Array, days: number, n: number): void {
  const b = createHsBatch(n);
  if (!b.ok) return;
  const idx = new Int32Array(n).map((_, k) => k);
  const v = new Float64Array(n);
  for (let t = 0; t < days; t++) {
    for (let k = 0; k < n; k++) v[k] = data[k * days + t];
    updateBatch(b.value, idx, v);
  }
  baselineKalman(data, n, days, v);
}

// Bare baseline: the normal regime alone (one Kalman update per series update, no mixture,
// no collapse, no scale learning), SoA like the batch, NaN = predict only.
function baselineKalman(data: Float64Array, series: number, days: number, dayValues: Float64Array): number {
  const r = DEFAULT_HS_MODEL.regimes[0];
  const level = new Float64Array(series), slope = new Float64Array(series);
  const p00 = new Float64Array(series), p01 = new Float64Array(series), p11 = new Float64Array(series);
  const s2 = new Float64Array(series);
  for (let t = 0; t < days; t++) {
    for (let k = 0; k < series; k++) dayValues[k] = data[k * days + t];
    for (let k = 0; k < series; k++) {
      const y = dayValues[k];
      if (s2[k] === 0) {
        if (y === y && y !== 0) {
          s2[k] = 0.0025 * y * y;
          level[k] = y;
          p00[k] = s2[k];
          p11[k] = 0.01 * s2[k];
        }
        continue;
      }
      const q = s2[k];
      const m1 = slope[k];
      const a0 = level[k] + m1;
      const r00 = p00[k] + 2 * p01[k] + p11[k] + (r.levelVar + r.slopeVar) * q;
      const r01 = p01[k] + p11[k] + r.slopeVar * q;
      const r11 = p11[k] + r.slopeVar * q;
      if (y !== y) {
        level[k] = a0;
        p00[k] = r00;
        p01[k] = r01;
        p11[k] = r11;
        continue;
      }
      const S = r00 + r.obsVar * q;
      const e = y - a0;
      const k0 = r00 / S, k1 = r01 / S;
      level[k] = a0 + k0 * e;
      slope[k] = m1 + k1 * e;
      p00[k] = r00 - k0 * r00;
      p01[k] = r01 - k0 * r01;
      p11[k] = r11 - k1 * r01;
    }
  }
  let sum = 0;
  for (let k = 0; k < series; k++) sum += level[k];
  return sum / series;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(rnd: () => number): number {
  let u = 0;
  while (u === 0) u = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}
