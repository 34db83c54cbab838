/**
 * A document → sections (issue 14): each annex, each table, each list is read on its own, with its own
 * shape, and its keys are its own.
 *
 * Rules, in document order:
 * 1. `annex`: a row whose only text is an annex heading ("附件1", "附件2：", "附件３：各园区考核指标") starts a
 *    new section; the heading and the rows after it up to the next table belong to it.
 * 2. `header`: a row that reads as the header of a known table shape (columns.ts) starts a new section —
 *    unless it repeats the current section's header with no title row between (a page break: the shape
 *    parser skips it). The title rows and blank rows right above a new header belong to the new section.
 * 3. `restart`: a title row (one text across the row: 4–60 characters, not a sentence, not a numbered
 *    category such as "（四）…" or "三、…") followed by a row numbered 1 while the current section has
 *    already numbered past 1 starts a new section that keeps the current header (a second table written
 *    under the first one's columns, e.g. 十件民生实事 after the work-report decomposition).
 * 4. `list`: a section with no table header whose rows are mostly numbered lines naming points
 *    ("1.…的，扣0.5分") is a numbered catalogue (shape-catalogue.ts).
 * Text before the first section (a notice's cover letter) is preamble of the first section.
 *
 * Section keys: `附件N` when the section opens with an annex heading (N as written, full-width digits
 * made ASCII; "附件N-2" for a second table in the same annex), else `s<i>` (1-based section number).
 */
import type { ShapeName } from './model.js';
import { isBlankRow, type Grid, type GridRow } from './grid.js';
import { headerScore, SHAPE_FIELDS, matchHeader } from './columns.js';
import { asciiDigits, headerKey, oneLine } from './text.js';

export interface SectionPlan {
  /** Index of the section's first grid row (its heading, title or header). */
  start: number;
  /** One past its last grid row. */
  end: number;
  /** Index of the header row the section is read with: inside [start, end), or an earlier section's (rule 3); -1 for none. */
  headerIndex: number;
  inheritedHeader: boolean;
  shape: ShapeName | 'catalogue' | null;
  /** The annex number as written ("1"), or null. */
  annex: string | null;
  /** The section's heading or title text, or null. */
  title: string | null;
  /** Which rule opened it. */
  openedBy: 'start' | 'annex' | 'header' | 'restart';
  key: string;
}

const ANNEX = /^附\s*件\s*([0-9０-９一二三四五六七八九十]{1,3})\s*[：:．.、]?\s*(.{0,60})$/;
const NUMBERED_HEADING = /^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,3}\s*[.．、])/;
const HEADER_HINT = /序号|编号|指标|任务|分值|权重|节点|时限|时间|单位|部门|主体|领导|标准|方式|方法|内容|类别|名称|依据|目标|材料|得分|红灯|事项|考核/;

/** The row's one text when every non-empty cell holds the same text (a paragraph, or a title merged across). */
export function singleText(row: GridRow): string | null {
  let text: string | null = null;
  for (const c of row.cells) {
    const v = c.value.trim();
    if (v === '') continue;
    if (text === null) text = v;
    else if (v !== text) return null;
  }
  return text === null ? null : oneLine(text);
}

export function annexOf(row: GridRow): { no: string; rest: string } | null {
  const t = singleText(row);
  if (t === null) return null;
  const m = t.replace(/\s+/g, ' ').match(ANNEX);
  return m ? { no: asciiDigits(m[1]!), rest: m[2]!.trim() } : null;
}

/** Rule 3's title row. */
export function isTitleRow(row: GridRow): boolean {
  const t = singleText(row);
  if (t === null || t.length < 4 || t.length > 60) return false;
  if (!/[\u4e00-\u9fff]/.test(t) || NUMBERED_HEADING.test(t) || /[。；;，,]$/.test(t)) return false;
  return !/^\d+$/.test(t);
}

/** The number a data row starts with (序号 "3", or "3.…" in the first cells), or null. */
export function leadingNumber(row: GridRow): number | null {
  let seen = 0;
  for (const c of row.cells) {
    const v = c.value.trim();
    if (v === '') continue;
    const m = v.match(/^(\d{1,4})(?:\s*[.．、]|$)/);
    if (m) return Number(m[1]);
    if (++seen >= 3) return null;
  }
  return null;
}

function headerShape(row: GridRow, forced?: ShapeName): { shape: ShapeName; texts: string } | null {
  let hints = 0;
  for (const c of row.cells) {
    const v = c.value;
    if (v.length <= 40 && HEADER_HINT.test(v) && ++hints >= 3) break;
  }
  if (hints < 3) return null;
  const cells = row.cells.map((c) => c.value);
  if (cells.filter((c) => c.trim() !== '').length < 3) return null;
  let best: { shape: ShapeName; score: number } | null = null;
  for (const shape of forced ? [forced] : (Object.keys(SHAPE_FIELDS) as ShapeName[])) {
    const score = headerScore(shape, cells);
    if (score > 0 && (!best || score > best.score + 1e-9)) best = { shape, score };
  }
  if (!best) return null;
  const m = matchHeader(cells, SHAPE_FIELDS[best.shape]);
  return { shape: best.shape, texts: m.texts.filter((t) => t !== '').join('|') };
}

