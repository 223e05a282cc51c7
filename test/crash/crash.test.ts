// Crash safety: `norma serve` (the built CLI) is killed with SIGKILL at random moments while 50
// reporters send batches over real HTTP, and restarted each time. Afterwards, read straight from the
// store: every acknowledged batch is stored exactly once, no batch is half applied, and the rolled-up
// actuals still equal the sums of the figures in force.
//
// Each reporter owns one unit and one product it makes, and walks forward through the days after the
// demo's last reported day (up to the server's today, UTC+9): every batch is 2-4 new days with a unique
// Idempotency-Key, resent with the same key and body until a 200 comes back (connection errors while
// the server is down are retried after a short wait). A quarter of the batches that were in flight when
// a kill came are abandoned instead: the client never learns their fate, so they must be all present
// (with their key) or all absent (without it).
//
// Knobs: NORMA_CRASH_SEED (default 1), NORMA_CRASH_KILLS (default 20).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { addDays } from '../../src/domain/iso-date.js';
import { localToday } from '../../src/services/context.js';
import { openStore, storeConfigFromEnv, type Store } from '../../src/store/index.js';
import { cellKeysOf, describeMismatch, micro, rollupMismatches, unitChains } from '../support/rollups.js';
import { ServeProcess, freePort, runNorma, seededRandom, sleep } from '../support/processes.js';
import { postgresUnavailable, throwawayDatabase } from '../support/stores.js';

const pgReason = await postgresUnavailable();
if (pgReason) console.warn(`crash tests: skipping the PostgreSQL half: ${pgReason}`);

const SEED = Number(process.env.NORMA_CRASH_SEED ?? 1);
const KILLS = Number(process.env.NORMA_CRASH_KILLS ?? 20);
const REPORTERS = 50;
const THROUGH = '2026-01-31';
const ORG = 1;
/**
 * When to kill: once the restarted server has acknowledged a seeded number of batches (a fresh server
 * answers little in its first second, so a fixed delay would mostly kill it while it warms up), plus
 * a seeded delay in ms; never later than KILL_CAP_MS after the restart.
 */
const ACKS_BEFORE_KILL: [number, number] = [1, 25];
const KILL_DELAY: [number, number] = [0, 200];
const KILL_CAP_MS = 4000;
/** Down-time after each kill before the restart, ms. */
const DOWNTIME: [number, number] = [0, 200];

interface Row {
  unit: string;
  product: string;
  date: string;
  quantity: string;
}
interface Batch {
  readonly key: string;
  readonly rows: Row[];
  ack?: unknown;
  abandoned?: boolean;
  rejected?: { status: number; body: string };
  sends: number;
}
interface Figures {
  kills: number;
  restarts: number[];
  batches: number;
  acknowledged: number;
  abandoned: number;
  sends: number;
  retries: number;
  connectionErrors: number;
  serverErrors: number;
  rows: number;
}

function quantity(rnd: () => number): string {
  return (Math.floor(rnd() * 100_000_000) / 1000).toFixed(3); // 0.000 .. 99999.999
}


