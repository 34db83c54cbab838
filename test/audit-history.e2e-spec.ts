import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CheckpointScheduler } from '../src/audit/checkpoint.scheduler.js';
import { SYSTEM_ACTOR } from '../src/common/actor.js';
import { TaskCommandService } from '../src/tasks/task-commands.service.js';
import { seedPlan, type PlanFixture } from './support/fixtures.js';
import { databaseFingerprint, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: PlanFixture;
let walked: string; // the task walked through its life below
let other: string; // a task of another unit (县财政局)

const at = (iso: string) => t.clock.set(iso);
const send = (taskId: string, auth: string, type: string, expectedVersion: number, payload?: object) =>
  t.http().post(`/tasks/${taskId}/events`).set('authorization', auth).send({ type, expectedVersion, payload });
const get = (path: string, auth: string) => t.http().get(path).set('authorization', auth);
const tick = async (taskId: string, iso: string) => await t.app.get(TaskCommandService).apply(taskId, { type: 'clock.tick', at: iso }, SYSTEM_ACTOR);

let indicators = 0;
async function newTask(unitId: string, nodes: { seq: number; dueDate: string; warnDate?: string }[]): Promise<string> {
  const code = `H${++indicators}`;
  const ind = await t
    .http()
    .post('/indicators')
    .set('authorization', f.supervisor)
    .send({ planId: f.planId, code, name: `审计指标${code}`, points: 10, methodCode: 'node_platform', assessingUnitId: 'u-tjj' });
  expect(ind.status).toBe(201);
  const res = await t.http().post('/tasks').set('authorization', f.supervisor).send({ planId: f.planId, indicatorId: ind.body.id, unitId, nodes });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

// Node 1 due 2026-03-31 (Beijing), node 2 due 2026-06-30 with yellow from 2026-06-25 00:00 Beijing.
const N2_WARN = '2026-06-24T16:00:00.000Z';
const N2_DUE = '2026-06-30T15:59:59.000Z';

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
  walked = await newTask('u-fgw', [
    { seq: 1, dueDate: '2026-03-31', warnDate: '2026-03-26' },
    { seq: 2, dueDate: '2026-06-30', warnDate: '2026-06-25' },
  ]);
  other = await newTask('u-czj', [{ seq: 1, dueDate: '2026-04-30' }]);
  at('2026-03-03T02:00:00.000Z');
  expect((await send(walked, f.dept, 'task.acknowledge', 1)).status).toBe(200);
  at('2026-03-20T02:00:00.000Z');
  expect((await send(walked, f.dept, 'evidence.submit', 2, { completedValue: 3.1, note: '一季度' })).status).toBe(200);
  at('2026-03-21T02:00:00.000Z');
  expect((await send(walked, f.assessor, 'evidence.approve', 3, { reviewedValue: 3 })).status).toBe(200); // → node 2 open
  expect((await tick(walked, '2026-06-26T02:00:00.000Z')).changed).toBe(true); // yellow
  expect((await tick(walked, '2026-07-01T02:00:00.000Z')).changed).toBe(true); // red, counted
  at('2026-07-03T02:00:00.000Z');
  expect((await send(walked, f.dept, 'evidence.submit', 6, { completedValue: 6.2 })).status).toBe(200); // late
  at('2026-07-05T02:00:00.000Z');
  expect((await send(walked, f.assessor, 'evidence.approve', 7, { reviewedValue: 6 })).status).toBe(200); // completed
  at('2026-07-10T02:00:00.000Z');
  expect((await send(walked, f.supervisor, 'task.score', 8, { score: 9 })).status).toBe(200);
}, 60_000);
afterAll(async () => t?.close());

