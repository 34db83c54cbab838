import { describe, expect, it } from '@jest/globals';
import { cleanCell, headerKey, isNotApplicable, joinCjkGaps, oneLine, parseNumber, rebuildLabel } from './text.js';
import { splitNodeList } from './node-list.js';

describe('text cleaning', () => {
  it('removes line-wrap spaces between Chinese characters but keeps them next to numbers', () => {
    expect(joinCjkGaps('推进经济 区（园 区）持续 创新体制 机制')).toBe('推进经济区（园区）持续创新体制机制');
    expect(joinCjkGaps('盘山县完成 12.4 亿元')).toBe('盘山县完成 12.4 亿元');
  });

  it("strips converter HTML and keeps a cell's lines", () => {
    expect(cleanCell('<p>盘山县：制定方案</p>')).toBe('盘山县：制定方案');
    expect(cleanCell('\n 开发区管委会 \n工信局\n\n')).toBe('开发区管委会\n工信局');
    expect(oneLine('完善城市\n绿道系统')).toBe('完善城市绿道系统');
  });

  it('rebuilds labels split one character per line, and numbered section labels', () => {
    expect(rebuildLabel('个\n性\n指\n标')).toBe('个性指标');
    expect(rebuildLabel('指标\n\n类别')).toBe('指标类别');
    expect(rebuildLabel('一\n主要\n预期\n目标')).toBe('一、主要预期目标');
    expect(rebuildLabel('二\n加快构建新发展格局，奋力推动高质量发展')).toBe('二、加快构建新发展格局，奋力推动高质量发展');
    expect(headerKey('县“重强抓”任务分解表序号')).toBe('县重强抓任务分解表序号');
  });

  it('recognises the not-applicable marks and plain numbers', () => {
    for (const na of ['－', '-', '—', '/', '无']) expect(isNotApplicable(na)).toBe(true);
    expect(isNotApplicable('0')).toBe(false);
    expect(parseNumber(' 3.00 ')).toBe(3);
    expect(parseNumber('2.5')).toBe(2.5);
    expect(parseNumber('5分')).toBe(5);
    expect(parseNumber('绝对否决计分法')).toBeNull();
  });
});

describe('"（1）…；（2）…" node lists', () => {
  it('gives one entry per marker, each with its own text and marker', () => {
    const items = splitNodeList('（1）3月底前，地区生产总值实现正增长；\n（2）6月底前，地区生产总值增长2%；');
    expect(items).toEqual([
      { ref: '（1）', text: '3月底前，地区生产总值实现正增长', scope: null },
      { ref: '（2）', text: '6月底前，地区生产总值增长2%', scope: null },
    ]);
  });

  it('splits a list written on one line the same way', () => {
    expect(splitNodeList('（1）2月底前，制定计划；（2）4月底前，完成清单。').map((i) => i.ref)).toEqual(['（1）', '（2）']);
  });

  it('scopes entries under a heading line such as "胜利街道办事处:"', () => {
    const items = splitNodeList('胜利街道办事处:\n（1）6月底前,完成宣传；\n建设街道办事处：\n（2）把33户销售点打造成销售基地；');
    expect(items.map((i) => i.scope)).toEqual(['胜利街道办事处', '建设街道办事处']);
    expect(items[1]!.text).toBe('把33户销售点打造成销售基地');
  });

  it('keeps a cell without markers as one entry, wrapped lines joined', () => {
    expect(splitNodeList('9月底前，高标准完成装备制造园控制性\n详细规划编制工作。')).toEqual([
      { ref: null, text: '9月底前，高标准完成装备制造园控制性详细规划编制工作', scope: null },
    ]);
    expect(splitNodeList('')).toEqual([]);
  });
});
