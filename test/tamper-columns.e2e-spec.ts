import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { onSqliteOnly, startTestApp, type TestApp } from './support/test-app.js';

/**
 * One tamper per query column of `tasks` (issue 12 item 7: editing tasks.red_count passed replay): on a copy
 * of a real database (the file copied, then edited by another connection, as an outside tool would), each
 * edit must be reported by verify with replay, naming the task.
 */
let t: TestApp;
let f: PlanFixture;
let taskId = '';

const send = (id: string, auth: string, type: string, expectedVersion: number, payload?: object) =>
  t.http().post(`/tasks/${id}/events`).set('authorization', auth).send({ type, expectedVersion, payload });

beforeAll(async () => {
  if (!onSqliteOnly) return;
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z', keepData: true });
  f = await seedPlan(t);
  // Two nodes; the first goes red, the task is submitted (a review window), so every column has a value.
  const task = await createTask(t, f, [
    { seq: 1, dueDate: '2026-03-10' },
    { seq: 2, dueDate: '2026-06-30' },
  ]);
  taskId = task.id;
  expect((await send(taskId, f.dept, 'task.acknowledge', 1)).status).toBe(200);
  t.clock.set('2026-03-11T02:00:00.000Z');
  await t.http().post('/deadlines/sweep').set('authorization', f.supervisor).send({});
  const v = Number(await t.db.value('SELECT version FROM tasks WHERE id = ?', taskId));
  expect((await send(taskId, f.dept, 'evidence.submit', v, { completedValue: 5, note: '已完成' })).status).toBe(200);
  const row = (await t.db.one<Record<string, unknown>>('SELECT * FROM tasks WHERE id = ?', taskId))!;
  expect(row).toMatchObject({ state: 'submitted', red_count: 1 });
  expect(row['review_due_at']).not.toBeNull();
  expect(row['scoring_facts']).not.toBeNull();
}, 60_000);
afterAll(async () => t?.close());

/** Copy the database, edit the copy, verify the copy (a second app on it); returns the breaks for the task. */
async function verifyTampered(sql: string): Promise<{ kind: string; message: string }[]> {
  const copyDir = join(t.dataDir, `copy-${Math.random().toString(36).slice(2)}`);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(copyDir);
  t.db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  copyFileSync(join(t.dataDir, 'test.db'), join(copyDir, 'test.db'));
  const db = new Database(join(copyDir, 'test.db'));
  expect(db.prepare(sql).run(taskId).changes).toBe(1);
  db.close();
  const copy = await startTestApp({ dataDir: copyDir, now: '2026-03-11T03:00:00.000Z' });
  try {
    const auditor = await copy.createUser('aud-copy', 'auditor');
    const res = await copy.http().get('/audit/verify?replay=true').set('authorization', auditor);
    expect(res.status).toBe(200);
    return (res.body.breaks as { kind: string; taskId?: string; message: string }[]).filter((b) => b.taskId === taskId);
  } finally {
    await copy.close();
  }
}

// A copy of the database file: SQLite (the same verify code runs on PostgreSQL; the edit is the same SQL).
(onSqliteOnly ? describe : describe.skip)('a tampered query column of tasks is reported by verify with replay', () => {
  it('the untouched copy verifies clean', async () => {
    expect(await verifyTampered('UPDATE tasks SET updated_at = updated_at WHERE id = ?')).toEqual([]);
  });

  it.each([
    ['state', "UPDATE tasks SET state = 'open' WHERE id = ?"],
    ['light', "UPDATE tasks SET light = 'green' WHERE id = ?"],
    ['current_node_seq', 'UPDATE tasks SET current_node_seq = 2 WHERE id = ?'],
    ['next_deadline_at', "UPDATE tasks SET next_deadline_at = '2026-12-31T15:59:59.999Z' WHERE id = ?"],
    ['red_count', 'UPDATE tasks SET red_count = 0 WHERE id = ?'],
    ['review_due_at', "UPDATE tasks SET review_due_at = '2027-01-01T00:00:00.000Z' WHERE id = ?"],
    ['scoring_facts', "UPDATE tasks SET scoring_facts = '[99,null,null]' WHERE id = ?"],
    ['version', 'UPDATE tasks SET version = version + 1 WHERE id = ?'],
    ['last_seq', 'UPDATE tasks SET last_seq = last_seq - 1 WHERE id = ?'],
    ['last_hash', "UPDATE tasks SET last_hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE id = ?"],
    ['snapshot', 'UPDATE tasks SET snapshot = replace(snapshot, \'"redCount":1\', \'"redCount":0\') WHERE id = ?'],
  ])(
    '%s',
    async (_column, sql) => {
      const breaks = await verifyTampered(sql);
      expect(breaks.length).toBeGreaterThan(0);
    },
    60_000,
  );
});
