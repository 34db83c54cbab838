/**
 * Scoring-method names → method codes (docs/scoring.md), tolerant of the typos found in real tables.
 *
 * Rules, applied to the name with all whitespace removed ("绝对否 决计分 法" → "绝对否决计分法"):
 * - `efficacy`: contains 功效系数;
 * - `node_deduction`: contains 直接扣分 (each red-lighted node deducts);
 * - `node_platform`: contains 节点 and 平台 or 节点计分 / 节点数 (the departments' platform score);
 * - `ratio`: contains 比例 (完成比例计分法, 完成比例法, 按比例法计算 …);
 * - `all_or_nothing`: contains 否决 / 否诀 (typo) or starts with 绝对否 (绝对否决计分法, 绝对否诀计分法,
 *   绝对否决议分法, 绝对否计分法, 否决计分法);
 * - `direct`: contains 直接计分 / 直接记分 / 直接评分 / 直接打分.
 * A name that matches is "canonical" when it is one of the usual spellings (CANONICAL_SPELLINGS);
 * otherwise the match is a repair and the caller reports it. Nothing matched → null (reported).
 *
 * When the method cell is empty, `inferMethodFromCriteria` reads the scoring rule instead
 * ("完成得满分，未完成按比例法计算" → ratio; "完成得满分，否则不得分" → all_or_nothing).
 */
import { METHOD_NAMES, validateMethodParams, type MethodCode } from '../scoring/method-params.js';
import { asciiDigits } from './text.js';

/** The canonical Chinese name of each method code (the scoring module's list). */
export const CANONICAL_METHOD_NAMES: Readonly<Record<MethodCode, string>> = METHOD_NAMES;

/** Spellings accepted without a note. */
export const CANONICAL_SPELLINGS: Record<string, MethodCode> = {
  完成比例计分法: 'ratio',
  完成比例法: 'ratio',
  比例计分法: 'ratio',
  绝对否决计分法: 'all_or_nothing',
  绝对否决法: 'all_or_nothing',
  直接计分法: 'direct',
  直接记分法: 'direct',
  直接评分法: 'direct',
  节点平台计分法: 'node_platform',
  平台节点计分法: 'node_platform',
  直接扣分法: 'node_deduction',
  功效系数法: 'efficacy',
  功效系数计分法: 'efficacy',
};

export interface MethodMatch {
  code: MethodCode | null;
  /** The name with whitespace removed. */
  name: string;
  /** True when the name is a usual spelling (no repair to report). */
  canonical: boolean;
  /** Which rule matched. */
  rule: string | null;
}

export function normaliseMethodName(raw: string): MethodMatch {
  const name = raw.replace(/[\s\u3000]+/g, '');
  if (name === '') return { code: null, name, canonical: false, rule: null };
  const exact = CANONICAL_SPELLINGS[name];
  if (exact) return { code: exact, name, canonical: true, rule: 'spelling' };
  const rules: Array<[RegExp, MethodCode, string]> = [
    [/功效系数/, 'efficacy', '功效系数'],
    [/直接扣分/, 'node_deduction', '直接扣分'],
    [/节点.*平台|平台.*节点|节点计分|节点数/, 'node_platform', '节点平台'],
    [/比例/, 'ratio', '比例'],
    [/否[决诀抉]|^绝对否/, 'all_or_nothing', '否决'],
    [/直接[计记评打]分/, 'direct', '直接计分'],
  ];
  for (const [re, code, rule] of rules) if (re.test(name)) return { code, name, canonical: false, rule };
  return { code: null, name, canonical: false, rule: null };
}

/** Rules for a scoring-rule text when no method name is given; null if none applies. */
export function inferMethodFromCriteria(text: string): MethodCode | null {
  const t = text.replace(/\s+/g, '');
  if (t === '') return null;
  const named = normaliseMethodName(t.match(/[\u4e00-\u9fa5]{2,8}法/)?.[0] ?? '');
  if (named.code) return named.code;
  if (/功效系数/.test(t)) return 'efficacy';
  if (/比例|完成值\/目标值|完成值÷目标值/.test(t)) return 'ratio';
  if (/否则不得分|未完成不得分|否则得0分/.test(t)) return 'all_or_nothing';
  if (/扣\d+(\.\d+)?分|扣完为止/.test(t)) return 'direct';
  return null;
}

