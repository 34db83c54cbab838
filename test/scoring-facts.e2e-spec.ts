import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPlan, type PlanFixture } from './support/fixtures.js';
import { databaseFingerprint, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Scoring facts entered by a person (issue 13, Deliver item 4): the assessor sends 政策影响额 with the
 * approval, the office corrects it afterwards (POST /tasks/{id}/facts, a task.facts event), the live score
 * takes them, is no longer provisional and names who entered each; refusals write nothing.
 *
 * The hand case: (11.6 + 0.5) / 12.4 × 20 = 19.52 (ratio, policyAdjustment, target 12.4, 20 points).
 */
let t: TestApp;
let f: PlanFixture;
const P = 'p-facts';
const ids: Record<string, string> = {};

const body = async (res: Promise<{ status: number; body: unknown }>, status = [200, 201]) => {
  const r = await res;
  if (!status.includes(r.status)) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Record<string, any>;
};
const post = (path: string, auth: string, payload: object) => t.http().post(path).set('authorization', auth).send(payload);
const get = (path: string, auth: string) => t.http().get(path).set('authorization', auth);
const version = async (taskId: string) => (await body(get(`/tasks/${taskId}`, f.supervisor))).version as number;
const send = async (taskId: string, auth: string, type: string, payload?: object) =>
  post(`/tasks/${taskId}/events`, auth, { type, expectedVersion: await version(taskId), nodeSeq: 1, payload });

async function indicator(code: string, points: number, methodCode: string, extra: object = {}) {
  return (await body(post('/indicators', f.supervisor, { planId: P, code, name: `指标${code}`, points, methodCode, assessingUnitId: 'u-tjj', ...extra })))
    .id as string;
}
async function task(indicatorId: string, unitId = 'u-fgw') {
  return (await body(post('/tasks', f.supervisor, { planId: P, indicatorId, unitId, nodes: [{ seq: 1, dueDate: '2026-06-30' }] }))).id as string;
}
async function submitted(taskId: string, completedValue?: number) {
  await body(send(taskId, f.dept, 'task.acknowledge'));
  await body(send(taskId, f.dept, 'evidence.submit', completedValue === undefined ? { note: '已完成' } : { completedValue }));
}

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
  await body(post('/plans', f.admin, { id: P, year: 2026, name: '2026年度部门绩效考评' }));
  await body(post(`/plans/${P}/groups`, f.admin, { name: '镇街组', kind: 'towns', unitIds: ['u-fgw', 'u-czj'] }));
  await body(post(`/plans/${P}/status`, f.supervisor, { status: 'published' }));
  await body(t.http().put(`/plans/${P}/scoring`).set('authorization', f.supervisor).send({ templateId: 'county-towns' }));
  ids.tax = await indicator('T1', 20, 'ratio', { targetValue: 12.4, targetUnit: '亿元', methodParams: { policyAdjustment: true } });
  ids.plain = await indicator('R1', 10, 'ratio', { targetValue: 20 });
  ids.items = await indicator('S1', 6, 'direct', {
    methodParams: {
      mode: 'sub_items',
      items: [
        { key: 'k1', name: '制度建设', points: 2 },
        { key: 'k2', name: '台账管理', points: 4 },
      ],
    },
  });
  ids.taxTask = await task(ids.tax);
  ids.plainTask = await task(ids.plain);
  ids.itemsTask = await task(ids.items);
}, 120_000);
afterAll(async () => t?.close());

