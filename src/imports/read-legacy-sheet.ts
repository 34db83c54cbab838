/**
 * Old binary spreadsheets — Excel 97–2003 .xls and WPS .et (both BIFF inside an OLE container) — and any
 * workbook SheetJS reads, → grid through `xlsx` (SheetJS).
 *
 * Rules (the same as the .xlsx reader, read-xlsx.ts): the first sheet holding a value is read, others
 * holding values are reported as ignored; rows and columns keep the sheet's own 1-based numbers from A1;
 * a merged range's value applies to every cell it covers (marked `merged`); a date cell becomes
 * 'YYYY-MM-DD' (read from its serial number, no zone); a number uses its shortest decimal form; an error
 * cell is empty.
 */
import * as XLSX from 'xlsx';
import { problem, type Grid, type GridRow } from './grid.js';
import { coded } from './problem-catalogue.js';

const pad = (n: number) => String(n).padStart(2, '0');

function cellText(cell: XLSX.CellObject | undefined): string {
  if (!cell || cell.v === undefined || cell.v === null) return '';
  switch (cell.t) {
    case 's':
      return String(cell.v);
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE';
    case 'e':
    case 'z':
      return '';
    case 'd': {
      const d = cell.v instanceof Date ? cell.v : new Date(String(cell.v));
      return Number.isNaN(d.getTime()) ? '' : `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    }
    case 'n': {
      const v = Number(cell.v);
      if (cell.z !== undefined && XLSX.SSF.is_date(cell.z)) {
        const p = XLSX.SSF.parse_date_code(v);
        if (p) return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
      }
      return String(v);
    }
    default:
      return String(cell.v);
  }
}

export function readLegacySheet(bytes: Buffer, kind: 'xls' | 'et'): Grid | { error: string } {
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(bytes, { type: 'buffer', cellDates: false, cellNF: true, dense: false });
  } catch (e) {
    return {
      error: `not a readable .${kind} workbook (${e instanceof Error ? e.message : String(e)}); a Word .doc must be saved as .docx`,
    };
  }
  const used = wb.SheetNames.filter((n) => {
    const ws = wb.Sheets[n];
    if (!ws || !ws['!ref']) return false;
    return Object.keys(ws).some((k) => !k.startsWith('!') && cellText(ws[k] as XLSX.CellObject).trim() !== '');
  });
  if (used.length === 0) return { error: `the .${kind} workbook has no sheet with any value` };
  const name = used[0]!;
  const ws = wb.Sheets[name]!;
  const grid: Grid = { source: kind, rows: [], sheetName: name, problems: [] };
  for (const other of used.slice(1)) {
    grid.problems.push(
      problem(
        coded('file.sheet-ignored', { sheet: other, used: name }),
        'warning',
        `sheet "${other}" ignored: only the first sheet with data ("${name}") is read`,
      ),
    );
  }
  const range = XLSX.utils.decode_range(ws['!ref']!);
  // last row / column holding a value or a merge
  let maxR = -1;
  let maxC = -1;
  for (const k of Object.keys(ws)) {
    if (k.startsWith('!')) continue;
    if (cellText(ws[k] as XLSX.CellObject).trim() === '') continue;
    const a = XLSX.utils.decode_cell(k);
    maxR = Math.max(maxR, a.r);
    maxC = Math.max(maxC, a.c);
  }
  const master = new Map<string, string>();
  for (const m of ws['!merges'] ?? []) {
    maxR = Math.max(maxR, m.e.r);
    maxC = Math.max(maxC, m.e.c);
    const top = XLSX.utils.encode_cell(m.s);
    for (let r = m.s.r; r <= m.e.r; r++) {
      for (let c = m.s.c; c <= m.e.c; c++) if (r !== m.s.r || c !== m.s.c) master.set(XLSX.utils.encode_cell({ r, c }), top);
    }
  }
  void range;
  for (let r = 0; r <= maxR; r++) {
    const cells: GridRow['cells'] = [];
    for (let c = 0; c <= maxC; c++) {
      const addr = XLSX.utils.encode_cell({ r, c });
      const from = master.get(addr);
      if (from !== undefined) cells.push({ value: cellText(ws[from] as XLSX.CellObject), row: r + 1, col: c + 1, merged: true });
      else cells.push({ value: cellText(ws[addr] as XLSX.CellObject), row: r + 1, col: c + 1 });
    }
    grid.rows.push({ row: r + 1, endRow: r + 1, cells });
  }
  return grid;
}
