/** .docx (jszip + fast-xml-parser) and .xls / .et (SheetJS) read into the same grid as .xlsx and text. */
import { describe, expect, it } from '@jest/globals';
import { toCellLines, toDocx, toXls, type DocBlock } from '../../test/support/documents.js';
import { readDocx } from './read-docx.js';
import { readLegacySheet } from './read-legacy-sheet.js';
import { parseImport, readGrid } from './parse-import.js';
import type { Grid } from './grid.js';
import * as XLSX from 'xlsx';

const values = (g: Grid) => g.rows.map((r) => r.cells.map((c) => c.value));

const doc: DocBlock[] = [
  { p: '附件1：' },
  { p: '2023年任务分解' },
  {
    table: [
      [{ text: '类别', span: 2 }, '指标任务', '完成时限', '牵头单位'],
      [{ text: '一\n主要目标', vmerge: 'restart' }, '（一）稳增长', '1.地区生产总值增长5%。', '12月31日', '发改局'],
      [{ text: '', vmerge: 'continue' }, '（一）稳增长', '2.固定资产投资增长10%。', '12月31日', '发改局\n工信局'],
    ],
  },
];

describe('.docx tables', () => {
  it('reads paragraphs as one-cell rows and table rows with grid columns, keeping multi-line cells whole', async () => {
    const g = (await readDocx(await toDocx(doc))) as Grid;
    expect(g.source).toBe('docx');
    expect(values(g)).toEqual([
      ['附件1：'],
      ['2023年任务分解'],
      ['类别', '类别', '指标任务', '完成时限', '牵头单位'],
      ['一\n主要目标', '（一）稳增长', '1.地区生产总值增长5%。', '12月31日', '发改局'],
      ['一\n主要目标', '（一）稳增长', '2.固定资产投资增长10%。', '12月31日', '发改局\n工信局'],
    ]);
    expect(g.rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5]);
    expect(g.rows[2]!.cells.map((c) => [c.col, c.merged ?? false])).toEqual([
      [1, false],
      [2, true],
      [3, false],
      [4, false],
      [5, false],
    ]);
    expect(g.rows[4]!.cells[0]).toMatchObject({ col: 1, merged: true, row: 5 });
  });

  it('is recognised by content, whatever the name, and a broken archive is refused with a reason', async () => {
    const bytes = await toDocx(doc);
    expect(((await readGrid({ name: 'upload.bin', bytes })) as Grid).source).toBe('docx');
    const broken = Buffer.concat([bytes.subarray(0, 200)]);
    expect(await readGrid({ name: 'a.docx', bytes: broken })).toEqual({ error: expect.stringMatching(/not a readable \.docx/) });
  });
});

describe('.xls and .et (BIFF through SheetJS)', () => {
  it('reads the sheet with merged ranges applied, as the .xlsx reader does', async () => {
    const bytes = toXls(doc);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('d0cf11e0');
    const g = readLegacySheet(bytes, 'xls') as Grid;
    expect(g.source).toBe('xls');
    const v = values(g);
    expect(v[2]).toEqual(['类别', '类别', '指标任务', '完成时限', '牵头单位']);
    expect(v[4]).toEqual(['一\n主要目标', '（一）稳增长', '2.固定资产投资增长10%。', '12月31日', '发改局\n工信局']);
    expect(g.rows[4]!.cells[0]).toMatchObject({ row: 5, col: 1, merged: true });
    expect(((await readGrid({ name: 'old.et', bytes })) as Grid).source).toBe('et');
    expect(((await readGrid({ name: 'old.xls', bytes })) as Grid).source).toBe('xls');
  });

  it('refuses a .doc and a file named .xls that is not one', async () => {
    const bytes = toXls(doc);
    expect(await readGrid({ name: 'notice.doc', bytes })).toEqual({ error: expect.stringMatching(/\.docx/) });
    expect(await readGrid({ name: 'x.xls', bytes: Buffer.from('序号\t名称\n') })).toEqual({ error: expect.stringMatching(/not an Office binary/) });
  });

  it('reads date cells as local dates and numbers in their shortest form', () => {
    const ws: XLSX.WorkSheet = { '!ref': 'A1:B1', A1: { t: 'n', v: 45107, z: 'yyyy-mm-dd' }, B1: { t: 'n', v: 2.5 } };
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, 'S');
    const bytes = Buffer.from(XLSX.write(wb, { type: 'buffer', bookType: 'xls' }) as Buffer);
    expect(values(readLegacySheet(bytes, 'xls') as Grid)).toEqual([['2023-06-30', '2.5']]);
  });
});

describe('the same work report as text, .docx and .xls', () => {
  it('imports to the same indicators and tasks', async () => {
    const results = await Promise.all([
      parseImport({ name: 'w.txt', bytes: toCellLines(doc) }, { year: 2023 }),
      parseImport({ name: 'w.docx', bytes: await toDocx(doc) }, { year: 2023 }),
      parseImport({ name: 'w.xls', bytes: toXls(doc) }, { year: 2023 }),
    ]);
    for (const r of results) {
      expect(r.shape).toBe('work-report');
      expect(r.model.indicators.map((i) => [i.key, i.categoryPath, i.name])).toEqual([
        ['1', ['一、主要目标', '（一）稳增长'], '地区生产总值增长5%'],
        ['2', ['一、主要目标', '（一）稳增长'], '固定资产投资增长10%'],
      ]);
      expect(r.model.tasks.map((t) => t.key)).toEqual(['1@发改局', '2@发改局', '2@工信局']);
    }
  });
});