describe('the assessor enters facts with the approval', () => {
  it('refuses a fact the method does not use, or a wrong type, naming the field; nothing written', async () => {
    await submitted(ids.plainTask, 18);
    await submitted(ids.taxTask, 11.6);
    const before = await databaseFingerprint(t.db);
    const unused = await send(ids.plainTask, f.assessor, 'evidence.approve', { reviewedValue: 18, policyAdjustment: 0.5 });
    expect(unused.status).toBe(400);
    expect(unused.body.details.fields[0]).toMatchObject({ field: 'payload.policyAdjustment', reason: expect.stringMatching(/does not use policyAdjustment/) });
    expect(unused.body.message).toMatch(/[\u4e00-\u9fa5]/);
    const wrong = await send(ids.taxTask, f.assessor, 'evidence.approve', { policyAdjustment: '0.5' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details.fields[0].field).toBe('payload.policyAdjustment');
    const subs = await send(ids.taxTask, f.assessor, 'evidence.approve', { subItems: { k1: true } });
    expect(subs.status).toBe(400);
    expect(subs.body.details.fields[0].field).toBe('payload.subItems');
    expect(await databaseFingerprint(t.db)).toBe(before);
  });

  it('the hand case: (11.6 + 0.5) / 12.4 × 20 → 19.52, live and not provisional, naming the fact and who entered it', async () => {
    const approved = await body(send(ids.taxTask, f.assessor, 'evidence.approve', { comment: '含减税降费政策影响', policyAdjustment: 0.5 }));
    expect(approved.topState).toBe('completed');
    const s = await body(get(`/tasks/${ids.taxTask}/score`, f.supervisor));
    expect(s.source).toBe('live');
    expect(s.score).toMatchObject({ display: '19.52', status: 'scored' });
    expect(s.score.missing ?? []).toEqual([]);
    expect(s.score.explanation.inputs).toMatchObject({ points: 20, target: 12.4, actual: 11.6, policyAdjustment: 0.5 });
    expect(s.score.explanation.formula).toContain('(11.6 + 0.5) ÷ 12.4');
    const src = (s.score.explanation.sources as any[]).find((x) => x.field === 'policyAdjustment');
    expect(src).toMatchObject({
      label: '政策影响额',
      value: 0.5,
      by: 'tjj',
      role: 'assessor',
      at: expect.any(String),
      note: expect.stringContaining('审核通过'),
    });
    const detail = await body(get(`/tasks/${ids.taxTask}`, f.dept));
    expect(detail.enterableFacts).toEqual([{ field: 'policyAdjustment', label: '政策影响额', by: ['assessor', 'office'] }]);
    expect((await body(get(`/tasks/${ids.plainTask}`, f.dept))).enterableFacts).toEqual([]);
    expect(detail.enteredFacts).toMatchObject({
      values: { policyAdjustment: 0.5 },
      sources: { policyAdjustment: { via: 'evidence.approve', nodeSeq: 1, role: 'assessor' } },
    });
  });
});

describe('the office sets or corrects facts afterwards (POST /tasks/{id}/facts)', () => {
  it('a correction moves the score, shows in the history as task.facts, and verify and replay stay clean', async () => {
    const v = await version(ids.taxTask);
    const r = await body(post(`/tasks/${ids.taxTask}/facts`, f.supervisor, { expectedVersion: v, policyAdjustment: 0.8, reason: '据税务局复核函更正' }));
    expect(r.version).toBe(v + 1);
    const s = await body(get(`/tasks/${ids.taxTask}/score`, f.supervisor));
    expect(s.score.display).toBe('20.00'); // (11.6 + 0.8) / 12.4 = 1 → 20
    const src = (s.score.explanation.sources as any[]).find((x) => x.field === 'policyAdjustment');
    expect(src).toMatchObject({ value: 0.8, by: 'sup', role: 'supervisor', note: expect.stringContaining('据税务局复核函更正') });
    const h = await body(get(`/tasks/${ids.taxTask}/history?type=task.facts`, f.auditor));
    expect(h.items).toHaveLength(1);
    expect(h.items[0]).toMatchObject({
      type: 'task.facts',
      actor: { role: 'supervisor' },
      data: { facts: { policyAdjustment: 0.8 }, reason: '据税务局复核函更正' },
    });
    const replay = await body(get(`/audit/tasks/${ids.taxTask}/replay?steps=false`, f.auditor));
    expect(replay).toMatchObject({ ok: true, divergence: null, end: { storedSnapshotMatches: true } });
    const verify = await body(get('/audit/verify?replay=true', f.auditor));
    expect(verify.breaks).toEqual([]);
    expect(verify.ok).toBe(true);
  });

  it('the assessor completes sub-item results of a direct sub_items task after approving it', async () => {
    await submitted(ids.itemsTask);
    await body(send(ids.itemsTask, f.assessor, 'evidence.approve', { subItems: { k1: true } }));
    const provisional = await body(get(`/tasks/${ids.itemsTask}/score`, f.assessor));
    expect(provisional.score).toMatchObject({ display: '2.00', status: 'provisional', missing: ['subItems.k2'] });
    await body(
      post(`/tasks/${ids.itemsTask}/facts`, f.assessor, { expectedVersion: await version(ids.itemsTask), subItems: { k2: 3.5 }, reason: '补录台账管理得分' }),
    );
    const s = await body(get(`/tasks/${ids.itemsTask}/score`, f.assessor));
    expect(s.score).toMatchObject({ display: '5.50', status: 'scored' });
  });

  it('refusals write nothing: an unused fact, a bad range, a stale version, a department, no reason', async () => {
    const before = await databaseFingerprint(t.db);
    const v = await version(ids.itemsTask);
    const unused = await post(`/tasks/${ids.itemsTask}/facts`, f.supervisor, { expectedVersion: v, policyAdjustment: 1, reason: '更正' });
    expect(unused.status).toBe(400);
    expect(unused.body.details.fields[0].field).toBe('policyAdjustment');
    const range = await post(`/tasks/${ids.itemsTask}/facts`, f.supervisor, { expectedVersion: v, subItems: { k2: 9 }, reason: '更正' });
    expect(range.status).toBe(400);
    expect(range.body.details.fields[0].field).toBe('subItems.k2');
    const unknownKey = await post(`/tasks/${ids.itemsTask}/facts`, f.supervisor, { expectedVersion: v, subItems: { k9: true }, reason: '更正' });
    expect(unknownKey.body.details.fields[0].field).toBe('subItems.k9');
    const other = await post(`/tasks/${ids.itemsTask}/facts`, f.supervisor, { expectedVersion: v, actual: 3, reason: '更正' });
    expect(other.status).toBe(400);
    expect(other.body.details.fields[0].field).toBe('actual');
    const stale = await post(`/tasks/${ids.itemsTask}/facts`, f.supervisor, { expectedVersion: v - 1, subItems: { k2: 4 }, reason: '更正' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    expect((await post(`/tasks/${ids.itemsTask}/facts`, f.dept, { expectedVersion: v, subItems: { k2: 4 }, reason: '更正' })).status).toBe(403);
    expect((await post(`/tasks/${ids.itemsTask}/facts`, f.supervisor, { expectedVersion: v, subItems: { k2: 4 } })).status).toBe(400);
    expect(await databaseFingerprint(t.db)).toBe(before);
  });

  it('once the plan is closed (scores frozen), a correction is refused with 409 PLAN_CLOSED in Chinese, nothing written', async () => {
    await body(post(`/plans/${P}/status`, f.supervisor, { status: 'closed' }));
    const before = await databaseFingerprint(t.db);
    const res = await post(`/tasks/${ids.taxTask}/facts`, f.supervisor, { expectedVersion: await version(ids.taxTask), policyAdjustment: 0.1, reason: '更正' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PLAN_CLOSED');
    expect(res.body.message).toContain('考核方案已关闭');
    expect(await databaseFingerprint(t.db)).toBe(before);
    const frozen = await body(get(`/tasks/${ids.taxTask}/score`, f.supervisor));
    expect(frozen).toMatchObject({ source: 'frozen', score: { display: '20.00' } });
  });
});
