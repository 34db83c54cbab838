import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { databaseFingerprint, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: PlanFixture;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' }); // Monday 10:00 Beijing
  f = await seedPlan(t);
});
afterAll(async () => t?.close());

const send = (taskId: string, auth: string, type: string, expectedVersion: number, payload?: object) =>
  t.http().post(`/tasks/${taskId}/events`).set('authorization', auth).send({ type, expectedVersion, payload });

async function expectTask(taskId: string, want: { state: string; light: string | null; version: number; node: number | null; events: number; last: string }) {
  const task = await t.http().get(`/tasks/${taskId}`).set('authorization', f.supervisor);
  expect(task.status).toBe(200);
  expect({ state: task.body.state, light: task.body.light, version: task.body.version, node: task.body.currentNodeSeq }).toEqual({
    state: want.state,
    light: want.light,
    version: want.version,
    node: want.node,
  });
  const history = await t.http().get(`/tasks/${taskId}/history?pageSize=200`).set('authorization', f.auditor);
  expect(history.status).toBe(200);
  expect(history.body.total).toBe(want.events);
  const items = history.body.items as { seq: number; type: string; stateAfter: unknown }[];
  expect(items.map((e) => e.seq)).toEqual(Array.from({ length: want.events }, (_, i) => i + 1));
  expect(items.at(-1)!.type).toBe(want.last);
  return task.body;
}

describe('a task moves through its whole life over HTTP', () => {
  it('walks assigned → two nodes (the first returned once) → completed → scored, checking every step', async () => {
    const created = await createTask(t, f, [
      { seq: 1, dueDate: '2026-03-31' },
      { seq: 2, dueDate: '2026-06-30' },
    ]);
    expect(created.state).toBe('assigned');
    const detail = await expectTask(created.id, { state: 'assigned', light: 'green', version: 1, node: 1, events: 1, last: 'task.created' });
    expect(detail.nodes[0]).toMatchObject({ seq: 1, dueDate: '2026-03-31', dueAt: '2026-03-31T15:59:59.000Z', status: 'open' });

    let r = await send(created.id, f.dept, 'task.acknowledge', 1);
    expect(r.status).toBe(200);
    await expectTask(created.id, { state: 'open', light: 'green', version: 2, node: 1, events: 2, last: 'task.acknowledge' });

    const upload = await t
      .http()
      .post(`/tasks/${created.id}/evidence`)
      .set('authorization', f.dept)
      .attach('file', Buffer.from('%PDF-1.4 一季度投资报表'), 'report.pdf');
    expect(upload.status).toBe(201);
    expect(upload.body.sha256).toBe(createHash('sha256').update(Buffer.from('%PDF-1.4 一季度投资报表')).digest('hex'));

    r = await send(created.id, f.dept, 'evidence.submit', 2, { fileIds: [upload.body.id], completedValue: 5.2, note: '一季度完成' });
    expect(r.status).toBe(200);
    await expectTask(created.id, { state: 'submitted', light: 'green', version: 3, node: 1, events: 3, last: 'evidence.submit' });

    r = await send(created.id, f.assessor, 'evidence.return', 3, { reason: '缺少统计局盖章' });
    expect(r.status).toBe(200);
    await expectTask(created.id, { state: 'returned', light: 'green', version: 4, node: 1, events: 4, last: 'evidence.return' });

    r = await send(created.id, f.dept, 'evidence.submit', 4, { fileIds: [upload.body.id], completedValue: 5.2 });
    await expectTask(created.id, { state: 'submitted', light: 'green', version: 5, node: 1, events: 5, last: 'evidence.submit' });

    r = await send(created.id, f.assessor, 'evidence.approve', 5, { reviewedValue: 5.0, comment: '同意' });
    expect(r.status).toBe(200);
    const afterFirst = await expectTask(created.id, { state: 'open', light: 'green', version: 6, node: 2, events: 6, last: 'evidence.approve' });
    expect(afterFirst.nodes[0]).toMatchObject({ status: 'approved', redLighted: false });

    r = await send(created.id, f.dept, 'evidence.submit', 6, { offline: true, note: '涉密材料线下报送' });
    await expectTask(created.id, { state: 'submitted', light: 'green', version: 7, node: 2, events: 7, last: 'evidence.submit' });

    r = await send(created.id, f.assessor, 'evidence.approve', 7, { reviewedValue: 8.1 });
    await expectTask(created.id, { state: 'completed', light: null, version: 8, node: null, events: 8, last: 'evidence.approve' });

    r = await send(created.id, f.supervisor, 'task.score', 8, { score: 9.5 });
    expect(r.status).toBe(200);
    await expectTask(created.id, { state: 'scored', light: null, version: 9, node: null, events: 9, last: 'task.score' });

    const history = await t.http().get(`/tasks/${created.id}/history?pageSize=200`).set('authorization', f.auditor);
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual([
      'task.created',
      'task.acknowledge',
      'evidence.submit',
      'evidence.return',
      'evidence.submit',
      'evidence.approve',
      'evidence.submit',
      'evidence.approve',
      'task.score',
    ]);
    expect(history.body.items[3]).toMatchObject({ actor: { role: 'assessor', unitId: 'u-tjj', displayName: 'tjj' }, data: { reason: '缺少统计局盖章' } });
  });

  it('recomputes every stored event hash from the stored rows and finds the chain intact', async () => {
    const rows = (await t.db.all('SELECT * FROM task_events ORDER BY task_id, seq')) as Record<string, string | number>[];
    expect(rows.length).toBeGreaterThan(0);
    let prev: Record<string, string | number> | undefined;
    for (const r of rows) {
      const expectedPrev = prev && prev.task_id === r.task_id ? prev.hash : '0'.repeat(64);
      expect(r.prev_hash).toBe(expectedPrev);
      const text = `${r.prev_hash}|${r.task_id}|${r.seq}|${r.type}|${r.occurred_at}|${r.payload}`;
      expect(r.hash).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      prev = r;
    }
    const last = (await t.db.all('SELECT id, last_hash, last_seq FROM tasks')) as { id: string; last_hash: string; last_seq: number }[];
    for (const task of last) {
      const tail = rows.filter((r) => r.task_id === task.id).at(-1)!;
      expect([tail.hash, tail.seq]).toEqual([task.last_hash, task.last_seq]);
    }
  });
});

