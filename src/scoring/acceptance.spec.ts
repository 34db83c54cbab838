/**
 * Issue 13's hand cases, end to end through computePlanScores, with templates built from data (the shipped
 * starting catalogue in config/plan-templates, and a negative list parsed from a county document's text).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { UnitEvent } from './adjustments.js';
import { parseCatalogueText } from './catalogue-text.js';
import type { Ballot } from './evaluation.js';
import { capAtFromText, directionFromText } from './formula-text.js';
import { fmt2 } from './numeric.js';
import { computePlanScores } from './plan-scores.js';
import type { PlanScoringIndicator, PlanScoringInput, PlanScoringTask, UnitScore } from './plan-types.js';
import { type PlanTemplate, validatePlanTemplate } from './plan-template.js';
import { parsePlanTemplate } from './plan-template.loader.js';

const DIR = resolve(process.cwd(), 'config/plan-templates');
const shipped = (id: string): PlanTemplate => parsePlanTemplate(readFileSync(resolve(DIR, `${id}.json`), 'utf8'), id);
const unit = (r: { units: UnitScore[] }, id: string): UnitScore => {
  const u = r.units.find((x) => x.unitId === id);
  if (!u) throw new Error(`no unit ${id}`);
  return u;
};

function planA(): PlanScoringInput {
  const cities = shipped('province-cities');
  const departments = shipped('province-departments');
  const indicators: PlanScoringIndicator[] = [
    { id: 'c-gdp', name: '地区生产总值', points: 40, method: { code: 'ratio', params: {} } },
    { id: 'c-invest', name: '固定资产投资', points: 30, method: { code: 'ratio', params: {} } },
    { id: 'c-project', name: '重大项目', points: 30, method: { code: 'all_or_nothing' } },
    { id: 'd-core', name: '核心业务', points: 50, tag: 'individual', method: { code: 'ratio', params: {} } },
    { id: 'd-service', name: '服务保障', points: 50, tag: 'individual', method: { code: 'all_or_nothing' } },
    { id: 'd-common', name: '共性指标（节点）', points: 10, tag: 'common', method: { code: 'node_platform' } },
  ];
  const tasks: PlanScoringTask[] = [
    // city C1: 36 + 24 + 30 = 90
    { taskId: 'c1-gdp', indicatorId: 'c-gdp', unitId: 'C1', facts: { target: 10, actual: 9 } },
    { taskId: 'c1-inv', indicatorId: 'c-invest', unitId: 'C1', facts: { target: 10, actual: 8 } },
    { taskId: 'c1-prj', indicatorId: 'c-project', unitId: 'C1', facts: { completed: true } },
    { indicatorId: 'c-gdp', unitId: 'C2', facts: { target: 10, actual: 10 } },
    { indicatorId: 'c-invest', unitId: 'C2', facts: { target: 10, actual: 10 } },
    { indicatorId: 'c-project', unitId: 'C2', facts: { completed: false } },
    // department D1 leads d-core (40 of 50); D2 is co-responsible (协办) and gets 50% of the lead's score
    { taskId: 'd1-core', indicatorId: 'd-core', unitId: 'D1', role: 'lead', facts: { target: 10, actual: 8 } },
    { indicatorId: 'd-service', unitId: 'D1', facts: { completed: true } },
    { indicatorId: 'd-common', unitId: 'D1', facts: { nodes: 4, redNodes: 0 } },
    { taskId: 'd2-core', indicatorId: 'd-core', unitId: 'D2', role: 'co', facts: { target: 10, actual: 2 } },
    { indicatorId: 'd-service', unitId: 'D2', facts: { completed: true } },
    { indicatorId: 'd-common', unitId: 'D2', facts: { nodes: 4, redNodes: 1 } },
  ];
  const ratings = (group: string, units: string[]): Ballot[] => [
    { id: `${group}-L1`, evaluator: 'leaders', evaluatorId: 'leader-1', groupId: group, entries: units.map((unitId) => ({ unitId, score: 80 })) },
    { id: `${group}-L2`, evaluator: 'leaders', evaluatorId: 'leader-2', groupId: group, entries: units.map((unitId) => ({ unitId, score: 90 })) },
    { id: `${group}-S`, evaluator: 'special_office', evaluatorId: 'office', groupId: group, entries: units.map((unitId) => ({ unitId, score: 80 })) },
    { id: `${group}-P1`, evaluator: 'departments', evaluatorId: 'dept-a', groupId: group, entries: units.map((unitId) => ({ unitId, score: 86 })) },
    { id: `${group}-P2`, evaluator: 'departments', evaluatorId: 'dept-b', groupId: group, entries: units.map((unitId) => ({ unitId, score: 90 })) },
  ];
  const bonuses: UnitEvent[] = [
    { id: 'b1', unitId: 'C1', type: 'bonus', item: 'national_commendation' },
    { id: 'b2', unitId: 'C1', type: 'bonus', item: 'provincial_commendation' },
    { id: 'b3', unitId: 'C1', type: 'bonus', item: 'reform_promoted' },
  ];
  return {
    templates: [cities, departments],
    groups: [
      { id: 'g-cities', name: '设区市', templateId: 'province-cities' },
      { id: 'g-depts', name: '省直部门', templateId: 'province-departments' },
    ],
    units: [
      { id: 'C1', name: '甲市', groupId: 'g-cities' },
      { id: 'C2', name: '乙市', groupId: 'g-cities' },
      { id: 'D1', name: '发展改革委', groupId: 'g-depts' },
      { id: 'D2', name: '财政厅', groupId: 'g-depts' },
    ],
    indicators,
    tasks,
    ballots: [...ratings('g-cities', ['C1', 'C2']), ...ratings('g-depts', ['D1', 'D2'])],
    events: bonuses,
  };
}

describe('(a) province-style composite: cities and departments in one plan, each on its own template', () => {
  const input = planA();
  it('indicators 90 with ratings 85 / 80 / 88 → 70% × 90 + 30% × (75% × 85 + 15% × 80 + 10% × 88) = 88.37', () => {
    const r = computePlanScores(input);
    expect(r.issues).toEqual([]);
    expect(r.templates.map((t) => t.id)).toEqual(['province-cities', 'province-departments']);
    expect(r.groups.map((g) => [g.groupId, g.templateId, g.template])).toEqual([
      ['g-cities', 'province-cities', 'cities'],
      ['g-depts', 'province-departments', 'departments'],
    ]);
    const c1 = unit(r, 'C1');
    expect(c1.parts.parts?.map((p) => [p.key, p.display, p.weight])).toEqual([
      ['indicators', '90.00', 0.7],
      ['evaluation', '84.55', 0.3],
    ]);
    expect(c1.parts.parts?.[1].parts?.map((p) => [p.key, p.display])).toEqual([
      ['leaders', '85.00'],
      ['special_office', '80.00'],
      ['departments', '88.00'],
    ]);
    expect(c1.compositeDisplay).toBe('88.37');
  });

  it('bonuses 2 + 1 + 1.5 = 4.5 → capped at 3 in total → 91.37', () => {
    const c1 = unit(computePlanScores(input), 'C1');
    expect(c1.adjustments.bonus.lines.map((l) => [l.item, l.display])).toEqual([
      ['national_commendation', '2.00'],
      ['provincial_commendation', '1.00'],
      ['reform_promoted', '1.50'],
    ]);
    expect(c1.adjustments.bonus).toMatchObject({ raw: 4.5, total: 3, display: '3.00', capped: { from: 4.5, to: 3 } });
    expect(c1.finalDisplay).toBe('91.37');
    expect(c1.explanation.total).toBe('88.37 + 3.00 − 0.00 − 0.00 = 91.37');
  });

  it("departments: indicators = 个性 90% + 共性 10% (90 and 100 → 91), then 70 / 30 → 89.07; a co-unit gets 50% of its lead's score", () => {
    const r = computePlanScores(input);
    const d1 = unit(r, 'D1');
    const ind = d1.parts.parts?.[0];
    expect(ind?.parts?.map((p) => [p.key, p.display, p.weight])).toEqual([
      ['individual', '90.00', 0.9],
      ['common', '10.00', 0.1],
    ]);
    expect(ind?.display).toBe('91.00');
    expect(d1.compositeDisplay).toBe('89.07'); // 63.7 + 25.365 = 89.065
    const co = unit(r, 'D2').indicators.find((s) => s.indicatorId === 'd-core');
    expect(co).toMatchObject({
      role: 'co',
      score: 20,
      display: '20.00',
      points: 50,
      coUnit: { from: 'lead', share: 0.5, baseScore: 40, leadUnitId: 'D1', leadTaskId: 'd1-core' },
    });
    expect(co?.explanation.formula).toBe('40.00 × 50% = 20.00');
    expect(co?.explanation.rule).toBe('协办单位按牵头单位（D1）得分的 50% 计');
  });
});

const GROWTH_FORMULA = '(完成值/目标值) × 分值 × 90% + 考核主体评分，不超过分值';
const UNEMPLOYMENT_TARGET = '城镇登记失业率≦3%';
/** The 39-line negative list, pasted as text. */
const NEGATIVE_39 = parseCatalogueText(readFileSync(resolve(process.cwd(), 'test/fixtures/scoring/negative-list-39.txt'), 'utf8'), 'negative_list');

