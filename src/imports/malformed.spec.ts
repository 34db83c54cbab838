import { describe, expect, it } from '@jest/globals';
import type { ParseImportResult, ShapeName } from './model.js';
import { parseImport } from './parse-import.js';
import { fixture } from './spec-helpers.js';

function expectRefused(res: ParseImportResult, reason: RegExp): void {
  expect(res.shape).toBeNull();
  expect(res.model.indicators).toEqual([]);
  expect(res.model.tasks).toEqual([]);
  expect(res.report.counts.errors).toBeGreaterThan(0);
  expect(res.report.problems.map((p) => p.reason).join('\n')).toMatch(reason);
  const c = res.report.counts;
  expect(c.headerRows + c.skippedHeaderRows + c.dataRows + c.continuationRows + c.blankRows + c.preambleRows + c.problemRows).toBe(c.rows);
}

describe('a malformed file is reported, never thrown', () => {
  it('reports an empty file', async () => {
    expectRefused(await parseImport({ name: 'x.tsv', bytes: Buffer.alloc(0) }, { year: 2020 }), /empty/);
  });

  it('reports binary content named as text', async () => {
    expectRefused(await parseImport({ name: 'x.txt', bytes: Buffer.from([0x00, 0xff, 0x10, 0x00]) }, { year: 2020 }), /binary/);
  });

  it('reports a table of no known shape, saying which headers it looked for, and counts its rows as unread', async () => {
    const res = await parseImport({ name: 'x.tsv', bytes: Buffer.from('姓名\t年龄\t住址\n张三\t30\t盘锦\n\n') }, { year: 2020 });
    expectRefused(res, /no header of a known table shape.*承接部门.*牵头单位.*指标名称/s);
    expect(res.report.counts).toMatchObject({ rows: 3, problemRows: 2, blankRows: 1 });
  });

  it('reports a forced shape that does not match, naming the shape the headers look like', async () => {
    const res = await parseImport({ name: 'n.tsv', bytes: fixture('node-table.2020-panshan.tsv') }, { year: 2020, shape: 'unit-matrix' });
    expectRefused(res, /no unit-matrix header.*look like a node-table/);
  });

  it('takes a forced shape that matches', async () => {
    const res = await parseImport({ name: 'n.tsv', bytes: fixture('node-table.2020-panshan.tsv') }, { year: 2020, shape: 'node-table' });
    expect(res.shape).toBe('node-table');
  });

  it('reports a broken .xlsx and a broken .xls', async () => {
    expectRefused(await parseImport({ name: 'x.xlsx', bytes: Buffer.from('PK\u0003\u0004garbage') }, { year: 2020 }), /not a readable \.xlsx/);
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expectRefused(await parseImport({ name: 'x.xls', bytes: ole }, { year: 2020 }), /not a readable \.xls workbook/);
  });

  it('reports a CSV with an unclosed quote and imports nothing from it', async () => {
    const csv = '序号,三级指标,四级指标,节点名称,计划完成时间,分值,计分方式,承接部门\n1,"甲,乙,丙,2020-6-30,5,直接计分法,县发改局\n';
    expectRefused(await parseImport({ name: 'x.csv', bytes: Buffer.from(csv) }, { year: 2020 }), /never closed/);
  });

  it('reports bad options (year, timezone, shape, default due date)', async () => {
    const bytes = fixture('unit-matrix.2019-towns.excerpt.txt');
    expectRefused(await parseImport({ name: 'm.txt', bytes }, { year: Number('x') }), /option year/);
    expectRefused(await parseImport({ name: 'm.txt', bytes }, { year: 2019, timezone: 'Mars/Olympus' }), /timezone/);
    expectRefused(await parseImport({ name: 'm.txt', bytes }, { year: 2019, shape: 'pie-chart' as ShapeName }), /option shape/);
    expectRefused(await parseImport({ name: 'm.txt', bytes }, { year: 2019, defaultDueDate: '2019-02-30' }), /defaultDueDate/);
  });

  it('reports missing content instead of throwing on a bad call', async () => {
    const res = await parseImport({ name: 'x.tsv', bytes: 'not a buffer' as unknown as Buffer }, { year: 2020 });
    expectRefused(res, /no file content/);
  });

  it('reports an unreadable row, imports the rest, and still accounts for every row', async () => {
    const header = '序号\t三级指标\t四级指标\t节点名称\t计划完成时间\t节点证明材料\t分值\t计分方式\t评分标准\t承接部门';
    const good = '1\t甲\t甲一\t完成方案\t2020-6-30\t文件\t5\t直接计分法\t每项扣1分\t县发改局';
    const bad = '2\t乙\t乙一\t完成方案\t2020-6-30\t文件\t五分\t看情况\t—\t县发改局';
    const res = await parseImport({ name: 't.tsv', bytes: Buffer.from([header, good, bad].join('\n')) }, { year: 2020 });
    expect(res.model.indicators.map((i) => i.key)).toEqual(['1']);
    expect(res.report.problems).toContainEqual(
      expect.objectContaining({ row: 3, column: 7, field: '分值', severity: 'error', reason: expect.stringContaining('五分') }),
    );
    expect(res.report.counts).toMatchObject({ rows: 3, headerRows: 1, dataRows: 1, problemRows: 1 });
  });

  it('reports an unknown scoring method as an error but keeps the indicator', async () => {
    const header = '序号\t四级指标\t计划完成时间\t分值\t计分方式\t承接部门';
    const row = '1\t甲\t2020-6-30\t5\t综合评议法\t县发改局';
    const res = await parseImport({ name: 't.tsv', bytes: Buffer.from(`${header}\n${row}\n`) }, { year: 2020 });
    expect(res.model.indicators[0]).toMatchObject({ key: '1', methodCode: null, methodName: '综合评议法' });
    expect(res.report.problems).toContainEqual(expect.objectContaining({ row: 2, field: '计分方式', severity: 'error' }));
  });
});
