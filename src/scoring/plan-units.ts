/**
 * Stage 3 of computePlanScores: ratings from the ballots, each unit's indicator list (with group-average
 * fill), its composition, bonuses / deductions / negative list / vetoes and final score. Cheap next to
 * stage 2 (a few operations per indicator of a unit), so it is always redone in full.
 */
import { type AdjustmentLine, applyAdjustments, type UnitEvent } from './adjustments.js';
import { composeParts, type EvaluationPart, type IndicatorsPart, type LeafValue } from './composition.js';
import { checkBallot, excessText, tallyFormula } from './evaluation.js';
import { METHOD_NAMES } from './method-params.js';
import { clean, fmt2, fmtNum, roundHalfUp } from './numeric.js';
import { isCounted, type TaskStage } from './plan-indicators.js';
import type { Prepared } from './plan-prepare.js';
import type { BallotResult, IndicatorScore, PlanScoringInput, ScoringIssue, UnitScore } from './plan-types.js';
import { type ScoringError, ScoringErrorCode } from './scoring.error.js';

const NO_EVENTS: readonly UnitEvent[] = [];

export interface UnitStage {
  units: UnitScore[];
  ballots: BallotResult[];
  ballotIssues: ScoringIssue[];
  eventIssues: ScoringIssue[];
  unitIssues: ScoringIssue[];
  groupIssues: ScoringIssue[];
}

interface Ratings {
  /** (unit, evaluator of the unit's group) → ratings */
  values: (number[] | undefined)[][];
  /** (unit, evaluator) → notes of flagged ballots */
  notes: (string[] | undefined)[][];
}

function tallyBallots(prep: Prepared, input: PlanScoringInput, ballots: BallotResult[], issues: ScoringIssue[]): Ratings {
  const values: (number[] | undefined)[][] = input.units.map(
    (_, u) => new Array(prep.unitGroup[u] >= 0 ? prep.groups[prep.unitGroup[u]].evaluators.length : 0),
  );
  const notes: (string[] | undefined)[][] = input.units.map(() => []);
  const seen = new Set<string>();
  for (const b of input.ballots ?? []) {
    const ref = b.id ? { ballotId: b.id } : {};
    const result: BallotResult = {
      ...(b.id ? { ballotId: b.id } : {}),
      evaluator: b.evaluator,
      evaluatorId: b.evaluatorId,
      groupId: b.groupId,
      status: 'left_out',
    };
    ballots.push(result);
    const g = prep.groupIndex.get(b.groupId);
    const grp = g === undefined ? undefined : prep.groups[g];
    const e = grp?.evalIndex.get(b.evaluator);
    if (grp === undefined || e === undefined) {
      result.note = g === undefined ? `unknown group ${b.groupId}` : `template "${grp!.template.id}" has no evaluator "${b.evaluator}"`;
      issues.push({
        level: 'error',
        code: ScoringErrorCode.InvalidBallot,
        message: `ballot ${b.id ?? ''} refers to an ${g === undefined ? `unknown group ${b.groupId}` : `unknown evaluator "${b.evaluator}"`}; left out`,
        ...ref,
      });
      continue;
    }
    const dupKey = `${b.evaluator}\u0000${b.evaluatorId}\u0000${b.groupId}`;
    if (seen.has(dupKey)) {
      result.note = 'a second ballot of the same evaluator for this group; only the first counts';
      issues.push({
        level: 'error',
        code: ScoringErrorCode.InvalidBallot,
        message: `a second ${b.evaluator} ballot from ${b.evaluatorId} for group ${b.groupId}; only the first counts`,
        groupId: b.groupId,
        ...ref,
      });
      continue;
    }
    const config = grp.evaluators[e];
    let check;
    try {
      check = checkBallot(b, config, grp.unitIds);
    } catch (x) {
      const se = x as ScoringError;
      result.note = se.message;
      issues.push({ level: 'error', code: se.code ?? ScoringErrorCode.InvalidBallot, message: `${se.message}; left out`, groupId: b.groupId, ...ref });
      continue;
    }
    seen.add(dupKey);
    result.status = 'counted';
    if (check.quota) result.quota = check.quota;
    let note: string | undefined;
    if (check.excess.length > 0) {
      result.excess = check.excess;
      result.note = `超出原则配额，已计入：${excessText(check.excess)}`;
      note = `${config.name}评价票 ${b.id ?? b.evaluatorId} 超出原则配额（已计入）：${excessText(check.excess)}`;
      issues.push({
        level: 'warning',
        code: 'ballot_quota_exceeded_in_principle',
        message: `ballot ${b.id ?? ''} of ${b.evaluator} evaluator ${b.evaluatorId} is above its in-principle quota and counted: ${check.excess.map((l) => `grade "${l.grade}" given to ${l.given}, ${l.allowed} allowed`).join('; ')}`,
        groupId: b.groupId,
        ...ref,
      });
    }
    b.entries.forEach((entry, j) => {
      const u = prep.unitIndex.get(entry.unitId) as number;
      const list = values[u][e];
      if (list) list.push(check.values[j]);
      else values[u][e] = [check.values[j]];
      if (note) (notes[u][e] ??= []).push(note);
    });
  }
  return { values, notes };
}

