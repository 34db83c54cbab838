import { describe, expect, it } from '@jest/globals';
import { type MethodSpec, validateMethodParams } from './method-params.js';
import { INPUT_LABELS, scoreIndicator } from './methods/index.js';
import { ScoringError, ScoringErrorCode } from './scoring.error.js';
import type { MethodContext, TaskFacts } from './types.js';

/** Validates params (as the importer/HTTP layer would) and scores. */
function score(code: string, params: unknown, points: number, facts: TaskFacts, ctx?: MethodContext) {
  const v = validateMethodParams(code, params, { points });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return scoreIndicator(v.value as MethodSpec, points, facts, ctx);
}

describe('完成比例计分法 (ratio)', () => {
  it('points 10, target 20: actual 18 → 9.00, actual 22 → 10.00 (capped)', () => {
    const a = score('ratio', {}, 10, { target: 20, actual: 18 });
    expect(a.display).toBe('9.00');
    expect(a.score).toBe(9);
    expect(a.explanation.method).toEqual({ code: 'ratio', name: '完成比例计分法' });
    expect(a.explanation.formula).toBe('min(18 ÷ 20, 1) × 10 = 9.00');
    expect(a.explanation.capped).toBeUndefined();
    const b = score('ratio', {}, 10, { target: 20, actual: 22 });
    expect(b.display).toBe('10.00');
    expect(b.explanation.inputs).toEqual({ points: 10, target: 20, actual: 22 });
    expect(Object.keys(b.explanation.inputs).map((k) => INPUT_LABELS[k])).toEqual(['分值', '目标值', '完成值']);
  });

  it('without capRatio the ratio may exceed 1 but the result is capped at the points, and says so', () => {
    const r = score('ratio', { capRatio: false }, 10, { target: 20, actual: 22 });
    expect(r.display).toBe('10.00');
    expect(r.explanation.capped).toEqual({ from: 11, to: 10 });
    expect(r.explanation.formula).toBe('22 ÷ 20 × 10 = 11.00 > 10.00 → 10.00');
  });

  it('× 90% + assessor points, points 20, target 8%: actual 6%, assessor 4 → 17.50; actual 9%, assessor 5 → 20.00', () => {
    const params = { weightOfRatio: 0.9, assessorPoints: true };
    const a = score('ratio', params, 20, { target: 8, actual: 6, assessorPoints: 4 });
    expect(a.display).toBe('17.50');
    expect(a.explanation.formula).toBe('min(6 ÷ 8, 1) × 20 × 90% + 4 = 17.50');
    expect(a.explanation.rule).toBe('得分 = min(完成值 ÷ 目标值, 1) × 分值 × 90% + 考核主体评分，不超过分值');
    const b = score('ratio', params, 20, { target: 8, actual: 9, assessorPoints: 5 });
    expect(b.display).toBe('20.00');
    expect(b.explanation.capped).toEqual({ from: 23, to: 20 });
  });

  it('"× 90% + 考核主体评分，不超过分值" caps the total (capAt total): 9% of 8% with no assessor points → 20.00, not 18.00', () => {
    const asWritten = { weightOfRatio: 0.9, assessorPoints: true, capAt: 'total' };
    const none = score('ratio', asWritten, 20, { target: 8, actual: 9 });
    expect(none.display).toBe('20.00');
    expect(none.explanation.formula).toBe('9 ÷ 8 × 20 × 90% + 0 = 20.25 > 20.00 → 20.00');
    expect(none.explanation.rule).toBe('得分 = 完成值 ÷ 目标值 × 分值 × 90% + 考核主体评分，不超过分值');
    expect(none.missing).toEqual(['assessorPoints']); // provisional until the assessor says 0 or more
    expect(score('ratio', asWritten, 20, { target: 8, actual: 9, assessorPoints: 0 })).toMatchObject({ display: '20.00' });
    expect(score('ratio', asWritten, 20, { target: 8, actual: 9, assessorPoints: 0 }).missing).toBeUndefined();
    // capping the ratio instead (the default) is what the importer used to do
    expect(score('ratio', { weightOfRatio: 0.9, assessorPoints: true }, 20, { target: 8, actual: 9, assessorPoints: 0 }).display).toBe('18.00');
    // the older boolean still reads, and must not contradict capAt
    expect(validateMethodParams('ratio', { capRatio: false })).toMatchObject({ ok: true, value: { params: { capAt: 'total' } } });
    expect(validateMethodParams('ratio', { capRatio: true, capAt: 'total' })).toMatchObject({ ok: false, errors: [{ field: 'capRatio', code: 'conflict' }] });
  });

  it('+ policy adjustment, points 20, target 12.4, actual 11.6, adjustment 0.5 → 19.52', () => {
    const r = score('ratio', { policyAdjustment: true }, 20, { target: 12.4, actual: 11.6, policyAdjustment: 0.5 });
    expect(r.display).toBe('19.52');
    expect(r.score).toBeCloseTo((12.1 / 12.4) * 20, 12);
    expect(r.explanation.formula).toBe('min((11.6 + 0.5) ÷ 12.4, 1) × 20 = 19.52');
  });

  it('lower is better uses target / actual', () => {
    expect(score('ratio', { direction: 'lower' }, 10, { target: 3, actual: 4 }).display).toBe('7.50');
    expect(score('ratio', { direction: 'lower' }, 10, { target: 3, actual: 2.5 }).display).toBe('10.00');
    const zero = score('ratio', { direction: 'lower' }, 10, { target: 3, actual: 0 });
    expect(zero.display).toBe('10.00');
    expect(zero.explanation.notes?.[0]).toContain('视为完全达标');
  });

  it('the task target wins over the default target; a negative actual scores 0', () => {
    expect(score('ratio', { target: 100 }, 10, { target: 20, actual: 18 }).display).toBe('9.00');
    const neg = score('ratio', {}, 10, { target: 8, actual: -2 });
    expect(neg.score).toBe(0);
    expect(neg.explanation.capped).toEqual({ from: -2.5, to: 0 });
  });

  it('missing actual → 0 and provisional; missing assessor points count as 0', () => {
    const r = score('ratio', {}, 10, { target: 20 });
    expect(r.score).toBe(0);
    expect(r.missing).toEqual(['actual']);
    const a = score('ratio', { weightOfRatio: 0.9, assessorPoints: true }, 20, { target: 8, actual: 8 });
    expect(a.display).toBe('18.00');
    expect(a.missing).toEqual(['assessorPoints']);
  });

  it('a target of 0 cannot be a denominator: InvalidFacts', () => {
    expect(() => score('ratio', {}, 10, { target: 0, actual: 3 })).toThrow(ScoringError);
    try {
      score('ratio', {}, 10, { target: 0, actual: 3 });
    } catch (e) {
      expect((e as ScoringError).code).toBe(ScoringErrorCode.InvalidFacts);
    }
  });

  it('sub-indicators: each its own points and ratio, summed and capped', () => {
    const params = {
      subIndicators: [
        { key: 'roads', name: '道路建设', points: 6 },
        { key: 'invest', name: '投资完成', points: 4 },
      ],
    };
    const r = score('ratio', params, 10, { subValues: { roads: { actual: 30, target: 40 }, invest: { actual: 5, target: 4 } } });
    expect(r.display).toBe('8.50');
    expect(r.explanation.parts?.map((p) => [p.key, p.result])).toEqual([
      ['roads', 4.5],
      ['invest', 4],
    ]);
    expect(r.explanation.formula).toBe('4.50 + 4.00 = 8.50');
    const partial = score('ratio', params, 10, { subValues: { roads: { actual: 40, target: 40 } } });
    expect(partial.display).toBe('6.00');
    expect(partial.missing).toEqual(['subValues.invest.actual', 'subValues.invest.target']);
  });
});

