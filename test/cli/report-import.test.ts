// `norma report import FILE` as a user runs it: the built CLI in a child process on a PGlite demo store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { localToday } from '../../src/services/context.js';
import { openPgliteStore } from '../../src/store/index.js';

const root = new URL('../../', import.meta.url).pathname;

interface Pair {
  unit: string;
  product: string;
}

describe('norma report import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'norma-report-import-'));
  const data = join(dir, 'data');
  let pairs: Pair[] = [];
  let next = 0;
  const pair = () => pairs[next++];
  // The CLI's today: the demo organisation's date (UTC+9); the demo reports run to yesterday (UTC).
  const today = localToday(540);

  function norma(args: string[]) {
    const env: Record<string, string | undefined> = { ...process.env, NORMA_DATA: data };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, [join(root, 'bin/norma.js'), ...args], { env, encoding: 'utf8', timeout: 180_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const store = await openPgliteStore(data);
    try {
      return await store.query<T & Record<string, unknown>>(text, params);
    } finally {
      await store.close();
    }
  }
  const reportCount = async () => Number((await sql<{ n: string }>('select count(*)::text as n from report'))[0].n);
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    const demo = norma(['demo', '--seed', '3', '--units', '30']);
    expect(demo.code, demo.stderr).toBe(0);
    pairs = await sql<Pair>(`select unit, product from unit_product where org = 1 and role = 'output' order by unit, product`);
    expect(pairs.length).toBeGreaterThanOrEqual(10);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a CSV, prints the summary on stdout and exits 0; the same file again is all unchanged', async () => {
    const rows = [pair(), pair(), pair()];
    const path = file('good.csv', 'unit,product,date,quantity,note\r\n' + rows.map((p, i) => `${p.unit},${p.product},${today},${i + 1}.5,"cli, test"\r\n`).join(''));
    const first = norma(['report', 'import', path, '--by', 'plant-7']);
    expect(first.stderr).toBe('');
    expect({ code: first.code, stdout: first.stdout }).toEqual({ code: 0, stdout: 'imported=3 corrected=0 unchanged=0 rows=3\n' });
    const by = await sql<{ reported_by: string; note: string }>(
      `select r.reported_by, r.note from report r join unit u on u.id = r.unit_id and u.org = r.org where r.org = 1 and u.code = $1 and r.day = $2`,
      [rows[0].unit, today],
    );
    expect(by).toEqual([{ reported_by: 'plant-7', note: 'cli, test' }]);

    const again = norma(['report', 'import', path]);
    expect({ code: again.code, stdout: again.stdout }).toEqual({ code: 0, stdout: 'imported=0 corrected=0 unchanged=3 rows=3\n' });
  });

  it('imports an XLSX workbook', async () => {
    const p = pair();
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('r').addRows([
      ['unit', 'product', 'date', 'quantity'],
      [p.unit, p.product, today, 42],
    ]);
    const path = file('good.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const r = norma(['report', 'import', path]);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: 'imported=1 corrected=0 unchanged=0 rows=1\n' });
  });

  it('prints each bad row on stderr (at most 100, then a count), exits 1 and applies nothing', async () => {
    const p = pair();
    let csv = 'unit,product,date,quantity\n';
    for (let i = 0; i < 150; i++) csv += `U-NOPE-${i},${p.product},${today},1\n`;
    csv += `${p.unit},${p.product},${today},1\n`;
    const before = await reportCount();
    const r = norma(['report', 'import', file('bad.csv', csv)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^norma: NORMA_ERR_VALIDATION: 150 bad rows; nothing was applied/);
    expect(lines[1]).toBe('row 1 unit: unknown unit "U-NOPE-0"');
    expect(lines.filter((l) => /^row \d+ unit: /.test(l))).toHaveLength(100);
    expect(lines[lines.length - 1]).toBe('... and 50 more');
    expect(await reportCount()).toBe(before);
  });

  it('names a bad header, and an unreadable path, with exit 1', () => {
    const header = norma(['report', 'import', file('header.csv', 'unit,product,day,quantity\n')]);
    expect(header.code).toBe(1);
    expect(header.stderr).toContain('header: unknown column "day"');
    expect(header.stderr).toContain('header: missing column "date"');

    const missing = join(dir, 'no-such-file.csv');
    const gone = norma(['report', 'import', missing]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(missing);
    const folder = norma(['report', 'import', dir]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain(dir);
  });
});
