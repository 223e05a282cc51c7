// Worker side of the parallel block-SSOR system: runs the tile kernels on its own row panels of shared tiles and vectors.
// Plain JS (copied to dist by allowJs) so it can be started from the compiled engine; it imports the compiled kernels.
import { workerData } from 'node:worker_threads';
import { tiledBackward, tiledForward, tiledEisenstatFinish, tiledProduct } from './tiled-ssor.js';

const { ts, pool: poolBuf, ctrl: ctrlBuf, p0, p1 } = workerData;
const pool = new Float64Array(poolBuf);
const ctrl = new Int32Array(ctrlBuf);
const n = ts.n;
const vec = (off) => pool.subarray(off, off + n);

// ctrl: [0] sequence posted by main, [1] op, [2..4] vector offsets, [6] sequence done by this worker, [7] ready.
Atomics.store(ctrl, 7, 1);
Atomics.notify(ctrl, 7);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  const op = ctrl[1];
  if (op === 0) break;
  const a = vec(ctrl[2]), b = vec(ctrl[3]), c = vec(ctrl[4]);
  if (op === 1) tiledBackward(ts, a, b, p0, p1);
  else if (op === 2) tiledForward(ts, a, b, p0, p1);
  else if (op === 3) tiledEisenstatFinish(ts, a, b, c, p0, p1);
  else if (op === 4) {
    tiledProduct(ts, a, c, p0, p1);
    for (let i = p0 << ts.bits, e = Math.min(n, p1 << ts.bits); i < e; i++) c[i] = b[i] - a[i] + c[i];
  }
  Atomics.store(ctrl, 6, seen);
  Atomics.notify(ctrl, 6);
}