describe('绝对否决计分法 (all_or_nothing)', () => {
  it('full points if completed, else 0', () => {
    expect(score('all_or_nothing', {}, 5, { completed: true }).display).toBe('5.00');
    expect(score('all_or_nothing', undefined, 5, { completed: false }).display).toBe('0.00');
    const unknown = score('all_or_nothing', {}, 5, {});
    expect(unknown.score).toBe(0);
    expect(unknown.missing).toEqual(['completed']);
  });
});

describe('直接计分法 (direct)', () => {
  it('per occurrence, points 5, 0.5 each: 3 lapses → 3.50; 12 lapses → 0.00 (扣完为止)', () => {
    const params = { mode: 'per_occurrence', deductionPerOccurrence: 0.5 };
    const a = score('direct', params, 5, { occurrences: 3 });
    expect(a.display).toBe('3.50');
    expect(a.explanation.formula).toBe('5 − 3 × 0.5 = 3.50');
    expect(a.explanation.method).toEqual({ code: 'direct', name: '直接计分法', mode: 'per_occurrence', modeName: '按次扣分，扣完为止' });
    const b = score('direct', params, 5, { occurrences: 12 });
    expect(b.display).toBe('0.00');
    expect(b.explanation.capped).toEqual({ from: -1, to: 0 });
  });

  it('per missed item ("少完成一项扣2.5分"), from missedItems or items − completedItems', () => {
    expect(score('direct', { mode: 'per_missed_item', deductionPerItem: 2.5 }, 5, { missedItems: 1 }).display).toBe('2.50');
    expect(score('direct', { mode: 'per_missed_item', deductionPerItem: 2.5, items: 4 }, 5, { completedItems: 4 }).display).toBe('5.00');
    expect(score('direct', { mode: 'per_missed_item', deductionPerItem: 2.5, items: 4 }, 5, { completedItems: 1 }).display).toBe('0.00');
  });

  it('threshold-linear: "达到80%及以上得满分，每下降一个百分点扣1分"', () => {
    const params = { mode: 'threshold_linear', threshold: 80, deductionPerPoint: 1 };
    expect(score('direct', params, 5, { actual: 85 }).display).toBe('5.00');
    expect(score('direct', params, 5, { actual: 80 }).display).toBe('5.00');
    expect(score('direct', params, 5, { actual: 77.5 }).display).toBe('2.50');
    expect(score('direct', params, 5, { actual: 60 }).display).toBe('0.00');
    expect(score('direct', { ...params, shortfallRounding: 'up' }, 5, { actual: 77.5 }).display).toBe('2.00');
    expect(score('direct', { ...params, shortfallRounding: 'down' }, 5, { actual: 77.5 }).display).toBe('3.00');
    // 80.1 − 78.1 is 2.0000000000000057 in doubles; rounding "up" must still see 2
    expect(score('direct', { ...params, threshold: 80.1, shortfallRounding: 'up' }, 5, { actual: 78.1 }).display).toBe('3.00');
  });

  it('additive sub-items, each capped to its own points, total capped to the indicator points', () => {
    const params = {
      mode: 'sub_items',
      items: [
        { key: 'soil', name: '完成耕地土壤环境质量类别划定', points: 4 },
        { key: 'safe', name: '完成受污染耕地安全利用任务', points: 2 },
        { key: 'film', name: '废弃农膜回收率达到80%以上', points: 4 },
      ],
    };
    const all = score('direct', params, 5, { subItems: { soil: true, safe: true, film: true } });
    expect(all.display).toBe('5.00');
    expect(all.explanation.capped).toEqual({ from: 10, to: 5 });
    expect(score('direct', params, 5, { subItems: { soil: false, safe: 1.5, film: false } }).display).toBe('1.50');
    const over = score('direct', params, 5, { subItems: { soil: false, safe: 3, film: false } });
    expect(over.display).toBe('2.00');
    expect(over.explanation.parts?.[1].capped).toEqual({ from: 3, to: 2 });
  });

  it('assessor-entered points stay within [0, points]', () => {
    expect(score('direct', { mode: 'assessor' }, 20, { assessorPoints: 17.25 }).display).toBe('17.25');
    expect(score('direct', { mode: 'assessor' }, 20, { assessorPoints: 25 }).display).toBe('20.00');
    expect(score('direct', { mode: 'assessor' }, 20, { assessorPoints: -1 }).display).toBe('0.00');
  });
});

