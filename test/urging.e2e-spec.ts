/**
 * Urging notices and escalation (issue 16 item 2) through the real app: with 提醒 −3 / 催办 0 / 督办 +2
 * working days, an unsubmitted node gets each notice once, at 00:00 of the right working day — twice-run,
 * and run by two instances on one database at once, it still issues each only once — and an approved node
 * gets no more. Notices reach the unit's inbox and the outbox (SSE, webhooks); the unit replies once; the
 * counts per unit add up; the 督办通知单 exports as .docx.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import JSZip from 'jszip';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let t2: TestApp;
let f: PlanFixture;
let fgwTask: string;
let czjTask: string;

const post = (app: TestApp, path: string, body: object, auth: string) => app.http().post(path).set('authorization', auth).send(body);
const get = (path: string, auth: string) => t.http().get(path).set('authorization', auth);
const send = (taskId: string, auth: string, type: string, expectedVersion: number, payload?: object) =>
  t.http().post(`/tasks/${taskId}/events`).set('authorization', auth).send({ type, expectedVersion, payload });
const escalate = async (app: TestApp = t) => {
  const res = await post(app, '/urging/escalate', {}, f.supervisor);
  expect(res.status).toBe(200);
  return res.body.issued as number;
};
const setBoth = (at: string) => {
  t.clock.set(at);
  t2?.clock.set(at);
};
const binary = (res: import('superagent').Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
const outboxUrged = async () => ((await t.db.one(`SELECT count(*) AS n FROM outbox WHERE type = 'node.urged'`)) as { n: number }).n;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z', keepData: true });
  f = await seedPlan(t);
  // Due Friday 2026-03-13: 提醒 on Tue 03-10, 催办 on Fri 03-13, 督办 on Tue 03-17 (00:00 Beijing time).
  fgwTask = (await createTask(t, f, [{ seq: 1, dueDate: '2026-03-13' }], 'u-fgw')).id;
  czjTask = (await createTask(t, f, [{ seq: 1, dueDate: '2026-03-13' }], 'u-czj')).id;
  // A second instance on the same database (as two service processes would be).
  t2 = await startTestApp({ now: '2026-03-02T02:00:00.000Z', dataDir: t.dataDir, keepData: true });
}, 120_000);
afterAll(async () => {
  await t2?.close();
  await t?.close();
  const { rmSync } = await import('node:fs');
  rmSync(t.dataDir, { recursive: true, force: true });
});

describe('escalation rules 提醒 −3, 催办 0, 督办 +2 working days', () => {
  it("are the office's to set; a bad rule is refused naming it", async () => {
    expect((await get(`/plans/${f.planId}/urging-rules`, f.dept)).body).toMatchObject({ isDefault: true });
    const bad = await t
      .http()
      .put(`/plans/${f.planId}/urging-rules`)
      .set('authorization', f.supervisor)
      .send({ rules: [{ level: 'shout', offsetWorkingDays: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields).toEqual([expect.objectContaining({ field: 'rules[0].level' })]);
    expect((await t.http().put(`/plans/${f.planId}/urging-rules`).set('authorization', f.dept).send({ rules: [] })).status).toBe(403);
    const res = await t
      .http()
      .put(`/plans/${f.planId}/urging-rules`)
      .set('authorization', f.supervisor)
      .send({
        rules: [
          { level: 'remind', offsetWorkingDays: -3 },
          { level: 'urge', offsetWorkingDays: 0 },
          { level: 'supervise', offsetWorkingDays: 2, replyWorkingDays: 3 },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.isDefault).toBe(false);
  });

  it('issue nothing one second before 00:00 of the third working day before the due day', async () => {
    setBoth('2026-03-09T15:59:59.000Z');
    expect(await escalate()).toBe(0);
  });

  it('issue 提醒 at 00:00 on 03-10 once for each unsubmitted node, even run by two instances at once', async () => {
    setBoth('2026-03-09T16:00:00.000Z');
    const [a, b] = await Promise.all([escalate(t), escalate(t2)]);
    expect(a + b).toBe(2);
    expect(await escalate()).toBe(0);
    expect(await escalate(t2)).toBe(0);
    expect(await outboxUrged()).toBe(2);
  });

  it('stop for a node once it is submitted and approved', async () => {
    setBoth('2026-03-11T02:00:00.000Z');
    expect((await send(czjTask, f.otherDept, 'task.acknowledge', 1)).status).toBe(200);
    expect((await send(czjTask, f.otherDept, 'evidence.submit', 2, { note: '按时报送' })).status).toBe(200);
    expect((await send(czjTask, f.assessor, 'evidence.approve', 3, { comment: '同意' })).status).toBe(200);
  });

  it('issue 催办 on the due day and 督办 two working days after it, for the unsubmitted node only', async () => {
    setBoth('2026-03-12T15:59:59.000Z');
    expect(await escalate()).toBe(0);
    setBoth('2026-03-12T16:00:00.000Z');
    expect(await escalate()).toBe(1);
    setBoth('2026-03-16T15:59:59.000Z'); // Monday 03-16 is only the first working day after
    expect(await escalate()).toBe(0);
    setBoth('2026-03-16T16:00:00.000Z');
    expect(await escalate(t2)).toBe(1);
    setBoth('2026-04-30T02:00:00.000Z');
    expect(await escalate()).toBe(0);
    const inbox = (await get('/urging-notices', f.dept)).body as {
      level: string;
      source: string;
      replyBy: string | null;
      daysOverdue: number;
      numberText: string;
    }[];
    expect(inbox.map((n) => n.level).sort()).toEqual(['remind', 'supervise', 'urge']);
    const supervise = inbox.find((n) => n.level === 'supervise')!;
    // Reply by the end of the third working day after Tue 03-17: Fri 03-20, 23:59:59 Beijing time.
    expect(supervise).toMatchObject({ source: 'rule', replyBy: '2026-03-20T15:59:59.000Z', daysOverdue: 4, numberText: '督〔2026〕1号' });
    expect(await outboxUrged()).toBe(4);
  });
});

describe('notices, replies and counts', () => {
  let superviseId: string;

  it('the unit sees its own notices only', async () => {
    const mine = (await get('/urging-notices', f.otherDept)).body as { unitId: string; level: string }[];
    expect(mine.map((n) => [n.unitId, n.level])).toEqual([['u-czj', 'remind']]);
    const all = (await get(`/urging-notices?planId=${f.planId}`, f.supervisor)).body as { id: string; level: string; unitId: string }[];
    expect(all).toHaveLength(4);
    superviseId = all.find((n) => n.level === 'supervise')!.id;
    expect((await get(`/urging-notices/${superviseId}`, f.otherDept)).status).toBe(404);
  });

  it('the urged unit replies once; a second reply is 409; delivered through the outbox', async () => {
    expect((await post(t, `/urging-notices/${superviseId}/reply`, { text: '已补报' }, f.otherDept)).status).toBe(404);
    const res = await post(t, `/urging-notices/${superviseId}/reply`, { text: '因项目审批延后，已于今日补报。' }, f.dept);
    expect(res.status).toBe(200);
    expect(res.body.reply).toMatchObject({ text: '因项目审批延后，已于今日补报。' });
    expect((await post(t, `/urging-notices/${superviseId}/reply`, { text: '再次回复' }, f.dept)).status).toBe(409);
    expect(((await t.db.one(`SELECT count(*) AS n FROM outbox WHERE type = 'node.urge-replied'`)) as { n: number }).n).toBe(1);
  });

  it('the office urges by hand; a department may not; an approved node is not urged', async () => {
    const res = await post(t, `/tasks/${fgwTask}/nodes/1/urgings`, { level: 'supervise', text: '请立即整改。' }, f.supervisor);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ source: 'office', level: 'supervise', number: 2, text: '请立即整改。' });
    expect((await post(t, `/tasks/${fgwTask}/nodes/1/urgings`, { level: 'urge' }, f.dept)).status).toBe(403);
    const done = await post(t, `/tasks/${czjTask}/nodes/1/urgings`, { level: 'urge' }, f.supervisor);
    expect(done.status).toBe(409);
    expect((await post(t, `/tasks/${fgwTask}/nodes/1/urgings`, { level: 'loud' }, f.supervisor)).status).toBe(400);
  });

  it.each(['x', '0', '-1', '1.5', '99999999999999999999'])('a node number %s in the path → 400 naming seq, nothing written', async (seq) => {
    const before = await outboxUrged();
    const res = await post(t, `/tasks/${fgwTask}/nodes/${seq}/urgings`, { level: 'urge' }, f.supervisor);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [expect.objectContaining({ field: 'seq' })] } });
    expect(await outboxUrged()).toBe(before);
  });

  it('counts notices per unit and level', async () => {
    const counts = (await get(`/plans/${f.planId}/urging-counts`, f.supervisor)).body;
    expect(counts).toEqual([
      { unitId: 'u-czj', remind: 1, urge: 0, supervise: 0, total: 1, replied: 0 },
      { unitId: 'u-fgw', remind: 1, urge: 1, supervise: 2, total: 4, replied: 1 },
    ]);
  });

  it('exports the 督办通知单 as a .docx naming the unit, the node and the reply-by date', async () => {
    const res = await get(`/urging-notices/${superviseId}/export?format=docx`, f.supervisor).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const xml = await (await JSZip.loadAsync(res.body as Buffer)).file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('|');
    for (const s of ['督办通知单', '督〔2026〕1号', '县发展和改革局：', '节点1', '2026-03-20 23:59', '因项目审批延后']) expect(text).toContain(s);
    const pdf = await get(`/urging-notices/${superviseId}/export?format=pdf`, f.supervisor).buffer(true).parse(binary);
    expect(pdf.status).toBe(200);
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
