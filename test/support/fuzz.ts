// Shared pieces of the fuzz suites (test/fuzz): the target (a server built with buildServer over a
// small demo store, listening on loopback), the case budget, the domain values that make valid
// examples, string and JSON mutations, the answer checks (no 5xx, one error shape) and the ledger
// that proves failed requests wrote nothing.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import { loadDemo } from '../../src/services/demo/load.js';
import { registerMonitoring, startMonitoringWorker } from '../../src/services/monitoring/index.js';
import type { ServiceContext } from '../../src/services/context.js';
import { migrate, type Store } from '../../src/store/index.js';
import { storeFixture, type StoreFixture } from './stores.js';
import { rollupMismatches, describeMismatch } from './rollups.js';

// ------------------------------------------------------------------ budget

/**
 * Fuzz cases for a whole `vitest run test/fuzz` (default 100,000), from NORMA_FUZZ_RUNS; each fuzz
 * file takes a fixed share, so the shares add up to the total.
 */
export function fuzzTotal(): number {
  const v = process.env.NORMA_FUZZ_RUNS;
  if (v === undefined || v === '') return 100_000;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`NORMA_FUZZ_RUNS must be a whole number >= 1, got ${JSON.stringify(v)}`);
  return n;
}

/** The fuzz suites' shares of fuzzTotal(): they add up to 1. */
export const FUZZ_SHARES = { routes: 0.8, import: 0.2 } as const;

/** The seed of this run: NORMA_FUZZ_SEED, else a fresh one (printed, so a failure can be replayed). */
export function fuzzSeed(): number {
  const v = process.env.NORMA_FUZZ_SEED;
  return v ? Number(v) : randomBytes(4).readUInt32LE(0) >>> 1;
}

// ------------------------------------------------------------------ target

export const FUZZ_TODAY = '2026-03-11';
export const FUZZ_THROUGH = '2026-03-10';
const ORG = 1;

/** Codes and ids of the demo store, for valid examples. */
export interface Dictionary {
  readonly units: string[];
  readonly products: string[];
  /** [unit, product] it makes. */
  readonly outputs: [string, string][];
  /** [unit, product] it reports consuming. */
  readonly consumes: [string, string][];
  readonly sectorNodes: string[];
  readonly regionNodes: string[];
  readonly periods: string[];
  readonly dates: string[];
  readonly ids: number[];
}

export interface FuzzTarget {
  readonly base: string;
  readonly store: Store;
  readonly token: string;
  readonly dict: Dictionary;
  readonly app: FastifyInstance;
  /** The last error the server logged (a 500's cause), with its stack. */
  lastServerError(): string;
  close(): Promise<void>;
}

function periodIds(): string[] {
  const out = ['2026-2030', '2021-2025', '2026', '2025', '2027', '2026-H1', '2026-H2', '2026-W01', '2026-W10', '2026-W11', '2026-W53', '2026-W52', '2020-W53'];
  for (let q = 1; q <= 4; q++) out.push(`2026-Q${q}`);
  for (let m = 1; m <= 12; m++) out.push(`2026-M${String(m).padStart(2, '0')}`);
  out.push('2026-01-01', '2026-02-28', '2026-03-01', '2026-03-10', '2026-03-11', '2026-03-12', '2026-12-31', '2025-12-31');
  return out;
}

/**
 * A server over a small demo store (PGlite, or PostgreSQL with NORMA_FUZZ_STORE=postgres), built with
 * buildServer, authenticating `token` as admin (NORMA_ADMIN_TOKEN) with rate limits off (NORMA_RATE_LIMIT=0).
 */
