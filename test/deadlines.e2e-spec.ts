import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DeadlineSweeper, DUE_TASKS_SQL } from '../src/deadlines/deadline-sweeper.service.js';
import { NotificationsService } from '../src/notifications/notifications.service.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { ensureFreshCli } from './support/cli.js';

const run = promisify(execFile);
let t: TestApp;
let f: PlanFixture;
let sweeper: DeadlineSweeper;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-09-01T02:00:00.000Z' });
  f = await seedPlan(t);
  sweeper = t.app.get(DeadlineSweeper);
});
afterAll(async () => t?.close());

const send = (taskId: string, auth: string, type: string, expectedVersion: number, payload?: object) =>
  t.http().post(`/tasks/${taskId}/events`).set('authorization', auth).send({ type, expectedVersion, payload });
const task = async (id: string) => (await t.http().get(`/tasks/${id}`).set('authorization', f.supervisor)).body;
const eventCount = async (id: string) => ((await t.db.one('SELECT count(*) AS n FROM task_events WHERE task_id = ?', id)) as { n: number }).n;
const outboxTypes = async (id: string) =>
  ((await t.db.all('SELECT type FROM outbox WHERE task_id = ? ORDER BY id', id)) as { type: string }[]).map((r) => r.type);

describe('lights across a weekend, the National Day holiday and a make-up working day', () => {
  let id: string;
  it('puts the warn time 5 working days before Monday 2026-10-12, skipping 10-01…10-07 and counting Saturday 10-10', async () => {
    await t.http().post('/plans').set('authorization', f.supervisor).send({ id: 'p-w5', year: 2026, name: '五个工作日预警', warnWorkingDays: 5 });
    const ind = await t
      .http()
      .post('/indicators')
      .set('authorization', f.supervisor)
      .send({ planId: 'p-w5', code: 'N1', name: '国庆节后节点', points: 5, methodCode: 'node_platform', assessingUnitId: 'u-tjj' });
    const res = await t
      .http()
      .post('/tasks')
      .set('authorization', f.supervisor)
      .send({
        planId: 'p-w5',
        indicatorId: ind.body.id,
        unitId: 'u-fgw',
        nodes: [
          { seq: 1, dueDate: '2026-10-12' },
          { seq: 2, dueDate: '2026-12-31' },
        ],
      });
    expect(res.status).toBe(201);
    id = res.body.id;
    // Working days before 10-12 (Mon): 10-10 (Sat, make-up), 10-09, 10-08, [10-01…10-07 holiday, 10-03/04 weekend], 09-30, 09-29.
    expect(res.body.nodes[0]).toMatchObject({ dueAt: '2026-10-12T15:59:59.000Z', warnAt: '2026-09-28T16:00:00.000Z' });
    expect((await send(id, f.dept, 'task.acknowledge', 1)).status).toBe(200);
  });

  it('stays green one second before the warn time and writes nothing', async () => {
    t.clock.set('2026-09-28T15:59:59.000Z');
    const before = await eventCount(id);
    const r = await sweeper.sweep();
    expect(r.changed).toBe(0);
    expect(await eventCount(id)).toBe(before);
  });

  it('turns yellow at the warn time, once: a second sweep writes nothing', async () => {
    t.clock.set('2026-09-28T16:00:00.000Z');
    const before = await eventCount(id);
    expect((await sweeper.sweep()).changed).toBeGreaterThanOrEqual(1);
    expect(await task(id)).toMatchObject({ light: 'yellow', state: 'open', nextDeadlineAt: '2026-10-12T15:59:59.000Z' });
    expect(await eventCount(id)).toBe(before + 1);
    expect((await sweeper.sweep()).changed).toBe(0);
    expect(await eventCount(id)).toBe(before + 1);
    expect(await outboxTypes(id)).toContain('node.light-changed');
  });

  it('is still yellow one second before the due time, and red at the due time with one node.red-lighted event', async () => {
    t.clock.set('2026-10-12T15:59:58.000Z');
    await sweeper.sweep();
    expect((await task(id)).light).toBe('yellow');
    t.clock.set('2026-10-12T16:00:00.000Z');
    await sweeper.sweep();
    await sweeper.sweep();
    const after = await task(id);
    // Machine v2: node 2 is its own milestone, so the next deadline is its warn time (v1 had it pending until node 1 was approved).
    expect(after).toMatchObject({ light: 'red', redCount: 1, nextDeadlineAt: after.nodes[1].warnAt });
    expect(after.nodes[0]).toMatchObject({ redLighted: true });
    expect((await outboxTypes(id)).filter((x) => x === 'node.red-lighted')).toHaveLength(1);
    const history = await t.http().get(`/tasks/${id}/history?type=clock.tick`).set('authorization', f.auditor);
    expect(history.body.items.map((e: { occurredAt: string }) => e.occurredAt)).toEqual(['2026-09-28T16:00:00.000Z', '2026-10-12T16:00:00.000Z']);
  });

  it('accepts late evidence, marks it late by days and keeps the red light counted', async () => {
    t.clock.set('2026-10-14T03:00:00.000Z');
    const v = (await task(id)).version;
    expect((await send(id, f.dept, 'evidence.submit', v, { note: '补交' })).status).toBe(200);
    const after = await task(id);
    expect(after.nodes[0]).toMatchObject({ lateDays: 2, redLighted: true });
    expect(after.redCount).toBe(1);
    expect(after.currentSubmission).toMatchObject({ note: '补交', late: true, lateDays: 2 });
    const months = await t.http().get('/board/red-months?planId=p-w5').set('authorization', f.supervisor);
    expect(months.body).toEqual([expect.objectContaining({ unitId: 'u-fgw', month: '2026-10', red: 1 })]);
    const counts = await t.http().get('/board/red-counts?planId=p-w5').set('authorization', f.supervisor);
    expect(counts.body.units).toEqual([expect.objectContaining({ unitId: 'u-fgw', nodes: 2, redNodes: 1 })]);
  });
});

