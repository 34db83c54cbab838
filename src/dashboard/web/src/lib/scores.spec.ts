import { describe, expect, it } from '@jest/globals';
import { dispositionFilename, formatInstant } from './format';
import { adjustmentRows, barColor, describeInputs, indicatorStatus, issueText, partRows, runLabel, sourceText } from './scores';
import type { AdjustmentSection, PartScore, ScoreRun, UnitScoreCard } from './types';

const none = (): AdjustmentSection => ({ lines: [], raw: 0, total: 0, formula: '0' });
const run: ScoreRun = {
  id: 2,
  kind: 'rescore',
  at: '2026-12-31T08:00:00.000Z',
  reason: '更正负面清单扣分',
  actor: { userId: 'u1', role: 'supervisor', username: 'supervisor' },
  templateId: 'county-towns',
  templateVersion: 1,
  provisional: false,
};

describe('reading the scoring API', () => {
  it('names a formula’s inputs in Chinese and says which are not supplied yet', () => {
    expect(describeInputs({ points: 10, target: 6.5, actual: 6.3 })).toBe('分值 10 · 目标值 6.5 · 完成值 6.3');
    expect(describeInputs({ points: 10, target: 8, actual: null })).toBe('分值 10 · 目标值 8 · 完成值 未填报');
    expect(describeInputs({ completed: true, groupTotal: 35.456, custom: 'x' })).toBe('是否完成 是 · 组内得分合计 35.46 · custom x');
  });

  it('states an indicator’s status with the facts it still lacks', () => {
    expect(indicatorStatus({ status: 'scored', counted: true })).toBe('已计分');
    expect(indicatorStatus({ status: 'provisional', missing: ['actual', 'subValues'], counted: true })).toBe('暂定（缺完成值、分项完成值）');
    expect(indicatorStatus({ status: 'group_average', counted: true })).toBe('组内平均');
    expect(indicatorStatus({ status: 'error', error: { code: 'x', message: '目标值为 0' }, counted: false })).toBe('无法计分：目标值为 0（不计入本组构成）');
  });

  it('flattens the composition tree with each part’s weight or point budget', () => {
    const leaf = (key: string, name: string, p: Partial<PartScore>): PartScore => ({
      key,
      name,
      kind: 'evaluation',
      value: 0,
      max: 100,
      rate: 0,
      contribution: 0,
      display: '0.00',
      formula: '',
      provisional: false,
      ...p,
    });
    const root: PartScore = {
      ...leaf('total', '综合得分', { kind: 'composite', value: 70.06, display: '70.06', formula: '63.64 × 70% + 85.05 × 30% = 70.06' }),
      parts: [
        leaf('indicators', '业务指标考核', { kind: 'indicators', weight: 0.7, value: 35, max: 55, display: '35.00', contribution: 44.55 }),
        {
          ...leaf('comprehensive', '综合评价', { kind: 'composite', weight: 0.3, provisional: true }),
          parts: [leaf('leaders', '县领导评价', { weight: 0.75 })],
        },
        leaf('extra', '附加分', { budget: 20 }),
      ],
    };
    const rows = partRows(root);
    expect(rows.map((r) => [r.depth, r.name, r.share])).toEqual([
      [0, '综合得分', ''],
      [1, '业务指标考核', '权重 70%'],
      [1, '综合评价', '权重 30%'],
      [2, '县领导评价', '权重 75%'],
      [1, '附加分', '20 分'],
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    expect(rows[2]!.provisional).toBe(true);
  });

  it('lists bonuses, deductions, the negative list and vetoes with signed points and the caps that bit', () => {
    const a: UnitScoreCard['adjustments'] = {
      bonus: {
        lines: [{ item: 'praise', name: '获国家级领导肯定性批示', count: 4, raw: 1.2, points: 0.6, cap: 0.6, formula: '4 × 0.3 = 1.20 > 0.6 → 0.60' }],
        raw: 0.6,
        total: 0.6,
        totalCap: 3,
        formula: '0.60',
      },
      deduction: {
        lines: [{ item: 'late', name: '未按时报送考核材料', count: 1, raw: 0.2, points: 0.2, formula: '1 × 0.2 = 0.20' }],
        raw: 0.2,
        total: 0.2,
        formula: '0.20',
      },
      negativeList: none(),
      veto: { failed: true, items: [{ item: 'safety', name: '发生重大及以上安全生产责任事故', note: '县安委办通报' }] },
      net: 0.4,
    };
    expect(adjustmentRows(a)).toEqual([
      { kind: '加分', name: '获国家级领导肯定性批示（4 次）', points: 0.6, formula: '4 × 0.3 = 1.20 > 0.6 → 0.60' },
      { kind: '减分', name: '未按时报送考核材料', points: -0.2, formula: '1 × 0.2 = 0.20' },
      { kind: '否决项', name: '发生重大及以上安全生产责任事故', points: null, formula: '县安委办通报：考核结果为不合格' },
    ]);
    const capped = {
      ...a,
      bonus: { ...a.bonus, raw: 3.5, total: 3, capped: { from: 3.5, to: 3 }, formula: '3.50 > 3 → 3.00' },
      deduction: none(),
      veto: { failed: false, items: [] },
    };
    expect(adjustmentRows(capped).at(-1)).toEqual({ kind: '加分', name: '合计封顶 3 分', points: 3, formula: '3.50 > 3 → 3.00' });
    expect(adjustmentRows({ bonus: none(), deduction: none(), negativeList: none(), veto: { failed: false, items: [] }, net: 0 })).toEqual([]);
  });

  it('says whether the scores are live (provisional) or a frozen run, and by whom', () => {
    expect(sourceText({ source: 'live', run: null, provisional: true, planStatus: 'published' })).toMatch(/^实时计算（暂定）：考核方案尚未关闭/);
    expect(sourceText({ source: 'live', run: null, provisional: true, planStatus: 'closed' })).toMatch(/^实时计算：按当前数据重新计算/);
    expect(sourceText({ source: 'frozen', run, provisional: false, planStatus: 'closed' })).toBe(
      '正式得分：第 2 次计分，重新计分（更正负面清单扣分），操作人 supervisor。',
    );
    expect(sourceText({ source: 'frozen', run: { ...run, id: 1, kind: 'close', reason: null }, provisional: true, planStatus: 'closed' })).toBe(
      '正式得分：第 1 次计分，考核方案关闭时冻结，操作人 supervisor。冻结时部分完成值或评价尚缺，按 0 计。',
    );
    expect(runLabel(run, formatInstant)).toBe('第 2 次 · 重新计分 · 2026年12月31日 16:00');
  });

  it('puts scoring issues in words, naming the group', () => {
    const name = (id: string) => (id === 'g1' ? '部门组' : id);
    expect(
      issueText(
        { level: 'warning', code: 'missing_evaluation', message: '4 unit(s) of group g1 have no peers rating yet (counted as 0)', groupId: 'g1' },
        name,
      ),
    ).toBe('部门组：4 个单位尚无互评，暂按 0 计');
    expect(issueText({ level: 'warning', code: 'recorded_score_differs', message: 'task t1: recorded 8, method 9' }, name)).toBe(
      '任务上记录的得分与计分方法结果不同（task t1: recorded 8, method 9）',
    );
    expect(issueText({ level: 'error', code: 'something_new', message: 'as the server says' }, name)).toBe('as the server says');
  });

  it('colours bars by grade, a vetoed unit always grey', () => {
    expect(barColor('优秀', 'passed')).toBe('#a61b1b');
    expect(barColor('优秀', 'failed')).toBe('#5c6370');
    expect(barColor('某等次', 'passed')).toBe('#c9775b');
  });

  it('takes a download’s file name from Content-Disposition, the UTF-8 name first', () => {
    expect(dispositionFilename(`attachment; filename="scores-p-live.xlsx"; filename*=UTF-8''${encodeURIComponent('得分-p.xlsx')}`, 'x')).toBe('得分-p.xlsx');
    expect(dispositionFilename('attachment; filename="scores-p-frozen-run1-summary.csv"', 'x')).toBe('scores-p-frozen-run1-summary.csv');
    expect(dispositionFilename(null, 'fallback.csv')).toBe('fallback.csv');
  });
});
