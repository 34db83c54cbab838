/**
 * An official document (公文) as data: what a bulletin (通报) or an urging notice (催办单 / 督办通知单) says,
 * independent of the file format. `docx.ts` and `pdf.ts` render the same value; nothing here reads the
 * database, the clock or the file system.
 */

/** A table: header row and body rows; each body row may be marked as one unit's line (for paging). */
export interface DocTable {
  caption?: string;
  columns: string[];
  rows: string[][];
  /** Relative column widths (same length as columns); equal when absent. */
  widths?: number[];
}

export type DocBlock = { kind: 'heading'; text: string } | { kind: 'paragraph'; text: string } | { kind: 'table'; table: DocTable };

export interface OfficialDocument {
  /** The issuing office, printed as the red masthead (e.g. 县绩效考评办公室). */
  issuer: string;
  /** The title (e.g. 2026年度县直部门绩效考评 第3期通报). */
  title: string;
  /** The document number line: 〔2026〕第3期, or a notice's own number. */
  number: string;
  /** The date line, civil date 'YYYY-MM-DD' (printed 2026年6月30日). */
  date: string;
  /** Sections, in order: headings, paragraphs and tables. */
  blocks: DocBlock[];
  /** Printed small under the last block (e.g. the seal hash of a published bulletin). */
  footer?: string;
  /** PDF only: at most this many table body rows per page (one unit per row): one page per N units. */
  rowsPerPage?: number;
}

/** 〔2026〕第3期 */
export const issueNumber = (year: number, n: number): string => `〔${year}〕第${n}期`;

/** '2026-06-30' → 2026年6月30日 */
export function chineseDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) throw new Error(`not a date: ${isoDate}`);
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** The table's rows cut into pages of at most `perPage` rows (every page keeps the header). */
export function pageRows(rows: string[][], perPage: number): string[][][] {
  if (!(Number.isInteger(perPage) && perPage > 0)) throw new Error(`rowsPerPage must be a positive integer, got ${perPage}`);
  if (rows.length === 0) return [[]];
  const pages: string[][][] = [];
  for (let i = 0; i < rows.length; i += perPage) pages.push(rows.slice(i, i + perPage));
  return pages;
}
