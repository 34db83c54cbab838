/**
 * Issue 14's failure classes, on documents built in code (test/support/import-documents.ts), each read as
 * .docx and .xls (and, where the one-cell-per-line conversion can hold it, as text): counts exact, no
 * key of one section overwriting another's, no person created as a unit.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { toCellLines, toDocx, toXls, type DocBlock } from '../../test/support/documents.js';
import { fourAnnexNotice, workReport } from '../../test/support/import-documents.js';
import type { ParseImportOptions, ParseImportResult } from './model.js';
import { parseImport } from './parse-import.js';

async function asFormats(doc: DocBlock[], opts: ParseImportOptions, text = true): Promise<Record<string, ParseImportResult>> {
  const out: Record<string, ParseImportResult> = {
    docx: await parseImport({ name: 'doc.docx', bytes: await toDocx(doc) }, opts),
    xls: await parseImport({ name: 'doc.xls', bytes: toXls(doc) }, opts),
  };
  if (text) out['text'] = await parseImport({ name: 'doc.txt', bytes: toCellLines(doc) }, opts);
  return out;
}

const PEOPLE = ['祝美娟', '王茜', '王', '茜', '李洋', '黄刚'];

describe('a notice with four annexes and a negative list (.docx and .xls)', () => {
  let byFormat: Record<string, ParseImportResult>;
  beforeAll(async () => {
    byFormat = await asFormats(fourAnnexNotice(), { year: 2024 }, false);
  });

  it('splits into its five sections, each with its shape, rows and counts', () => {
    for (const res of Object.values(byFormat)) {
      expect(res.report.sections.map((s) => [s.key, s.shape, s.counts.indicators, s.counts.tasks, s.counts.catalogueItems])).toEqual([
        ['附件1', 'unit-matrix', 3, 8, 0],
        ['附件2', 'unit-matrix', 2, 4, 0],
        ['附件3', 'node-platform', 1, 3, 0],
        ['附件4', 'common-indicators', 3, 0, 0],
        ['附件5', 'catalogue', 0, 0, 39],
      ]);
      const rows = res.report.sections.map((s) => s.rows);
      for (let k = 1; k < rows.length; k++) expect(rows[k]!.from!).toBeGreaterThan(rows[k - 1]!.to!);
      expect(res.report.sections[0]!.rows.from).toBe(1); // the cover letter belongs to the first annex
      expect(res.report.counts).toMatchObject({ indicators: 9, tasks: 15, errors: 0 });
    }
  });

  it("keys every indicator by its section: the parks' items 1–2 do not overwrite the towns' 1–2", () => {
    const res = byFormat['docx']!;
    expect(res.model.indicators.map((i) => i.key)).toEqual([
      '附件1/1',
      '附件1/2',
      '附件1/3',
      '附件2/1',
      '附件2/2',
      '附件3/nodes',
      '附件4/1',
      '附件4/2',
      '附件4/3',
    ]);
    expect(res.model.tasks.filter((t) => t.indicatorKey === '附件2/1').map((t) => t.unitName)).toEqual(['经济开发区', '高新区']);
    expect(new Set(res.model.tasks.map((t) => t.key)).size).toBe(res.model.tasks.length);
  });

  it("gives every town the indicator whose targets are blank because it takes the statistics bureau's score", () => {
    const res = byFormat['xls']!;
    const ind = res.model.indicators.find((i) => i.key === '附件1/3')!;
    expect(ind).toMatchObject({ scoredBy: '县统计局', methodCode: 'direct' });
    expect(res.model.tasks.filter((t) => t.indicatorKey === '附件1/3').map((t) => t.unitName)).toEqual(['太平街道', '胡家镇', '甜水镇']);
    // "－" still means not applicable
    expect(res.model.tasks.filter((t) => t.indicatorKey === '附件1/2').map((t) => t.unitName)).toEqual(['太平街道', '胡家镇']);
  });

  it("reads the departments' node-platform table as one indicator with each unit's counts", () => {
    const res = byFormat['docx']!;
    const ind = res.model.indicators.find((i) => i.key === '附件3/nodes')!;
    expect(ind).toMatchObject({ methodCode: 'node_platform', points: 10, name: '2024年度县直部门节点平台考核得分' });
    expect(ind.nodeCounts).toEqual({
      县发改局: { nodes: 20, redLights: 2, score: 9 },
      县财政局: { nodes: 16, redLights: 0, score: 10 },
      县卫健局: { nodes: 10, redLights: 1, score: 9 },
    });
    expect(res.report.newUnits.filter((u) => u.name.startsWith('县'))).toEqual(
      expect.arrayContaining([
        { name: '县发改局', kind: 'department' },
        { name: '县卫健局', kind: 'department' },
      ]),
    );
  });

  it("reads the common indicators' deduction rules into their methods, and reports the one it cannot read", () => {
    const res = byFormat['docx']!;
    const common = res.model.indicators.filter((i) => i.section === '附件4');
    expect(common.map((i) => [i.key, i.categoryPath, i.common, i.scoredBy, i.methodCode, i.methodParams])).toEqual([
      ['附件4/1', ['党的建设'], true, '县纪委监委', 'direct', { mode: 'per_occurrence', deductionPerOccurrence: 0.5 }],
      ['附件4/2', ['党的建设'], true, '县应急局', 'direct', { mode: 'per_occurrence', deductionPerOccurrence: 1 }],
      ['附件4/3', ['平安建设'], true, '县信访局', 'direct', { mode: 'assessor' }],
    ]);
    expect(res.report.problems.filter((p) => p.severity === 'warning' && /附件4\/3|indicator 3/.test(p.reason)).length).toBeGreaterThan(0);
  });

  it('reads the 39-line negative list into 39 catalogue items with their amounts', () => {
    const res = byFormat['xls']!;
    const [cat] = res.model.catalogues;
    expect(cat).toMatchObject({ section: '附件5', kind: 'negative_list', title: '2024年度负面清单' });
    expect(cat!.items).toHaveLength(39);
    expect(cat!.items[0]).toMatchObject({ key: '附件5/1', points: 1 });
    expect(cat!.items[1]).toMatchObject({ key: '附件5/2', points: 0.5 });
    expect(cat!.items[7]).toMatchObject({ points: 0.2, cap: 1 });
  });

  it('reads the same in both formats', () => {
    const strip = (r: ParseImportResult) => ({
      indicators: r.model.indicators.map(({ sourceRows: _s, ...i }) => i),
      tasks: r.model.tasks.map((t) => [t.key, t.nodes.length]),
      catalogues: r.model.catalogues.map((c) => c.items.map((i) => [i.key, i.points, i.text])),
    });
    expect(strip(byFormat['xls']!)).toEqual(strip(byFormat['docx']!));
  });
});

describe('a work report with multi-line categories, leaders, per-unit node lists and a second table (.docx, .xls, text)', () => {
  let byFormat: Record<string, ParseImportResult>;
  beforeAll(async () => {
    byFormat = await asFormats(workReport(), { year: 2023 });
  });

  it('keeps every task with its number, name, category, lead and co-units — no column shifted', () => {
    for (const [f, res] of Object.entries(byFormat)) {
      expect([f, res.report.sections.map((s) => [s.key, s.shape, s.counts.items])]).toEqual([
        f,
        [
          ['s1', 'work-report', 4],
          ['s2', 'work-report', 2],
        ],
      ]);
      expect(res.model.indicators.map((i) => [i.key, i.categoryPath, i.name])).toEqual([
        ['s1/1', ['一、主要预期目标'], '地区生产总值增长5%'],
        ['s1/2', ['三、创新驱动发展', '（四）优化创新生态'], '支持科技型企业发展'],
        ['s1/3', ['三、创新驱动发展', '（四）优化创新生态'], '推进街道特色产业'],
        ['s1/4', ['三、创新驱动发展', '（四）优化创新生态'], '做好惠企政策宣传'],
        ['s2/1', ['2023年十件民生实事任务分解', '十件民生实事'], '新建改造城市公厕10座'],
        ['s2/2', ['2023年十件民生实事任务分解', '十件民生实事'], '改造老旧小区3个'],
      ]);
      expect(res.model.tasks.map((t) => [t.key, t.isLead, t.leaderInCharge, t.nodes.length])).toEqual([
        ['s1/1@发改局', true, '祝美娟', 2],
        ['s1/1@工信局', false, '祝美娟', 2],
        ['s1/1@农业农村局', false, '祝美娟', 2],
        ['s1/2@科技局', true, '王茜', 1],
        ['s1/2@农业农村局', false, '王茜', 1],
        ['s1/2@工信局', false, '王茜', 1],
        ['s1/3@胜利街道办事处', false, '李洋', 2],
        ['s1/3@红旗街道', false, '李洋', 1],
        ['s1/4@工信局', true, '黄刚', 1],
        ['s2/1@住建局', true, '王茜', 1],
        ['s2/2@住建局', true, '王茜', 1],
      ]);
      expect(res.model.units).toEqual(['发改局', '工信局', '农业农村局', '科技局', '胜利街道办事处', '红旗街道', '住建局']);
      for (const p of PEOPLE) expect(res.model.units).not.toContain(p);
      expect(res.report.problems.filter((p) => p.severity === 'error').map((p) => p.reason)).toEqual([]);
    }
  });

  it('matches "县农业农村局" to "农业农村局" and says why', () => {
    const res = byFormat['docx']!;
    expect(res.report.unitNames).toContainEqual({
      raw: '县农业农村局',
      units: ['农业农村局'],
      rule: 'prefix',
      reason: '"县农业农村局" = "农业农村局" (the prefix "县" is ignored)',
      message: '忽略“县、区、市”等前缀后对应“农业农村局”',
    });
    expect(res.report.newUnits.map((u) => u.name)).toEqual(res.model.units);
  });

  it('gives each unit only its own nodes from a per-unit node list', () => {
    const res = byFormat['xls']!;
    const of = (u: string) => res.model.tasks.find((t) => t.key === `s1/3@${u}`)!.nodes.map((n) => [n.scope, n.dueDate]);
    expect(of('胜利街道办事处')).toEqual([
      ['胜利街道办事处', '2023-06-30'],
      ['胜利街道办事处', '2023-10-31'],
    ]);
    expect(of('红旗街道')).toEqual([['红旗街道', '2023-09-30']]);
  });

  it("puts the node count beside the document's stated count, and flags a difference when recurring phrases are expanded", async () => {
    const res = byFormat['text']!;
    expect(res.report.sections[0]!.stated).toMatchObject({ tasks: 4, nodes: 7 });
    expect(res.report.sections[0]!.counts).toMatchObject({ items: 4, stageNodes: 7 });
    expect(res.report.problems.some((p) => /states 7 stage nodes/.test(p.reason))).toBe(false);
    const expanded = await parseImport({ name: 'doc.docx', bytes: await toDocx(workReport()) }, { year: 2023, expandRecurring: true });
    expect(expanded.report.sections[0]!.counts.stageNodes).toBe(10);
    expect(expanded.report.problems).toContainEqual(
      expect.objectContaining({ severity: 'warning', reason: expect.stringMatching(/states 7 stage nodes .* but 10 were read/) }),
    );
  });

  it('starts a new section where numbering restarts under a title even without a repeated header', async () => {
    const doc = workReport();
    const second = doc[doc.length - 1] as { table: string[][] };
    second.table = second.table.slice(1); // no header row in the second table
    const res = await parseImport({ name: 'doc.docx', bytes: await toDocx(doc) }, { year: 2023 });
    expect(res.report.sections.map((s) => [s.key, s.openedBy, s.title, s.counts.items])).toEqual([
      ['s1', 'start', '2023年区政府工作报告任务分解', 4],
      ['s2', 'restart', '2023年十件民生实事任务分解', 2],
    ]);
    expect(res.model.indicators.map((i) => i.key)).toEqual(['s1/1', 's1/2', 's1/3', 's1/4', 's2/1', 's2/2']);
  });
});
