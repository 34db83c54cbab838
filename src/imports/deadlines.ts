/**
 * Deadline phrases → local dates 'YYYY-MM-DD' in the plan's year. The deadline itself is the END of that
 * day in the plan's timezone; the database half applies it (see model.ts `ImportNode.dueDate`).
 *
 * Rules (DEADLINE_RULES, each with a name reported as `dueRule`); a phrase may be followed by 前
 * ("before"), which does not change the date:
 * - `ymd`              "2020-6-30", "2020/6/30", "2020.6.30", "2020年6月30日" → that date (its own year);
 * - `year-month-end`   "2020年6月底" → the month's last day (its own year);
 * - `year-end-of`      "2023年底", "2023年末" → that year's 12-31;
 * - `month-day`        "6月30日", "6 月 30 日前", "6月30号" → that day of the plan's year;
 * - `month-end`        "3月底前", "6月末", "截至 6 月底" → the month's last day;
 * - `month-early`      "4月初", "4月上旬" → the 10th;
 * - `month-mid`        "2月中旬" → the 20th;
 * - `month-late`       "2月下旬" → the month's last day;
 * - `year-end`         "年底", "年末", "年终", "年内" → 12-31;
 * - `half-year`        "上半年" → 06-30, "下半年" → 12-31;
 * - `quarter`          "一季度", "第二季度末" → that quarter's last day;
 * - `every-quarter`    "每季度", "按季度" → four nodes: 03-31, 06-30, 09-30, 12-31;
 * - `every-month-day`  "每月15日前" → twelve nodes, the 15th of every month (clamped to the month's end);
 * - `every-month`      "每月", "按月", "逐月" → twelve nodes, every month's last day;
 * - `every-half-year`  "每半年" → two nodes: 06-30, 12-31.
 * Matches never overlap: the earliest wins, then the longest.
 *
 * `deadlinesOf(text)`: if the text's leading clause (up to the first "，", "：", "；" or "。") holds one
 * or more phrases, all of them count ("4月初、7月初、10月初，确定…" → three dates); otherwise the first
 * phrase anywhere in the text ("…争取2023年底前将上市材料上报" → 2023-12-31). No phrase → null.
 */
import { asciiDigits } from './text.js';

export interface DeadlineHit {
  rule: string;
  /** Resolved dates (several for recurring phrases); empty when the phrase names an impossible date. */
  dates: string[];
  /** A year written in the phrase itself, if any. */
  explicitYear: number | null;
  index: number;
  length: number;
  text: string;
}

