import { DIRECT_MODE_NAMES, type DirectMode, type DirectParams, type DirectSubItem } from '../method-params.js';
import { capRange, clean, fmt2, fmtNum, NeumaierSum, roundHalfUp } from '../numeric.js';
import type { ExplanationInputs, MethodResult, SubExplanation, TaskFacts } from '../types.js';
import { descriptor, factCount, factNumber, finish, invalidFact, type MethodDescriptor, memoRule, n } from './common.js';

const METHOD = Object.fromEntries((Object.keys(DIRECT_MODE_NAMES) as DirectMode[]).map((m) => [m, descriptor('direct', m, DIRECT_MODE_NAMES[m])])) as Record<
  DirectMode,
  MethodDescriptor
>;
const rules = new WeakMap<DirectParams, string>();

function directRule(p: DirectParams): string {
  switch (p.mode) {
    case 'per_missed_item':
      return `完成任务得满分，少完成一项扣 ${fmtNum(p.deductionPerItem)} 分，扣完为止`;
    case 'per_occurrence':
      return `每次扣 ${fmtNum(p.deductionPerOccurrence)} 分，扣完为止`;
    case 'threshold_linear':
      return p.direction === 'higher'
        ? `达到 ${fmtNum(p.threshold)}% 及以上得满分，每下降一个百分点扣 ${fmtNum(p.deductionPerPoint)} 分，扣完为止`
        : `不高于 ${fmtNum(p.threshold)}% 得满分，每上升一个百分点扣 ${fmtNum(p.deductionPerPoint)} 分，扣完为止`;
    case 'sub_items':
      return '各分项完成得该项分值，合计不超过分值';
    case 'assessor':
      return '考核主体在 [0, 分值] 内评分';
  }
}

/**
 * 直接计分法: deduction per missed item or per occurrence (扣完为止), threshold-linear, additive sub-items,
 * or assessor-entered points; always within [0, points].
 */
export function scoreDirect(points: number, params: DirectParams, facts: TaskFacts): MethodResult {
  const method = METHOD[params.mode];
  const rule = memoRule(rules, params, directRule);
  switch (params.mode) {
    case 'per_missed_item': {
      let missed = factCount(facts, 'missedItems');
      const completed = factCount(facts, 'completedItems');
      if (missed === undefined && completed !== undefined && params.items !== undefined) {
        if (completed > params.items) throw invalidFact('completedItems', `${completed} completed items exceed the ${params.items} required`);
        missed = params.items - completed;
      }
      const inputs: ExplanationInputs = {
        points,
        items: params.items ?? null,
        completedItems: completed ?? null,
        missedItems: missed ?? null,
        deductionPerItem: params.deductionPerItem,
      };
      const m = missed ?? 0;
      return finish(
        method,
        points,
        points - m * params.deductionPerItem,
        inputs,
        rule,
        `${n(points)} − ${m} × ${n(params.deductionPerItem)}`,
        missed === undefined ? { missing: ['missedItems'], notes: ['尚未认定未完成项数，暂按 0 项计'] } : undefined,
      );
    }
    case 'per_occurrence': {
      const occurrences = factCount(facts, 'occurrences');
      const o = occurrences ?? 0;
      return finish(
        method,
        points,
        points - o * params.deductionPerOccurrence,
        { points, occurrences: occurrences ?? null, deductionPerOccurrence: params.deductionPerOccurrence },
        rule,
        `${n(points)} − ${o} × ${n(params.deductionPerOccurrence)}`,
        occurrences === undefined ? { missing: ['occurrences'], notes: ['尚未填报发生次数，暂按 0 次计'] } : undefined,
      );
    }
    case 'threshold_linear': {
      const actual = factNumber(facts, 'actual');
      const higher = params.direction === 'higher';
      const inputs: ExplanationInputs = { points, threshold: params.threshold, actual: actual ?? null, deductionPerPoint: params.deductionPerPoint };
      if (actual === undefined) return finish(method, points, 0, inputs, rule, '尚未填报完成值 → 0', { missing: ['actual'] });
      const gap = clean(higher ? params.threshold - actual : actual - params.threshold);
      let shortfall = Math.max(0, gap);
      let gapExpr = higher ? `max(0, ${n(params.threshold)} − ${n(actual)})` : `max(0, ${n(actual)} − ${n(params.threshold)})`;
      if (params.shortfallRounding === 'up') {
        shortfall = Math.ceil(shortfall);
        gapExpr = `⌈${gapExpr}⌉`;
      } else if (params.shortfallRounding === 'down') {
        shortfall = Math.floor(shortfall);
        gapExpr = `⌊${gapExpr}⌋`;
      }
      return finish(method, points, points - shortfall * params.deductionPerPoint, inputs, rule, `${n(points)} − ${gapExpr} × ${n(params.deductionPerPoint)}`);
    }
    case 'sub_items':
      return scoreSubItems(points, params.items, facts, method, rule);
    case 'assessor': {
      const given = factNumber(facts, 'assessorPoints');
      return finish(
        method,
        points,
        given ?? 0,
        { points, assessorPoints: given ?? null },
        rule,
        given === undefined ? '考核主体尚未评分 → 0' : n(given),
        given === undefined ? { missing: ['assessorPoints'] } : undefined,
      );
    }
  }
}

function scoreSubItems(points: number, items: readonly DirectSubItem[], facts: TaskFacts, method: MethodDescriptor, rule: string): MethodResult {
  const given = facts.subItems ?? undefined;
  const missing: string[] = [];
  const parts: SubExplanation[] = [];
  const total = new NeumaierSum();
  const exprs: string[] = [];
  for (const item of items) {
    const v = given?.[item.key];
    let score = 0;
    let formula: string;
    let capped: { from: number; to: number } | undefined;
    if (v === undefined || v === null) {
      missing.push(`subItems.${item.key}`);
      formula = '尚未认定 → 0';
    } else if (typeof v === 'boolean') {
      score = v ? item.points : 0;
      formula = v ? `完成 → ${fmtNum(item.points)}` : '未完成 → 0';
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      const c = capRange(v, 0, item.points);
      score = clean(c.value);
      formula = n(v);
      if (c.capped) {
        capped = { from: roundHalfUp(c.capped.from), to: roundHalfUp(c.capped.to) };
        formula += ` → ${fmt2(score)}`;
      }
    } else {
      throw invalidFact(`subItems.${item.key}`, 'must be true, false or a number of points');
    }
    total.add(score);
    exprs.push(fmt2(score));
    const part: SubExplanation = { key: item.key, name: item.name, points: item.points, inputs: { result: v ?? null }, formula, result: roundHalfUp(score) };
    if (capped) part.capped = capped;
    parts.push(part);
  }
  return finish(method, points, total.value, { points, items: items.length }, rule, exprs.join(' + '), { missing, parts });
}
