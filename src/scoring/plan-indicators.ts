/**
 * Stage 2 of computePlanScores: every task's indicator score. A task is scored from its own facts by its
 * indicator's method; a co task (协办) then takes its own or its lead's score × share; a constraint
 * indicator (约束性指标) turns the score into a deduction. Each task's result depends only on its own facts,
 * its lead's result and its group's efficacy bounds, so `simulate` can hand over the results of tasks
 * whose inputs did not change (`previous` + `dirty`).
 */
import { factSources } from './facts.js';
import { METHOD_NAMES } from './method-params.js';
import { scoreIndicator } from './methods/index.js';
import { clean, fmt2, fmtNum, fmtPercent, roundHalfUp } from './numeric.js';
import type { GroupState, Prepared } from './plan-prepare.js';
import type { IndicatorScore, PlanScoringInput, ScoringIssue } from './plan-types.js';
import { ScoringError } from './scoring.error.js';
import type { Explanation, MethodContext, TaskFacts } from './types.js';

const NO_CONTEXT: MethodContext = Object.freeze({});
const NO_FACTS: TaskFacts = Object.freeze({});

export interface TaskStage {
  /** Per task (input order). */
  scores: IndicatorScore[];
  /** Per task: problems scoring it (bad facts, no lead). */
  issues: (ScoringIssue | undefined)[];
  /** Efficacy bounds per (group × indicators + indicator), for the indicators that use them. */
  bounds: Map<number, { worst: number; best: number; units: number }>;
}

/** An untagged indicators part counts every indicator; tagged parts count their tag. */
export function isCounted(grp: GroupState, tag: string | undefined): boolean {
  return grp.untaggedLeaf || (tag !== undefined && grp.tags.has(tag));
}

/**
 * Scores every task. With `previous` (the stage of an input with the same structure) and `dirty` (1 for
 * each task whose facts or group rules changed), clean tasks keep their earlier result; tasks whose
 * efficacy bounds or lead changed are redone as well.
 */
export function scoreTasks(prep: Prepared, input: PlanScoringInput, previous?: TaskStage, dirty?: Uint8Array): TaskStage {
  const nTasks = input.tasks.length;
  const nInd = input.indicators.length;
  const scores: IndicatorScore[] = new Array(nTasks);
  const issues: (ScoringIssue | undefined)[] = new Array(nTasks);
  const bounds = groupBounds(prep, input);
  const redo = dirty ? dirty.slice() : undefined;
  if (previous && redo) {
    for (const [gi, b] of bounds) {
      const old = previous.bounds.get(gi);
      if (old && old.worst === b.worst && old.best === b.best && old.units === b.units) continue;
      const g = Math.floor(gi / nInd);
      const i = gi % nInd;
      for (const u of prep.groups[g].units) {
        const k = prep.slot[u * nInd + i];
        if (k >= 0) redo[k] = 1;
      }
    }
  }
  const reuse = (k: number): boolean => previous !== undefined && redo !== undefined && redo[k] === 0;

  // Own facts first (leads among them), then co tasks scored from their lead.
  for (let k = 0; k < nTasks; k++) {
    if (prep.leadTask[k] !== -1) continue;
    if (reuse(k)) {
      scores[k] = previous!.scores[k];
      issues[k] = previous!.issues[k];
      continue;
    }
    scoreOwn(prep, input, k, bounds, scores, issues);
  }
  for (let k = 0; k < nTasks; k++) {
    const lead = prep.leadTask[k];
    if (lead === -1) continue;
    if (reuse(k) && (lead < 0 || redo![lead] === 0)) {
      scores[k] = previous!.scores[k];
      issues[k] = previous!.issues[k];
      continue;
    }
    if (redo) redo[k] = 1;
    scoreFromLead(prep, input, k, scores, issues);
  }
  return { scores, issues, bounds };
}

function groupBounds(prep: Prepared, input: PlanScoringInput): Map<number, { worst: number; best: number; units: number }> {
  const out = new Map<number, { worst: number; best: number; units: number }>();
  const nInd = input.indicators.length;
  for (let i = 0; i < nInd; i++) {
    const m = prep.methods[i];
    if (m.code !== 'efficacy' || m.params.bounds !== 'group') continue;
    const lower = m.params.direction === 'lower';
    for (const grp of prep.groups) {
      let worst = 0;
      let best = 0;
      let n = 0;
      for (const u of grp.units) {
        const k = prep.slot[u * nInd + i];
        if (k < 0 || prep.leadTask[k] !== -1) continue;
        const x = input.tasks[k].facts?.actual;
        if (typeof x !== 'number' || !Number.isFinite(x)) continue;
        if (n === 0) {
          worst = x;
          best = x;
        } else if (lower) {
          if (x > worst) worst = x;
          if (x < best) best = x;
        } else {
          if (x < worst) worst = x;
          if (x > best) best = x;
        }
        n++;
      }
      if (n > 0) out.set(grp.index * nInd + i, { worst, best, units: n });
    }
  }
  return out;
}