/** Days in a month of the proleptic Gregorian calendar (0 for an impossible month). */
export function daysInMonth(year: number, month: number): number {
  if (!Number.isInteger(month) || month < 1 || month > 12) return 0;
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const p2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** 'YYYY-MM-DD', or null for an impossible date ("2月30日"). */
export function iso(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1000 || year > 9999 || !Number.isInteger(day) || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  return `${year}-${p2(month)}-${p2(day)}`;
}

function monthEnd(year: number, month: number): string | null {
  return iso(year, month, daysInMonth(year, month));
}

const QUARTER: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

type Resolver = (m: RegExpExecArray, year: number) => { dates: Array<string | null>; explicitYear?: number };

const num = (s: string | undefined) => Number(s);

export const DEADLINE_RULES: Array<{ rule: string; re: RegExp; resolve: Resolver }> = [
  {
    rule: 'ymd',
    re: /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*[日号]?/g,
    resolve: (m) => ({ dates: [iso(num(m[1]), num(m[2]), num(m[3]))], explicitYear: num(m[1]) }),
  },
  {
    rule: 'year-month-end',
    re: /(\d{4})\s*年\s*(\d{1,2})\s*月\s*份?\s*[底末]/g,
    resolve: (m) => ({ dates: [monthEnd(num(m[1]), num(m[2]))], explicitYear: num(m[1]) }),
  },
  {
    rule: 'year-end-of',
    re: /(\d{4})\s*年\s*(?:年)?[底末终]/g,
    resolve: (m) => ({ dates: [iso(num(m[1]), 12, 31)], explicitYear: num(m[1]) }),
  },
  {
    rule: 'month-day',
    re: /(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/g,
    resolve: (m, y) => ({ dates: [iso(y, num(m[1]), num(m[2]))] }),
  },
  {
    rule: 'month-end',
    re: /(?<!\d)(\d{1,2})\s*月\s*份?\s*[底末]/g,
    resolve: (m, y) => ({ dates: [monthEnd(y, num(m[1]))] }),
  },
  {
    rule: 'month-early',
    re: /(?<!\d)(\d{1,2})\s*月\s*(?:初|上旬)/g,
    resolve: (m, y) => ({ dates: [iso(y, num(m[1]), 10)] }),
  },
  {
    rule: 'month-mid',
    re: /(?<!\d)(\d{1,2})\s*月\s*中旬/g,
    resolve: (m, y) => ({ dates: [iso(y, num(m[1]), 20)] }),
  },
  {
    rule: 'month-late',
    re: /(?<!\d)(\d{1,2})\s*月\s*下旬/g,
    resolve: (m, y) => ({ dates: [monthEnd(y, num(m[1]))] }),
  },
  { rule: 'year-end', re: /年底|年末|年终|年内/g, resolve: (_m, y) => ({ dates: [iso(y, 12, 31)] }) },
  {
    rule: 'half-year',
    re: /([上下])半年/g,
    resolve: (m, y) => ({ dates: [m[1] === '上' ? iso(y, 6, 30) : iso(y, 12, 31)] }),
  },
  {
    rule: 'quarter',
    re: /(?<![每按上下本])第?([一二三四1-4])\s*季度[末底]?/g,
    resolve: (m, y) => ({ dates: [monthEnd(y, QUARTER[m[1]!]! * 3)] }),
  },
  {
    rule: 'every-quarter',
    re: /每个?季度?|按季度?|逐季度?/g,
    resolve: (_m, y) => ({ dates: [3, 6, 9, 12].map((mo) => monthEnd(y, mo)) }),
  },
  {
    rule: 'every-month-day',
    re: /每个?月\s*(\d{1,2})\s*[日号]/g,
    resolve: (m, y) => ({
      dates: Array.from({ length: 12 }, (_, i) => {
        const end = monthEnd(y, i + 1)!;
        const day = Math.min(num(m[1]), Number(end.slice(8)));
        return day >= 1 ? iso(y, i + 1, day) : null;
      }),
    }),
  },
  {
    rule: 'every-month',
    re: /每个?月|按月|逐月/g,
    resolve: (_m, y) => ({ dates: Array.from({ length: 12 }, (_, i) => monthEnd(y, i + 1)) }),
  },
  {
    rule: 'every-half-year',
    re: /每半年/g,
    resolve: (_m, y) => ({ dates: [iso(y, 6, 30), iso(y, 12, 31)] }),
  },
];

const cache = new Map<string, readonly DeadlineHit[]>();
const CACHE_LIMIT = 20_000;
/** Cheap pre-check: every rule needs one of these characters. */
const MAY_HOLD_DEADLINE = /[\d\uff10-\uff19年月季]/;

/** Every deadline phrase in the text, in order, without overlaps (memoised: tables repeat their dates). */
export function findDeadlinePhrases(raw: string, year: number): readonly DeadlineHit[] {
  if (!MAY_HOLD_DEADLINE.test(raw)) return [];
  const key = `${year}|${raw}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out = findUncached(raw, year);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, out);
  return out;
}

function findUncached(raw: string, year: number): DeadlineHit[] {
  const text = asciiDigits(raw);
  const hits: DeadlineHit[] = [];
  for (const { rule, re, resolve } of DEADLINE_RULES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const r = resolve(m, year);
      const bad = r.dates.some((d) => d === null);
      hits.push({
        rule,
        dates: bad ? [] : (r.dates as string[]),
        explicitYear: r.explicitYear ?? null,
        index: m.index,
        length: m[0].length,
        text: m[0],
      });
    }
  }
  hits.sort((a, b) => a.index - b.index || b.length - a.length);
  const out: DeadlineHit[] = [];
  let end = -1;
  for (const h of hits) {
    if (h.index < end) continue;
    out.push(h);
    end = h.index + h.length;
  }
  return out;
}

export interface Deadlines {
  dates: string[];
  hits: readonly DeadlineHit[];
}

/** The deadline(s) a text states, by the leading-clause rule above; null if it states none. */
const dCache = new Map<string, Deadlines | null>();

export function deadlinesOf(text: string, year: number): Deadlines | null {
  if (!MAY_HOLD_DEADLINE.test(text)) return null;
  const key = `${year}|${text}`;
  if (dCache.has(key)) {
    const d = dCache.get(key)!;
    return d && { dates: [...d.dates], hits: d.hits };
  }
  const d = deadlinesUncached(text, year);
  if (dCache.size >= CACHE_LIMIT) dCache.clear();
  dCache.set(key, d);
  return d && { dates: [...d.dates], hits: d.hits };
}

function deadlinesUncached(text: string, year: number): Deadlines | null {
  const hits = findDeadlinePhrases(text, year);
  if (hits.length === 0) return null;
  const clauseEnd = text.search(/[，,：:；;。]/);
  const leading = clauseEnd < 0 ? hits : hits.filter((h) => h.index < clauseEnd);
  const chosen = leading.length > 0 ? leading : [hits[0]!];
  const dates = [...new Set(chosen.flatMap((h) => h.dates))].sort();
  return { dates, hits: chosen };
}

/**
 * A date cell: true when the text is nothing but a deadline phrase (plus 前 / 之前 / 以前 and
 * punctuation), e.g. "2020-6-30", "6月30日前", "12月31日"; false for node text standing in the column.
 */
export function isPureDatePhrase(text: string, year: number): boolean {
  const t = text.trim();
  if (t === '') return false;
  const hits = findDeadlinePhrases(t, year);
  if (hits.length === 0) return false;
  const rest = asciiDigits(t)
    .split('')
    .map((ch, i) => (hits.some((h) => i >= h.index && i < h.index + h.length) ? '' : ch))
    .join('');
  return /^[\s前之以完成止、，,；;。.]*$/.test(rest);
}

/** Format check for option values ('YYYY-MM-DD', a real date). */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && iso(Number(m[1]), Number(m[2]), Number(m[3])) === text;
}
