// Property-based fuzzing of every route in the server's own /openapi.json (read at test time, so a new
// route is fuzzed without touching this file), over real HTTP on loopback against buildServer on a
// small demo store. Path parameters, query strings, headers and JSON bodies come from valid examples
// (built from the route's schema and the store's codes), mutations of them, and arbitrary JSON and
// text. Properties: no answer is a 5xx; every error body is exactly {error, message, details}; a
// request that fails writes nothing (report versions and idempotency keys in the store equal what the
// 200 answers account for, checked after each route), and at the end the rollups in actual_cell
// equal the sums of report_current.
//
// Cases: FUZZ_SHARES.routes of NORMA_FUZZ_RUNS (default 100,000 over all fuzz files), shared among
// the routes after a short calibration run: cheap routes get more cases, every route gets many.
// NORMA_FUZZ_SEED replays a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FUZZ_SHARES,
  ProblemLog,
  errorCode,
  WriteLedger,
  answerProblem,
  anyText,
  fuzzSeed,
  fuzzTotal,
  mutatedJson,
  mutatedString,
  rollupProblems,
  send,
  startFuzzTarget,
  type Dictionary,
  type FuzzTarget,
} from '../support/fuzz.js';

const SEED = fuzzSeed();
const BUDGET = Math.round(fuzzTotal() * FUZZ_SHARES.routes);
/** Properties run side by side per route (each its own seed), so the server sees concurrent requests. */
const CONCURRENCY = 8;

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
};

interface Param {
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly name: string;
  readonly required: boolean;
  readonly schema: Schema;
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly params: Param[];
  readonly body?: { readonly schema: Schema; readonly required: boolean };
  readonly consumes: string[];
}

interface Case {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly key?: string;
}

function operations(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = ((op.parameters as Param[] | undefined) ?? []).map((p) => ({ ...p, required: Boolean(p.required), schema: p.schema ?? {} }));
      const content = ((op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content ?? {}) as Record<string, { schema?: Schema }>;
      const json = content['application/json'];
      out.push({
        method: method.toUpperCase(),
        path,
        params,
        body: json ? { schema: json.schema ?? {}, required: Boolean((op.requestBody as { required?: boolean }).required) } : undefined,
        consumes: Object.keys(content),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- valid examples from schemas

function resolver(doc: Record<string, unknown>) {
  return (s: Schema): Schema => {
    let cur = s;
    for (let i = 0; i < 10 && cur.$ref; i++) {
      const parts = cur.$ref.replace(/^#\//, '').split('/');
      cur = parts.reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], doc) as Schema;
    }
    return cur ?? {};
  };
}

/** Valid-looking values for a field, chosen by its name and schema from the demo store's codes. */
function domainValue(name: string, s: Schema, d: Dictionary): fc.Arbitrary<unknown> {
  const n = name.toLowerCase();
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'integer' || type === 'number') {
    const lo = s.minimum ?? -5;
    const hi = Math.min(s.maximum ?? 1000, lo + 100_000);
    const ints = fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) });
    return n === 'id' ? fc.oneof(fc.constantFrom(...d.ids), ints) : ints;
  }
  if (type === 'boolean') return fc.boolean();
  const nodes = [...d.sectorNodes, ...d.regionNodes];
  if (n === 'unit' || n === 'code') return fc.constantFrom(...d.units);
  if (n === 'product') return fc.constantFrom(...d.products);
  if (n === 'period' || (n === 'id' && type === 'string')) return fc.constantFrom(...d.periods);
  if (n === 'sector') return fc.constantFrom(...d.sectorNodes);
  if (n === 'region') return fc.oneof(fc.constantFrom(...d.regionNodes), fc.constantFrom(...d.units));
  if (n === 'node') return fc.oneof(fc.constantFrom(...nodes), fc.constantFrom(...d.units));
  if (n === 'date' || n === 'today' || s.format === 'date') return fc.constantFrom(...d.dates);
  if (n === 'name' || n === 'by') return fc.constantFrom('admin', 'fuzz', 'planner-1', 'reporter.7');
  if (n.includes('password')) return fc.constantFrom('correct horse battery staple', 'x', 'p'.repeat(64));
  const min = s.minLength ?? 0;
  return fc.string({ minLength: min, maxLength: Math.max(min, Math.min(s.maxLength ?? 12, 12)) });
}

