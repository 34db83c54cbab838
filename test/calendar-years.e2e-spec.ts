/**
 * Calendars for past years (issue 10 item 8) through the real app: a plan for a shipped year (2018–2027)
 * is created without a warning; a plan whose year has no holiday calendar is created (never refused) with
 * the warning "2017 年无节假日历，按周末计算", and an import into it carries the same warning among its
 * problems — on the dry run already, so the office sees it before committing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/test-app.js';

const WORK_REPORT = readFileSync(join(process.cwd(), 'test/fixtures/imports/work-report.2023-shuangtaizi.part1.txt'));

let t: TestApp;
let auth: string;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  auth = await t.createUser('sup', 'supervisor');
});
afterAll(async () => t?.close());

const createPlan = (id: string, year: number) =>
  t
    .http()
    .post('/plans')
    .set('authorization', auth)
    .send({ id, year, name: `${year}年度考评` });
const dryRun = (planId: string) =>
  t.http().post('/imports').set('authorization', auth).field('plan', planId).field('createUnits', 'true').attach('file', WORK_REPORT, 'work-report.txt');

describe('plans and imports for years without a holiday calendar', () => {
  it.each([2018, 2019, 2020, 2021, 2022, 2023])('a %i plan is created without a calendar warning', async (year) => {
    const res = await createPlan(`p-${year}`, year);
    expect(res.status).toBe(201);
    expect(res.body.warnings).toBeUndefined();
  });

  it('a 2017 plan is created, with the warning naming the year', async () => {
    const res = await createPlan('p-2017', 2017);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'p-2017', year: 2017, status: 'draft' });
    expect(res.body.warnings).toEqual([{ code: 'calendar.unknownYear', year: 2017, message: '2017 年无节假日历，按周末计算' }]);
  });

  it('an import into the 2017 plan warns on the dry run; one into the 2019 plan does not', async () => {
    const y2017 = await dryRun('p-2017');
    expect(y2017.status).toBe(200);
    const warned = (y2017.body.problems as { severity: string; reason: string }[]).filter((p) => p.reason.includes('无节假日历'));
    expect(warned).toEqual([expect.objectContaining({ severity: 'warning', reason: expect.stringMatching(/^2017 年无节假日历，按周末计算/) })]);

    const y2019 = await dryRun('p-2019');
    expect(y2019.status).toBe(200);
    expect((y2019.body.problems as { reason: string }[]).filter((p) => p.reason.includes('无节假日历'))).toEqual([]);
  });
});
