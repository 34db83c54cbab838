import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { renderDocx } from './docx.js';
import { findCjkFont } from './fonts.js';
import { chineseDate, issueNumber, pageRows, type OfficialDocument } from './official-document.js';
import { NoCjkFontError, renderPdf } from './pdf.js';

const units = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}号单位`);
const sample = (perPage: number, towns = 7, depts = 12): OfficialDocument => ({
  issuer: '某县绩效考评办公室',
  title: '2026年度绩效考评 第3期通报',
  number: issueNumber(2026, 3),
  date: '2026-06-30',
  rowsPerPage: perPage,
  blocks: [
    { kind: 'paragraph', text: '截至2026年6月30日，各单位节点完成情况通报如下。' },
    { kind: 'heading', text: '一、镇街组' },
    {
      kind: 'table',
      table: {
        caption: '镇街组排名',
        columns: ['名次', '单位', '红灯节点', '黄灯节点'],
        rows: units('镇', towns).map((u, i) => [String(i + 1), u, String(i), '0']),
      },
    },
    { kind: 'heading', text: '二、部门组' },
    {
      kind: 'table',
      table: {
        caption: '部门组排名',
        columns: ['名次', '单位', '红灯节点', '黄灯节点'],
        rows: units('部门', depts).map((u, i) => [String(i + 1), u, '0', String(i % 3)]),
      },
    },
  ],
  footer: 'sha256:0123abcd',
});

/** Text of word/document.xml with the runs joined per paragraph. */
async function docxParagraphs(bytes: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:p[ >].*?<\/w:p>/gs)].map((p) => [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
}

const pdfPages = (bytes: Buffer) => (bytes.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;

describe('document helpers', () => {
  it('writes the issue number and the date the official way', () => {
    expect(issueNumber(2026, 3)).toBe('〔2026〕第3期');
    expect(chineseDate('2026-06-03')).toBe('2026年6月3日');
    expect(() => chineseDate('June')).toThrow();
  });

  it('pages rows N at a time', () => {
    expect(pageRows([['a'], ['b'], ['c']], 2)).toEqual([[['a'], ['b']], [['c']]]);
    expect(pageRows([], 5)).toEqual([[]]);
    expect(() => pageRows([], 0)).toThrow(/positive/);
  });
});

describe('renderDocx', () => {
  it('parses back: masthead, number, date, title, every unit of each group in its table', async () => {
    const doc = sample(5);
    const bytes = await renderDocx(doc);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    const paragraphs = await docxParagraphs(bytes);
    expect(paragraphs.slice(0, 4)).toEqual(['某县绩效考评办公室', '〔2026〕第3期', '2026年6月30日', '2026年度绩效考评 第3期通报']);
    for (const u of [...units('镇', 7), ...units('部门', 12)]) expect(paragraphs).toContain(u);
    const zip = await JSZip.loadAsync(bytes);
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml.match(/<w:tbl>/g)).toHaveLength(2);
    expect(xml.match(/<w:tr[ >]/g)).toHaveLength(2 + 7 + 12); // a header row per table
    expect(xml).toContain('w:eastAsia="仿宋_GB2312"');
  });
});

const font = findCjkFont();
const pdfIt = font ? it : it.skip;

describe('renderPdf', () => {
  pdfIt('has one page per N units in each group (7 and 12 units, N = 5 → 2 + 3 pages)', async () => {
    const bytes = await renderPdf(sample(5));
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPages(bytes)).toBe(5);
    expect(pdfPages(await renderPdf(sample(25, 7, 12)))).toBe(2);
    expect(pdfPages(await renderPdf(sample(4, 8, 0)))).toBe(2 + 1); // an empty table still prints its header
  });

  pdfIt('is deterministic for the same document (a sealed bulletin renders the same bytes)', async () => {
    const a = await renderPdf(sample(5));
    const b = await renderPdf(sample(5));
    expect(a.equals(b)).toBe(true);
  });

  pdfIt('embeds the CJK font and renders to PNG with pdftoppm (one image per page, not blank)', async () => {
    const bytes = await renderPdf(sample(5));
    expect(bytes.toString('latin1')).toMatch(/\/FontFile2|\/FontFile3/);
    const pdftoppm = ['/usr/bin/pdftoppm', '/usr/local/bin/pdftoppm'].find(existsSync);
    if (!pdftoppm) return; // rendering needs poppler-utils; the page count above still holds
    const dir = mkdtempSync(join(tmpdir(), 'duban-pdf-'));
    try {
      const file = join(dir, 'b.pdf');
      writeFileSync(file, bytes);
      execFileSync(pdftoppm, ['-png', '-r', '30', file, join(dir, 'p')]);
      const pngs = readdirSync(dir)
        .filter((f) => f.endsWith('.png'))
        .sort();
      expect(pngs).toHaveLength(5);
      for (const p of pngs) {
        const png = readFileSync(join(dir, p));
        expect(png.subarray(1, 4).toString()).toBe('PNG');
        expect(statSync(join(dir, p)).size).toBeGreaterThan(1500); // a blank A4 page at 30 dpi is ~400 bytes
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses clearly when the machine has no CJK font', async () => {
    await expect(renderPdf(sample(5), null)).rejects.toThrow(NoCjkFontError);
  });
});