/** A valid example of a JSON schema, with domain values where the field names say what they are. */
function example(s0: Schema, name: string, d: Dictionary, resolve: (s: Schema) => Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(s0);
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => example(a, name, d, resolve, depth + 1)));
  if (s.allOf?.length) return example(s.allOf[0], name, d, resolve, depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  if (type === 'null') return fc.constant(null);
  if (type === 'object' || s.properties) {
    if (depth > 4) return fc.constant({});
    const props = s.properties ?? {};
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [k, v] of Object.entries(props)) model[k] = example(v, k, d, resolve, depth + 1);
    return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
  }
  if (type === 'array') {
    const min = s.minItems ?? 0;
    return fc.array(example(s.items ?? {}, name, d, resolve, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(s.maxItems ?? 4, 4)) });
  }
  if (type === undefined && !Object.keys(s).some((k) => k !== 'description')) return fc.jsonValue({ maxDepth: 2 });
  return domainValue(name, s, d);
}

/** POST /api/reports rows: a unit with a product it makes (or consumes), a recent day, a quantity. */
function reportRow(d: Dictionary): fc.Arbitrary<Record<string, unknown>> {
  const day = fc.integer({ min: 1, max: 11 }).map((n) => `2026-03-${String(n).padStart(2, '0')}`);
  const qty = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 10_000_000 }).map((n) => (n / 1000).toFixed(3)));
  const out = fc.record(
    { pair: fc.constantFrom(...d.outputs), date: day, quantity: qty, kind: fc.constantFrom(undefined, 'output', ''), note: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }) },
    { requiredKeys: ['pair', 'date', 'quantity'] },
  ).map(({ pair, ...r }) => ({ unit: pair[0], product: pair[1], ...r }));
  if (!d.consumes.length) return out;
  const cons = fc.record({ pair: fc.constantFrom(...d.consumes), date: day, quantity: qty }).map(({ pair, ...r }) => ({ unit: pair[0], product: pair[1], kind: 'consumption', ...r }));
  return fc.oneof({ weight: 4, arbitrary: out }, { weight: 1, arbitrary: cons });
}

/** Valid examples the schema alone cannot give (a free-form item), by route. */
function override(op: Operation, d: Dictionary): fc.Arbitrary<unknown> | undefined {
  if (op.method === 'POST' && op.path === '/api/reports') return fc.record({ reports: fc.array(reportRow(d), { minLength: 1, maxLength: 4 }) });
  return undefined;
}

// ---------------------------------------------------------------- cases

/** The string with lone surrogates replaced (encodeURIComponent throws on them). */
function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 });

function valueText(name: string, s: Schema, d: Dictionary, resolve: (s: Schema) => Schema): fc.Arbitrary<string> {
  const valid = example(s, name, d, resolve).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''));
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 3, arbitrary: mutatedString(valid) }, { weight: 2, arbitrary: anyText() });
}

