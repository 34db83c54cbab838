import type { Direction, RatioParams, RatioSubIndicator } from '../method-params.js';
import { capRange, clean, fmt2, fmtNum, fmtPercent, NeumaierSum, roundHalfUp } from '../numeric.js';
import type { ExplanationInputs, MethodResult, SubExplanation, TaskFacts } from '../types.js';
import { descriptor, factNumber, finish, invalidFact, memoRule, n } from './common.js';

const METHOD = descriptor('ratio');
const METHOD_SUBS = descriptor('ratio', 'sub_indicators', '分项完成比例');
const rules = new WeakMap<RatioParams, string>();

interface RatioOutcome {
  ratio: number;
  /** e.g. "min((11.6 + 0.5) ÷ 12.4, 1)" */
  expr: string;
  note?: string;
}

/** ratio = effective / target (higher) or target / effective (lower); optionally capped at 1. */
function ratioOf(direction: Direction, actual: number, adjustment: number | undefined, target: number, capRatio: boolean, field: string): RatioOutcome {
  const eff = adjustment === undefined ? actual : actual + adjustment;
  const effExpr = adjustment === undefined ? n(actual) : `(${n(actual)} + ${n(adjustment)})`;
  let ratio: number;
  let expr: string;
  let note: string | undefined;
  if (direction === 'higher') {
    if (!(target > 0)) throw invalidFact(field, `target must be > 0 for a completion ratio (got ${target})`);
    ratio = eff / target;
    expr = `${effExpr} ÷ ${n(target)}`;
  } else {
    if (target < 0) throw invalidFact(field, `target must be ≥ 0 (got ${target})`);
    if (eff <= 0) {
      ratio = 1;
      note = '越低越好的指标完成值 ≤ 0，视为完全达标（比例按 1 计）';
      expr = '1';
    } else {
      ratio = target / eff;
      expr = `${n(target)} ÷ ${effExpr}`;
    }
  }
  if (capRatio) {
    if (expr !== '1') expr = `min(${expr}, 1)`;
    if (ratio > 1) ratio = 1;
  }
  return note ? { ratio, expr, note } : { ratio, expr };
}

function ratioRule(p: RatioParams): string {
  const eff = p.policyAdjustment ? '(完成值 + 政策影响额)' : '完成值';
  let r = p.direction === 'lower' ? `目标值 ÷ ${eff}` : `${eff} ÷ 目标值`;
  if (p.capAt === 'ratio') r = `min(${r}, 1)`;
  let rule = `得分 = ${r} × 分值`;
  if (p.weightOfRatio !== 1) rule += ` × ${fmtPercent(p.weightOfRatio)}`;
  if (p.assessorPoints) rule += ' + 考核主体评分';
  return `${rule}，不超过分值`;
}

/**
 * 完成比例计分法: points × min(actual / target, 1) (lower is better: target / actual), with the variants
 * "× weightOfRatio + assessor points" and "(actual + policy adjustment) / target"; capped to [0, points].
 */
