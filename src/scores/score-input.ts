/**
 * From the read model to `computePlanScores` input: pure, no database (unit-tested in score-input.spec.ts).
 *
 * What the read model knows about a task and how it becomes `TaskFacts` (documented in src/scores/README.md):
 * - nodes / redNodes: the task's nodes and its red-lighted ones (the `nodes` projection); redNodeDeductions:
 *   each red node's configured deduction (null = the method's default).
 * - completed: every node approved (true); closed or scored without that (false); still live: unknown
 *   (missing, so the score is provisional).
 * - actual: the latest approved node's reviewed value (考核主体审定值), or, when the assessor entered none,
 *   the completed value of the submission it approved; never an unreviewed submission. Direct methods read
 *   it as their count: per_occurrence → occurrences; per_missed_item → completedItems when the method
 *   lists `items`, else missedItems.
 * - assessorPoints: the latest approved node's assessor points that are set.
 * - target: the task's last node's stage value (the unit's own annual target) or the indicator's target.
 * - policyAdjustment, subValues, subItems: entered by a person — the assessor with the approval, or the
 *   assessor / the office afterwards (task.facts) — kept in the task's scoring facts (`entered`), each with
 *   who entered it and when (the score explanation's `sources`). Only the ones the method reads are taken.
 */
import type { TaskFacts } from '../scoring/types.js';
import type { EnteredFacts } from '../../workflows/task/index.js';
import type { TaskProvenance } from '../scoring/facts.js';
import type { MethodSpec } from '../scoring/method-params.js';
import type { PlanScoringGroup, PlanScoringIndicator, PlanScoringInput, PlanScoringTask, PlanScoringUnit, ScoringIssue } from '../scoring/plan-scores.js';
import type { PlanTemplate } from '../scoring/plan-template.js';
import type { Ballot } from '../scoring/evaluation.js';
import type { UnitEvent } from '../scoring/adjustments.js';

export interface GroupRow {
  id: string;
  name: string;
  kind: string;
}

export interface MemberRow {
  group_id: string;
  unit_id: string;
  unit_name: string;
}

export interface IndicatorRowLite {
  id: string;
  code: string;
  name: string;
  points: number;
  method_code: string;
  method_params: string;
  target_value: number | null;
  direction: string;
}

/** One task as the scoring query reads it (no snapshot parse on the JS side unless `needsFull`). */
export interface TaskFactRow {
  id: string;
  indicator_id: string;
  unit_id: string;
  state: string;
  nodes: number;
  red_nodes: number;
  approved_nodes: number;
  /** JSON array of the red nodes' configured deductions (null entries = default), or null when none. */
  red_deductions: string | null;
  last_stage_value: number | null;
  /** Of the latest approved node: reviewedValue, the approved submission's completedValue, assessorPoints. */
  reviewed_value: number | null;
  completed_value: number | null;
  assessor_points: number | null;
  /** context.score of a scored task. */
  recorded_score: number | null;
  /** Scoring facts entered by the assessor or the office, with their sources (context.enteredFacts); null when none. */
  entered?: EnteredFacts | null;
}

/** The approvals of the earlier approved nodes, latest first, when the latest one lacks a value (rare; read in one batch). */
export interface ApprovalValues {
  reviewedValue: number | null;
  completedValue: number | null;
  assessorPoints: number | null;
}

export interface IndicatorRule {
  tag?: string | null;
  whenAbsent?: 'exclude' | 'group_average' | null;
}

export interface ScoringConfig {
  templateId: string;
  /** plan group id → template group key */
  groupTemplates: Record<string, string>;
  /** indicator id → rule */
  indicatorRules: Record<string, IndicatorRule>;
}

const LIVE_STATES = new Set(['assigned', 'open', 'submitted', 'returned']);
export const isLiveState = (state: string): boolean => LIVE_STATES.has(state);

/** Methods (and direct modes) that read `actual` or `assessorPoints`, i.e. need the approval values. */
export function needsApprovalValues(spec: MethodSpec): { actual: boolean; assessor: boolean } {
  switch (spec.code) {
    case 'ratio':
      return { actual: true, assessor: spec.params.assessorPoints };
    case 'efficacy':
      return { actual: true, assessor: false };
    case 'direct':
      switch (spec.params.mode) {
        case 'assessor':
          return { actual: false, assessor: true };
        case 'sub_items':
          return { actual: false, assessor: false };
        default:
          return { actual: true, assessor: false };
      }
    default:
      return { actual: false, assessor: false };
  }
}

/** True when the latest approved node lacks a value the method needs and earlier approved nodes may have it. */
export function needsEarlierApprovals(row: TaskFactRow, spec: MethodSpec): boolean {
  if (row.approved_nodes < 2) return false;
  const need = needsApprovalValues(spec);
  return (need.actual && row.reviewed_value === null && row.completed_value === null) || (need.assessor && row.assessor_points === null);
}

