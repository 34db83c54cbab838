/**
 * Numbered catalogues (issue 14): a negative list (负面清单), a bonus list (加分项), a deduction list (减分项)
 * or a veto list (否决项) written as numbered lines ("1.发生较大安全生产事故的，扣0.5分"), as paragraphs or as
 * a table of 序号 + text, become the plan's catalogue items. The lines are read by the scoring module's
 * `parseCatalogueLines` (src/scoring/catalogue-text.ts): what it cannot read is an error with its row.
 *
 * Rules:
 * - a section with no table header is a catalogue when at least 3 of its rows are numbered lines stating
 *   points (扣/加 … 分) or a veto (一票否决), and they are at least half of its numbered rows;
 * - the kind comes from the section's title or heading lines (负面清单 → negative_list, 加分 → bonus,
 *   否决 → veto, 减分 / 扣分 → deduction); with none, from the lines (all "加…分" → bonus, else deduction);
 * - a row whose first cell is a bare number gives that number, the rest of the row is the text;
 * - `statedCounts`: a line such as "共保留工作任务122项、形成阶段性指标404个" states the section's counts.
 */
import type { ImportCatalogue, ImportCatalogueItem, ImportProblem, RowKind } from './model.js';
import { isBlankRow, problem, type GridRow } from './grid.js';
import type { SectionPlan } from './sections.js';
import { parseCatalogueLines, type CatalogueKind, type CatalogueSourceLine } from '../scoring/catalogue-text.js';
import { oneLine } from './text.js';
import { coded } from './problem-catalogue.js';

const NUMBERED = /^\s*(?:\d{1,3}|[０-９]{1,3}|[（(]\s*\d{1,3}\s*[)）]|[①-⑳])\s*[.．、]?/;
const AMOUNT = /[扣加减]\s*(?:除)?\s*\d+(?:\.\d+)?\s*(?:[-—~～至]\s*\d+(?:\.\d+)?\s*)?分|一票否决/;

function rowLine(row: GridRow): { number: string | null; text: string } {
  const cells = row.cells.map((c) => oneLine(c.value)).filter((v, i, a) => v !== '' && (i === 0 || v !== a[i - 1]));
  if (cells.length >= 2 && /^\d{1,3}[.．、]?$/.test(cells[0]!)) return { number: cells[0]!.replace(/[.．、]$/, ''), text: cells.slice(1).join('') };
  return { number: null, text: cells.join(' ') };
}

export function looksLikeCatalogue(rows: GridRow[]): boolean {
  let numbered = 0;
  let withAmount = 0;
  for (const r of rows) {
    if (isBlankRow(r)) continue;
    const l = rowLine(r);
    const isNumbered = l.number !== null || NUMBERED.test(l.text);
    if (!isNumbered) continue;
    numbered++;
    if (AMOUNT.test(l.text)) withAmount++;
  }
  return withAmount >= 3 && withAmount * 2 >= numbered;
}

function kindOf(title: string, lines: string[]): CatalogueKind {
  if (/负面清单/.test(title)) return 'negative_list';
  if (/否决/.test(title)) return 'veto';
  if (/加分/.test(title)) return 'bonus';
  if (/减分|扣分/.test(title)) return 'deduction';
  const amounts = lines.filter((l) => AMOUNT.test(l));
  return amounts.length > 0 && amounts.every((l) => /加\s*\d/.test(l) && !/扣/.test(l)) ? 'bonus' : 'deduction';
}

export function parseCatalogueSection(
  rows: GridRow[],
  plan: SectionPlan,
  prefix: string,
): { catalogue: ImportCatalogue; kinds: RowKind[]; problems: ImportProblem[] } {
  const kinds: RowKind[] = rows.map((r) => (isBlankRow(r) ? 'blank' : 'preamble'));
  const lines: CatalogueSourceLine[] = [];
  const indexOfRow = new Map<number, number>();
  rows.forEach((r, i) => {
    if (isBlankRow(r)) return;
    const l = rowLine(r);
    lines.push({ line: r.row, number: l.number, text: l.text });
    indexOfRow.set(r.row, i);
  });
  const firstNumbered = lines.findIndex((l) => l.number !== null || NUMBERED.test(l.text));
  const heading = [plan.title ?? '', ...lines.slice(0, Math.max(0, firstNumbered)).map((l) => l.text)].join(' ');
  const kind = kindOf(
    heading,
    lines.map((l) => l.text),
  );
  const parsed = parseCatalogueLines(lines, kind);
  const problems: ImportProblem[] = [];
  const items: ImportCatalogueItem[] = parsed.items.map((it) => {
    it.lines.forEach((ln, k) => {
      const i = indexOfRow.get(ln);
      if (i !== undefined) kinds[i] = k === 0 ? 'data' : 'continuation';
    });
    const item: ImportCatalogueItem = {
      key: `${prefix}${it.number}`,
      number: it.number,
      text: it.text,
      points: it.points ?? null,
      sourceRows: [...it.lines],
    };
    if (it.range) item.range = it.range;
    if (it.cap !== undefined) item.cap = it.cap;
    if (it.category !== undefined) item.category = it.category;
    return item;
  });
  for (const p of parsed.problems) {
    const i = indexOfRow.get(p.line);
    if (i !== undefined) kinds[i] = 'problem';
    problems.push(
      problem(
        coded('catalogue.line', { section: plan.key, reason: p.reason, text: p.text.slice(0, 40), problem: p.code }),
        'error',
        `catalogue ${plan.key}: ${p.reason} ("${p.text.slice(0, 40)}")`,
        { row: p.line },
      ),
    );
  }
  if (parsed.totalCapLine !== undefined) {
    const i = indexOfRow.get(parsed.totalCapLine);
    if (i !== undefined) kinds[i] = 'data';
  }
  const catalogue: ImportCatalogue = { section: plan.key, kind, title: plan.title, items };
  if (parsed.totalCap !== undefined) catalogue.totalCap = parsed.totalCap;
  return { catalogue, kinds, problems };
}

/** "共保留工作任务122项、形成阶段性指标404个" → { tasks: 122, nodes: 404 }. */
export function statedCounts(rows: GridRow[]): { tasks?: number; nodes?: number; text: string; row: number } | null {
  for (const r of rows) {
    for (const c of r.cells) {
      const t = oneLine(c.value);
      if (t.length > 200) continue;
      const nodes = t.match(/(?:形成|共|计)?阶段性(?:量化)?指标\s*(\d+)\s*[个项条]/);
      const tasks = t.match(/(?:保留|共有?|计)\s*(?:工作)?任务\s*(\d+)\s*[项个条]/);
      if (!nodes && !tasks) continue;
      const out: { tasks?: number; nodes?: number; text: string; row: number } = { text: t, row: c.row };
      if (nodes) out.nodes = Number(nodes[1]);
      if (tasks) out.tasks = Number(tasks[1]);
      return out;
    }
  }
  return null;
}
