/**
 * Text readers: bytes → text (encoding), and text → grid in one of two layouts.
 *
 * 1. `tsv`: one row per line, cells separated by tabs (the node-table seed).
 * 2. `cell-lines`: the Word-table conversion used by the other seeds, where every cell starts on a new
 *    line with a tab and a cell's own line breaks are kept. Its rules, found in the seeds:
 *    - a line starting with a tab starts a new cell; the newline just before that tab belongs to the
 *      separator, not to the previous cell;
 *    - a line without a tab continues the current cell (a cell spanning several lines, e.g. a unit
 *      list "开发区管委会\n工信局", or a label split one character per line "个\n性\n指\n标");
 *    - every row begins with the text before its first tab ("cell 0", always blank in practice): a
 *      blank line followed by a tab line, or a line like " \t类别". Those are the only candidate row
 *      breaks — but a cell that ends with an empty paragraph ("（一）抢抓重大历史机遇\n" followed by
 *      the next cell) produces exactly the same pattern, so a candidate is not always a break;
 *    - the header row fixes the minimum width: a data row has at least as many cells as the header
 *      (some have more: a category split over two columns; a unit matrix's unit columns), and a
 *      full-width note row has exactly one cell of running text. Candidate breaks are chosen (dynamic
 *      programming) so that the fewest rows break that rule, and, among those, the most rows result.
 *      A one-cell row counts as valid only if it reads as running text (≥ 8 characters, not a bare
 *      ordinal or one-character-per-line label).
 *    - ties are broken against merging a segment that opens with a category label ("三\n创新驱动发展",
 *      "（四）优化创新生态") onto the end of the row before it: that merge shifts every column of both rows.
 */
import type { ImportProblem } from './model.js';
import { problem, type Grid, type GridCell, type GridRow } from './grid.js';
import { coded } from './problem-catalogue.js';

export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';
  problems: ImportProblem[];
}

/**
 * Rule: a UTF-8 or UTF-16 byte-order mark decides; otherwise strict UTF-8, and if that fails GB18030
 * (the usual encoding of Chinese office files), reported as a warning. NUL bytes in UTF-8/GB text mean a
 * binary file: error.
 */
export function decodeText(bytes: Buffer): DecodedText | { error: string } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8', problems: [] };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le', problems: [] };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be', problems: [] };
  }
  if (bytes.includes(0)) return { error: 'the file is binary (contains NUL bytes), not text' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', problems: [] };
  } catch {
    try {
      const text = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
      return {
        text,
        encoding: 'gb18030',
        problems: [problem(coded('file.gb18030'), 'warning', 'the file is not UTF-8; read as GB18030', {}, 'decoded as GB18030')],
      };
    } catch {
      return { error: 'the file is neither UTF-8 nor GB18030 text' };
    }
  }
}