function base(
  prep: Prepared,
  input: PlanScoringInput,
  k: number,
): { grp: GroupState; i: number; s: Omit<IndicatorScore, 'status' | 'score' | 'display' | 'explanation'> } {
  const t = input.tasks[k];
  const i = prep.taskIndicator[k];
  const ind = input.indicators[i];
  const grp = prep.groups[prep.unitGroup[prep.taskUnit[k]]];
  const tag = ind.tag ?? undefined;
  const s: Omit<IndicatorScore, 'status' | 'score' | 'display' | 'explanation'> = {
    indicatorId: ind.id,
    unitId: t.unitId,
    points: ind.points,
    counted: isCounted(grp, tag),
  };
  if (t.taskId) s.taskId = t.taskId;
  if (ind.name) s.name = ind.name;
  if (tag !== undefined) s.tag = tag;
  if (t.role === 'lead' || t.role === 'co') s.role = t.role;
  return { grp, i, s };
}

function errorScore(prep: Prepared, input: PlanScoringInput, k: number, code: string, message: string, issues: (ScoringIssue | undefined)[]): IndicatorScore {
  const { i, s } = base(prep, input, k);
  const m = prep.methods[i];
  const t = input.tasks[k];
  const issue: ScoringIssue = {
    level: 'error',
    code,
    message: `indicator ${s.indicatorId} of unit ${s.unitId}: ${message}`,
    unitId: s.unitId,
    indicatorId: s.indicatorId,
  };
  if (t.taskId) issue.taskId = t.taskId;
  issues[k] = issue;
  return {
    ...s,
    status: 'error',
    score: 0,
    display: fmt2(0),
    explanation: { method: { code: m.code, name: METHOD_NAMES[m.code] }, inputs: {}, rule: '', formula: `无法计分（${message}）→ 0`, result: 0 },
    error: { code, message },
  };
}

function scoreOwn(
  prep: Prepared,
  input: PlanScoringInput,
  k: number,
  bounds: TaskStage['bounds'],
  scores: IndicatorScore[],
  issues: (ScoringIssue | undefined)[],
): void {
  const t = input.tasks[k];
  const i = prep.taskIndicator[k];
  const grp = prep.groups[prep.unitGroup[prep.taskUnit[k]]];
  const ind = input.indicators[i];
  const m = prep.methods[i];
  const facts = t.facts ?? NO_FACTS;
  let out: IndicatorScore;
  try {
    const b = m.code === 'efficacy' && m.params.bounds === 'group' ? bounds.get(grp.index * input.indicators.length + i) : undefined;
    const r = scoreIndicator(m, ind.points, facts, b ? { groupBounds: b } : NO_CONTEXT);
    const tag = ind.tag ?? undefined;
    // one literal, one shape: this runs for every task of the plan
    out = {
      indicatorId: ind.id,
      unitId: t.unitId,
      points: ind.points,
      status: r.missing ? 'provisional' : 'scored',
      score: r.score,
      display: r.display,
      explanation: t.provenance ? { ...r.explanation, sources: factSources(m, ind.points, facts, t.provenance) } : r.explanation,
      counted: isCounted(grp, tag),
    };
    if (r.missing) out.missing = r.missing;
    if (t.taskId) out.taskId = t.taskId;
    if (ind.name) out.name = ind.name;
    if (tag !== undefined) out.tag = tag;
    if (t.role === 'lead' || t.role === 'co') out.role = t.role;
  } catch (e) {
    scores[k] = errorScore(prep, input, k, e instanceof ScoringError ? e.code : 'SCORING_FAILED', e instanceof Error ? e.message : String(e), issues);
    return;
  }
  issues[k] = undefined;
  const rule = prep.coRule[k];
  if (rule && (rule.share !== 1 || rule.points === 'share'))
    out = shareOf(out, out.score, rule.share, rule.points === 'share' ? clean(ind.points * rule.share) : ind.points, 'own');
  else if (rule) out.coUnit = { from: 'own', share: 1, baseScore: out.score, baseDisplay: out.display };
  scores[k] = ind.kind === 'constraint' ? asConstraint(out, grp) : out;
}

