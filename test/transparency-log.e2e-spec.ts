import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventLeafHash } from '../src/translog/leaf.js';
import { leafHash, MemoryTree, verifyConsistency, verifyInclusion } from '../src/translog/merkle-tree.js';
import { runCli } from './support/cli.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { onSqliteOnly, startTestApp, type TestApp } from './support/test-app.js';

/**
 * The transparency log (issue 12 item 6): every event in one Merkle tree with signed tree heads; inclusion
 * and consistency proofs that docs/verify-log-proofs.sh checks with sha256sum, xxd and openssl alone (and
 * that fail when one byte changes); witnesses' countersignatures; and verify catching a task deleted whole,
 * a cut tail, history rewritten between two heads, an edited log node, an edited nodes-table row and an
 * edited recorded_at, each on a copy of a real database.
 */
let t: TestApp;
let f: PlanFixture;
const tasks: string[] = [];
let firstHead: { treeSize: number; rootHash: string; publicKey: string; signedText: string; signature: string };

const send = (taskId: string, auth: string, type: string, expectedVersion: number, payload?: object) =>
  t.http().post(`/tasks/${taskId}/events`).set('authorization', auth).send({ type, expectedVersion, payload });
const get = (path: string, auth = f.auditor) => t.http().get(path).set('authorization', auth);

/** A task acknowledged, submitted and returned: 4 events. */
async function walkedTask(): Promise<string> {
  const task = await createTask(t, f, [
    { seq: 1, dueDate: '2026-06-30' },
    { seq: 2, dueDate: '2026-12-31' },
  ]);
  expect((await send(task.id, f.dept, 'task.acknowledge', 1)).status).toBe(200);
  expect((await send(task.id, f.dept, 'evidence.submit', 2, { completedValue: 5, note: '已完成' })).status).toBe(200);
  expect((await send(task.id, f.assessor, 'evidence.return', 3, { reason: '补充材料' })).status).toBe(200);
  tasks.push(task.id);
  return task.id;
}

