// Property-based fuzzing of both report-file importers through POST /api/reports/import, over real
// HTTP on loopback against buildServer on a small demo store: CSV files built from valid rows and
// then damaged (header shuffled or broken, cells mangled, bytes flipped, cut, spliced, not UTF-8),
// random bytes, XLSX workbooks (made by ExcelJS with dates, formulas and rich text, or assembled here
// with generated sheets), their XML changed inside the zip, and the zip itself broken, all in
// multipart envelopes that are sometimes broken too. Properties: no answer is a 5xx; every error body
// is exactly {error, message, details}; a request that fails writes nothing (report versions and
// idempotency keys in the store equal what the 200 answers account for), and at the end the rollups
// in actual_cell equal the sums of report_current.
//
// Cases: FUZZ_SHARES.import of NORMA_FUZZ_RUNS (default 100,000 over all fuzz files).
// NORMA_FUZZ_SEED replays a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import {
  FUZZ_SHARES,
  NASTY_STRINGS,
  ProblemLog,
  WriteLedger,
  answerProblem,
  anyText,
  errorCode,
  fuzzSeed,
  fuzzTotal,
  multipart,
  mutatedString,
  rollupProblems,
  send,
  startFuzzTarget,
  type Dictionary,
  type FuzzTarget,
} from '../support/fuzz.js';
import { readZip, writeZip, type ZipEntry } from '../support/zip.js';

const SEED = fuzzSeed();
const BUDGET = Math.round(fuzzTotal() * FUZZ_SHARES.import);
const CONCURRENCY = 4;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const COLUMNS = ['unit', 'product', 'date', 'quantity', 'kind', 'note'] as const;

type Cell = string | number | boolean | Date | null | { formula: string; result: unknown } | { richText: { text: string }[] };
type Table = Cell[][];

interface Upload {
  readonly label: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly key?: string;
}

// ---------------------------------------------------------------- tables

function tableArb(d: Dictionary): fc.Arbitrary<{ header: string[]; rows: Record<string, unknown>[] }> {
  const day = fc.integer({ min: 1, max: 11 }).map((n) => `2026-03-${String(n).padStart(2, '0')}`);
  const validRow = fc
    .record({
      pair: fc.constantFrom(...d.outputs),
      date: day,
      quantity: fc.oneof(fc.integer({ min: 0, max: 100_000 }).map(String), fc.integer({ min: 0, max: 10_000_000 }).map((n) => (n / 1000).toFixed(3))),
      kind: fc.constantFrom('', 'output', 'Output', 'consumption'),
      note: fc.oneof(fc.constant(''), fc.string({ maxLength: 12 }), fc.constant('a, "quoted" note')),
    })
    .map(({ pair, ...r }) => ({ unit: pair[0], product: pair[1], ...r }) as Record<string, unknown>);
  const mangledRow = fc
    .tuple(validRow, fc.constantFrom(...COLUMNS), fc.oneof(mutatedString(fc.constantFrom('U-1', 'cement', '2026-03-05', '12.5', 'output', 'x')), anyText()))
    .map(([r, col, v]) => ({ ...r, [col]: v }));
  const header = fc.oneof(
    { weight: 8, arbitrary: fc.shuffledSubarray([...COLUMNS], { minLength: 4 }).map((h) => (h.includes('unit') && h.includes('quantity') ? h : [...COLUMNS])) },
    { weight: 1, arbitrary: fc.shuffledSubarray([...COLUMNS, 'day', 'Unit', ' quantity ', '', 'unit', 'x'], { minLength: 1 }) },
    { weight: 1, arbitrary: fc.array(anyText(), { minLength: 1, maxLength: 6 }) },
  );
  const caseOf = fc.constantFrom<(s: string) => string>((s) => s, (s) => s.toUpperCase(), (s) => ` ${s} `);
  return fc.record({
    header: fc.tuple(header, caseOf).map(([h, f]) => h.map(f)),
    rows: fc.array(fc.oneof({ weight: 3, arbitrary: validRow }, { weight: 2, arbitrary: mangledRow }), { maxLength: 6 }),
  });
}

function cellsOf(header: string[], row: Record<string, unknown>): string[] {
  return header.map((h) => String(row[h.trim().toLowerCase()] ?? ''));
}

// ---------------------------------------------------------------- CSV