describe('history (GET /tasks/{id}/history)', () => {
  it('lists every event in order with actor, time, type, payload, state before/after and hash', async () => {
    const res = await get(`/tasks/${walked}/history?pageSize=50`, f.auditor);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(9);
    const items = res.body.items as Record<string, unknown>[];
    expect(items.map((e) => e.type)).toEqual([
      'task.created',
      'task.acknowledge',
      'evidence.submit',
      'evidence.approve',
      'clock.tick',
      'clock.tick',
      'evidence.submit',
      'evidence.approve',
      'task.score',
    ]);
    expect(items[1]).toMatchObject({
      seq: 2,
      occurredAt: '2026-03-03T02:00:00.000Z',
      actor: { role: 'department', unitId: 'u-fgw' },
      stateBefore: { live: 'active' },
      stateAfter: { live: 'active' },
      machineVersion: 2,
    });
    expect(items[4]).toMatchObject({ type: 'clock.tick', actor: { role: 'system', userId: null }, stateAfter: { live: 'active' } });
    expect(items[8].prevHash).toBe(items[7].hash);
  });

  it('filters by event type and time range, and pages', async () => {
    const byType = await get(`/tasks/${walked}/history?type=evidence.submit`, f.supervisor);
    expect(byType.body.items.map((e: { seq: number }) => e.seq)).toEqual([3, 7]);
    const range = await get(`/tasks/${walked}/history?from=2026-03-20T00:00:00Z&to=2026-07-01T23:59:59%2B08:00`, f.auditor);
    expect(range.body.items.map((e: { seq: number }) => e.seq)).toEqual([3, 4, 5, 6]);
    const page2 = await get(`/tasks/${walked}/history?page=2&pageSize=4`, f.auditor);
    expect(page2.body).toMatchObject({ total: 9, page: 2, pageSize: 4 });
    expect(page2.body.items.map((e: { seq: number }) => e.seq)).toEqual([5, 6, 7, 8]);
  });

  it('shows auditors and supervisors every task, the assessor what it assesses, and hides another unit’s task from a department', async () => {
    for (const who of [f.auditor, f.supervisor, f.assessor, f.otherDept]) expect((await get(`/tasks/${other}/history`, who)).status).toBe(200);
    expect((await get(`/tasks/${other}/history`, f.dept)).status).toBe(404);
  });

  it('refuses a bad time with 400 naming the field', async () => {
    const res = await get(`/tasks/${walked}/history?from=yesterday`, f.auditor);
    expect(res.status).toBe(400);
    expect(res.body.details.fields[0].field).toBe('from');
  });
});

describe('replay (GET /audit/tasks/{id}/replay)', () => {
  it('recomputes every recorded state step by step and ends on the stored snapshot, with the chain intact', async () => {
    const res = await get(`/audit/tasks/${walked}/replay`, f.auditor);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      events: 9,
      runningMachineVersion: 2,
      recordedMachineVersions: [2],
      divergence: null,
      end: { storedSnapshotMatches: true },
    });
    expect(res.body.steps).toHaveLength(9);
    expect(res.body.steps.every((s: { matches: boolean }) => s.matches)).toBe(true);
    expect(res.body.steps[5]).toMatchObject({ seq: 6, type: 'clock.tick', replayed: { live: 'active' } });
    expect(res.body.chain).toMatchObject({ ok: true, events: 9, lastSeq: 9, breaks: [] });
    const short = await get(`/audit/tasks/${walked}/replay?steps=false`, f.supervisor);
    expect(short.body).toMatchObject({ ok: true, steps: [] });
  });

  it('follows task visibility: another unit’s department gets 404', async () => {
    expect((await get(`/audit/tasks/${other}/replay`, f.dept)).status).toBe(404);
    expect((await get(`/audit/tasks/${other}/replay`, f.otherDept)).status).toBe(200);
    expect((await get('/audit/tasks/nope/replay', f.auditor)).status).toBe(404);
  });
});

