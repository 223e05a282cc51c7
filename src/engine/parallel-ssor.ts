// Block-SSOR split preconditioning of I - M with two row blocks, each swept by its own thread (main + one worker) over shared tiles.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KrylovSystem } from './krylov-system.js';
import { tiledBackward, tiledEisenstatFinish, tiledForward, tiledProduct, type TiledSplit } from './tiled-ssor.js';

const WORKER_URL = new URL('./tiled-worker.js', import.meta.url);
// The worker imports the compiled kernels, which exist only when the engine runs from dist/.
const KERNELS_URL = new URL('./tiled-ssor.js', import.meta.url);

/** Whether worker threads can be used here (compiled engine, more than one core). Example: `if (parallelAvailable()) ...` */
export function parallelAvailable(): boolean {
  return availableParallelism() > 1 && existsSync(fileURLToPath(WORKER_URL)) && existsSync(fileURLToPath(KERNELS_URL));
}

/**
 * The block version of `ssorSystem` with rows split in two halves of equal entry count: thread k
 * sweeps only its own half, the couplings between halves are applied as an explicit product, so
 * both threads work at once and still touch each entry once per iteration. Vectors must come from
 * `allocate` (shared memory); call `close` to stop the worker. Needs tiles built with `shared = true`.
 * Returns null where workers are unavailable (then use `ssorSystem`).
 * Example: `const sys = parallelSsorSystem(tiledSplit(a, 'quantities', 14, true), 16); ... sys?.close()`
 */
export function parallelSsorSystem(ts: TiledSplit, vectors: number): (KrylovSystem & { close(): void }) | null {
  if (!parallelAvailable() || ts.tiles < 2 || !(ts.keys.buffer instanceof SharedArrayBuffer)) return null;
  const n = ts.n;
  // Split panels so both halves hold about the same number of entries.
  const total = ts.tilePtr[ts.tilePtr.length - 1];
  let split = 1;
  while (split < ts.tiles - 1 && ts.tilePtr[split * ts.tiles] < total / 2) split++;
  const pool = new Float64Array(new SharedArrayBuffer(8 * n * (vectors + 1)));
  let used = 0;
  const allocate = (len: number): Float64Array => {
    if (used + len > pool.length) throw new Error('parallelSsorSystem: vector pool exhausted');
    const v = pool.subarray(used, used + len);
    used += len;
    return v;
  };
  const offset = (v: Float64Array): number => {
    if (v.buffer !== pool.buffer) throw new Error('parallelSsorSystem: vector not from allocate()');
    return v.byteOffset / 8;
  };
  const ctrl = new Int32Array(new SharedArrayBuffer(64));
  // execArgv: [] so flags of the parent (e.g. --input-type for `node -e`) cannot stop the worker from starting.
  const worker = new Worker(WORKER_URL, { workerData: { ts, pool: pool.buffer, ctrl: ctrl.buffer, p0: split, p1: ts.tiles }, execArgv: [] });
  worker.unref();
  let seq = 0;
  let ready = false;
  // The main thread blocks in Atomics.wait and so cannot see a worker's 'error' event: if the worker is
  // not up within 5 s, the main thread runs both halves itself (same arithmetic, one thread).
  let alone = false;
  const t = allocate(n);
  const p0 = 0, p1 = split;

  // Posts op to the worker, runs the main thread's half, then waits for the worker's half.
  function both(op: number, a: Float64Array, b: Float64Array, c: Float64Array, mine: () => void): void {
    if (!ready && !alone) {
      const t0 = Date.now();
      while (Atomics.load(ctrl, 7) === 0 && Date.now() - t0 < 5000) Atomics.wait(ctrl, 7, 0, 100);
      if (Atomics.load(ctrl, 7) === 0) alone = true;
      else ready = true;
    }
    if (alone) {
      mine();
      theirs(op, a, b, c);
      return;
    }
    ctrl[1] = op;
    ctrl[2] = offset(a);
    ctrl[3] = offset(b);
    ctrl[4] = offset(c);
    seq++;
    Atomics.store(ctrl, 0, seq);
    Atomics.notify(ctrl, 0);
    mine();
    for (;;) {
      const done = Atomics.load(ctrl, 6);
      if (done === seq) break;
      Atomics.wait(ctrl, 6, done, 60_000);
    }
  }

  // The worker's half, run on the main thread when the worker is unavailable.
  function theirs(op: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
    const q0 = split, q1 = ts.tiles;
    if (op === 1) tiledBackward(ts, a, b, q0, q1);
    else if (op === 2) tiledForward(ts, a, b, q0, q1);
    else if (op === 3) tiledEisenstatFinish(ts, a, b, c, q0, q1);
    else if (op === 4) {
      tiledProduct(ts, a, c, q0, q1);
      for (let i = q0 << ts.bits, e = Math.min(n, q1 << ts.bits); i < e; i++) c[i] = b[i] - a[i] + c[i];
    }
  }

  return {
    n,
    name: 'ssor-2',
    allocate,
    apply(v, out) {
      both(1, v, t, t, () => tiledBackward(ts, v, t, p0, p1));
      both(3, v, t, out, () => tiledEisenstatFinish(ts, v, t, out, p0, p1));
    },
    left(r, out) {
      both(2, r, out, out, () => tiledForward(ts, r, out, p0, p1));
    },
    right(u, out) {
      both(1, u, out, out, () => tiledBackward(ts, u, out, p0, p1));
    },
    residual(z, b, out) {
      both(4, z, b, out, () => {
        tiledProduct(ts, z, out, p0, p1);
        for (let i = 0, e = Math.min(n, p1 << ts.bits); i < e; i++) out[i] = b[i] - z[i] + out[i];
      });
    },
    close() {
      ctrl[1] = 0;
      Atomics.add(ctrl, 0, 1);
      Atomics.notify(ctrl, 0);
      void worker.terminate();
    },
  };
}