/** Stage 3: every unit's total (ranks and grades come after, per group). */
export function scoreUnits(prep: Prepared, input: PlanScoringInput, tasks: TaskStage): UnitStage {
  const nUnits = input.units.length;
  const nInd = input.indicators.length;
  const nGroups = prep.groups.length;
  const ballots: BallotResult[] = [];
  const ballotIssues: ScoringIssue[] = [];
  const eventIssues: ScoringIssue[] = [];
  const unitIssues: ScoringIssue[] = [];
  const groupIssues: ScoringIssue[] = [];
  const ratings = tallyBallots(prep, input, ballots, ballotIssues);

  // Group averages: carriers and usable scores per (group, indicator)
  const carriers = new Int32Array(nGroups * nInd);
  const avgSum = new Float64Array(nGroups * nInd);
  const avgCount = new Int32Array(nGroups * nInd);
  for (let k = 0; k < input.tasks.length; k++) {
    const u = prep.taskUnit[k];
    const gi = prep.unitGroup[u] * nInd + prep.taskIndicator[k];
    carriers[gi]++;
    const s = tasks.scores[k];
    if (s.status !== 'error') {
      avgSum[gi] += s.score;
      avgCount[gi]++;
    }
  }

  const eventsByUnit: (UnitEvent[] | undefined)[] = new Array(nUnits);
  for (const ev of input.events ?? []) {
    const u = prep.unitIndex.get(ev.unitId);
    if (u === undefined || prep.unitGroup[u] < 0) {
      eventIssues.push({
        level: 'error',
        code: 'unknown_unit',
        message: `event ${ev.id ?? ''} (${ev.type} ${ev.item}) is for unknown unit ${ev.unitId}; left out`,
        ...(ev.id ? { eventId: ev.id } : {}),
      });
      continue;
    }
    (eventsByUnit[u] ??= []).push(ev);
  }

  const units: UnitScore[] = new Array(nUnits);
  const missingEval = new Map<string, number>();
  for (let u = 0; u < nUnits; u++) {
    const g = prep.unitGroup[u];
    const grp = prep.groups[g];
    const unit = input.units[u];
    const list: IndicatorScore[] = [];
    for (let i = 0; i < nInd; i++) {
      const k = prep.slot[u * nInd + i];
      if (k >= 0) {
        list.push(tasks.scores[k]);
        continue;
      }
      const gi = g * nInd + i;
      if (carriers[gi] === 0) continue;
      const ind = input.indicators[i];
      if (ind.kind === 'constraint') continue; // a unit without a constraint indicator loses nothing for it
      if ((ind.whenAbsent ?? grp.rules.absentIndicators) !== 'group_average') continue;
      if (avgCount[gi] === 0) {
        unitIssues.push({
          level: 'warning',
          code: 'no_group_average',
          message: `unit ${unit.id} does not carry indicator ${ind.id} and no unit of its group has a usable score for it`,
          unitId: unit.id,
          indicatorId: ind.id,
        });
        continue;
      }
      const tag = ind.tag ?? undefined;
      const avg = clean(avgSum[gi] / avgCount[gi]);
      const m = prep.methods[i];
      const s: IndicatorScore = {
        indicatorId: ind.id,
        unitId: unit.id,
        points: ind.points,
        status: 'group_average',
        score: avg,
        display: fmt2(avg),
        explanation: {
          method: { code: m.code, name: METHOD_NAMES[m.code] },
          inputs: { groupTotal: clean(avgSum[gi]), groupUnits: avgCount[gi] },
          rule: '本单位不承担此指标，按本组承担该指标单位的平均分计',
          formula: `${fmtNum(clean(avgSum[gi]))} ÷ ${avgCount[gi]} = ${fmt2(avg)}`,
          result: roundHalfUp(avg),
        },
        counted: isCounted(grp, tag),
      };
      if (ind.name) s.name = ind.name;
      if (tag !== undefined) s.tag = tag;
      list.push(s);
    }

    let provisional = false;
    const unitNotes: string[] = [];
    const leaf = (node: IndicatorsPart | EvaluationPart): LeafValue => {
      if (node.kind === 'indicators') {
        let value = 0;
        let max = 0;
        let count = 0;
        let averaged = 0;
        let constraints = 0;
        let prov = false;
        for (const s of list) {
          if (node.tag === undefined ? !s.counted : s.tag !== node.tag) continue;
          if (s.constraint) {
            if (s.constraint.applies === 'total') continue;
            constraints++;
          } else max += s.points;
          value += s.score;
          count++;
          if (s.status === 'group_average') averaged++;
          else if (s.status !== 'scored') prov = true;
        }
        value = clean(value);
        max = clean(max);
        provisional ||= prov;
        const extra = [averaged > 0 ? `其中 ${averaged} 项按组内平均分计` : '', constraints > 0 ? `含 ${constraints} 项约束性指标扣分` : '']
          .filter((x) => x !== '')
          .join('，');
        return { value, max, formula: `${count} 项指标得分合计 ${fmt2(value)}（满分 ${fmtNum(max)}${extra ? `，${extra}` : ''}）`, provisional: prov };
      }
      const e = grp.evalIndex.get(node.evaluator) as number;
      const config = grp.evaluators[e];
      const got = ratings.values[u][e];
      if (!got || got.length === 0) {
        provisional = true;
        const key = `${g}\u0000${e}`;
        missingEval.set(key, (missingEval.get(key) ?? 0) + 1);
        return { value: 0, max: config.scoreMax, formula: `${config.name}：暂无评价 → 0`, provisional: true };
      }
      let total = 0;
      for (const x of got) total += x;
      const notes = ratings.notes[u][e];
      if (notes) unitNotes.push(...notes);
      const out: LeafValue = {
        value: clean(total / got.length),
        max: config.scoreMax,
        formula: `${config.name}：${tallyFormula(got)}${config.scoreMax !== 100 ? `（满分 ${fmtNum(config.scoreMax)}）` : ''}`,
      };
      if (notes) out.notes = notes;
      return out;
    };
    const parts = composeParts(grp.rules.composition, leaf);
    const constraintLines: AdjustmentLine[] = [];
    for (const s of list) {
      if (!s.constraint || s.constraint.applies !== 'total' || s.constraint.deduction === 0) continue;
      constraintLines.push({
        item: `constraint:${s.indicatorId}`,
        name: `约束性指标：${s.name ?? s.indicatorId}`,
        count: 1,
        raw: s.constraint.deduction,
        points: s.constraint.deduction,
        display: s.constraint.deductionDisplay,
        formula: `${fmtNum(s.points)} − ${fmt2(s.constraint.methodScore)} = ${s.constraint.deductionDisplay}`,
        eventIds: [],
      });
    }
    const applied = applyAdjustments(grp.template.adjustments, eventsByUnit[u] ?? NO_EVENTS, constraintLines);
    for (const r of applied.rejected) {
      unitIssues.push({
        level: 'error',
        code: 'invalid_event',
        message: `event ${r.event.id ?? ''} of unit ${unit.id}: ${r.reason}; left out`,
        unitId: unit.id,
        ...(r.event.id ? { eventId: r.event.id } : {}),
      });
    }
    const adj = applied.adjustments;
    const composite = parts.value;
    const final = clean(composite + adj.net);
    for (const s of list) if (s.status === 'provisional' || s.status === 'error') provisional = true;
    let total = `${fmt2(composite)} + ${adj.bonus.display} − ${adj.deduction.display} − ${adj.negativeList.display} = ${fmt2(final)}`;
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
    if (unitNotes.length > 0) us.explanation.notes = unitNotes;
    if (unit.name) us.name = unit.name;
    units[u] = us;
  }

  for (const grp of prep.groups) {
    grp.evaluators.forEach((e, k) => {
      const missing = missingEval.get(`${grp.index}\u0000${k}`) ?? 0;
      if (missing > 0)
        groupIssues.push({
          level: 'warning',
          code: 'missing_evaluation',
          message: `${missing} unit(s) of group ${grp.input.id} have no ${e.key} rating yet (counted as 0)`,
          groupId: grp.input.id,
        });
    });
  }
  return { units, ballots, ballotIssues, eventIssues, unitIssues, groupIssues };
}
