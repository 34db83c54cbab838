/**
 * Catalogues from a document: a bonus list (加分项), a deduction list (减分项), a negative list (负面清单) or a
 * veto list (否决项), pasted or uploaded as a numbered list of lines, becomes catalogue items with their
 * amounts and caps. `parseCatalogueText(text, kind)` for pasted text; `parseCatalogueLines(lines, kind)` for
 * lines an importer already split (its numbered catalogue sections). Pure.
 *
 * What a line may say (full-width digits, 、 ． （1） ① and Chinese numerals are read like their plain forms):
 *   "1. 发生较大安全生产事故的，扣0.5分"         → points 0.5
 *   "２、获省级表彰的，加1分，最多加2分"          → points 1, cap 2
 *   "（3）迟报、漏报信息的，每次扣0.2分，最多扣1分" → points 0.2, cap 1
 *   "4．视情况加0.5—1分"                          → range 0.5–1 (the event gives its points)
 *   "5、发生重大事故的，实行一票否决"              → a veto item (veto lists only; no amount)
 * A line without a number continues the item before it while that item has no amount yet or ends in
 * "，"; otherwise it is a note, or the list's total cap ("加分累计不超过3分"). Lines before the first
 * item are headings; "一、党的建设" lines without an amount head the items after them (`category`).
 * Every line the parser could not read is reported with its number and the reason; nothing is guessed.
 */
import type { AdjustmentItem } from './adjustments.js';

export type CatalogueKind = 'bonus' | 'deduction' | 'negative_list' | 'veto';

export interface CatalogueSourceLine {
  /** Line (or spreadsheet row) number, 1-based, for the report. */
  line: number;
  /** The number as written ("3", "（3）"), when the caller already split it off; else read from `text`. */
  number?: string | null;
  text: string;
}

export interface ParsedCatalogueItem extends AdjustmentItem {
  /** The number as written, normalized ("3"); the key is built from it. */
  number: string;
  /** The source line numbers (more than one when the item continues on the next line). */
  lines: number[];
  /** The heading ("一、党的建设") the item stands under, if any. */
  category?: string;
  /** "每次 / 每起 / 每例…" was said: each occurrence counts (as every catalogue item does; kept for the reader). */
  perOccurrence?: boolean;
  /** The original text of the item (its lines joined), also kept in `text`. */
  text: string;
}

export interface CatalogueProblem {
  line: number;
  text: string;
  code: 'no_amount' | 'several_amounts' | 'wrong_direction' | 'relative_amount' | 'amount_in_veto' | 'cap_below_amount' | 'no_text';
  reason: string;
}

export interface CatalogueParse {
  kind: CatalogueKind;
  items: ParsedCatalogueItem[];
  /** A total cap stated on a line of its own ("加分项累计最高不超过3分"); absent = uncapped. */
  totalCap?: number;
  totalCapLine?: number;
  /** Lines read as titles or category headings. */
  headings: { line: number; text: string }[];
  /** Unnumbered lines after an item is complete that state no cap (explanations, 说明). */
  notes: { line: number; text: string }[];
  /** Lines that could not be read, with the reason. */
  problems: CatalogueProblem[];
}

const KEY_PREFIX: Readonly<Record<CatalogueKind, string>> = { bonus: 'b', deduction: 'd', negative_list: 'nl', veto: 'v' };
const KIND_NAMES: Readonly<Record<CatalogueKind, string>> = { bonus: '加分项', deduction: '减分项', negative_list: '负面清单', veto: '否决项' };

/** Full-width digits and punctuation → plain ones, one character for one (indices stay valid). */
function normalize(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c >= 0xff10 && c <= 0xff19) out += String.fromCharCode(c - 0xff10 + 48);
    else if (ch === '．') out += '.';
    else if (ch === '＋') out += '+';
    else if (ch === '－') out += '-';
    else if (ch === '～' || ch === '〜') out += '~';
    else if (ch === '\u3000') out += ' ';
    else out += ch;
  }
  return out;
}

const CN_DIGITS: Readonly<Record<string, number>> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** "0.5" → 0.5, "一" → 1, "两" → 2, "十二" → 12, "二十" → 20, "半" → 0.5. */
function amountOf(s: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  if (s === '半') return 0.5;
  if (/^[零〇一二两三四五六七八九]$/.test(s)) return CN_DIGITS[s];
  const m = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (m) return (m[1] ? CN_DIGITS[m[1]] : 1) * 10 + (m[2] ? CN_DIGITS[m[2]] : 0);
  return undefined;
}

