import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Signed daily checkpoints (migration 1795300000000): each seals every task's head and every evidence
 * file's sha256, chained to the previous checkpoint. Append-only (triggers refuse update and delete).
 */
@Entity({ name: 'audit_checkpoints' })
@Index('ux_audit_checkpoints_hash', ['hash'], { unique: true })
export class AuditCheckpoint {
  @PrimaryColumn({ type: 'integer' }) seq: number;
  @Column({ type: 'text' }) day: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
  @Column({ name: 'created_by', type: 'text' }) createdBy: string;
  @Column({ name: 'task_count', type: 'integer' }) taskCount: number;
  @Column({ name: 'event_count', type: 'integer' }) eventCount: number;
  @Column({ name: 'evidence_count', type: 'integer' }) evidenceCount: number;
  @Column({ name: 'prev_hash', type: 'text' }) prevHash: string;
  @Column({ type: 'text' }) hash: string;
  @Column({ name: 'public_key', type: 'text' }) publicKey: string;
  @Column({ type: 'text' }) signature: string;
}

/** A checkpoint's root per plan. */
@Entity({ name: 'audit_checkpoint_plans' })
export class AuditCheckpointPlan {
  @PrimaryColumn({ name: 'checkpoint_seq', type: 'integer' }) checkpointSeq: number;
  @PrimaryColumn({ name: 'plan_id', type: 'text' }) planId: string;
  @Column({ type: 'text' }) root: string;
  @Column({ name: 'task_count', type: 'integer' }) taskCount: number;
  @Column({ name: 'event_count', type: 'integer' }) eventCount: number;
  @Column({ name: 'evidence_count', type: 'integer' }) evidenceCount: number;
}

/** Each task's last seq and hash as sealed by a checkpoint. */
@Entity({ name: 'audit_checkpoint_heads' })
export class AuditCheckpointHead {
  @PrimaryColumn({ name: 'checkpoint_seq', type: 'integer' }) checkpointSeq: number;
  @PrimaryColumn({ name: 'task_id', type: 'text' }) taskId: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @Column({ name: 'last_seq', type: 'integer' }) lastSeq: number;
  @Column({ name: 'last_hash', type: 'text' }) lastHash: string;
}

/** Each evidence file's sha256 and size as sealed by a checkpoint. */
@Entity({ name: 'audit_checkpoint_evidence' })
export class AuditCheckpointEvidence {
  @PrimaryColumn({ name: 'checkpoint_seq', type: 'integer' }) checkpointSeq: number;
  @PrimaryColumn({ name: 'file_id', type: 'text' }) fileId: string;
  @Column({ name: 'task_id', type: 'text' }) taskId: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @Column({ type: 'text' }) sha256: string;
  @Column({ type: 'integer' }) size: number;
}
