/**
 * The common grid every reader produces: rows of cells carrying their ORIGINAL positions, so the report
 * can point at the file (xlsx/csv row and column; for text files the line a cell starts on).
 */
import { problemMessageZh, type Coded } from './problem-catalogue.js';
import type { GridSourceKind, ImportProblem } from './model.js';

export interface GridCell {
  /** Raw text of the cell (newlines inside a cell kept as `\n`). */
  value: string;
  /** Original row number (xlsx/csv) or the line the cell starts on (text). */
  row: number;
  /** Original 1-based column (text: the cell's position within its reassembled row). */
  col: number;
  /** xlsx: the value was copied from the top-left cell of a merged range covering this cell. */
  merged?: boolean;
}

export interface GridRow {
  /** First original row / line of this row. */
  row: number;
  /** Last original row / line (text rows may span several lines). */
  endRow: number;
  cells: GridCell[];
}

export interface Grid {
  source: GridSourceKind;
  rows: GridRow[];
  sheetName: string | null;
  /** Problems met while reading (encoding fallback, ignored sheets, malformed quoting …). */
  problems: ImportProblem[];
}

export function isBlankRow(row: GridRow): boolean {
  return row.cells.every((c) => c.value.trim() === '');
}

/** A problem: its code and parameters (zh-CN message from problem-catalogue.ts), the English reason, where, and the repair. */
export function problem(
  c: Coded,
  severity: ImportProblem['severity'],
  reason: string,
  at: { row?: number | null; column?: number | null; field?: string | null } = {},
  repaired?: string,
): ImportProblem {
  const zh = problemMessageZh(c);
  const p: ImportProblem = {
    row: at.row ?? null,
    column: at.column ?? null,
    field: at.field ?? null,
    reason,
    severity,
    code: c.code,
    params: c.params,
    message: zh.message,
  };
  if (repaired !== undefined) {
    p.repaired = repaired;
    if (zh.repairedMessage !== undefined) p.repairedMessage = zh.repairedMessage;
  }
  return p;
}
