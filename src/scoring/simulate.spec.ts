import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../common/fc-seed.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Ballot } from './evaluation.js';
import { computePlanScores, runPlanScores } from './plan-scores.js';
import type { PlanScoringIndicator, PlanScoringInput, PlanScoringTask } from './plan-types.js';
import type { PlanTemplate } from './plan-template.js';
import { parsePlanTemplate } from './plan-template.loader.js';
import { type PlanChange, simulatePlanScores } from './simulate.js';
import { ScoringError, ScoringErrorCode } from './scoring.error.js';

/** Property runs are seeded from FC_SEED (printed in the test names), so a failure can be replayed. */
const SEED = fcSeed('simulate.spec.ts');
fc.configureGlobal({ seed: SEED });

const DIR = resolve(process.cwd(), 'config/plan-templates');
const shipped = (id: string): PlanTemplate => parsePlanTemplate(readFileSync(resolve(DIR, `${id}.json`), 'utf8'), id);
const TOWNS = shipped('county-towns');
const DEPTS = shipped('county-points-departments');

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** Four towns on county-towns (towns) and two departments on county-points-departments, one plan. */
function plan(): PlanScoringInput {
  const indicators: PlanScoringIndicator[] = [
    { id: 'gdp', points: 40, method: { code: 'ratio', params: {} } },
    { id: 'nodes', points: 30, method: { code: 'node_deduction', params: { deductionPerRedNode: 2 } } },
    { id: 'revenue', points: 30, method: { code: 'efficacy', params: { bounds: 'group' } } },
    { id: 'core', points: 60, tag: 'individual', method: { code: 'ratio', params: {} } },
    { id: 'common', points: 40, tag: 'common', method: { code: 'direct', params: { mode: 'per_occurrence', deductionPerOccurrence: 1 } } },
  ];
  const towns = ['T1', 'T2', 'T3', 'T4'];
  const tasks: PlanScoringTask[] = [];
  towns.forEach((u, i) => {
    tasks.push({ taskId: `${u}-gdp`, indicatorId: 'gdp', unitId: u, facts: { target: 10, actual: 10 - i } });
    tasks.push({
      taskId: `${u}-nodes`,
      indicatorId: 'nodes',
      unitId: u,
      facts: { nodes: 4, redNodes: i % 3, redNodeDeductions: Array.from({ length: i % 3 }, () => null) },
    });
    if (i !== 3) tasks.push({ taskId: `${u}-rev`, indicatorId: 'revenue', unitId: u, facts: { actual: 50 + i * 5 } }); // T4 gets the group average
  });
  tasks.push({ taskId: 'D1-core', indicatorId: 'core', unitId: 'D1', role: 'lead', facts: { target: 10, actual: 9 } });
  tasks.push({ taskId: 'D1-common', indicatorId: 'common', unitId: 'D1', facts: { occurrences: 1 } });
  tasks.push({ taskId: 'D2-core', indicatorId: 'core', unitId: 'D2', role: 'co', facts: {} });
  tasks.push({ taskId: 'D2-common', indicatorId: 'common', unitId: 'D2', facts: { occurrences: 3 } });
  const ballots: Ballot[] = [
    { id: 'O', evaluator: 'office', evaluatorId: 'office', groupId: 'towns', entries: towns.map((unitId, i) => ({ unitId, score: 90 - i * 2 })) },
    {
      id: 'DL',
      evaluator: 'leaders',
      evaluatorId: 'leaders',
      groupId: 'depts',
      entries: [
        { unitId: 'D1', grade: '好' },
        { unitId: 'D2', grade: '较好' },
      ],
    },
  ];
  return {
    templates: [TOWNS, DEPTS],
    groups: [
      { id: 'towns', name: '镇街组', templateId: 'county-towns', template: 'towns' },
      { id: 'depts', name: '部门组', templateId: 'county-points-departments' },
    ],
    units: [...towns.map((id) => ({ id, name: `${id}镇`, groupId: 'towns' })), { id: 'D1', groupId: 'depts' }, { id: 'D2', groupId: 'depts' }],
    indicators,
    tasks,
    ballots,
    events: [{ id: 'e1', unitId: 'T2', type: 'bonus', item: 'national_comprehensive_commendation' }],
  };
}

