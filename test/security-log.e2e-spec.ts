import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SecurityLogService } from '../src/security-log/security-log.service.js';
import { runCli } from './support/cli.js';
import { seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: PlanFixture;

beforeAll(async () => {
  t = await startTestApp({ env: { DUBAN_LOGIN_MAX_FAILURES: '3' }, keepData: true });
  f = await seedPlan(t);
});
afterAll(async () => t?.close());

interface Ev {
  seq: number;
  kind: string;
  actorName: string | null;
  actorRole: string | null;
  subject: string | null;
  address: string | null;
  details: Record<string, unknown>;
}
const read = async (query: Record<string, string | number> = {}, auth = f.auditor) => {
  const res = await t.http().get('/security-log').query(query).set('authorization', auth);
  expect(res.status).toBe(200);
  return res.body as { items: Ev[]; total: number; page: number; pageSize: number };
};
/** The write is refused by the append-only trigger (matched on the message: under --runInBand the driver's error class may come from another realm). */
const refusedAppendOnly = async (write: Promise<unknown>) => {
  const outcome = await write.then(
    () => 'written',
    (e: unknown) => String((e as { message?: unknown })?.message ?? e),
  );
  expect(outcome).toMatch(/append-only/);
};
const latest = async (kind: string) => (await read({ kind, pageSize: 1 })).items[0];
const ids: Record<string, string> = {};
/** A user's id, looked up once (kept after the user is deleted). */
const userId = async (username: string) => (ids[username] ??= (await t.db.value<string>('SELECT id FROM users WHERE username = ?', username))!);

describe('the security log records', () => {
  it('logins: success, failure (with the reason) and the lockout, with the address', async () => {
    await t.createUser('sl-user', 'auditor');
    expect(await latest('login.succeeded')).toMatchObject({
      actorName: 'sl-user',
      subject: `user:${await userId('sl-user')}`,
      address: expect.stringMatching(/127\.0\.0\.1/),
    });
    for (let i = 0; i < 2; i++) expect((await t.http().post('/auth/login').send({ username: 'sl-user', password: 'nope' })).status).toBe(401);
    expect(await latest('login.failed')).toMatchObject({ subject: 'account:sl-user', details: { username: 'sl-user', reason: 'wrong-password' } });
    expect((await t.http().post('/auth/login').send({ username: 'sl-user', password: 'nope' })).status).toBe(429);
    expect(await latest('login.locked')).toMatchObject({ subject: 'account:sl-user', details: { retryAfterSeconds: 900 } });
    await t.http().post('/auth/login').send({ username: 'ghost', password: 'whatever-1' });
    expect(await latest('login.failed')).toMatchObject({ details: { username: 'ghost', reason: 'unknown-user' }, actorName: null });
  });

  it('user and role changes, deletions and token revocations, by whom', async () => {
    const auth = await t.createUser('sl-change', 'auditor');
    expect(await latest('user.created')).toMatchObject({ subject: `user:${await userId('sl-change')}`, details: { username: 'sl-change', role: 'auditor' } });
    await t
      .http()
      .patch(`/users/${await userId('sl-change')}`)
      .set('authorization', f.admin)
      .send({ role: 'supervisor' });
    expect(await latest('user.role-changed')).toMatchObject({
      actorName: 'admin',
      actorRole: 'admin',
      details: { changes: { role: { from: 'auditor', to: 'supervisor' } }, revokedTokens: 1 },
    });
    await t
      .http()
      .patch(`/users/${await userId('sl-change')}`)
      .set('authorization', f.admin)
      .send({ disabled: true });
    expect(await latest('user.disabled')).toMatchObject({ actorName: 'admin', details: { changes: { disabled: { from: false, to: true } } } });
    expect((await t.http().get('/auth/me').set('authorization', auth)).status).toBe(401);
    const gone = await t.createUser('sl-gone', 'auditor');
    await t.http().post('/auth/logout').set('authorization', gone);
    expect(await latest('token.revoked')).toMatchObject({ actorName: 'sl-gone', details: { reason: 'logout', tokens: 1 } });
    const id = await userId('sl-gone');
    await t.http().delete(`/users/${id}`).set('authorization', f.admin);
    expect(await latest('user.deleted')).toMatchObject({ subject: `user:${id}`, actorName: 'admin', details: { username: 'sl-gone' } });
    await t
      .http()
      .post(`/users/${await userId('sl-change')}/password`)
      .set('authorization', f.admin)
      .send({ newPassword: 'reset-by-admin-2026' });
    expect(await latest('user.password-reset')).toMatchObject({ actorName: 'admin', subject: `user:${await userId('sl-change')}` });
  });

  it("exports (anyone's) and plan-wide reads by auditors, not a supervisor's reads", async () => {
    const before = (await read({ kind: 'plan.read' })).total;
    expect((await t.http().get(`/audit/plans/${f.planId}/board`).query({ asOf: '2026-03-02' }).set('authorization', f.supervisor)).status).toBe(200);
    expect((await read({ kind: 'plan.read' })).total).toBe(before);
    expect((await t.http().get(`/audit/plans/${f.planId}/board`).query({ asOf: '2026-03-02' }).set('authorization', f.auditor)).status).toBe(200);
    expect(await latest('plan.read')).toMatchObject({
      actorName: 'aud',
      actorRole: 'auditor',
      subject: `plan:${f.planId}`,
      details: { method: 'GET', route: '/audit/plans/:id/board', query: { asOf: '2026-03-02' } },
    });
    expect((await t.http().get(`/audit/plans/${f.planId}/export`).set('authorization', f.supervisor)).status).toBe(200);
    expect(await latest('export')).toMatchObject({ actorName: 'sup', subject: `plan:${f.planId}`, details: { route: '/audit/plans/:id/export' } });
  });

  it('a refused call is not recorded as an export', async () => {
    const before = (await read({ kind: 'export' })).total;
    expect((await t.http().get('/audit/plans/nope/export').set('authorization', f.auditor)).status).toBe(404);
    expect((await read({ kind: 'export' })).total).toBe(before);
  });
});

describe('reading the security log', () => {
  it('is for admins and auditors only', async () => {
    expect((await t.http().get('/security-log').set('authorization', f.admin)).status).toBe(200);
    for (const who of [f.supervisor, f.dept, f.assessor]) expect((await t.http().get('/security-log').set('authorization', who)).status).toBe(403);
  });

  it('pages newest first and filters by kind, user and time; bad filters are 400 naming the field', async () => {
    const all = await read({ pageSize: 5 });
    expect(all.items).toHaveLength(5);
    expect(all.items.map((e) => e.seq)).toEqual([...all.items.map((e) => e.seq)].sort((a, b) => b - a));
    const page2 = await read({ pageSize: 5, page: 2 });
    expect(page2.items[0]!.seq).toBe(all.items[4]!.seq - 1);
    const mine = await read({ userId: await userId('sl-change'), pageSize: 200 });
    expect(mine.items.length).toBeGreaterThanOrEqual(4);
    const changed = await userId('sl-change');
    expect(mine.items.every((e) => e.subject === `user:${changed}` || e.actorName === 'sl-change')).toBe(true);
    expect((await read({ from: '2030-01-01T00:00:00Z' })).total).toBe(0);
    expect((await read({ to: '2026-03-02T10:00:00+08:00' })).total).toBe(0); // 02:00 UTC is 10:00 in Beijing: `to` is exclusive
    expect((await read({ from: '2026-03-02T10:00:00+08:00' })).total).toBe(all.total);
    for (const [field, value] of [
      ['kind', 'nope'],
      ['from', 'yesterday'],
      ['page', '0'],
    ]) {
      const res = await t
        .http()
        .get('/security-log')
        .query({ [field]: value })
        .set('authorization', f.auditor);
      expect(res.status).toBe(400);
      expect(res.body.field).toBe(field);
    }
  });
});

describe('integrity', () => {
  it('refuses UPDATE and DELETE (append-only) and verifies', async () => {
    await refusedAppendOnly(t.db.run("UPDATE security_events SET kind = 'export' WHERE seq = 1"));
    await refusedAppendOnly(t.db.run('DELETE FROM security_events WHERE seq = 1'));
    const v = await t.http().get('/security-log/verify').set('authorization', f.auditor);
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ ok: true, startSeq: 1, breaks: [] });
    expect(v.body.events).toBeGreaterThan(10);
  });

  it('prunes past the retention keeping the chain verifiable, and the trigger still guards what is kept', async () => {
    const total = (await read()).total;
    t.clock.advance(181 * 86_400_000);
    await t.login('admin'); // one event after the cutoff
    const result = await t.app.get(SecurityLogService).prune();
    expect(result).toEqual({ pruned: total, throughSeq: total, retentionDays: 180 });
    const prune = (await t.db.one<{ through_seq: number; through_hash: string }>('SELECT through_seq, through_hash, pruned_count FROM security_log_prunes'))!;
    expect(prune).toMatchObject({ through_seq: total, pruned_count: total });
    const kept = await t.db.all<{ seq: number; prev_hash: string }>('SELECT seq, prev_hash FROM security_events ORDER BY seq');
    expect(kept[0]).toEqual({ seq: total + 1, prev_hash: prune.through_hash });
    // The CLI prunes with the configured retention, or --days: nothing is that old now.
    const cli = await runCli(['security-log', 'prune', '--days', '36500'], { ...process.env, ...t.env });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual({ pruned: 0, throughSeq: null, retentionDays: 36500 });
    await t.login('admin');
    const v = await t.http().get('/security-log/verify').set('authorization', f.auditor);
    expect(v.body).toMatchObject({ ok: true, prunedThroughSeq: total, startSeq: total + 1, startPrevHash: prune.through_hash });
    await refusedAppendOnly(t.db.run('DELETE FROM security_events'));
    await refusedAppendOnly(t.db.run('DELETE FROM security_log_prunes'));
  }, 120_000);

  it('catches an edited event (trigger dropped), at its seq, over the API and the CLI (exit 1)', async () => {
    await t.login('admin');
    const target = Number(await t.db.value('SELECT max(seq) FROM security_events'));
    // The attacker disables the guard, edits, and puts the guard back.
    if (t.db.dialect === 'sqlite') {
      const sql = (await t.db.value<string>("SELECT sql FROM sqlite_master WHERE name = 'security_events_no_update'"))!;
      await t.db.exec('DROP TRIGGER security_events_no_update');
      await t.db.run("UPDATE security_events SET actor_name = 'someone-else' WHERE seq = ?", target);
      await t.db.exec(sql);
    } else {
      await t.db.exec('ALTER TABLE security_events DISABLE TRIGGER security_events_no_update');
      await t.db.run("UPDATE security_events SET actor_name = 'someone-else' WHERE seq = ?", target);
      await t.db.exec('ALTER TABLE security_events ENABLE TRIGGER security_events_no_update');
    }
    const v = await t.http().get('/security-log/verify').set('authorization', f.auditor);
    expect(v.body.ok).toBe(false);
    expect(v.body.breaks).toEqual([expect.objectContaining({ seq: target, kind: 'hash-mismatch' })]);
    const cli = await runCli(['security-log', 'verify'], { ...process.env, ...t.env });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`BREAK at #${target} (hash-mismatch)`);
    const list = await runCli(['security-log', 'list', '--kind', 'login.succeeded', '--page-size', '2'], { ...process.env, ...t.env });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/login\.succeeded/);
    expect(list.stdout).toMatch(/page 1 of/);
    const bad = await runCli(['security-log', 'list', '--from', 'yesterday'], { ...process.env, ...t.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('query.from');
  }, 120_000);
});
