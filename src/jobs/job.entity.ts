import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const JOB_KINDS = ['close', 'sweep', 'import', 'verify'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * One long operation (src/jobs): a plan's close, a deadline sweep, an import commit or a verify. Its
 * progress (`done` of `total`, in the current `phase`) and its outcome: `result` (JSON) when it succeeded,
 * `error_code` + `error_message` (zh-CN) + `error_detail` (English, for logs) when it failed.
 */
@Entity({ name: 'jobs' })
@Index('ix_jobs_kind_status', ['kind', 'status', 'createdAt'])
@Index('ix_jobs_plan_status', ['planId', 'status'])
export class Job {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text' }) kind: JobKind;
  /** The plan it works on (close, import, a plan's verify); null for a sweep or a database-wide verify. */
  @Column({ name: 'plan_id', type: 'text', nullable: true }) planId: string | null;
  @Column({ type: 'text' }) status: JobStatus;
  @Column({ type: 'text', nullable: true }) phase: string | null;
  @Column({ type: 'integer', default: 0 }) done: number;
  @Column({ type: 'integer', default: 0 }) total: number;
  /** What it was started with (JSON). */
  @Column({ type: 'text' }) params: string;
  @Column({ type: 'text', nullable: true }) result: string | null;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode: string | null;
  @Column({ name: 'error_message', type: 'text', nullable: true }) errorMessage: string | null;
  @Column({ name: 'error_detail', type: 'text', nullable: true }) errorDetail: string | null;
  @Column({ name: 'started_by_user_id', type: 'text', nullable: true }) startedByUserId: string | null;
  @Column({ name: 'started_by_role', type: 'text' }) startedByRole: string;
  @Column({ name: 'started_by_username', type: 'text', nullable: true }) startedByUsername: string | null;
  /** The process that runs it (an instance id): at start-up, a job whose owner is gone is marked failed. */
  @Column({ type: 'text' }) owner: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
  @Column({ name: 'started_at', type: 'text', nullable: true }) startedAt: string | null;
  @Column({ name: 'finished_at', type: 'text', nullable: true }) finishedAt: string | null;
  /** PostgreSQL: the owner's last sign of life (progress is written every few seconds). */
  @Column({ name: 'heartbeat_at', type: 'text', nullable: true }) heartbeatAt: string | null;
}
