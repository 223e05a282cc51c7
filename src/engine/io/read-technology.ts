// Technology CSV `input,output,coefficient` -> product codes + A (CSR, rows = inputs, columns = outputs, duplicates summed).
import { csrFromTriplets } from '../csr-from-triplets.js';
import type { CsrMatrix } from '../csr.js';
import type { ChunkSource } from '../matrix-market.js';
import { fail, ok, type Result } from '../result.js';
import { csvRows } from './csv.js';
import { isDecimal } from './parse-number.js';

/** Products named by code, in order of first appearance; `index.get(code)` is the row/column. */
export interface ProductCodes {
  readonly codes: readonly string[];
  readonly index: ReadonlyMap<string, number>;
}

/** A technology read from CSV: the products and A over them. Example: `t.products.codes[i]` names row i of `t.matrix` */
export interface Technology {
  readonly products: ProductCodes;
  readonly matrix: CsrMatrix;
}

/**
 * Reads `input,output,coefficient` rows. Every product must appear in some row (a product with no
 * coefficients can be declared with `p,p,0`). Coefficients must be finite decimals; negatives are
 * left for the productiveness check, which names them. Errors carry line and field.
 * Example: `const t = await readTechnologyCsv(createReadStream('A.csv'))`
 */
export async function readTechnologyCsv(source: ChunkSource): Promise<Result<Technology>> {
  const index = new Map<string, number>();
  const codes: string[] = [];
  let rows = new Int32Array(1024), cols = new Int32Array(1024), vals = new Float64Array(1024);
  let count = 0;
  let header = true;
  let lastLine = 0;
  const id = (code: string): number => {
    let k = index.get(code);
    if (k === undefined) {
      k = codes.length;
      codes.push(code);
      index.set(code, k);
    }
    return k;
  };
  for await (const { line, fields } of csvRows(source)) {
    lastLine = line;
    if (fields === null) return fail('parse', `line ${line}: unterminated quote`, { line, field: 'input' });
    if (header) {
      const h = fields.map((f) => f.trim().toLowerCase());
      if (h.length !== 3 || h[0] !== 'input' || h[1] !== 'output' || h[2] !== 'coefficient')
        return fail('parse', `line ${line}: header must be "input,output,coefficient"`, { line, field: 'header' });
      header = false;
      continue;
    }
    if (fields.length !== 3) return fail('parse', `line ${line}: expected 3 fields, found ${fields.length}`, { line, field: fields.length < 3 ? ['input', 'output', 'coefficient'][fields.length] : 'coefficient' });
    const input = fields[0].trim(), output = fields[1].trim(), c = fields[2].trim();
    if (input === '') return fail('parse', `line ${line}: input: empty product code`, { line, field: 'input' });
    if (output === '') return fail('parse', `line ${line}: output: empty product code`, { line, field: 'output' });
    const v = isDecimal(c) ? Number(c) : NaN;
    if (!Number.isFinite(v)) return fail('parse', `line ${line}: coefficient: "${c}" is not a finite number`, { line, field: 'coefficient' });
    if (count === rows.length) {
      rows = grow(rows);
      cols = grow(cols);
      vals = grow(vals);
    }
    rows[count] = id(input);
    cols[count] = id(output);
    vals[count] = v;
    count++;
  }
  if (header) return fail('parse', `line ${lastLine + 1}: header: empty file`, { line: lastLine + 1, field: 'header' });
  const n = codes.length;
  const m = csrFromTriplets(n, n, rows, cols, vals, count);
  if (!m.ok) return m;
  return ok({ products: { codes, index }, matrix: m.value });
}

function grow<T extends Int32Array | Float64Array>(a: T): T {
  const b = new (a.constructor as { new (n: number): T })(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Reads a per-product vector CSV with header `product,<valueField>` (e.g. `product,quantity`,
 * `product,labour`) over known products; absent products get 0. Unknown or repeated products and
 * non-numbers are errors with line and field.
 * Example: `await readProductVectorCsv(createReadStream('D.csv'), 'quantity', t.products)`
 */
export async function readProductVectorCsv(
  source: ChunkSource,
  valueField: string,
  products: ProductCodes,
): Promise<Result<Float64Array>> {
  const out = new Float64Array(products.codes.length);
  const seen = new Uint8Array(products.codes.length);
  let header = true;
  let lastLine = 0;
  for await (const { line, fields } of csvRows(source)) {
    lastLine = line;
    if (fields === null) return fail('parse', `line ${line}: unterminated quote`, { line, field: 'product' });
    if (header) {
      const h = fields.map((f) => f.trim().toLowerCase());
      if (h.length !== 2 || h[0] !== 'product' || h[1] !== valueField)
        return fail('parse', `line ${line}: header must be "product,${valueField}"`, { line, field: 'header' });
      header = false;
      continue;
    }
    if (fields.length !== 2)
      return fail('parse', `line ${line}: expected 2 fields, found ${fields.length}`, { line, field: fields.length < 2 ? valueField : valueField });
    const code = fields[0].trim(), t = fields[1].trim();
    const k = products.index.get(code);
    if (k === undefined)
      return fail('unknown-product', `line ${line}: product: "${code}" does not appear in the technology`, { line, field: 'product' });
    if (seen[k]) return fail('duplicate-product', `line ${line}: product: "${code}" listed twice`, { line, field: 'product' });
    const v = isDecimal(t) ? Number(t) : NaN;
    if (!Number.isFinite(v)) return fail('parse', `line ${line}: ${valueField}: "${t}" is not a finite number`, { line, field: valueField });
    seen[k] = 1;
    out[k] = v;
  }
  if (header) return fail('parse', `line ${lastLine + 1}: header: empty file`, { line: lastLine + 1, field: 'header' });
  return ok(out);
}
