// Leontief benchmark: synthetic economies (n products, ~k inputs each, column sums in [lo, hi]) solved by Norma and by SciPy on the same bytes.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { csrFromTriplets } from '../src/engine/csr-from-triplets.js';
import { csrBytes, type CsrMatrix } from '../src/engine/csr.js';
import { solveLeontief } from '../src/engine/leontief.js';
import { checkProductive } from '../src/engine/productiveness.js';
import { spmvKernel } from '../src/engine/spmv.js';
import { colSums, rowSums } from '../src/engine/sums.js';
import { csrAllocate, WASM_MIN_N, wasmCsrOf, wasmPrepare } from '../src/engine/wasm-csr.js';
import { tiledOps, WasmTiledBuilder, type WasmTiledMatrix } from '../src/engine/wasm-tiles.js';

interface Args {
  sizes: number[];
  k: number;
  ranges: [number, number][];
  tol: number;
  repeat: number;
  scipy: boolean;
  seed: number;
  methods: string[];
  layout: 'tiled' | 'csr';
  blockBits?: number;
}

const HELP = `usage: npm run bench -- leontief [--n 100000,1000000] [--k 10] [--colsum 0.3-0.8,0.90-0.99]
                                  [--tolerance 1e-10] [--repeat 1] [--no-scipy] [--seed 1]
                                  [--scipy-methods bicgstab,gmres,neumann] [--layout tiled|csr] [--block-bits B]
Generates each economy deterministically, writes its CSR arrays to a temp dir, then solves it in a
fresh Node process (Norma) and a fresh Python process (SciPy: fastest of bicgstab, gmres, Neumann).
Norma reads the CSR files into its cache-tiled layout (--layout tiled, the default from ${WASM_MIN_N}
products; blocks of 2^B products) or into CSR in engine memory (--layout csr), untimed, as SciPy's
loading and building of I - A are untimed; both time only the solve.
Times are the best of --repeat runs; the last line per case is the summary.`;

function parseArgs(argv: string[]): Args | string {
  const a: Args = { sizes: [100_000, 1_000_000], k: 10, ranges: [[0.3, 0.8], [0.9, 0.99]], tol: 1e-10, repeat: 1, scipy: true, seed: 1, methods: ['bicgstab', 'gmres', 'neumann'], layout: 'tiled' };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i], v = argv[i + 1];
    const num = (s: string | undefined) => (s !== undefined && s.trim() !== '' ? Number(s) : NaN);
    switch (f) {
      case '--n':
        a.sizes = (v ?? '').split(',').map(num);
        i++;
        break;
      case '--k':
        a.k = num(v);
        i++;
        break;
      case '--colsum':
        a.ranges = (v ?? '').split(',').map((r) => r.split('-').map(num) as [number, number]);
        i++;
        break;
      case '--tolerance':
      case '--tol':
        a.tol = num(v);
        i++;
        break;
      case '--repeat':
        a.repeat = num(v);
        i++;
        break;
      case '--seed':
        a.seed = num(v);
        i++;
        break;
      case '--scipy-methods':
        a.methods = (v ?? '').split(',').filter(Boolean);
        i++;
        break;
      case '--no-scipy':
        a.scipy = false;
        break;
      case '--layout':
        if (v !== 'tiled' && v !== 'csr') return `bad --layout ${v}\n${HELP}`;
        a.layout = v;
        i++;
        break;
      case '--block-bits':
        a.blockBits = num(v);
        i++;
        break;
      case '--help':
      case '-h':
        return HELP;
      default:
        return `unknown argument ${f}\n${HELP}`;
    }
  }
  if (a.sizes.some((n) => !(Number.isInteger(n) && n >= 2))) return 'bad --n';
  if (a.ranges.some(([lo, hi]) => !(lo >= 0 && hi >= lo && hi < 1))) return 'bad --colsum (lo-hi with 0 <= lo <= hi < 1)';
  if (!(a.tol > 0 && a.tol < 1) || !(a.k >= 1) || !(a.repeat >= 1)) return 'bad --tolerance, --k or --repeat';
  if (a.blockBits !== undefined && !(Number.isInteger(a.blockBits) && a.blockBits >= 11 && a.blockBits <= 21)) return 'bad --block-bits (11..21)';
  return a;
}

