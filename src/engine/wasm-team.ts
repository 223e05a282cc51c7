// Two threads on one wasm arena: the main thread and one worker run a kernel program each (kernel calls and progress waits), for the tiled products and block sweeps.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { wasmModule, type Kernels, type WasmArena } from './wasm-kernels.js';

/** Kernels a program may call (all take i32 arguments only). */
export const TEAM_KERNELS = ['rowsMul', 'colsMul', 'rowsForward', 'rowsBackward', 'colsForward', 'colsBackward', 'tilesGather', 'tilesScatter', 'copy', 'zero'] as const;
export type TeamKernel = (typeof TEAM_KERNELS)[number];

/** An argument: a literal (an i32, or a byte address) or register r plus a byte offset. */
export type TeamArg = number | { readonly r: number; readonly off?: number };

// Program encoding (Int32Array): CALL = 1, kernel, argc, then (kind, value) per argument with kind 0 a
// literal and kind r + 1 register r plus value; WAIT = 2, v (until the progress counter reaches v);
// POST = 3, v (set the counter to v and wake the waiter); END = 0.
const CALL = 1, WAIT = 2, POST = 3;

/**
 * A program for one thread, built by `call`, `wait`, `post`. The main thread's program must never wait
 * for the worker's posts (so that one thread can always run both, main's first).
 * Example: `const p = new TeamProgram(); p.call('copy', { r: 1 }, { r: 0 }, 8 * n); p.post(1)`
 */
export class TeamProgram {
  private readonly ints: number[] = [];
  call(kernel: TeamKernel, ...args: TeamArg[]): this {
    this.ints.push(CALL, TEAM_KERNELS.indexOf(kernel), args.length);
    for (const a of args) {
      if (typeof a === 'number') this.ints.push(0, a | 0);
      else this.ints.push(a.r + 1, (a.off ?? 0) | 0);
    }
    return this;
  }
  wait(v: number): this {
    this.ints.push(WAIT, v);
    return this;
  }
  post(v: number): this {
    this.ints.push(POST, v);
    return this;
  }
  /** The encoded program. */
  build(): Int32Array {
    return Int32Array.from([...this.ints, 0]);
  }
}

// Control words (Int32Array over a SharedArrayBuffer): job sequence, registers, done, ready, progress, error, then the worker's program.
const SEQ = 0, DONE = 1, READY = 2, PROGRESS = 3, ERROR = 4, REGS = 8, NREGS = 4, PROG = 16;
const CTRL_INTS = 1 << 18;

// The interpreter, as source: the worker evaluates it, the main thread builds it with `new Function`,
// so both threads run the same code. k: kernels by index, ctrl: control words, prog/at: program, regs.
const INTERPRET = `
  for (;;) {
    const op = prog[at++];
    if (op === 0) return;
    if (op === ${CALL}) {
      const f = k[prog[at++]], argc = prog[at++];
      const a = new Array(argc);
      for (let q = 0; q < argc; q++) {
        const kind = prog[at++], v = prog[at++];
        a[q] = kind === 0 ? v : regs[kind - 1] + v;
      }
      f(...a);
    } else if (op === ${WAIT}) {
      const v = prog[at++];
      for (;;) {
        const c = Atomics.load(ctrl, ${PROGRESS});
        if (c >= v) break;
        Atomics.wait(ctrl, ${PROGRESS}, c, 1000);
      }
    } else {
      Atomics.store(ctrl, ${PROGRESS}, prog[at++]);
      Atomics.notify(ctrl, ${PROGRESS});
    }
  }
`;

