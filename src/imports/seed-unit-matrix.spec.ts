import { beforeAll, describe, expect, it } from '@jest/globals';
import type { ParseImportResult } from './model.js';
import { parseImport } from './parse-import.js';
import { expectRowsAccountedFor, fixture, parseFixture } from './spec-helpers.js';

const FILE = 'unit-matrix.2019-towns.excerpt.txt';
const TOWNS = ['太平街道', '胡家镇', '甜水镇', '得胜街道', '高升街道', '陈家镇', '吴家镇', '坝墙子镇', '沙岭镇', '古城子镇', '东郭街道', '羊圈子镇', '石新镇'];

describe('unit matrix: unit-matrix.2019-towns.excerpt.txt', () => {
  let res: ParseImportResult;
  beforeAll(async () => {
    res = await parseFixture(FILE, { year: 2019 });
  });
  const target = (key: string, town: string) => res.model.tasks.find((t) => t.key === `${key}@${town}`)?.unitTarget;

  it('is detected as a unit matrix and yields 5 indicators × 13 towns = 65 tasks', () => {
    expect(res.shape).toBe('unit-matrix');
    expect(res.model.indicators.map((i) => [i.key, i.name, i.points])).toEqual([
      ['1', '固定资产投资', 5],
      ['2', '一般公共预算收入', 5],
      ['3', '规模以上工业总产值', 3],
      ['4', '社会消费品零售总额', 3],
      ['5', '实际利用外资', 3],
    ]);
    expect(res.model.tasks).toHaveLength(65);
    expect(res.model.units).toEqual(TOWNS);
    expect(res.report.counts.perUnit['石新镇']).toEqual({ tasks: 5, nodes: 5 });
  });

  it("gives each town its own target, with the unit of measure from 考核标准's （单位：…）", () => {
    expect(target('1', '得胜街道')).toEqual({ value: 50, unit: '亿元', text: '50.00' });
    expect(target('1', '石新镇')).toEqual({ value: 0.5, unit: '亿元', text: '0.50' });
    expect(target('2', '古城子镇')).toEqual({ value: 60000, unit: '万元', text: '60000' });
    expect(target('3', '石新镇')).toEqual({ value: 0, unit: '亿元', text: '0' });
    expect(target('4', '胡家镇')).toEqual({ value: 8, unit: '%', text: '8%' });
    expect(target('5', '太平街道')).toEqual({ value: 50, unit: '万美元', text: '50' });
    expect(res.model.indicators[0]!.targetsByUnit['甜水镇']).toEqual(target('1', '甜水镇'));
  });

  it('gives an indicator a target only when every town has the same one', () => {
    expect(res.model.indicators.map((i) => [i.targetValue, i.targetUnit])).toEqual([
      [null, '亿元'],
      [null, '万元'],
      [null, '亿元'],
      [8, '%'],
      [50, '万美元'],
    ]);
  });

  it('reads the method from 考核标准, the assessing body and the two-level category (split one character per line)', () => {
    for (const i of res.model.indicators) {
      expect(i).toMatchObject({
        methodCode: 'ratio',
        methodSource: 'criteria',
        methodParams: {},
        categoryPath: ['个性指标', '“重强抓”专项行动任务重点指标及重点任务'],
      });
    }
    expect(res.model.indicators.map((i) => i.assessingUnitName)).toEqual(['县发改局', '县财政局', '县工信局', '县发改局', '县招商服务中心']);
  });

  it('gives each task one node due at the year end, and says the table has no dates', () => {
    for (const t of res.model.tasks) expect(t.nodes).toEqual([expect.objectContaining({ seq: 1, dueDate: '2019-12-31', dueRule: 'default' })]);
    expect(res.model.tasks[0]!.nodes[0]!.stageTarget).toBe('固定资产投资：3.00亿元');
    expect(res.report.problems).toEqual([expect.objectContaining({ severity: 'warning', reason: expect.stringContaining('no deadline column') })]);
  });

  it('accounts for every line: title, two header rows, five indicator rows', () => {
    expect(res.report.counts).toMatchObject({ rows: 9, preambleRows: 2, headerRows: 2, dataRows: 5, problemRows: 0 });
    expectRowsAccountedFor(res.report, fixture(FILE));
  });

  it('creates no task for "－" (not applicable) and reports an empty target cell', async () => {
    const text = fixture(FILE).toString('utf8').replace('\t3.00 \n', '\t－\n').replace('\t4500\n', '\t\n');
    const r = await parseImport({ name: 'm.txt', bytes: Buffer.from(text) }, { year: 2019 });
    expect(r.model.tasks).toHaveLength(63);
    expect(r.model.tasks.find((t) => t.key === '1@太平街道')).toBeUndefined();
    expect(r.report.problems).toContainEqual(expect.objectContaining({ severity: 'warning', field: '太平街道', reason: expect.stringContaining('no target') }));
    expect(r.report.problems.filter((p) => p.reason.includes('no target'))).toHaveLength(1);
  });

  it('resolves the town columns against a known unit list and reports a town it does not know', async () => {
    const r = await parseFixture(FILE, { year: 2019, knownUnits: TOWNS.filter((t) => t !== '东郭街道') });
    expect(r.model.tasks).toHaveLength(60);
    expect(r.report.problems).toContainEqual(expect.objectContaining({ severity: 'error', row: 28, reason: expect.stringContaining('东郭街道') }));
  });
});
