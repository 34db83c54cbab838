import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, TEST_DB, type TestApp } from './support/test-app.js';

/**
 * Two instances of the service on one PostgreSQL database (two Nest apps, each with its own pool), writers
 * racing on one task through both: per version exactly one wins, every other gets 409, and the log has no
 * duplicate or missing event (the version check in the UPDATE and the unique (task_id, seq) index decide,
 * across instances — there is no in-process lock on PostgreSQL). SQLite has one process by design.
 */
const describePg = TEST_DB === 'postgres' ? describe : describe.skip;

let a: TestApp;
let b: TestApp;
let f: PlanFixture;

beforeAll(async () => {
  if (TEST_DB !== 'postgres') return;
  a = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(a);
  b = await startTestApp({ now: '2026-03-02T02:00:00.000Z', dataDir: a.dataDir, keepData: true }); // the same database
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const send = (app: TestApp, taskId: string, auth: string, type: string, expectedVersion: number, payload?: object) =>
  app.http().post(`/tasks/${taskId}/events`).set('authorization', auth).send({ type, expectedVersion, payload });

describePg('two instances on one PostgreSQL database', () => {
  it('serve the same data: a task created through one is read, with the same version, through the other', async () => {
    const task = await createTask(a, f, [{ seq: 1, dueDate: '2026-06-30' }]);
    const seen = await b.http().get(`/tasks/${task.id}`).set('authorization', f.supervisor);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id: task.id, version: 1, state: 'assigned' });
  });

  it('let exactly one of the concurrent writers at one version win, through either instance; the others get 409 and nothing is duplicated', async () => {
    const task = await createTask(a, f, [{ seq: 1, dueDate: '2026-06-30' }]);
    const WRITERS = 8;
    // Each round: every writer sends the next legal event at the task's current version, half through each instance.
    const rounds: { type: string; auth: string; payload?: object }[] = [{ type: 'task.acknowledge', auth: f.dept }];
    for (let i = 0; i < 6; i++) {
      rounds.push({ type: 'evidence.submit', auth: f.dept, payload: { completedValue: i, note: `第${i + 1}次报送` } });
      rounds.push({ type: 'evidence.return', auth: f.assessor, payload: { reason: `第${i + 1}次退回` } });
    }
    let version = 1;
    for (const [k, round] of rounds.entries()) {
      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, w) => send(w % 2 ? b : a, task.id, round.auth, round.type, version, round.payload)),
      );
      const statuses = results.map((r) => r.status).sort();
      expect({ round: k, type: round.type, statuses }).toEqual({ round: k, type: round.type, statuses: [200, ...Array(WRITERS - 1).fill(409)] });
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('VERSION_CONFLICT');
      version++;
    }
    const seqs = await a.db.column<number>('SELECT seq FROM task_events WHERE task_id = ? ORDER BY seq', task.id);
    expect(seqs).toEqual(Array.from({ length: rounds.length + 1 }, (_, i) => i + 1));
    expect(await b.db.value('SELECT version FROM tasks WHERE id = ?', task.id)).toBe(rounds.length + 1);
    expect(await a.db.value('SELECT count(*) FROM outbox WHERE task_id = ? AND event_seq > 1', task.id)).toBeGreaterThan(0);
    expect(await a.db.all('SELECT task_id, seq FROM task_events GROUP BY task_id, seq HAVING count(*) > 1')).toEqual([]);
    const verify = await b.http().get(`/audit/verify?replay=true`).set('authorization', f.auditor);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, breaks: [] });
  });
});