describe('refusals write nothing', () => {
  let taskId: string;
  beforeAll(async () => {
    const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-04-30' }]);
    taskId = task.id;
    await send(taskId, f.dept, 'task.acknowledge', 1);
  });

  async function refused(run: () => Promise<{ status: number; body: Record<string, unknown> }>, status: number | number[]) {
    const before = await databaseFingerprint(t.db);
    const res = await run();
    expect([status].flat()).toContain(res.status);
    expect(typeof res.body.message).toBe('string');
    expect(await databaseFingerprint(t.db)).toBe(before);
    return res.body;
  }

  it('hides another unit’s task from a department (404) for reading and writing', async () => {
    await refused(() => t.http().get(`/tasks/${taskId}`).set('authorization', f.otherDept), 404);
    await refused(() => send(taskId, f.otherDept, 'evidence.submit', 2, { note: 'x' }), 404);
    await refused(() => t.http().get(`/tasks/${taskId}/history`).set('authorization', f.otherDept), 404);
    const list = await t.http().get('/tasks').set('authorization', f.otherDept);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(taskId);
  });

  it('answers a stale expected version with 409 naming both versions', async () => {
    const body = await refused(() => send(taskId, f.dept, 'evidence.submit', 1, { note: 'late' }), 409);
    expect(body).toMatchObject({ code: 'VERSION_CONFLICT', details: { expected: 1, current: 2 } });
  });

  it('answers an unknown field with 400 naming the field', async () => {
    const body = await refused(() => send(taskId, f.dept, 'evidence.submit', 2, { note: 'x', colour: 'red' }), 400);
    expect(body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'payload.colour', reason: 'unknown field' }] } });
    const top = await refused(
      () => t.http().post(`/tasks/${taskId}/events`).set('authorization', f.dept).send({ type: 'task.acknowledge', expectedVersion: 2, extra: 1 }),
      400,
    );
    expect(JSON.stringify(top)).toContain('extra');
  });

  it('answers a wrong type, a bad date and an unknown event with 400', async () => {
    await refused(() => send(taskId, f.dept, 'evidence.submit', 2, { completedValue: 'lots' }), 400);
    const bad = await refused(() => send(taskId, f.dept, 'extension.request', 2, { newDueDate: '2026-02-30', reason: 'x' }), 400);
    expect(JSON.stringify(bad)).toContain('payload.newDueDate');
    await refused(() => send(taskId, f.dept, 'node.teleport', 2), 400);
    await refused(
      () =>
        t
          .http()
          .post('/tasks')
          .set('authorization', f.supervisor)
          .send({ planId: f.planId, indicatorId: f.indicatorId, unitId: 'u-czj', nodes: [{ seq: 1, dueDate: '30/06/2026' }] }),
      400,
    );
  });

  it('refuses a submission by an assessor with 403', async () => {
    const body = await refused(() => send(taskId, f.assessor, 'evidence.submit', 2, { note: 'x' }), 403);
    expect(body.detail).toMatch(/allowed: department/);
  });

  it('refuses an event the machine does not accept now with 409 naming the state and allowed events', async () => {
    const body = await refused(() => send(taskId, f.assessor, 'evidence.approve', 2, {}), 409);
    expect(body).toMatchObject({ code: 'EVENT_NOT_ALLOWED', details: { state: 'open' } });
    expect((body.details as { allowed: string[] }).allowed).toContain('evidence.submit');
  });

  it('refuses unknown ids with 404 and missing tokens with 401', async () => {
    await refused(() => t.http().get('/tasks/nope').set('authorization', f.supervisor), 404);
    await refused(() => send('nope', f.dept, 'evidence.submit', 1, { note: 'x' }), 404);
    await refused(() => t.http().get('/tasks'), 401);
    await refused(() => t.http().get('/tasks').set('authorization', 'Bearer forged.token.here'), 401);
    const badType = await refused(() => t.http().get(`/tasks/${taskId}/history?type=node.teleport`).set('authorization', f.auditor), 400);
    expect(JSON.stringify(badType)).toContain('"field":"type"');
  });

  it('refuses an evidence file that is too big (413) or of a type not allowed (415), keeping no bytes', async () => {
    const evidenceDir = join(t.dataDir, 'evidence');
    const filesBefore = existsSync(evidenceDir) ? readdirSync(evidenceDir, { recursive: true }).length : 0;
    const big = Buffer.alloc(20 * 1024 * 1024 + 10, 1);
    await refused(() => t.http().post(`/tasks/${taskId}/evidence`).set('authorization', f.dept).attach('file', big, 'big.pdf'), 413);
    await refused(() => t.http().post(`/tasks/${taskId}/evidence`).set('authorization', f.dept).attach('file', Buffer.from('MZ'), 'tool.exe'), 415);
    await refused(() => t.http().post(`/tasks/${taskId}/evidence`).set('authorization', f.assessor).attach('file', Buffer.from('x'), 'a.pdf'), 403);
    await refused(() => t.http().post(`/tasks/${taskId}/evidence`).set('authorization', f.otherDept).attach('file', Buffer.from('x'), 'a.pdf'), 404);
    await refused(() => send(taskId, f.dept, 'evidence.submit', 2, { fileIds: ['6c1b2a3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d'] }), 400);
    const filesAfter = existsSync(evidenceDir)
      ? readdirSync(evidenceDir, { recursive: true }).filter((p) => !String(p).startsWith('tmp/') && String(p) !== 'tmp').length
      : 0;
    expect(filesAfter).toBeLessThanOrEqual(filesBefore);
  });
});