export async function startFuzzTarget(opts: { seed: number; units: number }): Promise<FuzzTarget> {
  const kind = process.env.NORMA_FUZZ_STORE === 'postgres' ? 'postgres' : 'pglite';
  const fixture: StoreFixture = storeFixture(kind);
  const store = await fixture.open();
  await migrate(store);
  await loadDemo(store, { seed: opts.seed, units: opts.units, through: FUZZ_THROUGH });
  const token = `fuzz-${randomBytes(12).toString('hex')}`;
  const saved = { token: process.env.NORMA_ADMIN_TOKEN, rate: process.env.NORMA_RATE_LIMIT };
  process.env.NORMA_ADMIN_TOKEN = token;
  process.env.NORMA_RATE_LIMIT = '0';
  let app: FastifyInstance;
  const ctx: ServiceContext = { store, org: ORG, today: () => FUZZ_TODAY, now: () => new Date(`${FUZZ_TODAY}T08:00:00+09:00`) };
  try {
    app = await buildServer(ctx);
  } finally {
    if (saved.token === undefined) delete process.env.NORMA_ADMIN_TOKEN;
    else process.env.NORMA_ADMIN_TOKEN = saved.token;
    if (saved.rate === undefined) delete process.env.NORMA_RATE_LIMIT;
    else process.env.NORMA_RATE_LIMIT = saved.rate;
  }
  // Without a logger Fastify hands every request the same no-op logger: catch what the error handler logs.
  let lastError = '';
  app.log.error = ((obj: unknown, msg?: string) => {
    const err = (obj as { err?: Error })?.err ?? obj;
    lastError = `${msg ?? ''} ${err instanceof Error ? err.stack : JSON.stringify(err)}`.trim();
  }) as typeof app.log.error;
  // As `norma serve` runs it: monitoring queued behind ingest, a worker draining the queue.
  registerMonitoring({ mode: 'queued' });
  const worker = startMonitoringWorker(ctx);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const q = <T>(sql: string) => store.query<T & Record<string, unknown>>(sql);
  const roles = await q<{ unit: string; product: string; role: string }>('select unit, product, role from unit_product where org = 1 order by unit, product');
  const nodes = await q<{ tree: string; code: string }>("select tree, code from tree_node where org = 1 order by code");
  const alerts = await q<{ id: number }>('select id from alert where org = 1 order by id limit 40').catch(() => []);
  const dict: Dictionary = {
    units: (await q<{ code: string }>('select code from unit where org = 1 order by code')).map((u) => u.code),
    products: (await q<{ code: string }>('select code from product where org = 1 order by code')).map((p) => p.code),
    outputs: roles.filter((r) => r.role === 'output').map((r) => [r.unit, r.product]),
    consumes: roles.filter((r) => r.role !== 'output').map((r) => [r.unit, r.product]),
    sectorNodes: nodes.filter((n) => n.tree === 'sector').map((n) => n.code),
    regionNodes: nodes.filter((n) => n.tree === 'region').map((n) => n.code),
    periods: periodIds(),
    dates: ['2026-01-01', '2026-01-31', '2026-02-28', '2026-03-01', '2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2025-12-31', '2026-02-29', '2024-02-29', '2026-13-01', '2026-3-1', '20260310'],
    ids: [...new Set([...alerts.map((a) => Number(a.id)), 1, 2, 3, 5, 8, 13])],
  };
  return {
    base,
    store,
    token,
    dict,
    app,
    lastServerError: () => lastError,
    async close() {
      await app.close();
      await worker.stop();
      await fixture.cleanup();
    },
  };
}

// ------------------------------------------------------------------ arbitraries

/** Strings a parser may choke on. */
export const NASTY_STRINGS = [
  '', ' ', '\t', '\u0000', '%', '%00', '%zz', '..', '../..', '/', '\\', '"', "'", '`', ';', '--', "' or 1=1 --", '$1', '\\x00',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'null', 'undefined', 'true', 'NaN', 'Infinity', '-Infinity',
  '-1', '0', '-0', '1e309', '1e-7', '0.0000001', '123.1234567', '9007199254740993', '99999999999999999999999', '0x10', '1_000', '+1', '.5', '5.',
  '１２３', '٣', '\u202e', '\ud800', '\udfff', '\ufeff', '😀', 'Ä', 'ß'.repeat(3), 'x'.repeat(65), 'x'.repeat(257), 'x'.repeat(5000),
  '2026-02-29', '2026-02-30', '0000-00-00', '9999-12-31', '2026-03-11T00:00:00Z', '2026-W00', '2026-W54', '2026-M00', '2026-M13', '2026-Q0', '2026-Q5',
  '2026-H3', '2026-2025', '2026-2031', '1-2', '-2026', 'NATION', 'nation', 'output ', 'Output', 'consumption', 'sector', 'region',
];