export function splitSections(grid: Grid, opts: { forcedShape?: ShapeName; isCatalogue?: (rows: GridRow[]) => boolean } = {}): SectionPlan[] {
  const rows = grid.rows;
  type Working = SectionPlan & { headerTexts: string | null; maxNo: number; lastNumbered: number };
  const out: Working[] = [];
  let cur: Working = {
    start: 0,
    end: rows.length,
    headerIndex: -1,
    inheritedHeader: false,
    shape: null,
    annex: null,
    title: null,
    openedBy: 'start',
    key: '',
    headerTexts: null,
    maxNo: 0,
    lastNumbered: -1,
  };
  const open = (start: number, by: SectionPlan['openedBy'], annex: string | null, title: string | null) => {
    cur.end = start;
    out.push(cur);
    cur = {
      start,
      end: rows.length,
      headerIndex: -1,
      inheritedHeader: false,
      shape: null,
      annex,
      title,
      openedBy: by,
      key: '',
      headerTexts: null,
      maxNo: 0,
      lastNumbered: -1,
    };
  };
  /** Title / blank rows right above `i`, back to (not into) the current section's data. */
  const titleStart = (i: number) => {
    let s = i;
    while (s - 1 > Math.max(cur.start, cur.headerIndex) && (isBlankRow(rows[s - 1]!) || isTitleRow(rows[s - 1]!))) s--;
    while (s < i && isBlankRow(rows[s]!)) s++;
    return s;
  };
  let lastTitle = -1;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (isBlankRow(row)) continue;
    const annex = annexOf(row);
    if (annex) {
      if (i === cur.start && cur.annex === null) {
        cur.annex = annex.no;
        cur.title = annex.rest || null;
        cur.openedBy = 'annex';
      } else open(i, 'annex', annex.no, annex.rest || null);
      continue;
    }
    const h = headerShape(row, opts.forcedShape);
    if (h) {
      if (cur.headerIndex < 0) {
        cur.headerIndex = i;
        cur.shape = h.shape;
        cur.headerTexts = h.texts;
        if (cur.title === null) cur.title = nearestTitle(rows, cur.start, i);
        continue;
      }
      const titled = lastTitle > cur.headerIndex && rows.slice(lastTitle + 1, i).every(isBlankRow);
      if (h.texts === cur.headerTexts && !titled) continue; // a page break
      const s = titleStart(i);
      open(s, 'header', null, nearestTitle(rows, s, i));
      cur.headerIndex = i;
      cur.shape = h.shape;
      cur.headerTexts = h.texts;
      continue;
    }
    if (isTitleRow(row)) {
      lastTitle = i;
      continue;
    }
    if (cur.headerIndex >= 0 && i > cur.headerIndex) {
      const no = leadingNumber(row);
      if (no !== null) {
        const titled = lastTitle > cur.headerIndex && lastTitle > cur.lastNumbered && rows.slice(lastTitle + 1, i).every((r) => isBlankRow(r));
        if (no === 1 && cur.maxNo > 1 && titled) {
          const header = cur.headerIndex;
          const shape = cur.shape;
          const texts = cur.headerTexts;
          open(titleStart(lastTitle + 1), 'restart', null, singleText(rows[lastTitle]!));
          cur.headerIndex = header;
          cur.inheritedHeader = true;
          cur.shape = shape;
          cur.headerTexts = texts;
        }
        cur.maxNo = Math.max(cur.maxNo, no);
        cur.lastNumbered = i;
      }
    }
  }
  cur.end = rows.length;
  out.push(cur);

  // rule 4, and drop a leading section that is only a cover letter when real sections follow
  const sections = out.filter(
    (s, k) => !(k === 0 && s.headerIndex < 0 && s.annex === null && out.length > 1 && !opts.isCatalogue?.(rows.slice(s.start, s.end))),
  );
  if (sections.length < out.length && sections.length > 0) sections[0]!.start = 0;
  for (const s of sections) {
    if (s.headerIndex < 0 && opts.isCatalogue?.(rows.slice(s.start, s.end))) s.shape = 'catalogue';
  }
  for (const s of sections) {
    if (s.title !== null) continue;
    for (let i = s.start; i < (s.headerIndex >= s.start ? s.headerIndex : s.end); i++) {
      const r = rows[i]!;
      if (!annexOf(r) && isTitleRow(r)) {
        s.title = singleText(r);
        break;
      }
    }
  }
  const annexCount = new Map<string, number>();
  sections.forEach((s, k) => {
    if (s.annex !== null) {
      annexCount.set(s.annex, 1);
      s.key = `附件${s.annex}`;
    } else {
      const prev = sections
        .slice(0, k)
        .reverse()
        .find((p) => p.annex !== null);
      const carried = prev && s.openedBy !== 'start' ? prev.annex : null;
      if (carried !== null && carried !== undefined && sections.indexOf(prev!) === k - 1 && s.openedBy === 'header') {
        const n = (annexCount.get(carried) ?? 1) + 1;
        annexCount.set(carried, n);
        s.key = `附件${carried}-${n}`;
      } else s.key = `s${k + 1}`;
    }
  });
  return sections.map(({ headerTexts: _h, maxNo: _m, lastNumbered: _l, ...s }) => s);
}

function nearestTitle(rows: GridRow[], from: number, to: number): string | null {
  for (let i = to - 1; i >= from; i--) {
    const r = rows[i]!;
    if (isTitleRow(r)) return singleText(r);
  }
  return null;
}

export { headerKey };
