/**
 * Every import problem has a stable code and a zh-CN message made from it: on the real excerpts, on issue
 * 14's documents and on malformed files, no message has English words, ids or hash keys of its own (values
 * quoted from the file are the file's, and are left out of the check), and every repair has its Chinese.
 */
import { describe, expect, it } from '@jest/globals';
import { englishWords } from '../common/error-catalogue.spec.js';
import { toDocx, toXls } from '../../test/support/documents.js';
import { fourAnnexNotice, workReport } from '../../test/support/import-documents.js';
import type { ImportProblem } from './model.js';
import { parseImport } from './parse-import.js';
import { hasRepairZh, keyZh, PROBLEM_CODES, problemMessageZh, unitMatchZh, type ProblemCode } from './problem-catalogue.js';
import { fixture } from './spec-helpers.js';

/** Encoding names a person reads as such. */
const TECHNICAL = new Set(['UTF', 'GB']);
const english = (text: string): string[] => englishWords(text).filter((w) => !TECHNICAL.has(w));

/** The message without the values it quotes (file content may be anything). */
function ownText(p: Pick<ImportProblem, 'message' | 'params'>, text = p.message): string {
  let t = text;
  for (const v of Object.values(p.params)) for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string' && x !== '') t = t.split(x).join('');
  return t;
}

function expectChinese(problems: ImportProblem[]): void {
  for (const p of problems) {
    expect(PROBLEM_CODES).toContain(p.code as ProblemCode);
    expect(p.message).toMatch(/[\u4e00-\u9fff]/);
    expect({ code: p.code, english: english(ownText(p)) }).toEqual({ code: p.code, english: [] });
    expect(p.message).not.toMatch(/h:[0-9a-f]{12}/);
    if (p.repaired !== undefined && hasRepairZh(p.code as ProblemCode)) {
      expect(english(ownText(p, p.repairedMessage ?? 'missing'))).toEqual([]);
    }
  }
}

describe('import problems in Chinese', () => {
  it('renders every code with sample parameters, without English words', () => {
    const sample = {
      section: '附件2',
      indicator: '附件2/h:0123456789ab',
      task: '3@县发改局',
      unit: '县发改局',
      name: '王茜',
      value: 'abc',
      text: '每月',
      method: 'ratio',
      shape: 'node-table',
      previous: 'work-report',
      stated: 404,
      read: 400,
      count: 3,
      rows: 80,
      column: 5,
      width: 16,
      points: 2,
      dates: ['2026-03-31'],
      default: '2026-12-31',
      fields: ['牵头单位'],
      values: '县发改局',
      leader: '王茜',
      matches: ['甲', '乙'],
      year: 2017,
      planYear: 2026,
      message: '2017 年无节假日历，按周末计算',
      existingCode: '1',
      existingName: '旧',
      fileName: '表.xlsx',
      group: '镇街组',
      target: '园区组',
      reason: '缺少分值',
      direction: 'left',
      ext: '.xls',
      format: '.xlsx',
      sheet: '表二',
      used: '表一',
    };
    for (const code of PROBLEM_CODES) {
      const zh = problemMessageZh({ code, params: sample });
      expect({ code, ok: /[\u4e00-\u9fff]/.test(zh.message) }).toEqual({ code, ok: true });
      const words = english(ownText({ message: zh.message, params: sample }));
      expect({ code, words }).toEqual({ code, words: [] });
      expect(zh.message).not.toMatch(/h:[0-9a-f]{12}/);
    }
    expect(keyZh('附件1/h:0123456789ab')).toBe('附件1/（无序号）');
  });

  it('gives every problem of the real excerpts a code and a Chinese message', async () => {
    for (const [name, year] of [
      ['node-table.2020-panshan.tsv', 2020],
      ['unit-matrix.2019-towns.excerpt.txt', 2019],
      ['work-report.2023-shuangtaizi.part1.txt', 2023],
    ] as const) {
      const res = await parseImport({ name, bytes: fixture(name) }, { year });
      expect(res.report.problems.length).toBeGreaterThan(0);
      expectChinese(res.report.problems);
    }
  });

  it("gives every problem of issue 14's documents (.docx, .xls) a code, and every unit match a Chinese reason", async () => {
    for (const doc of [fourAnnexNotice(), workReport()]) {
      for (const file of [
        { name: 'a.docx', bytes: await toDocx(doc) },
        { name: 'a.xls', bytes: toXls(doc) },
      ]) {
        const res = await parseImport(file, { year: 2024 });
        expectChinese(res.report.problems);
        for (const u of res.report.unitNames) expect(u.message).toBe(unitMatchZh(u));
      }
    }
  });

  it('names a malformed file in Chinese by its own code', async () => {
    const cases: Array<[string, Buffer, ProblemCode]> = [
      ['x.tsv', Buffer.alloc(0), 'file.empty'],
      ['x.txt', Buffer.from([0x00, 0xff, 0x10, 0x00]), 'file.binary'],
      ['x.doc', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'file.doc-legacy'],
      ['x.xlsx', Buffer.from('PK\u0003\u0004broken'), 'file.unreadable'],
      ['x.tsv', Buffer.from('姓名\t年龄\t住址\n张三\t30\t盘锦\n'), 'file.no-header'],
    ];
    for (const [name, bytes, code] of cases) {
      const res = await parseImport({ name, bytes }, { year: 2020 });
      expect(res.report.problems.map((p) => p.code)).toContain(code);
      expectChinese(res.report.problems);
    }
  });
});