describe('nodes', () => {
  it('node platform, points 30, 67 nodes, 5 red → 27.76', () => {
    const r = score('node_platform', {}, 30, { nodes: 67, redNodes: 5 });
    expect(r.display).toBe('27.76');
    expect(r.explanation.formula).toBe('30 × (67 − 5) ÷ 67 = 27.76');
    expect(r.explanation.method.name).toBe('节点平台计分法');
  });

  it('node platform: no nodes → full points; more red than nodes is invalid', () => {
    expect(score('node_platform', {}, 30, { nodes: 0, redNodes: 0 }).display).toBe('30.00');
    expect(() => score('node_platform', {}, 30, { nodes: 3, redNodes: 4 })).toThrow(/exceed/);
    expect(() => score('node_platform', {}, 30, { nodes: 3, redNodes: 1.5 })).toThrow(/whole number/);
  });

  it('直接扣分法: each red node deducts its own amount or the default, down to 0', () => {
    expect(score('node_deduction', { deductionPerRedNode: 0.5 }, 5, { redNodes: 3 }).display).toBe('3.50');
    const own = score('node_deduction', { deductionPerRedNode: 0.5 }, 5, { redNodeDeductions: [1, null, 2] });
    expect(own.display).toBe('1.50');
    expect(own.explanation.formula).toBe('5 − (1 + 0.5 + 2) = 1.50');
    expect(score('node_deduction', { deductionPerRedNode: 2 }, 5, { redNodes: 4 }).display).toBe('0.00');
    expect(score('node_deduction', { deductionPerRedNode: 2, floorAtZero: false }, 5, { redNodes: 4 }).display).toBe('-3.00');
  });
});

