/**
 * Stage 1 of computePlanScores: structure. Resolves each group's template, indexes units, indicators and
 * tasks, validates method parameters and co-unit rules, finds each co task's lead. Structural problems
 * throw ScoringError(InvalidPlanInput) listing all of them. Pure.
 */
import { Checker } from './checker.js';
import type { EvaluatorConfig } from './evaluation.js';
import { type MethodSpec, validateMethodParams } from './method-params.js';
import { resolveGroupTemplate, tagsOf } from './plan-coverage.js';
import { checkCoUnitRule, type CoUnitRule, DEFAULT_CO_UNIT_RULE, type GroupTemplate, type PlanTemplate } from './plan-template.js';
import type { PlanScoringGroup, PlanScoringInput } from './plan-types.js';
import { type FieldError, ScoringError, ScoringErrorCode } from './scoring.error.js';

export interface GroupState {
  index: number;
  input: PlanScoringGroup;
  template: PlanTemplate;
  rules: GroupTemplate;
  units: number[];
  unitIds: Set<string>;
  untaggedLeaf: boolean;
  tags: Set<string>;
  evaluators: readonly EvaluatorConfig[];
  evalIndex: Map<string, number>;
}

/** What does not change when only facts, ballots, events or templates change (reused by simulate). */
export interface PlanStructure {
  unitIndex: Map<string, number>;
  indicatorIndex: Map<string, number>;
  methods: MethodSpec[];
  /** The indicator's own co-unit rule (overrides the group's), if any. */
  indicatorCoRules: (CoUnitRule | undefined)[];
  /** (unit × indicators + indicator) → task index, −1 when the unit does not carry the indicator. */
  slot: Int32Array;
  /** Task indices with role 'lead' per indicator, and those with no role, for co tasks scored from their lead. */
  leadsOf: Map<number, number[]>;
  soleOf: Map<number, number[]>;
  /** Task → its unit and indicator index. */
  taskUnit: Int32Array;
  taskIndicator: Int32Array;
}

export interface Prepared extends PlanStructure {
  groups: GroupState[];
  groupIndex: Map<string, number>;
  templates: PlanTemplate[];
  /** Unit → group index. */
  unitGroup: Int32Array;
  /** Per task: the lead task it is scored from (≥ 0), −1 when scored from its own facts, −2 when its lead cannot be found. */
  leadTask: Int32Array;
  /** Per task with leadTask −2: why. */
  leadProblem: Map<number, string>;
  /** Per task: the co-unit rule that applies, or undefined for a lead / sole unit. */
  coRule: (CoUnitRule | undefined)[];
}

function fail(errors: FieldError[]): never {
  throw new ScoringError(
    ScoringErrorCode.InvalidPlanInput,
    `cannot score plan: ${errors.length} problem(s): ${errors
      .slice(0, 5)
      .map((e) => e.message)
      .join('; ')}${errors.length > 5 ? '; …' : ''}`,
    errors,
  );
}

/** The templates of an input: `templates`, plus the legacy `template` unless it is among them. */
export function inputTemplates(input: PlanScoringInput): PlanTemplate[] {
  const list = [...(input.templates ?? [])];
  if (input.template && !list.some((t) => t === input.template || (t.id === input.template!.id && t.version === input.template!.version)))
    list.unshift(input.template);
  return list;
}

/**
 * Prepares a plan. With `reuse` (an earlier preparation of an input with the same units, indicators and
 * tasks — same order, same ids; only facts may differ), the structure is taken over and only the groups'
 * templates are resolved again.
 */
export function preparePlan(input: PlanScoringInput, reuse?: PlanStructure): Prepared {
  const errors: FieldError[] = [];
  const err = (field: string, code: string, message: string): void => {
    errors.push({ field, code, message: `${field}: ${message}` });
  };
  const templates = inputTemplates(input);
  if (templates.length === 0) err('templates', 'required', 'no template given');

  // Groups
  const groups: GroupState[] = [];
  const groupIndex = new Map<string, number>();
  const usedTemplates: PlanTemplate[] = [];
  input.groups.forEach((g, i) => {
    if (groupIndex.has(g.id)) err(`groups[${i}].id`, 'duplicate', `duplicate group id ${g.id}`);
    const r = resolveGroupTemplate(templates, g, i, errors, input.template);
    if (!r) return;
    const { untagged, tags } = tagsOf(r.rules.composition);
    const evaluators = r.template.evaluators;
    groupIndex.set(g.id, groups.length);
    if (!usedTemplates.includes(r.template)) usedTemplates.push(r.template);
    groups.push({
      index: groups.length,
      input: g,
      template: r.template,
      rules: r.rules,
      units: [],
      unitIds: new Set(),
      untaggedLeaf: untagged,
      tags,
      evaluators,
      evalIndex: new Map(evaluators.map((e, k) => [e.key, k])),
    });
  });

  // Units
  const nUnits = input.units.length;
  const unitIndex = reuse?.unitIndex ?? new Map<string, number>();
  const unitGroup = new Int32Array(nUnits).fill(-1);
  input.units.forEach((u, i) => {
    if (!reuse) {
      if (unitIndex.has(u.id)) err(`units[${i}].id`, 'duplicate', `duplicate unit id ${u.id}`);
      unitIndex.set(u.id, i);
    }
    const g = groupIndex.get(u.groupId);
    if (g === undefined) {
      if (!input.groups.some((x) => x.id === u.groupId)) err(`units[${i}].groupId`, 'unknown', `unknown group ${u.groupId}`);
      return;
    }
    unitGroup[i] = g;
    groups[g].units.push(i);
    groups[g].unitIds.add(u.id);
  });

  const structure = reuse ?? buildStructure(input, unitIndex, err);
  if (errors.length > 0) fail(errors);

  // Co tasks: the rule that applies and the lead they are scored from
  const nTasks = input.tasks.length;
  const leadTask = new Int32Array(nTasks).fill(-1);
  const leadProblem = new Map<number, string>();
  const coRule: (CoUnitRule | undefined)[] = new Array(nTasks);
  const nInd = input.indicators.length;
  for (let k = 0; k < nTasks; k++) {
    const t = input.tasks[k];
    if (t.role !== 'co') continue;
    const u = structure.taskUnit[k];
    const i = structure.taskIndicator[k];
    const rule = structure.indicatorCoRules[i] ?? groups[unitGroup[u]].rules.coUnits ?? DEFAULT_CO_UNIT_RULE;
    coRule[k] = rule;
    if (rule.score !== 'lead') continue;
    let lead = -1;
    if (t.leadUnitId !== undefined && t.leadUnitId !== null) {
      const lu = structure.unitIndex.get(t.leadUnitId);
      const lk = lu === undefined ? -1 : structure.slot[lu * nInd + i];
      if (lk < 0) leadProblem.set(k, `lead unit ${t.leadUnitId} has no task for indicator ${t.indicatorId}`);
      else if (input.tasks[lk].role === 'co') leadProblem.set(k, `the task of ${t.leadUnitId} for indicator ${t.indicatorId} is a co task, not a lead`);
      else lead = lk;
    } else {
      const leads = structure.leadsOf.get(i) ?? structure.soleOf.get(i) ?? [];
      if (leads.length === 1) lead = leads[0];
      else
        leadProblem.set(
          k,
          leads.length === 0
            ? `indicator ${t.indicatorId} has no lead unit (牵头单位) to take the score from`
            : `indicator ${t.indicatorId} has ${leads.length} lead units: name the co task's leadUnitId`,
        );
    }
    leadTask[k] = lead >= 0 ? lead : -2;
  }
  return { ...structure, groups, groupIndex, templates: usedTemplates, unitGroup, leadTask, leadProblem, coRule };
}