describe('as of a moment (GET /audit/tasks/{id}/as-of)', () => {
  const asOf = async (when: string) => {
    const res = await get(`/audit/tasks/${walked}/as-of?at=${encodeURIComponent(when)}`, f.auditor);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('returns the states the walked task had at each date, from its history', async () => {
    expect(await asOf('2026-03-02T01:00:00Z')).toMatchObject({ existed: false, state: null, light: null, eventsApplied: 0 });
    expect(await asOf('2026-03-02T02:00:00Z')).toMatchObject({ existed: true, state: 'assigned', light: 'green', currentNodeSeq: 1, lastEvent: { seq: 1 } });
    expect(await asOf('2026-03-10')).toMatchObject({
      state: 'open',
      light: 'green',
      currentNodeSeq: 1,
      redCount: 0,
      lastEvent: { seq: 2, type: 'task.acknowledge' },
    });
    expect(await asOf('2026-03-25')).toMatchObject({ state: 'open', light: 'green', currentNodeSeq: 2, nextDeadlineAt: N2_WARN });
    expect(await asOf('2026-06-28')).toMatchObject({ state: 'open', light: 'yellow', recordedLight: 'yellow', currentNodeSeq: 2, nextDeadlineAt: N2_DUE });
    expect(await asOf('2026-07-02')).toMatchObject({ state: 'open', light: 'red', redCount: 1, nextDeadlineAt: null });
    expect(await asOf('2026-07-06')).toMatchObject({ state: 'completed', light: null, redCount: 1 });
    const end = await asOf('2026-12-31');
    expect(end).toMatchObject({ state: 'scored', eventsApplied: 9, lastEvent: { seq: 9, type: 'task.score' } });
    expect(end.nodes).toEqual([
      expect.objectContaining({ seq: 1, status: 'approved', redLighted: false, approvedAt: '2026-03-21T02:00:00.000Z' }),
      expect.objectContaining({ seq: 2, status: 'approved', redLighted: true, approvedAt: '2026-07-05T02:00:00.000Z' }),
    ]);
  });

  it('reads a date as the end of that day in the plan’s time zone', async () => {
    // 2026-03-20 ends at 15:59:59.999Z; the submission at 02:00Z that day is included.
    expect(await asOf('2026-03-20')).toMatchObject({ at: '2026-03-20T15:59:59.999Z', state: 'submitted' });
    expect(await asOf('2026-03-19')).toMatchObject({ state: 'open' });
  });

  it('shows the light the deadlines give at that moment even before a tick was recorded, beside the recorded light', async () => {
    // After the yellow time (06-24T16:00Z) but before the tick recorded on 06-26.
    expect(await asOf('2026-06-25T12:00:00+08:00')).toMatchObject({ state: 'open', light: 'yellow', recordedLight: 'green' });
  });

  it('refuses a missing or impossible moment with 400 naming the field, and hides other units’ tasks', async () => {
    for (const q of ['', '?at=2026-02-30', '?at=tomorrow', '?at=2026-06-30T10:00:00']) {
      const res = await get(`/audit/tasks/${walked}/as-of${q}`, f.auditor);
      expect(res.status).toBe(400);
      expect(res.body.details.fields.map((x: { field: string }) => x.field)).toContain('at');
    }
    expect((await get(`/audit/tasks/${other}/as-of?at=2026-05-01`, f.dept)).status).toBe(404);
  });
});

describe('the plan’s board as of a date (GET /audit/plans/{id}/board)', () => {
  it('counts tasks by unit and light at each date, from the histories', async () => {
    const board = async (d: string, who = f.auditor) => {
      const res = await get(`/audit/plans/${f.planId}/board?asOf=${d}`, who);
      expect(res.status).toBe(200);
      return res.body;
    };
    const before = await board('2026-03-01');
    expect(before).toMatchObject({ tasks: 0, units: [] });
    const march = await board('2026-03-10');
    expect(march.tasks).toBe(2);
    expect(march.units).toEqual([
      expect.objectContaining({ unitId: 'u-czj', green: 1, total: 1 }),
      expect.objectContaining({ unitId: 'u-fgw', unitName: '县发展和改革局', green: 1, total: 1 }),
    ]);
    const july = await board('2026-07-02');
    // 县财政局's node was due 2026-04-30 and never approved: red by then, even without a recorded tick.
    expect(july.units).toEqual([
      expect.objectContaining({ unitId: 'u-czj', red: 1, redLights: 1 }),
      expect.objectContaining({ unitId: 'u-fgw', red: 1, redLights: 1 }),
    ]);
    expect(july.totals).toMatchObject({ red: 2, total: 2, redLights: 2 });
    const end = await board('2026-12-31');
    expect(end.totals).toMatchObject({ scored: 1, red: 1, total: 2 });
    const mine = await board('2026-12-31', f.dept);
    expect(mine.units.map((u: { unitId: string }) => u.unitId)).toEqual(['u-fgw']);
  });

  it('refuses a bad date with 400 naming asOf, and an unknown plan with 404', async () => {
    const bad = await get(`/audit/plans/${f.planId}/board?asOf=30/06/2026`, f.auditor);
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields[0].field).toBe('asOf');
    expect((await get('/audit/plans/nope/board?asOf=2026-06-30', f.auditor)).status).toBe(404);
  });
});

