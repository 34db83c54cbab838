/**
 * Reading an assessment document's own wording: which way a target points, and where its formula caps.
 * Pure string functions for the importer and the set-up pages; the result is a suggestion with the words
 * it rests on (`cue`), which a person may overrule per indicator (`direction` / `capAt` in the method's
 * parameters).
 */
import type { Direction } from './method-params.js';

export interface DirectionReading {
  /** 'lower': a smaller value is better (target ÷ actual); 'higher': a bigger one is. */
  direction: Direction;
  /** The words that decided, e.g. "≦" or "控制在…以内"; null when nothing in the text says (then 'higher'). */
  cue: string | null;
  /** True when the text says it; false for the default. */
  explicit: boolean;
  /** Both kinds of cue occur (e.g. "增长6%以上，能耗控制在…以内"): the first one decided; a person should look. */
  conflict: boolean;
}

interface Cue {
  re: RegExp;
  direction: Direction;
  /** Comparators (≤, 不超过, 以内, 以上…) outrank verbs (增长, 达到, 降至…) wherever they stand. */
  strong: boolean;
}

// Negated forms are listed first: at one place the first pattern wins, so "不低于" is not read as "低于"
// and "不超过" not as "超过".
const CUES: readonly Cue[] = [
  { re: /不(?:低|少|小)于/g, direction: 'higher', strong: true },
  { re: /不(?:高|大|多)于|不超过|不超出|不突破/g, direction: 'lower', strong: true },
  { re: /控制在[^，。；;,]*?(?:以内|之内|以下|范围内)/g, direction: 'lower', strong: true },
  { re: /<=|[≦≤⩽＜<]/g, direction: 'lower', strong: true },
  { re: />=|[≧≥⩾＞>]/g, direction: 'higher', strong: true },
  { re: /及以下|以内|之内|以下|低于|少于|小于|控制在/g, direction: 'lower', strong: true },
  { re: /及以上|以上|高于|多于|大于|超过/g, direction: 'higher', strong: true },
  { re: /下降到|下降至|降至|降低到|降低至|压减到|压减至|减少到|减少至/g, direction: 'lower', strong: false },
  { re: /达到|突破|增长|提高到|提高至|提升到|提升至|增加到|增加至/g, direction: 'higher', strong: false },
];

/**
 * Which way a target points, from its wording: ≦, ≤, <, 不超过, 不高于, 不大于, 控制在…以内, 以内, 以下,
 * 低于, 少于 (and, weaker, 降至 / 下降到) → lower is better; ≥, >, 不低于, 不少于, 以上, 高于, 超过 (and,
 * weaker, 达到 / 增长 / 提高到) → higher is better; nothing → higher (the default, `explicit: false`).
 * The earliest comparator decides; a verb decides only when there is no comparator ("能耗增长控制在2%以内"
 * → lower). "下降3%" alone is no cue: a reduction rate is better when higher.
 *
 *     directionFromText('城镇登记失业率≦3%') → { direction: 'lower', cue: '≦', explicit: true, conflict: false }
 */
export function directionFromText(text: string | null | undefined): DirectionReading {
  const t = text ?? '';
  const found: { at: number; end: number; cue: Cue; word: string }[] = [];
  for (const cue of CUES) {
    cue.re.lastIndex = 0;
    for (let m = cue.re.exec(t); m; m = cue.re.exec(t)) {
      const at = m.index;
      const end = at + m[0].length;
      // words already read by an earlier (more specific) pattern are not read again
      if (found.some((f) => at < f.end && end > f.at)) continue;
      found.push({ at, end, cue, word: m[0] });
    }
  }
  if (found.length === 0) return { direction: 'higher', cue: null, explicit: false, conflict: false };
  const strong = found.filter((f) => f.cue.strong);
  const pool = strong.length > 0 ? strong : found;
  const best = pool.reduce((a, b) => (b.at < a.at ? b : a));
  const conflict = new Set(pool.map((f) => f.cue.direction)).size > 1;
  const word = best.word.startsWith('控制在') && best.word.length > 3 ? best.word.replace(/^控制在.*?(以内|之内|以下|范围内)$/, '控制在…$1') : best.word;
  return { direction: best.cue.direction, cue: word, explicit: true, conflict };
}

export interface CapReading {
  capAt: 'ratio' | 'total';
  cue: string | null;
  explicit: boolean;
}

/**
 * Where a completion-ratio formula is capped, from its wording: "不超过分值", "最高不超过该项分值", "以分值为
 * 上限", "最高得满分" after the whole formula → the total ('total'); "完成率最高按100%计", "超额完成不加分",
 * "比例最高为1" → the ratio ('ratio'); nothing → 'ratio' (the default, `explicit: false`).
 */
export function capAtFromText(text: string | null | undefined): CapReading {
  const t = (text ?? '').replace(/\s+/g, '');
  const ratio = /(?:完成率|完成比例|比例|比值)[^，。；]*?最高(?:按|为)?(?:100%|1|百分之百)|超额完成(?:部分)?不(?:加|得)分/.exec(t);
  if (ratio) return { capAt: 'ratio', cue: ratio[0], explicit: true };
  const total = /(?:最高)?不(?:超过|高于|得超过)(?:该项|本项|该指标)?(?:分值|满分)|以(?:该项)?分值为上限|最高得满分|最多得满分|得分上限为分值/.exec(t);
  if (total) return { capAt: 'total', cue: total[0], explicit: true };
  return { capAt: 'ratio', cue: null, explicit: false };
}
