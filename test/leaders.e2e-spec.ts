/**
 * The leader role (issue 16 item 4) through the real app: a leader reads everything (tasks, board, scores,
 * bulletins, self-assessments) and writes nothing there; it casts its own leaders' ballot, as itself; a
 * ballot of its that breaks the plan's quota is treated exactly like the same ballot entered by the office;
 * an auditor cannot cast one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: PlanFixture;
let leader: string;
let leaderId: string;
let groupId: string;
let taskId: string;
const P = 'p-2026';

const get = (path: string, auth: string) => t.http().get(path).set('authorization', auth);
const post = (path: string, body: object, auth: string) => t.http().post(path).set('authorization', auth).send(body);

beforeAll(async () => {
  t = await startTestApp({ now: '2026-11-20T02:00:00.000Z' });
  f = await seedPlan(t);
  taskId = (await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }], 'u-fgw')).id;
  await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }], 'u-czj');
  groupId = (await t.db.value<string>('SELECT id FROM plan_groups WHERE plan_id = ?', P))!;
  const cfg = await t
    .http()
    .put(`/plans/${P}/scoring`)
    .set('authorization', f.supervisor)
    .send({ templateId: 'county-towns', groups: [{ groupId, template: 'towns' }] });
  if (cfg.status !== 200) throw new Error(JSON.stringify(cfg.body));
  const made = await post('/users', { username: 'xianzhang', displayName: '县长', password: 'a long leader passphrase', role: 'leader' }, f.admin);
  expect(made.status).toBe(201);
  leaderId = made.body.id;
  leader = await t.login('xianzhang', 'a long leader passphrase');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('a leader reads everything', () => {
  it('sees every task, the board, the scores, a scorecard, the ballots and the self-assessments', async () => {
    const tasks = await get(`/tasks?planId=${P}`, leader);
    expect(tasks.status).toBe(200);
    expect(tasks.body.total).toBe(2);
    expect((await get(`/board/lights?planId=${P}`, leader)).status).toBe(200);
    expect((await get(`/plans/${P}/scores`, leader)).status).toBe(200);
    expect((await get(`/plans/${P}/units/u-czj/scorecard`, leader)).status).toBe(200);
    expect((await get(`/plans/${P}/ballots`, leader)).status).toBe(200);
    expect((await get(`/plans/${P}/self-assessment/units`, leader)).status).toBe(200);
    expect((await get(`/tasks/${taskId}`, leader)).status).toBe(200);
  });

  it('writes nothing there: no task events, no evidence, no scoring set-up, no indicators, no unit events', async () => {
    const version = (await get(`/tasks/${taskId}`, leader)).body.version as number;
    const ev = await post(`/tasks/${taskId}/events`, { type: 'task.acknowledge', expectedVersion: version }, leader);
    expect(ev.status).toBe(403);
    expect(ev.body.message).toMatch(/领导/);
    const up = await t.http().post(`/tasks/${taskId}/evidence`).set('authorization', leader).attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), 'x.pdf');
    expect(up.status).toBe(403);
    expect((await t.http().put(`/plans/${P}/scoring`).set('authorization', leader).send({ templateId: 'county-towns' })).status).toBe(403);
    expect((await post('/indicators', { planId: P, code: 'L1', name: 'x', points: 1, methodCode: 'ratio' }, leader)).status).toBe(403);
    expect((await post(`/plans/${P}/unit-events`, { unitId: 'u-fgw', type: 'bonus', item: 'x' }, leader)).status).toBe(403);
    expect(Number(await t.db.value('SELECT count(*) FROM task_events WHERE task_id = ?', taskId))).toBe(1);
  });
});

describe("a leader's own ballot", () => {
  it('is cast as the leader itself, of the leaders kind only', async () => {
    const ok = await post(
      `/plans/${P}/ballots`,
      {
        groupId,
        evaluator: 'leaders',
        entries: [
          { unitId: 'u-fgw', grade: '优秀' },
          { unitId: 'u-czj', grade: '良好' },
        ],
      },
      leader,
    );
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ evaluator: 'leaders', evaluatorId: leaderId });
    const asOther = await post(
      `/plans/${P}/ballots`,
      {
        groupId,
        evaluator: 'leaders',
        evaluatorId: '副县长',
        entries: [
          { unitId: 'u-fgw', grade: '良好' },
          { unitId: 'u-czj', grade: '良好' },
        ],
      },
      leader,
    );
    expect(asOther.status).toBe(403);
    expect(asOther.body.details.field).toBe('evaluatorId');
    const office = await post(
      `/plans/${P}/ballots`,
      {
        groupId,
        evaluator: 'office',
        entries: [
          { unitId: 'u-fgw', score: 90 },
          { unitId: 'u-czj', score: 80 },
        ],
      },
      leader,
    );
    expect(office.status).toBe(403);
    expect(office.body.details.field).toBe('evaluator');
  });

  it('breaking the quota is treated exactly as the same ballot entered by the office', async () => {
    const entries = [
      { unitId: 'u-fgw', grade: '优秀' },
      { unitId: 'u-czj', grade: '优秀' },
    ];
    const byLeader = await post(`/plans/${P}/ballots`, { groupId, evaluator: 'leaders', entries }, leader);
    const byOffice = await post(`/plans/${P}/ballots`, { groupId, evaluator: 'leaders', evaluatorId: '副县长', entries }, f.supervisor);
    expect(byLeader.status).toBe(byOffice.status);
    const strip = (b: Record<string, unknown>) => {
      const { id: _i, detail: _d, evaluatorId: _e, submittedAt: _s, submittedBy: _b, submittedRole: _r, supersedes: _p, requestId: _q, ...rest } = b;
      return rest;
    };
    expect(strip(byLeader.body)).toEqual(strip(byOffice.body));
  });

  it('an auditor cannot cast one', async () => {
    const res = await post(
      `/plans/${P}/ballots`,
      {
        groupId,
        evaluator: 'leaders',
        evaluatorId: '审计',
        entries: [
          { unitId: 'u-fgw', grade: '良好' },
          { unitId: 'u-czj', grade: '良好' },
        ],
      },
      f.auditor,
    );
    expect(res.status).toBe(403);
  });
});

describe("a leader's 批示", () => {
  it('is recorded on a task (its unit taken from the task) or a unit, chained, and read by the unit it concerns only', async () => {
    const onTask = await post(`/plans/${P}/instructions`, { taskId, kind: 'praise', text: '该项工作推进有力，予以表扬。' }, leader);
    expect(onTask.status).toBe(201);
    expect(onTask.body).toMatchObject({ seq: 1, unitId: 'u-fgw', taskId, kind: 'praise', kindLabel: '表扬', by: { userId: leaderId, name: '县长' } });
    const onUnit = await post(`/plans/${P}/instructions`, { unitId: 'u-czj', kind: 'criticism', text: '红灯较多，限期整改。' }, leader);
    expect(onUnit.status).toBe(201);
    expect(onUnit.body.seq).toBe(2);
    expect((await get(`/plans/${P}/instructions`, f.dept)).body.map((i: { unitId: string }) => i.unitId)).toEqual(['u-fgw']);
    expect((await get(`/plans/${P}/instructions`, f.supervisor)).body).toHaveLength(2);
    expect((await get(`/plans/${P}/instructions/verify`, f.auditor)).body).toEqual({ count: 2, intact: true, brokenAtSeq: null });
  });

  it('is refused naming the field for an unknown unit or kind; only a leader records one; nothing is written', async () => {
    const before = Number(await t.db.value('SELECT count(*) FROM leader_instructions'));
    const unknown = await post(`/plans/${P}/instructions`, { unitId: 'u-none', kind: 'praise', text: 'x' }, leader);
    expect(unknown.status).toBe(400);
    expect(unknown.body.details.fields[0].field).toBe('unitId');
    const kind = await post(`/plans/${P}/instructions`, { unitId: 'u-fgw', kind: 'reward', text: 'x' }, leader);
    expect(kind.status).toBe(400);
    expect(kind.body.details.fields[0].field).toBe('kind');
    expect((await post(`/plans/${P}/instructions`, { unitId: 'u-fgw', kind: 'praise', text: 'x' }, f.supervisor)).status).toBe(403);
    expect(Number(await t.db.value('SELECT count(*) FROM leader_instructions'))).toBe(before);
  });
});
