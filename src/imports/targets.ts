/**
 * Targets: quantities (number + unit of measure), targets for several places packed in one cell, and
 * the direction of a target.
 */
import type { UnitTarget } from './model.js';
import { findDeadlinePhrases } from './deadlines.js';
import { asciiDigits, oneLine } from './text.js';

/** Units of measure recognised after a number (longest first when matching). */
export const MEASURE_UNITS = [
  '万人次',
  '人次',
  '万美元',
  '亿美元',
  '美元',
  '亿元',
  '万元',
  '千元',
  '元',
  '亿斤',
  '万斤',
  '公斤',
  '斤',
  '万吨',
  '吨',
  '万亩',
  '亩',
  '平方公里',
  '平方米',
  '万平方米',
  '公里',
  '千米',
  '米',
  '万人',
  '人',
  '个百分点',
  '%',
  '％',
  '‰',
  '个',
  '家',
  '户',
  '项',
  '件',
  '场',
  '批次',
  '次',
  '条',
  '所',
  '座',
  '栋',
  '辆',
  '台',
  '套',
  '张',
  '份',
  '名',
  '天',
  '处',
  '块',
  '宗',
  '篇',
  '期',
  '类',
  '本',
  '册',
  '只',
  '头',
  '株',
  '万株',
  '棵',
  '公顷',
].sort((a, b) => b.length - a.length);

const UNIT_RE = MEASURE_UNITS.map((u) => u.replace(/[%％‰]/g, (c) => `\\${c}`)).join('|');
const QUANTITY_RE = new RegExp(`(?<![\\d.])(\\d+(?:\\.\\d+)?)\\s*(${UNIT_RE})?`, 'g');

export interface Quantity {
  value: number;
  unit: string | null;
  index: number;
  text: string;
}

/**
 * Every quantity in a text, ignoring numbers that belong to a deadline phrase ("6月底前"), list markers
 * ("（1）", "1.", "1、"), ordinals ("第14届") and years written with 年.
 */
const NOT_QUANTITIES = /[（(]\d+[)）]|[\u2460-\u2473]|(?:^|(?<=[\s。；;，,]))\d+[.、．](?!\d)|第\d+|\d{4}\s*年度?|\d+\s*-\s*\d+\s*月份?/g;
const qCache = new Map<string, readonly Quantity[]>();

export function findQuantities(raw: string, year = 2000): readonly Quantity[] {
  if (!/[\d\uff10-\uff19]/.test(raw)) return [];
  const key = `${year}|${raw}`;
  const cached = qCache.get(key);
  if (cached) return cached;
  const out = findQuantitiesUncached(raw, year);
  if (qCache.size >= 20_000) qCache.clear();
  qCache.set(key, out);
  return out;
}

function findQuantitiesUncached(raw: string, year: number): Quantity[] {
  const text = asciiDigits(raw).replace(/％/g, '%');
  // blank out (same length, so indexes stay) what is not a quantity
  let s = text.replace(NOT_QUANTITIES, (m) => ' '.repeat(m.length));
  for (const h of findDeadlinePhrases(text, year)) {
    s = s.slice(0, h.index) + ' '.repeat(h.length) + s.slice(h.index + h.length);
  }
  const out: Quantity[] = [];
  QUANTITY_RE.lastIndex = 0;
  for (let m = QUANTITY_RE.exec(s); m; m = QUANTITY_RE.exec(s)) {
    out.push({ value: Number(m[1]), unit: m[2] ? m[2].replace('％', '%') : null, index: m.index, text: m[0].trim() });
  }
  return out;
}

/** Rule: a text names a single quantity → that value and unit; none or several → null. */
export function singleQuantity(text: string, year?: number): { value: number; unit: string | null } | null {
  const q = findQuantities(text, year);
  return q.length === 1 ? { value: q[0]!.value, unit: q[0]!.unit } : null;
}

/**
 * Rule (an indicator's target from its text): a short text (≤ 40 characters) naming a single quantity
 * WITH a unit of measure ("城镇登记失业率3%以内", "23 个考核断面全面达标"); a longer text or a bare number
 * is not read as a target (a number deep in a paragraph is rarely the target).
 */
