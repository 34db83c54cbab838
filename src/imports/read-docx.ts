/**
 * .docx → grid (jszip + fast-xml-parser): every table of the document body and the paragraphs between
 * them, in document order, so a notice with several annexes keeps its 附件 headings and titles.
 *
 * Rules:
 * - each body paragraph is a row of one cell (blank paragraphs are blank rows); each table row is a row;
 *   `row` numbers count these rows from 1 in document order (a .docx has no row numbers of its own),
 *   `col` is the table-grid column (1-based) the cell starts on;
 * - a cell's paragraphs are joined with "\n" (a multi-line category cell stays one cell); `w:br` is a
 *   newline, `w:tab` a space; a table nested in a cell gives its text, row by row;
 * - merged cells are kept: a horizontal merge (`w:gridSpan` n) repeats the value over the n grid columns
 *   it covers, a vertical merge (`w:vMerge` continue) repeats the value of the cell above — both marked
 *   `merged`, as the .xlsx reader does for merged ranges;
 * - content controls (`w:sdt`) are read through; deleted revisions (`w:del`) are not text.
 */
import JSZip from 'jszip';
import { XMLParser } from 'fast-xml-parser';
import { problem, type Grid, type GridCell, type GridRow } from './grid.js';
import { coded } from './problem-catalogue.js';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  trimValues: false,
  parseTagValue: false,
  processEntities: true,
});

function tagOf(n: Node): string | null {
  for (const k of Object.keys(n)) if (k !== ':@') return k;
  return null;
}

function kids(n: Node): Node[] {
  const t = tagOf(n);
  const v = t ? n[t] : null;
  return Array.isArray(v) ? (v as Node[]) : [];
}

function attr(n: Node, name: string): string | undefined {
  const a = n[':@'] as Record<string, unknown> | undefined;
  const v = a?.[`@${name}`];
  return v === undefined ? undefined : String(v);
}

/** Text of a run-level subtree (a paragraph). */
function runText(nodes: Node[]): string {
  let out = '';
  for (const n of nodes) {
    const t = tagOf(n);
    if (t === null) continue;
    if (t === '#text') out += String(n[t]);
    else if (t === 'w:t')
      out += kids(n)
        .map((k) => String(k['#text'] ?? ''))
        .join('');
    else if (t === 'w:br' || t === 'w:cr') out += '\n';
    else if (t === 'w:tab') out += ' ';
    else if (t === 'w:del' || t === 'w:instrText' || t === 'w:rPr' || t === 'w:pPr') continue;
    else out += runText(kids(n));
  }
  return out;
}

/** Paragraphs (and nested tables) inside a cell, joined with newlines. */
function cellText(nodes: Node[]): string {
  const parts: string[] = [];
  for (const n of nodes) {
    const t = tagOf(n);
    if (t === 'w:p') parts.push(runText(kids(n)));
    else if (t === 'w:tbl') {
      for (const tr of kids(n).filter((k) => tagOf(k) === 'w:tr')) {
        parts.push(
          kids(tr)
            .filter((k) => tagOf(k) === 'w:tc')
            .map((tc) => cellText(kids(tc)).replace(/\n/g, ' '))
            .join(' '),
        );
      }
    } else if (t === 'w:sdt' || t === 'w:sdtContent' || t === 'w:customXml') parts.push(cellText(kids(n)));
  }
  return parts.join('\n');
}

interface RawCell {
  text: string;
  span: number;
  vMerge: 'restart' | 'continue' | null;
}

function readTableRow(tr: Node): RawCell[] {
  const cells: RawCell[] = [];
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      const t = tagOf(n);
      if (t === 'w:tc') {
        const pr = kids(n).find((k) => tagOf(k) === 'w:tcPr');
        const prKids = pr ? kids(pr) : [];
        const gs = prKids.find((k) => tagOf(k) === 'w:gridSpan');
        const vm = prKids.find((k) => tagOf(k) === 'w:vMerge');
        const span = Math.max(1, Number(gs ? attr(gs, 'w:val') : 1) || 1);
        const vMerge = vm ? (attr(vm, 'w:val') === 'restart' ? 'restart' : 'continue') : null;
        cells.push({ text: cellText(kids(n)), span, vMerge });
      } else if (t === 'w:sdt' || t === 'w:sdtContent' || t === 'w:customXml') walk(kids(n));
    }
  };
  walk(kids(tr));
  return cells;
}

export async function readDocx(bytes: Buffer): Promise<Grid | { error: string }> {
  let xml: string;
  try {
    const zip = await JSZip.loadAsync(bytes);
    const doc = zip.file('word/document.xml');
    if (!doc) return { error: 'not a Word document: the .docx holds no word/document.xml' };
    xml = await doc.async('string');
  } catch (e) {
    return { error: `not a readable .docx document (${e instanceof Error ? e.message : String(e)})` };
  }
  let tree: Node[];
  try {
    tree = parser.parse(xml) as Node[];
  } catch (e) {
    return { error: `the .docx document.xml is not well-formed XML (${e instanceof Error ? e.message : String(e)})` };
  }
  const docNode = tree.find((n) => tagOf(n) === 'w:document');
  const body = docNode ? kids(docNode).find((n) => tagOf(n) === 'w:body') : undefined;
  if (!body) return { error: 'the .docx has no document body' };

  const grid: Grid = { source: 'docx', rows: [], sheetName: null, problems: [] };
  let tables = 0;
  const push = (cells: Array<Omit<GridCell, 'row'>>) => {
    const r = grid.rows.length + 1;
    const row: GridRow = { row: r, endRow: r, cells: cells.map((c) => ({ ...c, row: r })) };
    grid.rows.push(row);
  };
  const walkBody = (nodes: Node[]) => {
    for (const n of nodes) {
      const t = tagOf(n);
      if (t === 'w:p') push([{ value: runText(kids(n)), col: 1 }]);
      else if (t === 'w:tbl') {
        tables++;
        // grid column → the value and row-span state of the last cell that started there
        const above: Array<string | undefined> = [];
        for (const tr of kids(n).filter((k) => tagOf(k) === 'w:tr')) {
          const raw = readTableRow(tr);
          const cells: Array<Omit<GridCell, 'row'>> = [];
          let col = 1;
          for (const c of raw) {
            let value = c.text;
            let merged = false;
            if (c.vMerge === 'continue') {
              value = above[col] ?? '';
              merged = true;
            }
            for (let k = 0; k < c.span; k++) {
              const cell: Omit<GridCell, 'row'> = { value, col: col + k };
              if (merged || k > 0) cell.merged = true;
              cells.push(cell);
              above[col + k] = value;
            }
            col += c.span;
          }
          push(cells.length > 0 ? cells : [{ value: '', col: 1 }]);
        }
      } else if (t === 'w:sdt' || t === 'w:sdtContent' || t === 'w:customXml') walkBody(kids(n));
    }
  };
  walkBody(kids(body));
  if (tables === 0)
    grid.problems.push(problem(coded('file.docx-no-table'), 'warning', 'the document holds no table: its paragraphs are read as one-cell rows'));
  return grid;
}
