import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCatalogueLines, parseCatalogueText } from './catalogue-text.js';

const NEGATIVE_39 = readFileSync(resolve(process.cwd(), 'test/fixtures/scoring/negative-list-39.txt'), 'utf8');

describe('parseCatalogueText: a numbered list of lines becomes catalogue items', () => {
  it('a 39-line county negative list (1. / 11、 / ２１． / （31）) → 39 items with their amounts, caps and the original line', () => {
    const r = parseCatalogueText(NEGATIVE_39, 'negative_list');
    expect(r.problems).toEqual([]);
    expect(r.headings).toEqual([]);
    expect(r.notes).toEqual([]);
    expect(r.items).toHaveLength(39);
    expect(r.items.map((i) => i.number)).toEqual(Array.from({ length: 39 }, (_, i) => String(i + 1)));
    expect(r.items[0]).toEqual({
      key: 'nl-01',
      name: '发生较大及以上生产安全责任事故的',
      points: 1.5,
      number: '1',
      lines: [1],
      text: '发生较大及以上生产安全责任事故的，扣1.5分',
    });
    expect(r.items[1]).toMatchObject({ name: '发生一般生产安全责任事故造成人员死亡的', points: 0.5, perOccurrence: true });
    expect(r.items[6]).toMatchObject({ key: 'nl-07', name: '发生越级集体访、进京非正常访被通报的', points: 0.5, cap: 2 });
    expect(r.items[20]).toMatchObject({ key: 'nl-21', number: '21', name: '财政资金使用违规被县级以上通报的', points: 0.5 });
    expect(r.items[27]).toMatchObject({ points: 0.1, cap: 0.5 });
    expect(r.items[38]).toMatchObject({ key: 'nl-39', points: 3, text: '对考核工作弄虚作假的，扣3分' });
    expect(r.totalCap).toBeUndefined(); // the negative list is uncapped unless a line says so
    const amounts = r.items.map((i) => i.points);
    expect(amounts.every((a) => typeof a === 'number' && a > 0)).toBe(true);
  });

  it('bonuses: "加1分，最多加2分", a range "加0.5—1分", a ceiling only "最高加3分", Chinese numerals, and the list\'s total cap on its own line', () => {
    const r = parseCatalogueText(
      [
        'XX县2024年度绩效考评加分项目',
        '一、综合性表彰',
        '1．获党中央、国务院表彰的，加1分，最多加2分；',
        '2．获省委、省政府表彰的，加半分',
        '二、创新工作',
        '（1）工作经验被国家部委发文推广的，视情况加0.5—1分',
        '（2）承担国家级改革试点任务并通过验收的，',
        '    加两分',
        '③ 在全省会议上作典型发言的，最高加3分',
        '加分项累计最高不超过3分。',
        '以上加分须提供文件依据。',
      ].join('\n'),
      'bonus',
    );
    expect(r.problems).toEqual([]);
    expect(r.headings.map((h) => h.line)).toEqual([1, 2, 5]);
    expect(r.items.map((i) => [i.number, i.name, i.points, i.range, i.cap, i.category])).toEqual([
      ['1', '获党中央、国务院表彰的', 1, undefined, 2, '综合性表彰'],
      ['2', '获省委、省政府表彰的', 0.5, undefined, undefined, '综合性表彰'],
      ['1', '工作经验被国家部委发文推广的，视情况', undefined, { min: 0.5, max: 1 }, undefined, '创新工作'],
      ['2', '承担国家级改革试点任务并通过验收的', 2, undefined, undefined, '创新工作'],
      ['3', '在全省会议上作典型发言的', undefined, { min: 0, max: 3 }, 3, '创新工作'],
    ]);
    // numbers restart under each heading: keys are by position
    expect(r.items.map((i) => i.key)).toEqual(['b-01', 'b-02', 'b-03', 'b-04', 'b-05']);
    expect(r.items[3].lines).toEqual([7, 8]);
    expect(r).toMatchObject({ totalCap: 3, totalCapLine: 10, notes: [{ line: 11, text: '以上加分须提供文件依据。' }] });
  });

  it('names every line it could not read, with its line number and the reason', () => {
    const r = parseCatalogueText(
      [
        '1. 迟报、漏报信息的，每次扣0.2分，最多扣1分',
        '2. 工作不力的，酌情扣分',
        '3. 被通报批评的，扣该项分值的10%',
        '4. 国家级通报扣1分，省级通报扣0.5分',
        '5. 获得表彰的，加1分',
        '6. 发生重大事故的，实行一票否决',
        '7. 多次被约谈的，每次扣1分，最多扣0.5分',
        '8.',
        '9. 被约谈的，扣1分',
        '扣0.5分',
      ].join('\n'),
      'deduction',
    );
    expect(r.items.map((i) => [i.key, i.name, i.points, i.cap])).toEqual([
      ['d-01', '迟报、漏报信息的', 0.2, 1],
      ['d-09', '被约谈的', 1, undefined],
    ]);
    expect(r.problems.map((p) => [p.line, p.code])).toEqual([
      [2, 'no_amount'],
      [3, 'relative_amount'],
      [4, 'several_amounts'],
      [5, 'wrong_direction'],
      [6, 'no_amount'],
      [7, 'cap_below_amount'],
      [8, 'no_text'],
      [10, 'no_amount'],
    ]);
    expect(r.problems[0].reason).toContain('没有找到分值');
    expect(r.problems[7].reason).toContain('没有序号');
    expect(r.problems[2].reason).toContain('1、0.5');
    expect(r.problems[4].reason).toContain('否决项');
  });

  it('veto lists take lines without amounts and refuse lines with one', () => {
    const r = parseCatalogueText('1、发生重大及以上生产安全责任事故的，实行一票否决。\n2、党风廉政建设被问责的，扣1分', 'veto');
    expect(r.items).toEqual([
      {
        key: 'v-01',
        name: '发生重大及以上生产安全责任事故的，实行一票否决',
        number: '1',
        lines: [1],
        text: '发生重大及以上生产安全责任事故的，实行一票否决。',
      },
    ]);
    expect(r.problems).toMatchObject([{ line: 2, code: 'amount_in_veto' }]);
  });

  it('lines an importer split already (number apart, spreadsheet rows) read the same', () => {
    const r = parseCatalogueLines(
      [
        { line: 12, number: '1', text: '发生较大及以上生产安全责任事故的，扣1.5分' },
        { line: 13, number: '（2）', text: '发生森林火灾被市级以上通报的，扣0.5分' },
      ],
      'negative_list',
    );
    expect(r.items.map((i) => [i.key, i.points, i.lines])).toEqual([
      ['nl-01', 1.5, [12]],
      ['nl-02', 0.5, [13]],
    ]);
  });
});
