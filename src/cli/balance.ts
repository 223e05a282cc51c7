// `norma balance`: reads a technology and a final demand (CSV or Matrix Market), solves (I - A) x = d and optionally (I - A^T) p = l, writes CSV.
import { Command, Option } from 'commander';
import { createReadStream, createWriteStream } from 'node:fs';
import {
  checkProductive,
  csrFromTriplets,
  readMatrixMarket,
  readProductVectorCsv,
  readTechnologyCsv,
  solveLeontief,
  solvePrices,
  wasmTiledFromCsr,
  WASM_MIN_N,
  type CsrMatrix,
  type EngineError,
  type ProductCodes,
  type Result,
} from '../engine/index.js';

interface BalanceOptions {
  technology: string;
  finalDemand: string;
  labour?: string;
  out?: string;
  tolerance: string;
  timings?: boolean;
}

class InputError extends Error {
  constructor(
    readonly file: string,
    readonly detail: EngineError | string,
  ) {
    super(typeof detail === 'string' ? `${file}: ${detail}` : `${file}: ${detail.message}`);
  }
}

const isMtx = (f: string) => f.toLowerCase().endsWith('.mtx');

function stream(file: string) {
  return createReadStream(file, { highWaterMark: 1 << 20 });
}

async function readTechnology(file: string): Promise<{ products: ProductCodes; a: CsrMatrix }> {
  if (!isMtx(file)) {
    const t = await guard(file, () => readTechnologyCsv(stream(file)));
    return { products: t.products, a: t.matrix };
  }
  const m = await guard(file, () => readMatrixMarket(stream(file)));
  if (m.nRows !== m.nCols) throw new InputError(file, { code: 'shape', message: `line 2: size: matrix is ${m.nRows} x ${m.nCols}, not square`, line: 2, field: 'size' });
  let a: Result<CsrMatrix>;
  if (m.kind === 'coordinate') a = csrFromTriplets(m.nRows, m.nCols, m.rows, m.cols, m.values);
  else {
    const n = m.nRows;
    const rows: number[] = [], cols: number[] = [], vals: number[] = [];
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const v = m.values[j * n + i];
        if (v !== 0) {
          rows.push(i);
          cols.push(j);
          vals.push(v);
        }
      }
    a = csrFromTriplets(n, n, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals));
  }
  if (!a.ok) throw new InputError(file, a.error);
  const codes = Array.from({ length: m.nRows }, (_, i) => String(i + 1));
  return { products: { codes, index: new Map(codes.map((c, i) => [c, i])) }, a: a.value };
}

async function readVector(file: string, field: string, products: ProductCodes): Promise<Float64Array> {
  if (!isMtx(file)) return guard(file, () => readProductVectorCsv(stream(file), field, products));
  const m = await guard(file, () => readMatrixMarket(stream(file)));
  const n = products.codes.length;
  if (m.nCols !== 1 || m.nRows !== n)
    throw new InputError(file, { code: 'shape', message: `line 2: size: expected a ${n} x 1 vector, found ${m.nRows} x ${m.nCols}`, line: 2, field: 'size' });
  if (m.kind === 'array') return m.values;
  const v = new Float64Array(n);
  for (let k = 0; k < m.rows.length; k++) v[m.rows[k]] += m.values[k];
  return v;
}

