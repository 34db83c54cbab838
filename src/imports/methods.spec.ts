import { describe, expect, it } from '@jest/globals';
import { inferMethodFromCriteria, methodParamsProblems, normaliseMethodName, readMethodParams } from './methods.js';

describe('method names → method codes', () => {
  it.each([
    ['完成比例计分法', 'ratio'],
    ['完成比例法', 'ratio'],
    ['绝对否决计分法', 'all_or_nothing'],
    ['直接计分法', 'direct'],
    ['直接记分法', 'direct'],
    ['直接扣分法', 'node_deduction'],
    ['功效系数法', 'efficacy'],
    ['节点平台计分法', 'node_platform'],
  ])('accepts the usual spelling %s as %s without a repair', (name, code) => {
    expect(normaliseMethodName(name)).toMatchObject({ code, canonical: true });
  });

  it.each([
    ['绝对否诀计分法', 'all_or_nothing'],
    ['绝对否决议分法', 'all_or_nothing'],
    ['绝对否计分法', 'all_or_nothing'],
    ['否决计分法', 'all_or_nothing'],
    ['按比例计算', 'ratio'],
    ['直接打分法', 'direct'],
    ['功效系数计分办法', 'efficacy'],
  ])('tolerates the variant or typo %s as %s and flags it as a repair', (name, code) => {
    expect(normaliseMethodName(name)).toMatchObject({ code, canonical: false });
  });

  it('joins method names split by line-wrap spaces ("绝对否 决计分 法", "绝对 否决 计分法")', () => {
    expect(normaliseMethodName('绝对否 决计分 法')).toMatchObject({ code: 'all_or_nothing', name: '绝对否决计分法', canonical: true });
    expect(normaliseMethodName('绝对 否决 计分法').code).toBe('all_or_nothing');
  });

  it('returns no code for an unknown or empty method name', () => {
    expect(normaliseMethodName('综合评议法').code).toBeNull();
    expect(normaliseMethodName('   ').code).toBeNull();
  });
});

describe('method from a scoring rule when the method cell is empty', () => {
  it('reads 按比例法 as ratio, 否则不得分 as all_or_nothing, 扣N分 as direct', () => {
    expect(inferMethodFromCriteria('完成得满分，未完成按比例法计算。（单位：亿元）')).toBe('ratio');
    expect(inferMethodFromCriteria('得分 = (完成值 / 目标值) * 分值，不超过分值')).toBe('ratio');
    expect(inferMethodFromCriteria('完成得满分，否则不得分；')).toBe('all_or_nothing');
    expect(inferMethodFromCriteria('完成不及时、不达标，每项扣2分，扣完为止。')).toBe('direct');
    expect(inferMethodFromCriteria('由考核主体综合评定')).toBeNull();
  });
});

describe('method parameters from the scoring rule, shaped for the scoring module', () => {
  it('reads the 90% weight and the assessor points of a ratio rule, and the indicator target', () => {
    const r = readMethodParams('ratio', '完成比例计分法：得分 = (完成值 / 目标值) * 分值 * 90% + 考核主体评分，不超过分值。', { target: 8 });
    expect(r).toEqual({ params: { target: 8, weightOfRatio: 0.9, assessorPoints: true }, assumption: null });
    expect(methodParamsProblems('ratio', r.params, 20)).toEqual([]);
  });

  it('reads a policy adjustment added to the completed value, and lower-is-better', () => {
    expect(readMethodParams('ratio', '得分 = (完成值 + 减税费降政策影响收入额) / 目标值 * 分值，不超过分值。').params).toEqual({ policyAdjustment: true });
    expect(readMethodParams('ratio', '得分 = 目标值 / 完成值 * 分值').params).toEqual({ direction: 'lower' });
  });

  it('reads the direct modes: per missed item, per occurrence, threshold', () => {
    expect(readMethodParams('direct', '完成任务得满分，少完成一项扣2.5分').params).toEqual({ mode: 'per_missed_item', deductionPerItem: 2.5 });
    expect(readMethodParams('direct', '完成不及时、不达标，每项扣2分，扣完为止。').params).toEqual({ mode: 'per_missed_item', deductionPerItem: 2 });
    expect(readMethodParams('direct', '未完成 1 个扣 1 分').params).toEqual({ mode: 'per_missed_item', deductionPerItem: 1 });
    expect(readMethodParams('direct', '完成得满分，未监督到位每次扣0.5分，扣完为止。').params).toEqual({ mode: 'per_occurrence', deductionPerOccurrence: 0.5 });
    const th = readMethodParams('direct', '达到80%及以上得满分，每下降一个百分点扣1分。').params;
    expect(th).toEqual({ mode: 'threshold_linear', threshold: 80, deductionPerPoint: 1 });
    expect(methodParamsProblems('direct', th, 10)).toEqual([]);
  });

  it('falls back to assessor-entered points for a direct rule that is not a formula, and says so', () => {
    const r = readMethodParams('direct', '按照完成情况确定分值');
    expect(r.params).toEqual({ mode: 'assessor' });
    expect(r.assumption).toContain('assessor');
  });

  it('reads node deductions and efficacy bounds, and reports what the scoring module still needs', () => {
    expect(readMethodParams('node_deduction', '每个红灯扣0.5分，扣完为止').params).toEqual({ deductionPerRedNode: 0.5, floorAtZero: true });
    expect(readMethodParams('efficacy', '满意值为100，不允许值为60').params).toEqual({ satisfactory: 100, floor: 60 });
    expect(methodParamsProblems('node_deduction', {}, 5).join()).toContain('deductionPerRedNode');
  });

  it('states nothing the text does not say', () => {
    expect(readMethodParams('all_or_nothing', '完成得满分，否则不得分').params).toEqual({});
    expect(readMethodParams(null, '').params).toEqual({});
  });
});