describe('功效系数法 (efficacy)', () => {
  it('60 + 40 × (x − floor) / (satisfactory − floor), scaled to points', () => {
    const params = { floor: 50, satisfactory: 100 };
    expect(score('efficacy', params, 10, { actual: 75 }).display).toBe('8.00');
    expect(score('efficacy', params, 10, { actual: 100 }).display).toBe('10.00');
    expect(score('efficacy', params, 10, { actual: 50 }).display).toBe('6.00');
    const over = score('efficacy', params, 10, { actual: 120 });
    expect(over.display).toBe('10.00');
    expect(over.explanation.capped).toEqual({ from: 11.6, to: 10 });
    expect(score('efficacy', params, 10, { actual: -200 }).display).toBe('0.00');
  });

  it('lower is better: floor above satisfactory', () => {
    expect(score('efficacy', { direction: 'lower', floor: 10, satisfactory: 2 }, 10, { actual: 6 }).display).toBe('8.00');
  });

  it('bounds from the group: worst → 60%, best → 100%', () => {
    const ctx = { groupBounds: { worst: 2, best: 12, units: 5 } };
    expect(score('efficacy', { bounds: 'group' }, 20, { actual: 12 }, ctx).display).toBe('20.00');
    expect(score('efficacy', { bounds: 'group' }, 20, { actual: 2 }, ctx).display).toBe('12.00');
    expect(score('efficacy', { bounds: 'group' }, 20, { actual: 7 }, ctx).display).toBe('16.00');
    const same = score('efficacy', { bounds: 'group' }, 20, { actual: 7 }, { groupBounds: { worst: 7, best: 7, units: 3 } });
    expect(same.display).toBe('20.00');
  });
});

describe('validateMethodParams', () => {
  it('fills defaults', () => {
    const v = validateMethodParams('ratio', { weightOfRatio: 0.9, assessorPoints: true });
    expect(v).toEqual({
      ok: true,
      value: { code: 'ratio', params: { direction: 'higher', capAt: 'ratio', weightOfRatio: 0.9, assessorPoints: true, policyAdjustment: false } },
    });
  });

  it('names every bad field', () => {
    const v = validateMethodParams('ratio', { weightOfRatio: 1.5, direction: 'up', bogus: 1 });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.map((e) => [e.field, e.code])).toEqual([
      ['bogus', 'unknown_field'],
      ['direction', 'enum'],
      ['weightOfRatio', 'range'],
    ]);
  });

  it('refuses unknown codes and modes, missing required fields, conflicting combinations', () => {
    expect(validateMethodParams('ratioo', {})).toMatchObject({ ok: false, errors: [{ field: 'code', code: 'enum' }] });
    expect(validateMethodParams('direct', { mode: 'guess' })).toMatchObject({ ok: false, errors: [{ field: 'mode', code: 'enum' }] });
    expect(validateMethodParams('direct', { mode: 'per_occurrence' })).toMatchObject({
      ok: false,
      errors: [{ field: 'deductionPerOccurrence', code: 'required' }],
    });
    expect(validateMethodParams('efficacy', { floor: 10, satisfactory: 5 })).toMatchObject({ ok: false, errors: [{ field: 'satisfactory', code: 'range' }] });
    expect(validateMethodParams('efficacy', { bounds: 'group', floor: 1 })).toMatchObject({ ok: false, errors: [{ field: 'floor', code: 'conflict' }] });
    expect(validateMethodParams('ratio', { subIndicators: [{ key: 'a', points: 1 }], target: 3 })).toMatchObject({
      ok: false,
      errors: [{ field: 'target', code: 'conflict' }],
    });
    expect(
      validateMethodParams('ratio', {
        subIndicators: [
          { key: 'a', points: 1 },
          { key: 'a', points: 0 },
        ],
      }),
    ).toMatchObject({
      ok: false,
      errors: [{ field: 'subIndicators[1].points', code: 'range' }],
    });
    expect(
      validateMethodParams('direct', {
        mode: 'sub_items',
        items: [
          { key: 'a', points: 1 },
          { key: 'a', points: 2 },
        ],
      }),
    ).toMatchObject({
      ok: false,
      errors: [{ field: 'items[1].key', code: 'duplicate' }],
    });
    expect(validateMethodParams('ratio', { assessorPoints: true, assessorPointsMax: 30 }, { points: 20 })).toMatchObject({
      ok: false,
      errors: [{ field: 'assessorPointsMax', code: 'range' }],
    });
    expect(validateMethodParams('all_or_nothing', { x: 1 })).toMatchObject({ ok: false, errors: [{ field: 'x', code: 'unknown_field' }] });
    expect(validateMethodParams('node_platform', 'nope')).toMatchObject({ ok: false, errors: [{ code: 'type' }] });
  });
});