describe('audit endpoints refuse bad input and write nothing', () => {
  it('answers unknown fields, bad formats and bad roots with 400 naming the field, and other roles with 403', async () => {
    const before = await databaseFingerprint(t.db);
    const cp = await t.http().post('/audit/checkpoints').set('authorization', f.auditor).send({ force: true });
    expect(cp.status).toBe(400);
    expect(cp.body.details.fields).toEqual([{ field: 'body.force', reason: 'unknown field' }]);
    const fmt = await get(`/audit/tasks/${walked}/export?format=xml`, f.auditor);
    expect(fmt.status).toBe(400);
    expect(fmt.body.details.fields[0].field).toBe('format');
    const root = await get('/audit/verify?root=abc', f.auditor);
    expect(root.status).toBe(400);
    expect(root.body.details.fields[0].field).toBe('root');
    expect((await get('/audit/verify?replay=yes', f.auditor)).body.details.fields[0].field).toBe('replay');
    const plan = await get('/audit/verify?planId=nope', f.auditor);
    expect(plan.status).toBe(400);
    expect(plan.body.details.fields[0]).toEqual({ field: 'planId', reason: 'plan nope does not exist and no checkpoint ever sealed it' });
    expect((await get('/audit/verify', f.dept)).status).toBe(403);
    expect((await t.http().post('/audit/checkpoints').set('authorization', f.assessor).send({})).status).toBe(403);
    expect((await get(`/audit/plans/${f.planId}/export`, f.dept)).status).toBe(403);
    expect(await databaseFingerprint(t.db)).toBe(before);
    expect(await t.db.one('SELECT count(*) AS n FROM audit_checkpoints')).toEqual({ n: 0 });
  });
});

describe('the daily checkpoint', () => {
  it('seals once a day (Beijing time) when something changed, and not again the same day', async () => {
    const scheduler = t.app.get(CheckpointScheduler);
    const count = async () => ((await t.db.one('SELECT count(*) AS n FROM audit_checkpoints')) as { n: number }).n;
    at('2026-07-20T15:00:00.000Z'); // 23:00 in Beijing
    expect(await scheduler.runIfDue()).toBe(true);
    expect(await count()).toBe(1);
    expect((await send(other, f.otherDept, 'task.acknowledge', 1)).status).toBe(200);
    at('2026-07-20T15:30:00.000Z'); // still the 20th in Beijing
    expect(await scheduler.runIfDue()).toBe(false);
    at('2026-07-20T16:30:00.000Z'); // the 21st in Beijing: due, and the acknowledgement is new
    expect(await scheduler.runIfDue()).toBe(true);
    at('2026-07-22T16:30:00.000Z'); // due, but nothing changed: no new seal
    expect(await scheduler.runIfDue()).toBe(false);
    expect(await t.db.all('SELECT seq, day, created_by FROM audit_checkpoints ORDER BY seq')).toEqual([
      { seq: 1, day: '2026-07-20', created_by: 'system' },
      { seq: 2, day: '2026-07-21', created_by: 'system' },
    ]);
  });
});

describe('API docs', () => {
  it('lists the audit endpoints in /docs-json', async () => {
    const res = await t.http().get('/docs-json');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/audit/tasks/{id}/replay',
        '/audit/tasks/{id}/as-of',
        '/audit/plans/{id}/board',
        '/audit/verify',
        '/audit/checkpoints',
        '/audit/tasks/{id}/export',
        '/audit/plans/{id}/export',
      ]),
    );
  });
});