/** A string changed a little: a character in, out or swapped, case, padding, repetition, a nasty tail. */
export function mutatedString(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(valid, fc.nat(), fc.integer({ min: 0, max: 11 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.constantFrom(...NASTY_STRINGS))
    .map(([s, at, op, piece, nasty]) => {
      const i = s.length ? at % (s.length + 1) : 0;
      switch (op) {
        case 0: return s.slice(0, i) + piece + s.slice(i);
        case 1: return s.slice(0, i) + s.slice(i + 1);
        case 2: return s.slice(0, i) + piece + s.slice(i + 1);
        case 3: return s.toUpperCase();
        case 4: return s.toLowerCase();
        case 5: return ` ${s} `;
        case 6: return s.repeat(2 + (at % 50));
        case 7: return s.slice(0, i);
        case 8: return s + nasty;
        case 9: return nasty + s;
        case 10: return s.slice(0, i) + nasty + s.slice(i);
        default: return s.normalize('NFD') + '\u0301';
      }
    });
}

/** Any text: nasty constants, unicode, binary, JSON of any value. */
export function anyText(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.double().map(String) },
  );
}

/** A JSON value changed somewhere inside: a value replaced, a key dropped or added, a type flipped. */
export function mutatedJson(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      valid,
      fc.array(fc.nat(), { minLength: 0, maxLength: 4 }),
      fc.integer({ min: 0, max: 9 }),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(...NASTY_STRINGS),
    )
    .map(([v, path, op, replacement, nasty]) => {
      const root = structuredClone(v);
      const holder = { root } as Record<string, unknown>;
      let parent: Record<string, unknown> | unknown[] = holder;
      let key: string | number = 'root';
      for (const step of path) {
        const cur: unknown = (parent as Record<string | number, unknown>)[key];
        if (Array.isArray(cur) && cur.length) {
          parent = cur;
          key = step % cur.length;
        } else if (cur && typeof cur === 'object' && Object.keys(cur).length) {
          const keys = Object.keys(cur);
          parent = cur as Record<string, unknown>;
          key = keys[step % keys.length];
        } else break;
      }
      const p = parent as Record<string | number, unknown>;
      const cur = p[key];
      switch (op) {
        case 0: p[key] = replacement; break;
        case 1: if (Array.isArray(parent)) parent.splice(key as number, 1); else delete p[key]; break;
        case 2: p[key] = nasty; break;
        case 3: p[key] = typeof cur === 'string' && cur.trim() !== '' && !Number.isNaN(Number(cur)) ? Number(cur) : typeof cur === 'number' ? String(cur) : cur === null ? 0 : [cur]; break;
        case 4: p[key] = null; break;
        case 5: if (Array.isArray(parent)) parent.push(structuredClone(cur)); else p[nasty || 'extra'] = replacement; break;
        case 6: p[key] = { value: cur }; break;
        case 7: p[key] = typeof cur === 'string' ? cur + nasty : typeof cur === 'number' ? cur * 1e6 + 0.1234567 : replacement; break;
        case 8: p[key] = typeof cur === 'number' ? -cur - 1 : typeof cur === 'string' ? cur.toUpperCase() : {}; break;
        default: p[key] = []; break;
      }
      return holder.root;
    });
}

// ------------------------------------------------------------------ answers

export interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** What is wrong with an answer, or null: a 5xx, or an error body that is not {error, message, details}. */
export function answerProblem(a: Answer, method: string): string | null {
  if (a.status >= 500) return `status ${a.status}: ${a.text.slice(0, 500)}`;
  if (a.status < 400 || method === 'HEAD') return null;
  if (!a.contentType.includes('application/json')) return `error ${a.status} with content-type ${JSON.stringify(a.contentType)}: ${a.text.slice(0, 200)}`;
  let body: unknown;
  try {
    body = JSON.parse(a.text);
  } catch {
    return `error ${a.status} body is not JSON: ${a.text.slice(0, 200)}`;
  }
  const b = body as Record<string, unknown>;
  const keys = b && typeof b === 'object' && !Array.isArray(b) ? Object.keys(b).sort().join(',') : typeof b;
  if (keys !== 'details,error,message' || typeof b.error !== 'string' || typeof b.message !== 'string' || !Array.isArray(b.details)) {
    return `error ${a.status} body is not {error, message, details}: ${a.text.slice(0, 300)}`;
  }
  if (!(b.details as unknown[]).every((d) => d !== null && typeof d === 'object' && !Array.isArray(d))) return `error ${a.status} details are not objects: ${a.text.slice(0, 300)}`;
  return null;
}

