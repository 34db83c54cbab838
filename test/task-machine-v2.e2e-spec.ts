import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeadlineSweeper } from '../src/deadlines/deadline-sweeper.service.js';
import { seedPlan, type PlanFixture } from './support/fixtures.js';
import { databaseFingerprint, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 10's acceptance over HTTP, on the service running task machine v2: every node is its own
 * milestone (a red light per missed node, dated at its due instant), node events name their node, and
 * sequential submission is refused naming the blocking node.
 */
let t: TestApp;
let f: PlanFixture;
const P = 'p-v2';

const post = (path: string, auth: string, body: object) => t.http().post(path).set('authorization', auth).send(body);
const get = (path: string, auth: string) => t.http().get(path).set('authorization', auth);
const ok = async (res: Promise<{ status: number; body: any }> | { status: number; body: any }, status = [200, 201]) => {
  const r = await res;
  if (!status.includes(r.status)) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const detail = (id: string) => ok(get(`/tasks/${id}`, f.supervisor));
async function send(id: string, auth: string, type: string, payload: object = {}, nodeSeq?: number) {
  const { version } = await detail(id);
  return await post(`/tasks/${id}/events`, auth, { type, expectedVersion: version, payload, ...(nodeSeq === undefined ? {} : { nodeSeq }) });
}
let n = 0;
async function task(dues: string[], plan = P, points = 30) {
  const ind = await ok(
    post('/indicators', f.supervisor, { planId: plan, code: `V${++n}`, name: `节点指标${n}`, points, methodCode: 'node_platform', assessingUnitId: 'u-tjj' }),
  );
  const r = await ok(
    post('/tasks', f.supervisor, { planId: plan, indicatorId: ind.id, unitId: 'u-fgw', nodes: dues.map((dueDate, i) => ({ seq: i + 1, dueDate })) }),
  );
  return r.id as string;
}
const outbox = async (id: string, type: string) =>
  ((await t.db.all('SELECT body FROM outbox WHERE task_id = ? AND type = ? ORDER BY id', id, type)) as { body: string }[]).map((r) => JSON.parse(r.body));

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
  await ok(post('/plans', f.admin, { id: P, year: 2026, name: '2026年度节点考核' }));
  await ok(post(`/plans/${P}/groups`, f.admin, { name: '镇街组', kind: 'towns', unitIds: ['u-fgw', 'u-czj'] }));
  await ok(post(`/plans/${P}/status`, f.supervisor, { status: 'published' }));
  await ok(t.http().put(`/plans/${P}/scoring`).set('authorization', f.supervisor).send({ templateId: 'county-towns' }));
}, 60_000);
afterAll(async () => t?.close());

describe('a 4-node task ignored past all four due dates', () => {
  it('has 4 red lights, one node.red-lighted per node dated at its due instant, and scores 0.00 of 30 on node_platform', async () => {
    t.clock.set('2026-03-02T02:00:00.000Z');
    const id = await task(['2026-03-31', '2026-04-30', '2026-05-29', '2026-06-30']);
    const before = await detail(id);
    const dues = before.nodes.map((x: { dueAt: string }) => x.dueAt);
    t.clock.set('2026-07-02T01:00:00.000Z');
    const sweep = await t.app.get(DeadlineSweeper).sweep();
    expect(sweep.redNodes).toBeGreaterThanOrEqual(4);
    const after = await detail(id);
    expect(after).toMatchObject({ redCount: 4, light: 'red' });
    expect(after.nodes.map((x: any) => [x.seq, x.light, x.redLighted, x.redLightedAt])).toEqual(dues.map((d: string, i: number) => [i + 1, 'red', true, d]));
    const reds = await outbox(id, 'node.red-lighted');
    expect(reds.map((e) => [e.nodeSeq, e.at])).toEqual(dues.map((d: string, i: number) => [i + 1, d]));
    for (const e of reds) expect(e.recordedAt).toBe('2026-07-02T01:00:00.000Z');
    const counts = await ok(get(`/board/red-counts?planId=${P}`, f.supervisor));
    expect(counts.units).toEqual([expect.objectContaining({ unitId: 'u-fgw', nodes: 4, redNodes: 4 })]);
    const score = await ok(get(`/tasks/${id}/score`, f.supervisor));
    expect(score.score).toMatchObject({ display: '0.00', explanation: { inputs: { nodes: 4, redNodes: 4 } } });
    expect(score.score.explanation.inputs.points ?? 30).toBe(30);
  });
});