describe('simulatePlanScores: what-if, without touching the input', () => {
  it("excusing T3's red lights: its total, rank and grade before → after, with explanations", () => {
    const input = deepFreeze(plan());
    const r = simulatePlanScores(input, [{ type: 'red_light_excused', taskId: 'T3-nodes', count: 2 }]);
    expect(r.applied).toEqual([
      {
        index: 0,
        type: 'red_light_excused',
        label: '假设：T3 的指标 nodes（任务 T3-nodes），免除 2 个红灯（红灯数 2 → 0）',
        taskIds: ['T3-nodes'],
        unitIds: ['T3'],
      },
    ]);
    const t3 = r.changes.find((c) => c.unitId === 'T3');
    expect(t3?.indicators).toEqual([{ indicatorId: 'nodes', before: '26.00', after: '30.00', statusBefore: 'scored', statusAfter: 'scored' }]);
    expect(t3?.final.deltaDisplay).toBe('+2.80'); // 4 points × 70%
    expect(t3?.explanation.after.total).toContain(t3!.final.afterDisplay);
    expect(r.after).toEqual(computePlanScores(r.run.input));
    expect(r.before).toEqual(computePlanScores(input));
  });

  it('a node approved, a ballot changed, a bonus removed, weights changed: each is labelled; errors name the change', () => {
    const input = deepFreeze(plan());
    const changes: PlanChange[] = [
      { type: 'node_approved', indicatorId: 'gdp', unitId: 'T4', value: 10 },
      {
        type: 'ballot_set',
        ballot: {
          id: 'O',
          evaluator: 'office',
          evaluatorId: 'office',
          groupId: 'towns',
          entries: ['T1', 'T2', 'T3', 'T4'].map((unitId) => ({ unitId, score: 80 })),
        },
      },
      { type: 'unit_event_removed', eventId: 'e1' },
      { type: 'part_weights', templateId: 'county-towns', group: 'towns', part: 'total', weights: { indicators: 0.6, comprehensive: 0.4 } },
    ];
    const r = simulatePlanScores(input, changes);
    expect(r.applied.map((a) => a.label)).toEqual([
      '假设：T4 的指标 gdp（任务 T4-gdp），节点审核通过，审定值 10',
      '假设：绩效办评价评价票 O改为（4 个单位）',
      '假设：撤销 T2 的「national_comprehensive_commendation」',
      '假设：「total」的构成改为 indicators 0.6、comprehensive 0.4',
    ]);
    expect(r.after).toEqual(computePlanScores(r.run.input));
    expect(r.after.units.find((u) => u.unitId === 'T1')?.parts.parts?.map((p) => p.weight)).toEqual([0.6, 0.4]);
    expect(r.before.units.find((u) => u.unitId === 'T1')?.parts.parts?.map((p) => p.weight)).toEqual([0.7, 0.3]);

    try {
      simulatePlanScores(input, [
        { type: 'task_facts', taskId: 'nope', facts: { actual: 1 } },
        { type: 'part_weights', templateId: 'county-towns', group: 'towns', part: 'total', weights: { indicators: 0.9 } },
        { type: 'unit_event_added', event: { unitId: 'T1', type: 'bonus', item: 'nobel' } },
        { type: 'red_light_excused', taskId: 'T1-nodes' },
      ]);
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(ScoringError);
      expect((e as ScoringError).code).toBe(ScoringErrorCode.InvalidPlanInput);
      expect((e as ScoringError).details.map((d) => [d.field, d.code])).toEqual([
        ['changes[0].taskId', 'unknown'],
        ['changes[1].template.groups[0].composition.parts', 'weights'],
        ['changes[2].event.item', 'invalid'],
        ['changes[3]', 'range'],
      ]);
    }
  });

  it("the co department follows its lead: a change to the lead's facts moves both; a strict-quota ballot breach is refused naming the entry", () => {
    const input = deepFreeze(plan());
    const r = simulatePlanScores(input, [{ type: 'task_facts', taskId: 'D1-core', facts: { actual: 5 } }]);
    expect(r.changes.map((c) => c.unitId)).toEqual(['D1', 'D2']);
    expect(r.after).toEqual(computePlanScores(r.run.input));
    const towns = ['T1', 'T2', 'T3', 'T4'];
    expect(() =>
      simulatePlanScores(input, [
        {
          type: 'ballot_set',
          ballot: { id: 'L', evaluator: 'leaders', evaluatorId: 'l', groupId: 'towns', entries: towns.map((unitId) => ({ unitId, grade: '优秀' })) },
        },
      ]),
    ).toThrow(/changes\[0\]\.ballot: .*breaks its quota/);
  });

  it('given the run already computed (the live scores), it does not compute "before" again', () => {
    const input = plan();
    const live = runPlanScores(input);
    const r = simulatePlanScores(input, [{ type: 'task_facts', taskId: 'T1-gdp', facts: { actual: 5 } }], { before: live });
    expect(r.before).toBe(live.scores);
    // untouched tasks' scores are the very same objects
    const k = input.tasks.findIndex((t) => t.taskId === 'T2-gdp');
    expect(r.run.tasks.scores[k]).toBe(live.tasks.scores[k]);
    expect(r.run.tasks.scores[0]).not.toBe(live.tasks.scores[0]);
  });
});