const NUM = String.raw`(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十半]{1,3})`;
const VERB = String.raw`(加|扣减|扣除|扣|减去|减)`;
const RANGE_SEP = String.raw`\s*(?:-|—|–|~|至|到)\s*`;
// "最多加2分", "累计最高扣1分", "累计不超过2分", "上限2分", "封顶3分"
const CAP_RE = new RegExp(String.raw`(?:累计|合计|总计)?(?:最多|最高|不超过|不得超过|上限为?|封顶)(?:不超过)?\s*(?:加|扣|减)?\s*${NUM}\s*分`, 'g');
const RANGE_RE = new RegExp(String.raw`${VERB}\s*${NUM}${RANGE_SEP}${NUM}\s*分`, 'g');
const AMOUNT_RE = new RegExp(
  String.raw`(?:每(?:次|起|例|项|个|件|人次|人|家|条|宗|篇|处|户)\s*)?${VERB}\s*${NUM}\s*分(?:\s*/\s*(?:次|起|例|项|个|件|人次))?`,
  'g',
);
const PER_OCCURRENCE_RE = /每(?:发现|发生|出现)?一?(?:次|起|例|项|个|件|人次|人|家|条|宗|篇|处|户)|\/\s*(?:次|起|例|项|个|件|人次)/;
const RELATIVE_RE = /(?:加|扣|减)[^，。；]*?(?:%|％|百分之|分值的|相应分值|该项分)/;
const VETO_RE = /一票否决|否决|不得评(?:为|定)|直接(?:评|定)为|取消.*?(?:资格|评优)/;

// "1." "1、" "1)" "1）" "(1)" "（1）" "①" "第1条" "一、" "（一）"; not "1.5分…"
const NUMBER_RE =
  /^\s*(?:第\s*(\d+)\s*[条项]\s*[、.:：]?|(\d+)\s*(?:\.(?!\d)|[、:：)）])|[(（]\s*(\d+)\s*[)）]|([\u2460-\u2473])|([一二三四五六七八九十]{1,3})\s*[、.:：]|[(（]\s*([一二三四五六七八九十]{1,3})\s*[)）])\s*/;

interface Numbered {
  number: string;
  chinese: boolean;
  rest: number;
}

function numberOf(norm: string): Numbered | undefined {
  const m = NUMBER_RE.exec(norm);
  if (!m) return undefined;
  const arabic = m[1] ?? m[2] ?? m[3];
  if (arabic !== undefined) return { number: String(Number(arabic)), chinese: false, rest: m[0].length };
  if (m[4] !== undefined) return { number: String(m[4].charCodeAt(0) - 0x2460 + 1), chinese: false, rest: m[0].length };
  const cn = m[5] ?? m[6];
  return { number: String(amountOf(cn) ?? cn), chinese: true, rest: m[0].length };
}

interface Entry {
  number: string;
  lines: number[];
  /** Original and normalized text of the item's content (number removed; continuation lines joined). */
  text: string;
  norm: string;
  category?: string;
}

/** Parses pasted text: one catalogue line per text line; blank lines are skipped. */
export function parseCatalogueText(text: string, kind: CatalogueKind): CatalogueParse {
  const lines: CatalogueSourceLine[] = [];
  text.split(/\r\n|\n|\r/).forEach((t, i) => {
    if (t.trim() !== '') lines.push({ line: i + 1, text: t });
  });
  return parseCatalogueLines(lines, kind);
}

