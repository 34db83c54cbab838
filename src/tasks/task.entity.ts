import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Indicator } from '../indicators/indicator.entity.js';
import { Plan } from '../plans/plan.entity.js';
import { Unit } from '../units/unit.entity.js';

/**
 * One indicator assigned to one responsible unit: one state machine. `snapshot` is the persisted
 * machine; state, light, current_node_seq, next_deadline_at and red_count are query columns derived
 * from it after every transition, in the same transaction.
 */
@Entity({ name: 'tasks' })
@Index('ux_tasks_indicator_unit', ['indicatorId', 'unitId'], { unique: true })
@Index('ix_tasks_plan_unit', ['planId', 'unitId'])
@Index('ix_tasks_plan_state', ['planId', 'state'])
@Index('ix_tasks_next_deadline', ['nextDeadlineAt'], { where: 'next_deadline_at IS NOT NULL' })
@Index('ix_tasks_review_due', ['reviewDueAt'], { where: 'review_due_at IS NOT NULL' })
export class Task {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ name: 'indicator_id', type: 'text' }) indicatorId: string;
  @ManyToOne(() => Indicator, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'indicator_id' })
  indicator?: Relation<Indicator>;
  @Column({ name: 'unit_id', type: 'text' }) unitId: string;
  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<Unit>;
  @Column({ name: 'is_lead', type: 'boolean', default: true }) isLead: boolean;
  @Column({ type: 'text' }) state: string;
  @Column({ type: 'text', nullable: true }) light: string | null;
  @Column({ name: 'current_node_seq', type: 'integer', nullable: true }) currentNodeSeq: number | null;
  @Column({ name: 'next_deadline_at', type: 'text', nullable: true }) nextDeadlineAt: string | null;
  @Column({ name: 'red_count', type: 'integer', default: 0 }) redCount: number;
  /** Not signed for (签收) by the plan's sign-for deadline: its own flag, not a red light. */
  @Column({ name: 'sign_for_overdue', type: 'boolean', default: false }) signForOverdue: boolean;
  /** While evidence awaits review: end of the assessor's review window (working days from submission). */
  @Column({ name: 'review_due_at', type: 'text', nullable: true }) reviewDueAt: string | null;
  /** Scoring facts derived from the snapshot (see tasks/scoring-facts.ts), so the scores read parses no snapshot. */
  @Column({ name: 'scoring_facts', type: 'text', nullable: true }) scoringFacts: string | null;
  @Column({ type: 'integer' }) version: number;
  @Column({ name: 'machine_version', type: 'integer' }) machineVersion: number;
  @Column({ type: 'text' }) snapshot: string;
  @Column({ name: 'last_seq', type: 'integer' }) lastSeq: number;
  @Column({ name: 'last_hash', type: 'text' }) lastHash: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
  @Column({ name: 'updated_at', type: 'text' }) updatedAt: string;
}

/** A dated milestone (节点). Definition columns plus a projection of the node's progress. */
@Entity({ name: 'nodes' })
@Index('ix_nodes_due', ['dueAt'])
export class TaskNode {
  @PrimaryColumn({ name: 'task_id', type: 'text' }) taskId: string;
  @ManyToOne(() => Task, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'task_id' })
  task?: Relation<Task>;
  @PrimaryColumn({ type: 'integer' }) seq: number;
  /** The due day (YYYY-MM-DD, plan timezone) of the effective due time: moves with a granted extension. */
  @Column({ name: 'due_date', type: 'text' }) dueDate: string;
  /** End of the due day in the plan's timezone, ISO UTC. */
  @Column({ name: 'due_at', type: 'text' }) dueAt: string;
  @Column({ name: 'warn_at', type: 'text' }) warnAt: string;
  @Column({ name: 'stage_target', type: 'text', nullable: true }) stageTarget: string | null;
  @Column({ name: 'stage_value', type: 'real', nullable: true }) stageValue: number | null;
  @Column({ name: 'required_evidence', type: 'text', nullable: true }) requiredEvidence: string | null;
  @Column({ name: 'red_deduction', type: 'real', nullable: true }) redDeduction: number | null;
  /** pending | open | submitted | returned | approved */
  @Column({ type: 'text', default: 'pending' }) status: string;
  @Column({ name: 'red_lighted', type: 'boolean', default: false }) redLighted: boolean;
  @Column({ name: 'approved_at', type: 'text', nullable: true }) approvedAt: string | null;
  @Column({ name: 'late_days', type: 'integer', nullable: true }) lateDays: number | null;
  /** The node's own light (machine v2): green → yellow at warn_at → red at due_at while not approved; frozen at approval. */
  @Column({ type: 'text', nullable: true }) light: string | null;
  /** Approved after its red light (补报/已整改): still counted red. */
  @Column({ name: 'late_completed', type: 'boolean', default: false }) lateCompleted: boolean;
  /** Working days late of the latest submission, by the plan's calendar. */
  @Column({ name: 'late_working_days', type: 'integer', nullable: true }) lateWorkingDays: number | null;
  /** The due instant the red light marks, and when the machine recorded it. */
  @Column({ name: 'red_lighted_at', type: 'text', nullable: true }) redLightedAt: string | null;
  @Column({ name: 'red_recorded_at', type: 'text', nullable: true }) redRecordedAt: string | null;
  @Column({ name: 'extension_pending', type: 'boolean', default: false }) extensionPending: boolean;
}

