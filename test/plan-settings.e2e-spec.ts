import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { databaseFingerprint, startTestApp, type TestApp } from './support/test-app.js';

/**
 * PATCH /plans/{id} (issue 10): the office changes a plan's name and settings after creation — the
 * yellow-light days, the sign-for deadline, sequential submission — for tasks created from then on;
 * tasks already created keep what they were given. Refusals name the field and write nothing.
 */
let t: TestApp;
let f: PlanFixture;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-05-06T02:00:00.000Z' });
  f = await seedPlan(t);
});
afterAll(async () => t?.close());

const patch = (body: unknown, auth = f.supervisor, id = f.planId) =>
  t
    .http()
    .patch(`/plans/${id}`)
    .set('authorization', auth)
    .send(body as object);
const detail = async (id: string) => (await t.http().get(`/tasks/${id}`).set('authorization', f.supervisor)).body;

describe('changing a plan’s settings', () => {
  it('applies the new sign-for deadline and sequential submission to tasks created afterwards only', async () => {
    const before = await createTask(t, f, [
      { seq: 1, dueDate: '2026-06-30' },
      { seq: 2, dueDate: '2026-07-31' },
    ]);
    const res = await patch({ name: '2026年度绩效考评（修订）', signForWorkingDays: 3, sequentialSubmission: true, warnWorkingDays: 5 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: f.planId, name: '2026年度绩效考评（修订）', signForWorkingDays: 3, sequentialSubmission: true, warnWorkingDays: 5 });
    const after = await createTask(t, f, [
      { seq: 1, dueDate: '2026-06-30' },
      { seq: 2, dueDate: '2026-07-31' },
    ]);
    const [old, fresh] = [await detail(before.id), await detail(after.id)];
    expect(old).toMatchObject({ sequential: false, signForDueAt: null });
    expect(fresh.sequential).toBe(true);
    expect(fresh.signForDueAt).toEqual(expect.any(String));
    // Five working days before Tue 06-30 (Dragon Boat holiday 06-19…21 aside): the yellow light moved for the new task only.
    expect(fresh.nodes[0].warnAt < old.nodes[0].warnAt).toBe(true);
    // Clearing the sign-for deadline again.
    expect((await patch({ signForWorkingDays: null })).body.signForWorkingDays).toBeNull();
    // The change is in the security log (a set-up change, by whom, on which plan).
    const log = await t.db.all<{ kind: string; subject: string }>(`SELECT kind, subject FROM security_events WHERE subject = ?`, `plan:${f.planId}`);
    expect(log.map((r) => r.kind)).toContain('scoring.setup-changed');
  });

  it('refuses a bad value, an unknown field, an empty body and a department, naming why, and writes nothing', async () => {
    const fp = await databaseFingerprint(t.db);
    const plan = (await t.http().get(`/plans/${f.planId}`).set('authorization', f.supervisor)).body;
    const bad = await patch({ signForWorkingDays: -1 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('signForWorkingDays');
    const unknown = await patch({ year: 2030 });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('year');
    const empty = await patch({});
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/[\u4e00-\u9fff]/);
    expect((await patch({ name: '改名' }, f.dept)).status).toBe(403);
    expect((await patch({ name: '改名' }, f.supervisor, 'no-such-plan')).status).toBe(404);
    expect((await t.http().get(`/plans/${f.planId}`).set('authorization', f.supervisor)).body).toEqual(plan);
    expect(await databaseFingerprint(t.db)).toBe(fp);
  });

  it('refuses any change to a closed plan with 409 PLAN_CLOSED in Chinese', async () => {
    await t.http().post('/plans').set('authorization', f.admin).send({ id: 'p-old', year: 2025, name: '2025年度' });
    await t.db.run(`UPDATE plans SET status = 'closed' WHERE id = 'p-old'`);
    const res = await patch({ name: '改名' }, f.supervisor, 'p-old');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'PLAN_CLOSED', message: '考核方案已关闭，不能再修改方案设置' });
  });
});
