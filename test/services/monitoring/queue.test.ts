// Queued monitoring (what the server runs): a batch only enqueues; the worker's drain applies the
// same records and alerts afterwards, and the queue survives until drained.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../../src/services/demo/load.js';
import { drainMonitorQueue, getRecords, registerMonitoring, startMonitoringWorker } from '../../../src/services/monitoring/index.js';
import { fromMicro, toMicro } from '../../../src/services/reporting/micro.js';
import { submitReports } from '../../../src/services/reporting/submit.js';
import type { ServiceContext } from '../../../src/services/context.js';
import { migrate, type Store } from '../../../src/store/index.js';
import { storeFixture } from '../../support/stores.js';

registerMonitoring({ mode: 'queued', onError: (e) => { throw e; } });

describe('queued monitoring on pglite', () => {
  const fixture = storeFixture('pglite');
  let store: Store;
  let ctx: ServiceContext;
  let unit: string;
  let product: string;
  beforeAll(async () => {
    store = await fixture.open();
    await migrate(store);
    await loadDemo(store, { seed: 7, units: 30, through: '2026-03-10' });
    ctx = { store, org: 1, today: () => '2026-03-11', now: () => new Date('2026-03-11T08:00:00+09:00') };
    [{ unit, product }] = await store.query<{ unit: string; product: string }>(
      `select up.unit, up.product from unit_product up join product p on p.org = up.org and p.code = up.product
        where up.role = 'output' and p.aggregation = 'sum' order by up.unit limit 1`);
  });
  afterAll(() => fixture.cleanup());

  it('enqueues in the batch and applies records only when drained', async () => {
    const [{ n: queued0 }] = await store.query<{ n: number }>('select count(*) as n from monitor_queue');
    expect(queued0).toBe(0);
    const before = (await getRecords(ctx, unit, product)).records[0]?.best_day ?? null;
    const best = before ? toMicro(before.quantity) : 1_000_000n;
    const high = fromMicro((best * 3n) / 2n);
    await submitReports(ctx, [{ unit, product, date: '2026-03-11', quantity: high }], { by: 'test', rowBase: 0 });
    const [{ n: queued }] = await store.query<{ n: number }>('select count(*) as n from monitor_queue');
    expect(queued).toBe(1);
    const events = async () => (await getRecords(ctx, unit, product)).events.filter((e) => e.period === '2026-03-11').length;
    expect(await events()).toBe(0); // nothing announced until monitoring runs
    expect(await drainMonitorQueue(ctx)).toBe(1);
    expect(await drainMonitorQueue(ctx)).toBe(0);
    expect((await getRecords(ctx, unit, product)).records[0].best_day).toEqual({ date: '2026-03-11', quantity: high });
    expect(await events()).toBe(1);
  });

  it('the worker drains by itself within a second', async () => {
    const worker = startMonitoringWorker(ctx, { intervalMs: 100 });
    try {
      await submitReports(ctx, [{ unit, product, date: '2026-03-10', quantity: '1' }], { by: 'test', rowBase: 0 });
      const t0 = Date.now();
      let left = 1;
      while (left > 0 && Date.now() - t0 < 5000) {
        await new Promise((r) => setTimeout(r, 50));
        [{ n: left }] = await store.query<{ n: number }>('select count(*) as n from monitor_queue');
      }
      expect(left).toBe(0);
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      await worker.stop();
    }
  });

  it('after a pass that found work, the worker lets the queue fill for settleMs before the next', async () => {
    const queued = async () => (await store.query<{ n: number }>('select count(*) as n from monitor_queue'))[0].n;
    const waitEmpty = async (limitMs: number) => {
      const t0 = Date.now();
      while ((await queued()) > 0 && Date.now() - t0 < limitMs) await new Promise((r) => setTimeout(r, 20));
      return Date.now() - t0;
    };
    const worker = startMonitoringWorker(ctx, { intervalMs: 50, settleMs: 1200 });
    try {
      await submitReports(ctx, [{ unit, product, date: '2026-03-09', quantity: '2' }], { by: 'test', rowBase: 0 });
      expect(await waitEmpty(3000)).toBeLessThan(1000); // idle queue: polled every 50 ms
      const t1 = Date.now();
      await submitReports(ctx, [{ unit, product, date: '2026-03-08', quantity: '3' }], { by: 'test', rowBase: 0 });
      await new Promise((r) => setTimeout(r, 400));
      expect(await queued()).toBe(1); // still settling
      await waitEmpty(5000);
      expect(await queued()).toBe(0);
      expect(Date.now() - t1).toBeGreaterThanOrEqual(1000);
    } finally {
      await worker.stop();
    }
  });
});
