import { AlignmentType, BorderStyle, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType, type IRunOptions } from 'docx';
import { chineseDate, type DocTable, type OfficialDocument } from './official-document.js';

/**
 * The .docx of an official document, in the usual layout of a government bulletin: red masthead (the
 * issuer, 方正小标宋 in red), the number line (〔2026〕第3期) and date, a red rule, the title, then the body
 * in 仿宋 with tables. Fonts are named, not embedded: Word and WPS substitute when they are absent.
 */
export async function renderDocx(doc: OfficialDocument): Promise<Buffer> {
  const body = (text: string, opts: Partial<IRunOptions> = {}) =>
    new TextRun({ text, font: { ascii: 'Times New Roman', eastAsia: '仿宋_GB2312' }, size: 32, ...opts });
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [new TextRun({ text: doc.issuer, font: { eastAsia: '方正小标宋简体' }, size: 52, color: 'C00000', bold: true })],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 200 },
      children: [body(doc.number)],
    }),
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      border: { bottom: { style: BorderStyle.SINGLE, size: 12, color: 'C00000', space: 4 } },
      children: [body(chineseDate(doc.date))],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { before: 300, after: 300 },
      children: [new TextRun({ text: doc.title, font: { eastAsia: '方正小标宋简体' }, size: 44 })],
    }),
  ];
  for (const block of doc.blocks) {
    if (block.kind === 'heading') {
      children.push(new Paragraph({ spacing: { before: 240 }, children: [new TextRun({ text: block.text, font: { eastAsia: '黑体' }, size: 32 })] }));
    } else if (block.kind === 'paragraph') {
      children.push(new Paragraph({ indent: { firstLine: 640 }, children: [body(block.text)] }));
    } else {
      if (block.table.caption)
        children.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [body(block.table.caption, { bold: true, size: 28 })] }));
      children.push(docxTable(block.table));
    }
  }
  if (doc.footer) children.push(new Paragraph({ spacing: { before: 400 }, children: [body(doc.footer, { size: 18, color: '666666' })] }));
  const document = new Document({
    creator: doc.issuer,
    title: doc.title,
    description: doc.number,
    sections: [{ properties: { page: { margin: { top: 2098, bottom: 1984, left: 1587, right: 1474 } } }, children }],
  });
  return Packer.toBuffer(document);
}

function docxTable(table: DocTable): Table {
  const total = (table.widths ?? table.columns.map(() => 1)).reduce((a, b) => a + b, 0);
  const pct = (i: number) => Math.round(((table.widths?.[i] ?? 1) / total) * 100);
  const cell = (text: string, i: number, header: boolean) =>
    new TableCell({
      width: { size: pct(i), type: WidthType.PERCENTAGE },
      children: [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [new TextRun({ text, font: { ascii: 'Times New Roman', eastAsia: header ? '黑体' : '仿宋_GB2312' }, size: 21 })],
        }),
      ],
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: table.columns.map((c, i) => cell(c, i, true)) }),
      ...table.rows.map((r) => new TableRow({ children: table.columns.map((_, i) => cell(r[i] ?? '', i, false)) })),
    ],
  });
}