export function targetQuantity(text: string, year?: number): { value: number; unit: string } | null {
  if (text.replace(/\s+/g, '').length > 40) return null;
  const q = singleQuantity(text, year);
  return q && q.unit ? { value: q.value, unit: q.unit } : null;
}

/**
 * Rule (direction): lower is better when the target says so — "以内", "以下", "不超过", "不高于",
 * "控制在", "低于" (but not "不低于"), "≤", "压减/降低到"; otherwise higher is better. A "下降 5%" target is
 * a reduction to achieve, so its number is higher-is-better.
 */
export function targetDirection(text: string): 'higher' | 'lower' {
  const t = text.replace(/\s+/g, '');
  if (/不低于|以上|不少于|≥/.test(t)) return 'higher';
  if (/以内|以下|不超过|不高于|控制在|(?<!不)低于|≤|降低到|降至|压减到|压降至/.test(t)) return 'lower';
  return 'higher';
}

const PLACE_RE = /^(?:[\u4e00-\u9fa5]{2,8}?(?:自治县|新区|经济区|开发区|高新区|县|区|镇|乡|街道办事处|街道))/;
const LEAD_IN = /^(?:全年|其中|其中：|其中:|全市|年度|上半年|下半年|截至\S{0,6}?，)?/;

function stripLeadIn(seg: string): string {
  return seg
    .replace(/^[\s（(]*(?:\d+[.、．]|[（(]\d+[)）]|[\u2460-\u2473])\s*/, '')
    .replace(/^[（(]?(?:全年|其中[：:]?|包括|上半年|下半年)/, '')
    .trim();
}

/**
 * Rule (packed targets): a cell like "盘山县完成 12.4 亿元；双台子区完成 3.7 亿元" is split at ；;。，,、
 * and newlines; a piece whose text starts (after a list marker or 全年 / 其中) with a place or unit name
 * (ending in 县/区/镇/乡/街道…, or one of `extraNames`) opens that name's target; the pieces that follow
 * without a name belong to it. The target's value and unit are the piece's first quantity. The cell
 * counts as packed only when at least two distinct names carry a quantity; otherwise {} is returned.
 * Names are the cell's own spelling, cleaned.
 */
const PLACE_SUFFIX = /县|区|镇|乡|街道/g;

export function splitPackedTargets(raw: string, extraNames: string[] = [], year?: number): Record<string, UnitTarget> {
  // quick reject: a packed cell names at least two places (or given names) and holds at least two numbers
  const places = (raw.match(PLACE_SUFFIX)?.length ?? 0) + extraNames.filter((n) => raw.includes(n)).length;
  if (places < 2 || (raw.match(/\d+/g)?.length ?? 0) < 2) return {};
  const text = oneLine(raw);
  const pieces = text
    .replace(/[（(](?:其中|包括)[：:]?/g, '；')
    .split(/[；;。，,、\n]/)
    .map((s) => s.trim().replace(/[)）]+$/, ''))
    .filter((s) => s !== '');
  const names = [...extraNames].sort((a, b) => b.length - a.length);
  const out: Record<string, { texts: string[]; q: Quantity | null }> = {};
  let current: string | null = null;
  for (const piece of pieces) {
    const body = stripLeadIn(piece).replace(LEAD_IN, '');
    const firstQ = findQuantities(body, year)[0]?.index ?? body.length;
    // A given name (known unit, the plan's subject) found before the first number wins over the pattern.
    const known = names.find((n) => {
      const at = body.indexOf(n);
      return at >= 0 && at < firstQ;
    });
    const name = known ?? body.match(PLACE_RE)?.[0] ?? null;
    if (name && !out[name]) {
      current = name;
      const rest = body.slice(body.indexOf(name) + name.length);
      const q = findQuantities(rest, year)[0] ?? null;
      out[name] = { texts: [body], q };
      continue;
    }
    if (current) {
      out[current]!.texts.push(piece);
      if (!out[current]!.q) out[current]!.q = findQuantities(piece, year)[0] ?? null;
    }
  }
  const withValue = Object.values(out).filter((v) => v.q !== null).length;
  if (withValue < 2) return {};
  const result: Record<string, UnitTarget> = {};
  for (const [name, v] of Object.entries(out)) {
    result[name] = { value: v.q?.value ?? null, unit: v.q?.unit ?? null, text: v.texts.join('，') };
  }
  return result;
}
