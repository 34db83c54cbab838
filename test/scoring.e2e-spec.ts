import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { DeadlineSweeper } from '../src/deadlines/deadline-sweeper.service.js';
import { seedPlan, type PlanFixture } from './support/fixtures.js';
import { databaseFingerprint, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Scoring over HTTP on a small plan walked through the real write path: provisional scores while the
 * plan is open, refusals (quota, own-unit rating, bad method parameters), closing freezes the scores and
 * records task.close / task.score in the task histories, an explicit recorded re-score, exports.
 *
 * Plan "p-score" (template county-towns, group 镇街组 of kind "towns"): units 发改局 (u-fgw), 财政局 (u-czj),
 * 红旗镇 (u-hq). Indicators: R1 ratio 10 points target 20; N1 node platform 30 points; D1 direct
 * 0.5 per occurrence, 5 points.
 */
let t: TestApp;
let f: PlanFixture;
const P = 'p-score';
const tasks: Record<string, string> = {};
const groupOf: { id: string } = { id: '' };

const body = async (res: Promise<{ status: number; body: unknown }>, status = [200, 201]) => {
  const r = await res;
  if (!status.includes(r.status)) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Record<string, any>;
};
const post = (path: string, auth: string, payload: object) => t.http().post(path).set('authorization', auth).send(payload);
const get = (path: string, auth: string) => t.http().get(path).set('authorization', auth);

async function send(taskId: string, auth: string, type: string, payload?: object) {
  const task = await body(get(`/tasks/${taskId}`, f.supervisor));
  return body(post(`/tasks/${taskId}/events`, auth, { type, expectedVersion: task.version, payload }));
}

async function indicator(code: string, points: number, methodCode: string, extra: object = {}) {
  return (await body(post('/indicators', f.supervisor, { planId: P, code, name: `指标${code}`, points, methodCode, assessingUnitId: 'u-tjj', ...extra })))
    .id as string;
}

async function task(indicatorId: string, unitId: string, dues: string[]) {
  const r = await body(post('/tasks', f.supervisor, { planId: P, indicatorId, unitId, nodes: dues.map((dueDate, i) => ({ seq: i + 1, dueDate })) }));
  return r.id as string;
}

/** Acknowledge, then submit and approve each node in turn. */
async function walk(taskId: string, dept: string, values: (number | null)[]) {
  await send(taskId, dept, 'task.acknowledge');
  for (const v of values) {
    await send(taskId, dept, 'evidence.submit', v === null ? { note: '已完成', offline: true } : { completedValue: v });
    await send(taskId, f.assessor, 'evidence.approve', v === null ? { comment: '同意' } : { reviewedValue: v, comment: '审定' });
  }
}

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
  await body(post('/units', f.admin, { id: 'u-hq', name: '红旗镇', kind: 'town' }));
  await body(post('/plans', f.admin, { id: P, year: 2026, name: '2026年度镇街绩效考评' }));
  groupOf.id = (await body(post(`/plans/${P}/groups`, f.admin, { name: '镇街组', kind: 'towns', unitIds: ['u-fgw', 'u-czj', 'u-hq'] }))).id;
  await body(post(`/plans/${P}/status`, f.supervisor, { status: 'published' }));

  const r1 = await indicator('R1', 10, 'ratio', { targetValue: 20, targetUnit: '亿元' });
  const n1 = await indicator('N1', 30, 'node_platform');
  const d1 = await indicator('D1', 5, 'direct', { methodParams: { mode: 'per_occurrence', deductionPerOccurrence: 0.5 } });
  tasks.r1fgw = await task(r1, 'u-fgw', ['2026-06-30']);
  tasks.r1czj = await task(r1, 'u-czj', ['2026-06-30']);
  tasks.r1hq = await task(r1, 'u-hq', ['2026-06-30']);
  tasks.n1fgw = await task(n1, 'u-fgw', ['2026-03-04', '2026-09-30']);
  tasks.n1czj = await task(n1, 'u-czj', ['2026-04-30', '2026-09-30']);
  tasks.d1fgw = await task(d1, 'u-fgw', ['2026-12-31']);
  tasks.d1hq = await task(d1, 'u-hq', ['2026-12-31']);

  await walk(tasks.r1fgw, f.dept, [18]); // 10 × 18 / 20 = 9.00
  await walk(tasks.r1czj, f.otherDept, [22]); // capped at 10.00
  await walk(tasks.d1fgw, f.dept, [3]); // 5 − 3 × 0.5 = 3.50
  await walk(tasks.n1czj, f.otherDept, [null, null]); // 30, completed
  await send(tasks.n1fgw, f.dept, 'task.acknowledge');
  // The first node of n1fgw passes its due day unapproved: red.
  t.clock.set('2026-03-05T01:00:00.000Z');
  await t.app.get(DeadlineSweeper).sweep();
  await walk(tasks.r1hq, await t.createUser('hq', 'department', 'u-hq'), []);
}, 60_000);
afterAll(async () => t?.close());

