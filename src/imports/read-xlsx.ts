/**
 * .xlsx → grid through exceljs.
 *
 * Rules: the first worksheet that holds any value is read (others holding values are reported as
 * ignored); every row from 1 to the last used row and every column from 1 to the last used column is
 * present, so row and column numbers are the sheet's own; a merged range's value applies to every cell
 * it covers (horizontal merges repeat a header over the columns it spans, vertical merges repeat a
 * category or unit down the rows); rich text is flattened, formulas give their cached result, dates
 * become 'YYYY-MM-DD' (Excel dates carry no zone: read as UTC), numbers use their shortest decimal form.
 */
import ExcelJS from 'exceljs';
import { problem, type Grid, type GridRow } from './grid.js';
import { coded } from './problem-catalogue.js';

type CellValue = ExcelJS.CellValue;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function cellValueText(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
  }
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('formula' in v || 'sharedFormula' in v) {
      const r = (v as { result?: unknown }).result;
      if (r && typeof r === 'object' && 'error' in r) return '';
      return cellValueText(r as CellValue);
    }
    if ('text' in v && typeof (v as { text: unknown }).text === 'string') return (v as { text: string }).text;
    if ('error' in v) return '';
  }
  return String(v);
}

export async function readXlsx(bytes: Buffer): Promise<Grid | { error: string }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    return { error: `not a readable .xlsx workbook (${e instanceof Error ? e.message : String(e)})` };
  }
  const used = wb.worksheets.filter((ws) => ws.actualRowCount > 0);
  if (used.length === 0) return { error: 'the workbook has no sheet with any value' };
  const ws = used[0]!;
  const grid: Grid = { source: 'xlsx', rows: [], sheetName: ws.name, problems: [] };
  for (const other of used.slice(1)) {
    grid.problems.push(
      problem(
        coded('file.sheet-ignored', { sheet: other.name, used: ws.name }),
        'warning',
        `sheet "${other.name}" ignored: only the first sheet with data ("${ws.name}") is read`,
      ),
    );
  }

  let maxRow = 0;
  let maxCol = 0;
  ws.eachRow({ includeEmpty: false }, (row, r) => {
    row.eachCell({ includeEmpty: false }, (cell, c) => {
      if (cellValueText(cell.value).trim() !== '' || cell.isMerged) {
        maxRow = Math.max(maxRow, r);
        maxCol = Math.max(maxCol, c);
      }
    });
  });
  for (let r = 1; r <= maxRow; r++) {
    const row = ws.getRow(r);
    const cells: GridRow['cells'] = [];
    for (let c = 1; c <= maxCol; c++) {
      const cell = row.getCell(c);
      const master = cell.isMerged ? cell.master : cell;
      const copied = master.row !== cell.row || master.col !== cell.col;
      cells.push(copied ? { value: cellValueText(master.value), row: r, col: c, merged: true } : { value: cellValueText(cell.value), row: r, col: c });
    }
    grid.rows.push({ row: r, endRow: r, cells });
  }
  return grid;
}
