import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One security-relevant happening (等保 audit record): a login, a lockout, a revoked token, a user or role
 * change, a scoring set-up change, an export, a plan-wide read by an auditor. Append-only (database
 * triggers) and hash-chained: `hash = sha256(canonicalJson([prev_hash, seq, kind, occurred_at, actor_id,
 * actor_name, actor_role, subject, address, details]))` (see security-log-hash.ts).
 */
@Entity({ name: 'security_events' })
@Index('ix_security_events_kind', ['kind', 'seq'])
@Index('ix_security_events_actor', ['actorId', 'seq'])
@Index('ix_security_events_subject', ['subject', 'seq'])
@Index('ix_security_events_time', ['occurredAt'])
export class SecurityEvent {
  @PrimaryColumn({ type: 'integer' }) seq: number;
  @Column({ type: 'text' }) kind: string;
  @Column({ name: 'occurred_at', type: 'text' }) occurredAt: string;
  @Column({ name: 'actor_id', type: 'text', nullable: true }) actorId: string | null;
  @Column({ name: 'actor_name', type: 'text', nullable: true }) actorName: string | null;
  @Column({ name: 'actor_role', type: 'text', nullable: true }) actorRole: string | null;
  /** What it is about: `user:<id>`, `plan:<id>`, `task:<id>`, `template:<id>`, `account:<username>`. */
  @Column({ type: 'text', nullable: true }) subject: string | null;
  /** The client address, when it came over HTTP. */
  @Column({ type: 'text', nullable: true }) address: string | null;
  /** Canonical JSON (RFC 8785). */
  @Column({ type: 'text' }) details: string;
  @Column({ name: 'prev_hash', type: 'text' }) prevHash: string;
  @Column({ type: 'text' }) hash: string;
}

/**
 * A retention prune: every security event up to `through_seq` was deleted; `through_hash` is the hash of that
 * last deleted event, so the first remaining one still links to it and the chain stays verifiable. The delete
 * trigger lets a row go only when a prune record covers it; prune records themselves are append-only.
 */
@Entity({ name: 'security_log_prunes' })
export class SecurityLogPrune {
  @PrimaryColumn({ type: 'integer' }) id: number;
  @Column({ name: 'through_seq', type: 'integer' }) throughSeq: number;
  @Column({ name: 'through_hash', type: 'text' }) throughHash: string;
  @Column({ name: 'through_occurred_at', type: 'text' }) throughOccurredAt: string;
  @Column({ name: 'pruned_count', type: 'integer' }) prunedCount: number;
  @Column({ name: 'retention_days', type: 'integer' }) retentionDays: number;
  @Column({ name: 'pruned_at', type: 'text' }) prunedAt: string;
}

export const SECURITY_LOG_ENTITIES = [SecurityEvent, SecurityLogPrune];
