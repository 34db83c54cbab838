import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../src/common/actor.js';
import { TaskCommandService } from '../src/tasks/task-commands.service.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { databaseFingerprint, startTestApp, type TestApp } from './support/test-app.js';

/**
 * A command is one transaction (issue 12 item 7: removing the transaction went unnoticed): a failure injected
 * after the event insert — by a temporary trigger on the next write — leaves tasks, task_events, nodes and
 * outbox exactly as they were; and a command that changes nothing writes nothing.
 */
let t: TestApp;
let f: PlanFixture;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
});
afterAll(async () => t?.close());

const send = (taskId: string, auth: string, type: string, expectedVersion: number, payload?: object) =>
  t.http().post(`/tasks/${taskId}/events`).set('authorization', auth).send({ type, expectedVersion, payload });
const outboxRows = async () => JSON.stringify(await t.db.all('SELECT id, type, body FROM outbox ORDER BY id'));

/**
 * Run `fn` with a trigger that aborts every `op` (INSERT, UPDATE) on `table` (rows matching `when`, if given),
 * then drop it: a failure in the middle of the command's transaction, on either database.
 */
async function withFailure<T>(op: 'INSERT' | 'UPDATE', table: string, fn: () => Promise<T>, when?: string): Promise<T> {
  if (t.db.dialect === 'sqlite') {
    await t.db.exec(
      `CREATE TRIGGER injected_failure BEFORE ${op} ON ${table} ${when ? `WHEN ${when}` : ''} BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
    );
  } else {
    await t.db.exec(`CREATE OR REPLACE FUNCTION injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
    await t.db.exec(
      `CREATE TRIGGER injected_failure BEFORE ${op} ON ${table} FOR EACH ROW ${when ? `WHEN (${when})` : ''} EXECUTE FUNCTION injected_failure()`,
    );
  }
  try {
    return await fn();
  } finally {
    await t.db.exec(t.db.dialect === 'sqlite' ? 'DROP TRIGGER IF EXISTS injected_failure' : `DROP TRIGGER IF EXISTS injected_failure ON ${table}`);
  }
}

describe('a failure inside a command’s transaction', () => {
  it.each([
    ['the outbox insert (the last write)', 'outbox', 'task.acknowledge'],
    ['the event insert (after the task row was updated)', 'task_events', 'task.acknowledge'],
  ])('at %s leaves tasks, events, nodes and outbox unchanged, and the same command then succeeds', async (_what, table, type) => {
    const task = await createTask(t, f, [
      { seq: 1, dueDate: '2026-06-30' },
      { seq: 2, dueDate: '2026-09-30' },
    ]);
    const before = await databaseFingerprint(t.db);
    const outbox = await outboxRows();
    const res = await withFailure('INSERT', table, () => send(task.id, f.dept, type, 1));
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('INTERNAL');
    expect(await databaseFingerprint(t.db)).toBe(before);
    expect(await outboxRows()).toBe(outbox);
    // The version did not move: the same expectedVersion is accepted once the failure is gone.
    const again = await send(task.id, f.dept, type, 1);
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(2);
    expect(await databaseFingerprint(t.db)).not.toBe(before);
  });

  it('at the node projection (after the event and the task row) leaves everything unchanged too', async () => {
    const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }]);
    expect((await send(task.id, f.dept, 'task.acknowledge', 1)).status).toBe(200);
    const before = await databaseFingerprint(t.db);
    const outbox = await outboxRows();
    const res = await withFailure('UPDATE', 'nodes', () => send(task.id, f.dept, 'evidence.submit', 2, { completedValue: 5, note: '已完成' }));
    expect(res.status).toBe(500);
    expect(await databaseFingerprint(t.db)).toBe(before);
    expect(await outboxRows()).toBe(outbox);
    expect((await send(task.id, f.dept, 'evidence.submit', 2, { completedValue: 5, note: '已完成' })).status).toBe(200);
  });

  it('in a batch (the sweeper’s applyMany), rolls back only the failing task', async () => {
    const a = await createTask(t, f, [{ seq: 1, dueDate: '2026-03-03' }]);
    const b = await createTask(t, f, [{ seq: 1, dueDate: '2026-03-03' }]);
    const commands = t.app.get(TaskCommandService);
    const row = (id: string) => t.db.one('SELECT version, light, last_seq FROM tasks WHERE id = ?', id);
    const bBefore = await row(b.id);
    const at = '2026-03-04T01:00:00.000Z';
    const results = await withFailure(
      'INSERT',
      'task_events',
      () =>
        commands.applyMany(
          [
            { taskId: a.id, event: { type: 'clock.tick', at } },
            { taskId: b.id, event: { type: 'clock.tick', at } },
          ],
          SYSTEM_ACTOR,
        ),
      `NEW.task_id = '${b.id}'`,
    );
    expect(results[0]).toMatchObject({ taskId: a.id, changed: true });
    expect(results[1]).toMatchObject({ taskId: b.id, error: expect.objectContaining({ message: expect.stringMatching(/injected failure/) }) });
    expect(await row(a.id)).toMatchObject({ version: 2, light: 'red' });
    expect(await row(b.id)).toEqual(bBefore);
  });
});

describe('a command that changes nothing', () => {
  it('leaves the version, the events and the outbox as they were (a clock tick with nothing due)', async () => {
    const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }]);
    const before = await databaseFingerprint(t.db);
    const outbox = await outboxRows();
    const r = await t.app.get(TaskCommandService).apply(task.id, { type: 'clock.tick', at: '2026-03-02T03:00:00.000Z' }, SYSTEM_ACTOR);
    expect(r).toMatchObject({ changed: false, version: 1, seq: 1 });
    expect(await databaseFingerprint(t.db)).toBe(before);
    expect(await outboxRows()).toBe(outbox);
  });

  it('a sweep with nothing due writes nothing', async () => {
    await createTask(t, f, [{ seq: 1, dueDate: '2026-12-30' }]);
    // Everything created above that could turn red by now has been swept by the earlier test's batch or is due later.
    await t.http().post('/deadlines/sweep').set('authorization', f.supervisor).send({});
    const before = await databaseFingerprint(t.db);
    const outbox = await outboxRows();
    const res = await t.http().post('/deadlines/sweep').set('authorization', f.supervisor).send({});
    expect(res.status).toBeLessThan(300);
    expect(await databaseFingerprint(t.db)).toBe(before);
    expect(await outboxRows()).toBe(outbox);
  });
});