function csvArb(d: Dictionary): fc.Arbitrary<string> {
  return fc
    .record({
      t: tableArb(d),
      eol: fc.constantFrom('\n', '\r\n', '\r', '\n\n'),
      bom: fc.boolean(),
      quote: fc.integer({ min: 0, max: 2 }),
      blankAt: fc.option(fc.nat(), { nil: undefined }),
      trailingComma: fc.boolean(),
      extra: fc.option(fc.constantFrom(',extra', ',"', '"', ',,,,', ',"a""b"', '\u0000'), { freq: 6, nil: undefined }),
    })
    .map(({ t, eol, bom, quote, blankAt, trailingComma, extra }) => {
      const q = (v: string) => (quote === 2 || (quote === 1 && /[",\r\n]/.test(v)) ? `"${v.replaceAll('"', '""')}"` : v);
      const lines = [t.header.map(q).join(','), ...t.rows.map((r) => cellsOf(t.header, r).map(q).join(',') + (trailingComma ? ',' : ''))];
      if (blankAt !== undefined) lines.splice(1 + (blankAt % lines.length), 0, '');
      if (extra !== undefined && lines.length > 1) lines[lines.length - 1] += extra;
      return (bom ? '\ufeff' : '') + lines.join(eol) + eol;
    });
}

/** Bytes damaged: flipped, inserted, deleted, cut, repeated, zeroed. */
function mutatedBytes(valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  const special = [0x00, 0x22, 0x2c, 0x0a, 0x0d, 0xff, 0xfe, 0xc3, 0xe2, 0x80, 0x3c, 0x3e, 0x26, 0x50, 0x4b];
  const op = fc.record({ kind: fc.integer({ min: 0, max: 6 }), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }), byte: fc.oneof(fc.constantFrom(...special), fc.integer({ min: 0, max: 255 })) });
  return fc.tuple(valid, fc.array(op, { minLength: 1, maxLength: 4 })).map(([b0, ops]) => {
    let b = Buffer.from(b0);
    for (const o of ops) {
      const i = b.length ? o.at % b.length : 0;
      switch (o.kind) {
        case 0: if (b.length) b[i] ^= 1 << (o.at % 8); break;
        case 1: b = Buffer.concat([b.subarray(0, i), Buffer.alloc(o.len % 4 + 1, o.byte), b.subarray(i)]); break;
        case 2: b = Buffer.concat([b.subarray(0, i), b.subarray(i + o.len)]); break;
        case 3: b = b.subarray(0, i); break;
        case 4: b = Buffer.concat([b.subarray(0, i + o.len), b.subarray(i)]); break;
        case 5: b = Buffer.from(b); b.fill(o.byte, i, Math.min(b.length, i + o.len)); break;
        default: if (b.length) b = Buffer.from(b), (b[i] = o.byte); break;
      }
    }
    return b;
  });
}

// ---------------------------------------------------------------- XLSX

async function workbookOf(sheets: Table[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  sheets.forEach((rows, i) => {
    const ws = wb.addWorksheet(`s${i + 1}`);
    for (const r of rows) ws.addRow(r);
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Workbooks made by ExcelJS, as a user's spreadsheet program would: dates, numbers, formulas, rich text, several sheets. */
async function workbookPool(d: Dictionary): Promise<Buffer[]> {
  const [u, p] = d.outputs[0];
  const [u2, p2] = d.outputs[1] ?? d.outputs[0];
  const good: Table = [['unit', 'product', 'date', 'quantity'], [u, p, new Date('2026-03-05T00:00:00Z'), 12.5], [u2, p2, '2026-03-06', 7]];
  const tables: Table[][] = [
    [good],
    [good, [['not', 'read']]],
    [[['Quantity', 'Date', 'Unit', 'Product', 'Note'], [3, new Date('2026-03-07T00:00:00Z'), u, p, { richText: [{ text: 'rich ' }, { text: 'text' }] }]]],
    [[['unit', 'product', 'date', 'quantity'], [u, p, '2026-03-08', { formula: '2+3', result: 5 }], [null, null, null, null], [u2, p2, '2026-03-08', { formula: 'A1', result: 'x' }]]],
    [[['unit', 'product', 'date', 'quantity', 'kind'], [u, p, new Date('2026-03-40'), 1, 'output'], [u, p, '2026-03-09', -1, 'stock'], [u, p, '2026-03-09', true, null]]],
    [[[null, null], ['unit', 'product', 'date', 'quantity'], [u, p, '2026-03-10', 1e300]]],
    [[['unit', 'product', 'date'], [u, p, '2026-03-10']]],
    [[]],
    [[['unit', 'product', 'date', 'quantity'], ...Array.from({ length: 40 }, (_, i): Cell[] => [d.outputs[i % d.outputs.length][0], d.outputs[i % d.outputs.length][1], '2026-03-04', i])]],
    [[['unit', 'product', 'date', 'quantity', 'note'], [u, p, '2026-03-03', '0.1234567', 'x'.repeat(600)], [u, p, '2026-03-03', '1', 'dup']]],
  ];
  return Promise.all(tables.map(workbookOf));
}

const xmlEscape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const colName = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : 'A' + String.fromCharCode(65 + (i % 26)));

/** A worksheet XML written here: inline strings and numbers, cell references sometimes missing or out of order. */
function sheetXml(table: string[][], refs: 'all' | 'none' | 'shuffled'): string {
  const rows = table.map((cells, r) => {
    const cs = cells.map((v, c) => {
      const ref = refs === 'none' ? '' : ` r="${colName(refs === 'shuffled' ? (c * 7 + 3) % 30 : c)}${r + 1}"`;
      const num = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v);
      return num ? `<c${ref}><v>${v}</v></c>` : `<c${ref} t="inlineStr"><is><t xml:space="preserve">${xmlEscape(v)}</t></is></c>`;
    });
    return `<row r="${r + 1}">${cs.join('')}</row>`;
  });
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows.join('')}</sheetData></worksheet>`;
}

/** Text damaged inside a zip entry: a tag cut, a character inserted, a bad reference, an entity. */
function mutatedText(): fc.Arbitrary<(s: string) => string> {
  return fc
    .record({ op: fc.integer({ min: 0, max: 7 }), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }), piece: fc.constantFrom('<', '>', '&', '&#0;', '&#xD800;', '</sheetData>', '<row r="0">', '<c r="ZZZZ99999999">', '"', 'r="A0"', '<v>x</v>', '\u0000', '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', ...NASTY_STRINGS.slice(0, 20)) })
    .map(({ op, at, len, piece }) => (s: string) => {
      const i = s.length ? at % s.length : 0;
      switch (op) {
        case 0: return s.slice(0, i) + piece + s.slice(i);
        case 1: return s.slice(0, i) + s.slice(i + len);
        case 2: return s.slice(0, i);
        case 3: return s.replace(/<v>[^<]*<\/v>/, `<v>${piece}</v>`);
        case 4: return s.replace(/r="[A-Z]+\d+"/, `r="${piece}"`);
        case 5: return s.replace(/<\/row>/, '');
        case 6: return s.replace(/t="[a-zA-Z]+"/, `t="${piece === '"' ? 'e' : 's'}"`);
        default: return s.replace(/<si>/, '<si><t>' + piece + '</t>');
      }
    });
}

