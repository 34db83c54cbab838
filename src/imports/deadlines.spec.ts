import { describe, expect, it } from '@jest/globals';
import { deadlinesOf, findDeadlinePhrases, isIsoDate, isPureDatePhrase } from './deadlines.js';

const on = (text: string, year = 2023) => deadlinesOf(text, year)?.dates ?? null;
const rule = (text: string, year = 2023) => deadlinesOf(text, year)?.hits.map((h) => h.rule) ?? null;

describe('deadline phrases → dates in the plan year', () => {
  it('reads full dates with - / . and 年月日, keeping their own year', () => {
    expect(on('2020-6-30', 2020)).toEqual(['2020-06-30']);
    expect(on('2020/6/30', 2020)).toEqual(['2020-06-30']);
    expect(on('2020.6.30', 2020)).toEqual(['2020-06-30']);
    expect(on('2020年6月30日前', 2020)).toEqual(['2020-06-30']);
    expect(rule('2020-6-30', 2020)).toEqual(['ymd']);
  });

  it('puts "6月30日" and "6 月 30 日前" in the plan year', () => {
    expect(on('6月30日')).toEqual(['2023-06-30']);
    expect(on('6 月 30 日前，完成 1-5 月份工业经济运行分析报告', 2020)).toEqual(['2020-06-30']);
    expect(on('12月31日')).toEqual(['2023-12-31']);
  });

  it('reads "3月底前" and "截至 6 月底" as the last day of the month (leap years included)', () => {
    expect(on('3月底前')).toEqual(['2023-03-31']);
    expect(on('2月底前', 2023)).toEqual(['2023-02-28']);
    expect(on('2月底前', 2024)).toEqual(['2024-02-29']);
    expect(on('截至 6 月底，一般公共预算收入完成 57.1 亿元', 2020)).toEqual(['2020-06-30']);
    expect(on('6月末')).toEqual(['2023-06-30']);
  });

  it('reads "2月中旬" as the 20th, "4月初" / "4月上旬" as the 10th, "2月下旬" as the month end', () => {
    expect(on('（1）2月中旬，鲁华泓锦项目施工队伍陆续进厂')).toEqual(['2023-02-20']);
    expect(on('4月初')).toEqual(['2023-04-10']);
    expect(on('4月上旬')).toEqual(['2023-04-10']);
    expect(on('2月下旬')).toEqual(['2023-02-28']);
  });

  it('reads "年底", "年末" as 12-31 and "2023年底前" in its own year', () => {
    expect(on('年底前完成')).toEqual(['2023-12-31']);
    expect(on('年末清算')).toEqual(['2023-12-31']);
    expect(on('争取2023年底前将上市材料上报北交所', 2023)).toEqual(['2023-12-31']);
    expect(deadlinesOf('2024年底前', 2023)!.hits[0]!.explicitYear).toBe(2024);
  });

  it('gives one node per quarter end for "每季度"', () => {
    expect(on('每季度，调度行业企业资金需求')).toEqual(['2023-03-31', '2023-06-30', '2023-09-30', '2023-12-31']);
  });

  it('gives monthly nodes for "每月15日前" (the 15th) and "按月" (month ends)', () => {
    const fifteenth = on('每月15日前报送数据')!;
    expect(fifteenth).toHaveLength(12);
    expect(fifteenth[0]).toBe('2023-01-15');
    expect(fifteenth[11]).toBe('2023-12-15');
    const monthly = on('按月调度对上争取资金完成情况')!;
    expect(monthly).toHaveLength(12);
    expect(monthly[1]).toBe('2023-02-28');
  });

  it('clamps "每月31日" to each month end', () => {
    expect(on('每月31日前')![1]).toBe('2023-02-28');
  });

  it('gives two nodes for "每半年", and reads 上半年 / 一季度', () => {
    expect(on('每半年至少招商一次')).toEqual(['2023-06-30', '2023-12-31']);
    expect(on('上半年完成')).toEqual(['2023-06-30']);
    expect(on('第三季度末')).toEqual(['2023-09-30']);
  });

  it('takes every phrase of the leading clause ("4月初、7月初、10月初，…") as separate dates', () => {
    expect(on('4月初、7月初、10月初，确定上季度奖补金额，制定下季度支出指标')).toEqual(['2023-04-10', '2023-07-10', '2023-10-10']);
  });

  it('takes only the first phrase when the leading clause has none', () => {
    expect(on('全力协助支持格林凯默上市前期准备工作，争取2023年底前将上市材料上报北交所；6月底前…')).toEqual(['2023-12-31']);
  });

  it('ignores later phrases once the leading clause has one ("3月底前，…每月将…")', () => {
    expect(on('3月底前，向各涉企单位发送工作通知，要求相关部门每月将最新的惠企政策报送')).toEqual(['2023-03-31']);
  });

  it('finds no deadline where there is none, and no date for an impossible one', () => {
    expect(deadlinesOf('以孟亮河蟹等规模较大的河蟹销售点为引领', 2023)).toBeNull();
    expect(deadlinesOf('计划2024年将上市材料上报上交所', 2023)).toBeNull();
    expect(on('2月30日')).toEqual([]);
    expect(findDeadlinePhrases('13月底', 2023)[0]?.dates ?? []).toEqual([]);
  });

  it('reads full-width digits', () => {
    expect(on('６月３０日')).toEqual(['2023-06-30']);
  });

  it('tells a pure date cell from node text standing in the date column', () => {
    expect(isPureDatePhrase('2020-6-30', 2020)).toBe(true);
    expect(isPureDatePhrase('6月30日前', 2020)).toBe(true);
    expect(isPureDatePhrase('6月30日前，完成污染地块现场踏查和信息核实工作', 2020)).toBe(false);
    expect(isPureDatePhrase('“规升巨”企业培育库', 2020)).toBe(false);
    expect(isPureDatePhrase('', 2020)).toBe(false);
  });

  it('validates ISO dates', () => {
    expect(isIsoDate('2020-06-30')).toBe(true);
    expect(isIsoDate('2021-02-29')).toBe(false);
    expect(isIsoDate('2020-6-30')).toBe(false);
  });
});
