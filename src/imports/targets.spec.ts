import { describe, expect, it } from '@jest/globals';
import { findQuantities, singleQuantity, splitPackedTargets, targetDirection, targetQuantity } from './targets.js';

describe('quantities', () => {
  it('reads a number with its unit of measure', () => {
    expect(singleQuantity('盘山县完成 12.4 亿元')).toEqual({ value: 12.4, unit: '亿元' });
    expect(singleQuantity('同比增长6.1%')).toEqual({ value: 6.1, unit: '%' });
    expect(singleQuantity('盘山县 8 户')).toEqual({ value: 8, unit: '户' });
    expect(singleQuantity('实际利用外资1650万美元')).toEqual({ value: 1650, unit: '万美元' });
  });

  it('ignores the numbers of deadlines, list markers, ordinals and years', () => {
    expect(findQuantities('（2）6月底前，地区生产总值增长2%', 2023).map((q) => q.text)).toEqual(['2%']);
    expect(findQuantities('第十四届；第14届荷花节').length).toBe(0);
    expect(findQuantities('2020 年增加公办幼儿园学位 3200 个').map((q) => q.value)).toEqual([3200]);
    expect(findQuantities('完成 1-5 月份工业经济运行分析报告').length).toBe(0);
  });

  it('reads an indicator target only from a short text with one quantity and a unit', () => {
    expect(targetQuantity('城镇登记失业率3%以内')).toEqual({ value: 3, unit: '%' });
    expect(targetQuantity('持续开展项目建设“四个主题季”活动和“三个100”攻坚行动')).toBeNull();
    expect(targetQuantity('包装申报项目15个，入库总额20亿元')).toBeNull();
  });
});

describe('targets packed in one cell', () => {
  it('splits "盘山县完成 12.4 亿元；双台子区完成 3.7 亿元" to each place with number and unit', () => {
    expect(splitPackedTargets('盘山县完成 12.4 亿元；双台子区完成 3.7 亿元')).toEqual({
      盘山县: { value: 12.4, unit: '亿元', text: '盘山县完成 12.4 亿元' },
      双台子区: { value: 3.7, unit: '亿元', text: '双台子区完成 3.7 亿元' },
    });
  });

  it('reads lead-ins (全年, 其中), list markers and places separated by 、，。', () => {
    const t = splitPackedTargets('全年盘山县完成 24.9 亿元；双台子区完成 7.3 亿元；辽东湾新区完成 45.9 亿元');
    expect(Object.keys(t)).toEqual(['盘山县', '双台子区', '辽东湾新区']);
    expect(t['辽东湾新区']!.value).toBe(45.9);
    const u = splitPackedTargets('500 户，其中兴隆台区完成 193 户；大洼区完成 123 户；盘山县完成 72 户。');
    expect(u['盘山县']).toMatchObject({ value: 72, unit: '户' });
    const v = splitPackedTargets('盘山县达到2.5%、大洼区1.5、双台子区2.5');
    expect(v['大洼区']).toMatchObject({ value: 1.5, unit: null });
    const w = splitPackedTargets('1、盘山县完成81公里。2、大洼区完成48公里。');
    expect(w['盘山县']).toMatchObject({ value: 81, unit: '公里' });
  });

  it('keeps the pieces after a place with it (the first quantity is its target)', () => {
    const t = splitPackedTargets('盘山县完成旅游总收入 16.82 亿元，旅游接待人次 202.69 万人次。 双台子区完成旅游总收入 29.35 亿元');
    expect(t['盘山县']).toEqual({ value: 16.82, unit: '亿元', text: '盘山县完成旅游总收入 16.82 亿元，旅游接待人次 202.69 万人次' });
  });

  it('finds a given name (the plan subject) inside a piece that starts otherwise', () => {
    const t = splitPackedTargets('有效发明专利盘山县85件，大洼区322件', ['盘山县']);
    expect(t['盘山县']).toMatchObject({ value: 85, unit: '件' });
  });

  it('returns nothing for a cell that names fewer than two places with numbers', () => {
    expect(splitPackedTargets('城镇登记失业率3%以内')).toEqual({});
    expect(splitPackedTargets('盘山县：制定工作方案；双台子区：组织培训')).toEqual({});
  });
});

describe('target direction', () => {
  it('is lower-is-better for 以内 / 不超过 / 控制在 / 低于, higher otherwise', () => {
    expect(targetDirection('城镇登记失业率3%以内')).toBe('lower');
    expect(targetDirection('PM2.5浓度控制在35微克以下')).toBe('lower');
    expect(targetDirection('污染地块安全利用率不低于90%')).toBe('higher');
    expect(targetDirection('化肥使用量下降5%')).toBe('higher');
    expect(targetDirection('地区生产总值增长5%')).toBe('higher');
  });
});