function xlsxArb(d: Dictionary, pool: Buffer[], base: ZipEntry[]): fc.Arbitrary<{ bytes: Buffer; how: string }> {
  const pooled = fc.constantFrom(...pool.map((b, i) => ({ b, i })));
  const fromPool = pooled.map(({ b, i }) => ({ bytes: b, how: `pool#${i}` }));
  const written = fc
    .record({ t: tableArb(d), refs: fc.constantFrom<'all' | 'none' | 'shuffled'>('all', 'all', 'none', 'shuffled'), method: fc.constantFrom<0 | 8>(8, 0) })
    .map(({ t, refs, method }) => {
      const table = [t.header, ...t.rows.map((r) => cellsOf(t.header, r))];
      const entries = base.map((e) => (e.name === 'xl/worksheets/sheet1.xml' ? { name: e.name, data: Buffer.from(sheetXml(table, refs)) } : e));
      return { bytes: writeZip(entries, { method }), how: `written(${refs},${method})` };
    });
  const inside = fc
    .record({ src: pooled, pick: fc.nat(), edit: mutatedText(), op: fc.integer({ min: 0, max: 9 }), badCrc: fc.boolean(), method: fc.constantFrom<0 | 8>(8, 0) })
    .map(({ src, pick, edit, op, badCrc, method }) => {
      const entries = readZip(src.b);
      const xml = entries.filter((e) => /\.xml$|\.rels$/.test(e.name));
      const prefer = entries.filter((e) => /sheet1\.xml$|sharedStrings|workbook\.xml$|styles\.xml$|Content_Types/.test(e.name));
      const target = (op < 6 ? prefer : xml)[pick % (op < 6 ? prefer : xml).length];
      let out: ZipEntry[];
      if (op === 8) out = entries.filter((e) => e !== target);
      else if (op === 9) out = [...entries, target];
      else out = entries.map((e) => (e === target ? { name: e.name, data: Buffer.from(edit(e.data.toString('utf8'))) } : e));
      return { bytes: writeZip(out, { method, badCrc: badCrc && op % 3 === 0 }), how: `pool#${src.i} ${op === 8 ? 'without' : op === 9 ? 'twice' : 'edited'} ${target.name}` };
    });
  const broken = mutatedBytes(pooled.map(({ b }) => b)).map((bytes) => ({ bytes, how: 'zip bytes damaged' }));
  const magic = fc.uint8Array({ maxLength: 200 }).map((r) => ({ bytes: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(r)]), how: 'zip magic + random' }));
  const ole = fc.uint8Array({ maxLength: 64 }).map((r) => ({ bytes: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.from(r)]), how: 'xls magic' }));
  return fc.oneof(
    { weight: 2, arbitrary: fromPool },
    { weight: 4, arbitrary: written },
    { weight: 4, arbitrary: inside },
    { weight: 4, arbitrary: broken },
    { weight: 1, arbitrary: magic },
    { weight: 1, arbitrary: ole },
  );
}

