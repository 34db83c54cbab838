import PDFDocument from 'pdfkit';
import { findCjkFont, type CjkFont } from './fonts.js';
import { chineseDate, pageRows, type DocTable, type OfficialDocument } from './official-document.js';

/** No CJK font on the machine: the PDF of a Chinese document cannot be drawn. */
export class NoCjkFontError extends Error {
  constructor() {
    super('no CJK font found for PDF output: install fonts-wqy-microhei (or Noto CJK), or set DUBAN_PDF_FONT to a .ttf/.ttc/.otf path');
    this.name = 'NoCjkFontError';
  }
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
/** Tallest body row (two lines of 9 pt); rows shrink (down to one line) so that `rowsPerPage` fit a page. */
const ROW_MAX = 9 * 1.3 * 2 + 6;
const ROW_MIN = 12;
const ROW_READABLE = 18;
const BOTTOM = A4.height - MARGIN;

/**
 * The PDF of an official document (A4). Tables are paged: a page carries at most `rowsPerPage` body
 * rows (one unit per row in a bulletin: "one page per N units"), each table starts on a new page, and
 * every page repeats the table's header. A cell's text is wrapped to two lines and cut with "…" beyond.
 * Deterministic for a given input (creation date = the document's date), so a sealed bulletin renders
 * the same bytes twice.
 */
export function renderPdf(doc: OfficialDocument, font: CjkFont | null = findCjkFont()): Promise<Buffer> {
  if (!font) return Promise.reject(new NoCjkFontError());
  const perPage = doc.rowsPerPage ?? 25;
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    autoFirstPage: true,
    info: {
      Title: doc.title,
      Author: doc.issuer,
      Subject: doc.number,
      CreationDate: new Date(`${doc.date}T00:00:00Z`),
      ModDate: new Date(`${doc.date}T00:00:00Z`),
    },
  });
  pdf.registerFont('cjk', font.path, font.family);
  pdf.font('cjk');
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const width = A4.width - 2 * MARGIN;

  // Masthead, number, date, rule, title.
  pdf.fillColor('#C00000').fontSize(24).text(doc.issuer, { align: 'center', width });
  pdf.moveDown(0.4).fillColor('black').fontSize(12).text(doc.number, { align: 'center', width });
  pdf.text(chineseDate(doc.date), { align: 'right', width });
  const ruleY = pdf.y + 4;
  pdf
    .moveTo(MARGIN, ruleY)
    .lineTo(A4.width - MARGIN, ruleY)
    .lineWidth(1.5)
    .strokeColor('#C00000')
    .stroke();
  pdf.y = ruleY + 12;
  pdf.fontSize(18).text(doc.title, { align: 'center', width });
  pdf.moveDown(0.6);

  let tablesDrawn = 0;
  let pageFresh = false;
  doc.blocks.forEach((block, i) => {
    // Every table after the first starts a page, together with the heading just before it.
    const startsTable = block.kind === 'table' || (block.kind === 'heading' && doc.blocks[i + 1]?.kind === 'table');
    if (startsTable && tablesDrawn > 0 && !pageFresh) {
      pdf.addPage();
      pageFresh = true;
    }
    if (block.kind === 'heading') {
      ensureSpace(pdf, 40);
      pdf.fontSize(13).fillColor('black').text(block.text, MARGIN, pdf.y, { width }).moveDown(0.3);
    } else if (block.kind === 'paragraph') {
      ensureSpace(pdf, 30);
      pdf.fontSize(11).fillColor('black').text(block.text, MARGIN, pdf.y, { width, indent: 22, lineGap: 2 }).moveDown(0.3);
    } else {
      tablesDrawn++;
      drawTable(pdf, block.table, perPage, width);
      pageFresh = false;
    }
  });
  if (doc.footer) {
    ensureSpace(pdf, 30);
    pdf.moveDown(0.5).fontSize(7).fillColor('#666666').text(doc.footer, MARGIN, pdf.y, { width });
  }
  pdf.end();
  return done;
}

function ensureSpace(pdf: PDFKit.PDFDocument, needed: number): void {
  if (pdf.y + needed > A4.height - MARGIN) pdf.addPage();
}

function drawTable(pdf: PDFKit.PDFDocument, table: DocTable, perPage: number, width: number): void {
  const weights = table.widths ?? table.columns.map(() => 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const colW = weights.map((w) => (w / total) * width);
  const captionH = table.caption ? 20 : 0;
  const heightFor = (top: number) => (BOTTOM - top - captionH - 8) / (perPage + 1);
  // The table's first page continues the current page when N rows fit there at a readable height
  // (one line of ≥ 9.5 pt rows), else starts a new page. Rows are as tall as the page allows, up to two lines.
  if (heightFor(pdf.y) < Math.min(ROW_READABLE, heightFor(MARGIN))) pdf.addPage();
  if (heightFor(MARGIN) < ROW_MIN) throw new Error(`rowsPerPage ${perPage} does not fit an A4 page`);
  const drawRow = (cells: string[], y: number, rowH: number, header: boolean) => {
    const lines = rowH >= ROW_MAX - 0.01 ? 2 : 1;
    const fontSize = Math.min(9, (rowH - 5) / 1.3 / lines);
    let x = MARGIN;
    if (header) pdf.rect(MARGIN, y, width, rowH).fillColor('#EEEEEE').fill();
    pdf.fillColor('black').fontSize(fontSize);
    cells.forEach((text, i) => {
      pdf.rect(x, y, colW[i]!, rowH).lineWidth(0.5).strokeColor('#444444').stroke();
      pdf.text(text, x + 2, y + 2.5, { width: colW[i]! - 4, height: rowH - 3, align: 'center', ellipsis: '…', lineBreak: lines > 1 });
      x += colW[i]!;
    });
  };
  const pages = pageRows(table.rows, perPage);
  pages.forEach((rows, p) => {
    if (p > 0) pdf.addPage();
    if (table.caption) {
      pdf
        .fontSize(11)
        .fillColor('black')
        .text(p > 0 ? `${table.caption}（续）` : table.caption, MARGIN, pdf.y, { width, align: 'center', height: 16, lineBreak: false });
      pdf.y += 4;
    }
    let y = pdf.y;
    const rowH = Math.min(ROW_MAX, (BOTTOM - y - 8) / (perPage + 1));
    drawRow(table.columns, y, rowH, true);
    y += rowH;
    for (const r of rows) {
      drawRow(
        table.columns.map((_, i) => r[i] ?? ''),
        y,
        rowH,
        false,
      );
      y += rowH;
    }
    pdf.x = MARGIN;
    pdf.y = y + 6;
  });
}
