import { beforeAll, describe, expect, it } from '@jest/globals';
import type { ImportIndicator, ImportTask, ParseImportResult } from './model.js';
import { methodParamsProblems } from './methods.js';
import { expectRowsAccountedFor, fixture, lineCount, parseFixture } from './spec-helpers.js';

const FILE = 'node-table.2020-panshan.tsv';

describe('node table: node-table.2020-panshan.tsv', () => {
  let res: ParseImportResult;
  let ind: (key: string) => ImportIndicator;
  let tasksOf: (key: string) => ImportTask[];
  beforeAll(async () => {
    res = await parseFixture(FILE, { year: 2020 });
    ind = (key) => {
      const found = res.model.indicators.find((i) => i.key === key);
      if (!found) throw new Error(`no indicator ${key}`);
      return found;
    };
    tasksOf = (key) => res.model.tasks.filter((t) => t.indicatorKey === key);
  });

  it('is detected as a node table written for 盘山县', () => {
    expect(res.shape).toBe('node-table');
    expect(res.model.meta).toMatchObject({ subject: '盘山县', title: '2020 年市政府对盘山县考核指标细则', year: 2020 });
  });

  it('imports all 133 items with their points, methods and deadlines, and reports no error', () => {
    expect(res.report.counts.items).toBe(133);
    const itemNos = new Set(res.model.indicators.map((i) => i.itemNo));
    expect([...itemNos]).toEqual(Array.from({ length: 133 }, (_, i) => String(i + 1)));
    for (const i of res.model.indicators) {
      expect(typeof i.points).toBe('number');
      expect(i.methodCode).not.toBeNull();
      const tasks = tasksOf(i.key);
      expect(tasks.length).toBeGreaterThan(0);
      for (const t of tasks) for (const n of t.nodes) expect(n.dueDate).toMatch(/^2020-\d\d-\d\d$/);
    }
    expect(res.report.counts.errors).toBe(0);
  });

  it('reads the further scored rows of an item (empty 序号, own 分值) as indicators "<序号>-2", "-3"', () => {
    expect(res.model.indicators.map((i) => i.key).filter((k) => k.includes('-'))).toEqual(['19-2', '33-2', '44-2', '44-3', '75-2', '79-2', '87-2', '119-2']);
    expect(res.report.counts.indicators).toBe(141);
    expect([ind('19').points, ind('19-2').points]).toEqual([2.5, 2.5]);
    expect(ind('19-2').categoryPath).toEqual(ind('19').categoryPath);
    expect(ind('87-2').assessingUnitName).toBe('市生态环境局'); // empty 考核主体 taken from the item's first row
    expect(tasksOf('44-3').map((t) => t.unitName)).toEqual(['县农业农村局']);
    expect(tasksOf('44').map((t) => t.unitName)).toEqual(['县现代农业中心']);
  });

  it('adds a continuation row without 分值 as one more node of the item (item 35: June and September)', () => {
    const [task] = tasksOf('35');
    expect(task!.nodes.map((n) => [n.seq, n.dueDate])).toEqual([
      [1, '2020-06-30'],
      [2, '2020-09-30'],
    ]);
    expect(task!.nodes[1]!.requiredEvidence).toContain('专题说明');
    expect(res.report.counts.nodes).toBe(142);
  });

  it('repairs the row shifted one column (line 66) and notes it in the report', () => {
    const p = res.report.problems.find((x) => x.row === 66 && x.reason.includes('shifted'));
    expect(p).toMatchObject({ severity: 'warning', column: 5, repaired: expect.stringContaining('realigned') });
    const shifted = ind('33-2');
    expect(shifted).toMatchObject({ points: 2.5, methodCode: 'all_or_nothing', name: '积极培育超亿元“小巨人”企业' });
    const [task] = tasksOf('33-2');
    expect(task!.unitName).toBe('县工信局');
    expect(task!.nodes).toEqual([
      expect.objectContaining({ dueDate: '2020-05-30', requiredEvidence: '“规升巨”企业培育库', stageTarget: expect.stringContaining('规升巨') }),
    ]);
  });

  it('reads the node text standing in the date column (line 107), keeps it as stage target, and notes it', () => {
    expect(res.report.problems).toContainEqual(
      expect.objectContaining({ row: 107, column: 5, field: '计划完成时间', severity: 'warning', repaired: expect.stringContaining('2020-06-30') }),
    );
    const [task] = tasksOf('55');
    expect(task!.nodes[0]).toMatchObject({ dueDate: '2020-06-30', stageTarget: expect.stringContaining('完成污染地块现场踏查') });
  });

  it('reads method typos and split tokens as all_or_nothing, each noted with the canonical name', () => {
    const typos: Record<string, string> = {
      '10': '绝对否决计分法', // written "绝对否 决计分 法"
      '35': '绝对否决计分法', // written "绝对 否决 计分法"
      '63': '绝对否诀计分法',
      '66': '绝对否诀计分法',
      '126': '绝对否决议分法',
      '127': '绝对否决议分法',
      '124': '绝对否计分法',
    };
    for (const [key, name] of Object.entries(typos)) {
      expect(ind(key)).toMatchObject({ methodCode: 'all_or_nothing', methodName: name });
      const row = ind(key).sourceRows[0];
      expect(res.report.problems).toContainEqual(expect.objectContaining({ row, field: '计分方式', repaired: '绝对否决计分法' }));
    }
    expect(ind('83')).toMatchObject({ methodCode: 'direct', methodName: '直接记分法' });
    expect(ind('5')).toMatchObject({ methodCode: 'ratio', methodName: '完成比例法' });
    expect(res.report.problems.filter((p) => p.row === ind('83').sourceRows[0] && p.field === '计分方式')).toEqual([]);
  });

  it('reads the scoring rule into parameters the scoring module accepts', () => {
    expect(ind('1')).toMatchObject({ methodSource: 'column', methodParams: { target: 8, weightOfRatio: 0.9, assessorPoints: true } });
    expect(ind('2').methodParams).toEqual({ target: 24.9, policyAdjustment: true });
    expect(ind('37').methodParams).toEqual({ mode: 'per_missed_item', deductionPerItem: 2.5 });
    expect(ind('57').methodParams).toEqual({ mode: 'per_occurrence', deductionPerOccurrence: 0.5 });
    expect(ind('82').methodParams).toEqual({ mode: 'threshold_linear', threshold: 80, deductionPerPoint: 1 });
    expect(ind('17').methodParams).toEqual({ mode: 'assessor' });
    expect(res.report.problems).toContainEqual(
      expect.objectContaining({ row: ind('17').sourceRows[0], field: '评分标准', severity: 'warning', repaired: '{"mode":"assessor"}' }),
    );
    for (const i of res.model.indicators) expect(methodParamsProblems(i.methodCode!, i.methodParams, i.points)).toEqual([]);
  });

  it('maps every spelling of a unit to one unit (县市局 = 县市场局 = 县市 场局 = 县市场监管局)', () => {
    for (const key of ['21', '26', '28', '35']) expect(tasksOf(key).map((t) => t.unitName)).toEqual(['县市场监管局']);
    for (const key of ['63', '72']) expect(tasksOf(key).map((t) => t.unitName)).toEqual(['县卫健局']);
    expect(tasksOf('117').map((t) => t.unitName)).toEqual(['县招商服务中心']);
    expect(res.model.units).toHaveLength(23);
    expect(res.model.units).not.toContain('县市局');
    expect(res.report.unitNames).toContainEqual({
      raw: '县市 场局',
      units: ['县市场监管局'],
      rule: 'alias',
      reason: '"县市场局" → "县市场监管局" (alias table)',
      message: '按别名表对应“县市场监管局”',
    });
  });

  it("splits targets packed in one cell and gives the tasks 盘山县's part", () => {
    expect(ind('2').targetsByUnit['双台子区']).toEqual({ value: 7.3, unit: '亿元', text: '双台子区完成 7.3 亿元' });
    expect(ind('2')).toMatchObject({ targetValue: 24.9, targetUnit: '亿元' });
    const [task] = tasksOf('2');
    expect(task!.unitTarget).toMatchObject({ value: 24.9, unit: '亿元' });
    expect(task!.nodes[0]).toMatchObject({ stageValue: 12.4, stageUnit: '亿元' });
    expect(ind('1')).toMatchObject({ targetValue: 8, targetUnit: '%' });
    expect(ind('9')).toMatchObject({ targetValue: 3, targetUnit: '%', direction: 'lower' });
  });

  it('gives a row with no deadline at all the default due date and reports each one', () => {
    const undated = res.report.problems.filter((p) => p.reason.startsWith('no deadline'));
    expect(undated.map((p) => p.row)).toEqual([39, 57, 58, 67, 112, 117, 182, 186, 192, 197, 198, 200, 201]);
    expect(tasksOf('18')[0]!.nodes[0]).toMatchObject({ dueDate: '2020-12-31', dueRule: 'default' });
  });

  it("uses the caller's default due date for those rows", async () => {
    const half = await parseFixture(FILE, { year: 2020, defaultDueDate: '2020-06-30' });
    expect(half.model.tasks.find((t) => t.indicatorKey === '18')!.nodes[0]!.dueDate).toBe('2020-06-30');
  });

  it('accounts for every line: header, 42 repeated headers, 133 items, 9 continuation rows, blanks and title', () => {
    expect(res.report.counts).toMatchObject({
      rows: 233,
      headerRows: 1,
      skippedHeaderRows: 42,
      dataRows: 133,
      continuationRows: 9,
      blankRows: 46,
      preambleRows: 2,
      problemRows: 0,
    });
    expect(lineCount(fixture(FILE))).toBe(233);
    expectRowsAccountedFor(res.report, fixture(FILE));
  });

  it('drops no data row silently: every data and continuation row is in the model', () => {
    const used = new Set<number>();
    for (const i of res.model.indicators) i.sourceRows.forEach((r) => used.add(r));
    for (const t of res.model.tasks) t.nodes.forEach((n) => used.add(n.sourceRow));
    for (const r of res.report.rows) if (r.kind === 'data' || r.kind === 'continuation') expect(used.has(r.row)).toBe(true);
  });

  it('counts tasks and nodes per unit', () => {
    const per = res.report.counts.perUnit;
    expect(Object.values(per).reduce((s, u) => s + u.tasks, 0)).toBe(res.report.counts.tasks);
    expect(per['县市场监管局']).toEqual({ tasks: 10, nodes: 11 });
  });

  it('gives the same keys and content on a second import (keys come from 序号)', async () => {
    const again = await parseFixture(FILE, { year: 2020 });
    expect(again.model).toEqual(res.model);
    expect(res.model.tasks[0]!.key).toBe('1@县发改局');
  });

  it('reports a unit outside the known list as an error and creates no task for it', async () => {
    const known = res.model.units.filter((u) => u !== '县城乡一体化');
    const r = await parseFixture(FILE, { year: 2020, knownUnits: known });
    expect(r.report.problems).toContainEqual(
      expect.objectContaining({ row: 92, field: '承接部门', severity: 'error', reason: expect.stringContaining('县城乡一体化') }),
    );
    expect(r.model.tasks.filter((t) => t.indicatorKey === '46')).toEqual([]);
    expect(r.model.units).not.toContain('县城乡一体化');
  });
});