describe('a node approved a second before its due time', () => {
  it('never turns red', async () => {
    t.clock.set('2026-06-01T02:00:00.000Z');
    const created = await createTask(t, f, [
      { seq: 1, dueDate: '2026-06-30' },
      { seq: 2, dueDate: '2026-12-31' },
    ]);
    await send(created.id, f.dept, 'task.acknowledge', 1);
    await send(created.id, f.dept, 'evidence.submit', 2, { note: '按时报送' });
    // The due instant is 15:59:59.000Z (23:59:59 Beijing time); approved at it would be late (v2: red at ≥ due).
    t.clock.set('2026-06-30T15:59:58.000Z');
    expect((await send(created.id, f.assessor, 'evidence.approve', 3, {})).status).toBe(200);
    t.clock.set('2026-06-30T16:00:01.000Z');
    await sweeper.sweep();
    const after = await task(created.id);
    expect(after.redCount).toBe(0);
    expect(after.nodes[0]).toMatchObject({ status: 'approved', redLighted: false });
    expect(after.currentNodeSeq).toBe(2);
    expect(await outboxTypes(created.id)).not.toContain('node.red-lighted');
  });
});

describe('POST /deadlines/sweep', () => {
  it('lets a supervisor sweep now, keeps "as of another time" to admins, and refuses a bad or future instant (400, nothing written)', async () => {
    t.clock.set('2026-03-01T02:00:00.000Z');
    const due = await createTask(t, f, [{ seq: 1, dueDate: '2026-03-10' }]);
    const events = () => eventCount(due.id);
    const before = await events();
    const forbidden = await t.http().post('/deadlines/sweep').set('authorization', f.supervisor).send({ at: '2026-03-11T00:00:00Z' });
    expect(forbidden.status).toBe(403);
    expect(await events()).toBe(before);
    const bad = await t.http().post('/deadlines/sweep').set('authorization', f.admin).send({ at: '2026-03-32' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('"field":"at"');
    expect((await t.http().post('/deadlines/sweep').set('authorization', f.dept).send({})).status).toBe(403);
    const now = await t.http().post('/deadlines/sweep').set('authorization', f.supervisor).send({});
    expect(now.status).toBe(200);
    expect(await events()).toBe(before);
    // One clock: a sweep ahead of the server clock would write events dated in the future — refused, nothing written.
    const future = await t.http().post('/deadlines/sweep').set('authorization', f.admin).send({ at: '2026-03-11T00:00:00Z' });
    expect(future.status).toBe(400);
    expect(JSON.stringify(future.body)).toContain('"field":"at"');
    expect(await events()).toBe(before);
    await expect(sweeper.sweep('2026-03-11T00:00:00.000Z')).rejects.toThrow();
    expect(await events()).toBe(before);
    // Catching up after downtime: the clock is past the due time, the admin sweeps as of an instant in the past.
    t.clock.set('2026-03-12T02:00:00.000Z');
    const catchUp = await t.http().post('/deadlines/sweep').set('authorization', f.admin).send({ at: '2026-03-11T00:00:00Z' });
    expect(catchUp.status).toBe(200);
    expect(catchUp.body.red).toBeGreaterThanOrEqual(1);
    expect((await task(due.id)).light).toBe('red');
  });
});

describe('the sweep query', () => {
  it('finds due tasks through the partial index on next_deadline_at', async () => {
    if (t.db.dialect === 'postgres') {
      // A test-sized table is cheaper to scan; with scans priced out the planner shows the index it can use.
      const plan = await t.db.transaction(async (tx) => {
        await tx.exec('SET LOCAL enable_seqscan = off');
        return (await tx.column<string>(`EXPLAIN ${DUE_TASKS_SQL}`, '2026-01-01T00:00:00.000Z')).join('\n');
      });
      expect(plan).toMatch(/ix_tasks_next_deadline/);
      return;
    }
    const plan = (await t.db.all(`EXPLAIN QUERY PLAN ${DUE_TASKS_SQL}`, '2026-01-01T00:00:00.000Z')) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING (COVERING )?INDEX ix_tasks_next_deadline/);
  });

  it('writes nothing when nothing is due', async () => {
    t.clock.set('2026-01-01T00:00:00.000Z');
    const before = ((await t.db.one('SELECT count(*) AS n FROM task_events')) as { n: number }).n;
    const r = await sweeper.sweep();
    expect(r).toMatchObject({ due: 0, changed: 0 });
    expect(((await t.db.one('SELECT count(*) AS n FROM task_events')) as { n: number }).n).toBe(before);
  });
});

describe('two sweeps in two processes at once', () => {
  it('red-light each due node exactly once', async () => {
    t.clock.set('2026-03-01T02:00:00.000Z');
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await createTask(t, f, [{ seq: 1, dueDate: '2026-03-20' }])).id);
    const at = '2026-03-21T00:00:00.000Z';
    const env = { ...process.env, ...t.env };
    const [a, b] = await Promise.all([
      run(process.execPath, [ensureFreshCli(), 'sweep', '--at', at], { env }),
      run(process.execPath, [ensureFreshCli(), 'sweep', '--at', at], { env }),
    ]);
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    expect(ra.failed).toEqual([]);
    expect(rb.failed).toEqual([]);
    const placeholders = ids.map(() => '?').join(',');
    const red = (await t.db.all(
      `SELECT task_id, count(*) AS n FROM outbox WHERE type = 'node.red-lighted' AND task_id IN (${placeholders}) GROUP BY task_id`,
      ...ids,
    )) as { n: number }[];
    expect(red).toHaveLength(30);
    expect(red.every((r) => r.n === 1)).toBe(true);
    const ticks = (await t.db.one(`SELECT count(*) AS n FROM task_events WHERE type = 'clock.tick' AND task_id IN (${placeholders})`, ...ids)) as { n: number };
    expect(ticks.n).toBe(30);
  }, 60_000);
});