// ---------------------------------------------------------------- uploads

function uploadArb(d: Dictionary, pool: Buffer[], base: ZipEntry[]): fc.Arbitrary<Upload> {
  const csv = csvArb(d).map((s) => Buffer.from(s, 'utf8'));
  const file = fc.oneof(
    { weight: 4, arbitrary: csv.map((bytes) => ({ bytes, how: 'csv', name: 'reports.csv', type: 'text/csv' })) },
    { weight: 3, arbitrary: mutatedBytes(csv).map((bytes) => ({ bytes, how: 'csv bytes damaged', name: 'reports.csv', type: 'text/csv' })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => ({ bytes: Buffer.from(b), how: 'random bytes', name: 'reports.csv', type: 'application/octet-stream' })) },
    { weight: 1, arbitrary: csv.map((b) => ({ bytes: Buffer.from(b.toString('utf8'), 'latin1'), how: 'csv as latin1', name: 'r.csv', type: 'text/csv' })) },
    { weight: 2, arbitrary: xlsxArb(d, pool, base).map(({ bytes, how }) => ({ bytes, how: `xlsx ${how}`, name: 'reports.xlsx', type: XLSX_TYPE })) },
  );
  const hint = fc.record({
    name: fc.constantFrom(undefined, 'reports.csv', 'reports.xlsx', 'r.xls', '', 'r', '../../etc/passwd', 'r"x.csv'),
    type: fc.constantFrom(undefined, 'text/csv', XLSX_TYPE, 'application/octet-stream', 'text/plain; charset=latin1', ''),
  });
  const envelope = fc.oneof(
    { weight: 24, arbitrary: fc.constant('ok') },
    { weight: 1, arbitrary: fc.constantFrom('field', 'two files', 'text first', 'no file', 'cut', 'wrong boundary', 'raw', 'empty', 'no boundary', 'json') },
  );
  const key = fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('i1', 'i2', 'i3', 'i4') });
  return fc.record({ file, hint, useHint: fc.boolean(), envelope, key }).map(({ file, hint, useHint, envelope, key }): Upload => {
    const boundary = 'fuzzb0undary';
    const name = useHint ? hint.name : file.name;
    const type = useHint ? hint.type : file.type;
    const part = { field: 'file', filename: name, type, data: file.bytes };
    let body: Buffer;
    let contentType = `multipart/form-data; boundary=${boundary}`;
    switch (envelope) {
      case 'field': body = multipart([{ ...part, field: 'upload' }], boundary); break;
      case 'two files': body = multipart([part, part], boundary); break;
      case 'text first': body = multipart([{ field: 'note', data: 'hello' }, part], boundary); break;
      case 'no file': body = multipart([{ field: 'note', data: 'hello' }], boundary); break;
      case 'cut': { const m = multipart([part], boundary); body = m.subarray(0, Math.floor(m.length / 2)); break; }
      case 'wrong boundary': body = multipart([part], boundary); contentType = 'multipart/form-data; boundary=other'; break;
      case 'raw': body = file.bytes; contentType = type || 'text/csv'; break;
      case 'empty': body = Buffer.alloc(0); break;
      case 'no boundary': body = multipart([part], boundary); contentType = 'multipart/form-data'; break;
      case 'json': body = Buffer.from('{"file":"unit,product,date,quantity"}'); contentType = 'application/json'; break;
      default: body = multipart([part], boundary);
    }
    return { label: `${file.how}; ${envelope}; name=${JSON.stringify(name)} type=${JSON.stringify(type)}${key ? `; key ${key}` : ''}`, body, contentType, key };
  });
}

