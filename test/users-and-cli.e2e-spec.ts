import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { ensureFreshCli } from './support/cli.js';

const run = promisify(execFile);
let t: TestApp;
let f: PlanFixture;

beforeAll(async () => {
  t = await startTestApp();
  f = await seedPlan(t);
});
afterAll(async () => t?.close());

const userCount = async () => ((await t.db.one('SELECT count(*) AS n FROM users')) as { n: number }).n;

describe('POST /users', () => {
  it('lets an admin create a department user who can then log in, and never returns the password hash', async () => {
    const res = await t
      .http()
      .post('/users')
      .set('authorization', f.admin)
      .send({ username: 'czj02', displayName: '县财政局 联络员', password: 'a long passphrase', role: 'department', unitId: 'u-czj' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: 'czj02', role: 'department', unitId: 'u-czj' });
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|passwordHash|password_hash/);
    expect((await t.login('czj02', 'a long passphrase')).startsWith('Bearer ')).toBe(true);
  });

  it.each([
    ['a supervisor', () => f.supervisor, { username: 'x1', displayName: 'x', password: 'a long passphrase', role: 'auditor' }, 403, 'FORBIDDEN'],
    ['an unknown role', () => f.admin, { username: 'x2', displayName: 'x', password: 'a long passphrase', role: 'boss' }, 400, 'role'],
    ['a department user without a unit', () => f.admin, { username: 'x3', displayName: 'x', password: 'a long passphrase', role: 'department' }, 400, 'unitId'],
    [
      'a unit that does not exist',
      () => f.admin,
      { username: 'x4', displayName: 'x', password: 'a long passphrase', role: 'assessor', unitId: 'nope' },
      400,
      'unitId',
    ],
    ['a short password', () => f.admin, { username: 'x5', displayName: 'x', password: 'short', role: 'auditor' }, 400, 'password'],
    ['a taken username', () => f.admin, { username: 'fgw', displayName: 'x', password: 'a long passphrase', role: 'auditor' }, 409, 'username'],
  ])('refuses %s, naming why, and writes nothing', async (_what, auth, body, status, named) => {
    const before = await userCount();
    const res = await t.http().post('/users').set('authorization', auth()).send(body);
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body)).toContain(named);
    expect(await userCount()).toBe(before);
  });
});

describe('the CLI', () => {
  const env = () => ({ ...process.env, ...t.env });
  const cli = (...args: string[]) =>
    run(process.execPath, [ensureFreshCli(), ...args], { env: env() }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('validates like the API: a bad role or time zone exits 2 naming the field and writes nothing', async () => {
    const before = await userCount();
    const bad = await cli('user', 'create', '--username', 'cli-x', '--role', 'boss');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('user.role');
    expect(await userCount()).toBe(before);
    const tz = await cli('plan', 'create', '--year', '2026', '--name', '测试', '--timezone', 'Mars/Base');
    expect(tz.code).toBe(2);
    expect(tz.stderr).toContain('plan.timezone');
  }, 60_000);

  it('creates a user with a generated password that works for login', async () => {
    const ok = await cli('user', 'create', '--username', 'cli-aud', '--role', 'auditor');
    expect(ok.code).toBe(0);
    const created = JSON.parse(ok.stdout) as { username: string; password: string };
    expect(created.password.length).toBeGreaterThanOrEqual(12);
    expect((await t.login('cli-aud', created.password)).startsWith('Bearer ')).toBe(true);
  }, 60_000);
});