/** Run the README's shell recipe on an answer; returns its exit code and output. */
function recipe(mode: 'inclusion' | 'consistency', answer: object, key: string): { status: number | null; out: string } {
  const file = join(t.dataDir, `${mode}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(answer, null, 2));
  const r = spawnSync('bash', ['docs/verify-log-proofs.sh', key, mode, file], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** One hex digit of a hex string changed (one byte differs). */
const flipHex = (h: string, at = 0) => h.slice(0, at) + (h[at] === '0' ? '1' : '0') + h.slice(at + 1);
/** One byte of a base64 value changed. */
const flipB64 = (b: string) => {
  const buf = Buffer.from(b, 'base64');
  buf[3] ^= 1;
  return buf.toString('base64');
};

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
  for (let i = 0; i < 3; i++) await walkedTask();
}, 60_000);
afterAll(async () => t?.close());

describe('signed tree heads and proofs', () => {
  it('the latest head covers every committed event, signed with the installation key', async () => {
    const res = await get('/audit/log/head');
    expect(res.status).toBe(200);
    const events = Number(await t.db.value('SELECT count(*) FROM task_events'));
    expect(res.body).toMatchObject({ treeSize: events, witnesses: [] });
    expect(res.body.signedText).toBe(`duban-tree-head-v1|${events}|${res.body.rootHash}|${res.body.timestamp}`);
    // The root is the RFC 6962 tree hash of the events' leaves in log order.
    const rows = await t.db.all<{ task_id: string; seq: number; hash: string; recorded_at: string }>(
      'SELECT e.task_id, e.seq, e.hash, e.recorded_at FROM audit_log_leaves l JOIN task_events e ON e.id = l.event_id ORDER BY l.log_index',
    );
    const tree = new MemoryTree();
    for (const r of rows) tree.append(Buffer.from(eventLeafHash({ taskId: r.task_id, seq: r.seq, hash: r.hash, recordedAt: r.recorded_at }), 'hex'));
    expect(tree.root().toString('hex')).toBe(res.body.rootHash);
    firstHead = res.body;
    // Asking again without new events signs nothing new.
    expect((await get('/audit/log/head')).body.treeSize).toBe(events);
    expect((await get('/audit/log/heads')).body.total).toBe(1);
  });

  it('an inclusion proof verifies in process and with the shell recipe, and fails when one byte changes', async () => {
    const res = await get(`/audit/log/proofs/inclusion?taskId=${tasks[1]}&seq=3&treeSize=${firstHead.treeSize}`);
    expect(res.status).toBe(200);
    const a = res.body;
    expect(a).toMatchObject({ taskId: tasks[1], seq: 3, treeSize: firstHead.treeSize, rootHash: firstHead.rootHash });
    expect(leafHash(Buffer.from(a.leafDataHex, 'hex')).toString('hex')).toBe(a.leafHash);
    expect(
      verifyInclusion(
        Buffer.from(a.leafHash, 'hex'),
        a.logIndex,
        a.treeSize,
        a.auditPath.map((h: string) => Buffer.from(h, 'hex')),
        Buffer.from(a.rootHash, 'hex'),
      ),
    ).toBe(true);
    const ok = recipe('inclusion', a, firstHead.publicKey);
    expect(ok.out).toContain(`ok: leaf ${a.logIndex} is in the tree of size ${a.treeSize}`);
    expect(ok.status).toBe(0);
    for (const bad of [
      { ...a, auditPath: [flipHex(a.auditPath[0], 10), ...a.auditPath.slice(1)] },
      { ...a, leafDataHex: flipHex(a.leafDataHex, 21) },
      { ...a, rootHash: flipHex(a.rootHash, 63) },
      { ...a, signature: flipB64(a.signature) },
      { ...a, logIndex: a.logIndex + 1 },
    ]) {
      const r = recipe('inclusion', bad, firstHead.publicKey);
      expect(r.out).toContain('FAIL');
      expect(r.status).toBe(1);
    }
    // Another key than the log's: the head does not verify.
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(recipe('inclusion', a, other).status).toBe(1);
  });

  it('names the event by id, log index or task and seq alike; refuses ambiguous or unknown ones', async () => {
    const byTask = (await get(`/audit/log/proofs/inclusion?taskId=${tasks[0]}&seq=2`)).body;
    const byIndex = (await get(`/audit/log/proofs/inclusion?logIndex=${byTask.logIndex}`)).body;
    const byId = (await get(`/audit/log/proofs/inclusion?eventId=${byTask.eventId}`)).body;
    expect(byIndex).toEqual(byTask);
    expect(byId).toEqual(byTask);
    expect((await get(`/audit/log/proofs/inclusion?logIndex=99999`)).status).toBe(404);
    expect((await get(`/audit/log/proofs/inclusion?treeSize=7&logIndex=0`)).status).toBe(404); // no head of size 7
    const both = await get(`/audit/log/proofs/inclusion?logIndex=0&eventId=1`);
    expect(both.status).toBe(400);
    expect(both.body.code).toBe('VALIDATION_FAILED');
    expect((await get(`/audit/log/proofs/inclusion?logIndex=abc`)).status).toBe(400);
    expect((await get('/audit/log/head', f.dept)).status).toBe(403);
  });

  it('a consistency proof between two heads verifies with the shell recipe, and fails when one byte changes', async () => {
    await walkedTask();
    const head = (await get('/audit/log/head')).body;
    expect(head.treeSize).toBe(firstHead.treeSize + 4);
    const res = await get(`/audit/log/proofs/consistency?from=${firstHead.treeSize}&to=${head.treeSize}`);
    expect(res.status).toBe(200);
    const c = res.body;
    expect(c).toMatchObject({ firstSize: firstHead.treeSize, firstRoot: firstHead.rootHash, secondSize: head.treeSize, secondRoot: head.rootHash });
    const hx = (h: string) => Buffer.from(h, 'hex');
    expect(verifyConsistency(c.firstSize, c.secondSize, hx(c.firstRoot), hx(c.secondRoot), c.proof.map(hx))).toBe(true);
    const ok = recipe('consistency', c, head.publicKey);
    expect(ok.out).toContain(`ok: the tree of size ${c.firstSize} is a prefix of the tree of size ${c.secondSize}`);
    expect(ok.status).toBe(0);
    for (const bad of [
      { ...c, proof: c.proof.map((p: string, i: number) => (i === c.proof.length - 1 ? flipHex(p, 5) : p)) },
      { ...c, firstRoot: flipHex(c.firstRoot, 0) },
      { ...c, secondRoot: flipHex(c.secondRoot, 40) },
      { ...c, secondSignature: flipB64(c.secondSignature) },
    ]) {
      const r = recipe('consistency', bad, head.publicKey);
      expect(r.out).toContain('FAIL');
      expect(r.status).toBe(1);
    }
    expect((await get(`/audit/log/proofs/consistency?from=${head.treeSize + 1}`)).status).toBe(404); // no head of that size
    const backwards = await get(`/audit/log/proofs/consistency?from=${head.treeSize}&to=${firstHead.treeSize}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.details.fields[0].field).toBe('from');
  });

  it('a witness countersigns a head with its own key; a bad signature is refused naming the field', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const witnessKey = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const signature = sign(null, Buffer.from(firstHead.signedText, 'ascii'), privateKey).toString('base64');
    const path = `/audit/log/heads/${firstHead.treeSize}/witnesses`;
    const bad = await t
      .http()
      .post(path)
      .set('authorization', f.auditor)
      .send({ publicKey: witnessKey, signature: flipB64(signature) });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields[0].field).toBe('signature');
    const own = await t.http().post(path).set('authorization', f.auditor).send({ publicKey: firstHead.publicKey, signature: firstHead.signature });
    expect(own.status).toBe(400);
    const res = await t.http().post(path).set('authorization', f.auditor).send({ publicKey: witnessKey, signature });
    expect(res.status).toBe(200);
    expect(res.body.recorded).toBe(true);
    expect(res.body.head.witnesses).toEqual([expect.objectContaining({ witnessKey, signature, receivedBy: 'aud' })]);
    expect((await t.http().post(path).set('authorization', f.auditor).send({ publicKey: witnessKey, signature })).body.recorded).toBe(false);
    expect((await get(path)).body.witnesses).toHaveLength(1);
    expect((await t.http().post('/audit/log/heads/9999/witnesses').set('authorization', f.auditor).send({ publicKey: witnessKey, signature })).status).toBe(
      404,
    );
  });

  it('the CLI prints the latest head, and a witness countersigns it with a key file the service never sees', async () => {
    const head = await runCli(['log', 'head'], t.env);
    expect(head.code).toBe(0);
    const h = JSON.parse(head.stdout);
    expect(h).toMatchObject({ treeSize: firstHead.treeSize + 4 });
    const keyFile = join(t.dataDir, 'witness-key.pem'); // the witness's own file: the service never reads it
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const headFile = join(t.dataDir, 'head.json');
    writeFileSync(headFile, head.stdout);
    const signed = await runCli(['log', 'witness-sign', '--key', keyFile, '--head', headFile], t.env);
    expect(signed.code).toBe(0);
    const res = await t.http().post(`/audit/log/heads/${h.treeSize}/witnesses`).set('authorization', f.auditor).send(JSON.parse(signed.stdout));
    expect(res.status).toBe(200);
    expect(res.body.recorded).toBe(true);
    // A head whose log signature does not verify is not countersigned.
    writeFileSync(headFile, JSON.stringify({ ...h, rootHash: flipHex(h.rootHash) }));
    expect((await runCli(['log', 'witness-sign', '--key', keyFile, '--head', headFile], t.env)).code).toBe(1);
  });

  it('verify rebuilds the log from the events and finds it intact', async () => {
    const res = await get('/audit/verify?replay=true');
    expect(res.status).toBe(200);
    expect(res.body.breaks).toEqual([]);
    expect(res.body.counts).toMatchObject({ logLeaves: 16, treeHeads: 2, witnesses: 2 });
    const cli = await runCli(['verify', '--no-evidence'], t.env);
    expect(cli.stdout).toContain('the transparency log (16 leaves, 2 signed head(s), 2 witness signature(s))');
    expect(cli.code).toBe(0);
  });

  it('a checkpoint logs every event and signs a tree head with it', async () => {
    await walkedTask();
    const res = await t.http().post('/audit/checkpoints').set('authorization', f.auditor).send({});
    expect(res.status).toBe(200);
    expect(res.body.treeHead).toMatchObject({ treeSize: 20 });
  });
});