function caseArb(op: Operation, t: FuzzTarget, resolve: (s: Schema) => Schema, doc: Operation[]): fc.Arbitrary<Case> {
  const d = t.dict;
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const allQueryNames = [...new Set(doc.flatMap((o) => o.params.filter((p) => p.in === 'query').map((p) => p.name)))];

  const path = fc
    .tuple(...pathParams.map((p) => fc.tuple(valueText(p.name, p.schema, d, resolve), fc.integer({ min: 0, max: 9 }))))
    .map((vals) => {
      let url = op.path;
      pathParams.forEach((p, i) => {
        const [v, how] = vals[i];
        url = url.replace(`{${p.name}}`, how === 0 ? v.replace(/[#?]/g, '') : encodeURIComponent(wellFormed(v)));
      });
      return url;
    });

  const declared = fc.tuple(
    ...queryParams.map((p) =>
      fc.option(fc.tuple(fc.constant(p.name), valueText(p.name, p.schema, d, resolve)), { freq: p.required ? 10 : 2, nil: undefined }),
    ),
  );
  const extra = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...(allQueryNames.length ? allQueryNames : ['x'])), fc.constantFrom('__proto__', 'constructor', 'a[b]', '', 'x', 'node[]'), printable), anyText()),
    { maxLength: 2 },
  );
  const query = fc.tuple(declared, fc.option(extra, { freq: 4 }), fc.integer({ min: 0, max: 9 })).map(([dec, ext, how]) => {
    const pairs = [...(dec.filter(Boolean) as [string, string][]), ...(ext ?? [])];
    if (!pairs.length) return '';
    if (how === 0) return '?' + pairs.map(([k, v]) => `${k}=${v}`.replace(/[#]/g, '')).join('&');
    return '?' + new URLSearchParams(pairs).toString();
  });

  const valid = override(op, d) ?? (op.body ? example(op.body.schema, 'body', d, resolve) : fc.constant({}));
  const bodyText: fc.Arbitrary<string | undefined> = fc.oneof(
    { weight: op.body ? 4 : 1, arbitrary: valid.map((v) => JSON.stringify(v)) },
    { weight: op.body ? 5 : 1, arbitrary: mutatedJson(valid).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: valid.chain((v) => { const s = JSON.stringify(v) ?? ''; return fc.nat({ max: Math.max(0, s.length) }).map((n) => s.slice(0, n)); }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '', 'null', 'not json', '{', '[', '{"reports":', '{"__proto__":{"polluted":1},"reports":[]}', '{"constructor":{"prototype":{"x":1}}}',
        '{"reports":[],"reports":[{}]}', '[' .repeat(3000) + ']'.repeat(3000), '{"a":' .repeat(500) + '1' + '}'.repeat(500), '1e999', '"\\ud800"', '\ufeff{}',
        '{"reports":[{"unit":"\\u0000","product":"x","date":"2026-03-01","quantity":1}]}', `{"reports":${JSON.stringify(Array.from({ length: 50 }, () => ({})))}}`,
      ),
    },
    { weight: op.body?.required ? 0 : 2, arbitrary: fc.constant(undefined) },
  );
  const contentType = fc.constantFrom(
    'application/json', 'application/json', 'application/json', 'application/json', 'application/json', 'application/json',
    'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x',
    'application/json; charset=latin1', 'application/octet-stream', '',
  );
  const auth = fc.oneof(
    { weight: 30, arbitrary: fc.constant(`Bearer ${t.token}`) },
    { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', `Bearer ${t.token} extra`, `bearer ${t.token}`, 'Bearer nope') },
    { weight: 1, arbitrary: printable.map((s) => `Bearer ${s}`) },
  );
  const key = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5', 'k6') }, { weight: 1, arbitrary: printable });
  const method = fc.oneof({ weight: 40, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') });

  return fc.record({ path, query, bodyText, contentType, auth, key, method }).map((c): Case => {
    const headers: Record<string, string> = { authorization: c.auth };
    const canBody = c.method !== 'GET' && c.method !== 'HEAD';
    const body = canBody && (op.method !== 'GET' || c.method !== op.method) ? c.bodyText : undefined;
    if (body !== undefined && c.contentType) headers['content-type'] = c.contentType;
    if (c.key !== undefined && c.method === 'POST') headers['idempotency-key'] = c.key;
    return { method: c.method, url: t.base + c.path + c.query, headers, body, key: headers['idempotency-key'] };
  });
}

function describeCase(c: Case): string {
  const body = c.body === undefined ? '' : ` body(${c.headers['content-type'] ?? 'no type'}) ${c.body.length > 400 ? c.body.slice(0, 400) + '...' : c.body}`;
  return `${c.method} ${c.url}${c.key !== undefined ? ` [Idempotency-Key ${c.key}]` : ''}${body}`;
}

// ---------------------------------------------------------------- the run

describe('every route of /openapi.json, fuzzed over HTTP', () => {
  let t: FuzzTarget;
  const ledger = new WriteLedger();
  beforeAll(async () => {
    t = await startFuzzTarget({ seed: 5, units: 40 });
    await ledger.start(t.store);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers no 5xx, words every error as {error, message, details}, and a failed request writes nothing', async () => {
    const t0 = Date.now();
    const res = await fetch(`${t.base}/openapi.json`, { headers: { authorization: `Bearer ${t.token}` } });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(10);
    const resolve = resolver(doc);
    const arbs = ops.map((op) => caseArb(op, t, resolve, ops));

    let cases = 0;
    const statuses = new Map<number, number>();
    const problems = new ProblemLog();
    const run = async (i: number, runs: number, seedOffset: number) => {
      const op = ops[i];
      const per = Array.from({ length: CONCURRENCY }, (_, j) => Math.floor(runs / CONCURRENCY) + (j < runs % CONCURRENCY ? 1 : 0)).filter((n) => n > 0);
      // Problems are recorded, not thrown: one bad kind of answer must not hide the others, so every
      // case runs; each kind keeps its count and its shortest example.
      const property = fc.asyncProperty(arbs[i], async (c) => {
        cases++;
        let a;
        try {
          a = await send(c.url, c);
        } catch (e) {
          problems.note(`${op.method} ${op.path}: no answer`, `${describeCase(c)}: ${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? '')}`);
          return;
        }
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        const problem = answerProblem(a, c.method);
        if (problem) problems.note(`${op.method} ${op.path}: ${a.status} ${errorCode(a.text)}`, `${describeCase(c)}: ${problem}${a.status >= 500 ? `\n    server log: ${t.lastServerError().slice(0, 1200)}` : ''}`);
        else ledger.note(c.key, a);
      });
      await Promise.all(per.map((n, j) => fc.assert(property, { numRuns: n, seed: SEED + seedOffset + i * 100 + j })));
      const wrote = await ledger.problem(t.store);
      if (wrote) problems.note(`${op.method} ${op.path}: partial write`, wrote);
      await ledger.start(t.store); // report each route's own difference once
    };

    // Calibration: a few cases per route to learn what each costs.
    const calibration = Math.max(8, Math.min(200, Math.floor((BUDGET * 0.05) / ops.length)));
    const cost: number[] = [];
    for (let i = 0; i < ops.length; i++) {
      const s = Date.now();
      await run(i, calibration, 0);
      cost.push(Math.max(0.05, (Date.now() - s) / calibration));
    }
    // The rest: a quarter shared equally, three quarters weighted towards cheap routes (1 / the cost per case).
    const rest = Math.max(0, BUDGET - calibration * ops.length);
    const w = cost.map((c) => 1 / c);
    const wsum = w.reduce((a, b) => a + b, 0);
    const shares = w.map((x) => Math.floor((rest * 0.25) / ops.length + (rest * 0.75 * x) / wsum));
    shares[0] += rest - shares.reduce((a, b) => a + b, 0);
    const lines: string[] = [];
    for (let i = 0; i < ops.length; i++) {
      const s = Date.now();
      await run(i, shares[i], 1_000_000);
      lines.push(`  ${ops[i].method.padEnd(6)} ${ops[i].path.padEnd(28)} cases=${calibration + shares[i]} ms_per_case=${((Date.now() - s) / Math.max(1, shares[i])).toFixed(2)}`);
    }
    for (const m of await rollupProblems(t.store)) problems.note('rollup mismatch', m);

    console.log(
      `fuzz routes: seed=${SEED} routes=${ops.length} cases=${cases} budget=${BUDGET} ms=${Date.now() - t0} ` +
        `statuses=${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))} report_versions_written=${ledger.totalVersions} keys=${ledger.totalKeys}\n${lines.join('\n')}`,
    );
    if (problems.size) console.log(`fuzz routes: problems found:\n${problems.report()}`);
    expect(problems.list()).toEqual([]);
    expect(cases).toBeGreaterThanOrEqual(BUDGET);
  }, 600_000);
});
