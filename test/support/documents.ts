/**
 * Test documents built in code: one description of a document (paragraphs and tables, in order) written
 * as .docx (the `docx` package), as .xls (SheetJS, BIFF8), as .xlsx and as the one-cell-per-line text
 * conversion (docs/imports.md), so one test can check that every format reads the same.
 *
 * A table cell is a string ("\n" separates its paragraphs / lines) or `{ text, span, vmerge }`:
 * `span` merges it over that many columns, `vmerge: 'continue'` continues the cell above (merged rows).
 */
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, VerticalMergeType, WidthType } from 'docx';
import * as XLSX from 'xlsx';

export type DocCell = string | { text: string; span?: number; vmerge?: 'restart' | 'continue' };
export type DocBlock = { p: string } | { table: DocCell[][] };

const textOf = (c: DocCell) => (typeof c === 'string' ? c : c.text);
const spanOf = (c: DocCell) => (typeof c === 'string' ? 1 : (c.span ?? 1));

export async function toDocx(blocks: DocBlock[]): Promise<Buffer> {
  const children: Array<Paragraph | Table> = [];
  for (const b of blocks) {
    if ('p' in b) {
      children.push(new Paragraph({ text: b.p, alignment: AlignmentType.LEFT }));
      continue;
    }
    const rows = b.table.map(
      (cells) =>
        new TableRow({
          children: cells.map((c) => {
            const lines = textOf(c).split('\n');
            const vm = typeof c !== 'string' ? c.vmerge : undefined;
            const opts: ConstructorParameters<typeof TableCell>[0] = {
              children: vm === 'continue' ? [new Paragraph('')] : lines.map((l) => new Paragraph(l)),
              width: { size: 1200 * spanOf(c), type: WidthType.DXA },
              ...(spanOf(c) > 1 ? { columnSpan: spanOf(c) } : {}),
              ...(vm ? { verticalMerge: vm === 'restart' ? VerticalMergeType.RESTART : VerticalMergeType.CONTINUE } : {}),
            };
            return new TableCell(opts);
          }),
        }),
    );
    children.push(new Table({ rows }));
  }
  return Buffer.from(await Packer.toBuffer(new Document({ sections: [{ children }] })));
}

/** Rows of values as a sheet would hold them: paragraphs in column A, merges as SheetJS ranges. */
function sheetOf(blocks: DocBlock[]): XLSX.WorkSheet {
  const aoa: string[][] = [];
  const merges: XLSX.Range[] = [];
  const vStart = new Map<number, number>(); // column → row where the current vertical merge starts
  for (const b of blocks) {
    if ('p' in b) {
      aoa.push([b.p]);
      continue;
    }
    for (const cells of b.table) {
      const r = aoa.length;
      const row: string[] = [];
      let c = 0;
      for (const cell of cells) {
        const span = spanOf(cell);
        const cont = typeof cell !== 'string' && cell.vmerge === 'continue';
        row[c] = cont ? '' : textOf(cell);
        for (let k = 1; k < span; k++) row[c + k] = '';
        if (span > 1) merges.push({ s: { r, c }, e: { r, c: c + span - 1 } });
        if (typeof cell !== 'string' && cell.vmerge === 'restart') vStart.set(c, r);
        if (cont) {
          const s = vStart.get(c)!;
          const m = merges.find((x) => x.s.c === c && x.s.r === s && x.e.c === c + span - 1 && x.e.r >= s && x.e.r === r - 1 && x.s.r !== x.e.r);
          if (m) m.e.r = r;
          else merges.push({ s: { r: s, c }, e: { r, c: c + span - 1 } });
        }
        c += span;
      }
      aoa.push(row);
    }
  }
  const ws = XLSX.utils.aoa_to_sheet(aoa);
  // a vertical merge of a horizontally merged cell: drop the row-wise range the vertical one covers
  ws['!merges'] = merges.filter(
    (m, i) => !merges.some((o, j) => j !== i && o.e.r > o.s.r && m.e.r === m.s.r && m.s.r >= o.s.r && m.s.r <= o.e.r && m.s.c === o.s.c),
  );
  return ws;
}

export function toXls(blocks: DocBlock[], bookType: 'xls' | 'xlsx' = 'xls'): Buffer {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, sheetOf(blocks), '表1');
  return Buffer.from(XLSX.write(wb, { type: 'buffer', bookType }) as Buffer);
}

/**
 * The one-cell-per-line conversion: every row opens with a blank line and a blank first cell, each cell
 * starts on a line with a tab, a cell's own lines follow without a tab; a merged cell is written once
 * (a horizontal span as one cell, a continued vertical merge as an empty cell), as the seeds are; a
 * paragraph after the first table becomes a one-cell row.
 */
export function toCellLines(blocks: DocBlock[]): Buffer {
  const out: string[] = [];
  let tables = 0;
  for (const b of blocks) {
    if ('p' in b) {
      // before the first table a paragraph is a line of its own; after it, the conversion writes it as a
      // one-cell row (a line without a tab there would continue the last cell)
      if (tables === 0) out.push(b.p);
      else out.push('', `\t${b.p}`);
      continue;
    }
    tables++;
    b.table.forEach((cells, i) => {
      out.push(i === 0 ? ' ' : '');
      const body = cells.map((c) => (typeof c !== 'string' && c.vmerge === 'continue' ? '' : textOf(c)));
      if (i === 0) out[out.length - 1] = ` \t${body[0]}`;
      else out.push(`\t${body[0]}`);
      for (const v of body.slice(1)) out.push(`\t${v}`);
    });
    out.push('');
  }
  return Buffer.from(out.join('\n') + '\n', 'utf8');
}
