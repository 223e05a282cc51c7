// Helpers for suites that run the built `norma` command as a child process: a free loopback port, a
// seeded random source, and `norma serve` as a child that can be started, killed and restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const NORMA_BIN = join(ROOT, 'bin/norma.js');

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** mulberry32: a small seeded generator, enough to make kill moments and batch sizes repeatable. */
export function seededRandom(seed: number): { next(): number; int(lo: number, hi: number): number } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)) };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The environment for a child `norma`: the caller's, with DATABASE_URL only when the store is PostgreSQL. */
export function normaEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const full: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!env.DATABASE_URL) delete full.DATABASE_URL;
  return full;
}

/** Runs `norma ARGS` to completion without blocking the event loop. */
export function runNorma(args: string[], env: Record<string, string | undefined>, timeoutMs = 180_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NORMA_BIN, ...args], { env: normaEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * `norma serve` on a fixed port as a child process. `start` resolves once it prints that it is
 * serving, and rejects with its stderr if it exits first; `kill` sends a signal and waits for the exit.
 */
export class ServeProcess {
  private child: ChildProcess | undefined;
  /** Everything every incarnation printed on stderr, each start marked. */
  log = '';
  starts = 0;

  constructor(
    readonly port: number,
    private readonly env: Record<string, string | undefined>,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(timeoutMs = 60_000): Promise<number> {
    if (this.running) throw new Error('norma serve is already running');
    const t0 = Date.now();
    this.starts++;
    this.log += `--- start ${this.starts}\n`;
    const child = spawn(process.execPath, [NORMA_BIN, 'serve', '--port', String(this.port), '--host', '127.0.0.1'], {
      env: normaEnv(this.env),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    let own = '';
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`norma serve did not start within ${timeoutMs} ms; stderr:\n${own}`));
      }, timeoutMs);
      child.stderr!.on('data', (d: Buffer) => {
        own += d;
        this.log += d;
        if (own.includes('norma: serving')) {
          clearTimeout(timer);
          resolve(Date.now() - t0);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`norma serve exited (code ${code}, signal ${signal}) before serving; stderr:\n${own}`));
      });
    });
  }

  /** Sends `signal` and waits until the process has gone. */
  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, sig) => r({ code, signal: sig })));
    child.kill(signal);
    return exited;
  }
}
