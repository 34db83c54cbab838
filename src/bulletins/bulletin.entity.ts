import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Plan } from '../plans/plan.entity.js';

/** A bulletin series of a plan (通报): how often, ranked by what, how many on each list, how the PDF pages. */
@Entity({ name: 'bulletin_series' })
@Index('ix_bulletin_series_plan', ['planId'])
export class BulletinSeries {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ type: 'text' }) name: string;
  /** weekly | monthly | quarterly | half-year | year-end */
  @Column({ type: 'text' }) frequency: string;
  /** red-nodes | on-time-rate | completion-rate */
  @Column({ type: 'text' }) measure: string;
  @Column({ name: 'top_n', type: 'integer' }) topN: number;
  @Column({ name: 'bottom_n', type: 'integer' }) bottomN: number;
  @Column({ name: 'rows_per_page', type: 'integer' }) rowsPerPage: number;
  /** The masthead: the issuing office. */
  @Column({ type: 'text' }) issuer: string;
  @Column({ name: 'created_by', type: 'text', nullable: true }) createdBy: string | null;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}

/**
 * One issue of a series: a draft (content computed from the board as of the cut-off) or published
 * (numbered 〔year〕第N期 per plan, content frozen, sealed: seal = sha256(previous seal of the plan |
 * id | number | canonical content), so the plan's published bulletins form one hash chain).
 */
@Entity({ name: 'bulletins' })
@Index('ux_bulletins_period', ['seriesId', 'period'], { unique: true })
@Index('ux_bulletins_number', ['planId', 'number'], { unique: true, where: 'number IS NOT NULL' })
export class Bulletin {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'series_id', type: 'text' }) seriesId: string;
  @ManyToOne(() => BulletinSeries, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'series_id' })
  series?: Relation<BulletinSeries>;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  /** The series' period, e.g. 2026-06, 2026-Q2, 2026-H1, 2026, 2026-W23. */
  @Column({ type: 'text' }) period: string;
  @Column({ name: 'period_label', type: 'text' }) periodLabel: string;
  @Column({ name: 'cut_off_at', type: 'text' }) cutOffAt: string;
  /** draft | published */
  @Column({ type: 'text' }) status: string;
  @Column({ type: 'integer', nullable: true }) number: number | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
  /** Canonical JSON of the BulletinContent (bulletin-compute.ts). */
  @Column({ type: 'text' }) content: string;
  @Column({ type: 'text', nullable: true }) seal: string | null;
  @Column({ name: 'prev_seal', type: 'text', nullable: true }) prevSeal: string | null;
  @Column({ name: 'created_by', type: 'text', nullable: true }) createdBy: string | null;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
  @Column({ name: 'published_by', type: 'text', nullable: true }) publishedBy: string | null;
  @Column({ name: 'published_at', type: 'text', nullable: true }) publishedAt: string | null;
}

export const BULLETIN_ENTITIES = [BulletinSeries, Bulletin];
