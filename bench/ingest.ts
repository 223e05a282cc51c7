// Reports through the API (batches of 1,000, 4 concurrent clients, Idempotency-Key on each) against a
// raw COPY of the same rows into a table shaped like `report`, on each store, in the same run.
import { randomUUID } from 'node:crypto';
import { migrate, openStore } from '../src/store/index.js';
import { loadDemo } from '../src/services/demo/load.js';
import { addDays } from '../src/domain/iso-date.js';
import { flags, freshStore, machineLine, startServer } from './support.js';

interface Row {
  unit: string;
  product: string;
  date: string;
  quantity: string;
}

export async function ingestBench(args: string[]): Promise<number> {
  const f = flags(args);
  const total = Number(f.get('reports') ?? 1_000_000);
  const batch = Number(f.get('batch') ?? 1000);
  const clients = Number(f.get('clients') ?? 4);
  const units = Number(f.get('units') ?? 2000);
  const stores = (f.get('store') ?? 'postgres,pglite').split(',') as ('pglite' | 'postgres')[];
  console.log(machineLine());
  console.log(`method: ${total} reports in batches of ${batch} from ${clients} clients over HTTP to \`norma serve\`; peer: COPY of the same rows into a copy of the report table`);
  for (const kind of stores) {
    const s = await freshStore(kind);
    if (!s) continue;
    try {
      // A demo with one day of reports; the bench reports the rest of the year, unit by unit.
      const store = await openStore(s.config);
      await migrate(store);
      await loadDemo(store, { seed: 1, units, through: '2026-01-01' });
      const pairs = await store.query<{ unit: string; product: string; unit_id: number; product_id: number }>(
        `select up.unit, up.product, u.id as unit_id, p.id as product_id from unit_product up
           join unit u on u.org = up.org and u.code = up.unit join product p on p.org = up.org and p.code = up.product
          where up.role = 'output' order by up.unit, up.product`,
      );
      await store.close();
      const rows: Row[] = [];
      const ids: [number, number, string][] = [];
      for (let day = '2026-01-02'; rows.length < total; day = addDays(day, 1)) {
        for (const p of pairs) {
          if (rows.length >= total) break;
          const q = (100 + ((rows.length * 7919) % 1000) / 10).toFixed(1);
          rows.push({ unit: p.unit, product: p.product, date: day, quantity: q });
          ids.push([p.unit_id, p.product_id, day]);
        }
        if (day > '2026-11-20') break;
      }

      const server = await startServer(s.env);
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: clients }, async () => {
          for (;;) {
            const i = next;
            next += batch;
            if (i >= rows.length) return;
            const res = await fetch(`${server.base}/api/reports`, {
              method: 'POST',
              headers: { ...server.headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
              body: JSON.stringify({ reports: rows.slice(i, i + batch) }),
            });
            if (!res.ok) throw new Error(`batch at ${i}: ${res.status} ${await res.text()}`);
          }
        }),
      );
      const apiMs = performance.now() - t0;
      await server.stop();

      const store2 = await openStore(s.config);
      await store2.exec('create table report_copy (like report including all)');
      const at = new Date().toISOString();
      const csv = ids.map(([u, p, d], k) => `1,${u},${p},output,${d},1,${rows[k].quantity},${at},bench,,f`).join('\n') + '\n';
      const t1 = performance.now();
      await store2.copyFrom('report_copy', ['org', 'unit_id', 'product_id', 'kind', 'day', 'version', 'quantity', 'reported_at', 'reported_by', 'note', 'late'], csv);
      const copyMs = performance.now() - t1;
      const [{ n }] = await store2.query<{ n: number }>(`select count(*) as n from report where day >= '2026-01-02'`);
      await store2.close();
      if (n !== rows.length) throw new Error(`stored ${n} reports, sent ${rows.length}`);
      const perS = rows.length / (apiMs / 1000);
      const copyPerS = rows.length / (copyMs / 1000);
      console.log(`ingest store=${kind} reports=${rows.length} batch=${batch} clients=${clients} reports_per_s=${Math.round(perS)} copy_rows_per_s=${Math.round(copyPerS)} ratio=${(perS / copyPerS).toFixed(3)}`);
    } finally {
      await s.drop();
    }
  }
  return 0;
}
