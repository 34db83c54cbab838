import { describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import type { UnitEvent } from './adjustments.js';
import type { Ballot } from './evaluation.js';
import { computePlanScores, type PlanScoringIndicator, type PlanScoringInput, type PlanScoringTask } from './plan-scores.js';
import { type PlanTemplate, validatePlanTemplate } from './plan-template.js';
import { loadPlanTemplate } from './plan-template.loader.js';
import { ScoringError, ScoringErrorCode } from './scoring.error.js';

const DIR = resolve(process.cwd(), 'config/plan-templates');

/** A template like county-towns but with score ballots, so ratings can be any number. */
function acceptanceTemplate(): PlanTemplate {
  const v = validatePlanTemplate({
    id: 'acceptance',
    name: '验收用方案',
    evaluators: [
      { key: 'leaders', name: '县领导评价', ballot: 'score', coverage: 'any' },
      { key: 'office', name: '绩效办评价', ballot: 'score', coverage: 'any' },
      { key: 'peers', name: '互评', ballot: 'score', coverage: 'any' },
    ],
    adjustments: {
      bonuses: {
        totalCap: 3,
        items: [
          { key: 'national_comprehensive', name: '国家级综合性表彰', points: 1 },
          { key: 'provincial_comprehensive', name: '省级综合性表彰', points: 0.5 },
          { key: 'national_leader_praise', name: '国家级领导肯定性批示', points: 0.3, cap: 0.6 },
        ],
      },
      deductions: { items: [{ key: 'criticism', name: '通报批评', points: 1 }] },
      negativeList: { items: [{ key: 'accident', name: '较大安全事故', points: 5 }] },
      vetoes: { items: [{ key: 'major_accident', name: '重大安全生产责任事故' }] },
    },
    groups: [
      {
        key: 'towns',
        name: '镇街组',
        composition: {
          key: 'total',
          name: '综合得分',
          kind: 'composite',
          mode: 'weights',
          parts: [
            { key: 'indicators', name: '业务指标', kind: 'indicators', weight: 0.7 },
            {
              key: 'comprehensive',
              name: '综合评价',
              kind: 'composite',
              mode: 'weights',
              weight: 0.3,
              parts: [
                { key: 'leaders', name: '县领导评价', kind: 'evaluation', evaluator: 'leaders', weight: 0.75 },
                { key: 'office', name: '绩效办评价', kind: 'evaluation', evaluator: 'office', weight: 0.15 },
                { key: 'peers', name: '互评', kind: 'evaluation', evaluator: 'peers', weight: 0.1 },
              ],
            },
          ],
        },
        grading: {
          mode: 'thresholds',
          thresholds: [
            { grade: '优秀', min: 90 },
            { grade: '良好', min: 80 },
          ],
          otherwise: '一般',
          vetoGrade: '不合格',
        },
      },
    ],
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.value;
}

/** Indicators worth 100 points in which U1 scores exactly 90, covering the acceptance cases. */
const INDICATORS: PlanScoringIndicator[] = [
  { id: 'gdp', name: '招商引资', points: 10, method: { code: 'ratio', params: { target: 20 } } },
  { id: 'growth', name: '地区生产总值增长', points: 20, method: { code: 'ratio', params: { weightOfRatio: 0.9, assessorPoints: true } } },
  { id: 'supervision', name: '监督到位', points: 5, method: { code: 'direct', params: { mode: 'per_occurrence', deductionPerOccurrence: 0.5 } } },
  { id: 'project', name: '重点项目', points: 15, method: { code: 'all_or_nothing' } },
  { id: 'nodes', name: '节点任务', points: 50, method: { code: 'node_deduction', params: { deductionPerRedNode: 1 } } },
];

function acceptanceInput(): PlanScoringInput {
  const u1: PlanScoringTask[] = [
    { taskId: 't1', indicatorId: 'gdp', unitId: 'U1', facts: { actual: 18 } },
    { taskId: 't2', indicatorId: 'growth', unitId: 'U1', facts: { target: 8, actual: 6, assessorPoints: 4 } },
    { taskId: 't3', indicatorId: 'supervision', unitId: 'U1', facts: { occurrences: 3 } },
    { taskId: 't4', indicatorId: 'project', unitId: 'U1', facts: { completed: true } },
    { taskId: 't5', indicatorId: 'nodes', unitId: 'U1', facts: { redNodes: 5 } },
  ];
  const others: PlanScoringTask[] = ['U2', 'U3', 'U4'].flatMap((u, k) => [
    { indicatorId: 'gdp', unitId: u, facts: { actual: 20 - k } },
    { indicatorId: 'growth', unitId: u, facts: { target: 8, actual: 8, assessorPoints: 2 } },
    { indicatorId: 'supervision', unitId: u, facts: { occurrences: k } },
    { indicatorId: 'project', unitId: u, facts: { completed: k !== 2 } },
    { indicatorId: 'nodes', unitId: u, facts: { redNodes: k } },
  ]);
  const ballots: Ballot[] = [
    {
      id: 'L1',
      evaluator: 'leaders',
      evaluatorId: 'leader-1',
      groupId: 'towns',
      entries: [
        { unitId: 'U1', score: 80 },
        { unitId: 'U2', score: 90 },
      ],
    },
    {
      id: 'L2',
      evaluator: 'leaders',
      evaluatorId: 'leader-2',
      groupId: 'towns',
      entries: [
        { unitId: 'U1', score: 90 },
        { unitId: 'U2', score: 90 },
      ],
    },
    { id: 'O1', evaluator: 'office', evaluatorId: 'office', groupId: 'towns', entries: ['U1', 'U2', 'U3', 'U4'].map((unitId) => ({ unitId, score: 80 })) },
    ...[
      ['U2', 88],
      ['U3', 86],
      ['U4', 90],
    ].map(([peer, score]) => ({
      id: `P-${peer}`,
      evaluator: 'peers',
      evaluatorId: peer as string,
      evaluatorUnitId: peer as string,
      groupId: 'towns',
      entries: [{ unitId: 'U1', score: score as number }],
    })),
  ];
  return {
    template: acceptanceTemplate(),
    groups: [{ id: 'towns', name: '镇街组', template: 'towns' }],
    units: ['U1', 'U2', 'U3', 'U4'].map((id) => ({ id, name: `${id}镇`, groupId: 'towns' })),
    indicators: INDICATORS,
    tasks: [...u1, ...others],
    ballots,
    events: [],
  };
}

const bonusEvents = (extraNational = 0): UnitEvent[] => [
  { id: 'e1', unitId: 'U1', type: 'bonus', item: 'national_comprehensive' },
  { id: 'e2', unitId: 'U1', type: 'bonus', item: 'provincial_comprehensive' },
  { id: 'e3', unitId: 'U1', type: 'bonus', item: 'provincial_comprehensive' },
  ...[4, 5, 6, 7].map((i) => ({ id: `e${i}`, unitId: 'U1', type: 'bonus' as const, item: 'national_leader_praise' })),
  ...Array.from({ length: extraNational }, (_, i) => ({ id: `x${i}`, unitId: 'U1', type: 'bonus' as const, item: 'national_comprehensive' })),
];

describe('computePlanScores — acceptance cases end to end', () => {
  it('indicators 90, leaders 85, office 80, peers 88 → 88.37 before bonuses, with every part explained', () => {
    const r = computePlanScores(acceptanceInput());
    const u1 = r.units[0];
    expect(u1.indicators.map((s) => [s.indicatorId, s.display])).toEqual([
      ['gdp', '9.00'],
      ['growth', '17.50'],
      ['supervision', '3.50'],
      ['project', '15.00'],
      ['nodes', '45.00'],
    ]);
    expect(u1.indicators[0].taskId).toBe('t1');
    expect(u1.parts.parts?.[0]).toMatchObject({ key: 'indicators', value: 90, max: 100, weight: 0.7 });
    expect(u1.parts.parts?.[0].formula).toBe('5 项指标得分合计 90.00（满分 100）');
    const comp = u1.parts.parts?.[1];
    expect(comp?.parts?.map((p) => [p.key, p.value, p.formula])).toEqual([
      ['leaders', 85, '县领导评价：(80 + 90) ÷ 2 = 85.00'],
      ['office', 80, '绩效办评价：80 = 80.00'],
      ['peers', 88, '互评：(88 + 86 + 90) ÷ 3 = 88.00'],
    ]);
    expect(u1.compositeDisplay).toBe('88.37');
    expect(u1.finalDisplay).toBe('88.37');
    expect(u1.result).toBe('passed');
    expect(u1.grade).toBe('良好');
    expect(u1.explanation.grade).toBe('88.37 ≥ 80 → 「良好」');
    expect(u1.provisional).toBe(false);
  });

  it('bonuses +2.60, then capped at +3.00 in total; a veto turns any total into "failed"', () => {
    const input = acceptanceInput();
    const withBonus = computePlanScores({ ...input, events: bonusEvents() }).units[0];
    expect(withBonus.adjustments.bonus.total).toBe(2.6);
    expect(withBonus.finalDisplay).toBe('90.97');
    expect(withBonus.explanation.total).toBe('88.37 + 2.60 − 0.00 − 0.00 = 90.97');
    expect(withBonus.grade).toBe('优秀');

    const capped = computePlanScores({ ...input, events: bonusEvents(2) }).units[0];
    expect(capped.adjustments.bonus.raw).toBe(4.6);
    expect(capped.adjustments.bonus.total).toBe(3);
    expect(capped.finalDisplay).toBe('91.37');

    const r = computePlanScores({ ...input, events: [...bonusEvents(2), { id: 'v', unitId: 'U1', type: 'veto', item: 'major_accident', note: '10·8 事故' }] });
    const vetoed = r.units[0];
    expect(vetoed.result).toBe('failed');
    expect(vetoed.finalDisplay).toBe('91.37');
    expect(vetoed.grade).toBe('不合格');
    expect(vetoed.rank).toBe(4);
    expect(r.groups[0].ranking[3]).toBe('U1');
    expect(vetoed.explanation.total).toContain('否决项：重大安全生产责任事故');
  });

  it('deductions and the negative list come off the total uncapped', () => {
    const input = acceptanceInput();
    const u1 = computePlanScores({
      ...input,
      events: [
        { unitId: 'U1', type: 'deduction', item: 'criticism' },
        { unitId: 'U1', type: 'negative_list', item: 'accident' },
        { unitId: 'U1', type: 'negative_list', item: 'accident' },
      ],
    }).units[0];
    expect(u1.finalDisplay).toBe('77.37');
  });

  it('reports bad ballots, events and facts as issues and keeps going', () => {
    const input = acceptanceInput();
    const r = computePlanScores({
      ...input,
      tasks: input.tasks.map((t) => (t.unitId === 'U2' && t.indicatorId === 'gdp' ? { ...t, facts: { actual: 3, target: 0 } } : t)),
      ballots: [
        ...(input.ballots ?? []),
        { id: 'self', evaluator: 'peers', evaluatorId: 'U3-deputy', evaluatorUnitId: 'U3', groupId: 'towns', entries: [{ unitId: 'U3', score: 100 }] },
        { id: 'dup', evaluator: 'leaders', evaluatorId: 'leader-1', groupId: 'towns', entries: [{ unitId: 'U1', score: 0 }] },
      ],
      events: [{ id: 'bad', unitId: 'U1', type: 'bonus', item: 'nobel' }],
    });
    expect(r.units[0].compositeDisplay).toBe('88.37');
    const u2gdp = r.units[1].indicators[0];
    expect(u2gdp.status).toBe('error');
    expect(u2gdp.error?.code).toBe(ScoringErrorCode.InvalidFacts);
    expect(r.units[1].provisional).toBe(true);
    expect(r.issues.map((i) => i.code)).toEqual([
      ScoringErrorCode.InvalidFacts,
      ScoringErrorCode.BallotSelfRating,
      ScoringErrorCode.InvalidBallot,
      'invalid_event',
      'missing_evaluation', // leaders rated only U1 and U2
      'missing_evaluation', // only U1 has peer ratings
    ]);
  });

  it('an explanation says which facts a score used, and who entered them when (provenance given as input)', () => {
    const input = acceptanceInput();
    const tasks = input.tasks.map((t) =>
      t.taskId === 't2'
        ? {
            ...t,
            provenance: {
              actual: { by: 'workflow', at: '2026-12-20T02:00:00.000Z', eventId: 'ev-7' },
              assessorPoints: { by: 'u-assessor', role: 'assessor', at: '2026-12-21T09:00:00.000Z', eventId: 'ev-8' },
            },
          }
        : t,
    );
    const growth = computePlanScores({ ...input, tasks }).units[0].indicators[1];
    expect(growth.explanation.sources).toEqual([
      { field: 'target', label: '目标值', value: 8 },
      { field: 'actual', label: '完成值', value: 6, by: 'workflow', at: '2026-12-20T02:00:00.000Z', eventId: 'ev-7' },
      { field: 'assessorPoints', label: '考核主体评分', value: 4, by: 'u-assessor', role: 'assessor', at: '2026-12-21T09:00:00.000Z', eventId: 'ev-8' },
    ]);
    expect(computePlanScores(input).units[0].indicators[1].explanation.sources).toBeUndefined();
  });

  it('refuses structurally broken input, listing every problem', () => {
    const input = acceptanceInput();
    try {
      computePlanScores({
        ...input,
        units: [...input.units, { id: 'U9', groupId: 'nowhere' }],
        indicators: [...input.indicators, { id: 'bad', points: 0, method: { code: 'ratio', params: { weightOfRatio: 2 } } }],
        tasks: [...input.tasks, { indicatorId: 'gdp', unitId: 'U1', facts: {} }, { indicatorId: 'gdp', unitId: 'U404', facts: {} }],
      });
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ScoringError);
      const se = e as ScoringError;
      expect(se.code).toBe(ScoringErrorCode.InvalidPlanInput);
      expect(se.details.map((d) => d.field)).toEqual([
        'units[4].groupId',
        'indicators[5].points',
        'indicators[5].method.params.weightOfRatio',
        'tasks[20]',
        'tasks[21].unitId',
      ]);
    }
  });
});

describe('computePlanScores — a 13-town group on the county-towns template', () => {
  const TOWNS = Array.from({ length: 13 }, (_, i) => `T${String(i + 1).padStart(2, '0')}`);

  async function townsInput(): Promise<PlanScoringInput> {
    const template = await loadPlanTemplate('county-towns', DIR);
    const indicators: PlanScoringIndicator[] = [
      { id: 'invest', points: 60, method: { code: 'ratio', params: {} } },
      { id: 'revenue', points: 20, method: { code: 'efficacy', params: { bounds: 'group' } } },
      { id: 'tourism', points: 20, method: { code: 'all_or_nothing' } },
    ];
    const tasks: PlanScoringTask[] = [];
    TOWNS.forEach((unitId, i) => {
      tasks.push({ indicatorId: 'invest', unitId, facts: { target: 100, actual: 100 - i * 3 } });
      tasks.push({ indicatorId: 'revenue', unitId, facts: { actual: 50 - i } });
      // the last town has no tourism indicator: it gets the group average
      if (i < 12) tasks.push({ indicatorId: 'tourism', unitId, facts: { completed: i % 4 !== 3 } });
    });
    const leaderGrades = ['优秀', '优秀', '优秀', '优秀', '良好', '良好', '良好', '良好', '良好', '良好', '一般', '一般', '较差'];
    const ballots: Ballot[] = [
      { id: 'L', evaluator: 'leaders', evaluatorId: 'leader-1', groupId: 'towns', entries: TOWNS.map((unitId, i) => ({ unitId, grade: leaderGrades[i] })) },
      { id: 'O', evaluator: 'office', evaluatorId: 'office', groupId: 'towns', entries: TOWNS.map((unitId) => ({ unitId, score: 90 })) },
      ...TOWNS.map((peer) => ({
        id: `P-${peer}`,
        evaluator: 'peers',
        evaluatorId: peer,
        evaluatorUnitId: peer,
        groupId: 'towns',
        entries: TOWNS.filter((u) => u !== peer).map((unitId, i) => ({ unitId, grade: i < 3 ? '优秀' : i < 9 ? '良好' : '一般' })),
      })),
    ];
    return {
      template,
      groups: [{ id: 'towns', name: '镇街组', template: 'towns' }],
      units: TOWNS.map((id) => ({ id, groupId: 'towns' })),
      indicators,
      tasks,
      ballots,
    };
  }

  it('ranks by final score and grades 4/6/2/1 by quota', async () => {
    const r = computePlanScores(await townsInput());
    expect(r.issues).toEqual([]);
    expect(r.provisional).toBe(false);
    const g = r.groups[0];
    expect(g.grading.mode === 'quota' && g.grading.seats.map((s) => [s.grade, s.seats, s.assigned])).toEqual([
      ['优秀', 4, 4],
      ['良好', 6, 6],
      ['一般', 2, 2],
      ['较差', 1, 1],
    ]);
    const finals = g.ranking.map((id) => r.units.find((u) => u.unitId === id)?.final ?? NaN);
    expect([...finals].sort((a, b) => b - a)).toEqual(finals);
    expect(r.units.map((u) => u.rank)).toEqual(r.units.map((u) => 1 + r.units.filter((o) => o.finalDisplay !== u.finalDisplay && o.final > u.final).length));
  });

  it("a town without an indicator gets the group average; efficacy uses the group's worst and best", async () => {
    const r = computePlanScores(await townsInput());
    const last = r.units[12];
    const tourism = last.indicators.find((s) => s.indicatorId === 'tourism');
    expect(tourism?.status).toBe('group_average');
    // 9 of 12 towns completed (20 points each) → 180 / 12 = 15
    expect(tourism?.display).toBe('15.00');
    expect(tourism?.explanation.formula).toBe('180 ÷ 12 = 15.00');
    const rev = r.units.map((u) => u.indicators.find((s) => s.indicatorId === 'revenue')?.display);
    expect(rev[0]).toBe('20.00'); // best: 50
    expect(rev[12]).toBe('12.00'); // worst: 38 → 60%
    expect(rev[6]).toBe('16.00'); // middle: 44 → 80%
  });

  it('with one town vetoed, the other 12 share the quota (tie of remainders goes to the larger share) and the vetoed town is last', async () => {
    const input = await townsInput();
    const r = computePlanScores({ ...input, events: [{ unitId: 'T01', type: 'veto', item: 'social_stability_veto' }] });
    const g = r.groups[0];
    // 12 × 30% = 3.6, × 50% = 6, × 15% = 1.8, × 5% = 0.6 → floors 3/6/1/0, leftovers to 1.8 and (tie 0.6 vs 0.6) 30%
    expect(g.grading.mode === 'quota' && g.grading.seats.map((s) => s.seats)).toEqual([4, 6, 2, 0]);
    const t01 = r.units[0];
    expect(t01).toMatchObject({ result: 'failed', rank: 13, grade: '较差' });
    expect(g.ranking[12]).toBe('T01');
  });
});