function buildStructure(input: PlanScoringInput, unitIndex: Map<string, number>, err: (field: string, code: string, message: string) => void): PlanStructure {
  const nUnits = input.units.length;
  const nInd = input.indicators.length;
  const indicatorIndex = new Map<string, number>();
  const methods: MethodSpec[] = new Array(nInd);
  const indicatorCoRules: (CoUnitRule | undefined)[] = new Array(nInd);
  input.indicators.forEach((ind, i) => {
    if (indicatorIndex.has(ind.id)) err(`indicators[${i}].id`, 'duplicate', `duplicate indicator id ${ind.id}`);
    indicatorIndex.set(ind.id, i);
    if (!(typeof ind.points === 'number' && Number.isFinite(ind.points) && ind.points > 0)) {
      err(`indicators[${i}].points`, 'range', `must be a number > 0 (got ${String(ind.points)})`);
    }
    const v = validateMethodParams(ind.method?.code, ind.method?.params, { points: ind.points });
    if (v.ok) methods[i] = v.value;
    else for (const e of v.errors) err(`indicators[${i}].method.${e.field === 'code' ? 'code' : `params.${e.field}`}`, e.code, `(${ind.id}) ${e.message}`);
    if (ind.kind !== undefined && ind.kind !== null && ind.kind !== 'standard' && ind.kind !== 'constraint')
      err(`indicators[${i}].kind`, 'enum', `must be standard or constraint (got ${JSON.stringify(ind.kind)})`);
    if (ind.coUnits !== undefined && ind.coUnits !== null) {
      const c = new Checker();
      const rule = checkCoUnitRule(c.at(`indicators[${i}].coUnits`), ind.coUnits);
      for (const e of c.errors) err(e.field, e.code, e.message.slice(e.field.length + 2));
      indicatorCoRules[i] = rule;
    }
  });

  const slot = new Int32Array(nUnits * nInd).fill(-1);
  const taskUnit = new Int32Array(input.tasks.length).fill(-1);
  const taskIndicator = new Int32Array(input.tasks.length).fill(-1);
  const leadsOf = new Map<number, number[]>();
  const soleOf = new Map<number, number[]>();
  input.tasks.forEach((t, k) => {
    const u = unitIndex.get(t.unitId);
    const i = indicatorIndex.get(t.indicatorId);
    if (u === undefined) err(`tasks[${k}].unitId`, 'unknown', `unknown unit ${t.unitId}`);
    if (i === undefined) err(`tasks[${k}].indicatorId`, 'unknown', `unknown indicator ${t.indicatorId}`);
    if (t.role !== undefined && t.role !== null && t.role !== 'lead' && t.role !== 'co')
      err(`tasks[${k}].role`, 'enum', `must be lead or co (got ${JSON.stringify(t.role)})`);
    if (u === undefined || i === undefined) return;
    const s = u * nInd + i;
    if (slot[s] >= 0) {
      err(`tasks[${k}]`, 'duplicate', `a second task for indicator ${t.indicatorId} and unit ${t.unitId} (first: tasks[${slot[s]}])`);
      return;
    }
    slot[s] = k;
    taskUnit[k] = u;
    taskIndicator[k] = i;
    if (t.role !== 'co') {
      const map = t.role === 'lead' ? leadsOf : soleOf;
      const list = map.get(i);
      if (list) list.push(k);
      else map.set(i, [k]);
    }
  });
  return { unitIndex, indicatorIndex, methods, indicatorCoRules, slot, leadsOf, soleOf, taskUnit, taskIndicator };
}
