import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { readCsv } from './read-csv.js';
import { decodeText, detectTextLayout, readCellLines, readTsv } from './read-text.js';
import { readXlsx } from './read-xlsx.js';
import type { Grid } from './grid.js';

const values = (g: Grid) => g.rows.map((r) => r.cells.map((c) => c.value));

describe('tab-separated text, one row per line', () => {
  it('keeps each line as a row with its line number and column numbers', () => {
    const g = readTsv('a\tb\tc\n\n1\t2\t3\n');
    expect(values(g)).toEqual([['a', 'b', 'c'], [''], ['1', '2', '3']]);
    expect(g.rows.map((r) => r.row)).toEqual([1, 2, 3]);
    expect(g.rows[2]!.cells[2]).toEqual({ value: '3', row: 3, col: 3 });
  });

  it('tells the one-row-per-line layout from the one-cell-per-line layout', () => {
    expect(detectTextLayout('序号\t名称\t分值\n1\t甲\t5\n')).toBe('tsv');
    expect(detectTextLayout('\n\t序号\n\t名称\n\t分值\n\n\t1\n\t甲\n\t5\n')).toBe('cell-lines');
  });
});

describe('one cell per line (the Word-table conversion)', () => {
  const header = ' \t类别\n\t指标任务\n\t完成时限\n\t牵头单位';

  it('starts a cell at each tab line and continues it on lines without a tab', () => {
    const g = readCellLines(['标题', header, '', '\t一\n主要\n目标', '\t1.任务甲。', '\t12月31日', '\t发改局\n工信局'].join('\n'));
    expect(values(g)).toEqual([['标题'], ['类别', '指标任务', '完成时限', '牵头单位'], ['一\n主要\n目标', '1.任务甲。', '12月31日', '发改局\n工信局']]);
  });

  it('gives each row the line its first cell starts on, and the line it ends on', () => {
    const g = readCellLines([header, '', '\t一', '\t1.任务甲。', '\t12月31日', '\t发改局\n工信局'].join('\n'));
    expect(g.rows.map((r) => [r.row, r.endRow])).toEqual([
      [1, 4],
      [6, 10],
    ]);
    expect(g.rows[1]!.cells[3]).toMatchObject({ row: 9, col: 4 });
  });

  it('keeps a cell that ends with an empty paragraph in its row (a blank line is not always a row break)', () => {
    const text = [header, '', '\t二\n加快发展', '\t（一）抢抓机遇', '', '\t7.任务乙。', '\t12月31日', '\t发改局'].join('\n');
    const g = readCellLines(text);
    expect(g.rows).toHaveLength(2);
    expect(values(g)[1]).toEqual(['二\n加快发展', '（一）抢抓机遇\n', '7.任务乙。', '12月31日', '发改局']);
  });

  it('keeps a one-cell note row between the header and the data as a row of its own', () => {
    const text = [header, '', '\t经合并同类项、剔除交叉项，共保留工作任务122项。', '', '\t一', '\t1.任务甲。', '\t12月31日', '\t发改局'].join('\n');
    const g = readCellLines(text);
    expect(g.rows.map((r) => r.cells.length)).toEqual([4, 1, 4]);
  });

  it('joins trailing empty paragraphs inside several cells of one row', () => {
    const text = [header, '', '\t二', '\t26.任务丙。', '\t（1）…\n', '\t12月31日', '\t工信局\n商务局\n', '\t各街镇'].join('\n');
    const g = readCellLines(text);
    expect(g.rows).toHaveLength(2);
    expect(g.rows[1]!.cells.map((c) => c.value.trim())).toEqual(['二', '26.任务丙。', '（1）…', '12月31日', '工信局\n商务局', '各街镇']);
  });
});