/**
 * The facts of one task for its indicator's method. `earlier` gives the approvals of the earlier approved
 * nodes (latest first) and is called only when the latest approved node lacks a value the method needs.
 */
export function taskFacts(row: TaskFactRow, spec: MethodSpec, indicatorTarget: number | null, earlier: () => ApprovalValues[]): TaskFacts {
  const facts: TaskFacts = { nodes: row.nodes, redNodes: row.red_nodes };
  if (row.red_deductions) facts.redNodeDeductions = JSON.parse(row.red_deductions) as (number | null)[];
  else if (row.red_nodes === 0) facts.redNodeDeductions = [];
  if (row.nodes > 0 && row.approved_nodes === row.nodes) facts.completed = true;
  else if (!isLiveState(row.state)) facts.completed = false;
  const target = row.last_stage_value ?? indicatorTarget;
  if (target !== null) facts.target = target;

  const need = needsApprovalValues(spec);
  if ((need.actual || need.assessor) && row.approved_nodes > 0) {
    let actual = row.reviewed_value ?? row.completed_value;
    let assessor = row.assessor_points;
    if (needsEarlierApprovals(row, spec)) {
      for (const a of earlier()) {
        actual ??= a.reviewedValue ?? a.completedValue;
        assessor ??= a.assessorPoints;
      }
    }
    if (need.assessor && assessor !== null) facts.assessorPoints = assessor;
    if (need.actual && actual !== null) {
      facts.actual = actual;
      if (spec.code === 'direct') {
        if (spec.params.mode === 'per_occurrence') facts.occurrences = actual;
        else if (spec.params.mode === 'per_missed_item') {
          if (spec.params.items !== undefined) facts.completedItems = actual;
          else facts.missedItems = actual;
        }
      }
    }
  }
  const entered = row.entered?.values;
  if (entered) {
    if (spec.code === 'ratio') {
      if (spec.params.subIndicators && entered.subValues) facts.subValues = entered.subValues;
      else if (!spec.params.subIndicators && spec.params.policyAdjustment && entered.policyAdjustment !== undefined)
        facts.policyAdjustment = entered.policyAdjustment;
    } else if (spec.code === 'direct' && spec.params.mode === 'sub_items' && entered.subItems) {
      facts.subItems = entered.subItems;
    }
  }
  return facts;
}

/**
 * Who entered each of a task's entered facts and when, for the score explanation (`explanation.sources`):
 * by fact path, the person's name (else id, else role), role, instant, and how (with the approval of node n,
 * or a correction with its reason). Null when nothing was entered.
 */
export function provenanceOf(row: TaskFactRow): TaskProvenance | null {
  const sources = row.entered?.sources;
  if (!sources || Object.keys(sources).length === 0) return null;
  const out: Record<string, { by: string; role?: string; at: string; note?: string }> = {};
  for (const [path, s] of Object.entries(sources)) {
    const note = s.via === 'evidence.approve' ? `审核通过节点 ${s.nodeSeq ?? ''} 时录入` : `更正：${s.reason ?? ''}`;
    out[path] = { by: s.name ?? s.userId ?? s.role ?? '—', ...(s.role ? { role: s.role } : {}), at: s.at, note };
  }
  return out;
}

/**
 * The template group a plan group follows: the configured one, else the template group whose key equals
 * the group's kind, or whose name equals the group's name, else the template's only group.
 */
export function templateGroupOf(group: GroupRow, config: ScoringConfig, template: PlanTemplate): string | undefined {
  const explicit = config.groupTemplates[group.id];
  if (explicit !== undefined) return template.groups.some((g) => g.key === explicit) ? explicit : undefined;
  const byKind = template.groups.find((g) => g.key === group.kind);
  if (byKind) return byKind.key;
  const byName = template.groups.find((g) => g.name === group.name);
  if (byName) return byName.key;
  return template.groups.length === 1 ? template.groups[0].key : undefined;
}

/**
 * Method parameters as stored, with the indicator's `direction` column as the default direction for the
 * methods that have one.
 */
export function methodOf(ind: IndicatorRowLite): { code: string; params: Record<string, unknown> } {
  let params: Record<string, unknown>;
  try {
    params = JSON.parse(ind.method_params) as Record<string, unknown>;
  } catch {
    params = { $invalid: ind.method_params };
  }
  if (ind.direction === 'lower' && params.direction === undefined) {
    const directional = ind.method_code === 'ratio' || ind.method_code === 'efficacy' || (ind.method_code === 'direct' && params.mode === 'threshold_linear');
    if (directional) params = { ...params, direction: 'lower' };
  }
  return { code: ind.method_code, params };
}

