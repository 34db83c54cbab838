import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Plan, PlanGroup } from '../plans/plan.entity.js';
import { Unit } from '../units/unit.entity.js';
import { ScoringTemplateVersion } from './templates/template.entity.js';

/**
 * How a plan is scored: which plan template (config/plan-templates/<id>.json) it follows, which template
 * group each plan group uses, and per-indicator scoring tags. One row per plan; set by a supervisor.
 */
@Entity({ name: 'plan_scoring' })
export class PlanScoring {
  @PrimaryColumn({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ name: 'template_id', type: 'text' }) templateId: string;
  /** JSON object: plan group id → template group key. Groups not listed fall back to their kind or name. */
  @Column({ name: 'group_templates', type: 'text', default: '{}' }) groupTemplates: string;
  /** JSON object: indicator id → { tag?, whenAbsent? }. */
  @Column({ name: 'indicator_rules', type: 'text', default: '{}' }) indicatorRules: string;
  @Column({ name: 'updated_by', type: 'text', nullable: true }) updatedBy: string | null;
  @Column({ name: 'updated_at', type: 'text' }) updatedAt: string;
}

/**
 * One comprehensive-evaluation ballot (综合评价): an evaluator's ratings of the units of one group.
 * A later ballot of the same evaluator for the same group supersedes the earlier one (kept, marked).
 */
@Entity({ name: 'score_ballots' })
@Index('ix_score_ballots_plan', ['planId'])
@Index('ux_score_ballots_active', ['planId', 'groupId', 'evaluator', 'evaluatorId'], { unique: true, where: 'superseded_at IS NULL' })
export class ScoreBallot {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ name: 'group_id', type: 'text' }) groupId: string;
  @ManyToOne(() => PlanGroup, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<PlanGroup>;
  /** Evaluator kind: a template evaluator key (leaders, office, peers). */
  @Column({ type: 'text' }) evaluator: string;
  /** Who rated: a leader's name or id, the office, a unit id. */
  @Column({ name: 'evaluator_id', type: 'text' }) evaluatorId: string;
  /** The evaluator's own unit: never rated on its ballot. */
  @Column({ name: 'evaluator_unit_id', type: 'text', nullable: true }) evaluatorUnitId: string | null;
  /** JSON array of { unitId, grade? , score? }. */
  @Column({ type: 'text' }) entries: string;
  @Column({ name: 'submitted_by', type: 'text', nullable: true }) submittedBy: string | null;
  @Column({ name: 'submitted_role', type: 'text' }) submittedRole: string;
  @Column({ name: 'submitted_at', type: 'text' }) submittedAt: string;
  @Column({ name: 'superseded_at', type: 'text', nullable: true }) supersededAt: string | null;
  @Column({ name: 'superseded_by', type: 'text', nullable: true }) supersededBy: string | null;
}

/** A bonus, deduction, negative-list or veto event of a unit (加分 / 减分 / 负面清单 / 否决项), from the plan's catalogue. */
@Entity({ name: 'unit_score_events' })
@Index('ix_unit_score_events_plan', ['planId', 'unitId'])
export class UnitScoreEvent {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ name: 'unit_id', type: 'text' }) unitId: string;
  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<Unit>;
  /** bonus | deduction | negative_list | veto */
  @Column({ type: 'text' }) type: string;
  /** The catalogue item key. */
  @Column({ type: 'text' }) item: string;
  /** Points of this occurrence; null = the item's default. */
  @Column({ type: 'real', nullable: true }) points: number | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ name: 'recorded_by', type: 'text', nullable: true }) recordedBy: string | null;
  @Column({ name: 'recorded_role', type: 'text' }) recordedRole: string;
  @Column({ name: 'recorded_at', type: 'text' }) recordedAt: string;
  @Column({ name: 'voided_at', type: 'text', nullable: true }) voidedAt: string | null;
  @Column({ name: 'voided_by', type: 'text', nullable: true }) voidedBy: string | null;
  @Column({ name: 'void_reason', type: 'text', nullable: true }) voidReason: string | null;
}

/**
 * A frozen scoring of a plan: written when the plan closes (kind `close`) and by every explicit re-score
 * (kind `rescore`, with who and why). The newest run is the plan's official result. Append-only.
 */
@Entity({ name: 'score_runs' })
@Index('ix_score_runs_plan', ['planId'])
export class ScoreRun {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  /** close | rescore */
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'actor_user_id', type: 'text', nullable: true }) actorUserId: string | null;
  @Column({ name: 'actor_role', type: 'text' }) actorRole: string;
  @Column({ name: 'actor_username', type: 'text', nullable: true }) actorUsername: string | null;
  @Column({ type: 'text' }) at: string;
  @Column({ name: 'template_id', type: 'text' }) templateId: string;
  @Column({ name: 'template_version', type: 'integer' }) templateVersion: number;
  @Column({ type: 'boolean' }) provisional: boolean;
  /** JSON: the group rankings and grading seats (GroupScores[] with names). */
  @Column({ type: 'text' }) groups: string;
  /** JSON: ScoringIssue[]. */
  @Column({ type: 'text' }) issues: string;
  /** JSON (re-score only): units whose final, rank, grade or result differ from the previous run. */
  @Column({ type: 'text', nullable: true }) changes: string | null;
}

/** A unit's frozen total with its whole breakdown (UnitScore as JSON). Append-only. */
@Entity({ name: 'unit_scores' })
export class UnitScoreRow {
  @PrimaryColumn({ name: 'run_id', type: 'integer' }) runId: number;
  @ManyToOne(() => ScoreRun, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'run_id' })
  run?: Relation<ScoreRun>;
  @PrimaryColumn({ name: 'unit_id', type: 'text' }) unitId: string;
  @Column({ name: 'group_id', type: 'text' }) groupId: string;
  @Column({ type: 'real' }) composite: number;
  @Column({ type: 'real' }) bonus: number;
  @Column({ type: 'real' }) deduction: number;
  @Column({ name: 'negative_list', type: 'real' }) negativeList: number;
  @Column({ type: 'real' }) final: number;
  @Column({ type: 'integer' }) rank: number;
  @Column({ type: 'text' }) grade: string;
  /** passed | failed */
  @Column({ type: 'text' }) result: string;
  @Column({ type: 'boolean' }) provisional: boolean;
  /** JSON: the UnitScore (indicators with explanations, parts, adjustments, explanation). */
  @Column({ type: 'text' }) breakdown: string;
}

export const SCORE_ENTITIES = [PlanScoring, ScoreBallot, UnitScoreEvent, ScoreRun, UnitScoreRow, ScoringTemplateVersion];
