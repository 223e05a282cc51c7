// POST /api/reports/import over real HTTP on loopback, on PGlite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import { loadDemo } from '../../src/services/demo/load.js';
import { migrate, type Store } from '../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../support/stores.js';
import { adminFetch as fetch, TEST_ADMIN_TOKEN } from '../support/auth.js';

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`report import API tests: skipping the PostgreSQL half: ${pgReason}`);

const TODAY = '2026-02-11';

type Pair = { unit: string; product: string };

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`POST /api/reports/import on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    let app: FastifyInstance;
    let base: string;
    let pairs: Pair[];
    let next = 0;
    /** A unit and a product it makes that no other test uses. */
    const pair = (): Pair => pairs[next++];

    const reportCount = async () => Number((await store.query<{ n: string }>('select count(*)::text as n from report'))[0].n);
    const current = async (p: Pair, day: string) => {
      const [r] = await store.query<{ q: string }>(
        `select c.quantity::text as q from report_current c join unit u on u.id = c.unit_id and u.org = c.org
           join product p on p.id = c.product_id and p.org = c.org
          where c.org = 1 and u.code = $1 and p.code = $2 and c.kind = 'output' and c.day = $3`,
        [p.unit, p.product, day],
      );
      return r?.q;
    };
    const post = async (content: string | Uint8Array | null, opts: { name?: string; type?: string; key?: string; field?: string } = {}) => {
      const form = new FormData();
      if (content !== null) form.append(opts.field ?? 'file', new Blob([content], { type: opts.type ?? 'text/csv' }), opts.name ?? 'reports.csv');
      else form.append('note', 'no file here');
      const res = await fetch(`${base}/api/reports/import`, {
        method: 'POST',
        body: form,
        headers: opts.key ? { 'Idempotency-Key': opts.key } : {},
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    beforeAll(async () => {
      store = await fixture.open();
      await migrate(store);
      await loadDemo(store, { seed: 7, units: 40, through: '2026-02-10' });
      app = await buildServer({ store, org: 1, today: () => TODAY }, { adminToken: TEST_ADMIN_TOKEN });
      base = await app.listen({ port: 0, host: '127.0.0.1' });
      pairs = await store.query<Pair>(
        `select unit, product from unit_product where org = 1 and role = 'output' order by unit, product`,
      );
      expect(pairs.length).toBeGreaterThan(20);
    });
    afterAll(async () => {
      await app?.close();
      await fixture.cleanup();
    });

    it('imports a CSV: new figures, corrections and unchanged rows counted; the same file again changes nothing', async () => {
      const [a, b, c] = [pair(), pair(), pair()];
      const aPrev = await current(a, '2026-02-10');
      const bPrev = await current(b, '2026-02-09');
      expect(aPrev, `demo report for ${a.unit} ${a.product} on 2026-02-10`).toBeDefined();
      expect(bPrev, `demo report for ${b.unit} ${b.product} on 2026-02-09`).toBeDefined();
      const csv =
        '\ufeffquantity,date,unit,product,note\r\n' +
        `12.5,${TODAY},${a.unit},${a.product},"first, with a comma"\r\n` +
        `7,${TODAY},${b.unit},${b.product},\r\n` +
        `3,${TODAY},${c.unit},${c.product},\r\n` +
        `${Number(aPrev) + 1},2026-02-10,${a.unit},${a.product},corrected\r\n` +
        `${bPrev},2026-02-09,${b.unit},${b.product},\r\n`;
      const before = await reportCount();
      const first = await post(csv);
      expect(first).toEqual({ status: 200, body: { rows: 5, imported: 3, corrected: 1, unchanged: 1 } });
      expect(await reportCount()).toBe(before + 4);
      expect(await current(a, TODAY)).toBe('12.5');
      expect(Number(await current(a, '2026-02-10'))).toBe(Number(aPrev) + 1);

      const again = await post(csv);
      expect(again).toEqual({ status: 200, body: { rows: 5, imported: 0, corrected: 0, unchanged: 5 } });
      expect(await reportCount()).toBe(before + 4);
    });

    it('one bad row among good ones: 422 naming its 1-based row and field, and nothing applied', async () => {
      const [a, b] = [pair(), pair()];
      const csv =
        'unit,product,date,quantity\n' +
        `${a.unit},${a.product},${TODAY},10\n` +
        `${b.unit},${b.product},${TODAY},11\n` +
        `${a.unit},no-such-product,${TODAY},12\n` +
        `${b.unit},${b.product},2026-02-08,13\n`;
      const before = await reportCount();
      const res = await post(csv);
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('NORMA_ERR_VALIDATION');
      expect(res.body.details).toEqual([{ row: 3, field: 'product', reason: expect.stringContaining('no-such-product') }]);
      expect(res.body.message).toContain('row 3');
      expect(await reportCount()).toBe(before);
      expect(await current(a, TODAY)).toBeUndefined();
    });

    it('lists every bad row, numbered as in the file (a blank line counts), and applies nothing', async () => {
      const [a] = [pair()];
      const csv =
        'unit,product,date,quantity\n' +
        '\n' +
        `${a.unit},${a.product},${TODAY},1\n` +
        `${a.unit},${a.product},2026-02-12,1\n` +
        `${a.unit},${a.product},2026-02-05,-4\n` +
        `${a.unit},${a.product},${TODAY},2\n`;
      const before = await reportCount();
      const res = await post(csv);
      expect(res.status).toBe(422);
      expect(res.body.details.map((d: { row: number; field: string }) => [d.row, d.field])).toEqual([
        [3, 'date'],
        [4, 'quantity'],
        [5, 'date'],
      ]);
      expect(res.body.details[2].reason).toContain('duplicate of row 2');
      expect(await reportCount()).toBe(before);
    });

    it('imports an XLSX workbook (date cells, numbers, reordered columns, blank trailing rows)', async () => {
      const [a, b] = [pair(), pair()];
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('reports');
      ws.addRow(['Product', 'Unit', 'Date', 'Quantity', 'Kind']);
      ws.addRow([a.product, a.unit, new Date(Date.UTC(2026, 1, 11)), 21.25, 'output']);
      ws.addRow([b.product, b.unit, TODAY, '22', '']);
      ws.addRow([]);
      ws.getCell('A6').value = ' ';
      const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
      const res = await post(xlsx, { name: 'reports.xlsx', type: 'application/octet-stream' });
      expect(res).toEqual({ status: 200, body: { rows: 2, imported: 2, corrected: 0, unchanged: 0 } });
      expect(await current(a, TODAY)).toBe('21.25');
      expect(await current(b, TODAY)).toBe('22');
    });

    it('honours Idempotency-Key: a replay answers as the first and changes nothing; another file with the key is 409', async () => {
      const [a, b] = [pair(), pair()];
      const key = `import-${kind}-1`;
      const csv = `unit,product,date,quantity\n${a.unit},${a.product},${TODAY},5\n`;
      const first = await post(csv, { key });
      expect(first).toEqual({ status: 200, body: { rows: 1, imported: 1, corrected: 0, unchanged: 0 } });
      const before = await reportCount();
      const replay = await post(csv, { key });
      expect(replay).toEqual(first);
      expect(await reportCount()).toBe(before);
      const other = await post(`unit,product,date,quantity\n${b.unit},${b.product},${TODAY},5\n`, { key });
      expect(other.status).toBe(409);
      expect(other.body.error).toBe('NORMA_ERR_CONFLICT');
      expect(await current(b, TODAY)).toBeUndefined();
    });

    it('a bad file or request is a 4xx naming `file` or `header`, never a 5xx', async () => {
      const before = await reportCount();
      const cases: [string, () => ReturnType<typeof post>, number, string, string][] = [
        ['missing column', () => post('unit,product,date\nU,P,2026-02-01\n'), 422, 'NORMA_ERR_VALIDATION', 'header'],
        ['unknown column', () => post('unit,product,date,quantity,qty\n'), 422, 'NORMA_ERR_VALIDATION', 'header'],
        ['empty file', () => post(''), 422, 'NORMA_ERR_VALIDATION', 'file'],
        ['header only', () => post('unit,product,date,quantity\r\n'), 422, 'NORMA_ERR_VALIDATION', 'file'],
        ['not UTF-8', () => post(new Uint8Array([0x75, 0x6e, 0xff, 0xfe, 0x00, 0x01])), 422, 'NORMA_ERR_VALIDATION', 'file'],
        ['broken XLSX', () => post(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), { name: 'r.xlsx' }), 422, 'NORMA_ERR_VALIDATION', 'file'],
        ['unterminated quote', () => post('unit,product,date,quantity\n"U,P,2026-02-01,1\n'), 422, 'NORMA_ERR_VALIDATION', 'file'],
        ['no file field', () => post(null), 400, 'NORMA_ERR_BAD_REQUEST', 'file'],
        ['file in another field', () => post('unit,product,date,quantity\n', { field: 'upload' }), 400, 'NORMA_ERR_BAD_REQUEST', 'file'],
      ];
      for (const [what, send, status, error, field] of cases) {
        const res = await send();
        expect({ what, status: res.status, error: res.body.error }).toEqual({ what, status, error });
        expect(res.body.details[0].field, what).toBe(field);
      }
      const json = await fetch(`${base}/api/reports/import`, { method: 'POST', body: '{"reports":[]}', headers: { 'content-type': 'application/json' } });
      expect(json.status).toBe(400);
      expect(((await json.json()) as any).details[0].field).toBe('file');
      const bare = await fetch(`${base}/api/reports/import`, { method: 'POST' });
      expect(bare.status).toBe(400);
      expect(await reportCount()).toBe(before);
    });

    // PGlite only: the lock (and the slow, memory-heavy case) is the embedded store's own.
    if (kind === 'pglite') it('refuses more than 1,000,000 data rows with 422 after reading the whole upload', async () => {
      const header = 'unit,product,date,quantity\n';
      const line = 'U,P,2026-02-01,1\n';
      const body = Buffer.alloc(header.length + line.length * 1_000_001);
      body.write(header);
      for (let i = 0, at = header.length; i < 1_000_001; i++, at += line.length) body.write(line, at);
      const res = await post(body);
      expect(res.status).toBe(422);
      expect(res.body.details).toEqual([{ field: 'file', reason: 'more than 1000000 data rows' }]);
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
    });

    it('is in the OpenAPI document', async () => {
      const doc = (await (await fetch(`${base}/openapi.json`)).json()) as any;
      expect(Object.keys(doc.paths)).toContain('/api/reports/import');
      expect(Object.keys(doc.paths['/api/reports/import'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '413', '422']));
    });
  });
}
