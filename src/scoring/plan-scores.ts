import { type Adjustments, applyAdjustments, type UnitEvent } from './adjustments.js';
import { composeParts, type EvaluationPart, type IndicatorsPart, type LeafValue, type PartNode, type PartScore } from './composition.js';
import { assertValidBallot, type Ballot, type EvaluatorConfig, tallyFormula } from './evaluation.js';
import { METHOD_NAMES, type MethodSpec, validateMethodParams } from './method-params.js';
import { scoreIndicator } from './methods/index.js';
import { clean, fmt2, fmtNum, roundHalfUp } from './numeric.js';
import { groupTemplate, type GroupTemplate, type PlanTemplate } from './plan-template.js';
import { competitionRanks, type GradeSeats, gradeByQuota, gradeByThresholds, type ThresholdGrade, vetoGradeOf } from './ranking.js';
import { type FieldError, ScoringError, ScoringErrorCode } from './scoring.error.js';
import type { Explanation, MethodContext, TaskFacts } from './types.js';

// ─── Input ──────────────────────────────────────────────────────────────────────────────────────────

export interface PlanScoringGroup {
  id: string;
  name?: string;
  /** The key of the template group whose rules apply (e.g. "towns"). */
  template: string;
}

export interface PlanScoringUnit {
  id: string;
  name?: string;
  groupId: string;
}

export interface PlanScoringIndicator {
  id: string;
  name?: string;
  /** 分值, > 0. */
  points: number;
  /** Method code and raw parameters; validated here with validateMethodParams. */
  method: { code: string; params?: unknown };
  /** Which indicators part of the composition it feeds (e.g. "individual", "common"); none: the untagged part. */
  tag?: string | null;
  /** Overrides the group's rule for units that do not carry this indicator. */
  whenAbsent?: 'exclude' | 'group_average' | null;
}

/** One task: an indicator assigned to a unit, with what the read model knows of its outcome. */
export interface PlanScoringTask {
  taskId?: string;
  indicatorId: string;
  unitId: string;
  facts: TaskFacts;
}

export interface PlanScoringInput {
  template: PlanTemplate;
  groups: readonly PlanScoringGroup[];
  units: readonly PlanScoringUnit[];
  indicators: readonly PlanScoringIndicator[];
  tasks: readonly PlanScoringTask[];
  ballots?: readonly Ballot[];
  events?: readonly UnitEvent[];
}

// ─── Output ─────────────────────────────────────────────────────────────────────────────────────────

export type IndicatorScoreStatus = 'scored' | 'provisional' | 'group_average' | 'error';

export interface IndicatorScore {
  indicatorId: string;
  unitId: string;
  taskId?: string;
  name?: string;
  tag?: string;
  points: number;
  /**
   * scored: all facts present; provisional: some facts missing (counted as 0 / not done, see `missing`);
   * group_average: the unit does not carry the indicator and gets its group's average; error: the facts
   * cannot be scored (score 0, see `error`).
   */
  status: IndicatorScoreStatus;
  score: number;
  display: string;
  explanation: Explanation;
  missing?: string[];
  error?: { code: string; message: string };
  /** False when the group's composition has no indicators part for this indicator's tag. */
  counted: boolean;
}

export interface UnitScore {
  unitId: string;
  name?: string;
  groupId: string;
  /** This unit's indicator scores, in indicator order (including group averages). */
  indicators: IndicatorScore[];
  /** The composition tree with every part's value, weight or budget and contribution. */
  parts: PartScore;
  /** Total before bonuses and deductions. */
  composite: number;
  compositeDisplay: string;
  adjustments: Adjustments;
  /** composite + bonuses − deductions − negative list (not capped). */
  final: number;
  finalDisplay: string;
  /** failed when any veto item applies, whatever the points. */
  result: 'passed' | 'failed';
  /** Rank in the group (standard competition ranking; failed units after all passed units). */
  rank: number;
  grade: string;
  /** Some fact, rating or evaluation is still missing. */
  provisional: boolean;
  explanation: { total: string; rank: string; grade: string };
}

export interface GroupScores {
  groupId: string;
  name?: string;
  template: string;
  templateName: string;
  /** Unit ids by rank. */
  ranking: string[];
  grading:
    | { mode: 'quota'; graded: number; seats: GradeSeats[]; vetoGrade: string }
    | { mode: 'thresholds'; thresholds: ThresholdGrade[]; otherwise: string; vetoGrade: string };
  provisional: boolean;
}

