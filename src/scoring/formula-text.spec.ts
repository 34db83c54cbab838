import { describe, expect, it } from '@jest/globals';
import { capAtFromText, directionFromText } from './formula-text.js';

describe("directionFromText: which way a target points, from the document's words", () => {
  it.each([
    ['城镇登记失业率≦3%', 'lower', '≦'],
    ['城镇调查失业率≤5.5%', 'lower', '≤'],
    ['城镇登记失业率控制在3.5%以内', 'lower', '控制在…以内'],
    ['单位地区生产总值能耗增长控制在2%以内', 'lower', '控制在…以内'],
    ['PM2.5平均浓度不高于35微克/立方米', 'lower', '不高于'],
    ['安全生产事故死亡人数不超过3人', 'lower', '不超过'],
    ['生产安全事故起数同比下降到10起以下', 'lower', '以下'],
    ['人口自然增长率在6‰以下', 'lower', '以下'],
    ['信访总量低于上年', 'lower', '低于'],
    ['空气质量优良天数比例不低于85%', 'higher', '不低于'],
    ['新增城镇就业不少于2000人', 'higher', '不少于'],
    ['地区生产总值增长6%以上', 'higher', '以上'],
    ['一般公共预算收入≥12.4亿元', 'higher', '≥'],
    ['固定资产投资达到50亿元', 'higher', '达到'],
    ['农村居民人均可支配收入增长8%', 'higher', '增长'],
    ['PM2.5浓度降至30微克/立方米', 'lower', '降至'],
  ])('%s → %s (%s)', (text, direction, cue) => {
    expect(directionFromText(text)).toMatchObject({ direction, cue, explicit: true });
  });

  it('no cue → higher is better, said to be the default; a reduction rate alone is no cue', () => {
    expect(directionFromText('完成省下达任务')).toEqual({ direction: 'higher', cue: null, explicit: false, conflict: false });
    expect(directionFromText('单位GDP能耗下降3%')).toMatchObject({ direction: 'higher', explicit: false });
    expect(directionFromText(null)).toMatchObject({ direction: 'higher', explicit: false });
  });

  it('comparators pointing both ways are flagged for a person', () => {
    expect(directionFromText('增长6%以上，能耗控制在2%以内')).toMatchObject({ direction: 'higher', cue: '以上', conflict: true });
  });
});

describe('capAtFromText: where the document caps a completion-ratio formula', () => {
  it('"不超过分值" after the formula caps the total', () => {
    expect(capAtFromText('(完成值/目标值) × 分值 × 90% + 考核主体评分，不超过分值')).toEqual({ capAt: 'total', cue: '不超过分值', explicit: true });
    expect(capAtFromText('得分最高不超过该项分值')).toMatchObject({ capAt: 'total' });
    expect(capAtFromText('以分值为上限')).toMatchObject({ capAt: 'total' });
  });

  it('a capped completion rate caps the ratio; nothing said → the ratio, by default', () => {
    expect(capAtFromText('完成率最高按100%计')).toMatchObject({ capAt: 'ratio', explicit: true });
    expect(capAtFromText('超额完成不加分')).toMatchObject({ capAt: 'ratio', explicit: true });
    expect(capAtFromText('完成值/目标值×分值')).toEqual({ capAt: 'ratio', cue: null, explicit: false });
  });
});
