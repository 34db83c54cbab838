/** Shape rules on small hand-made tables (the seeds cover the rest). */
import { describe, expect, it } from '@jest/globals';
import { parseImport } from './parse-import.js';
import { contentKey } from './context.js';
import { fixture } from './spec-helpers.js';

const NODE_HEADER = '序号\t三级指标\t四级指标\t节点名称\t计划完成时间\t节点证明材料\t分值\t计分方式\t评分标准\t承接部门';
const tsv = (...lines: string[]) => ({ name: 't.tsv', bytes: Buffer.from(lines.join('\n') + '\n') });

describe('node table rules', () => {
  it('makes one task per unit listed in 承接部门, the first one the lead', async () => {
    const res = await parseImport(tsv(NODE_HEADER, '1\t甲\t甲一\t完成方案\t2020-6-30\t文件\t5\t直接计分法\t每项扣1分\t县发改局、县工信局'), { year: 2020 });
    expect(res.model.tasks.map((t) => [t.key, t.isLead])).toEqual([
      ['1@县发改局', true],
      ['1@县工信局', false],
    ]);
  });

  it('realigns a row with a stray empty cell before 分值 (shifted one column right) and notes it', async () => {
    const res = await parseImport(tsv(NODE_HEADER, '1\t甲\t甲一\t完成方案\t\t2020-6-30\t文件\t5\t直接计分法\t每项扣1分\t县发改局'), { year: 2020 });
    expect(res.model.indicators[0]).toMatchObject({ points: 5, methodCode: 'direct' });
    expect(res.model.tasks[0]!.nodes[0]).toMatchObject({ dueDate: '2020-06-30', requiredEvidence: '文件' });
    expect(res.report.problems).toContainEqual(expect.objectContaining({ row: 2, severity: 'warning', repaired: expect.stringContaining('removed') }));
  });

  it('reads a "每季度" date cell as one node (default) or, with expandRecurring, one node per quarter end', async () => {
    const file = tsv(NODE_HEADER, '1\t甲\t甲一\t报送进度\t每季度\t报表\t5\t绝对否决计分法\t完成得满分\t县发改局');
    const res = await parseImport(file, { year: 2020 });
    expect(res.model.tasks[0]!.nodes.map((n) => n.dueDate)).toEqual(['2020-12-31']);
    const expanded = await parseImport(file, { year: 2020, expandRecurring: true });
    expect(expanded.model.tasks[0]!.nodes.map((n) => n.dueDate)).toEqual(['2020-03-31', '2020-06-30', '2020-09-30', '2020-12-31']);
  });

  it('skips a header repeated at a page break and counts it', async () => {
    const res = await parseImport(
      tsv(
        NODE_HEADER,
        '1\t甲\t甲一\t完成方案\t2020-6-30\t文件\t5\t直接计分法\t每项扣1分\t县发改局',
        '',
        NODE_HEADER,
        '2\t乙\t乙一\t完成方案\t2020-6-30\t文件\t5\t直接计分法\t每项扣1分\t县发改局',
      ),
      { year: 2020 },
    );
    expect(res.report.counts).toMatchObject({ rows: 5, headerRows: 1, skippedHeaderRows: 1, dataRows: 2, blankRows: 1 });
  });

  it('reports a continuation row before any item as unreadable', async () => {
    const res = await parseImport(tsv(NODE_HEADER, '\t\t\t完成方案\t2020-6-30\t文件\t\t\t\t县发改局'), { year: 2020 });
    expect(res.report.counts.problemRows).toBe(1);
    expect(res.report.problems).toContainEqual(expect.objectContaining({ row: 2, severity: 'error', reason: expect.stringContaining('before any item') }));
  });

  it('keeps a repeated 序号 as a separate item with a distinct key, and warns', async () => {
    const row = '7\t甲\t甲一\t完成方案\t2020-6-30\t文件\t5\t直接计分法\t每项扣1分\t县发改局';
    const res = await parseImport(tsv(NODE_HEADER, row, row.replace('甲一', '甲二')), { year: 2020 });
    expect(res.model.indicators.map((i) => i.key)).toEqual(['7', '7~2']);
    expect(res.report.problems).toContainEqual(expect.objectContaining({ row: 3, severity: 'warning', reason: expect.stringContaining('序号 7') }));
  });

  it("warns when the title's year is not the plan year", async () => {
    const res = await parseImport(tsv('2020 年市政府对盘山县考核指标细则', NODE_HEADER, '1\t甲\t甲一\t6月30日前完成\t\t文件\t5\t直接计分法\t\t县发改局'), {
      year: 2021,
    });
    expect(res.report.problems).toContainEqual(expect.objectContaining({ row: 1, reason: expect.stringContaining('2020') }));
    expect(res.model.tasks[0]!.nodes[0]!.dueDate).toBe('2021-06-30');
  });
});

describe('work report rules', () => {
  const header = ' \t类别\n\t指标任务\n\t主要时间节点或阶段性量化指标\n\t完成时限\n\t牵头单位\n\t责任单位\n\t分管领导';

  it('keys a task without a number by a hash of its category and text, and warns', async () => {
    const text = [header, '', '\t一\n目标', '\t推进某项工作。', '\t（1）6月底前，完成方案。', '\t12月31日', '\t发改局', '\t', '\t张三'].join('\n');
    const res = await parseImport({ name: 'w.txt', bytes: Buffer.from(text) }, { year: 2023 });
    expect(res.model.indicators[0]!.key).toBe(contentKey(['一、目标'], '推进某项工作'));
    expect(res.report.problems).toContainEqual(expect.objectContaining({ severity: 'warning', reason: expect.stringContaining('no number') }));
  });

  it('gives an entry with neither its own date nor a 完成时限 the default due date, and reports it', async () => {
    const text = [header, '', '\t一', '\t1.推进某项工作。', '\t（1）持续推进。', '\t', '\t发改局', '\t', '\t张三'].join('\n');
    const res = await parseImport({ name: 'w.txt', bytes: Buffer.from(text) }, { year: 2023, defaultDueDate: '2023-11-30' });
    expect(res.model.tasks[0]!.nodes[0]).toMatchObject({ dueDate: '2023-11-30', dueRule: 'default' });
    expect(res.report.problems).toContainEqual(expect.objectContaining({ severity: 'warning', repaired: expect.stringContaining('2023-11-30') }));
  });
});

describe('the result', () => {
  it.each([
    ['node-table.2020-panshan.tsv', 2020],
    ['work-report.2023-shuangtaizi.part1.txt', 2023],
    ['unit-matrix.2019-towns.excerpt.txt', 2019],
  ])('of %s is plain JSON (no undefined, round-trips exactly)', async (name, year) => {
    const res = await parseImport({ name, bytes: fixture(name) }, { year });
    expect(JSON.parse(JSON.stringify(res))).toStrictEqual(res);
  });

  it('carries the plan year and timezone for the database half', async () => {
    const res = await parseImport({ name: 'm.txt', bytes: fixture('unit-matrix.2019-towns.excerpt.txt') }, { year: 2019, timezone: 'Asia/Urumqi' });
    expect(res.model.meta).toMatchObject({ year: 2019, timezone: 'Asia/Urumqi', shape: 'unit-matrix', source: 'cell-lines' });
  });
});