function describeUpload(u: Upload): string {
  const head = u.body.subarray(0, 600).toString('latin1').replace(/[^\x20-\x7e\n]/g, '.');
  return `${u.label} (${u.body.length} bytes): ${JSON.stringify(head)}`;
}

// ---------------------------------------------------------------- the run

describe('POST /api/reports/import with fuzzed CSV and XLSX files', () => {
  let t: FuzzTarget;
  let pool: Buffer[];
  let base: ZipEntry[];
  const ledger = new WriteLedger();
  beforeAll(async () => {
    t = await startFuzzTarget({ seed: 6, units: 40 });
    pool = await workbookPool(t.dict);
    base = readZip(pool[0]);
    await ledger.start(t.store);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers no 5xx, words every error as {error, message, details}, and a failed import writes nothing', async () => {
    const t0 = Date.now();
    const problems = new ProblemLog();
    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    const kindMs = new Map<string, number>();
    let cases = 0;
    const url = `${t.base}/api/reports/import`;
    // An exception nobody catches would kill `norma serve`: name the uploads in flight when one comes.
    const inflight = new Set<Upload>();
    const uncaught = (e: unknown) =>
      problems.note(`uncaught exception in the server process: ${String(e)}`, `${(e as Error)?.stack ?? ''}\nuploads in flight:\n${[...inflight].map(describeUpload).join('\n')}`);
    process.on('uncaughtException', uncaught);
    const property = fc.asyncProperty(uploadArb(t.dict, pool, base), async (u) => {
      cases++;
      inflight.add(u);
      const started = performance.now();
      try {
        await importOnce(u);
      } finally {
        inflight.delete(u);
        const kind = u.label.split(/[;(#]/)[0].trim();
        kindMs.set(kind, (kindMs.get(kind) ?? 0) + performance.now() - started);
      }
    });
    const importOnce = async (u: Upload) => {
      const kind = u.label.split(/[;(#]/)[0].trim();
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      const headers: Record<string, string> = { authorization: `Bearer ${t.token}`, 'content-type': u.contentType };
      if (u.key) headers['idempotency-key'] = u.key;
      let a;
      try {
        a = await send(url, { method: 'POST', headers, body: u.body });
      } catch (e) {
        problems.note(`no answer (${kind})`, `${describeUpload(u)}: ${(e as Error).message}`);
        return;
      }
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      const problem = answerProblem(a, 'POST');
      if (problem) problems.note(`${a.status} ${errorCode(a.text)} (${kind})`, `${describeUpload(u)}: ${problem}${a.status >= 500 ? `\n    server log: ${t.lastServerError().slice(0, 1200)}` : ''}`);
      else ledger.note(u.key, a);
    };
    const per = Array.from({ length: CONCURRENCY }, (_, j) => Math.floor(BUDGET / CONCURRENCY) + (j < BUDGET % CONCURRENCY ? 1 : 0)).filter((n) => n > 0);
    try {
      await Promise.all(per.map((n, j) => fc.assert(property, { numRuns: n, seed: SEED + j })));
      await new Promise((r) => setTimeout(r, 200)); // late errors of the last uploads
    } finally {
      process.off('uncaughtException', uncaught);
    }

    const wrote = await ledger.problem(t.store);
    if (wrote) problems.note('partial write', wrote);
    for (const m of await rollupProblems(t.store)) problems.note('rollup mismatch', m);
    console.log(
      `fuzz import: seed=${SEED} cases=${cases} budget=${BUDGET} ms=${Date.now() - t0} statuses=${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))} ` +
        `report_versions_written=${ledger.totalVersions} keys=${ledger.totalKeys} files=${JSON.stringify(Object.fromEntries([...kinds].map(([k, n]) => [k, `${n} (${((kindMs.get(k) ?? 0) / n).toFixed(1)} ms)`])))}`,
    );
    if (problems.size) console.log(`fuzz import: problems found:\n${problems.report()}`);
    expect(problems.list()).toEqual([]);
    expect(cases).toBe(BUDGET);
  }, 600_000);
});