describe('board queries and review deadlines', () => {
  it('count lights by unit and group, list red nodes with days overdue, and show a department what is due soon', async () => {
    t.clock.set('2026-11-02T02:00:00.000Z');
    const soon = await createTask(t, f, [{ seq: 1, dueDate: '2026-11-05' }], 'u-czj');
    const lights = await t.http().get(`/board/lights?planId=${f.planId}`).set('authorization', f.supervisor);
    expect(lights.status).toBe(200);
    const czj = lights.body.units.find((u: { unitId: string }) => u.unitId === 'u-czj');
    expect(czj).toMatchObject({ groupName: '部门组', tasks: 1 });
    expect(lights.body.groups.find((g: { groupName: string }) => g.groupName === '部门组').tasks).toBe(
      lights.body.units.filter((u: { groupName: string }) => u.groupName === '部门组').reduce((s: number, u: { tasks: number }) => s + u.tasks, 0),
    );
    const red = await t.http().get(`/board/nodes?planId=${f.planId}&light=red`).set('authorization', f.supervisor);
    expect(red.body.total).toBeGreaterThan(0);
    for (const n of red.body.items) expect(n.daysOverdue).toBeGreaterThanOrEqual(1);
    const due = await t.http().get('/board/due?days=7').set('authorization', f.otherDept);
    expect(due.body.items.map((x: { taskId: string }) => x.taskId)).toEqual([soon.id]);
    expect(due.body.items[0].daysLeft).toBe(3);
    const scoped = await t.http().get(`/board/lights?planId=${f.planId}`).set('authorization', f.otherDept);
    expect(scoped.body.units.map((u: { unitId: string }) => u.unitId)).toEqual(['u-czj']);
  });

  it('flags a submission not reviewed within 5 working days as overdue in the review queue, without a red light', async () => {
    t.clock.set('2026-04-30T02:00:00.000Z'); // Thursday; May Day holiday 05-01…05-05
    const created = await createTask(t, f, [{ seq: 1, dueDate: '2026-12-31' }]);
    await send(created.id, f.dept, 'task.acknowledge', 1);
    await send(created.id, f.dept, 'evidence.submit', 2, { note: '请审核' });
    const queued = (await t.http().get('/board/reviews').set('authorization', f.assessor)).body.items.find((x: { taskId: string }) => x.taskId === created.id);
    // 5 working days after Thu 04-30, skipping the 05-01…05-05 holiday and counting the make-up Saturday 05-09:
    // 05-06, 05-07, 05-08, 05-09 (make-up), 05-11 → due end of 05-11 Beijing.
    expect(queued).toMatchObject({ reviewDueAt: '2026-05-11T15:59:59.000Z', reviewOverdue: false });
    t.clock.set('2026-05-11T16:00:00.000Z');
    const overdue = await t.http().get('/board/reviews?overdue=true').set('authorization', f.assessor);
    expect(overdue.body.items.map((x: { taskId: string }) => x.taskId)).toContain(created.id);
    expect((await task(created.id)).light).toBe('green');
  });
});

