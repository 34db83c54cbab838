import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Unit } from '../units/unit.entity.js';

export const PLAN_STATUSES = ['draft', 'published', 'closed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** One assessment period (考核方案), e.g. "2026年度绩效考评". */
@Entity({ name: 'plans' })
export class Plan {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'integer' }) year: number;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', default: 'Asia/Shanghai' }) timezone: string;
  @Index('ix_plans_status')
  @Column({ type: 'text', default: 'draft' })
  status: PlanStatus;
  /** Working days before a node's due day at which its light turns yellow (overridable per node). */
  @Column({ name: 'warn_working_days', type: 'integer', default: 3 }) warnWorkingDays: number;
  /** Working days after assignment to sign for (签收) a task; null: no sign-for deadline. */
  @Column({ name: 'sign_for_working_days', type: 'integer', nullable: true }) signForWorkingDays: number | null;
  /** Node k+1 may be submitted only after node k is approved (an indicator may override it). */
  @Column({ name: 'sequential_submission', type: 'boolean', default: false }) sequentialSubmission: boolean;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}

/** Units scored and ranked together within a plan (镇街组 / 园区组 / 部门组). */
@Entity({ name: 'plan_groups' })
@Index('ux_plan_groups_name', ['planId', 'name'], { unique: true })
export class PlanGroup {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', default: 'department' }) kind: string;
}

@Entity({ name: 'group_members' })
@Index('ix_group_members_unit', ['unitId'])
export class GroupMember {
  @PrimaryColumn({ name: 'group_id', type: 'text' }) groupId: string;
  @ManyToOne(() => PlanGroup, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<PlanGroup>;
  @PrimaryColumn({ name: 'unit_id', type: 'text' }) unitId: string;
  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<Unit>;
}
