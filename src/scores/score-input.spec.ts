import { describe, expect, it } from '@jest/globals';
import { validateMethodParams, type MethodSpec } from '../scoring/method-params.js';
import { computePlanScores } from '../scoring/plan-scores.js';
import { validatePlanTemplate, type PlanTemplate } from '../scoring/plan-template.js';
import { buildScoringInput, methodOf, taskFacts, templateGroupOf, type IndicatorRowLite, type TaskFactRow } from './score-input.js';
import { breakdownTable, sheetName, summaryTable, toCsv } from './score-sheet.js';
import { groupViews, type SheetData } from './scores.service.js';

const spec = (code: string, params: unknown = {}, points = 10): MethodSpec => {
  const v = validateMethodParams(code, params, { points });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.value;
};

const row = (over: Partial<TaskFactRow> = {}): TaskFactRow => ({
  id: 't1',
  indicator_id: 'i1',
  unit_id: 'u1',
  state: 'open',
  nodes: 3,
  red_nodes: 0,
  approved_nodes: 0,
  red_deductions: null,
  last_stage_value: null,
  reviewed_value: null,
  completed_value: null,
  assessor_points: null,
  recorded_score: null,
  ...over,
});

const never = () => {
  throw new Error('the snapshot must not be read');
};

describe('taskFacts: the read model → TaskFacts', () => {
  it('gives node counts always, and completed only when it is known', () => {
    expect(taskFacts(row({ red_nodes: 1, red_deductions: '[0.5]' }), spec('node_platform'), null, never)).toEqual({
      nodes: 3,
      redNodes: 1,
      redNodeDeductions: [0.5],
    });
    expect(taskFacts(row({ approved_nodes: 3, state: 'completed' }), spec('all_or_nothing'), null, never)).toMatchObject({
      completed: true,
      redNodeDeductions: [],
    });
    expect(taskFacts(row({ approved_nodes: 1, state: 'closed' }), spec('all_or_nothing'), null, never)).toMatchObject({ completed: false });
    expect(taskFacts(row({ approved_nodes: 1, state: 'open' }), spec('all_or_nothing'), null, never)).not.toHaveProperty('completed');
  });

  it('reads the latest approved value; the reviewed value wins over the submitted one; the unit target wins', () => {
    const ratio = spec('ratio', { assessorPoints: true, weightOfRatio: 0.9 }, 20);
    expect(
      taskFacts(row({ approved_nodes: 2, reviewed_value: 6, completed_value: 6.2, assessor_points: 4, last_stage_value: 8 }), ratio, 7, never),
    ).toMatchObject({
      actual: 6,
      assessorPoints: 4,
      target: 8,
    });
    expect(taskFacts(row({ approved_nodes: 1, completed_value: 6.2 }), ratio, 7, () => [])).toMatchObject({ actual: 6.2, target: 7 });
    // Not approved yet: nothing is read, the value is missing.
    expect(taskFacts(row({ completed_value: 9 }), ratio, 7, never)).not.toHaveProperty('actual');
  });

  it('falls back to earlier approved nodes when the latest has no value, and only then', () => {
    const earlier = () => [
      { reviewedValue: null, completedValue: null, assessorPoints: null },
      { reviewedValue: 4, completedValue: 4.1, assessorPoints: 3 },
    ];
    expect(taskFacts(row({ approved_nodes: 2 }), spec('ratio', { assessorPoints: true }), 8, earlier)).toMatchObject({ actual: 4, assessorPoints: 3 });
    expect(taskFacts(row({ approved_nodes: 1 }), spec('ratio'), 8, never)).not.toHaveProperty('actual');
    expect(taskFacts(row({ approved_nodes: 2, reviewed_value: 5 }), spec('ratio'), 8, never)).toMatchObject({ actual: 5 });
  });

  it('gives direct methods their count from the approved value', () => {
    const approved = row({ approved_nodes: 1, reviewed_value: 3 });
    expect(taskFacts(approved, spec('direct', { mode: 'per_occurrence', deductionPerOccurrence: 0.5 }, 5), null, never)).toMatchObject({ occurrences: 3 });
    expect(taskFacts(approved, spec('direct', { mode: 'per_missed_item', deductionPerItem: 2.5, items: 4 }), null, never)).toMatchObject({ completedItems: 3 });
    expect(taskFacts(approved, spec('direct', { mode: 'per_missed_item', deductionPerItem: 2.5 }), null, never)).toMatchObject({ missedItems: 3 });
  });
});

describe('methodOf and templateGroupOf', () => {
  const ind = (over: Partial<IndicatorRowLite>): IndicatorRowLite => ({
    id: 'i',
    code: '1',
    name: 'x',
    points: 10,
    method_code: 'ratio',
    method_params: '{}',
    target_value: 8,
    direction: 'higher',
    ...over,
  });
  it('takes the indicator’s direction as the default of directional methods only', () => {
    expect(methodOf(ind({ direction: 'lower' }))).toEqual({ code: 'ratio', params: { direction: 'lower' } });
    expect(methodOf(ind({ direction: 'lower', method_code: 'node_platform' }))).toEqual({ code: 'node_platform', params: {} });
    expect(methodOf(ind({ direction: 'lower', method_params: '{"direction":"higher"}' })).params).toEqual({ direction: 'higher' });
  });

  const template = {
    groups: [
      { key: 'towns', name: '镇街组' },
      { key: 'parks', name: '园区组' },
    ],
  } as unknown as PlanTemplate;
  it('finds the template group: configured, by kind, by name, or none', () => {
    const cfg = { templateId: 't', groupTemplates: { g1: 'parks' }, indicatorRules: {} };
    expect(templateGroupOf({ id: 'g1', name: '镇街组', kind: 'towns' }, cfg, template)).toBe('parks');
    expect(templateGroupOf({ id: 'g2', name: 'x', kind: 'towns' }, cfg, template)).toBe('towns');
    expect(templateGroupOf({ id: 'g3', name: '园区组', kind: 'department' }, cfg, template)).toBe('parks');
    expect(templateGroupOf({ id: 'g4', name: '部门组', kind: 'department' }, cfg, template)).toBeUndefined();
  });
});

