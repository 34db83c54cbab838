import type { TestApp } from './test-app.js';

export interface PlanFixture {
  planId: string;
  indicatorId: string;
  admin: string;
  supervisor: string;
  dept: string;
  otherDept: string;
  assessor: string;
  auditor: string;
}

/** A plan with two departments, an assessing unit, one indicator and a user per role, made over HTTP (by default p-2026). */
export async function seedPlan(t: TestApp, plan: { id: string; year: number } = { id: 'p-2026', year: 2026 }): Promise<PlanFixture> {
  const admin = await t.createUser('admin', 'admin');
  const post = async (path: string, body: object, auth = admin) => {
    const res = await t.http().post(path).set('authorization', auth).send(body);
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await post('/units', { id: 'u-fgw', name: '县发展和改革局', kind: 'department' });
  await post('/units', { id: 'u-czj', name: '县财政局', kind: 'department' });
  await post('/units', { id: 'u-tjj', name: '县统计局', kind: 'department' });
  await post('/units', { id: 'u-jxb', name: '县绩效办', kind: 'office' });
  const created = await post('/plans', { id: plan.id, year: plan.year, name: `${plan.year}年度绩效考评` });
  await post(`/plans/${created.id}/groups`, { name: '部门组', unitIds: ['u-fgw', 'u-czj'] });
  const indicator = await post('/indicators', {
    planId: plan.id,
    code: 'A1',
    name: '固定资产投资增长',
    points: 10,
    methodCode: 'ratio',
    targetValue: 8,
    targetUnit: '%',
    assessingUnitId: 'u-tjj',
  });
  return {
    planId: plan.id,
    indicatorId: indicator.id,
    admin,
    supervisor: await t.createUser('sup', 'supervisor', 'u-jxb'),
    dept: await t.createUser('fgw', 'department', 'u-fgw'),
    otherDept: await t.createUser('czj', 'department', 'u-czj'),
    assessor: await t.createUser('tjj', 'assessor', 'u-tjj'),
    auditor: await t.createUser('aud', 'auditor'),
  };
}

let indicatorCount = 0;

/** A new task on a new indicator (assessed by 县统计局) for the given unit. */
export async function createTask(t: TestApp, f: PlanFixture, nodes: { seq: number; dueDate: string }[], unitId = 'u-fgw') {
  const code = `T${++indicatorCount}`;
  const ind = await t
    .http()
    .post('/indicators')
    .set('authorization', f.supervisor)
    .send({ planId: f.planId, code, name: `测试指标${code}`, points: 10, methodCode: 'node_platform', assessingUnitId: 'u-tjj' });
  if (ind.status !== 201) throw new Error(`create indicator: ${ind.status} ${JSON.stringify(ind.body)}`);
  const res = await t.http().post('/tasks').set('authorization', f.supervisor).send({ planId: f.planId, indicatorId: ind.body.id, unitId, nodes });
  if (res.status !== 201) throw new Error(`create task: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number; state: string; light: string };
}
