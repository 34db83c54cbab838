import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Plan } from '../plans/plan.entity.js';
import { Unit } from '../units/unit.entity.js';

/** A line of the indicator table (指标), with its scoring method and target. */
@Entity({ name: 'indicators' })
@Index('ux_indicators_plan_code', ['planId', 'code'], { unique: true })
export class Indicator {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  /** Stable key within the plan (序号 or import key). */
  @Column({ type: 'text' }) code: string;
  /** 一/二/三级指标 path, JSON array of strings. */
  @Column({ name: 'category_path', type: 'text', default: '[]' }) categoryPath: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'real' }) points: number;
  @Column({ name: 'method_code', type: 'text' }) methodCode: string;
  @Column({ name: 'method_params', type: 'text', default: '{}' }) methodParams: string;
  @Column({ name: 'target_value', type: 'real', nullable: true }) targetValue: number | null;
  @Column({ name: 'target_unit', type: 'text', nullable: true }) targetUnit: string | null;
  /** higher | lower (is better). */
  @Column({ type: 'text', default: 'higher' }) direction: string;
  @Column({ name: 'target_text', type: 'text', nullable: true }) targetText: string | null;
  @Index('ix_indicators_assessing_unit')
  @Column({ name: 'assessing_unit_id', type: 'text', nullable: true })
  assessingUnitId: string | null;
  @ManyToOne(() => Unit, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'assessing_unit_id' })
  assessingUnit?: Relation<Unit>;
  /** Sequential submission for this indicator's tasks; null: the plan's setting. */
  @Column({ name: 'sequential_submission', type: 'boolean', nullable: true }) sequentialSubmission: boolean | null;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}