describe('method parameters are checked when an indicator is created', () => {
  it('refuses bad parameters with 400 naming the field, and writes nothing', async () => {
    const before = await databaseFingerprint(t.db);
    const res = await post('/indicators', f.supervisor, {
      planId: P,
      code: 'BAD',
      name: 'x',
      points: 5,
      methodCode: 'direct',
      methodParams: { mode: 'per_occurrence' },
    });
    expect(res.status).toBe(400);
    expect(res.body.details.fields).toEqual([{ field: 'methodParams.deductionPerOccurrence', reason: expect.stringMatching(/required/) }]);
    const unknown = await post('/indicators', f.supervisor, {
      planId: P,
      code: 'BAD',
      name: 'x',
      points: 5,
      methodCode: 'ratio',
      methodParams: { weight: 0.9 },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details.fields[0].field).toBe('methodParams.weight');
    const clash = await post('/indicators', f.supervisor, {
      planId: P,
      code: 'BAD',
      name: 'x',
      points: 5,
      methodCode: 'ratio',
      direction: 'lower',
      methodParams: { direction: 'higher' },
    });
    expect(clash.status).toBe(400);
    expect(clash.body.details.fields[0].field).toBe('methodParams.direction');
    expect(await databaseFingerprint(t.db)).toBe(before);
    expect(await t.db.one(`SELECT count(*) AS n FROM indicators WHERE code = 'BAD'`)).toEqual({ n: 0 });
  });
});

describe('scoring set-up', () => {
  it('answers 409 SCORING_NOT_CONFIGURED before a template is chosen, and closing is refused with nothing written', async () => {
    const res = await get(`/plans/${P}/scores`, f.supervisor);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('SCORING_NOT_CONFIGURED');
    const before = await databaseFingerprint(t.db);
    const close = await post(`/plans/${P}/status`, f.supervisor, { status: 'closed' });
    expect(close.status).toBe(409);
    expect(close.body.code).toBe('SCORING_NOT_CONFIGURED');
    expect(await databaseFingerprint(t.db)).toBe(before);
    expect((await body(get(`/plans/${P}`, f.supervisor))).status).toBe('published');
  });

  it('refuses an unknown template or template group naming the field', async () => {
    const a = await t.http().put(`/plans/${P}/scoring`).set('authorization', f.supervisor).send({ templateId: 'nope' });
    expect(a.status).toBe(400);
    expect(a.body.details.fields[0].field).toBe('templateId');
    const b = await t
      .http()
      .put(`/plans/${P}/scoring`)
      .set('authorization', f.supervisor)
      .send({ templateId: 'county-towns', groups: [{ groupId: groupOf.id, template: 'villages' }] });
    expect(b.status).toBe(400);
    expect(b.body.details.fields[0].field).toBe('groups[0].template');
    const dept = await t.http().put(`/plans/${P}/scoring`).set('authorization', f.dept).send({ templateId: 'county-towns' });
    expect(dept.status).toBe(403);
  });

  it('takes the template and finds the group by its kind', async () => {
    const cfg = await body(t.http().put(`/plans/${P}/scoring`).set('authorization', f.supervisor).send({ templateId: 'county-towns' }));
    expect(cfg.groups).toEqual([expect.objectContaining({ groupId: groupOf.id, template: 'towns', how: 'kind', templateName: '镇街组' })]);
  });
});

describe('comprehensive evaluation ballots', () => {
  it('refuses a leaders’ ballot that breaks its quota with 422 naming the grade and the counts; nothing is written', async () => {
    const n = async () => await t.db.one('SELECT count(*) AS n FROM score_ballots');
    const before = await n();
    const res = await post(`/plans/${P}/ballots`, f.supervisor, {
      groupId: groupOf.id,
      evaluator: 'leaders',
      evaluatorId: '县长',
      entries: [
        { unitId: 'u-fgw', grade: '优秀' },
        { unitId: 'u-czj', grade: '优秀' },
        { unitId: 'u-hq', grade: '良好' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('BALLOT_QUOTA_EXCEEDED');
    expect(res.body.detail).toMatch(/grade "优秀" given to 2 unit\(s\), at most 1 allowed \(30% of 3 rated units/);
    expect(res.body.details.quota).toContainEqual({ grade: '优秀', percent: 30, allowed: 1, given: 2 });
    expect(await n()).toEqual(before);
  });

  it('refuses a department rating its own unit (403), and a ballot entered for a unit rating that unit', async () => {
    const before = await databaseFingerprint(t.db);
    const own = await post(`/plans/${P}/ballots`, f.dept, {
      groupId: groupOf.id,
      evaluator: 'peers',
      entries: [
        { unitId: 'u-fgw', grade: '优秀' },
        { unitId: 'u-czj', grade: '良好' },
        { unitId: 'u-hq', grade: '一般' },
      ],
    });
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('BALLOT_SELF_RATING');
    expect(own.body.details.fields).toEqual([{ field: 'entries[0].unitId', reason: expect.stringMatching(/own unit/) }]);
    const onBehalf = await post(`/plans/${P}/ballots`, f.supervisor, {
      groupId: groupOf.id,
      evaluator: 'peers',
      evaluatorId: 'u-czj',
      evaluatorUnitId: 'u-czj',
      entries: [
        { unitId: 'u-czj', grade: '优秀' },
        { unitId: 'u-fgw', grade: '良好' },
      ],
    });
    expect(onBehalf.status).toBe(403);
    const leadersByDept = await post(`/plans/${P}/ballots`, f.dept, {
      groupId: groupOf.id,
      evaluator: 'leaders',
      entries: [{ unitId: 'u-czj', grade: '优秀' }],
    });
    expect(leadersByDept.status).toBe(403);
    const incomplete = await post(`/plans/${P}/ballots`, f.dept, { groupId: groupOf.id, evaluator: 'peers', entries: [{ unitId: 'u-czj', grade: '优秀' }] });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.details.fields[0]).toMatchObject({ field: 'entries', reason: expect.stringMatching(/not rated: u-hq/) });
    expect((await databaseFingerprint(t.db)) + JSON.stringify(await t.db.one('SELECT count(*) AS n FROM score_ballots'))).toBe(
      before + JSON.stringify({ n: 0 }),
    );
  });

  it('accepts valid ballots; a second ballot of the same evaluator supersedes the first', async () => {
    const leaders = { groupId: groupOf.id, evaluator: 'leaders', evaluatorId: '县长' };
    const first = await body(
      post(`/plans/${P}/ballots`, f.supervisor, {
        ...leaders,
        entries: [
          { unitId: 'u-fgw', grade: '良好' },
          { unitId: 'u-czj', grade: '优秀' },
          { unitId: 'u-hq', grade: '良好' },
        ],
      }),
    );
    const second = await body(
      post(`/plans/${P}/ballots`, f.supervisor, {
        ...leaders,
        entries: [
          { unitId: 'u-fgw', grade: '优秀' },
          { unitId: 'u-czj', grade: '良好' },
          { unitId: 'u-hq', grade: '良好' },
        ],
      }),
    );
    expect(second).toMatchObject({ supersedes: first.id, countsFrom: 'live', evaluatorUnitId: null });
    await body(
      post(`/plans/${P}/ballots`, f.supervisor, {
        groupId: groupOf.id,
        evaluator: 'office',
        evaluatorId: '县绩效办',
        entries: [
          { unitId: 'u-fgw', score: 90 },
          { unitId: 'u-czj', score: 80 },
          { unitId: 'u-hq', score: 70 },
        ],
      }),
    );
    const peer = await body(
      post(`/plans/${P}/ballots`, f.dept, {
        groupId: groupOf.id,
        evaluator: 'peers',
        entries: [
          { unitId: 'u-czj', grade: '优秀' },
          { unitId: 'u-hq', grade: '良好' },
        ],
      }),
    );
    expect(peer).toMatchObject({ evaluatorId: 'u-fgw', evaluatorUnitId: 'u-fgw' });
    await body(
      post(`/plans/${P}/ballots`, f.otherDept, {
        groupId: groupOf.id,
        evaluator: 'peers',
        entries: [
          { unitId: 'u-fgw', grade: '优秀' },
          { unitId: 'u-hq', grade: '良好' },
        ],
      }),
    );
    const all = await body(get(`/plans/${P}/ballots?all=true`, f.auditor));
    expect((all as unknown as unknown[]).length).toBe(5);
    const mine = (await body(get(`/plans/${P}/ballots`, f.dept))) as unknown as { evaluatorUnitId: string }[];
    expect(mine.map((b) => b.evaluatorUnitId)).toEqual(['u-fgw']);
  });

  it('records a bonus for a unit from the catalogue and refuses an unknown item naming the field', async () => {
    const bad = await post(`/plans/${P}/unit-events`, f.supervisor, { unitId: 'u-fgw', type: 'bonus', item: 'gold_medal' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields[0].field).toBe('item');
    const dept = await post(`/plans/${P}/unit-events`, f.dept, { unitId: 'u-fgw', type: 'bonus', item: 'national_comprehensive_commendation' });
    expect(dept.status).toBe(403);
    const ok = await body(
      post(`/plans/${P}/unit-events`, f.supervisor, { unitId: 'u-fgw', type: 'bonus', item: 'national_comprehensive_commendation', note: '国务院表彰' }),
    );
    expect(ok).toMatchObject({ itemName: '获国家级综合性表彰', points: null, countsFrom: 'live' });
  });
});

describe('provisional scores over HTTP', () => {
  it('scores every indicator with its explanation, composes, ranks and grades the group', async () => {
    const s = await body(get(`/plans/${P}/scores?detail=full`, f.supervisor));
    expect(s).toMatchObject({ source: 'live', run: null, templateId: 'county-towns', provisional: true, planStatus: 'published' });
    const fgw = (s.units as any[]).find((u) => u.unitId === 'u-fgw');
    const byCode = Object.fromEntries(fgw.indicators.map((i: any) => [i.name.split(' ')[0], i]));
    expect(byCode.R1).toMatchObject({ display: '9.00', status: 'scored', explanation: { formula: expect.stringContaining('18') } });
    expect(byCode.D1).toMatchObject({ display: '3.50', status: 'scored' });
    expect(byCode.N1).toMatchObject({ display: '15.00', explanation: { inputs: { nodes: 2, redNodes: 1 } } });
    // 70% indicators (27.5 of 45) + 30% × (leaders 95 × 75% + office 90 × 15% + peers 95 × 10%), + 1 bonus.
    const comprehensive = 95 * 0.75 + 90 * 0.15 + 95 * 0.1;
    const composite = ((9 + 15 + 3.5) / 45) * 100 * 0.7 + comprehensive * 0.3;
    expect(fgw.composite).toBeCloseTo(composite, 9);
    expect(fgw.final).toBeCloseTo(composite + 1, 9);
    expect(fgw.adjustments.bonus.total).toBe(1);
    // 红旗镇 has no approved value yet: its ratio score is provisional, and it takes the group average for N1.
    const hq = (s.units as any[]).find((u) => u.unitId === 'u-hq');
    expect(hq.indicators.find((i: any) => i.name.startsWith('R1'))).toMatchObject({ status: 'provisional', missing: ['actual'] });
    expect(hq.indicators.find((i: any) => i.name.startsWith('N1'))).toMatchObject({ status: 'group_average', score: 22.5 });
    const group = (s.groups as any[])[0];
    expect(group.units.map((u: any) => u.rank)).toEqual([1, 2, 3]);
    expect(group.units.map((u: any) => u.grade)).toEqual(['优秀', '良好', '良好']);
  });

  it('shows one unit’s scorecard and one task’s score with its explanation', async () => {
    const card = await body(get(`/plans/${P}/units/u-fgw/scorecard`, f.dept));
    expect(card).toMatchObject({
      source: 'live',
      groupName: '镇街组',
      groupSize: 3,
      scorecard: { unitId: 'u-fgw', explanation: { total: expect.any(String), rank: expect.stringContaining('第') } },
    });
    const ts = await body(get(`/tasks/${tasks.r1fgw}/score`, f.assessor));
    expect(ts).toMatchObject({
      source: 'live',
      state: 'completed',
      score: { display: '9.00', explanation: { method: { code: 'ratio', name: '完成比例计分法' }, inputs: { points: 10, target: 20, actual: 18 } } },
    });
  });

  it('scopes what a department and an assessor see', async () => {
    const own = await body(get(`/plans/${P}/scores`, f.dept));
    expect((own.groups as any[]).flatMap((g) => g.units.map((u: any) => u.unitId))).toEqual(['u-fgw']);
    expect((await get(`/plans/${P}/units/u-czj/scorecard`, f.dept)).status).toBe(404);
    expect((await get(`/plans/${P}/scores`, f.assessor)).status).toBe(403);
    expect((await get(`/tasks/${tasks.r1czj}/score`, f.dept)).status).toBe(404);
  });
});

describe('closing the plan freezes the scores', () => {
  let frozenFinal: number;

  it('closes live tasks and scores every finished one through the write path, in the task histories', async () => {
    const live = await body(get(`/plans/${P}/scores`, f.supervisor));
    const closed = await body(post(`/plans/${P}/status`, f.supervisor, { status: 'closed' }));
    expect(closed.status).toBe('closed');

    const states = await t.db.all('SELECT state, count(*) AS n FROM tasks WHERE plan_id = ? GROUP BY state', P);
    expect(states).toEqual([{ state: 'scored', n: 7 }]);

    const history = async (id: string) => (await body(get(`/tasks/${id}/history?pageSize=200`, f.auditor))).items as any[];
    const hq = await history(tasks.r1hq);
    expect(hq.slice(-2).map((e) => e.type)).toEqual(['task.close', 'task.score']);
    expect(hq.at(-2)).toMatchObject({ actor: { role: 'supervisor' }, data: { reason: expect.stringContaining('考核方案关闭') } });
    const fgw = await history(tasks.r1fgw);
    expect(fgw.at(-1)).toMatchObject({ type: 'task.score', data: { score: 9, note: expect.stringContaining('完成比例计分法') } });
    expect((await history(tasks.n1fgw)).slice(-2).map((e) => e.type)).toEqual(['task.close', 'task.score']);
    // The frozen histories replay to the stored snapshots, chains intact.
    for (const id of [tasks.r1hq, tasks.r1fgw]) {
      const replay = await body(get(`/audit/tasks/${id}/replay?steps=false`, f.auditor));
      expect(replay).toMatchObject({ ok: true, divergence: null, end: { storedSnapshotMatches: true } });
    }

    const frozen = await body(get(`/plans/${P}/scores`, f.supervisor));
    expect(frozen).toMatchObject({ source: 'frozen', run: { id: 1, kind: 'close', actor: { role: 'supervisor', username: 'sup' } } });
    const unit = (g: any) => g.units.find((u: any) => u.unitId === 'u-fgw');
    frozenFinal = unit(frozen.groups[0]).final;
    expect(frozenFinal).toBeCloseTo(unit(live.groups[0]).final, 9);
  });

  it('publishes the frozen rankings to departments, but not other units’ breakdowns', async () => {
    const s = await body(get(`/plans/${P}/scores?detail=full`, f.dept));
    expect((s.groups as any[])[0].units).toHaveLength(3);
    expect((s.units as any[]).map((u) => u.unitId)).toEqual(['u-fgw']);
  });

  it('keeps frozen scores when something changes later, until an explicit re-score records who, why and what changed', async () => {
    const veto = await body(
      post(`/plans/${P}/unit-events`, f.supervisor, { unitId: 'u-czj', type: 'veto', item: 'major_safety_accident', note: '省安委办通报' }),
    );
    expect(veto.countsFrom).toBe('next re-score');
    const stillFrozen = await body(get(`/plans/${P}/scores`, f.supervisor));
    expect(stillFrozen.run.id).toBe(1);
    expect((stillFrozen.groups as any[])[0].units.find((u: any) => u.unitId === 'u-czj').result).toBe('passed');
    const live = await body(get(`/plans/${P}/scores?source=live`, f.supervisor));
    expect((live.groups as any[])[0].units.find((u: any) => u.unitId === 'u-czj').result).toBe('failed');

    const noReason = await post(`/plans/${P}/rescore`, f.supervisor, {});
    expect(noReason.status).toBe(400);
    expect((await post(`/plans/${P}/rescore`, f.dept, { reason: 'x' })).status).toBe(403);
    expect((await post(`/plans/p-2026/rescore`, f.supervisor, { reason: 'x' })).status).toBe(409);

    const events = await t.db.one('SELECT count(*) AS n FROM task_events');
    const run = await body(post(`/plans/${P}/rescore`, f.supervisor, { reason: '红旗镇以外：财政局发生重大安全事故，一票否决' }));
    expect(run).toMatchObject({ id: 2, kind: 'rescore', reason: expect.stringContaining('一票否决'), actor: { username: 'sup' } });
    expect(run.changes.previousRunId).toBe(1);
    expect(run.changes.units).toContainEqual(
      expect.objectContaining({
        unitId: 'u-czj',
        before: expect.objectContaining({ result: 'passed' }),
        after: expect.objectContaining({ result: 'failed', grade: '较差', rank: 3 }),
      }),
    );
    // Tasks are already scored (final): a re-score adds no task event.
    expect(await t.db.one('SELECT count(*) AS n FROM task_events')).toEqual(events);

    const runs = (await body(get(`/plans/${P}/score-runs`, f.auditor))) as unknown as any[];
    expect(runs.map((r) => [r.id, r.kind])).toEqual([
      [2, 'rescore'],
      [1, 'close'],
    ]);
    const first = await body(get(`/plans/${P}/scores?runId=1`, f.supervisor));
    expect((first.groups as any[])[0].units.find((u: any) => u.unitId === 'u-czj').result).toBe('passed');
    await expect(t.db.run('UPDATE unit_scores SET final = 0')).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
  });

  it('exports the score sheet as an .xlsx with one sheet per group, a breakdown and Chinese headers', async () => {
    const res = await t
      .http()
      .get(`/plans/${P}/scores/export?format=xlsx`)
      .set('authorization', f.supervisor)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['镇街组', '得分明细', '说明']);
    const sheet = wb.getWorksheet('镇街组')!;
    expect((sheet.getRow(1).values as unknown[])[1]).toBe('2026年度镇街绩效考评 镇街组考核成绩表');
    expect((sheet.getRow(2).values as unknown[])[1]).toMatch(
      /^考核方案：2026年度镇街绩效考评（p-score）　成绩来源：冻结成绩（第 2 次，重新计分）　计算时间：2026年\d+月\d+日 \d\d:\d\d:\d\d（北京时间）$/,
    );
    expect(sheet.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToWidth: 1, printTitlesRow: '3:3' });
    const headers = (sheet.getRow(3).values as unknown[]).slice(1);
    expect(headers).toEqual([
      '排名',
      '单位',
      '业务指标考核（70%）',
      '综合评价（30%）',
      '综合得分',
      '加分',
      '减分',
      '负面清单扣分',
      '最终得分',
      '等次',
      '结果',
      '是否暂定',
      '计算说明',
    ]);
    expect(sheet.rowCount).toBe(6);
    const rows = [4, 5, 6].map((i) => (sheet.getRow(i).values as unknown[]).slice(1));
    const fgw = rows.find((r) => r[1] === '县发展和改革局')!;
    expect(fgw[8]).toBe(Math.round(frozenFinal * 100) / 100);
    expect(rows.find((r) => r[1] === '县财政局')![10]).toBe('否决（不合格）');
    const breakdown = wb.getWorksheet('得分明细')!;
    expect((breakdown.getRow(3).values as unknown[]).slice(1)).toEqual(['分组', '单位', '类别', '项目', '计分方法', '分值/权重', '得分', '状态', '计算过程']);
    const lines = breakdown
      .getSheetValues()
      .slice(4)
      .map((r) => (r as unknown[]).slice(1));
    expect(lines).toContainEqual(['镇街组', '县发展和改革局', '指标', 'R1 指标R1', '完成比例计分法', 10, 9, '已计分', expect.stringContaining('18')]);
    const bonus = lines.find((l) => l[1] === '县发展和改革局' && l[2] === '加分')!;
    expect([bonus[3], bonus[6], bonus[8]]).toEqual(['获国家级综合性表彰（1 次）', 1, '1 = 1.00']);
    expect(lines.some((l) => l[2] === '否决项' && l[1] === '县财政局')).toBe(true);
  });

  it('exports CSV (UTF-8 with BOM) and refuses departments', async () => {
    const res = await get(`/plans/${P}/scores/export?format=csv`, f.supervisor);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const text = res.text;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('2026年度镇街绩效考评 考核成绩表');
    expect(lines[1]).toMatch(/计算时间：2026年\d+月\d+日 \d\d:\d\d:\d\d（北京时间）$/);
    expect(lines[2]).toBe('分组,排名,单位,综合得分,加分,减分,负面清单扣分,最终得分,等次,结果,是否暂定,计算说明');
    expect(lines).toHaveLength(6);
    const breakdown = await get(`/plans/${P}/scores/export?format=csv&sheet=breakdown&runId=1`, f.auditor);
    expect(breakdown.status).toBe(200);
    expect(breakdown.text).toContain('完成比例计分法');
    expect((await get(`/plans/${P}/scores/export`, f.dept)).status).toBe(403);
  });
});

describe('facts from the snapshot: the latest approved node, and earlier ones when it has no value', () => {
  it('reads a live task’s previous node, falls back past a node without a value, and honours a lower-is-better direction', async () => {
    const PD = f.planId; // p-2026: group 部门组 (kind department) → county-departments, group "economic"
    const groups = (await body(get(`/plans/${PD}/groups`, f.supervisor))) as unknown as { id: string }[];
    const mk = async (code: string, extra: object) =>
      (
        await body(
          post('/indicators', f.supervisor, { planId: PD, code, name: `指标${code}`, points: 10, methodCode: 'ratio', assessingUnitId: 'u-tjj', ...extra }),
        )
      ).id as string;
    const higher = await mk('F1', { targetValue: 10 });
    const lower = await mk('F2', { targetValue: 4, direction: 'lower' });
    const make = async (ind: string, n: number) =>
      (
        await body(
          post('/tasks', f.supervisor, {
            planId: PD,
            indicatorId: ind,
            unitId: 'u-czj',
            nodes: Array.from({ length: n }, (_, i) => ({ seq: i + 1, dueDate: `2026-1${i}-30` })),
          }),
        )
      ).id as string;
    const a = await make(higher, 3);
    await send(a, f.otherDept, 'task.acknowledge');
    await send(a, f.otherDept, 'evidence.submit', { completedValue: 6.2 });
    await send(a, f.assessor, 'evidence.approve', { reviewedValue: 6 });
    await send(a, f.otherDept, 'evidence.submit', { offline: true, note: '项目已开工' });
    await send(a, f.assessor, 'evidence.approve', { comment: '同意' }); // node 2 approved without a value
    const b = await make(lower, 2);
    await send(b, f.otherDept, 'task.acknowledge');
    await send(b, f.otherDept, 'evidence.submit', { completedValue: 5 });
    await send(b, f.assessor, 'evidence.approve', {}); // no reviewed value: the approved submission's value counts
    await body(
      t
        .http()
        .put(`/plans/${PD}/scoring`)
        .set('authorization', f.supervisor)
        .send({
          templateId: 'county-departments',
          groups: [{ groupId: groups[0].id, template: 'economic' }],
        }),
    );
    const sa = await body(get(`/tasks/${a}/score`, f.supervisor));
    expect(sa.score).toMatchObject({ display: '6.00', explanation: { inputs: { actual: 6, target: 10 } } });
    const sb = await body(get(`/tasks/${b}/score`, f.supervisor));
    expect(sb.score).toMatchObject({ display: '8.00', explanation: { inputs: { actual: 5, target: 4 } } }); // 10 × 4 ÷ 5
    const s = await body(get(`/plans/${PD}/scores`, f.supervisor));
    expect(s.issues).toContainEqual(expect.objectContaining({ code: 'indicator_not_in_composition' })); // untagged indicators in a tagged template
    // A later event bumps the task's version: the next read sees it (the facts cache re-reads that task only).
    await send(a, f.otherDept, 'evidence.submit', { completedValue: 9.5 });
    await send(a, f.assessor, 'evidence.approve', { reviewedValue: 9 });
    expect((await body(get(`/tasks/${a}/score`, f.supervisor))).score).toMatchObject({ display: '9.00', status: 'scored' });
  });
});

describe('OpenAPI', () => {
  it('lists the scoring endpoints in /docs-json', async () => {
    const res = await t.http().get('/docs-json');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/plans/{id}/scoring',
        '/scoring/templates',
        '/plans/{id}/scores',
        '/plans/{id}/units/{unitId}/scorecard',
        '/tasks/{id}/score',
        '/plans/{id}/ballots',
        '/plans/{id}/unit-events',
        '/plans/{id}/unit-events/{eventId}/void',
        '/plans/{id}/rescore',
        '/plans/{id}/score-runs',
        '/plans/{id}/scores/export',
      ]),
    );
  });
});