export interface ScoringIssue {
  level: 'error' | 'warning';
  code: string;
  message: string;
  groupId?: string;
  unitId?: string;
  indicatorId?: string;
  taskId?: string;
  ballotId?: string;
  eventId?: string;
}

export interface PlanScores {
  templateId: string;
  groups: GroupScores[];
  /** In the input's unit order. */
  units: UnitScore[];
  issues: ScoringIssue[];
  provisional: boolean;
  counts: { groups: number; units: number; indicators: number; tasks: number; ballots: number; events: number };
}

// ─── Computation ────────────────────────────────────────────────────────────────────────────────────

const NO_EVENTS: readonly UnitEvent[] = [];
const NO_CONTEXT: MethodContext = Object.freeze({});
const NO_FACTS: TaskFacts = Object.freeze({});

interface GroupState {
  input: PlanScoringGroup;
  rules: GroupTemplate;
  units: number[];
  unitIds: Set<string>;
  untaggedLeaf: boolean;
  tags: Set<string>;
}

/**
 * Scores a whole plan: every indicator of every unit, unit totals with their breakdown, ranks and
 * grades per group. Pure; O(units × indicators + ballot entries + events), plus a sort per group.
 *
 * Throws ScoringError(InvalidPlanInput) for structural errors (duplicate or unknown ids, unknown
 * template groups, invalid method parameters, two tasks for one indicator and unit), listing all.
 * Problems confined to one task, ballot or event are reported in `issues` and do not stop the rest:
 * a task whose facts cannot be scored gets status 'error' and 0; an invalid ballot or event is left out.
 */
