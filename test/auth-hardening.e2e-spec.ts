import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { createSecretKey, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD, startTestApp, type TestApp } from './support/test-app.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const signer = new JwtService({ secret: createSecretKey(Buffer.from(SECRET, 'utf8')) as unknown as string });

describe('login lockout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { DUBAN_LOGIN_MAX_FAILURES_PER_ADDRESS: '1000' } });
    await t.createUser('admin', 'admin');
    await t.createUser('victim', 'auditor');
  });
  afterAll(async () => t?.close());

  const attempt = (username: string, password: string) => t.http().post('/auth/login').send({ username, password });

  it('locks an account after 20 wrong passwords in a row: 429 with Retry-After, even for the right password, and records it', async () => {
    for (let i = 1; i < 20; i++) expect((await attempt('victim', `wrong-${i}`)).status).toBe(401);
    const locked = await attempt('victim', 'wrong-20');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBe(900);
    expect(locked.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', details: { retryAfterSeconds: 900, field: 'username' } });
    expect(locked.body.message).toMatch(/尝试次数过多/);
    const right = await attempt('victim', PASSWORD);
    expect(right.status).toBe(429);
    const row = (await t.db.one("SELECT failures, locked_until FROM login_attempts WHERE key = 'account:victim'")) as {
      failures: number;
      locked_until: string;
    };
    expect(row.failures).toBe(20);
    expect(row.locked_until).toBe(new Date(t.clock.now().getTime() + 900_000).toISOString());
    // Another account from the same address is not locked.
    expect((await attempt('admin', PASSWORD)).status).toBe(200);
  });

  it('lets the account in again once the lockout is over, and a success resets the count', async () => {
    t.clock.advance(901_000);
    expect((await attempt('victim', PASSWORD)).status).toBe(200);
    expect(await t.db.one("SELECT count(*) AS n FROM login_attempts WHERE key = 'account:victim'")).toEqual({ n: 0 });
    for (let i = 1; i < 20; i++) expect((await attempt('victim', `again-${i}`)).status).toBe(401);
    expect((await attempt('victim', PASSWORD)).status).toBe(200);
    expect((await attempt('victim', 'after-reset')).status).toBe(401);
  });

  it('counts unknown user names too (a locked name says nothing about whether it exists)', async () => {
    for (let i = 1; i < 20; i++) expect((await attempt('nobody', `x-${i}`)).status).toBe(401);
    expect((await attempt('nobody', 'x-20')).status).toBe(429);
  });
});

describe('login lockout per address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { DUBAN_LOGIN_MAX_FAILURES_PER_ADDRESS: '5', DUBAN_LOGIN_LOCKOUT_SECONDS: '60' } });
    await t.createUser('someone', 'auditor');
  });
  afterAll(async () => t?.close());

  it('locks the address after its failures across many accounts within the window, naming the address', async () => {
    for (let i = 1; i < 5; i++)
      expect(
        (
          await t
            .http()
            .post('/auth/login')
            .send({ username: `spray-${i}`, password: 'Spring2026!' })
        ).status,
      ).toBe(401);
    const locked = await t.http().post('/auth/login').send({ username: 'spray-5', password: 'Spring2026!' });
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('60');
    expect(locked.body.details.field).toBe('address');
    expect((await t.http().post('/auth/login').send({ username: 'someone', password: PASSWORD })).status).toBe(429);
    t.clock.advance(61_000);
    expect((await t.http().post('/auth/login').send({ username: 'someone', password: PASSWORD })).status).toBe(200);
  });
});

