import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../src/cli.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, TEST_DB, type TestApp } from './support/test-app.js';

// SQLite only: the attacker edits the database file through a second SQLite connection (triggers dropped,
// rows rewritten, the file copied); the same checks on PostgreSQL would need the attacker's own server login.
const describeTamper = TEST_DB === 'sqlite' ? describe : describe.skip;

/**
 * Tamper tests: an attacker with write access to the database file drops the append-only triggers and
 * edits rows directly (a separate connection, as an outside tool would), or swaps a file on disk.
 * Every edit must be caught by verify, naming the task and sequence number (or the file).
 */

let t: TestApp;
let f: PlanFixture;
const tasks: Record<string, string> = {};
const files: Record<string, { id: string; sha256: string }> = {};
let firstRoot: string;

const send = (taskId: string, auth: string, type: string, expectedVersion: number, payload?: object) =>
  t.http().post(`/tasks/${taskId}/events`).set('authorization', auth).send({ type, expectedVersion, payload });
const verify = async (q = '') => {
  const res = await t.http().get(`/audit/verify${q}`).set('authorization', f.auditor);
  expect(res.status).toBe(200);
  return res.body as { ok: boolean; breaks: Brk[]; counts: Record<string, number>; root: { hash: string } | null };
};
interface Brk {
  kind: string;
  taskId?: string;
  planId?: string;
  seq?: number;
  fileId?: string;
  checkpointSeq?: number;
  message: string;
}
// The chain and checkpoint breaks of one task; what the transparency log sees of the same edits is in
// test/transparency-log.e2e-spec.ts (its kinds start with log- / not-in-log).
const isLogKind = (b: Brk) => b.kind.startsWith('log-') || b.kind === 'not-in-log';
const breaksOf = (r: { breaks: Brk[] }, taskId: string) => r.breaks.filter((b) => b.taskId === taskId && !isLogKind(b));

/** A task with ack, a submission citing its own evidence file, a return, a resubmission and an approval: 6 events. */
async function walkedTask(name: string): Promise<void> {
  const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }]);
  tasks[name] = task.id;
  await send(task.id, f.dept, 'task.acknowledge', 1);
  const content = Buffer.from(`%PDF-1.4 ${name} 的证明材料`);
  const up = await t.http().post(`/tasks/${task.id}/evidence`).set('authorization', f.dept).attach('file', content, `${name}.pdf`);
  expect(up.status).toBe(201);
  files[name] = { id: up.body.id, sha256: up.body.sha256 };
  expect((await send(task.id, f.dept, 'evidence.submit', 2, { fileIds: [up.body.id], completedValue: 5, note: name })).status).toBe(200);
  expect((await send(task.id, f.assessor, 'evidence.return', 3, { reason: '补充材料' })).status).toBe(200);
  expect((await send(task.id, f.dept, 'evidence.submit', 4, { fileIds: [up.body.id], completedValue: 6 })).status).toBe(200);
  expect((await send(task.id, f.assessor, 'evidence.approve', 5, { reviewedValue: 6 })).status).toBe(200);
}

/** The attacker's own connection, append-only triggers dropped. */
function attacker(): Database.Database {
  const db = new Database(join(t.dataDir, 'test.db'));
  db.pragma('foreign_keys = OFF');
  db.exec('DROP TRIGGER IF EXISTS task_events_no_update; DROP TRIGGER IF EXISTS task_events_no_delete;');
  return db;
}

const hashOf = (r: { prev_hash: string; task_id: string; seq: number; type: string; occurred_at: string; payload: string }) =>
  createHash('sha256').update(`${r.prev_hash}|${r.task_id}|${r.seq}|${r.type}|${r.occurred_at}|${r.payload}`, 'utf8').digest('hex');

beforeAll(async () => {
  if (TEST_DB !== 'sqlite') return;
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
  for (const name of ['payload', 'deleted', 'swapped', 'whole', 'file', 'truncated', 'rewritten', 'control']) await walkedTask(name);
}, 60_000);
afterAll(async () => t?.close());

describeTamper('before any tampering', () => {
  it('verify finds every chain, replay and file intact', async () => {
    const r = await verify('?replay=true');
    expect(r.breaks).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.counts).toMatchObject({ tasks: 8, events: 48, evidenceFiles: 8, replayed: 8, checkpoints: 0 });
    expect(r.root).toBeNull();
  });

  it('a checkpoint seals every task head and file, signed, and its hash is the root verify reports', async () => {
    const res = await t.http().post('/audit/checkpoints').set('authorization', f.auditor).send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      created: true,
      breaks: [],
      checkpoint: { seq: 1, taskCount: 8, eventCount: 48, evidenceCount: 8, prevHash: '0'.repeat(64) },
    });
    expect(res.body.checkpoint.plans).toEqual([expect.objectContaining({ planId: f.planId, taskCount: 8 })]);
    firstRoot = res.body.checkpoint.hash;
    const again = await t.http().post('/audit/checkpoints').set('authorization', f.supervisor).send({});
    expect(again.body).toMatchObject({ created: false, checkpoint: { seq: 1, hash: firstRoot } });
    const r = await verify(`?root=${firstRoot}`);
    expect(r).toMatchObject({ ok: true, root: { hash: firstRoot } });
    const list = await t.http().get('/audit/checkpoints').set('authorization', f.auditor);
    expect(list.body).toMatchObject({ total: 1, items: [{ seq: 1, hash: firstRoot }] });
  });
});

