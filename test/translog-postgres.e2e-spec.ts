import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TranslogService } from '../src/translog/translog.service.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, TEST_DB, type TestApp } from './support/test-app.js';

/**
 * The transparency log with two instances on one PostgreSQL database sequencing at once (and writing
 * meanwhile): every event gets exactly one leaf and the log indexes run 0, 1, 2 … without a gap or a
 * duplicate — the sequencer's transaction-level advisory lock makes one round wait for the other.
 */
const describePg = TEST_DB === 'postgres' ? describe : describe.skip;

let a: TestApp;
let b: TestApp;
let f: PlanFixture;

beforeAll(async () => {
  if (TEST_DB !== 'postgres') return;
  a = await startTestApp({ now: '2026-05-06T02:00:00.000Z' });
  f = await seedPlan(a);
  b = await startTestApp({ now: '2026-05-06T02:00:00.000Z', dataDir: a.dataDir, keepData: true });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describePg('the transparency log with two instances on one PostgreSQL database', () => {
  it('gives every event one contiguous log index while both sequence and tasks are written', async () => {
    const la = a.app.get(TranslogService);
    const lb = b.app.get(TranslogService);
    const rounds: Promise<number>[] = [];
    for (let i = 0; i < 12; i++) {
      const task = await createTask(i % 2 ? b : a, f, [{ seq: 1, dueDate: '2026-06-30' }]);
      const res = await (i % 2 ? a : b)
        .http()
        .post(`/tasks/${task.id}/events`)
        .set('authorization', f.dept)
        .send({ type: 'task.acknowledge', expectedVersion: 1 });
      expect(res.status).toBe(200);
      rounds.push(la.sequence(), lb.sequence());
    }
    await Promise.all(rounds);
    await Promise.all([la.sequence({ catchUp: true }), lb.sequence({ catchUp: true })]);
    const events = Number(await a.db.value('SELECT count(*) FROM task_events'));
    const leaves = await a.db.all<{ log_index: number; event_id: number }>('SELECT log_index, event_id FROM audit_log_leaves ORDER BY log_index');
    expect(leaves.map((l) => l.log_index)).toEqual(Array.from({ length: events }, (_, i) => i));
    expect(new Set(leaves.map((l) => l.event_id)).size).toBe(events);
    // Both instances sign heads of the same tree; verify finds it whole.
    const [ha, hb] = [await la.signHead(), await lb.signHead()];
    expect(ha.rootHash).toBe(hb.rootHash);
    const res = await b.http().get('/audit/verify').set('authorization', f.auditor);
    expect(res.body.breaks).toEqual([]);
    expect(res.body.counts).toMatchObject({ logLeaves: events });
  });
});