// Turns a failed read (or a missing file) into an InputError naming the file.
async function guard<T>(file: string, read: () => Promise<Result<T>>): Promise<T> {
  let r: Result<T>;
  try {
    r = await read();
  } catch (e) {
    throw new InputError(file, `cannot read: ${(e as Error).message}`);
  }
  if (!r.ok) throw new InputError(file, r.error);
  return r.value;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function writeCsv(out: string | undefined, codes: readonly string[], x: Float64Array, p?: Float64Array): Promise<void> {
  const sink = out ? createWriteStream(out) : process.stdout;
  // An unwritable --out surfaces as an 'error' event; turn it into a rejection of the next write.
  let failed: Error | null = null;
  const onError = (e: Error) => (failed = e);
  sink.on('error', onError);
  const put = (s: string): Promise<void> => {
    if (failed) return Promise.reject(failed);
    return sink.write(s)
      ? Promise.resolve()
      : new Promise<void>((res, rej) => {
          sink.once('drain', () => res());
          sink.once('error', rej);
        });
  };
  await put(p ? 'product,gross_output,labour_value\n' : 'product,gross_output\n');
  let buf = '';
  for (let i = 0; i < codes.length; i++) {
    buf += p ? `${csvField(codes[i])},${String(x[i])},${String(p[i])}\n` : `${csvField(codes[i])},${String(x[i])}\n`;
    if (buf.length > 1 << 16) {
      await put(buf);
      buf = '';
    }
  }
  if (buf) await put(buf);
  if (out)
    await new Promise<void>((res, rej) => {
      if (failed) return rej(failed);
      sink.once('error', rej);
      (sink as ReturnType<typeof createWriteStream>).end((e?: Error | null) => (e || failed ? rej(e ?? failed) : res()));
    });
  sink.off('error', onError);
}

/**
 * Runs `norma balance` with parsed options; returns the exit code (0 ok, 1 bad input, 2 not
 * productive, 3 no converged answer). Exported for in-process tests.
 * Example: `await runBalance({ technology: 'A.csv', finalDemand: 'D.csv', tolerance: '1e-10' })`
 */
export async function runBalance(o: BalanceOptions, err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const tol = Number(o.tolerance);
  if (!(tol > 0 && tol < 1)) {
    err(`norma balance: --tolerance must be a number in (0, 1), got "${o.tolerance}"\n`);
    return 1;
  }
  const t0 = performance.now();
  let products: ProductCodes, a: CsrMatrix, d: Float64Array, l: Float64Array | undefined;
  try {
    ({ products, a } = await readTechnology(o.technology));
    d = await readVector(o.finalDemand, 'quantity', products);
    if (o.labour) l = await readVector(o.labour, 'labour', products);
  } catch (e) {
    if (e instanceof InputError) {
      const det = typeof e.detail === 'string' ? null : e.detail;
      const where = det?.line !== undefined ? ` line ${det.line}, field ${det.field}` : '';
      // The engine's message starts with its own "line N: field: "; say it once.
      const msg = typeof e.detail === 'string' ? e.detail : where ? e.detail.message.replace(/^line \d+: [^:]+: /, '') : e.detail.message;
      err(`norma balance: malformed input: ${e.file}:${where}: ${msg}\n`);
      return 1;
    }
    throw e;
  }
  const t1 = performance.now();
  const names = (ix: readonly number[] | undefined) => (ix ?? []).map((i) => products.codes[i]).join(', ');
  const check = checkProductive(a);
  if (!check.ok) {
    const msg = check.error.message.replace(/\{([^}]*)\}/g, (_, inner: string) => `{${inner.split(', ').map((i) => products.codes[Number(i)]).join(', ')}}`);
    if (check.error.code === 'not-productive' || check.error.code === 'negative-coefficient')
      err(`norma balance: the economy is not productive: products ${names(check.error.products)}\n  ${check.error.code === 'negative-coefficient' ? 'negative coefficients among them' : msg}\n`);
    else err(`norma balance: ${msg}\n`);
    return check.error.code === 'not-productive' || check.error.code === 'negative-coefficient' ? 2 : 1;
  }
  // Large economies are solved on a cache-tiled copy of A: its sweeps read x one block at a time, and
  // at ten million products a solve on it took a third of the time on CSR (docs/engine.md).
  const tiled = a.nRows >= WASM_MIN_N ? wasmTiledFromCsr(a) : null;
  const m = tiled?.ok ? tiled.value : a;
  const x = solveLeontief(m, d, { tolerance: tol, check: false });
  if (!x.ok) {
    err(`norma balance: no converged gross output: ${x.error.message}\n`);
    return 3;
  }
  let p: Float64Array | undefined;
  let iterations = x.value.info.iterations;
  let residual = x.value.info.residual;
  if (l) {
    const pr = solvePrices(m, l, { tolerance: tol, check: false });
    if (!pr.ok) {
      err(`norma balance: no converged labour values: ${pr.error.message}\n`);
      return 3;
    }
    p = pr.value.x;
    iterations += pr.value.info.iterations;
    residual = Math.max(residual, pr.value.info.residual);
  }
  const t2 = performance.now();
  try {
    await writeCsv(o.out, products.codes, x.value.x, p);
  } catch (e) {
    err(`norma balance: cannot write ${o.out ?? 'stdout'}: ${(e as Error).message}\n`);
    return 1;
  }
  if (o.timings)
    err(`read_ms=${(t1 - t0).toFixed(1)} solve_ms=${(t2 - t1).toFixed(1)} iterations=${iterations} residual=${residual.toExponential(3)}\n`);
  return 0;
}

/**
 * The `balance` command for the `norma` program: `program.addCommand(balanceCommand())`.
 * Example: `norma balance --technology A.csv --final-demand D.csv --labour L.csv --out x.csv --timings`
 */
export function balanceCommand(): Command {
  return new Command('balance')
    .description(
      'Balance an economy: gross output x from (I - A) x = d and, with --labour, labour values p from p = pA + l.\n' +
        'A[i][j] is the quantity of input i used per unit of output j.',
    )
    .requiredOption('--technology <file>', 'technology A: CSV "input,output,coefficient" (products by code) or .mtx (rows = inputs, columns = outputs, products 1..n)')
    .requiredOption('--final-demand <file>', 'final demand d: CSV "product,quantity" or .mtx array n x 1; absent products have zero demand')
    .option('--labour <file>', 'direct labour per unit of output l: CSV "product,labour" or .mtx array n x 1')
    .option('--out <file>', 'write the CSV here instead of stdout')
    .addOption(new Option('--tolerance <t>', 'relative residual ||d - (I - A) x|| / ||d|| to reach').default('1e-10'))
    .option('--timings', 'print "read_ms=... solve_ms=... iterations=... residual=..." to stderr')
    .addHelpText(
      'after',
      '\nOutput: CSV "product,gross_output[,labour_value]", numbers in shortest round-trip form.\n' +
        'Exit codes: 0 ok; 1 malformed input (file, line and field named); 2 not productive (offending products named);\n' +
        '3 no answer reached the tolerance.',
    )
    .action(async (opts: BalanceOptions) => {
      process.exitCode = await runBalance(opts);
    });
}