describe('tokens and sessions', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.createUser('admin', 'admin');
  });
  afterAll(async () => t?.close());

  const me = (auth: string) => t.http().get('/auth/me').set('authorization', auth);
  const userId = async (username: string) => ((await t.db.one('SELECT id FROM users WHERE username = ?', username)) as { id: string }).id;

  it('issues tokens that carry exp and a token id (jti), one session row each', async () => {
    const auth = await t.createUser('reader', 'auditor');
    const claims = signer.decode<{ exp: number; iat: number; jti: string; sub: string }>(auth.slice(7));
    expect(claims.exp - claims.iat).toBe(8 * 3600);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(await t.db.one('SELECT user_id, revoked_at FROM auth_sessions WHERE jti = ?', claims.jti)).toEqual({ user_id: claims.sub, revoked_at: null });
  });

  it.each([
    ['without exp', (sub: string) => signer.sign({ sub, role: 'admin', unit: null, name: 'admin', jti: randomUUID() })],
    ['without jti', (sub: string) => signer.sign({ sub, role: 'admin', unit: null, name: 'admin' }, { expiresIn: 600 })],
    ['with a jti never issued', (sub: string) => signer.sign({ sub, role: 'admin', unit: null, name: 'admin' }, { expiresIn: 600, jwtid: randomUUID() })],
    [
      'for a user that does not exist',
      () => signer.sign({ sub: randomUUID(), role: 'admin', unit: null, name: 'ghost' }, { expiresIn: 600, jwtid: randomUUID() }),
    ],
    [
      'already expired',
      (sub: string) => signer.sign({ sub, role: 'admin', unit: null, name: 'admin', exp: Math.floor(Date.now() / 1000) - 10 }, { jwtid: randomUUID() }),
    ],
  ])('refuses a correctly signed token %s (401)', async (_what, make) => {
    const res = await me(`Bearer ${make(await userId('admin'))}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  it('POST /auth/logout revokes the token it carries, and only that one', async () => {
    await t.createUser('twice', 'auditor');
    const a = await t.login('twice');
    const b = await t.login('twice');
    expect((await t.http().post('/auth/logout').set('authorization', a)).status).toBe(204);
    expect((await me(a)).status).toBe(401);
    expect((await me(b)).status).toBe(200);
    const jti = signer.decode<{ jti: string }>(a.slice(7)).jti;
    expect(await t.db.one('SELECT revoked_reason FROM auth_sessions WHERE jti = ?', jti)).toEqual({ revoked_reason: 'logout' });
  });

  it('disabling a user revokes their tokens and refuses their login; enabling lets them log in again', async () => {
    const auth = await t.createUser('leaver', 'auditor');
    const res = await t
      .http()
      .patch(`/users/${await userId('leaver')}`)
      .set('authorization', admin)
      .send({ disabled: true });
    expect(res.status).toBe(200);
    expect(res.body.disabled).toBe(true);
    expect((await me(auth)).status).toBe(401);
    expect((await t.http().post('/auth/login').send({ username: 'leaver', password: PASSWORD })).status).toBe(401);
    expect(
      (
        await t
          .http()
          .patch(`/users/${await userId('leaver')}`)
          .set('authorization', admin)
          .send({ disabled: false })
      ).status,
    ).toBe(200);
    expect((await me(await t.login('leaver'))).status).toBe(200);
  });

  it("a deleted user's token is refused (401)", async () => {
    const auth = await t.createUser('gone', 'auditor');
    expect((await me(auth)).status).toBe(200);
    expect(
      (
        await t
          .http()
          .delete(`/users/${await userId('gone')}`)
          .set('authorization', admin)
      ).status,
    ).toBe(204);
    const res = await me(auth);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('登录已失效，请重新登录');
  });

  it('a role change revokes the old tokens (they carried the old role)', async () => {
    const auth = await t.createUser('promoted', 'auditor');
    expect(
      (
        await t
          .http()
          .patch(`/users/${await userId('promoted')}`)
          .set('authorization', admin)
          .send({ role: 'supervisor' })
      ).status,
    ).toBe(200);
    expect((await me(auth)).status).toBe(401);
    expect((await me(await t.login('promoted'))).body.role).toBe('supervisor');
  });

  it('an admin may not disable or delete their own account (400 naming the field)', async () => {
    const a = await t
      .http()
      .patch(`/users/${await userId('admin')}`)
      .set('authorization', admin)
      .send({ disabled: true });
    expect(a.status).toBe(400);
    expect(a.body.field).toBe('disabled');
    expect(
      (
        await t
          .http()
          .delete(`/users/${await userId('admin')}`)
          .set('authorization', admin)
      ).status,
    ).toBe(400);
    expect((await me(admin)).status).toBe(200);
  });

  it('changing your password checks the current one and the policy, revokes every old token and returns a new one', async () => {
    const old1 = await t.createUser('changer', 'auditor');
    const old2 = await t.login('changer');
    const wrong = await t.http().post('/auth/password').set('authorization', old1).send({ currentPassword: 'not it', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.field).toBe('currentPassword');
    const weak = await t.http().post('/auth/password').set('authorization', old1).send({ currentPassword: PASSWORD, newPassword: 'changer' });
    expect(weak.status).toBe(400);
    expect(weak.body.fields.map((f: { message: string; label: string }) => f.label + f.message)).toEqual([
      '新密码至少 10 个字符',
      '新密码不能与用户名相同',
      '新密码须包含字母、数字、符号中的至少两类',
    ]);
    expect((await me(old1)).status).toBe(200);
    const ok = await t.http().post('/auth/password').set('authorization', old1).send({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
    expect(ok.status).toBe(200);
    expect((await me(old1)).status).toBe(401);
    expect((await me(old2)).status).toBe(401);
    expect((await me(`Bearer ${ok.body.accessToken}`)).status).toBe(200);
    expect((await me(await t.login('changer', 'a brand new passphrase'))).status).toBe(200);
  });

  it("an admin's password reset applies the policy and revokes the user's tokens", async () => {
    const auth = await t.createUser('forgetful', 'auditor');
    const bad = await t
      .http()
      .post(`/users/${await userId('forgetful')}/password`)
      .set('authorization', admin)
      .send({ newPassword: 'forgetful' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('newPassword');
    expect((await me(auth)).status).toBe(200);
    expect(
      (
        await t
          .http()
          .post(`/users/${await userId('forgetful')}/password`)
          .set('authorization', admin)
          .send({ newPassword: 'reset-by-admin-2026' })
      ).status,
    ).toBe(200);
    expect((await me(auth)).status).toBe(401);
    expect((await me(await t.login('forgetful', 'reset-by-admin-2026'))).status).toBe(200);
  });

  it('refuses a new user whose password breaks the policy, in Chinese naming 密码, and writes nothing', async () => {
    const before = await t.db.one('SELECT count(*) AS n FROM users');
    const res = await t
      .http()
      .post('/users')
      .set('authorization', admin)
      .send({ username: 'weakling', displayName: 'x', password: 'weakling', role: 'auditor' });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('password');
    expect(res.body.fields[0]).toMatchObject({ label: '密码', message: '至少 10 个字符' });
    expect(await t.db.one('SELECT count(*) AS n FROM users')).toEqual(before);
  });
});

describe('the signing secret without DUBAN_JWT_SECRET', () => {
  it("is kept in the database, so a second instance on the same database accepts the first one's tokens (no secret file)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'duban-shared-'));
    const a = await startTestApp({ dataDir, keepData: true, env: { DUBAN_JWT_SECRET: '' } });
    try {
      const auth = await a.createUser('shared', 'auditor');
      const b = await startTestApp({ dataDir, keepData: true, env: { DUBAN_JWT_SECRET: '' } });
      try {
        expect((await b.http().get('/auth/me').set('authorization', auth)).status).toBe(200);
      } finally {
        await b.close();
      }
      expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(false);
      expect(await a.db.one("SELECT count(*) AS n FROM auth_secrets WHERE name = 'jwt'")).toEqual({ n: 1 });
    } finally {
      await a.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
