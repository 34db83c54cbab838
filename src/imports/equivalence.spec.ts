/**
 * The same table as text, as .xlsx with merged cells (built here with exceljs) and as .csv imports to the
 * same model (row numbers aside).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { ParseImportResult } from './model.js';
import { parseImport } from './parse-import.js';
import { readCellLines, readTsv } from './read-text.js';
import { contentOf, fixture, parseFixture } from './spec-helpers.js';

type Sheet = ExcelJS.Worksheet;

async function toBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function put(ws: Sheet, row: number, col: number, value: ExcelJS.CellValue): void {
  if (value !== '' && value !== null) ws.getCell(row, col).value = value;
}

describe('unit matrix: .xlsx with merged headers and categories = the text form', () => {
  let text: ParseImportResult;
  let xlsx: ParseImportResult;
  beforeAll(async () => {
    const file = 'unit-matrix.2019-towns.excerpt.txt';
    text = await parseFixture(file, { year: 2019 });
    const grid = readCellLines(fixture(file).toString('utf8'));
    const [, , header, towns, ...data] = grid.rows;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('指标');
    ws.getCell('A1').value = '附件1：';
    ws.getCell('A2').value = '2019年度各镇（街道）业务工作考核指标细则表';
    ws.mergeCells('A2:T2');
    // header over two rows: 序号, 指标类别 (two columns), 指标名称, 权重分, 指标任务 (13 columns), 考核标准, 考核主体
    const h = header!.cells.map((c) => c.value);
    const spans: Array<[number, number, number, number, string]> = [
      [3, 1, 4, 1, h[0]!],
      [3, 2, 4, 3, h[1]!],
      [3, 4, 4, 4, h[2]!],
      [3, 5, 4, 5, h[3]!],
      [3, 6, 3, 18, h[4]!],
      [3, 19, 4, 19, h[5]!],
      [3, 20, 4, 20, h[6]!],
    ];
    for (const [t, l, b, r, v] of spans) {
      ws.getCell(t, l).value = v;
      ws.mergeCells(t, l, b, r);
    }
    towns!.cells.filter((c) => c.value.trim() !== '').forEach((c, k) => put(ws, 4, 6 + k, c.value));
    data.forEach((row, k) => row.cells.forEach((c, j) => put(ws, 5 + k, j + 1, c.value.trim())));
    // the category cells, empty under the first indicator in the text form, are merged down here
    ws.mergeCells(5, 2, 9, 2);
    ws.mergeCells(5, 3, 9, 3);
    xlsx = await parseImport({ name: 'matrix.xlsx', bytes: await toBuffer(wb) }, { year: 2019 });
  });

  it('imports the same indicators, 65 tasks and targets as the text form', () => {
    expect(xlsx.shape).toBe('unit-matrix');
    expect(xlsx.model.tasks).toHaveLength(65);
    expect(contentOf(xlsx.model)).toEqual(contentOf(text.model));
    expect(xlsx.model.meta).toMatchObject({ source: 'xlsx', sheetName: '指标' });
  });

  it("points its report at the sheet's own rows", () => {
    expect(xlsx.model.indicators.map((i) => i.sourceRows)).toEqual([[5], [6], [7], [8], [9]]);
    expect(xlsx.report.counts).toMatchObject({ rows: 9, headerRows: 2, dataRows: 5, preambleRows: 2, problemRows: 0 });
  });
});

describe('work report: .xlsx with merged category, lead-unit and leader cells = the text form', () => {
  let text: ParseImportResult;
  let xlsx: ParseImportResult;
  beforeAll(async () => {
    const file = 'work-report.2023-shuangtaizi.part1.txt';
    text = await parseFixture(file, { year: 2023 });
    const grid = readCellLines(fixture(file).toString('utf8'));
    const headerIndex = grid.rows.findIndex((r) => r.cells.some((c) => c.value === '牵头单位'));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('任务分解');
    ws.getCell('A1').value = '2023年区政府工作报告任务分解';
    ws.mergeCells('A1:H1');
    const h = grid.rows[headerIndex]!.cells.map((c) => c.value);
    ws.getCell('A2').value = h[0]!;
    ws.mergeCells('A2:B2');
    h.slice(1).forEach((v, k) => put(ws, 2, 3 + k, v));

    // open merge ranges by their column span "left:right" → [top, bottom]
    const open = new Map<string, { top: number; left: number; right: number; bottom: number }>();
    const close = (cols: number[]) => {
      for (const [k, r] of [...open]) {
        if (cols.some((c) => c >= r.left && c <= r.right)) {
          if (r.bottom > r.top || r.right > r.left) ws.mergeCells(r.top, r.left, r.bottom, r.right);
          open.delete(k);
        }
      }
    };
    const cell = (r: number, left: number, right: number, value: string, mergeDown: boolean) => {
      const k = `${left}:${right}`;
      if (value.trim() === '' && mergeDown && open.has(k)) {
        open.get(k)!.bottom = r;
        return;
      }
      close([left, right]);
      put(ws, r, left, value);
      open.set(k, { top: r, left, right, bottom: r });
    };
    let r = 3;
    for (const row of grid.rows.slice(headerIndex + 1)) {
      const v = row.cells.map((c) => c.value);
      if (v.length === 1) {
        close([1, 2, 3, 4, 5, 6, 7, 8]);
        ws.getCell(r, 1).value = v[0]!;
        ws.mergeCells(r, 1, r, 8);
        r++;
        continue;
      }
      const rest = v.slice(-6);
      if (v.length === 7) cell(r, 1, 2, v[0]!, true);
      else {
        cell(r, 1, 1, v[0]!, true);
        cell(r, 2, 2, v[1]!, true);
      }
      close([3, 4, 5]);
      rest.slice(0, 3).forEach((x, k) => put(ws, r, 3 + k, x));
      const [lead, resp, leader] = rest.slice(3) as [string, string, string];
      cell(r, 6, 6, lead, true);
      cell(r, 7, 7, resp, lead.trim() === ''); // an empty 责任单位 continues the one above only with the lead
      cell(r, 8, 8, leader, true);
      r++;
    }
    close([1, 2, 3, 4, 5, 6, 7, 8]);
    xlsx = await parseImport({ name: 'report.xlsx', bytes: await toBuffer(wb) }, { year: 2023 });
  });

  it('imports the same 52 tasks, units, leaders, categories and nodes as the text form', () => {
    expect(xlsx.shape).toBe('work-report');
    expect(xlsx.model.indicators).toHaveLength(52);
    expect(contentOf(xlsx.model)).toEqual(contentOf(text.model));
  });

  it('needs no repair for a lead unit merged down (the text form notes one)', () => {
    expect(text.report.problems.some((p) => p.field === '牵头单位' && p.repaired)).toBe(true);
    expect(xlsx.report.problems.some((p) => p.field === '牵头单位' && p.repaired)).toBe(false);
  });
});

describe('node table: .xlsx (merged 序号 and shared 分值, native numbers and dates) and .csv = the text form', () => {
  const file = 'node-table.2020-panshan.tsv';
  let text: ParseImportResult;
  beforeAll(async () => {
    text = await parseFixture(file, { year: 2020 });
  });

  it('imports the same 141 indicators, 141 tasks and 142 nodes from an .xlsx', async () => {
    const grid = readTsv(fixture(file).toString('utf8'));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('细则');
    let itemRow = 0;
    grid.rows.forEach((row, k) => {
      const r = k + 1;
      const v = row.cells.map((c) => c.value);
      const isData = v.length === 16 && v[0] !== '序号';
      if (isData && v[0] !== '') itemRow = r;
      v.forEach((x, j) => {
        if (isData && j === 6 && /^\d+(\.\d+)?$/.test(x)) put(ws, r, j + 1, Number(x));
        else if (isData && j === 4 && /^\d{4}[-/]\d{1,2}[-/]\d{1,2}$/.test(x)) {
          const [y, m, d] = x.split(/[-/]/).map(Number) as [number, number, number];
          put(ws, r, j + 1, new Date(Date.UTC(y, m - 1, d)));
        } else put(ws, r, j + 1, x);
      });
      if (v.length === 1 && v[0] !== '') ws.mergeCells(r, 1, r, 16);
      if (isData && v[0] === '') {
        // a continuation row: 序号 and 三级指标 merged down from the item's first row …
        ws.unMergeCells(itemRow, 1, r - 1, 1);
        ws.mergeCells(itemRow, 1, r, 1);
        if (v[1] === '') {
          ws.unMergeCells(itemRow, 2, r - 1, 2);
          ws.mergeCells(itemRow, 2, r, 2);
        }
        // … and a node row without its own 分值 shares the row above's 分值 / 计分方式 / 评分标准
        if (v[6] === '') for (const c of [7, 8, 9]) ws.mergeCells(r - 1, c, r, c);
      }
    });
    const xlsx = await parseImport({ name: 'table.xlsx', bytes: await toBuffer(wb) }, { year: 2020 });
    expect(xlsx.report.counts).toMatchObject({ indicators: 141, tasks: 141, nodes: 142, items: 133, errors: 0 });
    expect(contentOf(xlsx.model)).toEqual(contentOf(text.model));
  });

  it('imports the same from an RFC 4180 .csv with a BOM, CRLF and quoted cells', async () => {
    const grid = readTsv(fixture(file).toString('utf8'));
    const quote = (x: string) => (/[",\r\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x);
    const csv = '\uFEFF' + grid.rows.map((r) => r.cells.map((c) => quote(c.value)).join(',')).join('\r\n') + '\r\n';
    expect(csv).toContain('"');
    const res = await parseImport({ name: 'table.csv', bytes: Buffer.from(csv, 'utf8') }, { year: 2020 });
    expect(res.model.meta.source).toBe('csv');
    expect(contentOf(res.model)).toEqual(contentOf(text.model));
    expect(res.model).toEqual({ ...text.model, meta: { ...text.model.meta, source: 'csv' } });
  });
});