// mulberry32: tiny, fast, deterministic across platforms.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A synthetic economy: each output j uses k-2..k+2 inputs at uniformly random products (self-use
 * allowed), with random shares scaled so column j sums to a uniform draw in [lo, hi]; d in [0.5, 1.5).
 * Example: `generateEconomy(1000, 10, 0.3, 0.8, 1)`
 */
export function generateEconomy(n: number, k: number, lo: number, hi: number, seed: number): { a: CsrMatrix; d: Float64Array } {
  const r = rng(seed * 1_000_003 + n);
  const cap = n * (k + 2);
  const rows = new Int32Array(cap), cols = new Int32Array(cap), vals = new Float64Array(cap);
  let m = 0;
  for (let j = 0; j < n; j++) {
    const kj = Math.max(1, k - 2 + Math.floor(r() * 5));
    const target = lo + (hi - lo) * r();
    let sum = 0;
    const s0 = m;
    for (let t = 0; t < kj; t++) {
      rows[m] = Math.floor(r() * n);
      cols[m] = j;
      const w = 0.05 + r();
      vals[m++] = w;
      sum += w;
    }
    const scale = target / sum;
    for (let t = s0; t < m; t++) vals[t] *= scale;
  }
  const a = csrFromTriplets(n, n, rows, cols, vals, m);
  if (!a.ok) throw new Error(a.error.message);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = 0.5 + r();
  return { a: a.value, d };
}

function writeCase(dir: string, a: CsrMatrix, d: Float64Array): void {
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ n: a.nRows, nnz: a.rowPtr[a.nRows] }));
  const raw = (t: Int32Array | Float64Array) => new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
  writeFileSync(join(dir, 'rowptr.i32'), raw(a.rowPtr));
  writeFileSync(join(dir, 'colidx.i32'), raw(a.colIdx));
  writeFileSync(join(dir, 'values.f64'), raw(a.values));
  writeFileSync(join(dir, 'd.f64'), raw(d));
}

// Reads a raw file straight into a typed array (no intermediate Buffer of the same size).
function readInto<T extends Int32Array | Float64Array>(path: string, t: T): T {
  const fd = openSync(path, 'r');
  const bytes = new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
  let off = 0;
  while (off < bytes.length) {
    const got = readSync(fd, bytes, off, Math.min(1 << 26, bytes.length - off), null);
    if (got <= 0) break;
    off += got;
  }
  closeSync(fd);
  return t;
}

