import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from './support/cli.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Sweeps and verifies run as jobs too (issue 11 item 5): 202 + job with `Prefer: respond-async` (or POST
 * /audit/verify), the report as the job's result; who may start a kind may read its jobs, nobody else.
 */
let t: TestApp;
let f: PlanFixture;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
  await createTask(t, f, [{ seq: 1, dueDate: '2026-03-03' }]);
});
afterAll(async () => t?.close());

async function finished(id: string, auth: string) {
  for (;;) {
    const res = await t.http().get(`/jobs/${id}`).set('authorization', auth);
    expect(res.status).toBe(200);
    if (res.body.status !== 'running') return res.body;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('jobs over the API', () => {
  it('a sweep started with Prefer: respond-async answers 202 with its job, whose result is the sweep report', async () => {
    t.clock.set(new Date('2026-03-04T02:00:00.000Z'));
    const res = await t.http().post('/deadlines/sweep').set('authorization', f.supervisor).set('prefer', 'respond-async').send({});
    expect(res.status).toBe(202);
    expect(res.headers['location']).toBe(`/jobs/${res.body.jobId}`);
    const job = await finished(res.body.jobId, f.supervisor);
    expect(job).toMatchObject({ kind: 'sweep', status: 'succeeded', phase: 'sweeping', percent: 100, error: null, result: { due: 1, changed: 1, red: 1 } });
    // Without the header the request answers the report itself, as before.
    const sync = await t.http().post('/deadlines/sweep').set('authorization', f.supervisor).send({});
    expect(sync.status).toBe(200);
    expect(sync.body).toMatchObject({ due: 0, changed: 0 });
  });

  it('POST /audit/verify starts a verify job; an auditor reads it, a department sees no job at all', async () => {
    const res = await t.http().post('/audit/verify?replay=true').set('authorization', f.auditor);
    expect(res.status).toBe(202);
    const job = await finished(res.body.jobId, f.auditor);
    expect(job).toMatchObject({ kind: 'verify', status: 'succeeded', phase: 'replay', startedBy: { role: 'auditor' } });
    expect(job.result).toMatchObject({ ok: true, counts: { tasks: 1, replayed: 1 } });
    expect((await t.http().get(`/jobs/${res.body.jobId}`).set('authorization', f.dept)).status).toBe(404);
    expect((await t.http().get('/jobs').set('authorization', f.dept)).body).toMatchObject({ items: [], total: 0 });
    const auditorJobs = await t.http().get('/jobs').set('authorization', f.auditor);
    expect(auditorJobs.body.items.map((j: { kind: string }) => j.kind)).toEqual(['verify']); // not the sweeps: an auditor may not start one
    expect((await t.http().get('/jobs?kind=nope').set('authorization', f.auditor)).status).toBe(400);
  });

  it('a verify that is refused is answered at once and writes no job', async () => {
    const before = Number(await t.db.value('SELECT count(*) FROM jobs'));
    for (const method of ['post', 'get'] as const) {
      const res = await t.http()[method]('/audit/verify?planId=no-such-plan').set('authorization', f.supervisor);
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect(Number(await t.db.value('SELECT count(*) FROM jobs'))).toBe(before);
  });

  it('the CLI closes a plan as a close job; a close refused before it starts exits 1 and writes no job', async () => {
    const draft = await runCli(['plan', 'close', f.planId], { ...process.env, ...t.env });
    expect([draft.code, draft.stderr]).toEqual([1, expect.stringMatching(/refused: a draft plan cannot become closed/)]); // refused before any job
    expect((await t.http().post(`/plans/${f.planId}/status`).set('authorization', f.supervisor).send({ status: 'published' })).status).toBe(201);
    const r = await runCli(['plan', 'close', f.planId], { ...process.env, ...t.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused: .*scoring set-up/); // checked before the job is written
    const jobs = await t.http().get(`/jobs?kind=close&planId=${f.planId}`).set('authorization', f.supervisor);
    expect(jobs.body.items).toEqual([]);
    expect((await t.http().get(`/plans/${f.planId}`).set('authorization', f.supervisor)).body.status).toBe('published');
  }, 120_000);
});
