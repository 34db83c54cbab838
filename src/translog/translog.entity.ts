import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One task event's leaf in the transparency log (migration 1795420000000). `leaf_hash` = SHA-256(0x00 ‖
 * leaf data), the leaf data being the canonical JSON of the event's hash, recorded_at, task id and seq
 * (leaf.ts). log_index is contiguous from 0 in the order the sequencer appended. Append-only.
 */
@Entity({ name: 'audit_log_leaves' })
@Index('ux_audit_log_leaves_event', ['eventId'], { unique: true })
@Index('ux_audit_log_leaves_task_seq', ['taskId', 'seq'], { unique: true })
export class AuditLogLeaf {
  @PrimaryColumn({ name: 'log_index', type: 'integer' }) logIndex: number;
  @Column({ name: 'event_id', type: 'integer' }) eventId: number;
  @Column({ name: 'task_id', type: 'text' }) taskId: string;
  @Column({ type: 'integer' }) seq: number;
  @Column({ name: 'leaf_hash', type: 'text' }) leafHash: string;
  @Column({ name: 'sequenced_at', type: 'text' }) sequencedAt: string;
}

/** The hash of a complete subtree above the leaves: level ≥ 1, covering leaves [idx·2^level, (idx+1)·2^level). Append-only. */
@Entity({ name: 'audit_log_nodes' })
export class AuditLogNode {
  @PrimaryColumn({ type: 'integer' }) level: number;
  @PrimaryColumn({ type: 'integer' }) idx: number;
  @Column({ type: 'text' }) hash: string;
}

/** A signed tree head: the log of `tree_size` leaves has `root_hash`, signed at `timestamp` with Ed25519 (tree-head.ts). Append-only. */
@Entity({ name: 'audit_tree_heads' })
export class AuditTreeHead {
  @PrimaryColumn({ name: 'tree_size', type: 'integer' }) treeSize: number;
  @Column({ name: 'root_hash', type: 'text' }) rootHash: string;
  @Column({ type: 'text' }) timestamp: string;
  @Column({ name: 'public_key', type: 'text' }) publicKey: string;
  @Column({ type: 'text' }) signature: string;
}

/** A witness's countersignature of a tree head (its key kept outside the service). Append-only. */
@Entity({ name: 'audit_witness_signatures' })
@Index('ux_audit_witness_signatures_head_key', ['treeSize', 'witnessKey'], { unique: true })
export class AuditWitnessSignature {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'tree_size', type: 'integer' }) treeSize: number;
  @Column({ name: 'witness_key', type: 'text' }) witnessKey: string;
  @Column({ type: 'text' }) signature: string;
  @Column({ name: 'received_at', type: 'text' }) receivedAt: string;
  @Column({ name: 'received_by', type: 'text' }) receivedBy: string;
}

export const TRANSLOG_ENTITIES = [AuditLogLeaf, AuditLogNode, AuditTreeHead, AuditWitnessSignature];