function statusKb(field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

// Reads entries [from, from + count) of a raw file of 4- or 8-byte items into t (t.length >= count).
function readChunk(fd: number, t: Int32Array | Float64Array, from: number, count: number): void {
  const bytes = new Uint8Array(t.buffer, t.byteOffset, count * t.BYTES_PER_ELEMENT);
  let off = 0;
  while (off < bytes.length) {
    const got = readSync(fd, bytes, off, bytes.length - off, from * t.BYTES_PER_ELEMENT + off);
    if (got <= 0) throw new Error('short read');
    off += got;
  }
}

// The cache-tiled layout built while reading: the row pointers whole, then the column file once to
// count (per tile) and both files once more to fill, in chunks of CHUNK entries.
function readTiled(dir: string, n: number, nnz: number, blockBits: number | undefined): WasmTiledMatrix {
  const CHUNK = 1 << 18;
  const rowPtr = readInto(join(dir, 'rowptr.i32'), new Int32Array(n + 1));
  const b = WasmTiledBuilder.create(n, nnz, rowPtr, { blockBits });
  if (!b || !b.ok) throw new Error(b ? b.error.message : 'no WebAssembly');
  const ci = new Int32Array(CHUNK), va = new Float64Array(CHUNK);
  const fc = openSync(join(dir, 'colidx.i32'), 'r'), fv = openSync(join(dir, 'values.f64'), 'r');
  try {
    for (let p = 0; p < nnz; p += CHUNK) {
      const m = Math.min(CHUNK, nnz - p);
      readChunk(fc, ci, p, m);
      const r = b.value.count(ci.subarray(0, m));
      if (!r.ok) throw new Error(r.error.message);
    }
    for (let p = 0; p < nnz; p += CHUNK) {
      const m = Math.min(CHUNK, nnz - p);
      readChunk(fc, ci, p, m);
      readChunk(fv, va, p, m);
      const r = b.value.fill(ci.subarray(0, m), va.subarray(0, m));
      if (!r.ok) throw new Error(r.error.message);
    }
  } finally {
    closeSync(fc);
    closeSync(fv);
  }
  const m = b.value.finish();
  if (!m.ok) throw new Error(m.error.message);
  return m.value;
}

/** Child side: load the case, time `solveLeontief`, print one JSON line. */
async function child(dir: string, tol: number, repeat: number, layout: string, blockBits: number | undefined): Promise<number> {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { n: number; nnz: number };
  const rssBase = statusKb('VmRSS');
  const n = meta.n;
  const tiled = layout === 'tiled' && n >= WASM_MIN_N;
  let t0 = performance.now();
  // Read the way a reader that knows the engine would: into the tiled layout, or into CSR arrays in
  // engine-owned (wasm) memory; either way the solve runs on them without a copy.
  let a: CsrMatrix | WasmTiledMatrix;
  if (tiled) a = readTiled(dir, n, meta.nnz, blockBits);
  else {
    const c = csrAllocate(n, n, meta.nnz);
    readInto(join(dir, 'rowptr.i32'), c.rowPtr);
    readInto(join(dir, 'colidx.i32'), c.colIdx);
    readInto(join(dir, 'values.f64'), c.values);
    a = c;
  }
  const d = readInto(join(dir, 'd.f64'), new Float64Array(n));
  const readMs = performance.now() - t0;
  const rssLoaded = statusKb('VmRSS');
  const times: number[] = [], cpus: number[] = [];
  let last: ReturnType<typeof solveLeontief> | null = null;
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let r = 0; r < repeat; r++) {
    last = null;
    const t0 = performance.now(), c0 = cpuMs();
    last = solveLeontief(a, d, { tolerance: tol });
    times.push(performance.now() - t0);
    cpus.push(cpuMs() - c0);
    if (process.env.NORMA_BENCH_VERBOSE) console.error(`solve ${r}: ${(performance.now() - t0).toFixed(0)} ms`);
  }
  // Peak of the read and the solves; the baselines below allocate vectors of their own.
  const peakKb = statusKb('VmHWM');
  let productMs = NaN, csrMs = NaN, sumsMs = NaN, fullCheckMs = NaN;
  if ('kind' in a) {
    const ar = a.arena, mk = ar.mark();
    const ops = tiledOps(a, 'quantities');
    const wx = ar.f64(n).fill(1), wy = ar.f64(n);
    ops.product(ar.ptr(wx), ar.ptr(wy));
    t0 = performance.now();
    ops.product(ar.ptr(wx), ar.ptr(wy));
    productMs = performance.now() - t0;
    ar.release(mk);
  } else {
    const x = new Float64Array(n).fill(1), y = new Float64Array(n);
    spmvKernel(n, a.rowPtr, a.colIdx, a.values, x, y, 0, n);
    t0 = performance.now();
    spmvKernel(n, a.rowPtr, a.colIdx, a.values, x, y, 0, n);
    csrMs = performance.now() - t0;
    const w = wasmCsrOf(a, false);
    if (w) {
      const ar = w.arena, m = ar.mark();
      const wx = ar.f64(n).fill(1), wy = ar.f64(n);
      ar.k.rowsMul(n, w.rp, w.ci, w.va, ar.ptr(wx), ar.ptr(wy), 0);
      t0 = performance.now();
      ar.k.rowsMul(n, w.rp, w.ci, w.va, ar.ptr(wx), ar.ptr(wy), 0);
      productMs = performance.now() - t0;
      t0 = performance.now();
      wasmPrepare(w, false);
      sumsMs = performance.now() - t0;
      ar.release(m);
      t0 = performance.now();
      const sums = wasmPrepare(w, true);
      checkProductive(a, { columnSums: sums.colSums ?? undefined, rowSums: sums.rowSums, entriesNonNegative: sums.min >= 0 });
      fullCheckMs = performance.now() - t0;
      ar.release(m);
    } else {
      t0 = performance.now();
      checkProductive(a, { columnSums: colSums(a), rowSums: rowSums(a) });
      fullCheckMs = performance.now() - t0;
    }
  }
  const out = last!.ok
    ? { ok: true, method: last!.value.info.method, iterations: last!.value.info.iterations, products: last!.value.info.products, residual: last!.value.info.residual, proof: last!.value.productive?.proof }
    : { ok: false, error: last!.error.message };
  console.log(
    JSON.stringify({
      ...out,
      layout: 'kind' in a ? `tiled (blocks of 2^${a.blockBits}, ${a.blocks} blocks, ${(a.bytes / 2 ** 20).toFixed(1)} MiB)` : 'csr',
      ms: Math.min(...times),
      all_ms: times,
      cpu_ms: cpus[times.indexOf(Math.min(...times))],
      read_ms: readMs,
      product_ms: productMs,
      csr_spmv_ms: csrMs,
      setup_ms: sumsMs,
      full_check_ms: fullCheckMs,
      rss_base_mb: rssBase / 1024,
      rss_loaded_mb: rssLoaded / 1024,
      peak_rss_mb: peakKb / 1024,
    }),
  );
  return 0;
}

