// The README's start command on an empty data directory: builds, migrates, loads the demo, serves.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

const root = new URL('../../', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, ms: number): Promise<{ body: any; waited: number }> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (child.exitCode !== null) throw new Error(`server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return { body: await res.json(), waited: Date.now() - t0 };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${url} within ${ms} ms`);
}

describe('npm start on an empty data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'norma-start-'));
  let child: ChildProcess | undefined;
  let stderr = '';
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /api/health and the demo economy, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, NORMA_DATA: dir, PORT: String(port), HOST: '127.0.0.1' };
    delete env.DATABASE_URL;
    child = spawn('npm', ['start'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    child.stderr!.on('data', (d) => (stderr += d));
    const { body, waited } = await waitForHealth(`http://127.0.0.1:${port}/api/health`, child, 400_000);
    console.log(`npm start: health answered after ${waited} ms`);
    expect(body).toMatchObject({ status: 'ok', store: 'pglite' });
    // Nothing configured: the first start printed a one-time admin password; it signs in.
    const password = /sign in as "admin" with the password (\S+)/.exec(stderr)?.[1];
    expect(password, stderr).toBeTruthy();
    const anonymous = await fetch(`http://127.0.0.1:${port}/api/trees/sector?depth=0`);
    expect(anonymous.status).toBe(401);
    const login = await fetch(`http://127.0.0.1:${port}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const units: any = await (await fetch(`http://127.0.0.1:${port}/api/trees/sector?depth=0`, { headers: { cookie } })).json();
    expect(units.root.code).toBe('NATION');
    expect(stderr).toMatch(/demo loaded: seed=1 units=2000 /);
    // Graceful stop: the process group gets SIGTERM (npm forwards it) and the lock is released.
    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    expect(stderr).toContain('SIGTERM: closing');
  }, 450_000);
});
