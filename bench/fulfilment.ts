// Fulfilment query latency at national, province and unit level (and sector x region cuts and
// /children on request) over a store holding ~10 million reports (the demo with enough units),
// through the HTTP API, p50 and p95. `--reuse NAME` keeps the loaded store between runs.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openStore } from '../src/store/index.js';
import { loadDemo } from '../src/services/demo/load.js';
import { rebuildUnitsFulfilled } from '../src/services/fulfilment/units-fulfilled.js';
import { flags, freshStore, machineLine, percentile, postgresStore, startServer, type BenchStore } from './support.js';

/**
 * A store kept between runs (`--reuse NAME`): the PostgreSQL database norma_bench_keep_NAME or the
 * PGlite directory norma-bench-keep-NAME in the temp directory, created on first use and never
 * dropped by the bench (drop it by hand: `dropdb norma_bench_keep_NAME`, `rm -r`).
 */
async function keptStore(kind: 'pglite' | 'postgres', name: string): Promise<BenchStore | null> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`--reuse ${name}: use lower-case letters, digits and _`);
  if (kind === 'pglite') {
    const dir = join(tmpdir(), `norma-bench-keep-${name}`);
    if (!existsSync(dir)) mkdirSync(dir);
    return { kind, env: { NORMA_DATA: dir, DATABASE_URL: '' }, config: { dataDir: dir }, drop: async () => undefined };
  }
  return postgresStore(`norma_bench_keep_${name}`, async () => undefined);
}

export async function fulfilmentBench(args: string[]): Promise<number> {
  const f = flags(args);
  const units = Number(f.get('units') ?? 11_000);
  const queries = Number(f.get('queries') ?? 200);
  const stores = (f.get('store') ?? 'postgres').split(',') as ('pglite' | 'postgres')[];
  // national, province and unit by default; cut (a unit's sector x its province) and children
  // (/children of a province along the region tree) on request.
  const levels = (f.get('levels') ?? 'national,province,unit').split(',') as ('national' | 'province' | 'unit' | 'cut' | 'children')[];
  // --reuse NAME keeps the loaded store between runs (loaded on first use, with the --units given then).
  const reuse = f.get('reuse');
  console.log(machineLine());
  console.log(`method: demo with ${units} units (reports 2026-01-01..2026-11-22), ${queries} queries per level over HTTP, random product and period (year, quarter, month, week, day)`);
  for (const kind of stores) {
    const s = reuse ? await keptStore(kind, reuse) : await freshStore(kind);
    if (!s) continue;
    try {
      const store = await openStore(s.config);
      await migrate(store);
      const t0 = performance.now();
      const [{ n: orgs }] = await store.query<{ n: number }>('select count(*)::int as n from organisation');
      const summary = orgs > 0
        ? { reports: (await store.query<{ n: number }>('select count(*)::int as n from report_current'))[0].n }
        : await loadDemo(store, { seed: 1, units, through: '2026-11-22' });
      const loadedUnits = (await store.query<{ n: number }>('select count(*)::int as n from unit'))[0].n;
      console.log(`${orgs > 0 ? `reused store=${kind} name=${reuse}` : `loaded store=${kind}`} units=${loadedUnits} reports=${summary.reports} ms=${Math.round(performance.now() - t0)}`);
      if (orgs > 0 && (await store.query<{ n: number }>('select count(*)::int as n from fulfil_state'))[0].n === 0) {
        // A migration since the load cleared the kept cells: build them again, as the load did.
        const t1 = performance.now();
        const r = await store.transaction((tx) => rebuildUnitsFulfilled({ store, org: 1, today: () => '2026-11-22' }, tx));
        console.log(`rebuilt kept cells built=${r.built} rows=${r.rows} ms=${Math.round(performance.now() - t1)}`);
      }
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
