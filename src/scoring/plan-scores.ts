/**
 * `computePlanScores(input)`: a whole plan in one pure call — every indicator of every unit, unit totals
 * with their breakdown, ranks and grades per group, each group under its own template. In stages:
 * structure (plan-prepare.ts) → task scores (plan-indicators.ts) → unit totals (plan-units.ts) → ranks and
 * grades (plan-ranking.ts). `runPlanScores` keeps the stages so `simulatePlanScores` can redo only what a
 * hypothetical change touches.
 */
import type { Prepared } from './plan-prepare.js';
import { preparePlan } from './plan-prepare.js';
import { isCounted, scoreTasks, type TaskStage } from './plan-indicators.js';
import { rankAndGrade } from './plan-ranking.js';
import type { PlanScores, PlanScoringInput, ScoringIssue } from './plan-types.js';
import { scoreUnits } from './plan-units.js';

export type * from './plan-types.js';

/** A computation with its stages, for incremental re-computation. Treat every part as read-only. */
export interface PlanRun {
  input: PlanScoringInput;
  prep: Prepared;
  tasks: TaskStage;
  scores: PlanScores;
}

/**
 * Scores a whole plan. Pure; O(units × indicators + ballot entries + events), plus a sort per group.
 *
 * Throws ScoringError(InvalidPlanInput) for structural errors (a group without a template or template
 * group, duplicate or unknown ids, invalid method parameters or co-unit rules, two tasks for one
 * indicator and unit), listing all. Problems confined to one task, ballot or event are reported in
 * `issues` and do not stop the rest: a task whose facts cannot be scored gets status 'error' and 0; an
 * invalid ballot or event is left out.
 */
export function computePlanScores(input: PlanScoringInput): PlanScores {
  return runPlanScores(input).scores;
}

/**
 * computePlanScores, keeping the stages. With `previous` (a run over an input with the same units,
 * indicators and tasks in the same order) and `dirty` (1 per task whose facts or rules changed), the
 * task scores of clean tasks are taken over. The result equals a full computation of `input`.
 */
export function runPlanScores(input: PlanScoringInput, previous?: { run: PlanRun; dirty: Uint8Array }): PlanRun {
  const prep = preparePlan(input, previous?.run.prep);
  const tasks = scoreTasks(prep, input, previous?.run.tasks, previous?.dirty);
  const stage = scoreUnits(prep, input, tasks);

  const issues: ScoringIssue[] = [];
  const nInd = input.indicators.length;
  const warned = new Set<number>();
  for (let u = 0; u < input.units.length; u++) {
    const g = prep.unitGroup[u];
    for (let i = 0; i < nInd; i++) {
      const k = prep.slot[u * nInd + i];
      if (k < 0) continue;
      const issue = tasks.issues[k];
      if (issue) issues.push(issue);
      const s = tasks.scores[k];
      const gi = g * nInd + i;
      if (!s.counted && !warned.has(gi) && !isCounted(prep.groups[g], s.tag)) {
        warned.add(gi);
        issues.push({
          level: 'warning',
          code: 'indicator_not_in_composition',
          message: `indicator ${s.indicatorId}${s.tag ? ` (tag "${s.tag}")` : ' (no tag)'} matches no indicators part of group ${prep.groups[g].input.id}'s composition: it is not counted`,
          groupId: prep.groups[g].input.id,
          indicatorId: s.indicatorId,
        });
      }
    }
  }
  issues.push(...stage.ballotIssues, ...stage.eventIssues, ...stage.unitIssues, ...stage.groupIssues);

  const groups = prep.groups.map((grp) => rankAndGrade(grp, stage.units));
  const first = input.template ?? prep.templates[0];
  const scores: PlanScores = {
    templateId: first?.id ?? '',
    templates: prep.templates.map((t) => ({ id: t.id, version: t.version, name: t.name })),
    groups,
    units: stage.units,
    ballots: stage.ballots,
    issues,
    provisional: stage.units.some((u) => u.provisional),
    counts: {
      groups: prep.groups.length,
      units: input.units.length,
      indicators: nInd,
      tasks: input.tasks.length,
      ballots: input.ballots?.length ?? 0,
      events: input.events?.length ?? 0,
    },
  };
  return { input, prep, tasks, scores };
}