describe('nodes in parallel', () => {
  it('accepts node 3’s evidence while node 1 is returned, and lists per node what the caller may send', async () => {
    t.clock.set('2026-03-02T02:00:00.000Z');
    const id = await task(['2026-09-30', '2026-10-30', '2026-11-30', '2026-12-31']);
    expect((await send(id, f.dept, 'task.acknowledge')).status).toBe(200);
    expect((await send(id, f.dept, 'evidence.submit', { note: '一季度' }, 1)).status).toBe(200);
    expect((await send(id, f.assessor, 'evidence.return', { reason: '缺少盖章' }, 1)).status).toBe(200);
    const s3 = await send(id, f.dept, 'evidence.submit', { note: '提前完成' }, 3);
    expect(s3.status).toBe(200);
    expect((await send(id, f.assessor, 'evidence.approve', { comment: '同意' }, 3)).status).toBe(200);
    const d = await ok(get(`/tasks/${id}`, f.dept));
    expect(d.nodes.map((x: any) => x.status)).toEqual(['returned', 'open', 'approved', 'open']);
    expect(d.nodes[0].allowedEvents).toEqual(expect.arrayContaining(['evidence.submit', 'extension.request']));
    expect(d.nodes[2].allowedEvents).toEqual([]);
    expect(d.allowed.nodes['1']).toEqual(d.nodes[0].allowedEvents);
    const a = await ok(get(`/tasks/${id}`, f.assessor));
    expect(a.nodes.every((x: any) => !x.allowedEvents.includes('evidence.submit'))).toBe(true);
  });

  it('with sequential submission on, refuses node 3 with 409 naming node 1, and writes nothing', async () => {
    await ok(post('/plans', f.admin, { id: 'p-seq', year: 2026, name: '按序报送', sequentialSubmission: true }));
    t.clock.set('2026-03-02T02:00:00.000Z');
    const id = await task(['2026-09-30', '2026-10-30', '2026-11-30'], 'p-seq');
    expect((await send(id, f.dept, 'task.acknowledge')).status).toBe(200);
    const before = await databaseFingerprint(t.db);
    const r = await send(id, f.dept, 'evidence.submit', { note: '先报节点3' }, 3);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'EVENT_NOT_ALLOWED', details: { nodeSeq: 1, nodeState: 'open', reason: 'sequential' } });
    expect(r.body.message).toContain('节点 1');
    expect(await databaseFingerprint(t.db)).toBe(before);
    const d = await ok(get(`/tasks/${id}`, f.dept));
    expect(d.sequential).toBe(true);
    expect(d.nodes[2].allowedEvents).not.toContain('evidence.submit');
    expect(d.nodes[0].allowedEvents).toContain('evidence.submit');
  });

  it('refuses an extension request after the node’s due time with the machine’s reason, and never lists it', async () => {
    t.clock.set('2026-03-02T02:00:00.000Z');
    const id = await task(['2026-03-20', '2026-12-31']);
    await send(id, f.dept, 'task.acknowledge');
    t.clock.set('2026-03-25T02:00:00.000Z');
    const d = await ok(get(`/tasks/${id}`, f.dept));
    expect(d.nodes[0].allowedEvents).not.toContain('extension.request');
    expect(d.nodes[1].allowedEvents).toContain('extension.request');
    const r = await send(id, f.dept, 'extension.request', { newDueDate: '2026-04-30', reason: '汛期' }, 1);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ details: { nodeSeq: 1, reason: 'due_passed' } });
    expect(r.body.message).toBe('申请延期须在截止时间之前');
  });

  it('marks late evidence in calendar and working days from the due instant, and shows 补报 after approval', async () => {
    t.clock.set('2026-03-02T02:00:00.000Z');
    const id = await task(['2026-04-03', '2026-12-31']); // Friday 2026-04-03; 04-04…04-06 Qingming holiday
    await send(id, f.dept, 'task.acknowledge');
    t.clock.set('2026-04-08T02:00:00.000Z');
    expect((await send(id, f.dept, 'evidence.submit', { note: '补报' }, 1)).status).toBe(200);
    expect((await send(id, f.assessor, 'evidence.approve', {}, 1)).status).toBe(200);
    const d = await detail(id);
    expect(d.nodes[0]).toMatchObject({ status: 'approved', light: 'red', redLighted: true, lateCompleted: true, lateDays: 5 });
    expect(d.nodes[0].lateWorkingDays).toBe(2);
    expect(d.redCount).toBe(1);
  });
});

