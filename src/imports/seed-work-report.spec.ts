import { beforeAll, describe, expect, it } from '@jest/globals';
import type { ImportTask, ParseImportResult } from './model.js';
import { expectRowsAccountedFor, fixture, parseFixture } from './spec-helpers.js';

const FILE = 'work-report.2023-shuangtaizi.part1.txt';

describe('work-report decomposition: work-report.2023-shuangtaizi.part1.txt', () => {
  let res: ParseImportResult;
  let tasksOf: (key: string) => ImportTask[];
  const dates = (t: ImportTask) => t.nodes.map((n) => n.dueDate);
  beforeAll(async () => {
    res = await parseFixture(FILE, { year: 2023 });
    tasksOf = (key) => res.model.tasks.filter((t) => t.indicatorKey === key);
  });

  it('is detected as a work-report decomposition from its headers', () => {
    expect(res.shape).toBe('work-report');
    expect(res.model.meta.title).toBe('2023年区政府工作报告任务分解');
  });

  it('imports tasks 1–52, each with dated 2023 nodes, stage target text, a lead unit and a leader in charge', () => {
    expect(res.model.indicators.map((i) => i.key)).toEqual(Array.from({ length: 52 }, (_, i) => String(i + 1)));
    for (const ind of res.model.indicators) {
      const tasks = tasksOf(ind.key);
      expect(tasks.some((t) => t.isLead)).toBe(true);
      for (const t of tasks) {
        expect(t.leaderInCharge).toMatch(/^[\u4e00-\u9fa5、]+$/);
        expect(t.nodes.length).toBeGreaterThan(0);
        for (const n of t.nodes) {
          expect(n.dueDate).toMatch(/^2023-\d\d-\d\d$/);
          expect(n.stageTarget.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('gives task 1 its lead unit, its five co-responsible units and one node per "（n）" entry', () => {
    const tasks = tasksOf('1');
    expect(tasks.map((t) => [t.unitName, t.isLead])).toEqual([
      ['发改局', true],
      ['开发区管委会', false],
      ['工信局', false],
      ['商务局', false],
      ['住建局', false],
      ['农业农村局', false],
    ]);
    expect(tasks[0]!.leaderInCharge).toBe('祝美娟');
    expect(tasks[0]!.nodes.map((n) => [n.ref, n.dueDate, n.stageTarget])).toEqual([
      ['（1）', '2023-03-31', '3月底前，地区生产总值实现正增长'],
      ['（2）', '2023-06-30', '6月底前，地区生产总值增长2%'],
      ['（3）', '2023-09-30', '9月底前，地区生产总值增长3%'],
      ['（4）', '2023-12-31', '12月底前，地区生产总值增长5%'],
    ]);
    expect(tasks[0]!.nodes[1]).toMatchObject({ stageValue: 2, stageUnit: '%' });
    expect(res.model.indicators[0]).toMatchObject({ name: '地区生产总值增长5%', targetValue: 5, targetUnit: '%', categoryPath: ['一、主要预期目标'] });
  });

  it('takes empty 牵头单位 / 责任单位 / 分管领导 of task 2 from the row above (merged cells) and notes it', () => {
    expect(tasksOf('2').map((t) => t.unitName)).toEqual(tasksOf('1').map((t) => t.unitName));
    expect(tasksOf('2')[0]!.leaderInCharge).toBe('祝美娟');
    expect(res.report.problems).toContainEqual(
      expect.objectContaining({ row: 61, field: '牵头单位', severity: 'warning', repaired: expect.stringContaining('发改局') }),
    );
  });

  it('does not take co-units from above when the lead unit is given (task 3: 财政局 alone)', () => {
    expect(tasksOf('3').map((t) => [t.unitName, t.isLead])).toEqual([['财政局', true]]);
  });

  it('rebuilds the category path, continuing empty category cells from above', () => {
    const path = (k: string) => res.model.indicators.find((i) => i.key === k)!.categoryPath;
    expect(path('5')).toEqual(['一、主要预期目标']);
    expect(path('7')).toEqual(['二、加快构建新发展格局，奋力推动高质量发展', '（一）抢抓重大历史机遇']);
    expect(path('9')).toEqual(['二、加快构建新发展格局，奋力推动高质量发展', '（二）持续优化营商环境']);
    expect(path('52')).toEqual(['二、加快构建新发展格局，奋力推动高质量发展', '（十）大力推进乡村振兴']);
  });

  it('joins task 26, continued over three rows after page breaks, into one task per unit with all 15 nodes as written', () => {
    const tasks = tasksOf('26');
    expect(tasks.map((t) => [t.unitName, t.isLead])).toEqual([
      ['商务局', true],
      ['工信局', true],
      ['农业农村局', true],
    ]);
    expect(tasks[0]!.leaderInCharge).toBe('王茜、李洋、黄刚');
    const nodes = tasks[0]!.nodes;
    expect(nodes).toHaveLength(15);
    expect(new Set(nodes.map((n) => n.ref)).size).toBe(15);
    expect(nodes.find((n) => n.ref === '（1）')).toMatchObject({ scope: '胜利街道办事处', dueDate: '2023-06-30' });
    expect(nodes.find((n) => n.ref === '（13）')).toMatchObject({ scope: '统一镇', dueDate: '2023-03-31' });
    // an entry with no date of its own takes 完成时限
    expect(nodes.find((n) => n.ref === '（2）')).toMatchObject({ scope: '建设街道办事处', dueDate: '2023-12-31', dueRule: 'row-deadline' });
    expect(dates(tasks[0]!)).toEqual([...dates(tasks[0]!)].sort());
    expect(res.report.counts.continuationRows).toBe(2);
  });

  it('dates "4月初、7月初、10月初" as three nodes and "年末" as 12-31 (task 25)', () => {
    expect(dates(tasksOf('25')[0]!)).toEqual(['2023-03-31', '2023-04-10', '2023-07-10', '2023-10-10', '2023-12-31']);
  });

  it('dates "2月中旬" as the 20th (task 35)', () => {
    expect(tasksOf('35')[0]!.nodes[0]).toMatchObject({ dueDate: '2023-02-20', dueRule: 'month-mid' });
  });

  it('keeps "每季度" (task 23) and "按月" (task 7) as one node each by default, and says so', () => {
    const quarterly = tasksOf('23')[0]!.nodes.filter((n) => n.dueRule === 'every-quarter');
    expect(quarterly.map((n) => n.dueDate)).toEqual(['2023-12-31']);
    expect(tasksOf('7')[0]!.nodes.filter((n) => n.dueRule === 'every-month')).toHaveLength(1);
    const notes = res.report.problems.filter((p) => /recurring phrase/.test(p.reason));
    expect(notes.length).toBeGreaterThanOrEqual(2);
    expect(notes.find((p) => /每季度/.test(p.reason))).toMatchObject({ severity: 'warning', repaired: expect.stringMatching(/would give 4 nodes/) });
  });

  it('with expandRecurring: one node per quarter end for "每季度" (task 23) and monthly nodes for "按月" (task 7)', async () => {
    const expanded = await parseFixture(FILE, { year: 2023, expandRecurring: true });
    const of = (key: string) => expanded.model.tasks.filter((t) => t.indicatorKey === key);
    const quarterly = of('23')[0]!.nodes.filter((n) => n.dueRule === 'every-quarter');
    expect(quarterly.map((n) => n.dueDate)).toEqual(['2023-03-31', '2023-06-30', '2023-09-30', '2023-12-31']);
    expect(of('7')[0]!.nodes.filter((n) => n.dueRule === 'every-month')).toHaveLength(12);
    expect(of('26')[0]!.nodes).toHaveLength(16);
    expect(expanded.report.problems.some((p) => /not expanded/.test(p.reason))).toBe(false);
  });

  it('dates an entry by its own year phrase ("2023年底前") or, lacking one, by 完成时限 (task 37)', () => {
    expect(tasksOf('37')[0]!.nodes.map((n) => [n.ref, n.dueDate, n.dueRule])).toEqual([
      ['（1）', '2023-12-31', 'year-end-of'],
      ['（2）', '2023-12-31', 'row-deadline'],
    ]);
  });

  it('reports group names ("各街镇", "其他相关部门") instead of turning them into units', () => {
    expect(tasksOf('6').map((t) => t.unitName)).toEqual(['人社局']);
    expect(res.report.problems).toContainEqual(
      expect.objectContaining({ row: 112, field: '责任单位', severity: 'warning', reason: expect.stringContaining('各街镇') }),
    );
    expect(res.model.units).not.toContain('各街镇');
    expect(res.model.units).not.toContain('其他相关部门');
  });

  it('expands "各街镇" to the known towns when a unit list is given', async () => {
    const known = [...res.model.units, '红旗街道办事处', '铁东街道办事处'];
    const r = await parseFixture(FILE, { year: 2023, knownUnits: known });
    const units = r.model.tasks.filter((t) => t.indicatorKey === '6').map((t) => t.unitName);
    expect(units).toEqual(['人社局', '辽河街道办事处', '双盛街道办事处', '统一镇', '陆家镇', '红旗街道办事处', '铁东街道办事处']);
    expect(r.report.counts.errors).toBe(0);
  });

  it('reports the note row inside the table instead of importing it as a task', () => {
    expect(res.report.problems).toContainEqual(expect.objectContaining({ row: 33, severity: 'warning', reason: expect.stringContaining('经合并同类项') }));
  });

  it('accounts for every line of the file and reports no error', () => {
    expect(res.report.counts).toMatchObject({ headerRows: 1, dataRows: 52, continuationRows: 2, problemRows: 0, errors: 0 });
    expectRowsAccountedFor(res.report, fixture(FILE));
  });
});