const WORKER = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl: buf, names } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory } });
const k = names.map((name) => inst.exports[name]);
const ctrl = new Int32Array(buf);
const regs = new Array(${NREGS}).fill(0);
function interpret(prog, at) {${INTERPRET}}
Atomics.store(ctrl, ${READY}, 1);
Atomics.notify(ctrl, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  const seq = Atomics.load(ctrl, ${SEQ});
  if (seq === seen) continue;
  seen = seq;
  if (seq < 0) break;
  try {
    for (let r = 0; r < ${NREGS}; r++) regs[r] = ctrl[${REGS} + r] >>> 0;
    interpret(ctrl, ${PROG});
  } catch (e) {
    Atomics.store(ctrl, ${ERROR}, 1);
  }
  Atomics.store(ctrl, ${DONE}, seq);
  Atomics.notify(ctrl, ${DONE});
}
`;

type Interpret = (k: ((...a: number[]) => void)[], ctrl: Int32Array, prog: Int32Array, at: number, regs: number[]) => void;
const interpretMain = new Function('k', 'ctrl', 'prog', 'at', 'regs', INTERPRET) as Interpret;

const teams = new WeakMap<WasmArena, WasmTeam | null>();
// A worker whose arena has been collected is stopped (it holds the arena's memory).
const stop = new FinalizationRegistry<{ worker: Worker; ctrl: Int32Array }>(({ worker, ctrl }) => {
  Atomics.store(ctrl, SEQ, -1);
  Atomics.notify(ctrl, SEQ);
  void worker.terminate();
});

/**
 * The main thread plus one worker thread, sharing an arena's memory. `run` gives each its program and
 * returns when both have finished. Until the worker is up (or if it never comes up) the main thread
 * runs both programs itself, main's first, so results never depend on the worker.
 * Example: `WasmTeam.of(ar)?.run(mainProg, workerProg, [px, py])`
 */
export class WasmTeam {
  private readonly ctrl: Int32Array;
  private readonly worker: Worker;
  private readonly k: ((...a: number[]) => void)[];
  private readonly regs = new Array<number>(NREGS).fill(0);
  private seq = 0;
  private ready = false;
  private readonly born = Date.now();
  /** Jobs the worker ran, and jobs the main thread ran alone (worker not up yet). */
  shared = 0;
  alone = 0;

  private constructor(ar: WasmArena, module: object) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL_INTS));
    const names = [...TEAM_KERNELS];
    this.k = names.map((nm) => (ar.k as unknown as Record<string, (...a: number[]) => void>)[nm]);
    // execArgv: [] so flags of the parent (e.g. --input-type for `node -e`) cannot stop the worker from starting.
    this.worker = new Worker(WORKER, { eval: true, workerData: { module, memory: ar.memory, ctrl: this.ctrl.buffer, names }, execArgv: [] });
    this.worker.unref();
    this.worker.on('error', () => {
      /* reported through the control words (or the worker never becomes ready) */
    });
    stop.register(ar, { worker: this.worker, ctrl: this.ctrl });
  }

  /**
   * The team of an arena (made on first use), or null with one core, or where workers or wasm are
   * unavailable, or when NORMA_THREADS=1.
   */
  static of(ar: WasmArena): WasmTeam | null {
    if (teams.has(ar)) return teams.get(ar)!;
    let team: WasmTeam | null = null;
    const mod = wasmModule();
    const threads = Number(process.env.NORMA_THREADS ?? '') || availableParallelism();
    if (mod && threads > 1) {
      try {
        team = new WasmTeam(ar, mod);
      } catch {
        team = null;
      }
    }
    teams.set(ar, team);
    return team;
  }

  /** Waits up to `ms` for the worker to be up (tests; solves do not wait). */
  whenReady(ms: number): boolean {
    if (!this.ready) Atomics.wait(this.ctrl, READY, 0, ms);
    return (this.ready = Atomics.load(this.ctrl, READY) === 1);
  }

  /** Runs `main` here and `other` on the worker (registers: byte addresses), and returns when both are done. */
  run(main: Int32Array, other: Int32Array, regs: readonly number[]): void {
    const ctrl = this.ctrl;
    for (let r = 0; r < NREGS; r++) this.regs[r] = regs[r] ?? 0;
    if (!this.ready) this.ready = Atomics.load(ctrl, READY) === 1;
    // The worker is waited for only briefly, and only in its first seconds: a first solve does not
    // stall on a slow start, and a worker that never starts costs nothing after that.
    if (!this.ready && Date.now() - this.born < 3000 && Atomics.wait(ctrl, READY, 0, 50) !== 'timed-out') this.ready = Atomics.load(ctrl, READY) === 1;
    if (!this.ready || other.length + PROG > CTRL_INTS) {
      this.alone++;
      Atomics.store(ctrl, PROGRESS, 0);
      interpretMain(this.k, ctrl, main, 0, this.regs);
      interpretMain(this.k, ctrl, other, 0, this.regs);
      return;
    }
    this.shared++;
    ctrl.set(other, PROG);
    for (let r = 0; r < NREGS; r++) ctrl[REGS + r] = this.regs[r] | 0;
    Atomics.store(ctrl, PROGRESS, 0);
    const seq = ++this.seq;
    Atomics.store(ctrl, SEQ, seq);
    Atomics.notify(ctrl, SEQ);
    interpretMain(this.k, ctrl, main, 0, this.regs);
    while (Atomics.load(ctrl, DONE) !== seq) Atomics.wait(ctrl, DONE, Atomics.load(ctrl, DONE), 1000);
    if (Atomics.load(ctrl, ERROR) !== 0) throw new Error('wasm team: the worker failed inside a kernel');
  }
}

/** Runs programs one after the other on this thread (the main thread's first), as a team does without its worker. */
export function runAlone(k: Kernels, progs: readonly Int32Array[], regs: readonly number[]): void {
  const f = TEAM_KERNELS.map((nm) => (k as unknown as Record<string, (...a: number[]) => void>)[nm]);
  const ctrl = new Int32Array(new SharedArrayBuffer(64));
  for (const p of progs) interpretMain(f, ctrl, p, 0, [...regs]);
}