describe('notifications reach server-sent-event streams', () => {
  it('delivers the events a department may see, and replays what it missed after Last-Event-ID', async () => {
    const notifications = t.app.get(NotificationsService);
    await notifications.pump();
    const lastId = ((await t.db.one('SELECT max(stream_seq) AS id FROM outbox')) as { id: number }).id;
    t.clock.set('2026-07-01T02:00:00.000Z');
    const mine = await createTask(t, f, [{ seq: 1, dueDate: '2026-08-31' }], 'u-fgw');
    const theirs = await createTask(t, f, [{ seq: 1, dueDate: '2026-08-31' }], 'u-czj');
    await send(mine.id, f.dept, 'task.acknowledge', 1);
    await send(theirs.id, f.otherDept, 'task.acknowledge', 1);
    await notifications.pump();
    const { firstValueFrom, take, toArray, timeout } = await import('rxjs');
    const deptActor = { userId: 'x', role: 'department' as const, unitId: 'u-fgw' };
    const seen = await firstValueFrom((await notifications.stream(deptActor, lastId)).pipe(take(1), toArray(), timeout(2000)));
    expect(seen.map((n) => n.taskId)).toEqual([mine.id]);
    expect(seen[0]).toMatchObject({ type: 'task.acknowledged', unitId: 'u-fgw' });
  });
});

