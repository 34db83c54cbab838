import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Plan } from '../plans/plan.entity.js';
import { Unit } from '../units/unit.entity.js';

/**
 * A leader's 批示 on a unit (or one of its tasks): praise (表扬), criticism (批评) or an instruction
 * (指示). Append-only (triggers refuse update and delete) and chained per plan: hash = sha256(previous
 * hash of the plan | canonical fields).
 */
@Entity({ name: 'leader_instructions' })
@Index('ix_leader_instructions_plan_unit', ['planId', 'unitId'])
@Index('ux_leader_instructions_plan_seq', ['planId', 'seq'], { unique: true })
export class LeaderInstruction {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ type: 'integer' }) seq: number;
  @Column({ name: 'unit_id', type: 'text' }) unitId: string;
  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<Unit>;
  @Column({ name: 'task_id', type: 'text', nullable: true }) taskId: string | null;
  /** praise | criticism | instruction */
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'text' }) text: string;
  @Column({ name: 'by_user_id', type: 'text' }) byUserId: string;
  @Column({ name: 'by_name', type: 'text' }) byName: string;
  @Column({ type: 'text' }) at: string;
  @Column({ name: 'prev_hash', type: 'text' }) prevHash: string;
  @Column({ type: 'text' }) hash: string;
}

export const LEADER_ENTITIES = [LeaderInstruction];