function findPython(): { exe: string; version: string } | null {
  for (const exe of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(exe, ['-c', 'import scipy, numpy; print(scipy.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { exe, version: r.stdout.trim() };
  }
  return null;
}

function fmt(x: number, digits = 0): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/** `npm run bench -- leontief [--n ...]`: see HELP. Example: `await leontiefBench(['--n', '100000'])` */
export async function leontiefBench(argv: string[]): Promise<number> {
  if (argv[0] === '--child') return child(argv[1], Number(argv[2]), Number(argv[3]), argv[4] ?? 'tiled', argv[5] ? Number(argv[5]) : undefined);
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    console.log(parsed);
    return parsed === HELP ? 0 : 1;
  }
  const args = parsed;
  const py = args.scipy ? findPython() : null;
  const self = fileURLToPath(new URL('./main.js', import.meta.url));
  const script = fileURLToPath(new URL('../../bench/scipy_leontief.py', import.meta.url));
  console.log(
    `machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}; ` +
      (py ? `peer: scipy ${py.version} (${py.exe})` : args.scipy ? 'peer: SciPy not found (run npm run bench:setup); no ratio' : 'peer: skipped (--no-scipy)'),
  );
  console.log(
    `method: Norma solveLeontief (auto method, tolerance ${args.tol}; ${args.layout} layout) vs SciPy fastest of bicgstab/gmres/Neumann; best of ${args.repeat}; ` +
      `both time the solve only (Norma: one solveLeontief call, with its productiveness proof and exact residual)`,
  );
  for (const n of args.sizes) {
    for (const [lo, hi] of args.ranges) {
      const dir = mkdtempSync(join(tmpdir(), 'norma-bench-'));
      try {
        const tg = performance.now();
        const { a, d } = generateEconomy(n, args.k, lo, hi, args.seed);
        const nnz = a.rowPtr[n];
        const bytes = csrBytes(a);
        writeCase(dir, a, d);
        const genMs = performance.now() - tg;
        const label = `n=${n} nnz=${nnz} colsum=${lo}-${hi}`;
        console.log(`case ${label}: generated in ${fmt(genMs)} ms, matrix ${fmt(bytes / 2 ** 20, 1)} MiB (CSR)`);
        const nr = spawnSync(process.execPath, [self, 'leontief', '--child', dir, String(args.tol), String(args.repeat), args.layout, args.blockBits ? String(args.blockBits) : ''], {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
        });
        const line = nr.stdout.trim().split('\n').pop() ?? '';
        let norma: Record<string, unknown> = {};
        try {
          norma = JSON.parse(line) as Record<string, unknown>;
        } catch {
          console.log(`  norma child failed: ${nr.stderr || nr.stdout}`);
          continue;
        }
        const nms = norma.ms as number;
        console.log(
          `  norma: ${norma.ok ? `${norma.method} iterations=${norma.iterations} products=${norma.products} residual=${(norma.residual as number).toExponential(2)}` : `FAILED ${norma.error}`} ` +
            `ms=${fmt(nms)} runs=[${(norma.all_ms as number[]).map((t) => fmt(t)).join(',')}] (cpu ${fmt(norma.cpu_ms as number)} ms, all threads) layout=${norma.layout}, read into it in ${fmt(norma.read_ms as number)} ms (untimed); ` +
            `productiveness proved by ${norma.proof ?? '?'}` +
            (Number.isFinite(norma.full_check_ms) ? ` (setup pass ${fmt(norma.setup_ms as number)} ms; the full check with column sums would be ${fmt(norma.full_check_ms as number)} ms)` : '') +
            `; baseline product: wasm=${fmt(norma.product_ms as number, 1)} ms` +
            (Number.isFinite(norma.csr_spmv_ms) ? ` js=${fmt(norma.csr_spmv_ms as number, 1)} ms` : '') +
            `; peak_rss=${fmt(norma.peak_rss_mb as number)} MiB (node alone ${fmt(norma.rss_base_mb as number)} MiB; ` +
            `${fmt(((norma.peak_rss_mb as number) - (norma.rss_base_mb as number)) / (bytes / 2 ** 20), 2)}x matrix above node)`,
        );
        let sms = NaN;
        if (py) {
          const skip = ['bicgstab', 'gmres', 'neumann'].filter((m) => !args.methods.includes(m));
          if (skip.length) console.log(`  scipy: skipping ${skip.join(', ')} (--scipy-methods)`);
          const pr = spawnSync(py.exe, [script, dir, String(args.tol), String(args.repeat)], {
            encoding: 'utf8',
            maxBuffer: 1 << 24,
            env: { ...process.env, NORMA_BENCH_SCIPY_SKIP: skip.join(',') },
          });
          const rows = pr.stdout
            .trim()
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as Record<string, unknown>);
          let best = '';
          for (const r of rows) {
            if (r.method) {
              console.log(
                `  scipy ${r.method}: ms=${fmt(r.ms as number)} iterations=${r.iterations} residual=${(r.residual as number).toExponential(2)} converged=${r.converged}`,
              );
              if (r.converged && !((r.ms as number) >= sms)) {
                sms = r.ms as number;
                best = r.method as string;
              }
            } else if (r.baseline_spmv_ms !== undefined)
              console.log(`  scipy baseline spmv (A @ x): ${fmt(r.baseline_spmv_ms as number, 1)} ms; load ${fmt(r.load_ms as number)} ms and I - A ${fmt(r.build_ms as number)} ms (untimed)`);
            else if (r.peak_rss_mb !== undefined) console.log(`  scipy peak_rss=${fmt(r.peak_rss_mb as number)} MiB; fastest=${best || 'none'}`);
          }
          if (pr.status !== 0) console.log(`  scipy failed: ${pr.stderr.trim().split('\n').pop()}`);
        }
        const ratio = Number.isFinite(sms) ? (nms / sms).toFixed(3) : 'n/a';
        console.log(`leontief n=${n} nnz=${nnz} colsum=${lo}-${hi} norma_ms=${fmt(nms)} scipy_ms=${Number.isFinite(sms) ? fmt(sms) : 'n/a'} ratio=${ratio}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return 0;
}