/** Copy the database, run the attacker's SQL on the copy (append-only triggers dropped), verify the copy. */
async function verifyTampered(
  edit: (db: Database.Database) => void,
  files?: (copyDir: string) => void,
): Promise<{ kind: string; taskId?: string; message: string }[]> {
  const copyDir = join(t.dataDir, `copy-${Math.random().toString(36).slice(2)}`);
  mkdirSync(copyDir);
  t.db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  copyFileSync(join(t.dataDir, 'test.db'), join(copyDir, 'test.db'));
  const db = new Database(join(copyDir, 'test.db'));
  db.pragma('foreign_keys = OFF');
  for (const table of ['task_events', 'audit_log_leaves', 'audit_log_nodes']) db.exec(`DROP TRIGGER ${table}_no_update; DROP TRIGGER ${table}_no_delete;`);
  edit(db);
  db.close();
  if (existsSync(join(t.dataDir, 'evidence'))) cpSync(join(t.dataDir, 'evidence'), join(copyDir, 'evidence'), { recursive: true });
  files?.(copyDir);
  const copy = await startTestApp({ dataDir: copyDir, now: '2026-03-02T03:00:00.000Z' });
  try {
    const auditor = await copy.createUser('aud-copy', 'auditor');
    const res = await copy.http().get('/audit/verify?replay=true').set('authorization', auditor);
    expect(res.status).toBe(200);
    return res.body.breaks;
  } finally {
    await copy.close();
  }
}
const kinds = (b: { kind: string }[]) => [...new Set(b.map((x) => x.kind))].sort();

