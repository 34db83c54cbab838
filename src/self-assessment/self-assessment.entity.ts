import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Indicator } from '../indicators/indicator.entity.js';
import { Plan } from '../plans/plan.entity.js';
import { Unit } from '../units/unit.entity.js';

/**
 * A plan's self-assessment window (自评时间): open from 00:00 of `opens_on` to 24:00 of `closes_on` in
 * the plan's zone; the instants are stored beside the dates so every check compares instants.
 */
@Entity({ name: 'self_assessment_windows' })
export class SelfAssessmentWindow {
  @PrimaryColumn({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ name: 'opens_on', type: 'text' }) opensOn: string;
  @Column({ name: 'closes_on', type: 'text' }) closesOn: string;
  @Column({ name: 'opens_at', type: 'text' }) opensAt: string;
  @Column({ name: 'closes_at', type: 'text' }) closesAt: string;
  @Column({ name: 'updated_by', type: 'text', nullable: true }) updatedBy: string | null;
  @Column({ name: 'updated_at', type: 'text' }) updatedAt: string;
}

/**
 * One unit's self-assessment in a plan: draft → submitted (naming the head who signs) → signed (final),
 * or returned by the head to draft. `version` guards concurrent edits; `last_hash` heads its event chain.
 */
@Entity({ name: 'self_assessments' })
@Index('ux_self_assessments_plan_unit', ['planId', 'unitId'], { unique: true })
export class SelfAssessment {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ name: 'unit_id', type: 'text' }) unitId: string;
  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<Unit>;
  /** draft | submitted | signed */
  @Column({ type: 'text' }) status: string;
  @Column({ type: 'integer' }) version: number;
  /** The unit's head who must sign it off (named by the unit on submission). */
  @Column({ name: 'signer_user_id', type: 'text', nullable: true }) signerUserId: string | null;
  @Column({ name: 'report_sha256', type: 'text', nullable: true }) reportSha256: string | null;
  @Column({ name: 'report_name', type: 'text', nullable: true }) reportName: string | null;
  @Column({ name: 'report_size', type: 'integer', nullable: true }) reportSize: number | null;
  @Column({ name: 'report_mime', type: 'text', nullable: true }) reportMime: string | null;
  @Column({ name: 'submitted_by', type: 'text', nullable: true }) submittedBy: string | null;
  @Column({ name: 'submitted_at', type: 'text', nullable: true }) submittedAt: string | null;
  @Column({ name: 'signed_by', type: 'text', nullable: true }) signedBy: string | null;
  @Column({ name: 'signed_at', type: 'text', nullable: true }) signedAt: string | null;
  @Column({ name: 'returned_reason', type: 'text', nullable: true }) returnedReason: string | null;
  @Column({ name: 'last_seq', type: 'integer' }) lastSeq: number;
  @Column({ name: 'last_hash', type: 'text' }) lastHash: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
  @Column({ name: 'updated_at', type: 'text' }) updatedAt: string;
}

/** A unit's self-score and note for one indicator. */
@Entity({ name: 'self_assessment_items' })
export class SelfAssessmentItem {
  @PrimaryColumn({ name: 'assessment_id', type: 'text' }) assessmentId: string;
  @ManyToOne(() => SelfAssessment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'assessment_id' })
  assessment?: Relation<SelfAssessment>;
  @PrimaryColumn({ name: 'indicator_id', type: 'text' }) indicatorId: string;
  @ManyToOne(() => Indicator, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'indicator_id' })
  indicator?: Relation<Indicator>;
  @Column({ name: 'self_score', type: 'real', nullable: true }) selfScore: number | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
}

/**
 * What happened to a self-assessment (saved, report uploaded, submitted, signed, returned): append-only
 * (triggers refuse update and delete) and hash-chained per assessment like task events.
 */
@Entity({ name: 'self_assessment_events' })
@Index('ux_self_assessment_events_seq', ['assessmentId', 'seq'], { unique: true })
export class SelfAssessmentEvent {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'assessment_id', type: 'text' }) assessmentId: string;
  @ManyToOne(() => SelfAssessment, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assessment_id' })
  assessment?: Relation<SelfAssessment>;
  @Column({ type: 'integer' }) seq: number;
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'text' }) payload: string;
  @Column({ name: 'actor_user_id', type: 'text', nullable: true }) actorUserId: string | null;
  @Column({ name: 'actor_role', type: 'text' }) actorRole: string;
  @Column({ type: 'text' }) at: string;
  @Column({ name: 'prev_hash', type: 'text' }) prevHash: string;
  @Column({ type: 'text' }) hash: string;
}

export const SELF_ASSESSMENT_ENTITIES = [SelfAssessmentWindow, SelfAssessment, SelfAssessmentItem, SelfAssessmentEvent];