/** Keep-alive connections to the target, reused across cases (node:http costs far less per request than fetch). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request over keep-alive loopback; a streamed answer (text/event-stream) is cut after its headers. */
export function send(url: string, init: { method: string; headers: Record<string, string>; body?: string | Uint8Array }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Content-Length always: without it Node sends a DELETE or OPTIONS body unframed, and the server
    // rightly reads those bytes as the next request.
    const headers = init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
    const req = http.request(url, { method: init.method, headers, agent }, (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      if (contentType.startsWith('text/event-stream')) {
        res.destroy();
        resolve({ status: res.statusCode ?? 0, contentType, text: '' });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(3_000, () => req.destroy(new Error('no answer within 3 s')));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The error code an answer names (`error`, or Fastify's own `code`), for grouping problems. */
export function errorCode(text: string): string {
  try {
    const b = JSON.parse(text) as Record<string, unknown>;
    return String(b.code ?? b.error ?? 'no code');
  } catch {
    return 'not JSON';
  }
}

/** Problems grouped by kind, each with its count and shortest example (the closest thing to a shrunk case). */
export class ProblemLog {
  private readonly kinds = new Map<string, { count: number; example: string }>();

  note(kind: string, example: string): void {
    const k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, { count: 1, example });
    else {
      k.count++;
      if (example.length < k.example.length) k.example = example;
    }
  }

  get size(): number {
    return this.kinds.size;
  }

  /** One line per kind: kind, count, shortest example. */
  list(): string[] {
    return [...this.kinds].map(([kind, k]) => `${kind} (x${k.count}): ${k.example.length > 1500 ? k.example.slice(0, 1500) + '...' : k.example}`);
  }

  report(): string {
    return this.list().map((l) => `  - ${l}`).join('\n');
  }
}

// ------------------------------------------------------------------ ledger

/**
 * Counts the report versions that 200 answers say they wrote (imported + corrected; a repeated
 * Idempotency-Key counts once), to compare with the store: a request that failed wrote nothing.
 */
export class WriteLedger {
  /** Since the last start. */
  versions = 0;
  keys = 0;
  /** Since the ledger was made. */
  totalVersions = 0;
  totalKeys = 0;
  private readonly seen = new Set<string>();
  private base = { versions: 0, keys: 0 };

  /** Takes the store's counts as the new baseline (keys already seen stay seen). */
  async start(store: Store): Promise<void> {
    this.base = await this.counts(store);
    this.versions = 0;
    this.keys = 0;
  }

  /** Notes a 2xx answer; returns true when it was a report summary. */
  note(key: string | undefined, a: Answer): boolean {
    if (a.status < 200 || a.status >= 300 || !a.contentType.includes('json')) return false;
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(a.text);
    } catch {
      return false;
    }
    if (!b || typeof b !== 'object' || !Number.isInteger(b.imported) || !Number.isInteger(b.corrected) || !Number.isInteger(b.rows)) return false;
    if (key !== undefined) {
      if (this.seen.has(key)) return true;
      this.seen.add(key);
      this.keys++;
      this.totalKeys++;
    }
    const n = (b.imported as number) + (b.corrected as number);
    this.versions += n;
    this.totalVersions += n;
    return true;
  }

  async counts(store: Store): Promise<{ versions: number; keys: number }> {
    const [r] = await store.query<{ v: number; k: number }>('select (select count(*) from report)::int as v, (select count(*) from idempotency)::int as k');
    return { versions: Number(r.v), keys: Number(r.k) };
  }

  /** Null when the store holds exactly the versions and keys that 200 answers account for, else what differs. */
  async problem(store: Store): Promise<string | null> {
    const now = await this.counts(store);
    const want = { versions: this.base.versions + this.versions, keys: this.base.keys + this.keys };
    if (now.versions === want.versions && now.keys === want.keys) return null;
    return `the store holds ${now.versions} report versions and ${now.keys} idempotency keys; successful answers account for ${want.versions} and ${want.keys}`;
  }
}

/** The rollup check at the end of a fuzz file: actual_cell equals the sums of report_current. */
export async function rollupProblems(store: Store): Promise<string[]> {
  const r = await rollupMismatches(store, ORG);
  return r.mismatches.slice(0, 20).map(describeMismatch);
}

/** A multipart/form-data body written by hand, so the envelope itself can be broken on purpose. */
export function multipart(parts: { field: string; filename?: string; type?: string; data: Uint8Array | string }[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.field}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
