import { describe, expect, it } from '@jest/globals';
import { cleanUnitName, DEFAULT_UNIT_ALIASES, splitPersonList, splitUnitList, UnitResolver } from './units.js';

describe('unit names → known units', () => {
  it('treats 县市场局, 县市场监管局, 县市场监督管理局, 县市局 and "县市 场局" as one unit', () => {
    const r = new UnitResolver();
    for (const raw of ['县市场局', '县市场监管局', '县市场监督管理局', '县市局', '县市 场局']) {
      expect(r.resolve(raw).units).toEqual(['县市场监管局']);
    }
  });

  it('returns the known spelling when the plan lists a unit under another alias', () => {
    const r = new UnitResolver({ knownUnits: ['县市场监督管理局', '县发改局'] });
    expect(r.resolve('县市场局')).toMatchObject({ units: ['县市场监督管理局'], rule: 'alias' });
    expect(r.resolve('县发改局')).toMatchObject({ units: ['县发改局'], rule: 'known' });
  });

  it('reports a name it cannot match instead of inventing a unit', () => {
    const r = new UnitResolver({ knownUnits: ['县发改局'] });
    const res = r.resolve('县宇宙局');
    expect(res.units).toEqual([]);
    expect(res.rule).toBe('unresolved');
    expect(res.problem).toContain('县宇宙局');
  });

  it('proposes the canonical names as units when no unit list is given', () => {
    const r = new UnitResolver();
    expect(r.resolve('县卫建局')).toMatchObject({ units: ['县卫健局'], rule: 'alias' });
    expect(r.resolve('县招商中心').units).toEqual(['县招商服务中心']);
    expect(r.resolve('营商局')).toMatchObject({ units: ['营商局'], rule: 'proposed' });
  });

  it('applies suffix aliases to long official names', () => {
    const r = new UnitResolver();
    expect(r.resolve('区卫生健康局').units).toEqual(['区卫健局']);
    expect(r.resolve('区发展和改革局').units).toEqual(['区发改局']);
  });

  it("lets the caller's aliases extend and override the defaults", () => {
    const r = new UnitResolver({ aliases: { 县市场局: '县市监局', 城建中心: '县城乡一体化中心' } });
    expect(r.resolve('县市场局').units).toEqual(['县市监局']);
    expect(r.resolve('城建中心').units).toEqual(['县城乡一体化中心']);
    expect(DEFAULT_UNIT_ALIASES['县市场局']).toBe('县市场监管局');
  });

  it('does not take a group name ("各街镇", "其他相关部门") for a unit', () => {
    const r = new UnitResolver();
    expect(r.resolve('各街镇')).toMatchObject({ units: [], rule: 'unresolved', collective: true });
    expect(r.resolve('其他相关部门')).toMatchObject({ units: [], collective: true });
    expect(r.resolve('相关街道办事处').collective).toBe(true);
  });

  it('expands "各街镇" to the known towns and street offices when a unit list is given', () => {
    const r = new UnitResolver({ knownUnits: ['陆家镇', '统一镇', '辽河街道办事处', '商务局'] });
    expect(r.resolve('各街镇')).toMatchObject({ units: ['陆家镇', '统一镇', '辽河街道办事处'], rule: 'collective' });
  });

  it('refuses a name that matches two known units', () => {
    const r = new UnitResolver({ knownUnits: ['县市场局', '县市场监督管理局'] });
    expect(r.resolve('县市场监管局').units).toEqual([]);
  });
});

describe('unit and person lists in one cell', () => {
  it('splits one unit per line, or at 、，；, keeping a single wrap space inside a name', () => {
    expect(splitUnitList('开发区管委会\n工信局\n商务局')).toEqual(['开发区管委会', '工信局', '商务局']);
    expect(splitUnitList('县发改局、县工信局；县财政局')).toEqual(['县发改局', '县工信局', '县财政局']);
    expect(splitUnitList('县市 场局')).toEqual(['县市 场局']);
    expect(cleanUnitName('县市 场局')).toBe('县市场局');
  });

  it('splits leaders one per line and removes the spaces inside two-character names', () => {
    expect(splitPersonList('王  茜\n李  洋\n黄  刚')).toEqual(['王茜', '李洋', '黄刚']);
  });
});

describe('a recorded alias that reverses the default table', () => {
  it('matches both spellings to the known unit (县发改局 recorded as an alias of 县发展和改革局)', () => {
    const r = new UnitResolver({ knownUnits: ['县发展和改革局', '县财政局'], aliases: { 县发改局: '县发展和改革局' } });
    expect(r.resolve('县发改局').units).toEqual(['县发展和改革局']);
    expect(r.resolve('县发展和改革局').units).toEqual(['县发展和改革局']);
  });
});
