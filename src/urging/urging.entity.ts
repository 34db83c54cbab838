import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Plan } from '../plans/plan.entity.js';

/** A plan's escalation rules (催办规则): JSON [{ level, offsetWorkingDays, replyWorkingDays? }]. */
@Entity({ name: 'urging_rules' })
export class UrgingRules {
  @PrimaryColumn({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ type: 'text' }) rules: string;
  @Column({ name: 'updated_by', type: 'text', nullable: true }) updatedBy: string | null;
  @Column({ name: 'updated_at', type: 'text' }) updatedAt: string;
}

/**
 * One urging notice on a node (提醒 / 催办 / 督办), from the office or a rule. `key` makes a rule's notice
 * unique per node and level (`rule:<level>`), so a second run, a restart or another instance issues
 * nothing twice; an office notice has a key of its own.
 */
@Entity({ name: 'urging_notices' })
@Index('ux_urging_notices_key', ['taskId', 'nodeSeq', 'key'], { unique: true })
@Index('ix_urging_notices_unit', ['planId', 'unitId'])
export class UrgingNotice {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ name: 'task_id', type: 'text' }) taskId: string;
  @Column({ name: 'node_seq', type: 'integer' }) nodeSeq: number;
  @Column({ name: 'unit_id', type: 'text' }) unitId: string;
  /** remind (提醒) | urge (催办) | supervise (督办) */
  @Column({ type: 'text' }) level: string;
  @Column({ type: 'text' }) key: string;
  /** office | rule */
  @Column({ type: 'text' }) source: string;
  /** Per plan and level: 催〔2026〕3号. */
  @Column({ type: 'integer' }) number: number;
  @Column({ type: 'text' }) text: string;
  /** 督办: the date by which the unit must reply. */
  @Column({ name: 'reply_by', type: 'text', nullable: true }) replyBy: string | null;
  @Column({ name: 'due_at', type: 'text' }) dueAt: string;
  @Column({ name: 'days_overdue', type: 'integer' }) daysOverdue: number;
  @Column({ name: 'issued_by', type: 'text', nullable: true }) issuedBy: string | null;
  @Column({ name: 'issued_at', type: 'text' }) issuedAt: string;
  @Column({ name: 'reply_text', type: 'text', nullable: true }) replyText: string | null;
  @Column({ name: 'replied_by', type: 'text', nullable: true }) repliedBy: string | null;
  @Column({ name: 'replied_at', type: 'text', nullable: true }) repliedAt: string | null;
}

export const URGING_ENTITIES = [UrgingRules, UrgingNotice];
