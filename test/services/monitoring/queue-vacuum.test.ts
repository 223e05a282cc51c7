// The queue is all churn and nothing else vacuums it where autovacuum does not run (PGlite never
// runs it; this machine's PostgreSQL has it off): the worker reclaims the drained queue itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../../src/services/demo/load.js';
import { drainMonitorQueue, registerMonitoring, startMonitoringWorker, vacuumMonitorQueue } from '../../../src/services/monitoring/index.js';
import { submitReports } from '../../../src/services/reporting/submit.js';
import type { ServiceContext } from '../../../src/services/context.js';
import { migrate, type Store } from '../../../src/store/index.js';
import { postgresUnavailable, storeFixture } from '../../support/stores.js';

registerMonitoring({ mode: 'queued', onError: (e) => { throw e; } });

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`queue vacuum tests: skipping the PostgreSQL half: ${pgReason}`);

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgReason !== null)(`the monitoring queue's vacuum on ${kind}`, () => {
    const fixture = storeFixture(kind);
    let store: Store;
    let ctx: ServiceContext;
    let pairs: { unit: string; product: string }[];
    let day = '2026-03-01';
    beforeAll(async () => {
      store = await fixture.open();
      await migrate(store);
      await loadDemo(store, { seed: 3, units: 40, through: '2026-02-28' });
      ctx = { store, org: 1, today: () => '2026-03-20', now: () => new Date('2026-03-20T08:00:00+09:00') };
      pairs = await store.query<{ unit: string; product: string }>(`select unit, product from unit_product where role = 'output' order by unit, product`);
    });
    afterAll(() => fixture.cleanup());

    const queuePages = async () => (await store.query<{ n: number }>(`select (pg_relation_size('monitor_queue') / 8192)::int as n`))[0].n;
    const queued = async () => (await store.query<{ n: number }>('select count(*)::int as n from monitor_queue'))[0].n;
    /** Reports every output pair for the next `days` days: one queued change each. */
    const report = async (days: number) => {
      const rows = [];
      for (let d = 0; d < days; d++) {
        for (const p of pairs) rows.push({ ...p, date: day, quantity: String(10 + rows.length % 7) });
        day = `2026-03-${String(Number(day.slice(8)) + 1).padStart(2, '0')}`;
      }
      await submitReports(ctx, rows, { by: 'test', rowBase: 0 });
      return rows.length;
    };
    const waitFor = async (done: () => Promise<boolean>, limitMs: number) => {
      const t0 = Date.now();
      while (!(await done()) && Date.now() - t0 < limitMs) await new Promise((r) => setTimeout(r, 50));
    };

    it('a drained queue keeps its dead rows until vacuumed, and vacuumMonitorQueue reclaims them', async () => {
      const n = await report(4);
      expect(n).toBeGreaterThan(200);
      while ((await drainMonitorQueue(ctx)) > 0);
      expect(await queued()).toBe(0);
      expect(await queuePages()).toBeGreaterThan(0); // deleted, not yet reclaimed
      await vacuumMonitorQueue(ctx);
      expect(await queuePages()).toBe(0);
    });

    it('the worker vacuums the drained queue once vacuumEvery changes were taken, not before', async () => {
      const n = await report(3);
      const lazy = startMonitoringWorker(ctx, { intervalMs: 50, settleMs: 0, vacuumEvery: n * 10 });
      try {
        await waitFor(async () => (await queued()) === 0, 10_000);
        expect(await queued()).toBe(0);
      } finally {
        await lazy.stop();
      }
      expect(await queuePages()).toBeGreaterThan(0); // below its threshold: not vacuumed
      await report(3);
      const eager = startMonitoringWorker(ctx, { intervalMs: 50, settleMs: 0, vacuumEvery: n });
      try {
        await waitFor(async () => (await queued()) === 0 && (await queuePages()) === 0, 10_000);
      } finally {
        await eager.stop();
      }
      expect(await queued()).toBe(0);
      expect(await queuePages()).toBe(0);
    });
  });
}