/** Parses catalogue lines (already split, e.g. by the importer, possibly with their numbers split off). */
export function parseCatalogueLines(lines: readonly CatalogueSourceLine[], kind: CatalogueKind): CatalogueParse {
  const out: CatalogueParse = { kind, items: [], headings: [], notes: [], problems: [] };
  const entries: Entry[] = [];
  let category: string | undefined;
  const anyNumbered = lines.some((l) => (l.number ?? '') !== '' || numberOf(normalize(l.text)) !== undefined);

  for (const l of lines) {
    const raw = l.text.trim();
    if (raw === '') continue;
    const norm = normalize(raw);
    let num: Numbered | undefined;
    if (l.number !== undefined && l.number !== null && l.number !== '') {
      const n = numberOf(normalize(`${l.number.trim()}、`));
      num = { number: n?.number ?? l.number.trim(), chinese: n?.chinese ?? false, rest: 0 };
    } else {
      num = numberOf(norm);
    }
    const content = num ? raw.slice(num.rest).trim() : raw;
    const contentNorm = num ? norm.slice(num.rest).trim() : norm;
    const hasAmount = amountClauses(contentNorm).amounts.length > 0 || amountClauses(contentNorm).ranges.length > 0;
    if (num && num.chinese && !hasAmount && kind !== 'veto') {
      category = content;
      out.headings.push({ line: l.line, text: raw });
      continue;
    }
    if (num || !anyNumbered) {
      if (!num && !anyNumbered && entries.length === 0 && !hasAmount && kind !== 'veto' && !capOf(contentNorm)) {
        out.headings.push({ line: l.line, text: raw }); // a title above an unnumbered list
        continue;
      }
      const e: Entry = { number: num?.number ?? String(entries.length + 1), lines: [l.line], text: content, norm: contentNorm };
      if (category !== undefined) e.category = category;
      entries.push(e);
      continue;
    }
    // an unnumbered line in a numbered list
    const prev = entries[entries.length - 1];
    if (!prev) {
      out.headings.push({ line: l.line, text: raw });
      continue;
    }
    const prevDone = kind === 'veto' ? /[。；;]$/.test(prev.norm) : isComplete(prev.norm);
    if (!prevDone) {
      prev.lines.push(l.line);
      prev.text += content;
      prev.norm += contentNorm;
      continue;
    }
    const cap = !hasAmount ? capOf(contentNorm) : undefined;
    if (cap !== undefined && kind !== 'veto') {
      out.totalCap = cap;
      out.totalCapLine = l.line;
    } else if (hasAmount) {
      out.problems.push({ line: l.line, text: raw, code: 'no_amount', reason: '这一行带有分值但没有序号，无法判断属于哪一项：请加上序号或并入上一项' });
    } else {
      out.notes.push({ line: l.line, text: raw });
    }
  }

  const numbers = entries.map((e) => e.number);
  const unique = new Set(numbers).size === numbers.length;
  const width = Math.max(2, String(entries.length).length);
  entries.forEach((e, i) => {
    const key = `${KEY_PREFIX[kind]}-${(unique ? e.number : String(i + 1)).padStart(width, '0')}`;
    const item = readEntry(e, key, kind, out.problems);
    if (item) out.items.push(item);
  });
  out.problems.sort((a, b) => a.line - b.line);
  return out;
}

/** An item is complete when it has an amount and does not end mid-sentence. */
function isComplete(norm: string): boolean {
  const c = amountClauses(norm);
  if (c.amounts.length === 0 && c.ranges.length === 0 && c.caps.length === 0 && !VETO_RE.test(norm)) return false;
  return !/[，,、]$/.test(norm);
}

function capOf(norm: string): number | undefined {
  CAP_RE.lastIndex = 0;
  const m = CAP_RE.exec(norm);
  return m ? amountOf(m[1]) : undefined;
}

interface Clause {
  at: number;
  end: number;
  verb: string;
  value: number;
  max?: number;
}

function amountClauses(norm: string): { caps: Clause[]; ranges: Clause[]; amounts: Clause[] } {
  const caps: Clause[] = [];
  const ranges: Clause[] = [];
  const amounts: Clause[] = [];
  const inside = (at: number, end: number, list: readonly Clause[]): boolean => list.some((c) => at < c.end && end > c.at);
  CAP_RE.lastIndex = 0;
  for (let m = CAP_RE.exec(norm); m; m = CAP_RE.exec(norm)) {
    const v = amountOf(m[1]);
    if (v !== undefined) caps.push({ at: m.index, end: m.index + m[0].length, verb: '', value: v });
  }
  RANGE_RE.lastIndex = 0;
  for (let m = RANGE_RE.exec(norm); m; m = RANGE_RE.exec(norm)) {
    const end = m.index + m[0].length;
    const lo = amountOf(m[2]);
    const hi = amountOf(m[3]);
    if (lo !== undefined && hi !== undefined && !inside(m.index, end, caps)) ranges.push({ at: m.index, end, verb: m[1], value: lo, max: hi });
  }
  AMOUNT_RE.lastIndex = 0;
  for (let m = AMOUNT_RE.exec(norm); m; m = AMOUNT_RE.exec(norm)) {
    const end = m.index + m[0].length;
    const v = amountOf(m[2]);
    if (v !== undefined && !inside(m.index, end, caps) && !inside(m.index, end, ranges)) amounts.push({ at: m.index, end, verb: m[1], value: v });
  }
  return { caps, ranges, amounts };
}