describe('CSV (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const g = readCsv('序号,名称,说明\r\n1,"甲,乙","他说""好"""\r\n2,丙,"第一行\r\n第二行"\r\n');
    expect(values(g)).toEqual([
      ['序号', '名称', '说明'],
      ['1', '甲,乙', '他说"好"'],
      ['2', '丙', '第一行\n第二行'],
    ]);
    expect(g.rows.map((r) => [r.row, r.endRow])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
    ]);
  });

  it('drops a byte-order mark and reads semicolon-separated files', () => {
    const decoded = decodeText(Buffer.from('\uFEFF序号;名称\n1;甲\n', 'utf8'));
    expect('text' in decoded && values(readCsv(decoded.text))).toEqual([
      ['序号', '名称'],
      ['1', '甲'],
    ]);
  });

  it('reports a quoted field that is never closed, at the line where it opened', () => {
    const g = readCsv('a,b\n1,"open\n2,3\n');
    expect(g.problems).toEqual([expect.objectContaining({ severity: 'error', row: 2, column: 2 })]);
  });
});

describe('text decoding', () => {
  it('falls back to GB18030 for non-UTF-8 Chinese text and says so', () => {
    const gbk = Buffer.from([0xd0, 0xf2, 0xba, 0xc5]); // 序号 in GBK
    const d = decodeText(gbk);
    expect('text' in d && d.text).toBe('序号');
    expect('text' in d && d.problems[0]!.severity).toBe('warning');
  });

  it('reads UTF-16 with a byte-order mark and refuses binary content', () => {
    const d = decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('序号\t名称', 'utf16le')]));
    expect('text' in d && d.text).toBe('序号\t名称');
    expect(decodeText(Buffer.from([0x00, 0x01, 0x02]))).toEqual({ error: expect.stringContaining('binary') });
  });
});

describe('.xlsx', () => {
  async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    build(wb);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('gives every cell covered by a merged range the merged value, at its own row and column', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('表1');
      ws.getCell('A1').value = '序号';
      ws.getCell('B1').value = '指标任务';
      ws.mergeCells('B1:D1');
      ws.getCell('A2').value = '个性指标';
      ws.mergeCells('A2:A4');
      ws.getCell('B2').value = 1;
    });
    const g = await readXlsx(bytes);
    if ('error' in g) throw new Error(g.error);
    expect(values(g)).toEqual([
      ['序号', '指标任务', '指标任务', '指标任务'],
      ['个性指标', '1', '', ''],
      ['个性指标', '', '', ''],
      ['个性指标', '', '', ''],
    ]);
    expect(g.rows[3]!.cells[0]).toEqual({ value: '个性指标', row: 4, col: 1, merged: true });
    expect(g.rows[1]!.cells[0]).toEqual({ value: '个性指标', row: 2, col: 1 });
  });

  it('flattens rich text, reads formula results, numbers and dates as text', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('S');
      ws.getCell('A1').value = { richText: [{ text: '绝对否' }, { text: '决计分法' }] };
      ws.getCell('B1').value = { formula: '2+3', result: 5 };
      ws.getCell('C1').value = 2.5;
      ws.getCell('D1').value = new Date(Date.UTC(2020, 5, 30));
    });
    const g = await readXlsx(bytes);
    if ('error' in g) throw new Error(g.error);
    expect(values(g)).toEqual([['绝对否决计分法', '5', '2.5', '2020-06-30']]);
  });

  it('reads the first sheet holding data and reports the others as ignored', async () => {
    const bytes = await workbook((wb) => {
      wb.addWorksheet('空');
      wb.addWorksheet('数据').getCell('A1').value = '甲';
      wb.addWorksheet('备注').getCell('A1').value = '乙';
    });
    const g = await readXlsx(bytes);
    if ('error' in g) throw new Error(g.error);
    expect(g.sheetName).toBe('数据');
    expect(g.problems).toEqual([expect.objectContaining({ severity: 'warning', reason: expect.stringContaining('备注') })]);
  });

  it('reports a file that is not a workbook', async () => {
    expect(await readXlsx(Buffer.from('PK\u0003\u0004 not really a zip'))).toEqual({ error: expect.stringContaining('.xlsx') });
  });
});