export function scoreRatio(points: number, params: RatioParams, facts: TaskFacts): MethodResult {
  if (params.subIndicators) return scoreRatioSubIndicators(points, params.subIndicators, params.capAt === 'ratio', facts);
  let missing: string[] | undefined;
  let notes: string[] | undefined;
  const actual = factNumber(facts, 'actual');
  const factTarget = factNumber(facts, 'target');
  const target = factTarget ?? params.target;
  const inputs: ExplanationInputs = { points, target: target ?? null, actual: actual ?? null };

  let adjustment: number | undefined;
  if (params.policyAdjustment) {
    adjustment = factNumber(facts, 'policyAdjustment');
    inputs.policyAdjustment = adjustment ?? null;
    if (adjustment === undefined) {
      (missing ??= []).push('policyAdjustment');
      (notes ??= []).push('未填报政策影响额，暂按 0 计');
      adjustment = 0;
    }
  }
  let assessor = 0;
  if (params.assessorPoints) {
    const given = factNumber(facts, 'assessorPoints');
    inputs.assessorPoints = given ?? null;
    if (given === undefined) {
      (missing ??= []).push('assessorPoints');
      (notes ??= []).push('考核主体尚未评分，暂按 0 计');
    } else {
      const max = params.assessorPointsMax ?? points;
      const c = capRange(given, 0, max);
      assessor = c.value;
      if (c.capped) (notes ??= []).push(`考核主体评分 ${fmtNum(given)} 超出 [0, ${fmtNum(max)}]，按 ${fmtNum(assessor)} 计`);
    }
  }
  if (params.weightOfRatio !== 1) inputs.weightOfRatio = params.weightOfRatio;

  let ratioExpr: string;
  let ratio = 0;
  if (target === undefined || actual === undefined) {
    missing ??= [];
    if (target === undefined) missing.push('target');
    if (actual === undefined) missing.push('actual');
    (notes ??= []).push(actual === undefined ? '尚未填报完成值，比例部分暂按 0 计' : '未设定目标值，比例部分暂按 0 计');
    ratioExpr = '0';
  } else {
    const r = ratioOf(
      params.direction,
      actual,
      params.policyAdjustment ? adjustment : undefined,
      target,
      params.capAt === 'ratio',
      factTarget !== undefined ? 'target' : 'params.target',
    );
    ratio = r.ratio;
    ratioExpr = r.expr;
    if (r.note) (notes ??= []).push(r.note);
  }
  let expr = `${ratioExpr} × ${n(points)}`;
  let raw = ratio * points;
  if (params.weightOfRatio !== 1) {
    expr += ` × ${fmtPercent(params.weightOfRatio)}`;
    raw *= params.weightOfRatio;
  }
  if (params.assessorPoints) {
    expr += ` + ${n(assessor)}`;
    raw += assessor;
  }
  return finish(METHOD, points, raw, inputs, memoRule(rules, params, ratioRule), expr, missing || notes ? { missing, notes } : undefined);
}

function scoreRatioSubIndicators(points: number, subs: readonly RatioSubIndicator[], capRatio: boolean, facts: TaskFacts): MethodResult {
  const missing: string[] = [];
  const parts: SubExplanation[] = [];
  const total = new NeumaierSum();
  const exprs: string[] = [];
  const values = facts.subValues ?? {};
  for (const sub of subs) {
    const v = values[sub.key];
    const actual = v?.actual ?? undefined;
    const target = v?.target ?? sub.target;
    if (actual !== undefined && !Number.isFinite(actual)) throw invalidFact(`subValues.${sub.key}.actual`, 'must be a finite number');
    if (target !== undefined && !Number.isFinite(target)) throw invalidFact(`subValues.${sub.key}.target`, 'must be a finite number');
    const subInputs: ExplanationInputs = { points: sub.points, target: target ?? null, actual: actual ?? null };
    let score = 0;
    let formula: string;
    let capped: { from: number; to: number } | undefined;
    if (actual === undefined || target === undefined) {
      if (actual === undefined) missing.push(`subValues.${sub.key}.actual`);
      if (target === undefined) missing.push(`subValues.${sub.key}.target`);
      formula = '尚未填报 → 0';
    } else {
      const r = ratioOf(sub.direction, actual, undefined, target, capRatio, `subValues.${sub.key}.target`);
      const raw = clean(r.ratio * sub.points);
      const c = capRange(raw, 0, sub.points);
      score = clean(c.value);
      formula = `${r.expr} × ${n(sub.points)} = ${fmt2(raw)}`;
      if (c.capped) {
        capped = { from: roundHalfUp(c.capped.from), to: roundHalfUp(c.capped.to) };
        formula += ` → ${fmt2(score)}`;
      }
    }
    total.add(score);
    exprs.push(fmt2(score));
    const part: SubExplanation = { key: sub.key, name: sub.name, points: sub.points, inputs: subInputs, formula, result: roundHalfUp(score) };
    if (capped) part.capped = capped;
    parts.push(part);
  }
  return finish(
    METHOD_SUBS,
    points,
    total.value,
    { points, subIndicators: subs.length },
    `得分 = Σ 各分项 ${capRatio ? 'min(完成值 ÷ 目标值, 1)' : '完成值 ÷ 目标值'} × 分项分值（各分项不超过其分值），合计不超过分值`,
    exprs.join(' + '),
    { missing, parts },
  );
}
