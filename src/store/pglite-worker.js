// PGlite runs here, off the main thread: its WebAssembly calls are synchronous and would otherwise
// block the HTTP event loop for the length of every query.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DATE = 1082;
const INT8 = 20;
// A new store starts from the empty template made at build time (when there is one) instead of initdb.
const fresh = !existsSync(join(workerData.dataDir, 'PG_VERSION'));
const loadDataDir = fresh && workerData.template ? new Blob([readFileSync(workerData.template)]) : undefined;
const db = new PGlite(workerData.dataDir, {
  loadDataDir,
  // Bulk loads (the demo, imports) run far faster with room for the working set in shared buffers
  // and without checkpoints in the middle; the WAL still makes every commit durable.
  postgresqlconf: [
    'shared_buffers = 256MB',
    'maintenance_work_mem = 256MB',
    'work_mem = 16MB',
    'max_wal_size = 2GB',
    'checkpoint_timeout = 30min',
    ...(workerData.conf ?? []),
  ],
  parsers: {
    [DATE]: (v) => v,
    [INT8]: (v) => Number(v),
  },
});

function errorOf(e) {
  return { message: e && e.message ? e.message : String(e), code: e && e.code, detail: e && e.detail, where: e && e.where };
}

parentPort.on('message', async (msg) => {
  try {
    if (msg.op === 'ready') {
      await db.waitReady;
      parentPort.postMessage({ id: msg.id, ok: true });
    } else if (msg.op === 'query') {
      const res = await db.query(msg.sql, msg.params ?? []);
      parentPort.postMessage({ id: msg.id, ok: true, rows: res.rows });
    } else if (msg.op === 'exec') {
      await db.exec(msg.sql);
      parentPort.postMessage({ id: msg.id, ok: true });
    } else if (msg.op === 'copy') {
      const res = await db.query(msg.sql, [], { blob: new Blob([msg.data]) });
      parentPort.postMessage({ id: msg.id, ok: true, rowCount: res.affectedRows ?? 0 });
    } else if (msg.op === 'copyTo') {
      // COPY ... TO '/dev/blob' hands the data back as result.blob (absent when no row was written).
      const res = await db.query(msg.sql);
      parentPort.postMessage({ id: msg.id, ok: true, text: res.blob ? await res.blob.text() : '' });
    } else if (msg.op === 'close') {
      await db.close();
      parentPort.postMessage({ id: msg.id, ok: true });
    } else {
      parentPort.postMessage({ id: msg.id, ok: false, error: { message: `unknown op ${msg.op}` } });
    }
  } catch (e) {
    parentPort.postMessage({ id: msg.id, ok: false, error: errorOf(e) });
  }
});
