import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Plan } from '../plans/plan.entity.js';

/**
 * One committed import that changed something (a commit that changes nothing writes no run). Append-only:
 * database triggers refuse updates and deletes.
 */
@Entity({ name: 'import_runs' })
@Index('ix_import_runs_plan', ['planId', 'createdAt'])
export class ImportRun {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @ManyToOne(() => Plan, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<Plan>;
  @Column({ name: 'file_name', type: 'text' }) fileName: string;
  /** sha256 of the file's bytes (hex). */
  @Column({ name: 'file_sha256', type: 'text' }) fileSha256: string;
  /** node-table | work-report | unit-matrix */
  @Column({ type: 'text' }) shape: string;
  /** The options the import ran with (year, shape, createUnits, allowErrors, defaults), JSON. */
  @Column({ type: 'text' }) options: string;
  @Column({ name: 'actor_user_id', type: 'text', nullable: true }) actorUserId: string | null;
  @Column({ name: 'actor_role', type: 'text' }) actorRole: string;
  /** What the run changed, counted (the report's `changes.counts`), JSON. */
  @Column({ type: 'text' }) summary: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}

/**
 * One change an import made. Structure changes (units, indicators) are recorded only here; task
 * creations and revisions are task events (`task_seq` names the event) and are listed here too, so a
 * run can be read as one list. `before` / `after` are JSON of what changed (null when not applicable).
 */
@Entity({ name: 'import_changes' })
@Index('ix_import_changes_run', ['runId'])
@Index('ix_import_changes_subject', ['subjectId'])
export class ImportChange {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'run_id', type: 'text' }) runId: string;
  @ManyToOne(() => ImportRun, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'run_id' })
  run?: Relation<ImportRun>;
  /** unit.created | indicator.created | indicator.updated | task.created | task.revised | task.details */
  @Column({ type: 'text' }) kind: string;
  /** The unit, indicator or task id. */
  @Column({ name: 'subject_id', type: 'text' }) subjectId: string;
  /** The import's key (indicator key, `indicatorKey@unit`, or the unit name). */
  @Column({ name: 'item_key', type: 'text' }) itemKey: string;
  @Column({ type: 'text', nullable: true }) before: string | null;
  @Column({ type: 'text', nullable: true }) after: string | null;
  /** For task changes: the seq of the task event written. */
  @Column({ name: 'task_seq', type: 'integer', nullable: true }) taskSeq: number | null;
}