// The two stores run side by side (each its own server and reporters) to keep the file's wall time down.
describe(`norma serve killed with SIGKILL ${KILLS} times while 50 reporters send batches`, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  for (const kind of ['pglite', 'postgres'] as const) {
    (kind === 'postgres' && pgReason !== null ? it.skip : it.concurrent)(`${kind}: stores every acknowledged batch exactly once, half-applies none, keeps rollups equal to the figures`, async () => {
      const t0 = Date.now();
      const dir = mkdtempSync(join(tmpdir(), 'norma-crash-'));
      let drop: (() => Promise<void>) | undefined;
      let server: ServeProcess | undefined;
      cleanups.push(async () => {
        if (server?.running) await server.kill('SIGKILL');
        await drop?.();
        rmSync(dir, { recursive: true, force: true });
      });
      let env: Record<string, string | undefined> = { NORMA_DATA: join(dir, 'data') };
      if (kind === 'postgres') {
        const db = await throwawayDatabase();
        drop = db.drop;
        env = { DATABASE_URL: db.url };
      }
      const token = randomBytes(18).toString('base64url');
      const demo = await runNorma(['demo', '--seed', '1', '--units', '60', '--through', THROUGH], env);
      expect(demo.code, demo.stderr).toBe(0);

      // One output product (summed in the rollups) per unit, straight from the store as the CLI opens it.
      let store: Store = await openStore(storeConfigFromEnv(env));
      let pairs: { unit: string; product: string }[];
      try {
        pairs = await store.query<{ unit: string; product: string }>(
          `select distinct on (up.unit) up.unit, up.product
             from unit_product up join product p on p.org = up.org and p.code = up.product
            where up.org = $1 and up.role = 'output' and p.aggregation = 'sum'
            order by up.unit, up.product limit ${REPORTERS}`,
          [ORG],
        );
      } finally {
        await store.close();
      }
      expect(pairs).toHaveLength(REPORTERS);

      // The server's today is the organisation's date (UTC+9); the first new day follows the demo's last.
      const firstDay = addDays(THROUGH, 1);
      const lastDay = localToday(540);
      expect(lastDay > firstDay, `the server's today ${lastDay} must be after ${firstDay}`).toBe(true);

      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      server = new ServeProcess(port, { ...env, NORMA_ADMIN_TOKEN: token, NORMA_RATE_LIMIT: '0', PORT: String(port) });
      const fig: Figures = { kills: 0, restarts: [], batches: 0, acknowledged: 0, abandoned: 0, sends: 0, retries: 0, connectionErrors: 0, serverErrors: 0, rows: 0 };
      const batches: Batch[] = [];
      const odd: string[] = []; // unexpected answers, for the failure message
      const errorCodes = new Map<string, number>();
      let stop = false;

      const kills: number[] = []; // when each SIGKILL was sent
      /** Whether a request sent at `sentAt` that failed just now was in flight when a kill came (so it may have been applied). */
      const inFlightAtKill = (sentAt: number) => kills.some((k) => k >= sentAt);
      const send = async (b: Batch): Promise<{ status: number; text: string } | Error> => {
        b.sends++;
        fig.sends++;
        try {
          const res = await fetch(`${base}/api/reports`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': b.key },
            body: JSON.stringify({ reports: b.rows }),
            signal: AbortSignal.timeout(20_000),
          });
          return { status: res.status, text: await res.text() };
        } catch (e) {
          return e as Error;
        }
      };

      const reporter = async (i: number) => {
        const rnd = seededRandom(SEED * 1000 + i);
        const { unit, product } = pairs[i];
        let day = firstDay;
        for (let n = 1; !stop && day <= lastDay; n++) {
          const rows: Row[] = [];
          for (let k = rnd.int(2, 4); k > 0 && day <= lastDay; k--, day = addDays(day, 1)) rows.push({ unit, product, date: day, quantity: quantity(rnd.next) });
          const b: Batch = { key: `crash-${kind}-${SEED}-${unit}-${n}`, rows, sends: 0 };
          batches.push(b);
          fig.batches++;
          for (;;) {
            const sentAt = Date.now();
            const r = await send(b);
            if (r instanceof Error) {
              fig.connectionErrors++;
              const code = String((r as { cause?: { code?: string } }).cause?.code ?? r.name);
              errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1);
              // A quarter of the batches in flight when the server was killed are given up: their fate is unknown.
              if (inFlightAtKill(sentAt) && rnd.next() < 0.25) {
                b.abandoned = true;
                fig.abandoned++;
                break;
              }
              await sleep(rnd.int(100, 250));
            } else if (r.status === 200) {
              b.ack = JSON.parse(r.text);
              fig.acknowledged++;
              break;
            } else if (r.status >= 500) {
              fig.serverErrors++;
              odd.push(`${b.key}: ${r.status} ${r.text.slice(0, 300)}`);
              await sleep(50);
            } else {
              b.rejected = { status: r.status, body: r.text.slice(0, 500) };
              odd.push(`${b.key}: ${r.status} ${r.text.slice(0, 300)}`);
              break;
            }
            fig.retries++;
          }
        }
      };

      fig.restarts.push(await server.start());
      const reporters = Promise.all(pairs.map((_, i) => reporter(i)));
      const rnd = seededRandom(SEED);
      try {
        for (let k = 0; k < KILLS; k++) {
          const acks = fig.acknowledged + rnd.int(...ACKS_BEFORE_KILL);
          const cap = Date.now() + KILL_CAP_MS;
          while (fig.acknowledged < acks && Date.now() < cap) await sleep(5);
          await sleep(rnd.int(...KILL_DELAY));
          kills.push(Date.now());
          const exit = await server.kill('SIGKILL');
          expect(exit.signal).toBe('SIGKILL');
          fig.kills++;
          await sleep(rnd.int(...DOWNTIME));
          // PGlite after a SIGKILL: recovers (WAL replay), or refuses; a refusal fails here with its stderr.
          fig.restarts.push(await server.start());
        }
        await sleep(1000); // a clean stretch: every retried batch gets its answer
      } finally {
        stop = true;
        if (!server.running) await server.start().catch(() => undefined);
        await reporters;
      }
      const term = await server.kill('SIGTERM');
      expect(term.code, server.log.slice(-2000)).toBe(0);
      const runMs = Date.now() - t0;

      // ---- read the store directly, as the CLI opens it, with the server stopped
      store = await openStore(storeConfigFromEnv(env));
      let current: { unit: string; product: string; day: string; version: number; quantity: string }[];
      let versions: { unit: string; product: string; day: string; n: number; max: number }[];
      let keys: { key: string; response: unknown }[];
      let rollups: Awaited<ReturnType<typeof rollupMismatches>>;
      let chains: Awaited<ReturnType<typeof unitChains>>;
      let productIds: Map<string, number>;
      try {
        const units = pairs.map((p) => p.unit);
        current = await store.query(
          `select u.code as unit, p.code as product, c.day::text as day, c.version, c.quantity::text as quantity
             from report_current c join unit u on u.org = c.org and u.id = c.unit_id join product p on p.org = c.org and p.id = c.product_id
            where c.org = $1 and c.day > $2 and u.code = any($3::text[])`,
          [ORG, THROUGH, units],
        );
        versions = await store.query(
          `select u.code as unit, p.code as product, r.day::text as day, count(*)::int as n, max(r.version)::int as max
             from report r join unit u on u.org = r.org and u.id = r.unit_id join product p on p.org = r.org and p.id = r.product_id
            where r.org = $1 and r.day > $2 and u.code = any($3::text[]) group by 1, 2, 3`,
          [ORG, THROUGH, units],
        );
        keys = await store.query(`select key, response from idempotency where org = $1 and key like $2`, [ORG, `crash-${kind}-%`]);
        rollups = await rollupMismatches(store, ORG);
        chains = await unitChains(store, ORG);
        productIds = new Map((await store.query<{ code: string; id: number }>('select code, id from product where org = $1', [ORG])).map((p) => [p.code, Number(p.id)]));
      } finally {
        await store.close();
      }

      const rowKey = (r: { unit: string; product: string; day?: string; date?: string }) => `${r.unit}|${r.product}|${r.day ?? r.date}`;
      const stored = new Map(current.map((c) => [rowKey(c), c]));
      const versionsOf = new Map(versions.map((v) => [rowKey(v), v]));
      const keyRows = new Map<string, unknown[]>();
      for (const k of keys) keyRows.set(k.key, [...(keyRows.get(k.key) ?? []), k.response]);

      const problems: string[] = [...odd];
      let present = 0;
      let abandonedPresent = 0;
      const expectedRows = new Set<string>();
      for (const b of batches) {
        const found = b.rows.filter((r) => {
          const s = stored.get(rowKey(r));
          return s !== undefined && micro(s.quantity) === micro(r.quantity) && s.version === 1;
        }).length;
        const keyCount = keyRows.get(b.key)?.length ?? 0;
        if (b.rejected) continue; // listed in problems already
        if (b.ack !== undefined) {
          const n = b.rows.length;
          if (JSON.stringify(b.ack) !== JSON.stringify({ rows: n, imported: n, corrected: 0, unchanged: 0 })) problems.push(`${b.key}: acknowledged as ${JSON.stringify(b.ack)}`);
          if (found !== n) problems.push(`${b.key}: acknowledged but ${found} of ${n} rows stored`);
          if (keyCount !== 1) problems.push(`${b.key}: acknowledged but its key is stored ${keyCount} times`);
          else if (JSON.stringify(keyRows.get(b.key)![0]) !== JSON.stringify(b.ack)) problems.push(`${b.key}: stored response ${JSON.stringify(keyRows.get(b.key)![0])}`);
        } else if (b.abandoned) {
          if (found !== 0 && found !== b.rows.length) problems.push(`${b.key}: abandoned batch half applied (${found} of ${b.rows.length} rows)`);
          if ((found > 0) !== (keyCount === 1)) problems.push(`${b.key}: abandoned batch has ${found} rows but its key ${keyCount} times`);
          if (found > 0) abandonedPresent++;
        } else problems.push(`${b.key}: neither acknowledged nor abandoned`);
        if (found === b.rows.length) {
          present++;
          for (const r of b.rows) {
            expectedRows.add(rowKey(r));
            const v = versionsOf.get(rowKey(r));
            if (!v || v.n !== 1 || v.max !== 1) problems.push(`${b.key}: ${rowKey(r)} has ${v?.n ?? 0} versions in report (latest ${v?.max})`);
          }
        }
      }
      for (const c of current) if (!expectedRows.has(rowKey(c))) problems.push(`stray figure ${rowKey(c)} = ${c.quantity} (version ${c.version})`);
      const batchKeys = new Set(batches.map((b) => b.key));
      for (const k of keyRows.keys()) if (!batchKeys.has(k)) problems.push(`stray idempotency key ${k}`);

      // The cells the reporters' figures roll into must hold exactly the recomputed sums (every cell is checked).
      const touched = new Set<string>();
      for (const c of current) {
        const u = [...chains.values()].find((x) => x.code === c.unit)!;
        for (const key of cellKeysOf(u.code, u.sectorChain, u.regionChain, productIds.get(c.product)!, c.day)) touched.add(key);
      }
      problems.push(...rollups.mismatches.slice(0, 20).map((m) => `rollup ${describeMismatch(m)}`));
      fig.rows = current.length;

      const sorted = [...fig.restarts].sort((a, b) => a - b);
      console.log(
        `crash ${kind}: seed=${SEED} kills=${fig.kills} restarts=${fig.restarts.length - 1} batches=${fig.batches} acknowledged=${fig.acknowledged} ` +
          `abandoned=${fig.abandoned} (applied=${abandonedPresent}, absent=${fig.abandoned - abandonedPresent}) sends=${fig.sends} retries=${fig.retries} ` +
          `connection_errors=${fig.connectionErrors} ${JSON.stringify(Object.fromEntries(errorCodes))} server_errors=${fig.serverErrors} rows=${fig.rows} report_versions=${versions.reduce((s, v) => s + v.n, 0)} ` +
          `idempotency_keys=${keys.length} cells_checked=${rollups.cells} cells_touched=${touched.size} rollup_mismatches=${rollups.mismatches.length} ` +
          `start_ms=min ${sorted[0]} median ${sorted[sorted.length >> 1]} max ${sorted[sorted.length - 1]} run_ms=${runMs} total_ms=${Date.now() - t0}`,
      );
      if (kind === 'pglite') console.log(`crash pglite: after each of the ${fig.kills} SIGKILLs the store reopened (PGlite recovered from its WAL) and served again`);

      expect(problems.slice(0, 40)).toEqual([]);
      expect(fig.kills).toBe(KILLS);
      expect(present).toBe(fig.acknowledged + abandonedPresent);
      expect(keys.length).toBe(present);
      expect(fig.acknowledged).toBeGreaterThanOrEqual(REPORTERS);
    }, 300_000);
  }
});