function scoreFromLead(prep: Prepared, input: PlanScoringInput, k: number, scores: IndicatorScore[], issues: (ScoringIssue | undefined)[]): void {
  const lead = prep.leadTask[k];
  if (lead < 0) {
    scores[k] = errorScore(prep, input, k, 'co_unit_without_lead', prep.leadProblem.get(k) ?? 'no lead unit', issues);
    return;
  }
  const ls = scores[lead];
  const leadTask = input.tasks[lead];
  if (ls.status === 'error') {
    scores[k] = errorScore(
      prep,
      input,
      k,
      'lead_score_error',
      `the lead unit ${leadTask.unitId}'s score could not be computed (${ls.error?.message ?? ''})`,
      issues,
    );
    return;
  }
  issues[k] = undefined;
  const { grp, i, s } = base(prep, input, k);
  const ind = input.indicators[i];
  const rule = prep.coRule[k]!;
  const leadMethodScore = ls.constraint ? ls.constraint.methodScore : ls.score;
  const leadResult: IndicatorScore = {
    ...s,
    status: ls.status === 'provisional' ? 'provisional' : 'scored',
    score: leadMethodScore,
    display: fmt2(leadMethodScore),
    explanation: ls.constraint ? (ls.explanation.base ?? ls.explanation) : ls.explanation,
  };
  if (ls.missing) leadResult.missing = ls.missing;
  let out = shareOf(leadResult, leadMethodScore, rule.share, rule.points === 'share' ? clean(ind.points * rule.share) : ind.points, 'lead', leadTask);
  if (ls.missing)
    out.explanation = {
      ...out.explanation,
      notes: [...(out.explanation.notes ?? []), `牵头单位（${leadTask.unitId}）尚缺：${ls.missing.join('、')}，得分暂定`],
    };
  if (ind.kind === 'constraint') out = asConstraint(out, grp);
  scores[k] = out;
}

/** A co-unit's share of a score (its own, or its lead's). */
function shareOf(
  s: IndicatorScore,
  baseScore: number,
  share: number,
  points: number,
  from: 'own' | 'lead',
  leadTask?: { unitId: string; taskId?: string },
): IndicatorScore {
  const score = clean(baseScore * share);
  const display = fmt2(score);
  const who = from === 'lead' ? `牵头单位（${leadTask!.unitId}）得分` : '本单位得分';
  const explanation: Explanation = {
    method: s.explanation.method,
    inputs: from === 'lead' ? { leadScore: roundHalfUp(baseScore), share } : { ownScore: roundHalfUp(baseScore), share },
    rule: `协办单位按${who}的 ${fmtPercent(share)} 计${points !== s.points ? `，满分 ${fmtNum(points)}` : ''}`,
    formula: `${fmt2(baseScore)} × ${fmtPercent(share)} = ${display}`,
    result: roundHalfUp(score),
    base: s.explanation,
  };
  const out: IndicatorScore = { ...s, points, score, display, explanation, coUnit: { from, share, baseScore, baseDisplay: fmt2(baseScore) } };
  if (leadTask) {
    out.coUnit!.leadUnitId = leadTask.unitId;
    if (leadTask.taskId) out.coUnit!.leadTaskId = leadTask.taskId;
  }
  return out;
}

/** 约束性指标: the deduction points − score, as a negative score; the part's maximum does not count it. */
function asConstraint(s: IndicatorScore, grp: GroupState): IndicatorScore {
  if (s.status === 'error') return s;
  const deduction = clean(Math.max(0, s.points - s.score));
  const score = deduction === 0 ? 0 : -deduction;
  const display = fmt2(score);
  const applies = grp.rules.constraintIndicators ?? 'part';
  const explanation: Explanation = {
    method: s.explanation.method,
    inputs: { points: s.points, methodScore: roundHalfUp(s.score), deduction },
    rule: `约束性指标只扣分不加分：扣分 = 分值 − 按方法得分，${applies === 'total' ? '在总分中扣除' : '在所属指标部分中扣除'}`,
    formula: `${fmtNum(s.points)} − ${fmt2(s.score)} = ${fmt2(deduction)}，计 ${display}`,
    result: roundHalfUp(score),
    base: s.explanation,
  };
  return { ...s, score, display, explanation, constraint: { methodScore: s.score, deduction, deductionDisplay: fmt2(deduction), applies } };
}
