/**
 * Self-assessment (issue 16 item 3) through the real app: the office sets a window; a unit enters a
 * self-score and note per indicator it carries, uploads its report and submits naming its head; only the
 * head's sign-off makes it final and visible to the office; after the deadline everything is refused with
 * 409 naming the deadline, and nothing is written; the comparison shows self vs assessed with the
 * difference; the events form a hash chain that detects an edited row.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: PlanFixture;
let head: string;
let headId: string;
let taskA: string;
let taskB: string;
let indicators: { indicatorId: string; code: string; points: number }[];

const P = 'p-2026';
const base = `/plans/${P}/self-assessment`;
const get = (path: string, auth: string) => t.http().get(path).set('authorization', auth);
const put = (path: string, body: object, auth: string) => t.http().put(path).set('authorization', auth).send(body);
const post = (path: string, body: object, auth: string) => t.http().post(path).set('authorization', auth).send(body);
const count = async (table: string) => Number(await t.db.value(`SELECT count(*) FROM ${table}`));
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

beforeAll(async () => {
  t = await startTestApp({ now: '2026-11-20T02:00:00.000Z' });
  f = await seedPlan(t);
  head = await t.createUser('fgw-head', 'department', 'u-fgw');
  headId = (await t.db.value<string>(`SELECT id FROM users WHERE username = 'fgw-head'`))!;
  taskA = (await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }], 'u-fgw')).id;
  taskB = (await createTask(t, f, [{ seq: 1, dueDate: '2026-09-30' }], 'u-fgw')).id;
  await createTask(t, f, [{ seq: 1, dueDate: '2026-09-30' }], 'u-czj');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('the window', () => {
  it('is not set at first: entering is refused 409 naming the window, nothing written', async () => {
    const res = await put(`${base}/units/mine`, { items: [] }, f.dept);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('SELF_ASSESSMENT_CLOSED');
    expect(res.body.details).toMatchObject({ state: 'not_set' });
    expect(res.body.message).toMatch(/尚未设定/);
    expect(await count('self_assessments')).toBe(0);
  });

  it("is the office's to set, checked (dates, order), from 00:00 of the first day to 24:00 of the last, Beijing time", async () => {
    expect((await put(`${base}/window`, { opensOn: '2026-12-01', closesOn: '2026-12-15' }, f.dept)).status).toBe(403);
    const bad = await put(`${base}/window`, { opensOn: '2026-12-15', closesOn: '2026-12-01' }, f.supervisor);
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields).toEqual([expect.objectContaining({ field: 'closesOn' })]);
    const wrong = await put(`${base}/window`, { opensOn: '2026-02-30', closesOn: '2026-12-15' }, f.supervisor);
    expect(wrong.status).toBe(400);
    expect(wrong.body.details.fields[0].field).toBe('opensOn');
    const ok = await put(`${base}/window`, { opensOn: '2026-12-01', closesOn: '2026-12-15' }, f.supervisor);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'not_open', opensAt: '2026-11-30T16:00:00.000Z', closesAt: '2026-12-15T16:00:00.000Z' });
    const early = await put(`${base}/units/mine`, { items: [] }, f.dept);
    expect(early.status).toBe(409);
    expect(early.body.message).toContain('2026-12-01 至 2026-12-15');
  });
});

describe('a unit enters, uploads, submits; its head signs', () => {
  it('lists the indicators the unit carries, with nothing entered', async () => {
    t.clock.set('2026-12-02T01:00:00.000Z');
    const res = await get(`${base}/units/mine`, f.dept);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ unitId: 'u-fgw', status: 'none', final: false, pointsTotal: 20, allowed: ['save', 'upload', 'submit'] });
    expect(res.body.items).toHaveLength(2);
    expect(res.body.signerCandidates).toEqual([{ userId: headId, name: 'fgw-head' }]);
    indicators = res.body.items;
    void taskA;
    void taskB;
  });

  it('refuses a score above the indicator points, an indicator of another unit, or three decimals — naming the item, writing nothing', async () => {
    const otherIndicator = await t.db.value<string>(`SELECT indicator_id FROM tasks WHERE unit_id = 'u-czj'`);
    const res = await put(
      `${base}/units/mine`,
      {
        items: [
          { indicatorId: indicators[0]!.indicatorId, selfScore: 11 },
          { indicatorId: otherIndicator, selfScore: 5 },
          { indicatorId: indicators[1]!.indicatorId, selfScore: 1.234 },
        ],
      },
      f.dept,
    );
    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((x: { field: string }) => x.field)).toEqual(['items[0].selfScore', 'items[1].indicatorId', 'items[2].selfScore']);
    expect(res.body.fields[0].message).toContain('0 至 10');
    expect(await count('self_assessments')).toBe(0);
    expect(await count('self_assessment_events')).toBe(0);
  });

  it('saves a draft the office cannot read yet', async () => {
    const res = await put(`${base}/units/mine`, { items: [{ indicatorId: indicators[0]!.indicatorId, selfScore: 9.5, note: '全年完成' }] }, f.dept);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'draft', version: 1, selfTotal: 9.5 });
    const office = await get(`${base}/units/u-fgw`, f.supervisor);
    expect(office.status).toBe(200);
    expect(office.body).toMatchObject({ status: 'draft', final: false, items: null, selfTotal: null });
    // Another unit cannot see it at all.
    expect((await get(`${base}/units/u-fgw`, f.otherDept)).status).toBe(404);
  });

  it('refuses a stale version with 409', async () => {
    const res = await put(`${base}/units/mine`, { version: 0, items: [{ indicatorId: indicators[1]!.indicatorId, selfScore: 8 }] }, f.dept);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('VERSION_CONFLICT');
  });

  it('refuses to submit with an indicator unscored, no report, or the submitter as signer — naming each', async () => {
    const me = await t.db.value<string>(`SELECT id FROM users WHERE username = 'fgw'`);
    const res = await post(`${base}/units/mine/submit`, { signerUserId: me }, f.dept);
    expect(res.status).toBe(400);
    expect(res.body.details.fields.map((x: { field: string }) => x.field)).toEqual([`items.${indicators[1]!.code}`, 'report', 'signerUserId']);
    expect((await get(`${base}/units/mine`, f.dept)).body.status).toBe('draft');
  });

  it('takes the report (an executable named .pdf is refused 415)', async () => {
    const exe = await t
      .http()
      .post(`${base}/units/mine/report`)
      .set('authorization', f.dept)
      .attach('file', Buffer.from('MZ\x90\x00rest-of-an-exe'), 'report.pdf');
    expect(exe.status).toBe(415);
    const res = await t.http().post(`${base}/units/mine/report`).set('authorization', f.dept).attach('file', PDF, '县发改局2026年度自评报告.pdf');
    expect(res.status).toBe(201);
    expect(res.body.report).toMatchObject({ name: '县发改局2026年度自评报告.pdf', size: PDF.length });
  });

  it('submits naming the head; the unit can no longer edit; only the named head may sign', async () => {
    const v = (await get(`${base}/units/mine`, f.dept)).body.version as number;
    expect((await put(`${base}/units/mine`, { version: v, items: [{ indicatorId: indicators[1]!.indicatorId, selfScore: 8 }] }, f.dept)).status).toBe(200);
    const res = await post(`${base}/units/mine/submit`, { signerUserId: headId }, f.dept);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'submitted', signer: { userId: headId } });
    const edit = await put(`${base}/units/mine`, { items: [{ indicatorId: indicators[1]!.indicatorId, selfScore: 10 }] }, f.dept);
    expect(edit.status).toBe(409);
    expect(edit.body.message).toMatch(/等待负责人签认/);
    expect((await post(`${base}/units/mine/sign-off`, {}, f.dept)).status).toBe(403);
    expect((await get(`${base}/units/mine`, head)).body.allowed).toEqual(['sign', 'return']);
  });

  it('the head may return it with a reason; the unit fixes and resubmits; the head signs: final for the office', async () => {
    const back = await post(`${base}/units/mine/return`, { reason: '第2项偏高，请核实' }, head);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ status: 'draft', returnedReason: '第2项偏高，请核实' });
    expect((await put(`${base}/units/mine`, { items: [{ indicatorId: indicators[1]!.indicatorId, selfScore: 7.5 }] }, f.dept)).status).toBe(200);
    expect((await post(`${base}/units/mine/submit`, { signerUserId: headId }, f.dept)).status).toBe(200);
    const signed = await post(`${base}/units/mine/sign-off`, {}, head);
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ status: 'signed', final: true, selfTotal: 17 });
    const office = await get(`${base}/units/u-fgw`, f.supervisor);
    expect(office.body).toMatchObject({ final: true, selfTotal: 17 });
    expect(office.body.items.map((i: { selfScore: number }) => i.selfScore)).toEqual([9.5, 7.5]);
    const list = await get(`${base}/units`, f.supervisor);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    expect(list.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ unitId: 'u-czj', status: 'none', selfTotal: null }),
        expect.objectContaining({ unitId: 'u-fgw', status: 'signed', final: true, selfTotal: 17 }),
      ]),
    );
    expect((await get(`${base}/units`, f.dept)).status).toBe(403);
    const report = await get(`${base}/units/u-fgw/report`, f.supervisor);
    expect(report.status).toBe(200);
    expect(report.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('after the deadline', () => {
  it('refuses every change with 409 naming the deadline, and writes nothing', async () => {
    t.clock.set('2026-12-15T16:00:00.000Z'); // 2026-12-16 00:00 Beijing: the 15th has ended
    const events = await count('self_assessment_events');
    const czj = await put(`${base}/units/mine`, { items: [] }, f.otherDept);
    expect(czj.status).toBe(409);
    expect(czj.body.details).toMatchObject({ state: 'closed', closesOn: '2026-12-15', closesAt: '2026-12-15T16:00:00.000Z' });
    expect(czj.body.message).toBe('自评已于 2026-12-15 截止，不能再修改、提交或签认');
    const upload = await t.http().post(`${base}/units/mine/report`).set('authorization', f.otherDept).attach('file', PDF, 'late.pdf');
    expect(upload.status).toBe(409);
    expect(await count('self_assessment_events')).toBe(events);
    expect(await count('self_assessments')).toBe(1);
    expect((await get(`${base}/units/mine`, f.otherDept)).body.allowed).toEqual([]);
  });
});

describe('self vs assessed', () => {
  it('shows per indicator the self score, the assessed score and the difference, signed assessments only', async () => {
    const groupId = await t.db.value<string>(`SELECT id FROM plan_groups WHERE plan_id = ?`, P);
    const cfg = await put(`/plans/${P}/scoring`, { templateId: 'county-towns', groups: [{ groupId, template: 'towns' }] }, f.supervisor);
    expect(cfg.status).toBe(200);
    const res = await get(`${base}/comparison`, f.supervisor);
    expect(res.status).toBe(200);
    const fgw = res.body.units.find((u: { unitId: string }) => u.unitId === 'u-fgw');
    expect(fgw).toMatchObject({ final: true, selfTotal: 17 });
    for (const l of fgw.lines) {
      expect(typeof l.assessedScore).toBe('number');
      expect(l.difference).toBeCloseTo(l.selfScore - l.assessedScore, 2);
    }
    const czj = res.body.units.find((u: { unitId: string }) => u.unitId === 'u-czj');
    expect(czj).toMatchObject({ status: 'none', selfTotal: null, difference: null });
    // A unit sees its own line only.
    const own = await get(`${base}/comparison`, f.otherDept);
    expect(own.body.units.map((u: { unitId: string }) => u.unitId)).toEqual(['u-czj']);
  });
});

describe('the history', () => {
  it('records every change as a chained event, and detects an edited row', async () => {
    const res = await get(`${base}/units/u-fgw/history`, f.auditor);
    expect(res.status).toBe(200);
    expect(res.body.chainIntact).toBe(true);
    expect(res.body.entries.map((e: { type: string }) => e.type)).toEqual([
      'self-assessment.saved',
      'self-assessment.report-uploaded',
      'self-assessment.saved',
      'self-assessment.submitted',
      'self-assessment.returned',
      'self-assessment.saved',
      'self-assessment.submitted',
      'self-assessment.signed',
    ]);
    // (matched on the message: the driver's error class may come from another test file's realm, so toThrow's instanceof check would not hold)
    await expect(t.db.run(`UPDATE self_assessment_events SET payload = '{}' WHERE seq = 1`)).rejects.toMatchObject({
      message: expect.stringMatching(/append-only/),
    });
    // Past the trigger (as someone with the database's owner rights would): the chain names the edited event.
    await t.db.exec(
      t.db.dialect === 'postgres' ? 'DROP TRIGGER self_assessment_events_no_update ON self_assessment_events' : 'DROP TRIGGER self_assessment_events_no_update',
    );
    await t.db.run(`UPDATE self_assessment_events SET payload = '{"items":[]}' WHERE seq = 3`);
    const after = await get(`${base}/units/u-fgw/history`, f.auditor);
    expect(after.body).toMatchObject({ chainIntact: false, brokenAtSeq: 3 });
  });
});