/** One run of the start-up upgrade of stored v1 tasks to machine v2, with the red counts it changed. */
@Entity({ name: 'machine_upgrades' })
export class MachineUpgrade {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'text' }) at: string;
  @Column({ name: 'from_version', type: 'integer' }) fromVersion: number;
  @Column({ name: 'to_version', type: 'integer' }) toVersion: number;
  @Column({ type: 'integer' }) tasks: number;
  @Column({ name: 'red_before', type: 'integer' }) redBefore: number;
  @Column({ name: 'red_after', type: 'integer' }) redAfter: number;
  @Column({ name: 'changed_tasks', type: 'integer' }) changedTasks: number;
  /** JSON: per task whose red count changed, { taskId, before, after, newRedNodes }. */
  @Column({ type: 'text' }) report: string;
}

/**
 * The append-only, hash-chained history. Nothing in the code updates or deletes these rows, and
 * database triggers refuse it too. hash = sha256(prev_hash|task_id|seq|type|occurred_at|payload).
 */
@Entity({ name: 'task_events' })
@Index('ux_task_events_task_seq', ['taskId', 'seq'], { unique: true })
@Index('ix_task_events_occurred', ['occurredAt'])
export class TaskEvent {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'task_id', type: 'text' }) taskId: string;
  @Column({ type: 'integer' }) seq: number;
  @Column({ type: 'text' }) type: string;
  @ManyToOne(() => Task, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'task_id' })
  task?: Relation<Task>;
  /** Canonical JSON (RFC 8785) of { actor, data, machineVersion }: the exact text that was hashed. */
  @Column({ type: 'text' }) payload: string;
  @Column({ name: 'actor_user_id', type: 'text', nullable: true }) actorUserId: string | null;
  @Column({ name: 'actor_role', type: 'text' }) actorRole: string;
  @Column({ name: 'actor_unit_id', type: 'text', nullable: true }) actorUnitId: string | null;
  @Column({ name: 'occurred_at', type: 'text' }) occurredAt: string;
  @Column({ name: 'recorded_at', type: 'text' }) recordedAt: string;
  @Column({ name: 'state_before', type: 'text', nullable: true }) stateBefore: string | null;
  @Column({ name: 'state_after', type: 'text' }) stateAfter: string;
  @Column({ name: 'machine_version', type: 'integer' }) machineVersion: number;
  @Column({ name: 'prev_hash', type: 'text' }) prevHash: string;
  @Column({ type: 'text' }) hash: string;
}

/**
 * Domain events waiting to be delivered (SSE, webhooks). Written in the same transaction as the task
 * event, so a crash between commit and delivery loses nothing.
 */
@Entity({ name: 'outbox' })
@Index('ix_outbox_pending', ['id'], { where: 'dispatched_at IS NULL' })
@Index('ux_outbox_stream_seq', ['streamSeq'], { unique: true, where: 'stream_seq IS NOT NULL' })
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'task_id', type: 'text' }) taskId: string;
  @Column({ name: 'event_seq', type: 'integer' }) eventSeq: number;
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'text' }) body: string;
  @Column({ name: 'unit_id', type: 'text', nullable: true }) unitId: string | null;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
  @Column({ name: 'dispatched_at', type: 'text', nullable: true }) dispatchedAt: string | null;
  /** Place in the event stream (SSE id): given at dispatch, one dispatcher at a time, without gaps. */
  @Column({ name: 'stream_seq', type: 'integer', nullable: true }) streamSeq: number | null;
}