const TEMPLATE = (() => {
  const v = validatePlanTemplate({
    id: 'mini',
    name: '测试方案',
    evaluators: [],
    adjustments: { bonuses: { items: [] }, deductions: { items: [] }, negativeList: { items: [] }, vetoes: { items: [] } },
    groups: [
      {
        key: 'towns',
        name: '镇街组',
        composition: {
          key: 'total',
          name: '综合得分',
          kind: 'composite',
          mode: 'points',
          parts: [{ key: 'ind', name: '业务指标', kind: 'indicators', points: 100 }],
        },
        absentIndicators: 'exclude',
        grading: { mode: 'thresholds', thresholds: [{ grade: '优秀', min: 95 }], otherwise: '良好' },
      },
    ],
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.value;
})();

describe('buildScoringInput → computePlanScores → score sheet', () => {
  const indicators: IndicatorRowLite[] = [
    { id: 'r', code: 'R1', name: '招商引资', points: 10, method_code: 'ratio', method_params: '{}', target_value: 20, direction: 'higher' },
    { id: 'z', code: 'Z1', name: '零分指标', points: 0, method_code: 'all_or_nothing', method_params: '{}', target_value: null, direction: 'higher' },
  ];
  const built = buildScoringInput({
    template: TEMPLATE,
    config: { templateId: 'mini', groupTemplates: {}, indicatorRules: {} },
    groups: [{ id: 'g', name: '镇街组', kind: 'towns' }],
    members: [
      { group_id: 'g', unit_id: 'a', unit_name: '甲镇' },
      { group_id: 'g', unit_id: 'b', unit_name: '=乙镇' },
    ],
    indicators,
    tasks: [
      row({ id: 'ta', indicator_id: 'r', unit_id: 'a', state: 'completed', nodes: 1, approved_nodes: 1, reviewed_value: 18 }),
      row({ id: 'tb', indicator_id: 'r', unit_id: 'b', state: 'completed', nodes: 1, approved_nodes: 1, reviewed_value: 22 }),
      row({ id: 'tc', indicator_id: 'r', unit_id: 'c', state: 'open', nodes: 1 }),
      row({ id: 'tz', indicator_id: 'z', unit_id: 'a', state: 'open', nodes: 1 }),
    ],
    specOf: (i) => {
      const v = validateMethodParams(i.method_code, JSON.parse(i.method_params), { points: i.points });
      return v.ok ? v.value : undefined;
    },
    facts: (r, s, target) => taskFacts(r, s, target, never),
  });

  it('reports units in no group and 0-point indicators instead of failing', () => {
    expect(built.skippedTasks.sort()).toEqual(['tc', 'tz']);
    expect(built.issues.map((i) => i.code).sort()).toEqual(['indicator_without_points', 'unit_not_in_group']);
    expect(built.input.units.map((u) => u.id)).toEqual(['a', 'b']);
  });

  it('scores, ranks and writes a score sheet with Chinese headers (formula cells escaped in CSV)', () => {
    const scores = computePlanScores(built.input);
    const a = scores.units.find((u) => u.unitId === 'a')!;
    expect(a.indicators[0]).toMatchObject({ display: '9.00', taskId: 'ta' });
    expect(groupViews(scores)[0].units.map((u) => [u.unitId, u.rank, u.grade])).toEqual([
      ['b', 1, '优秀'],
      ['a', 2, '良好'],
    ]);
    const data: SheetData = {
      plan: { id: 'p', name: '方案', year: 2026, status: 'published' },
      source: 'live',
      run: null,
      at: '2026-01-01T00:00:00.000Z',
      groups: scores.groups,
      units: scores.units,
    };
    const csv = toCsv(summaryTable(data));
    expect(
      csv.startsWith(
        '\uFEFF方案 考核成绩表\r\n考核方案：方案（p）　成绩来源：实时暂定成绩（按当前状态计算）　计算时间：2026年1月1日 08:00:00（北京时间）\r\n分组,排名,单位,综合得分',
      ),
    ).toBe(true);
    expect(csv).toContain(",'=乙镇,");
    expect(csv.split('\r\n')[4]).toMatch(/^镇街组,2,甲镇,90,0,0,0,90,良好,合格,,/);
    expect(breakdownTable(data).rows.find((r) => r[1] === '甲镇')).toEqual([
      '镇街组',
      '甲镇',
      '指标',
      'R1 招商引资',
      '完成比例计分法',
      10,
      9,
      '已计分',
      expect.stringContaining('min(18 ÷ 20, 1) × 10 = 9.00'),
    ]);
  });

  it('makes valid, unique sheet names', () => {
    const taken = new Set<string>();
    expect(sheetName('镇街组', taken)).toBe('镇街组');
    expect(sheetName('镇街组', taken)).toBe('镇街组_2');
    expect(sheetName('a/b:c*d?[e]', taken)).toBe('a_b_c_d__e_');
    expect(sheetName('x'.repeat(40), taken)).toHaveLength(31);
  });
});