/**
 * Parameters read from the scoring-rule text, shaped for the scoring module (scoring/method-params.ts,
 * `validateMethodParams`): only what the text states; the scoring module fills its own defaults.
 * - ratio: "目标值 / 完成值" → direction 'lower'; "* 分值 * 90%" → weightOfRatio 0.9; "+ 考核主体评分" →
 *   assessorPoints; "完成值 + …政策影响…" → policyAdjustment; the indicator's target (when > 0) → target;
 * - direct: "达到80%及以上得满分，每下降一个百分点扣1分" → mode threshold_linear; "每次扣0.5分" → mode
 *   per_occurrence; "少完成一项扣2.5分" / "每项扣2分" / "未完成1个扣1分" → mode per_missed_item; any other
 *   rule (sub-items, prose) → mode assessor (points entered by the assessing body), noted as an assumption;
 * - node_deduction: "每个红灯扣N分" → deductionPerRedNode; "扣完为止" → floorAtZero;
 * - efficacy: "满意值 X" / "不允许值 Y" → satisfactory / floor (bounds 'given'), with the direction;
 * - all_or_nothing, node_platform: no parameters.
 */
export function readMethodParams(
  code: MethodCode | null,
  criteria: string,
  ctx: { direction?: 'higher' | 'lower'; target?: number | null } = {},
): { params: Record<string, unknown>; assumption: string | null } {
  const t = asciiDigits(criteria.replace(/\s+/g, ''));
  const num = (re: RegExp) => {
    const m = t.match(re);
    return m ? Number(m[1]) : undefined;
  };
  const p: Record<string, unknown> = {};
  switch (code) {
    case 'ratio': {
      const lower = /目标值\/完成值/.test(t) || ctx.direction === 'lower';
      if (lower) p['direction'] = 'lower';
      if (ctx.target !== undefined && ctx.target !== null && ctx.target > 0) p['target'] = ctx.target;
      const f = num(/分值[*×x](\d+(?:\.\d+)?)%/);
      if (f !== undefined && f > 0 && f <= 100) p['weightOfRatio'] = f / 100;
      if (/\+考核主体(评分|打分|赋分)/.test(t)) p['assessorPoints'] = true;
      if (/完成值\+[^/]*政策/.test(t)) p['policyAdjustment'] = true;
      return { params: p, assumption: null };
    }
    case 'direct': {
      const th = t.match(/达到(\d+(?:\.\d+)?)%(?:及)?以上得满分[，,;；]?每(?:下降|降低|低于)(?:一|1)个?百分点扣(\d+(?:\.\d+)?)分/);
      if (th) return { params: { mode: 'threshold_linear', threshold: Number(th[1]), deductionPerPoint: Number(th[2]) }, assumption: null };
      const occ = num(/每(?:次|起|例|(?:发现|出现|发生)(?:一|1)?(?:次|起|例|处|个))[^，。；,;]*?扣(\d+(?:\.\d+)?)分/);
      if (occ !== undefined) return { params: { mode: 'per_occurrence', deductionPerOccurrence: occ }, assumption: null };
      const item = num(/(?:少完成|未完成|每少|每缺)(?:一|1)?\s*(?:项|个|件|处)[^，。；,;]*?扣(\d+(?:\.\d+)?)分/) ?? num(/每(?:项|个|件|处)扣(\d+(?:\.\d+)?)分/);
      if (item !== undefined) return { params: { mode: 'per_missed_item', deductionPerItem: item }, assumption: null };
      return { params: { mode: 'assessor' }, assumption: 'the scoring rule is not a deduction formula: points entered by the assessing body (mode assessor)' };
    }
    case 'node_deduction': {
      const d = num(/每(?:个|出现一个|亮一个|一个)?红灯扣(\d+(?:\.\d+)?)分/);
      if (d !== undefined) p['deductionPerRedNode'] = d;
      if (/扣完为止/.test(t)) p['floorAtZero'] = true;
      return { params: p, assumption: null };
    }
    case 'efficacy': {
      const sat = num(/满意值[为是:：]?(-?\d+(?:\.\d+)?)/);
      const floor = num(/不允许值[为是:：]?(-?\d+(?:\.\d+)?)/);
      if (ctx.direction === 'lower') p['direction'] = 'lower';
      if (sat !== undefined) p['satisfactory'] = sat;
      if (floor !== undefined) p['floor'] = floor;
      return { params: p, assumption: null };
    }
    default:
      return { params: p, assumption: null };
  }
}

/** Check parameters with the scoring module; the messages of what is missing or wrong, [] when valid. */
export function methodParamsProblems(code: MethodCode, params: Record<string, unknown>, points: number | null): string[] {
  const v = validateMethodParams(code, params, points !== null ? { points } : {});
  return v.ok ? [] : v.errors.map((e) => e.message);
}