// A copy of the database file: SQLite (the same verify code runs on PostgreSQL; the edits are the same SQL).
(onSqliteOnly ? describe : describe.skip)('verify catches each tamper with the log', () => {
  let fileTask = '';
  let file: { id: string; sha256: string; size: number };
  beforeAll(async () => {
    const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }]);
    fileTask = task.id;
    expect((await send(task.id, f.dept, 'task.acknowledge', 1)).status).toBe(200);
    const up = await t.http().post(`/tasks/${task.id}/evidence`).set('authorization', f.dept).attach('file', Buffer.from('%PDF-1.4 到位资金凭证'), 'proof.pdf');
    expect(up.status).toBe(201);
    file = up.body;
    expect((await send(task.id, f.dept, 'evidence.submit', 2, { fileIds: [file.id], completedValue: 5 })).status).toBe(200);
    const payload = JSON.parse(String(await t.db.value('SELECT payload FROM task_events WHERE task_id = ? AND seq = 3', task.id)));
    expect(payload.data.files).toEqual([{ id: file.id, sha256: file.sha256, size: file.size }]);
    expect((await get('/audit/log/head')).status).toBe(200);
  });

  it('the untouched copy verifies clean', async () => {
    expect(await verifyTampered(() => undefined)).toEqual([]);
  });

  it('a task deleted whole (its events, nodes and row, after its events were logged)', async () => {
    const id = tasks[0];
    const b = await verifyTampered((db) => {
      for (const table of ['task_events', 'nodes', 'outbox']) db.prepare(`DELETE FROM ${table} WHERE task_id = ?`).run(id);
      db.prepare('DELETE FROM tasks WHERE id = ?').run(id);
    });
    const missing = b.filter((x) => x.kind === 'log-event-missing');
    expect(missing.map((x) => x.taskId)).toEqual([id, id, id, id]);
    expect(missing[0].message).toContain('deleted');
  });

  it('the tail cut: the last events, their leaves and subtrees removed, the task row fixed up', async () => {
    const id = fileTask; // the last task: its last two events are the log's last two leaves
    const b = await verifyTampered((db) => {
      const keep = db.prepare('SELECT hash FROM task_events WHERE task_id = ? AND seq = 1').get(id) as { hash: string };
      const size = Number((db.prepare('SELECT count(*) AS n FROM audit_log_leaves').get() as { n: number }).n);
      db.prepare('DELETE FROM task_events WHERE task_id = ? AND seq > 1').run(id);
      db.prepare('DELETE FROM audit_log_leaves WHERE log_index >= ?').run(size - 2);
      db.prepare('DELETE FROM audit_log_nodes WHERE ((idx + 1) << level) > ?').run(size - 2);
      db.prepare('UPDATE tasks SET last_seq = 1, last_hash = ? WHERE id = ?').run(keep.hash, id);
    });
    expect(b).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'log-truncated', message: expect.stringContaining('its tail was cut') })]));
  });

  it('history rewritten between two heads: an event changed and re-hashed, the whole log rebuilt to match', async () => {
    const id = tasks[1];
    const b = await verifyTampered((db) => {
      const e = db.prepare('SELECT * FROM task_events WHERE task_id = ? AND seq = 4').get(id) as Record<string, string>;
      const payload = e.payload.replace('补充材料', '无需补充');
      const hash = createHash('sha256').update(`${e.prev_hash}|${e.task_id}|4|${e.type}|${e.occurred_at}|${payload}`).digest('hex');
      db.prepare('UPDATE task_events SET payload = ?, hash = ? WHERE id = ?').run(payload, hash, e.id);
      db.prepare('UPDATE tasks SET last_hash = ? WHERE id = ?').run(hash, id);
      // Rebuild every leaf and subtree from the rewritten events, as a careful attacker would.
      const rows = db
        .prepare(
          'SELECT l.log_index, e.task_id, e.seq, e.hash, e.recorded_at FROM audit_log_leaves l JOIN task_events e ON e.id = l.event_id ORDER BY l.log_index',
        )
        .all() as { log_index: number; task_id: string; seq: number; hash: string; recorded_at: string }[];
      db.exec('DELETE FROM audit_log_nodes');
      const tree = new MemoryTree();
      for (const r of rows) {
        const leaf = eventLeafHash({ taskId: r.task_id, seq: r.seq, hash: r.hash, recordedAt: r.recorded_at });
        db.prepare('UPDATE audit_log_leaves SET leaf_hash = ? WHERE log_index = ?').run(leaf, r.log_index);
        for (const n of tree.append(Buffer.from(leaf, 'hex')))
          if (n.level > 0) db.prepare('INSERT INTO audit_log_nodes VALUES (?, ?, ?)').run(n.level, n.index, n.hash.toString('hex'));
      }
    });
    expect(kinds(b.filter((x) => x.kind.startsWith('log-')))).toEqual(['log-root-mismatch']);
    expect(b.filter((x) => x.kind === 'log-root-mismatch')).toHaveLength(Number(await t.db.value('SELECT count(*) FROM audit_tree_heads'))); // every head signed since
  });

  it('an edited subtree hash of the log', async () => {
    const b = await verifyTampered((db) => {
      db.prepare("UPDATE audit_log_nodes SET hash = '00' || substr(hash, 3) WHERE level = 1 AND idx = 2").run();
    });
    expect(kinds(b)).toEqual(['log-tree']);
  });

  it('an edited row of the nodes table (the projection of the task’s snapshot)', async () => {
    const id = tasks[2];
    const b = await verifyTampered((db) => {
      expect(db.prepare("UPDATE nodes SET status = 'approved' WHERE task_id = ? AND seq = 1").run(id).changes).toBe(1);
    });
    expect(b.map((x) => [x.kind, x.taskId])).toEqual([['nodes-projection', id]]);
    expect(b[0].message).toContain('node 1: nodes.status is "approved"');
  });

  it('an evidence file replaced, bytes and row alike (the submit event recorded its sha256 and size)', async () => {
    const forged = Buffer.from('%PDF-1.4 伪造的凭证，金额改过');
    const sha = createHash('sha256').update(forged).digest('hex');
    const b = await verifyTampered(
      (db) => {
        db.prepare('UPDATE evidence_files SET sha256 = ?, size = ? WHERE id = ?').run(sha, forged.length, file.id);
      },
      (copyDir) => {
        const path = join(copyDir, 'evidence', sha.slice(0, 2), sha.slice(2, 4), sha);
        mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(path, forged);
      },
    );
    expect(b).toEqual([expect.objectContaining({ kind: 'evidence-row', taskId: fileTask, seq: 3, message: expect.stringContaining('the file was replaced') })]);
  });

  it('an edited recorded_at (not in the task chain, but in the event’s leaf)', async () => {
    const id = tasks[2];
    const b = await verifyTampered((db) => {
      db.prepare("UPDATE task_events SET recorded_at = '2026-03-01T00:00:00.000Z' WHERE task_id = ? AND seq = 2").run(id);
    });
    expect(b).toEqual([
      expect.objectContaining({
        kind: 'log-leaf-mismatch',
        taskId: id,
        seq: 2,
        message: expect.stringContaining('recorded_at (now 2026-03-01T00:00:00.000Z)'),
      }),
    ]);
  });
});