describe('suspend and resume', () => {
  it('lets a supervisor suspend with a reason (no light moves), resume shifting the dues, and refuses a department', async () => {
    t.clock.set('2026-03-02T02:00:00.000Z');
    const id = await task(['2026-04-30', '2026-06-30']);
    await send(id, f.dept, 'task.acknowledge');
    const dept = await send(id, f.dept, 'task.suspend', { reason: '上级决定暂停' });
    expect(dept.status).toBe(403);
    expect((await send(id, f.supervisor, 'task.suspend', { reason: '上级决定暂停实施' })).status).toBe(200);
    let d = await detail(id);
    expect(d).toMatchObject({ state: 'suspended', suspended: true, suspension: { reason: '上级决定暂停实施' } });
    expect(d.allowed.task).toContain('task.resume');
    t.clock.set('2026-05-12T02:00:00.000Z');
    await t.app.get(DeadlineSweeper).sweep();
    d = await detail(id);
    expect(d.redCount).toBe(0);
    expect((await send(id, f.supervisor, 'task.resume', { note: '恢复实施' })).status).toBe(200);
    d = await detail(id);
    expect(d.suspended).toBe(false);
    // 71 days suspended (03-02 → 05-12): node 1's due moves from 04-30 to 07-10.
    expect(d.nodes[0].dueDate).toBe('2026-07-10');
    expect(d.redCount).toBe(0);
  });
});

describe('the drill clock (DUBAN_CLOCK=manual) with every node on its own light', () => {
  let d: TestApp;
  let g: PlanFixture;
  beforeAll(async () => {
    d = await startTestApp({ now: '2026-03-01T02:00:00.000Z', env: { DUBAN_CLOCK: 'manual' } });
    g = await seedPlan(d);
  }, 60_000);
  afterAll(async () => d?.close());

  it('moving the clock forward turns each node red at its own due, and lateness and daysOverdue follow it', async () => {
    const ind = await d
      .http()
      .post('/indicators')
      .set('authorization', g.supervisor)
      .send({ planId: g.planId, code: 'DR1', name: '演练指标', points: 10, methodCode: 'node_platform', assessingUnitId: 'u-tjj' });
    const created = await d
      .http()
      .post('/tasks')
      .set('authorization', g.supervisor)
      .send({
        planId: g.planId,
        indicatorId: ind.body.id,
        unitId: 'u-fgw',
        nodes: [
          { seq: 1, dueDate: '2026-03-10' },
          { seq: 2, dueDate: '2026-03-20' },
        ],
      });
    const id = created.body.id as string;
    const move = (at: string) => d.http().post('/clock').set('authorization', g.admin).send({ at });
    const sweep = () => d.http().post('/deadlines/sweep').set('authorization', g.supervisor).send({});
    const red = async () => (await d.http().get(`/board/nodes?planId=${g.planId}&light=red`).set('authorization', g.supervisor)).body.items as any[];

    expect((await move('2026-03-12T02:00:00Z')).status).toBe(200);
    expect((await sweep()).status).toBe(200);
    let reds = await red();
    expect(reds.map((r) => [r.nodeSeq, r.daysOverdue])).toEqual([[1, 2]]);
    expect((await move('2026-03-22T02:00:00Z')).status).toBe(200);
    await sweep();
    reds = await red();
    expect(reds.map((r) => [r.nodeSeq, r.daysOverdue])).toEqual([
      [1, 12],
      [2, 2],
    ]);
    expect((await move('2026-03-21T00:00:00Z')).status).toBe(400);

    const v = (await d.http().get(`/tasks/${id}`).set('authorization', g.dept)).body;
    expect(v.redCount).toBe(2);
    await d.http().post(`/tasks/${id}/events`).set('authorization', g.dept).send({ type: 'task.acknowledge', expectedVersion: v.version });
    const v2 = (await d.http().get(`/tasks/${id}`).set('authorization', g.dept)).body;
    const s = await d
      .http()
      .post(`/tasks/${id}/events`)
      .set('authorization', g.dept)
      .send({ type: 'evidence.submit', expectedVersion: v2.version, nodeSeq: 2, payload: { note: '演练补报' } });
    expect(s.status).toBe(200);
    const after = (await d.http().get(`/tasks/${id}`).set('authorization', g.dept)).body;
    expect(after.nodes[1]).toMatchObject({ status: 'submitted', lateDays: 2 });
    expect(after.nodes[1].latestSubmission).toMatchObject({ at: '2026-03-22T02:00:00.000Z', late: true });
  });
});
