// Fulfilment query latency at national, province and unit level over a store holding ~10 million
// reports (the demo with enough units), through the HTTP API, p50 and p95.
import { migrate, openStore } from '../src/store/index.js';
import { loadDemo } from '../src/services/demo/load.js';
import { flags, freshStore, machineLine, percentile, startServer } from './support.js';

export async function fulfilmentBench(args: string[]): Promise<number> {
  const f = flags(args);
  const units = Number(f.get('units') ?? 11_000);
  const queries = Number(f.get('queries') ?? 200);
  const stores = (f.get('store') ?? 'postgres').split(',') as ('pglite' | 'postgres')[];
  // national, province and unit by default; cut (a unit's sector x its province) and children
  // (/children of a province along the region tree) on request.
  const levels = (f.get('levels') ?? 'national,province,unit').split(',') as ('national' | 'province' | 'unit' | 'cut' | 'children')[];
  console.log(machineLine());
  console.log(`method: demo with ${units} units (reports 2026-01-01..2026-11-22), ${queries} queries per level over HTTP, random product and period (year, quarter, month, week, day)`);
  for (const kind of stores) {
    const s = await freshStore(kind);
    if (!s) continue;
    try {
      const store = await openStore(s.config);
      await migrate(store);
      const t0 = performance.now();
      const summary = await loadDemo(store, { seed: 1, units, through: '2026-11-22' });
      console.log(`loaded store=${kind} reports=${summary.reports} ms=${Math.round(performance.now() - t0)}`);
      const provinces = (await store.query<{ code: string }>(`select code from tree_node where tree = 'region' and kind = 'province'`)).map((r) => r.code);
      const made = await store.query<{ unit: string; product: string }>(
        `select up.unit, up.product from unit_product up join product p on p.org = up.org and p.code = up.product where up.role = 'output' and p.aggregation = 'sum'`,
      );
      // The top sector and province of each unit, for sector x region cuts.
      const top = new Map((await store.query<{ unit: string; sector: string; province: string }>(
        `select u.code as unit, coalesce(s.parent, u.sector) as sector, coalesce(r.parent, u.region) as province from unit u
           left join tree_node s on s.org = u.org and s.tree = 'sector' and s.code = u.sector and s.parent <> 'NATION'
           left join tree_node r on r.org = u.org and r.tree = 'region' and r.code = u.region and r.parent <> 'NATION'`,
      )).map((r) => [r.unit, r]));
      await store.close();
      const server = await startServer(s.env);
      const periods = ['2026', '2026-Q3', '2026-M10', '2026-W40', '2026-10-15', '2026-M11'];
      let seed = 1;
      const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      for (const level of levels) {
        const times: number[] = [];
        for (let i = 0; i < queries; i++) {
          const m = made[rnd(made.length)];
          const period = periods[rnd(periods.length)];
          const where =
            level === 'national' ? '' :
            level === 'province' || level === 'children' ? `&tree=region&node=${provinces[rnd(provinces.length)]}` :
            level === 'cut' ? `&sector=${top.get(m.unit)!.sector}&region=${top.get(m.unit)!.province}` : `&node=${m.unit}`;
          const t = performance.now();
          const res = await fetch(`${server.base}${level === 'children' ? '/api/fulfilment/children' : '/api/fulfilment'}?product=${m.product}&period=${period}${where}`, { headers: server.headers });
          await res.arrayBuffer();
          times.push(performance.now() - t);
          if (!res.ok) throw new Error(`${level} ${res.status}`);
        }
        console.log(`fulfilment store=${kind} reports=${summary.reports} level=${level} p50_ms=${percentile(times, 50).toFixed(1)} p95_ms=${percentile(times, 95).toFixed(1)}`);
      }
      await server.stop();
    } finally {
      await s.drop();
    }
  }
  return 0;
}