describe('evidence is downloadable by those who may see the task', () => {
  it('serves the exact bytes to the assessor and hides them from another unit', async () => {
    const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-05-31' }], 'u-czj');
    // A real zip container (an .xlsx is one): the bytes must match the extension.
    const content = await new JSZip().file('xl/workbook.xml', '财政收入月报 2026-04').generateAsync({ type: 'nodebuffer' });
    const up = await t.http().post(`/tasks/${task.id}/evidence`).set('authorization', f.otherDept).attach('file', content, '月报.xlsx');
    expect(up.status).toBe(201);
    const get = await t
      .http()
      .get(`/evidence/${up.body.id}`)
      .set('authorization', f.assessor)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(get.status).toBe(200);
    expect(Buffer.compare(get.body as Buffer, content)).toBe(0);
    expect(get.headers['content-disposition']).toContain(encodeURIComponent('月报.xlsx'));
    const hidden = await t.http().get(`/evidence/${up.body.id}`).set('authorization', f.dept);
    expect(hidden.status).toBe(404);
  });
});

describe('concurrent writers', () => {
  it('lets exactly one of 20 parallel submissions against one version win; the rest get 409 and the history has no gaps', async () => {
    const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }]);
    await send(task.id, f.dept, 'task.acknowledge', 1);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => send(task.id, f.dept, 'evidence.submit', 2, { note: `attempt ${i}` })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(statuses.some((s) => s >= 500)).toBe(false);
    const seqs = ((await t.db.all('SELECT seq FROM task_events WHERE task_id = ? ORDER BY seq', task.id)) as { seq: number }[]).map((r) => r.seq);
    expect(seqs).toEqual([1, 2, 3]);
  });
});

describe('API docs', () => {
  it('lists the task, event, evidence and auth endpoints in /docs-json without a token', async () => {
    const res = await t.http().get('/docs-json');
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/auth/login',
        '/tasks',
        '/tasks/{id}',
        '/tasks/{id}/events',
        '/tasks/{id}/history',
        '/tasks/{id}/evidence',
        '/evidence/{fileId}',
      ]),
    );
    expect(res.body.components.schemas).toHaveProperty('TaskEventDto');
    const ok = (path: string, method: string, status: string) => res.body.paths[path][method].responses[status].content['application/json'].schema;
    expect(ok('/tasks/{id}', 'get', '200')).toEqual({ $ref: '#/components/schemas/TaskDetailView' });
    expect(ok('/tasks/{id}/events', 'post', '200')).toEqual({ $ref: '#/components/schemas/CommandResultView' });
    expect(ok('/tasks/{id}/history', 'get', '200')).toEqual({ $ref: '#/components/schemas/HistoryPageView' });
    expect(res.body.paths['/tasks/{id}/events'].post.requestBody.content['application/json'].examples).toHaveProperty('submit');
  });
});