function readEntry(e: Entry, key: string, kind: CatalogueKind, problems: CatalogueProblem[]): ParsedCatalogueItem | undefined {
  const line = e.lines[0];
  const text = e.text;
  const fail = (code: CatalogueProblem['code'], reason: string): undefined => {
    problems.push({ line, text: e.lines.length > 1 ? `${text}（第 ${e.lines.join('、')} 行）` : text, code, reason });
    return undefined;
  };
  if (text === '') return fail('no_text', '只有序号，没有内容');
  const { caps, ranges, amounts } = amountClauses(e.norm);
  const item: ParsedCatalogueItem = { key, name: '', number: e.number, lines: e.lines, text };
  if (e.category !== undefined) item.category = e.category;
  if (PER_OCCURRENCE_RE.test(e.norm)) item.perOccurrence = true;

  if (kind === 'veto') {
    if (amounts.length > 0 || ranges.length > 0) return fail('amount_in_veto', '否决项不计分值（触发即否决）：带分值的条目应放入负面清单或减分项');
    item.name = nameOf(text, []);
    return {
      key: item.key,
      name: item.name,
      number: item.number,
      lines: item.lines,
      text,
      ...(item.category !== undefined ? { category: item.category } : {}),
    };
  }
  const all = [...amounts, ...ranges];
  if (all.length === 0 && caps.length > 0 && new Set(caps.map((c) => c.value)).size === 1) {
    // "视贡献大小，最高加3分": no fixed amount, only a ceiling: each event gives its points, 0–3 in all
    const verb = /最多扣|最高扣|扣|减/.test(e.norm.slice(caps[0].at, caps[0].end)) ? '扣' : '加';
    if ((kind === 'bonus') !== (verb === '加'))
      return fail('wrong_direction', kind === 'bonus' ? `“${verb}”是扣分，这里是加分项清单` : `“加”是加分，这里是${KIND_NAMES[kind]}清单`);
    item.range = { min: 0, max: caps[0].value };
    item.cap = caps[0].value;
    item.name = nameOf(text, caps);
    return item;
  }
  if (all.length === 0) {
    if (RELATIVE_RE.test(e.norm))
      return fail('relative_amount', '分值按其他得分的比例计（如“扣该项分值的10%”），不是固定分值：请改写为固定分值或由考核办逐次录入');
    if (VETO_RE.test(e.norm)) return fail('no_amount', `没有分值，看起来是否决项：请放入否决项清单（这里是${KIND_NAMES[kind]}）`);
    return fail('no_amount', '没有找到分值（例如“扣0.5分”“加1分”“加0.5—1分”）');
  }
  const wrong = all.find((c) => (kind === 'bonus') !== (c.verb === '加'));
  if (wrong) return fail('wrong_direction', kind === 'bonus' ? `“${wrong.verb}”是扣分，这里是加分项清单` : `“加”是加分，这里是${KIND_NAMES[kind]}清单`);
  const values = new Set(all.map((c) => `${c.value}~${c.max ?? ''}`));
  if (values.size > 1) {
    return fail(
      'several_amounts',
      `一行里有几个不同的分值（${all.map((c) => (c.max === undefined ? `${c.value}` : `${c.value}—${c.max}`)).join('、')}分）：请每个分值单列一项`,
    );
  }
  if (caps.length > 1 && new Set(caps.map((c) => c.value)).size > 1)
    return fail('several_amounts', `一行里有几个不同的上限（${caps.map((c) => c.value).join('、')}分）`);
  const first = all[0];
  if (first.max !== undefined) item.range = { min: first.value, max: first.max };
  else item.points = first.value;
  if (caps.length > 0) {
    const cap = caps[0].value;
    const least = item.points ?? item.range?.min ?? 0;
    if (cap < least) return fail('cap_below_amount', `上限 ${cap} 分小于一次的分值 ${least} 分`);
    item.cap = cap;
  }
  item.name = nameOf(text, [...caps, ...all]);
  return item;
}

/**
 * The item's name: its text without the amount and cap clauses (and the "每次" before them), tidied of the
 * punctuation they leave: "迟报、漏报信息的，每次扣0.2分，最多扣1分" → "迟报、漏报信息的".
 */
function nameOf(text: string, clauses: readonly Clause[]): string {
  const sorted = [...clauses].sort((a, b) => b.at - a.at);
  let s = text;
  for (const c of sorted) s = s.slice(0, c.at) + '\u0000' + s.slice(c.end);
  s = s
    .replace(/[，,；;、\s]*\u0000[，,；;。\s]*/g, '，')
    .replace(/^[，,；;。\s]+|[，,；;。\s]+$/g, '')
    .replace(/，+/g, '，');
  return s === '' ? text.replace(/[。；;\s]+$/, '') : s;
}