function planB(): PlanScoringInput {
  const TOWNS = Array.from({ length: 13 }, (_, i) => `T${String(i + 1).padStart(2, '0')}`);
  // The 39-line negative list replaces the shipped one in the towns' template.
  const townsRaw = JSON.parse(readFileSync(resolve(DIR, 'county-points-towns.json'), 'utf8')) as { adjustments: { negativeList: { items: unknown[] } } };
  townsRaw.adjustments.negativeList.items = NEGATIVE_39.items.map(({ key, name, points, cap, text }) => ({
    key,
    name,
    points,
    ...(cap !== undefined ? { cap } : {}),
    text,
  }));
  const v = validatePlanTemplate(townsRaw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const towns = v.value;
  const depts = shipped('county-points-departments');

  // Indicators as an importer would read them from the documents' own words.
  const indicators: PlanScoringIndicator[] = [
    { id: 'revenue', name: '一般公共预算收入', points: 20, method: { code: 'ratio', params: { policyAdjustment: true } } },
    {
      id: 'growth',
      name: '规上工业增加值增速',
      points: 20,
      method: { code: 'ratio', params: { weightOfRatio: 0.9, assessorPoints: true, capAt: capAtFromText(GROWTH_FORMULA).capAt } },
    },
    {
      id: 'unemployment',
      name: '城镇登记失业率',
      points: 10,
      method: { code: 'ratio', params: { direction: directionFromText(UNEMPLOYMENT_TARGET).direction } },
    },
    { id: 'project', name: '重点项目', points: 10, method: { code: 'all_or_nothing' } },
    { id: 'safety', name: '安全生产（约束性）', points: 5, kind: 'constraint', method: { code: 'all_or_nothing' } },
    { id: 'dept-core', name: '部门核心业务', points: 60, tag: 'individual', method: { code: 'ratio', params: {} } },
    {
      id: 'dept-common',
      name: '部门共性指标',
      points: 40,
      tag: 'common',
      method: { code: 'direct', params: { mode: 'per_occurrence', deductionPerOccurrence: 0.5 } },
    },
  ];
  const tasks: PlanScoringTask[] = [];
  TOWNS.forEach((u, i) => {
    tasks.push({
      taskId: `${u}-rev`,
      indicatorId: 'revenue',
      unitId: u,
      facts: i === 0 ? { target: 12.4, actual: 11.6, policyAdjustment: 0.5 } : { target: 12.4, actual: 12.4 - i * 0.3, policyAdjustment: 0 },
    });
    tasks.push({
      taskId: `${u}-gro`,
      indicatorId: 'growth',
      unitId: u,
      facts: i === 0 ? { target: 8, actual: 9 } : { target: 8, actual: 8 - i * 0.2, assessorPoints: 1 },
    });
    tasks.push({ taskId: `${u}-une`, indicatorId: 'unemployment', unitId: u, facts: { target: 3, actual: i === 0 ? 2.5 : 3 + i * 0.05 } });
    tasks.push({ indicatorId: 'project', unitId: u, facts: { completed: i % 5 !== 4 } });
    tasks.push({ indicatorId: 'safety', unitId: u, facts: { completed: i !== 12 } });
  });
  tasks.push(
    { indicatorId: 'dept-core', unitId: 'D1', role: 'lead', facts: { target: 100, actual: 90 } },
    { indicatorId: 'dept-common', unitId: 'D1', facts: { occurrences: 2 } },
    { indicatorId: 'dept-core', unitId: 'D2', role: 'co', facts: {} },
    { indicatorId: 'dept-common', unitId: 'D2', facts: { occurrences: 0 } },
  );
  // Leaders rate the 13 towns 3 好 / 7 较好 / 2 合格 / 1 基本合格: the quota (30/50/15/5 → 4/6/2/1) holds 原则上.
  const leaderGrades = ['好', '好', '好', '较好', '较好', '较好', '较好', '较好', '较好', '较好', '合格', '合格', '基本合格'];
  const ballots: Ballot[] = [
    {
      id: 'L-towns',
      evaluator: 'leaders',
      evaluatorId: 'county-leaders',
      groupId: 'g-towns',
      entries: TOWNS.map((unitId, i) => ({ unitId, grade: leaderGrades[i] })),
    },
    {
      id: 'P-towns',
      evaluator: 'departments',
      evaluatorId: 'county-depts',
      groupId: 'g-towns',
      entries: TOWNS.map((unitId, i) => ({ unitId, score: 11 - i * 0.5 })),
    },
    {
      id: 'L-depts',
      evaluator: 'leaders',
      evaluatorId: 'county-leaders',
      groupId: 'g-depts',
      entries: [
        { unitId: 'D1', grade: '好' },
        { unitId: 'D2', grade: '较好' },
      ],
    },
  ];
  // For T01: three −0.5 lines and one −1.5 line of the negative list
  const negative: UnitEvent[] = [
    { id: 'n1', unitId: 'T01', type: 'negative_list', item: 'nl-03' },
    { id: 'n2', unitId: 'T01', type: 'negative_list', item: 'nl-04' },
    { id: 'n3', unitId: 'T01', type: 'negative_list', item: 'nl-05' },
    { id: 'n4', unitId: 'T01', type: 'negative_list', item: 'nl-01' },
  ];
  return {
    templates: [towns, depts],
    groups: [
      { id: 'g-towns', name: '镇（街道）', templateId: 'county-points-towns' },
      { id: 'g-depts', name: '县直部门', templateId: 'county-points-departments' },
    ],
    units: [...TOWNS.map((id) => ({ id, groupId: 'g-towns' })), { id: 'D1', groupId: 'g-depts' }, { id: 'D2', groupId: 'g-depts' }],
    indicators,
    tasks,
    ballots,
    events: negative,
  };
}

describe('(b) county-style points plan: towns and departments in one plan, indicators 80 + evaluation 20', () => {
  const input = planB();
  const r = computePlanScores(input);
  const t01 = unit(r, 'T01');
  const score = (u: UnitScore, id: string) => u.indicators.find((s) => s.indicatorId === id);

  it('the documents\' words set the method: "不超过分值" caps the total, "≦3%" is lower-is-better', () => {
    expect(capAtFromText(GROWTH_FORMULA).capAt).toBe('total');
    expect(directionFromText(UNEMPLOYMENT_TARGET)).toMatchObject({ direction: 'lower', cue: '≦' });
  });

  it('(11.6 + 0.5) / 12.4 × 20 → 19.52', () => {
    expect(score(t01, 'revenue')).toMatchObject({ display: '19.52', status: 'scored' });
    expect(score(t01, 'revenue')?.explanation.formula).toBe('min((11.6 + 0.5) ÷ 12.4, 1) × 20 = 19.52');
  });

  it('9% of 8% with no assessor points under "不超过分值" → 20.00 (the total is capped, not the ratio)', () => {
    const g = score(t01, 'growth');
    expect(g).toMatchObject({ display: '20.00', status: 'provisional', missing: ['assessorPoints'] });
    expect(g?.explanation.formula).toBe('9 ÷ 8 × 20 × 90% + 0 = 20.25 > 20.00 → 20.00');
  });

  it('a ≦3% unemployment target at 2.5% → full points', () => {
    expect(score(t01, 'unemployment')).toMatchObject({ display: '10.00', score: 10 });
    expect(score(t01, 'unemployment')?.explanation.formula).toBe('min(3 ÷ 2.5, 1) × 10 = 10.00');
  });

  it("a 3/7/2/1 leaders' ballot over 13 towns is accepted, its excess flagged on the ballot, in the issues and in the towns' explanations", () => {
    const b = r.ballots.find((x) => x.ballotId === 'L-towns');
    expect(b).toMatchObject({ status: 'counted', excess: [{ grade: '较好', given: 7, allowed: 6, percent: 50 }] });
    expect(b?.note).toBe('超出原则配额，已计入：「较好」7 个，原则上至多 6 个（50%）');
    expect(r.issues.filter((i) => i.code === 'ballot_quota_exceeded_in_principle').map((i) => i.ballotId)).toEqual(['L-towns']);
    const leaders = t01.parts.parts?.[1].parts?.[0];
    expect(leaders).toMatchObject({ key: 'leaders', value: 8, max: 8, display: '8.00', formula: '县领导评价：8 = 8.00（满分 8）' });
    expect(leaders?.notes).toEqual(['县领导评价评价票 L-towns 超出原则配额（已计入）：「较好」7 个，原则上至多 6 个（50%）']);
    expect(t01.explanation.notes).toEqual(leaders?.notes);
    // the grade values count on their own scale: 较好 = 7 of 8 → 7 of the 8 points
    expect(unit(r, 'T05').parts.parts?.[1].parts?.[0]).toMatchObject({ value: 7, contribution: 7 });
  });

  it("T01: indicators 80 × 59.52 / 60 + leaders 8 + departments 11 = 98.35; the 39-line list's 3 × −0.5 and 1 × −1.5 take 3.00 off, uncapped → 95.35", () => {
    expect(NEGATIVE_39.items).toHaveLength(39);
    expect(t01.parts.parts?.map((p) => [p.key, p.display, p.budget])).toEqual([
      ['indicators', '59.52', 80],
      ['evaluation', '19.00', 20],
    ]);
    expect(t01.parts.parts?.[0].contributionDisplay).toBe('79.35');
    expect(t01.compositeDisplay).toBe('98.35');
    expect(t01.adjustments.negativeList).toMatchObject({ raw: 3, total: 3, display: '3.00' });
    expect(t01.adjustments.negativeList.totalCap).toBeUndefined();
    expect(t01.adjustments.negativeList.lines.map((l) => [l.item, l.display])).toEqual([
      ['nl-01', '1.50'],
      ['nl-03', '0.50'],
      ['nl-04', '0.50'],
      ['nl-05', '0.50'],
    ]);
    expect(t01.finalDisplay).toBe('95.35');
    expect(t01.final).toBeCloseTo(t01.composite - 3, 12);
  });

  it('a constraint indicator (约束性指标) only deducts: T13 misses 安全生产 and loses its 5 points from the total, the others lose nothing', () => {
    const t13 = unit(r, 'T13');
    expect(score(t13, 'safety')).toMatchObject({ score: -5, display: '-5.00', constraint: { methodScore: 0, deduction: 5, applies: 'total' } });
    expect(t13.adjustments.deduction.lines.map((l) => [l.item, l.display])).toEqual([['constraint:safety', '5.00']]);
    expect(t13.final).toBeCloseTo(t13.composite - 5, 12);
    expect(score(t01, 'safety')).toMatchObject({ score: 0, display: '0.00' });
    expect(t01.adjustments.deduction.total).toBe(0);
    // it does not count toward the indicators part's maximum
    expect(t01.parts.parts?.[0].max).toBe(60);
  });

  it("towns and departments each follow their own rules in one plan; a co department takes 50% of its lead's score", () => {
    expect(r.groups.map((g) => [g.groupId, g.templateId, g.templateName, g.ranking.length])).toEqual([
      ['g-towns', 'county-points-towns', '镇（街道）', 13],
      ['g-depts', 'county-points-departments', '县直部门', 2],
    ]);
    const d2 = unit(r, 'D2');
    expect(score(d2, 'dept-core')).toMatchObject({ score: 27, coUnit: { from: 'lead', share: 0.5, baseScore: 54 } });
    expect(d2.parts.parts?.[0].parts?.map((p) => p.key)).toEqual(['individual', 'common']);
    expect(r.issues.map((i) => i.code)).toEqual(['ballot_quota_exceeded_in_principle', 'missing_evaluation']); // departments: no 服务对象 ratings yet
  });
});

describe('every displayed number is the exact one rounded half-up to 2 places, beside it', () => {
  it('in both hand-case plans, every display / *Display field equals fmt2 of its exact sibling', () => {
    const pairs: [string, string][] = [
      ['display', 'score'],
      ['compositeDisplay', 'composite'],
      ['finalDisplay', 'final'],
      ['netDisplay', 'net'],
      ['rateDisplay', 'rate'],
      ['contributionDisplay', 'contribution'],
      ['deductionDisplay', 'deduction'],
      ['baseDisplay', 'baseScore'],
    ];
    let checked = 0;
    const walk = (o: unknown, path: string): void => {
      if (Array.isArray(o)) return o.forEach((x, i) => walk(x, `${path}[${i}]`));
      if (!o || typeof o !== 'object') return;
      const r = o as Record<string, unknown>;
      for (const [shown, exact] of pairs) {
        if (typeof r[shown] !== 'string') continue;
        // PartScore: display is its value; AdjustmentLine: its points; AdjustmentSection: its total
        const value = [exact, 'value', 'points', 'total'].map((k) => r[k]).find((v) => typeof v === 'number') as number;
        expect([path, shown, r[shown]]).toEqual([path, shown, fmt2(value)]);
        checked++;
      }
      for (const [k, v] of Object.entries(r)) if (k !== 'explanation') walk(v, `${path}.${k}`);
    };
    for (const plan of [planA(), planB()]) walk(computePlanScores(plan), '');
    expect(checked).toBeGreaterThan(500);
  });
});
