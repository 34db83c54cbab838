/**
 * Input and output shapes of `computePlanScores` and `simulatePlanScores`. Every displayed number comes
 * with a `display` text beside it (half-up, 2 places: numeric.ts), so pages and exports show the same digits.
 */
import type { Adjustments, UnitEvent } from './adjustments.js';
import type { PartScore } from './composition.js';
import type { Ballot, BallotQuotaLine } from './evaluation.js';
import type { TaskProvenance } from './facts.js';
import type { CoUnitRule, PlanTemplate } from './plan-template.js';
import type { GradeSeats, ThresholdGrade } from './ranking.js';
import type { Explanation, TaskFacts } from './types.js';

// ─── Input ──────────────────────────────────────────────────────────────────────────────────────────

export interface PlanScoringGroup {
  id: string;
  name?: string;
  /**
   * The id of the template this group follows (towns, parks and departments may each follow their own).
   * May be omitted when the input has one template (`template`, or a single entry in `templates`).
   */
  templateId?: string;
  /** Which version, when `templates` holds several versions of one id. */
  templateVersion?: number;
  /** The key of the template group whose rules apply (e.g. "towns"); may be omitted when the template has one group. */
  template?: string;
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
  /**
   * standard [default]; constraint (约束性指标): never adds, only deducts — the unit loses points − score,
   * from its indicators part or from its total (the group's `constraintIndicators`).
   */
  kind?: 'standard' | 'constraint' | null;
  /** Overrides the group's co-unit rule for this indicator (raw; validated like a template's `coUnits`). */
  coUnits?: Partial<CoUnitRule> | null;
}

/** One task: an indicator assigned to a unit, with what the read model knows of its outcome. */
export interface PlanScoringTask {
  taskId?: string;
  indicatorId: string;
  unitId: string;
  facts: TaskFacts;
  /** 牵头 (lead, the default) or 协办 (co-responsible) on this indicator. */
  role?: 'lead' | 'co' | null;
  /** For a co task scored from its lead: the lead unit (needed when the indicator has several leads). */
  leadUnitId?: string | null;
  /** Who entered each fact and when (by fact path): shown in the score's explanation (`explanation.sources`). */
  provenance?: TaskProvenance | null;
}

export interface PlanScoringInput {
  /** The plan's one template (older callers): groups without a templateId follow it. */
  template?: PlanTemplate;
  /** Templates the groups follow (by templateId, and templateVersion when several versions are given). */
  templates?: readonly PlanTemplate[];
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
  /** What the score counts out of (a co-unit scored out of its share: points × share). */
  points: number;
  /**
   * scored: all facts present; provisional: some facts missing (counted as 0 / not done, see `missing`);
   * group_average: the unit does not carry the indicator and gets its group's average; error: the facts
   * cannot be scored (score 0, see `error`).
   */
  status: IndicatorScoreStatus;
  /** For a constraint indicator, the deduction as a negative number (−(points − method score)). */
  score: number;
  display: string;
  explanation: Explanation;
  missing?: string[];
  error?: { code: string; message: string };
  /** False when the group's composition has no indicators part for this indicator's tag. */
  counted: boolean;
  role?: 'lead' | 'co';
  /** How a co-unit's score was derived: its own or its lead's score × share. */
  coUnit?: { from: 'own' | 'lead'; share: number; baseScore: number; baseDisplay: string; leadUnitId?: string; leadTaskId?: string };
  /** 约束性指标: the method's score, the deduction (points − it) and where the deduction applies. */
  constraint?: { methodScore: number; deduction: number; deductionDisplay: string; applies: 'part' | 'total' };
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
  /** total, rank and grade in words; notes: flags a reader must see (a ballot above its in-principle quota). */
  explanation: { total: string; rank: string; grade: string; notes?: string[] };
}

export interface GroupScores {
  groupId: string;
  name?: string;
  /** The template the group followed, and its version. */
  templateId: string;
  templateVersion: number;
  /** The template group's key and name. */
  template: string;
  templateName: string;
  /** Unit ids by rank. */
  ranking: string[];
  grading:
    | { mode: 'quota'; graded: number; seats: GradeSeats[]; vetoGrade: string }
    | { mode: 'thresholds'; thresholds: ThresholdGrade[]; otherwise: string; vetoGrade: string };
  provisional: boolean;
}

/** What became of each ballot: counted (possibly above an in-principle quota, flagged) or left out. */
export interface BallotResult {
  ballotId?: string;
  evaluator: string;
  evaluatorId: string;
  groupId: string;
  status: 'counted' | 'left_out';
  /** Quota lines (grade ballots with a quota): allowance and count per grade. */
  quota?: BallotQuotaLine[];
  /** Grades given above an in-principle quota (accepted, flagged). */
  excess?: BallotQuotaLine[];
  /** Why it was left out, or the flag in words. */
  note?: string;
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
  /** The first template's id (the plan's one template for older callers). */
  templateId: string;
  /** Every template the groups followed. */
  templates: { id: string; version: number; name: string }[];
  groups: GroupScores[];
  /** In the input's unit order. */
  units: UnitScore[];
  ballots: BallotResult[];
  issues: ScoringIssue[];
  provisional: boolean;
  counts: { groups: number; units: number; indicators: number; tasks: number; ballots: number; events: number };
}
