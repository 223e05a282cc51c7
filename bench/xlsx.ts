// Reading a large XLSX report file: Norma's streaming reader (src/services/reporting/xlsx) against
// exceljs's streaming WorkbookReader, which it replaced, on the same workbook in the same run. Each
// reader runs in its own child process so that each one's peak RSS is its own.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type ExcelJS from 'exceljs';
import { flags, machineLine } from './support.js';

const HERE = fileURLToPath(import.meta.url);

/** What a reader saw: rows, and a fingerprint of their values that both readers must agree on. */
interface Seen {
  readonly rows: number;
  readonly quantitySum: number;
  readonly dates: number;
  readonly ms: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
}

/** Each child loads only the reader it runs, so its peak RSS is that reader's. */
const exceljs = async () => (await import('exceljs')).default;

/** Writes the workbook once (exceljs's streaming writer: the sheet comes before its shared strings and styles). */
async function workbook(rows: number): Promise<{ path: string; note: string }> {
  const path = join(tmpdir(), `norma-bench-xlsx-${rows}.xlsx`);
  if (existsSync(path)) return { path, note: 'cached' };
  const t0 = performance.now();
  const tmp = `${path}.${process.pid}.part`;
  const wb = new (await exceljs()).stream.xlsx.WorkbookWriter({ filename: tmp, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('reports');
  ws.addRow(['unit', 'product', 'date', 'quantity', 'kind', 'note']).commit();
  for (let i = 0; i < rows; i++) {
    const note = i % 7 ? null : `shift ${i % 3}, line ${i % 1000}`;
    ws.addRow([`U-${i % 2000}`, `P-${i % 40}`, new Date(Date.UTC(2026, 0, 1 + (i % 300))), (i % 10_000) / 4, i % 3 ? 'output' : 'consumption', note]).commit();
  }
  ws.commit();
  await wb.commit();
  renameSync(tmp, path);
  return { path, note: `written in ${((performance.now() - t0) / 1000).toFixed(1)} s` };
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

type Fingerprint = Omit<Seen, 'ms' | 'cpuMs' | 'peakRssMb'>;

async function readWithNorma(path: string): Promise<Fingerprint> {
  const { xlsxRows } = await import('../src/services/reporting/xlsx/reader.js');
  let rows = 0;
  let quantitySum = 0;
  let dates = 0;
  for await (const b of xlsxRows(createReadStream(path))) {
    for (const r of b.records) {
      rows++;
      if (typeof r[3] === 'number') quantitySum += r[3];
      if (typeof r[2] === 'string' && ISO_DAY.test(r[2])) dates++;
    }
  }
  return { rows, quantitySum, dates };
}

async function readWithExceljs(path: string): Promise<Fingerprint> {
  let rows = 0;
  let quantitySum = 0;
  let dates = 0;
  const reader = new (await exceljs()).stream.xlsx.WorkbookReader(createReadStream(path), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let first = true;
  for await (const sheet of reader) {
    if (!first) continue;
    first = false;
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const v = row.values as unknown[];
      rows++;
      if (typeof v[4] === 'number') quantitySum += v[4];
      if (v[3] instanceof Date && ISO_DAY.test(v[3].toISOString().slice(0, 10))) dates++;
    }
  }
  return { rows, quantitySum, dates };
}

/** In a child process: reads the file with one reader and prints what it saw as JSON. */
async function child(reader: string, path: string): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const seen = reader === 'norma' ? await readWithNorma(path) : await readWithExceljs(path);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  console.log(JSON.stringify({ ...seen, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function run(reader: string, path: string): Seen | string {
  const r = spawnSync(process.execPath, [HERE, '--child', reader, path], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) return `${reader} failed (exit ${r.status}): ${r.stderr.trim().slice(-400)}`;
  return JSON.parse(line) as Seen;
}

/** `npm run bench -- xlsx [--rows N]`: writes an N-row workbook once (cached in the temp folder), then times both readers. */
export async function xlsxBench(args: string[]): Promise<number> {
  const f = flags(args);
  const rows = Number(f.get('rows') ?? 1_000_000);
  console.log(machineLine());
  const { path, note } = await workbook(rows);
  console.log(`file: ${path} bytes=${statSync(path).size} (${note}); 6 columns, shared strings, date cells`);
  console.log('method: each reader in its own process (loading only that reader) streams the file from disk and visits every row of the first worksheet; ms is wall time, cpu_ms user+system; peak RSS from getrusage');
  const norma = run('norma', path);
  const peer = run('exceljs', path);
  for (const [name, s] of [['norma', norma], ['exceljs', peer]] as const) {
    console.log(typeof s === 'string' ? `  ${s}` : `  ${name}: rows=${s.rows} ms=${s.ms.toFixed(0)} cpu_ms=${s.cpuMs.toFixed(0)} peak_rss_mb=${s.peakRssMb.toFixed(0)} quantity_sum=${s.quantitySum} dates=${s.dates}`);
  }
  if (typeof norma === 'string' || typeof peer === 'string') return 1;
  if (norma.rows !== peer.rows || norma.quantitySum !== peer.quantitySum || norma.dates !== peer.dates) {
    console.log('  the readers disagree about the rows; no ratio');
    return 1;
  }
  console.log(
    `xlsx rows=${norma.rows} norma_ms=${norma.ms.toFixed(0)} exceljs_ms=${peer.ms.toFixed(0)} ratio=${(norma.ms / peer.ms).toFixed(3)} ` +
      `norma_peak_rss_mb=${norma.peakRssMb.toFixed(0)} exceljs_peak_rss_mb=${peer.peakRssMb.toFixed(0)}`,
  );
  return 0;
}

if (process.argv[1] === HERE && process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
