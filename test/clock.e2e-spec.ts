/**
 * One clock (issue 10): every event is stamped by the server's clock; with DUBAN_CLOCK=manual (the drill
 * clock, 演练时钟) an admin moves it forward only, and lights, lateness and days overdue follow it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPlan, createTask, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('the drill clock (DUBAN_CLOCK=manual)', () => {
  let t: TestApp;
  let f: PlanFixture;
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-01T02:00:00.000Z', env: { DUBAN_CLOCK: 'manual' } });
    f = await seedPlan(t);
  });
  afterAll(async () => t.close());

  it('GET /clock shows the simulated time; only an admin moves it, forward only; lights and days overdue follow it', async () => {
    const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-03-10' }]);
    const shown = await t.http().get('/clock').set('authorization', f.dept);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ mode: 'manual', now: '2026-03-01T02:00:00.000Z' });

    expect((await t.http().post('/clock').set('authorization', f.supervisor).send({ at: '2026-03-12T00:00:00Z' })).status).toBe(403);
    const back = await t.http().post('/clock').set('authorization', f.admin).send({ at: '2026-02-01T00:00:00Z' });
    expect(back.status).toBe(400);
    expect(JSON.stringify(back.body)).toContain('"field":"at"');
    expect((await t.http().get('/clock').set('authorization', f.admin)).body.now).toBe('2026-03-01T02:00:00.000Z');

    // a sweep ahead of the drill clock is refused too
    expect((await t.http().post('/deadlines/sweep').set('authorization', f.admin).send({ at: '2026-03-12T00:00:00Z' })).status).toBe(400);

    const moved = await t.http().post('/clock').set('authorization', f.admin).send({ at: '2026-03-12T00:00:00Z' });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ mode: 'manual', now: '2026-03-12T00:00:00.000Z' });
    const swept = await t.http().post('/deadlines/sweep').set('authorization', f.supervisor).send({});
    expect(swept.status).toBe(200);
    expect(swept.body.at).toBe('2026-03-12T00:00:00.000Z');
    const detail = await t.http().get(`/tasks/${task.id}`).set('authorization', f.supervisor);
    expect(detail.body.light).toBe('red');
    const red = await t.http().get(`/board/nodes?planId=${f.planId}&light=red`).set('authorization', f.supervisor);
    expect(red.status).toBe(200);
    expect(JSON.stringify(red.body)).toContain(task.id);
    // every event written so far is dated at or before the drill clock
    const latest = (await t.db.one(
      'SELECT max(x) AS at FROM (SELECT max(occurred_at) AS x FROM task_events UNION ALL SELECT max(recorded_at) FROM task_events) m',
    )) as { at: string };
    expect(latest.at <= '2026-03-12T00:00:00.000Z').toBe(true);
  });
});

describe('the system clock (default)', () => {
  let t: TestApp;
  let f: PlanFixture;
  beforeAll(async () => {
    t = await startTestApp();
    f = await seedPlan(t);
  });
  afterAll(async () => t.close());

  it('GET /clock says system; POST /clock is refused and changes nothing', async () => {
    const before = (await t.http().get('/clock').set('authorization', f.admin)).body;
    expect(before.mode).toBe('system');
    const r = await t.http().post('/clock').set('authorization', f.admin).send({ at: '2027-01-01T00:00:00Z' });
    expect(r.status).toBe(409);
    expect(r.body.message).toContain('演练时钟');
    expect((await t.http().get('/clock').set('authorization', f.admin)).body.now).toBe(before.now);
  });
});