describeTamper('after direct edits to the database and the file store', () => {
  beforeAll(() => {
    const db = attacker();
    const ev = (task: string, seq: number) =>
      db.prepare('SELECT * FROM task_events WHERE task_id = ? AND seq = ?').get(tasks[task], seq) as {
        prev_hash: string;
        task_id: string;
        seq: number;
        type: string;
        occurred_at: string;
        payload: string;
        hash: string;
      };
    // 1. change a payload: the submitted value 5 becomes 50
    db.prepare(`UPDATE task_events SET payload = replace(payload, '"completedValue":5,', '"completedValue":50,') WHERE task_id = ? AND seq = 3`).run(
      tasks.payload,
    );
    // 2. delete an event from the middle
    db.prepare('DELETE FROM task_events WHERE task_id = ? AND seq = 4').run(tasks.deleted);
    // 3. swap two events
    db.prepare('UPDATE task_events SET seq = -1 WHERE task_id = ? AND seq = 4').run(tasks.swapped);
    db.prepare('UPDATE task_events SET seq = 4 WHERE task_id = ? AND seq = 5').run(tasks.swapped);
    db.prepare('UPDATE task_events SET seq = 5 WHERE task_id = ? AND seq = -1').run(tasks.swapped);
    // 4. delete a whole task, with everything that points at it
    for (const table of ['task_events', 'outbox', 'evidence_files', 'nodes']) db.prepare(`DELETE FROM ${table} WHERE task_id = ?`).run(tasks.whole);
    db.prepare('DELETE FROM tasks WHERE id = ?').run(tasks.whole);
    // 5. truncate a history and fix the task row so the chain itself looks whole
    db.prepare('DELETE FROM task_events WHERE task_id = ? AND seq = 6').run(tasks.truncated);
    const t5 = ev('truncated', 5);
    db.prepare('UPDATE tasks SET last_seq = 5, last_hash = ?, version = 5 WHERE id = ?').run(t5.hash, tasks.truncated);
    // 6. rewrite a history consistently: change event 3, recompute every hash after it and the task row
    db.prepare(`UPDATE task_events SET payload = replace(payload, '"completedValue":5,', '"completedValue":9,') WHERE task_id = ? AND seq = 3`).run(
      tasks.rewritten,
    );
    let prev = ev('rewritten', 2).hash;
    for (let seq = 3; seq <= 6; seq++) {
      const row = { ...ev('rewritten', seq), prev_hash: prev };
      const h = hashOf(row);
      db.prepare('UPDATE task_events SET prev_hash = ?, hash = ? WHERE task_id = ? AND seq = ?').run(prev, h, tasks.rewritten, seq);
      prev = h;
    }
    db.prepare('UPDATE tasks SET last_hash = ? WHERE id = ?').run(prev, tasks.rewritten);
    db.close();
    // 7. replace an evidence file's bytes on disk
    const sha = files.file.sha256;
    writeFileSync(join(t.dataDir, 'evidence', sha.slice(0, 2), sha.slice(2, 4), sha), '%PDF-1.4 换过的材料');
  });

  let report: Awaited<ReturnType<typeof verify>>;
  beforeAll(async () => {
    report = await verify();
  });

  it('catches a changed payload at its event', () => {
    expect(breaksOf(report, tasks.payload)).toEqual([expect.objectContaining({ kind: 'hash-mismatch', seq: 3, planId: f.planId })]);
  });

  it('catches a deleted event: the gap and the broken link after it', () => {
    expect(breaksOf(report, tasks.deleted)).toEqual([
      expect.objectContaining({ kind: 'seq-gap', seq: 4, message: expect.stringContaining('event #4 is missing') }),
      expect.objectContaining({ kind: 'chain-break', seq: 5 }),
    ]);
  });

  it('catches two swapped events at both places, and the link after them', () => {
    expect(breaksOf(report, tasks.swapped).map((x) => [x.kind, x.seq])).toEqual([
      ['chain-break', 4],
      ['hash-mismatch', 4],
      ['chain-break', 5],
      ['hash-mismatch', 5],
      ['chain-break', 6],
    ]);
  });

  it('catches a deleted whole task through the checkpoint, naming it and its evidence', () => {
    const b = breaksOf(report, tasks.whole);
    expect(b).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'task-missing', planId: f.planId, seq: 6, checkpointSeq: 1 }),
        expect.objectContaining({ kind: 'evidence-row', fileId: files.whole.id, checkpointSeq: 1 }),
      ]),
    );
  });

  it('catches a truncated history whose chain and task row were made to look whole', () => {
    expect(breaksOf(report, tasks.truncated)).toEqual([expect.objectContaining({ kind: 'truncated', seq: 6, checkpointSeq: 1, expected: 6, actual: 5 })]);
  });

  it('catches a consistently rewritten history at the head the checkpoint sealed', () => {
    expect(breaksOf(report, tasks.rewritten)).toEqual([expect.objectContaining({ kind: 'checkpoint-mismatch', seq: 6, checkpointSeq: 1 })]);
  });

  it('catches a replaced evidence file, naming the file, its task and the path', () => {
    expect(breaksOf(report, tasks.file)).toEqual([
      expect.objectContaining({
        kind: 'evidence-replaced',
        fileId: files.file.id,
        expected: files.file.sha256,
        message: expect.stringContaining(files.file.sha256.slice(0, 2)),
      }),
    ]);
  });

  it('reports nothing against the untouched task, and nothing else', () => {
    expect(breaksOf(report, tasks.control)).toEqual([]);
    const named = new Set(Object.values(tasks));
    expect(report.breaks.filter((b) => !named.has(b.taskId ?? '') && !isLogKind(b))).toEqual([]);
    expect(report.ok).toBe(false);
  });

  it('replay of the task with the changed payload ends on another snapshot than the stored one', async () => {
    const res = await t.http().get(`/audit/tasks/${tasks.payload}/replay`).set('authorization', f.auditor);
    expect(res.body.ok).toBe(false);
    expect(res.body.divergence).toMatchObject({ kind: 'snapshot', seq: null });
    expect(res.body.divergence.differences).toContain('$.context.nodes[0].submissions[0].completedValue');
    expect(res.body.chain.breaks).toEqual([expect.objectContaining({ kind: 'hash-mismatch', seq: 3 })]);
  });

  it('a new checkpoint keeps the last good heads of broken tasks and reports them, so the breaks stay visible', async () => {
    const res = await t.http().post('/audit/checkpoints').set('authorization', f.auditor).send({});
    expect(res.status).toBe(200);
    const kinds = res.body.breaks.map((b: Brk) => `${b.kind}:${b.taskId}`);
    expect(kinds).toEqual(expect.arrayContaining([`task-missing:${tasks.whole}`, `truncated:${tasks.truncated}`, `checkpoint-mismatch:${tasks.rewritten}`]));
    expect(res.body.created).toBe(false); // nothing good changed: no new seal
    const r = await verify();
    expect(breaksOf(r, tasks.truncated).map((b) => b.kind)).toEqual(['truncated']);
  });

  it('the CLI verify prints each break with its place and exits 1', async () => {
    const env = { ...process.env };
    Object.assign(process.env, t.env);
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const err = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    try {
      const code = await main(['node', 'cli', 'verify', '--no-replay', '--print-root']);
      expect(code).toBe(1);
    } finally {
      log.mockRestore();
      err.mockRestore();
      process.env = env;
    }
    const text = out.join('\n');
    expect(text).toContain(`BREAK task-missing`);
    expect(text).toContain(`task ${tasks.whole} · plan ${f.planId} · seq 6 · checkpoint #1`);
    expect(text).toContain(`task ${tasks.payload} · plan ${f.planId} · seq 3: event #3 (evidence.submit): the stored hash does not match`);
    expect(text).toContain(`file ${files.file.id}`);
    expect(text).toContain(`Root: ${firstRoot}`);
    expect(text).toMatch(/\d+ break\(s\) found/);
  });
});

