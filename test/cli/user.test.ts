// `norma user add` and `norma user list` as an operator runs them, then the account signs in over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../../src/api/server.js';
import { loadDemo } from '../../src/services/demo/load.js';
import { migrate, openPgliteStore } from '../../src/store/index.js';

const root = new URL('../../', import.meta.url).pathname;

function norma(args: string[], env: Record<string, string>, input?: string) {
  const full: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete full.DATABASE_URL;
  const r = spawnSync(process.execPath, [join(root, 'bin/norma.js'), ...args], { env: full, encoding: 'utf8', timeout: 120_000, input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('norma user', () => {
  const dir = mkdtempSync(join(tmpdir(), 'norma-user-'));
  const env = { NORMA_DATA: dir };
  let unit = '';
  let province = '';
  beforeAll(async () => {
    const store = await openPgliteStore(dir);
    await migrate(store);
    await loadDemo(store, { seed: 3, units: 30, through: '2026-01-10' });
    [{ unit, province }] = await store.query<{ unit: string; province: string }>(
      `select u.code as unit, c.parent as province from unit u join tree_node c on c.org = u.org and c.tree = 'region' and c.code = u.region order by u.code limit 1`,
    );
    await store.close();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds accounts with a generated or given password, refuses bad roles and nodes naming them, and lists them', async () => {
    const added = norma(['user', 'add', 'kim', '--role', 'reporter', '--node', unit], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(new RegExp(`^account=kim role=reporter node=${unit}\\npassword=\\S{20}\\n$`));
    const password = /password=(\S+)/.exec(added.stdout)![1];

    const given = norma(['user', 'add', 'lee', '--role', 'committee', '--node', province, '--password-stdin'], env, 'a long enough passphrase\n');
    expect(given.code).toBe(0);
    expect(given.stdout).toBe(`account=lee role=committee node=${province}\n`);

    const again = norma(['user', 'add', 'kim', '--role', 'analyst'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('NORMA_ERR_CONFLICT');
    const badRole = norma(['user', 'add', 'x', '--role', 'king'], env);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain("--role <role>' argument 'king' is invalid");
    const badNode = norma(['user', 'add', 'x', '--role', 'ministry', '--node', province], env);
    expect(badNode.code).toBe(1);
    expect(badNode.stderr).toMatch(/node: .* is not a node of the sector tree/);
    const noNode = norma(['user', 'add', 'x', '--role', 'reporter'], env);
    expect(noNode.stderr).toContain('a reporter needs a node');
    const weak = norma(['user', 'add', 'x', '--role', 'analyst', '--password-stdin'], env, 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password: must be at least 12 characters');

    const list = norma(['user', 'list'], env);
    expect(list.stdout).toBe(`kim\treporter\t${unit}\nlee\tcommittee\t${province}\n`);

    // The account signs in over HTTP with the printed password and reaches its unit only.
    const store = await openPgliteStore(dir);
    const app = await buildServer({ store, org: 1, today: () => '2026-01-11' }, { rateLimit: 0, secureCookies: false });
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'kim', password }) });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      expect((await fetch(`${base}/api/units/${unit}`, { headers: { cookie } })).status).toBe(200);
      expect((await fetch(`${base}/api/trees/region?node=${province}`, { headers: { cookie } })).status).toBe(403);
      const [entry] = await store.query<{ actor: string; action: string }>(`select actor, action from audit where action = 'account.create' order by id limit 1`);
      expect(entry.actor).toMatch(/^cli:/);
    } finally {
      await app.close();
      await store.close();
    }
  }, 300_000);
});
