/**
 * The lists the pages read in one request (issue 15): GET /tasks/details gives a page of tasks each as
 * GET /tasks/{id} gives it (a unit's 我的节点 in one request, scoped like every read), and ?q= searches
 * units, users, plans and indicators on the server, its LIKE wildcards taken literally.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: PlanFixture;
const ids: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
  for (let i = 0; i < 3; i++)
    ids.push(
      (
        await createTask(t, f, [
          { seq: 1, dueDate: '2026-06-30' },
          { seq: 2, dueDate: '2026-12-31' },
        ])
      ).id,
    );
  ids.push((await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }], 'u-czj')).id);
}, 60_000);
afterAll(async () => t?.close());

const get = (path: string, auth: string) => t.http().get(path).set('authorization', auth);

describe('GET /tasks/details', () => {
  it("gives each task of the page exactly as GET /tasks/{id} does, only the caller's own unit's for a department", async () => {
    const res = await get(`/tasks/details?planId=${f.planId}&pageSize=200`, f.dept);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 3, page: 1, pageSize: 200 });
    for (const item of res.body.items) {
      const one = await get(`/tasks/${item.id}`, f.dept);
      expect(item).toEqual(one.body);
      expect(item.unitId).toBe('u-fgw');
      expect(item.nodes).toHaveLength(2);
      expect(item.allowedEvents).toContain('task.acknowledge');
    }
    const office = await get(`/tasks/details?planId=${f.planId}&pageSize=2&page=2`, f.supervisor);
    expect(office.body).toMatchObject({ total: 4, page: 2, pageSize: 2 });
    expect(office.body.items).toHaveLength(2);
  });

  it('takes the filters of GET /tasks and refuses what it refuses, naming the field in Chinese', async () => {
    const czj = await get(`/tasks/details?unitId=u-czj`, f.supervisor);
    expect(czj.body.items.map((x: { id: string }) => x.id)).toEqual([ids[3]]);
    const bad = await get(`/tasks/details?light=purple`, f.supervisor);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'light', fields: [{ field: 'light', label: '灯色', message: '不是可选的取值' }] });
  });
});

describe('?q= on the office lists', () => {
  it('finds units by name or alias, users by name, plans and indicators by name or code', async () => {
    const units = await get('/units?q=' + encodeURIComponent('财政'), f.supervisor);
    expect(units.body.items.map((u: { id: string }) => u.id)).toEqual(['u-czj']);
    const users = await get('/users?q=tjj', f.supervisor);
    expect(users.body.items.map((u: { username: string }) => u.username)).toEqual(['tjj']);
    const byRole = await get('/users?role=department', f.supervisor);
    expect(byRole.body.items.map((u: { username: string }) => u.username).sort()).toEqual(['czj', 'fgw']);
    const plans = await get('/plans?q=' + encodeURIComponent('绩效'), f.supervisor);
    expect(plans.body.total).toBe(1);
    const inds = await get(`/indicators?planId=${f.planId}&q=` + encodeURIComponent('固定资产'), f.supervisor);
    expect(inds.body.items.map((i: { code: string }) => i.code)).toEqual(['A1']);
    const byCode = await get(`/indicators?planId=${f.planId}&q=T1`, f.supervisor);
    expect(byCode.body.items.map((i: { code: string }) => i.code)).toEqual(['T1']);
  });

  it('takes % and _ literally (no wildcard search by accident)', async () => {
    expect((await get('/units?q=%25', f.supervisor)).body.total).toBe(0);
    expect((await get('/indicators?q=_', f.supervisor)).body.total).toBe(0);
  });
});