export function computePlanScores(input: PlanScoringInput): PlanScores {
  const { template } = input;
  const errors: FieldError[] = [];
  const issues: ScoringIssue[] = [];
  const err = (field: string, code: string, message: string): void => {
    errors.push({ field, code, message: `${field}: ${message}` });
  };

  // Groups
  const groups: GroupState[] = [];
  const groupIndex = new Map<string, number>();
  input.groups.forEach((g, i) => {
    if (groupIndex.has(g.id)) err(`groups[${i}].id`, 'duplicate', `duplicate group id ${g.id}`);
    const rules = groupTemplate(template, g.template);
    if (!rules) {
      err(`groups[${i}].template`, 'unknown', `template "${template.id}" has no group "${g.template}" (has: ${template.groups.map((t) => t.key).join(', ')})`);
      return;
    }
    const tags = new Set<string>();
    let untaggedLeaf = false;
    const walk = (n: PartNode): void => {
      if (n.kind === 'indicators') {
        if (n.tag === undefined) untaggedLeaf = true;
        else tags.add(n.tag);
      } else if (n.kind === 'composite') n.parts.forEach(walk);
    };
    walk(rules.composition);
    groupIndex.set(g.id, groups.length);
    groups.push({ input: g, rules, units: [], unitIds: new Set(), untaggedLeaf, tags });
  });

  // Units
  const nUnits = input.units.length;
  const unitIndex = new Map<string, number>();
  const unitGroup = new Int32Array(nUnits).fill(-1);
  input.units.forEach((u, i) => {
    if (unitIndex.has(u.id)) err(`units[${i}].id`, 'duplicate', `duplicate unit id ${u.id}`);
    unitIndex.set(u.id, i);
    const g = groupIndex.get(u.groupId);
    if (g === undefined) {
      err(`units[${i}].groupId`, 'unknown', `unknown group ${u.groupId}`);
      return;
    }
    unitGroup[i] = g;
    groups[g].units.push(i);
    groups[g].unitIds.add(u.id);
  });

  // Indicators
  const nInd = input.indicators.length;
  const indicatorIndex = new Map<string, number>();
  const methods: MethodSpec[] = new Array(nInd);
  input.indicators.forEach((ind, i) => {
    if (indicatorIndex.has(ind.id)) err(`indicators[${i}].id`, 'duplicate', `duplicate indicator id ${ind.id}`);
    indicatorIndex.set(ind.id, i);
    if (!(typeof ind.points === 'number' && Number.isFinite(ind.points) && ind.points > 0)) {
      err(`indicators[${i}].points`, 'range', `must be a number > 0 (got ${String(ind.points)})`);
    }
    const v = validateMethodParams(ind.method?.code, ind.method?.params, { points: ind.points });
    if (v.ok) methods[i] = v.value;
    else for (const e of v.errors) errors.push({ field: `indicators[${i}].method.${e.field === 'code' ? 'code' : `params.${e.field}`}`, code: e.code, message: `indicators[${i}] (${ind.id}): ${e.message}` });
  });

  // Tasks: one slot per (unit, indicator)
  const slot = new Int32Array(nUnits * nInd).fill(-1);
  input.tasks.forEach((t, k) => {
    const u = unitIndex.get(t.unitId);
    const i = indicatorIndex.get(t.indicatorId);
    if (u === undefined) err(`tasks[${k}].unitId`, 'unknown', `unknown unit ${t.unitId}`);
    if (i === undefined) err(`tasks[${k}].indicatorId`, 'unknown', `unknown indicator ${t.indicatorId}`);
    if (u === undefined || i === undefined) return;
    const s = u * nInd + i;
    if (slot[s] >= 0) {
      err(`tasks[${k}]`, 'duplicate', `a second task for indicator ${t.indicatorId} and unit ${t.unitId} (first: tasks[${slot[s]}])`);
      return;
    }
    slot[s] = k;
  });

  if (errors.length > 0) {
    throw new ScoringError(ScoringErrorCode.InvalidPlanInput, `cannot score plan: ${errors.length} problem(s): ${errors.slice(0, 5).map((e) => e.message).join('; ')}${errors.length > 5 ? '; …' : ''}`, errors);
  }
  const nGroups = groups.length;

  // Efficacy with group bounds: worst and best actual per (group, indicator)
  let worst: Float64Array | undefined;
  let best: Float64Array | undefined;
  let boundCount: Int32Array | undefined;
  for (let i = 0; i < nInd; i++) {
    const m = methods[i];
    if (m.code !== 'efficacy' || m.params.bounds !== 'group') continue;
    if (!worst) {
      worst = new Float64Array(nGroups * nInd);
      best = new Float64Array(nGroups * nInd);
      boundCount = new Int32Array(nGroups * nInd);
    }
    const lower = m.params.direction === 'lower';
    for (let u = 0; u < nUnits; u++) {
      const k = slot[u * nInd + i];
      if (k < 0) continue;
      const x = input.tasks[k].facts.actual;
      if (typeof x !== 'number' || !Number.isFinite(x)) continue;
      const gi = unitGroup[u] * nInd + i;
      if (boundCount![gi] === 0) {
        worst[gi] = x;
        best![gi] = x;
      } else if (lower) {
        if (x > worst[gi]) worst[gi] = x;
        if (x < best![gi]) best![gi] = x;
      } else {
        if (x < worst[gi]) worst[gi] = x;
        if (x > best![gi]) best![gi] = x;
      }
      boundCount![gi]++;
    }
  }

  // Score every task
  const scores: IndicatorScore[] = new Array(input.tasks.length);
  const carriers = new Int32Array(nGroups * nInd);
  const avgSum = new Float64Array(nGroups * nInd);
  const avgCount = new Int32Array(nGroups * nInd);
  const uncounted = new Uint8Array(nGroups * nInd);
  for (let u = 0; u < nUnits; u++) {
    const g = unitGroup[u];
    const grp = groups[g];
    const unitId = input.units[u].id;
    for (let i = 0; i < nInd; i++) {
      const k = slot[u * nInd + i];
      if (k < 0) continue;
      const ind = input.indicators[i];
      const task = input.tasks[k];
      const gi = g * nInd + i;
      carriers[gi]++;
      const tag = ind.tag ?? undefined;
      const counted = isCounted(grp, tag);
      let s: IndicatorScore;
      try {
        const m = methods[i];
        const ctx = m.code === 'efficacy' && m.params.bounds === 'group' && boundCount![gi] > 0 ? { groupBounds: { worst: worst![gi], best: best![gi], units: boundCount![gi] } } : NO_CONTEXT;
        const r = scoreIndicator(m, ind.points, task.facts ?? NO_FACTS, ctx);
        s = {
          indicatorId: ind.id,
          unitId,
          points: ind.points,
          status: r.missing ? 'provisional' : 'scored',
          score: r.score,
          display: r.display,
          explanation: r.explanation,
          counted,
        };
        if (r.missing) s.missing = r.missing;
        avgSum[gi] += r.score;
        avgCount[gi]++;
      } catch (e) {
        const code = e instanceof ScoringError ? e.code : 'SCORING_FAILED';
        const message = e instanceof Error ? e.message : String(e);
        s = {
          indicatorId: ind.id,
          unitId,
          points: ind.points,
          status: 'error',
          score: 0,
          display: fmt2(0),
          explanation: {
            method: { code: methods[i].code, name: METHOD_NAMES[methods[i].code] },
            inputs: {},
            rule: '',
            formula: `无法计分（${message}）→ 0`,
            result: 0,
          },
          error: { code, message },
          counted,
        };
        const issue: ScoringIssue = { level: 'error', code, message: `indicator ${ind.id} of unit ${unitId}: ${message}`, unitId, indicatorId: ind.id };
        if (task.taskId) issue.taskId = task.taskId;
        issues.push(issue);
      }
      if (task.taskId) s.taskId = task.taskId;
      if (ind.name) s.name = ind.name;
      if (tag !== undefined) s.tag = tag;
      if (!counted && uncounted[gi] === 0) {
        uncounted[gi] = 1;
        issues.push({
          level: 'warning',
          code: 'indicator_not_in_composition',
          message: `indicator ${ind.id}${tag ? ` (tag "${tag}")` : ' (no tag)'} matches no indicators part of group ${grp.input.id}'s composition: it is not counted`,
          groupId: grp.input.id,
          indicatorId: ind.id,
        });
      }
      scores[k] = s;
    }
  }

  // Ratings
  const evaluators = template.evaluators;
  const nEval = evaluators.length;
  const evalIndex = new Map<string, number>();
  evaluators.forEach((e, i) => evalIndex.set(e.key, i));
  const ratings: (number[] | undefined)[] = new Array(nUnits * nEval);
  const seenBallots = new Set<string>();
  for (const b of input.ballots ?? []) {
    const e = evalIndex.get(b.evaluator);
    const g = groupIndex.get(b.groupId);
    const base = b.id ? { ballotId: b.id } : {};
    if (e === undefined || g === undefined) {
      issues.push({ level: 'error', code: ScoringErrorCode.InvalidBallot, message: `ballot ${b.id ?? ''} refers to an unknown ${e === undefined ? `evaluator "${b.evaluator}"` : `group ${b.groupId}`}; left out`, ...base });
      continue;
    }
    const dupKey = `${b.evaluator}\u0000${b.evaluatorId}\u0000${b.groupId}`;
    if (seenBallots.has(dupKey)) {
      issues.push({ level: 'error', code: ScoringErrorCode.InvalidBallot, message: `a second ${b.evaluator} ballot from ${b.evaluatorId} for group ${b.groupId}; only the first counts`, groupId: b.groupId, ...base });
      continue;
    }
    let values: number[];
    try {
      values = assertValidBallot(b, evaluators[e] as EvaluatorConfig, groups[g].unitIds);
    } catch (x) {
      const se = x as ScoringError;
      issues.push({ level: 'error', code: se.code ?? ScoringErrorCode.InvalidBallot, message: `${se.message}; left out`, groupId: b.groupId, ...base });
      continue;
    }
    seenBallots.add(dupKey);
    b.entries.forEach((entry, j) => {
      const slotIdx = (unitIndex.get(entry.unitId) as number) * nEval + e;
      const list = ratings[slotIdx];
      if (list) list.push(values[j]);
      else ratings[slotIdx] = [values[j]];
    });
  }

  // Events per unit
  const eventsByUnit: (UnitEvent[] | undefined)[] = new Array(nUnits);
  for (const ev of input.events ?? []) {
    const u = unitIndex.get(ev.unitId);
    if (u === undefined) {
      issues.push({ level: 'error', code: 'unknown_unit', message: `event ${ev.id ?? ''} (${ev.type} ${ev.item}) is for unknown unit ${ev.unitId}; left out`, ...(ev.id ? { eventId: ev.id } : {}) });
      continue;
    }
    const list = eventsByUnit[u];
    if (list) list.push(ev);
    else eventsByUnit[u] = [ev];
  }

  // Unit totals
  const units: UnitScore[] = new Array(nUnits);
  const missingEval = new Int32Array(nGroups * Math.max(nEval, 1));
  for (let u = 0; u < nUnits; u++) {
    const g = unitGroup[u];
    const grp = groups[g];
    const unit = input.units[u];
    const list: IndicatorScore[] = [];
    for (let i = 0; i < nInd; i++) {
      const k = slot[u * nInd + i];
      if (k >= 0) {
        list.push(scores[k]);
        continue;
      }
      const gi = g * nInd + i;
      if (carriers[gi] === 0) continue;
      const ind = input.indicators[i];
      if ((ind.whenAbsent ?? grp.rules.absentIndicators) !== 'group_average') continue;
      const tag = ind.tag ?? undefined;
      const counted = isCounted(grp, tag);
      if (avgCount[gi] === 0) {
        issues.push({ level: 'warning', code: 'no_group_average', message: `unit ${unit.id} does not carry indicator ${ind.id} and no unit of its group has a usable score for it`, unitId: unit.id, indicatorId: ind.id });
        continue;
      }
      const avg = clean(avgSum[gi] / avgCount[gi]);
      const s: IndicatorScore = {
        indicatorId: ind.id,
        unitId: unit.id,
        points: ind.points,
        status: 'group_average',
        score: avg,
        display: fmt2(avg),
        explanation: {
          method: { code: methods[i].code, name: METHOD_NAMES[methods[i].code] },
          inputs: { groupTotal: clean(avgSum[gi]), groupUnits: avgCount[gi] },
          rule: '本单位不承担此指标，按本组承担该指标单位的平均分计',
          formula: `${fmtNum(clean(avgSum[gi]))} ÷ ${avgCount[gi]} = ${fmt2(avg)}`,
          result: roundHalfUp(avg),
        },
        counted,
      };
      if (ind.name) s.name = ind.name;
      if (tag !== undefined) s.tag = tag;
      list.push(s);
    }

    let provisional = false;
    const leaf = (node: IndicatorsPart | EvaluationPart): LeafValue => {
      if (node.kind === 'indicators') {
        let value = 0;
        let max = 0;
        let count = 0;
        let averaged = 0;
        let prov = false;
        for (const s of list) {
          if (node.tag === undefined ? !s.counted : s.tag !== node.tag) continue;
          value += s.score;
          max += s.points;
          count++;
          if (s.status === 'group_average') averaged++;
          else if (s.status !== 'scored') prov = true;
        }
        value = clean(value);
        max = clean(max);
        provisional ||= prov;
        return {
          value,
          max,
          formula: `${count} 项指标得分合计 ${fmt2(value)}（满分 ${fmtNum(max)}${averaged > 0 ? `，其中 ${averaged} 项按组内平均分计` : ''}）`,
          provisional: prov,
        };
      }
      const e = evalIndex.get(node.evaluator) as number;
      const got = ratings[u * nEval + e];
      if (!got || got.length === 0) {
        provisional = true;
        missingEval[g * nEval + e]++;
        return { value: 0, max: 100, formula: `${evaluators[e].name}：暂无评价 → 0`, provisional: true };
      }
      let total = 0;
      for (const x of got) total += x;
      return { value: clean(total / got.length), max: 100, formula: `${evaluators[e].name}：${tallyFormula(got)}` };
    };
    const parts = composeParts(grp.rules.composition, leaf);
    const applied = applyAdjustments(template.adjustments, eventsByUnit[u] ?? NO_EVENTS);
    for (const r of applied.rejected) {
      issues.push({ level: 'error', code: 'invalid_event', message: `event ${r.event.id ?? ''} of unit ${unit.id}: ${r.reason}; left out`, unitId: unit.id, ...(r.event.id ? { eventId: r.event.id } : {}) });
    }
    const adj = applied.adjustments;
    const composite = parts.value;
    const final = clean(composite + adj.net);
    for (const s of list) if (s.status === 'provisional' || s.status === 'error') provisional = true;
    let total = `${fmt2(composite)} + ${fmt2(adj.bonus.total)} − ${fmt2(adj.deduction.total)} − ${fmt2(adj.negativeList.total)} = ${fmt2(final)}`;
    if (adj.veto.failed) total += `；否决项：${adj.veto.items.map((v) => v.name).join('、')} → 不合格（failed）`;
    const us: UnitScore = {
      unitId: unit.id,
      groupId: unit.groupId,
      indicators: list,
      parts,
      composite,
      compositeDisplay: fmt2(composite),
      adjustments: adj,
      final,
      finalDisplay: fmt2(final),
      result: adj.veto.failed ? 'failed' : 'passed',
      rank: 0,
      grade: '',
      provisional,
      explanation: { total, rank: '', grade: '' },
    };
    if (unit.name) us.name = unit.name;
    units[u] = us;
  }

  for (let g = 0; g < nGroups; g++) {
    for (let e = 0; e < nEval; e++) {
      const missing = missingEval[g * nEval + e];
      if (missing > 0) {
        issues.push({ level: 'warning', code: 'missing_evaluation', message: `${missing} unit(s) of group ${groups[g].input.id} have no ${evaluators[e].key} rating yet (counted as 0)`, groupId: groups[g].input.id });
      }
    }
  }

  // Rank and grade per group
  const groupScores: GroupScores[] = groups.map((grp) => rankAndGrade(grp, units));
  return {
    templateId: template.id,
    groups: groupScores,
    units,
    issues,
    provisional: units.some((u) => u.provisional),
    counts: {
      groups: nGroups,
      units: nUnits,
      indicators: nInd,
      tasks: input.tasks.length,
      ballots: input.ballots?.length ?? 0,
      events: input.events?.length ?? 0,
    },
  };
}