describe(`properties: simulate equals a full recomputation (seed ${SEED})`, () => {
  const input = deepFreeze(plan());
  const taskIds = input.tasks.map((t) => t.taskId as string);
  const change: fc.Arbitrary<PlanChange> = fc.oneof(
    fc.record({
      type: fc.constant('task_facts' as const),
      taskId: fc.constantFrom(...taskIds),
      facts: fc.oneof(
        fc.record({ actual: fc.integer({ min: 0, max: 120 }) }),
        fc.record({ target: fc.integer({ min: 1, max: 20 }) }),
        fc.record({ occurrences: fc.integer({ min: 0, max: 50 }) }),
        fc.record({ redNodes: fc.integer({ min: 0, max: 4 }), redNodeDeductions: fc.constant(null) }),
        fc.record({ actual: fc.constant(null) }),
      ),
    }),
    fc.record({
      type: fc.constant('node_approved' as const),
      taskId: fc.constantFrom(...taskIds),
      value: fc.integer({ min: 0, max: 100 }),
      completesTask: fc.boolean(),
    }),
    fc.record({
      type: fc.constant('ballot_set' as const),
      ballot: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 4, maxLength: 4 }).map((s) => ({
        id: 'O',
        evaluator: 'office',
        evaluatorId: 'office',
        groupId: 'towns',
        entries: ['T1', 'T2', 'T3', 'T4'].map((unitId, i) => ({ unitId, score: s[i] })),
      })),
    }),
    fc.constant({ type: 'ballot_removed' as const, ballotId: 'DL' }),
    fc.record({
      type: fc.constant('unit_event_added' as const),
      event: fc.record({
        unitId: fc.constantFrom('T1', 'T2', 'T3', 'T4'),
        type: fc.constant('bonus' as const),
        item: fc.constantFrom('national_comprehensive_commendation', 'city_comprehensive_commendation'),
      }),
    }),
    fc.constant({ type: 'unit_event_removed' as const, eventId: 'e1' }),
    fc.integer({ min: 1, max: 9 }).map((w) => ({
      type: 'part_weights' as const,
      templateId: 'county-towns',
      group: 'towns',
      part: 'total',
      weights: { indicators: w / 10, comprehensive: (10 - w) / 10 },
    })),
    fc.integer({ min: 10, max: 90 }).map((p) => ({
      type: 'part_weights' as const,
      templateId: 'county-points-departments',
      group: 'departments',
      part: 'indicators',
      weights: { individual: p, common: 100 - p },
    })),
  );

  it('for any changes: after = computePlanScores(changed input), before = computePlanScores(input), the input untouched, every moved unit listed', () => {
    const before = computePlanScores(input);
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 4 }), (changes) => {
        // a second removal of the same ballot or event is (rightly) refused; keep each once
        const once = changes.filter(
          (c, i) => !((c.type === 'ballot_removed' || c.type === 'unit_event_removed') && changes.findIndex((d) => d.type === c.type) !== i),
        );
        const r = simulatePlanScores(input, once);
        expect(r.before).toEqual(before);
        expect(r.after).toEqual(computePlanScores(r.run.input));
        const moved = r.after.units.filter((u, i) => {
          const b = before.units[i];
          return u.final !== b.final || u.rank !== b.rank || u.grade !== b.grade || u.result !== b.result || u.provisional !== b.provisional;
        });
        expect(r.changes.map((c) => c.unitId)).toEqual(moved.map((u) => u.unitId));
      }),
      { numRuns: 200 },
    );
  });
});
