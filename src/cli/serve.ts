import { Command, InvalidArgumentError } from 'commander';
import { buildServer } from '../api/server.js';
import { contextFor, openMigratedStore, organisationOffset } from './store.js';
import { runDemo } from './demo.js';
import { registerMonitoring, startMonitoringWorker } from '../services/monitoring/index.js';
import { ensureFirstAdmin } from '../services/auth/accounts.js';
import { ensureUnitsFulfilled } from '../services/fulfilment/units-fulfilled.js';

function port(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 0 || n > 65535) throw new InvalidArgumentError(`port must be 0..65535, got ${JSON.stringify(v)}`);
  return n;
}

/** `norma serve`: migrate, optionally load the demo into an empty store, and serve HTTP until a signal. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the HTTP API (PORT and HOST, default 127.0.0.1:8080)')
    .option('--port <port>', 'TCP port (env PORT)', port, process.env.PORT ? port(process.env.PORT) : 8080)
    .option('--host <host>', 'interface to listen on (env HOST)', process.env.HOST || '127.0.0.1')
    .option('--demo-if-empty', 'load the demo economy (seed 1, 2000 units) when the store is empty')
    .option('--log', 'log each request as JSON lines')
    .action(async (opts: { port: number; host: string; demoIfEmpty?: boolean; log?: boolean }) => {
      const t0 = Date.now();
      const store = await openMigratedStore();
      try {
        if (opts.demoIfEmpty) {
          const [{ n }] = await store.query<{ n: number }>('select count(*) as n from organisation');
          if (n === 0) await runDemo(store, { seed: 1, units: 2000 });
        }
        // Monitoring runs behind ingest: batches enqueue, the worker drains within a second.
        registerMonitoring({ mode: 'queued' });
        const ctx = contextFor(store, await organisationOffset(store));
        // A store upgraded past migration 7 has its units-fulfilled counts cleared: build them once
        // before serving (queries would be right without them, but slow).
        const t1 = Date.now();
        if (await ensureUnitsFulfilled(ctx)) console.error(`norma: built the units-fulfilled counts in ${Date.now() - t1} ms`);
        if (!process.env.NORMA_ADMIN_TOKEN) {
          const password = await ensureFirstAdmin(ctx);
          if (password) {
            console.error(`norma: first start: sign in as "admin" with the password ${password}`);
            console.error('norma: it is shown only this once; change it with POST /api/session/password, or add accounts with `norma user add`');
          }
        }
        const app = await buildServer(ctx, { logger: opts.log ?? false });
        const worker = startMonitoringWorker(ctx);
        const address = await app.listen({ port: opts.port, host: opts.host });
        console.error(`norma: serving ${address} (store ${store.kind}: ${store.location}) ready in ${Date.now() - t0} ms`);
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          console.error(`norma: ${signal}: closing`);
          const force = setTimeout(() => process.exit(1), 10_000);
          force.unref();
          await app.close();
          await worker.stop();
          await store.close();
          process.exit(0);
        };
        process.once('SIGTERM', () => void stop('SIGTERM'));
        process.once('SIGINT', () => void stop('SIGINT'));
      } catch (e) {
        await store.close();
        throw e;
      }
    });
}