describeTamper('the checkpoint chain itself', () => {
  it('catches a rewritten checkpoint, and a removed one through the root published earlier', () => {
    const db = new Database(join(t.dataDir, 'test.db'));
    db.exec(
      'DROP TRIGGER audit_checkpoint_plans_no_update; DROP TRIGGER audit_checkpoints_no_delete; DROP TRIGGER audit_checkpoint_plans_no_delete; DROP TRIGGER audit_checkpoint_heads_no_delete; DROP TRIGGER audit_checkpoint_evidence_no_delete',
    );
    db.prepare(`UPDATE audit_checkpoint_plans SET root = ? WHERE checkpoint_seq = 1`).run('f'.repeat(64));
    db.close();
    return verify().then(async (r) => {
      expect(r.breaks).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'checkpoint-chain',
            checkpointSeq: 1,
            message: expect.stringContaining(`the root of plan ${f.planId} does not match`),
          }),
          expect.objectContaining({ kind: 'checkpoint-chain', checkpointSeq: 1, message: expect.stringContaining('stored hash does not match') }),
        ]),
      );
      const db2 = new Database(join(t.dataDir, 'test.db'));
      for (const table of ['audit_checkpoint_plans', 'audit_checkpoint_heads', 'audit_checkpoint_evidence'])
        db2.prepare(`DELETE FROM ${table} WHERE checkpoint_seq = 1`).run();
      db2.prepare('DELETE FROM audit_checkpoints WHERE seq = 1').run();
      db2.close();
      const gone = await verify(`?root=${firstRoot}`);
      expect(gone.breaks).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'root-unknown', expected: firstRoot })]));
    });
  });
});