describe('extensions', () => {
  it('move the due date when granted, recompute the light, and leave both steps in the history', async () => {
    t.clock.set('2026-08-03T02:00:00.000Z');
    const created = await createTask(t, f, [{ seq: 1, dueDate: '2026-08-07' }]);
    await send(created.id, f.dept, 'task.acknowledge', 1);
    t.clock.set('2026-08-05T02:00:00.000Z');
    await sweeper.sweep();
    expect((await task(created.id)).light).toBe('yellow');
    const v = (await task(created.id)).version;
    const req = await send(created.id, f.dept, 'extension.request', v, { newDueDate: '2026-09-30', reason: '汛期施工受阻' });
    expect(req.status).toBe(200);
    expect((await send(created.id, f.dept, 'extension.grant', v + 1, {})).status).toBe(403);
    const pending = await t.http().get('/tasks?extensionPending=true&pageSize=200').set('authorization', f.supervisor);
    expect(pending.body.items.map((x: { id: string }) => x.id)).toEqual([created.id]);
    expect((await task(created.id)).pendingExtension).toMatchObject({ newDueAt: '2026-09-30T15:59:59.000Z', reason: '汛期施工受阻' });
    const grant = await send(created.id, f.supervisor, 'extension.grant', v + 1, { comment: '同意延期' });
    expect(grant.status).toBe(200);
    const after = await task(created.id);
    expect(after.light).toBe('green');
    // The yellow time moves too: 3 working days before Wed 09-30 are 09-29, 09-28 and — past the Mid-Autumn
    // holiday 09-25…09-27 — Thu 09-24.
    expect(after.nodes[0]).toMatchObject({ dueDate: '2026-09-30', dueAt: '2026-09-30T15:59:59.000Z', warnAt: '2026-09-23T16:00:00.000Z' });
    expect(after.currentDueDate).toBe('2026-09-30');
    const history = (await t.http().get(`/tasks/${created.id}/history`).set('authorization', f.auditor)).body.items.map((e: { type: string }) => e.type);
    expect(history.slice(-2)).toEqual(['extension.request', 'extension.grant']);
    expect((await t.http().get('/tasks?extensionPending=true').set('authorization', f.supervisor)).body.total).toBe(0);
    expect(await outboxTypes(created.id)).toEqual(expect.arrayContaining(['extension.requested', 'extension.granted']));
  });

  it('refuse a request after the due time with 409, writing nothing', async () => {
    t.clock.set('2026-08-03T02:00:00.000Z');
    const created = await createTask(t, f, [{ seq: 1, dueDate: '2026-08-04' }]);
    t.clock.set('2026-08-10T02:00:00.000Z');
    const before = await eventCount(created.id);
    const res = await send(created.id, f.dept, 'extension.request', 1, { newDueDate: '2026-09-30', reason: '晚了' });
    expect(res.status).toBe(409);
    expect(await eventCount(created.id)).toBe(before);
  });
});

describe('the event stream over HTTP', () => {
  it('sends a department its own unit’s events as text/event-stream, with ids to resume from', async () => {
    await t.app.listen(0, '127.0.0.1');
    const url = await t.app.getUrl();
    const token = f.dept.replace('Bearer ', '');
    const notifications = t.app.get(NotificationsService);
    await notifications.pump();
    const controller = new AbortController();
    const res = await fetch(`${url.replace('[::1]', '127.0.0.1')}/events/stream?access_token=${token}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    t.clock.set('2026-07-01T02:00:00.000Z');
    const mine = await createTask(t, f, [{ seq: 1, dueDate: '2026-08-31' }], 'u-fgw');
    await createTask(t, f, [{ seq: 1, dueDate: '2026-08-31' }], 'u-czj');
    await send(mine.id, f.dept, 'task.acknowledge', 1);
    await notifications.pump();
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: task.acknowledged')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toMatch(/^id: \d+$/m);
    expect(text).toContain(mine.id);
    expect(text).not.toContain('u-czj');
    const unauth = await fetch(`${url.replace('[::1]', '127.0.0.1')}/events/stream`);
    expect(unauth.status).toBe(401);
  });
});

describe('an imported ICS calendar', () => {
  it('replaces its year, survives a restart of the service, and moves warn times of new nodes', async () => {
    const { readFileSync } = await import('node:fs');
    const { DeadlinesService } = await import('../src/deadlines/deadlines.service.js');
    const deadlines = t.app.get(DeadlinesService);
    const before = deadlines.warnAt('2028-02-03', 'Asia/Shanghai', 3);
    const report = deadlines.importIcs(readFileSync('src/deadlines/calendar/__fixtures__/sample-2028.ics', 'utf8'), 'sample-2028.ics', '2026-01-01T00:00:00Z');
    expect(report.years).toEqual([2028]);
    // The sample's Spring Festival runs 2028-01-25…02-01, so the 3 working days before 02-03 reach back past it.
    const after = deadlines.warnAt('2028-02-03', 'Asia/Shanghai', 3);
    expect(after < before).toBe(true);
    expect(new DeadlinesService(t.app.get((await import('../config/app.config.js')).AppConfig)).warnAt('2028-02-03', 'Asia/Shanghai', 3)).toBe(after);
  });
});