function splitLines(text: string): string[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Rule: the layout is `cell-lines` when more lines look like "\t<one cell>" than like "a\tb\tc". */
export function detectTextLayout(text: string): 'tsv' | 'cell-lines' {
  let cellLike = 0;
  let rowLike = 0;
  for (const line of splitLines(text)) {
    const tabs = line.split('\t').length - 1;
    if (tabs === 0) continue;
    if (line.startsWith('\t') && tabs === 1) cellLike++;
    else if (tabs >= 2 && !line.startsWith('\t')) rowLike++;
    else if (tabs >= 2) rowLike += 0.5;
  }
  return cellLike > rowLike ? 'cell-lines' : 'tsv';
}

export function readTsv(text: string): Grid {
  const rows: GridRow[] = splitLines(text).map((line, i) => ({
    row: i + 1,
    endRow: i + 1,
    cells: line.split('\t').map((value, c) => ({ value, row: i + 1, col: c + 1 })),
  }));
  return { source: 'tsv', rows, sheetName: null, problems: [] };
}

/** Words that mark a header row; used only to find the header's width. */
const HEADER_WORDS = [
  '序号',
  '类别',
  '指标',
  '任务',
  '分值',
  '权重',
  '节点',
  '时限',
  '完成时间',
  '牵头单位',
  '责任单位',
  '承接部门',
  '考核主体',
  '分管领导',
  '考核标准',
  '计分方式',
  '评分标准',
];

function headerScore(cells: GridCell[]): number {
  let score = 0;
  for (const c of cells) {
    const t = c.value.replace(/\s/g, '');
    if (t.length > 0 && t.length <= 20 && HEADER_WORDS.some((w) => t.includes(w))) score++;
  }
  return score;
}

/** A category cell: a bare ordinal line followed by its title ("三\n创新驱动发展"), or "（四）…" / "三、…" alone. */
function isCategoryLabel(value: string): boolean {
  const lines = value
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return false;
  if (lines.length > 1 && /^[一二三四五六七八九十]{1,3}$/.test(lines[0]!)) return true;
  return lines.length === 1 && lines[0]!.length <= 24 && /^(?:[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．])/.test(lines[0]!);
}

function singleCellIsNote(cell: GridCell): boolean {
  const lines = cell.value
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return false;
  if (/^(?:[一二三四五六七八九十]+|\d+)$/.test(lines[0]!)) return false;
  if (lines.every((l) => l.length <= 2)) return false;
  return lines.join('').length >= 8;
}

export function readCellLines(text: string): Grid {
  const lines = splitLines(text);
  const n = lines.length;
  const startsCell = (i: number) => i < n && lines[i]!.startsWith('\t');

  // Candidate row starts.
  const isBreak = (i: number): boolean => {
    const l = lines[i]!;
    const tab = l.indexOf('\t');
    if (tab > 0) return l.slice(0, tab).trim() === '';
    if (tab === 0) return false;
    return l.trim() === '' && startsCell(i + 1);
  };
  const breaks: number[] = [];
  for (let i = 0; i < n; i++) if (isBreak(i)) breaks.push(i);
  const firstTab = lines.findIndex((l) => l.includes('\t'));
  if (firstTab >= 0 && (breaks.length === 0 || breaks[0]! > firstTab) && !breaks.includes(firstTab - 1)) {
    // A table starting right at a tab line, with no blank "cell 0" line before it.
    breaks.unshift(firstTab);
    breaks.sort((a, b) => a - b);
  }

  const rows: GridRow[] = [];
  const tableStart = breaks.length ? breaks[0]! : n;
  for (let i = 0; i < tableStart; i++) {
    rows.push({ row: i + 1, endRow: i + 1, cells: [{ value: lines[i]!, row: i + 1, col: 1 }] });
  }
  if (breaks.length === 0) return { source: 'cell-lines', rows, sheetName: null, problems: [] };

  // The line where each segment starts: a blank break line is "cell 0"; a " \t…" line starts it itself.
  const segEnd = (j: number) => (j + 1 < breaks.length ? breaks[j + 1]! : n);

  const parse = (from: number, to: number): GridCell[] => {
    const cells: GridCell[] = [];
    let cur: GridCell | null = null;
    for (let i = from; i < to; i++) {
      const parts = lines[i]!.split('\t');
      if (i > from) {
        if (parts.length === 1) {
          if (cur) cur.value += `\n${parts[0]}`;
          continue;
        }
        if (cur && parts[0] !== '') cur.value += `\n${parts[0]}`;
      }
      for (const p of parts.slice(1)) {
        cur = { value: p, row: i + 1, col: cells.length + 1 };
        cells.push(cur);
      }
    }
    return cells;
  };

  const m = breaks.length;
  const segCells = breaks.map((b, j) => parse(b, segEnd(j)));
  const headerSeg = segCells.findIndex((cells) => headerScore(cells) >= 2);
  const width = headerSeg >= 0 ? segCells[headerSeg]!.length : 1;

  // Segments before the header are rows of their own; from the header on, choose the breaks.
  const start = headerSeg >= 0 ? headerSeg : 0;
  for (let j = 0; j < start; j++) pushRow(breaks[j]!, segEnd(j), segCells[j]!);

  const MAX_MERGE = 12;
  // a segment opening with a category label ("三\n创新驱动发展", "（四）优化创新生态") starts a row: merging it
  // onto the END of the row before it shifts every column of both (issue 14), so such a merge is a tie-breaker cost
  const opensRow = segCells.map((cells) => cells.length > 0 && cells.length < width && isCategoryLabel(cells[0]!.value));
  type Best = { bad: number; misplaced: number; rows: number; prev: number };
  const best: Array<Best | null> = new Array(m + 1).fill(null);
  best[start] = { bad: 0, misplaced: 0, rows: 0, prev: -1 };
  for (let k = start + 1; k <= m; k++) {
    let w = 0;
    let misplaced = 0;
    for (let j = k - 1; j >= start && j >= k - MAX_MERGE; j--) {
      w += segCells[j]!.length;
      if (j < k - 1 && opensRow[j + 1] && !opensRow[j]) misplaced++;
      const b = best[j];
      if (!b) continue;
      const ok = j === start && start === headerSeg ? true : w >= width || (w === 1 && singleCellIsNote(segCells[j]![0]!));
      const cand: Best = { bad: b.bad + (ok ? 0 : 1), misplaced: b.misplaced + misplaced, rows: b.rows + 1, prev: j };
      const cur = best[k];
      if (
        !cur ||
        cand.bad < cur.bad ||
        (cand.bad === cur.bad && cand.misplaced < cur.misplaced) ||
        (cand.bad === cur.bad && cand.misplaced === cur.misplaced && cand.rows > cur.rows)
      ) {
        best[k] = cand;
      }
    }
  }
  const cuts: number[] = [];
  for (let k = m; k > start; k = best[k]!.prev) cuts.push(k);
  cuts.push(start);
  cuts.reverse();
  for (let c = 0; c + 1 < cuts.length; c++) {
    const from = breaks[cuts[c]!]!;
    const to = segEnd(cuts[c + 1]! - 1);
    pushRow(from, to, cuts[c + 1]! - cuts[c]! === 1 ? segCells[cuts[c]!]! : parse(from, to));
  }

  return { source: 'cell-lines', rows, sheetName: null, problems: [] };

  function pushRow(from: number, to: number, cells: GridCell[]): void {
    let last = to - 1;
    while (last > from && lines[last]!.trim() === '') last--;
    rows.push({ row: cells[0]?.row ?? from + 1, endRow: last + 1, cells });
  }
}