export interface BuiltInput {
  input: PlanScoringInput;
  /** Problems found while building (units in no group, 0-point indicators…), merged into the result's issues. */
  issues: ScoringIssue[];
  /** Plan groups no template group could be found for. */
  unresolvedGroups: GroupRow[];
  /** Tasks left out (their unit is in no group of the plan, or their indicator is not scored). */
  skippedTasks: string[];
}

/**
 * Builds the input of computePlanScores. `facts(row, spec, target)` turns a task row into facts (so the
 * caller decides how to fetch the rare snapshot path). Units are the members of the plan's groups; a unit
 * in two groups counts in the first (by name) and is reported.
 */
export function buildScoringInput(args: {
  template: PlanTemplate;
  config: ScoringConfig;
  groups: readonly GroupRow[];
  members: readonly MemberRow[];
  indicators: readonly IndicatorRowLite[];
  tasks: readonly TaskFactRow[];
  specOf: (ind: IndicatorRowLite) => MethodSpec | undefined;
  facts: (row: TaskFactRow, spec: MethodSpec, target: number | null) => TaskFacts;
  ballots?: readonly Ballot[];
  events?: readonly UnitEvent[];
}): BuiltInput {
  const { template, config } = args;
  const issues: ScoringIssue[] = [];
  const unresolvedGroups: GroupRow[] = [];
  const groups: PlanScoringGroup[] = [];
  for (const g of args.groups) {
    const key = templateGroupOf(g, config, template);
    if (key === undefined) {
      unresolvedGroups.push(g);
      continue;
    }
    groups.push({ id: g.id, name: g.name, template: key });
  }
  const groupIds = new Set(groups.map((g) => g.id));
  const units: PlanScoringUnit[] = [];
  const unitGroup = new Map<string, string>();
  for (const m of args.members) {
    if (!groupIds.has(m.group_id)) continue;
    const prior = unitGroup.get(m.unit_id);
    if (prior !== undefined) {
      issues.push({
        level: 'warning',
        code: 'unit_in_two_groups',
        message: `unit ${m.unit_id} is in groups ${prior} and ${m.group_id}; scored in ${prior}`,
        unitId: m.unit_id,
        groupId: m.group_id,
      });
      continue;
    }
    unitGroup.set(m.unit_id, m.group_id);
    units.push({ id: m.unit_id, name: m.unit_name, groupId: m.group_id });
  }

  const indicators: PlanScoringIndicator[] = [];
  const specs = new Map<string, { spec: MethodSpec; target: number | null }>();
  for (const ind of args.indicators) {
    if (!(ind.points > 0)) {
      issues.push({
        level: 'warning',
        code: 'indicator_without_points',
        message: `indicator ${ind.code} (${ind.id}) has ${ind.points} points: not scored`,
        indicatorId: ind.id,
      });
      continue;
    }
    const rule = config.indicatorRules[ind.id] ?? {};
    const out: PlanScoringIndicator = { id: ind.id, name: `${ind.code} ${ind.name}`, points: ind.points, method: methodOf(ind) };
    if (rule.tag) out.tag = rule.tag;
    if (rule.whenAbsent) out.whenAbsent = rule.whenAbsent;
    indicators.push(out);
    const spec = args.specOf(ind);
    if (spec) specs.set(ind.id, { spec, target: ind.target_value });
  }

  const tasks: PlanScoringTask[] = [];
  const skippedTasks: string[] = [];
  const ungrouped = new Map<string, number>();
  for (const row of args.tasks) {
    const s = specs.get(row.indicator_id);
    if (!unitGroup.has(row.unit_id)) {
      ungrouped.set(row.unit_id, (ungrouped.get(row.unit_id) ?? 0) + 1);
      skippedTasks.push(row.id);
      continue;
    }
    if (!s) {
      // 0 points (reported above) or invalid method params (computePlanScores reports those, with the field).
      if (indicators.some((i) => i.id === row.indicator_id)) tasks.push({ taskId: row.id, indicatorId: row.indicator_id, unitId: row.unit_id, facts: {} });
      else skippedTasks.push(row.id);
      continue;
    }
    const provenance = provenanceOf(row);
    tasks.push({
      taskId: row.id,
      indicatorId: row.indicator_id,
      unitId: row.unit_id,
      facts: args.facts(row, s.spec, s.target),
      ...(provenance ? { provenance } : {}),
    });
  }
  for (const [unitId, n] of ungrouped) {
    issues.push({
      level: 'error',
      code: 'unit_not_in_group',
      message: `unit ${unitId} has ${n} task(s) but is in no scored group of the plan: not scored`,
      unitId,
    });
  }
  const ballots = (args.ballots ?? []).filter((b) => groupIds.has(b.groupId));
  return {
    input: { template, groups, units, indicators, tasks, ballots, events: args.events ?? [] },
    issues,
    unresolvedGroups,
    skippedTasks,
  };
}
