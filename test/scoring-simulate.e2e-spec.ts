import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedPlan, type PlanFixture } from './support/fixtures.js';
import { databaseFingerprint, startTestApp, type TestApp } from './support/test-app.js';

/**
 * What-if over HTTP (issue 13 item 7): POST /plans/{id}/scores/simulate applies hypothetical facts to the
 * live scores and writes nothing. Plan "p-sim" (county-towns, 镇街组): three towns, one ratio indicator
 * (10 points, target 20); 甲镇 and 乙镇 approved at 20 and 10, 丙镇 submitted 16, not yet approved.
 */
let t: TestApp;
let f: PlanFixture;
const P = 'p-sim';
const tasks: Record<string, string> = {};

const ok = async (res: PromiseLike<{ status: number; body: any }>, status = [200, 201]) => {
  const r = await res;
  if (!status.includes(r.status)) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const post = (path: string, auth: string, payload: object) => t.http().post(path).set('authorization', auth).send(payload);
const get = (path: string, auth: string) => t.http().get(path).set('authorization', auth);
async function send(taskId: string, auth: string, type: string, payload?: object) {
  const task = await ok(get(`/tasks/${taskId}`, f.supervisor));
  return ok(post(`/tasks/${taskId}/events`, auth, { type, expectedVersion: task.version, payload }));
}
const simulate = (changes: object[], auth = f.supervisor) => post(`/plans/${P}/scores/simulate`, auth, { changes });

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
  for (const [id, name] of [
    ['u-a', '甲镇'],
    ['u-b', '乙镇'],
    ['u-c', '丙镇'],
  ])
    await ok(post('/units', f.admin, { id, name, kind: 'town' }));
  await ok(post('/plans', f.admin, { id: P, year: 2026, name: '2026年度镇街考评' }));
  await ok(post(`/plans/${P}/groups`, f.admin, { name: '镇街组', kind: 'towns', unitIds: ['u-a', 'u-b', 'u-c'] }));
  await ok(post(`/plans/${P}/status`, f.supervisor, { status: 'published' }));
  const ind = (
    await ok(
      post('/indicators', f.supervisor, {
        planId: P,
        code: 'R1',
        name: '招商引资',
        points: 10,
        methodCode: 'ratio',
        targetValue: 20,
        assessingUnitId: 'u-tjj',
      }),
    )
  ).id;
  const depts: Record<string, string> = {};
  for (const u of ['u-a', 'u-b', 'u-c']) {
    depts[u] = await t.createUser(`d-${u}`, 'department', u);
    tasks[u] = (await ok(post('/tasks', f.supervisor, { planId: P, indicatorId: ind, unitId: u, nodes: [{ seq: 1, dueDate: '2026-06-30' }] }))).id;
    await send(tasks[u], depts[u], 'task.acknowledge');
  }
  for (const [u, v] of [
    ['u-a', 20],
    ['u-b', 10],
    ['u-c', 16],
  ] as const)
    await send(tasks[u], depts[u], 'evidence.submit', { completedValue: v });
  await send(tasks['u-a'], f.assessor, 'evidence.approve', { reviewedValue: 20 });
  await send(tasks['u-b'], f.assessor, 'evidence.approve', { reviewedValue: 10 });
  await ok(t.http().put(`/plans/${P}/scoring`).set('authorization', f.supervisor).send({ templateId: 'county-towns' }));
}, 60_000);
afterAll(async () => t?.close());

describe('POST /plans/{id}/scores/simulate', () => {
  it('a node approved: the changed totals, ranks and indicator scores with explanations, and nothing written', async () => {
    const live = await ok(get(`/plans/${P}/scores?source=live`, f.supervisor));
    const before = await databaseFingerprint(t.db);
    const r = await ok(simulate([{ type: 'node_approved', taskId: tasks['u-c'], value: 16, completesTask: true }]));
    expect(r.hypothetical).toBe(true);
    expect(r.applied).toHaveLength(1);
    const c = r.changes.find((x: any) => x.unitId === 'u-c');
    expect(c.indicators).toEqual([expect.objectContaining({ before: '0.00', after: '8.00' })]);
    expect(c.final.deltaDisplay).toMatch(/^\+/);
    expect(c.explanation.after).toBeDefined();
    expect(c.rank).toEqual({ before: 3, after: 2 });
    const after = r.after[0].units.map((u: any) => [u.unitId, u.rank]);
    expect(after).toEqual([
      ['u-a', 1],
      ['u-c', 2],
      ['u-b', 3],
    ]);
    expect(await databaseFingerprint(t.db)).toBe(before);
    expect(await t.db.one('SELECT count(*) AS n FROM score_runs')).toEqual({ n: 0 });
    // The live scores are as they were.
    expect(await ok(get(`/plans/${P}/scores?source=live`, f.supervisor))).toMatchObject({
      groups: [{ units: live.groups[0].units.map((u: any) => expect.objectContaining({ unitId: u.unitId, finalDisplay: u.finalDisplay })) }],
    });
  });

  it('a template weight changed: every unit whose total moves is listed', async () => {
    const r = await ok(
      simulate([{ type: 'part_weights', templateId: 'county-towns', group: 'towns', part: 'total', weights: { indicators: 0.8, comprehensive: 0.2 } }]),
    );
    expect(r.changes.map((x: any) => x.unitId).sort()).toEqual(['u-a', 'u-b']); // 丙镇 has 0 indicator points: 0 × any weight
    expect(r.applied[0].label).toMatch(/权重|weights|0\.8/);
  });

  it('a ballot changed is simulated too (checked like a real one: a strict quota broken is 422)', async () => {
    const r = await ok(
      simulate([
        {
          type: 'ballot_set',
          ballot: {
            groupId: (await ok(get(`/plans/${P}/groups`, f.supervisor)))[0].id,
            evaluator: 'office',
            evaluatorId: '绩效办',
            entries: [
              { unitId: 'u-a', score: 80 },
              { unitId: 'u-b', score: 100 },
              { unitId: 'u-c', score: 90 },
            ],
          },
        },
      ]),
    );
    expect(r.changes.length).toBeGreaterThan(0);
    const gid = (await ok(get(`/plans/${P}/groups`, f.supervisor)))[0].id;
    const quota = await simulate([
      {
        type: 'ballot_set',
        ballot: {
          groupId: gid,
          evaluator: 'leaders',
          evaluatorId: '县长',
          entries: [
            { unitId: 'u-a', grade: '优秀' },
            { unitId: 'u-b', grade: '优秀' },
            { unitId: 'u-c', grade: '优秀' },
          ],
        },
      },
    ]);
    expect(quota.status).toBe(422);
    expect(quota.body.code).toBe('BALLOT_QUOTA_EXCEEDED');
  });

  it('refuses a change that does not apply with 400 naming it, and is for the office only', async () => {
    const bad = await simulate([{ type: 'node_approved', taskId: 'nope', value: 1 }]);
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields[0].field).toMatch(/^changes\[0\]/);
    const type = await simulate([{ type: 'teleport' }]);
    expect(type.body.details.fields[0].field).toBe('changes[0].type');
    expect((await post(`/plans/${P}/scores/simulate`, f.supervisor, { changes: [] })).status).toBe(400);
    expect((await simulate([{ type: 'red_light_excused', taskId: tasks['u-a'] }], f.dept)).status).toBe(403);
  });
});