/** An untagged indicators part counts every indicator; tagged parts count their tag. */
function isCounted(grp: GroupState, tag: string | undefined): boolean {
  return grp.untaggedLeaf || (tag !== undefined && grp.tags.has(tag));
}

function rankAndGrade(grp: GroupState, units: UnitScore[]): GroupScores {
  const rules = grp.rules;
  const keyOf = (s: UnitScore): number => (rules.rankBy === 'display' ? roundHalfUp(s.final) : s.final);
  const passed: UnitScore[] = [];
  const failed: UnitScore[] = [];
  for (const u of grp.units) (units[u].result === 'failed' ? failed : passed).push(units[u]);
  const passedRanks = competitionRanks(passed.map(keyOf));
  const failedRanks = competitionRanks(failed.map(keyOf));
  passed.forEach((s, i) => (s.rank = passedRanks[i]));
  failed.forEach((s, i) => (s.rank = passed.length + failedRanks[i]));
  const total = passed.length + failed.length;
  const sharing = new Map<number, number>();
  for (const s of passed) sharing.set(s.rank, (sharing.get(s.rank) ?? 0) + 1);
  for (const s of failed) sharing.set(s.rank, (sharing.get(s.rank) ?? 0) + 1);
  for (const s of [...passed, ...failed]) {
    const tied = (sharing.get(s.rank) ?? 1) - 1;
    s.explanation.rank = `第 ${s.rank} 名（本组共 ${total} 个单位${tied > 0 ? `，与另外 ${tied} 个单位并列` : ''}${s.result === 'failed' ? '；被否决，排在未被否决的单位之后' : ''}）`;
  }

  const rule = rules.grading;
  const vetoGrade = vetoGradeOf(rule);
  for (const s of failed) {
    s.grade = vetoGrade;
    s.explanation.grade = `触发否决项，评为「${vetoGrade}」`;
  }
  let grading: GroupScores['grading'];
  if (rule.mode === 'quota') {
    const q = gradeByQuota(passedRanks, rule.grades);
    passed.forEach((s, i) => {
      s.grade = q.grades[i];
      const seat = q.seats.find((x) => x.grade === s.grade) as GradeSeats;
      s.explanation.grade = `按比例配额（最大余数法，${passed.length} 个参评单位）：「${seat.grade}」${fmtNum(seat.percent)}% → ${seat.seats} 个名额；第 ${s.rank} 名 → 「${s.grade}」${seat.overflow ? `（并列超出名额 ${seat.overflow} 个）` : ''}`;
    });
    grading = { mode: 'quota', graded: passed.length, seats: q.seats, vetoGrade };
  } else {
    for (const s of passed) {
      const key = keyOf(s);
      s.grade = gradeByThresholds(key, rule.thresholds, rule.otherwise);
      const t = rule.thresholds.find((x) => x.grade === s.grade && key >= x.min);
      s.explanation.grade = t ? `${fmt2(key)} ≥ ${fmtNum(t.min)} → 「${s.grade}」` : `${fmt2(key)} < ${fmtNum(rule.thresholds[rule.thresholds.length - 1].min)} → 「${s.grade}」`;
    }
    grading = { mode: 'thresholds', thresholds: rule.thresholds, otherwise: rule.otherwise, vetoGrade };
  }
  const ranking = [...passed, ...failed].sort((a, b) => a.rank - b.rank).map((s) => s.unitId);
  const out: GroupScores = {
    groupId: grp.input.id,
    template: rules.key,
    templateName: rules.name,
    ranking,
    grading,
    provisional: passed.some((s) => s.provisional) || failed.some((s) => s.provisional),
  };
  if (grp.input.name) out.name = grp.input.name;
  return out;
}
