/**
 * What the transparency log commits to (README "Audit: the transparency log"). Pure.
 *
 *   leaf data = canonical JSON {"hash":…,"recordedAt":…,"seq":…,"taskId":…} of one task event
 *               (its chain hash, which covers payload, type, occurred_at, task and seq; and recorded_at,
 *               which the chain does not cover)
 *   leaf hash = SHA-256(0x00 ‖ leaf data)
 *   signed tree head text = "duban-tree-head-v1|" tree_size "|" root_hash "|" timestamp   (ASCII; Ed25519 over it)
 *
 * The task chains' own hashes are unchanged.
 */
import { canonicalJson } from '../audit/event-hash.js';
import { leafHash } from './merkle-tree.js';

export interface LeafEvent {
  taskId: string;
  seq: number;
  hash: string;
  recordedAt: string;
}

export function leafData(e: LeafEvent): string {
  return canonicalJson({ hash: e.hash, recordedAt: e.recordedAt, seq: e.seq, taskId: e.taskId });
}

export function eventLeafHash(e: LeafEvent): string {
  return leafHash(leafData(e)).toString('hex');
}

export const TREE_HEAD_PREFIX = 'duban-tree-head-v1';

export function treeHeadText(h: { treeSize: number; rootHash: string; timestamp: string }): string {
  return `${TREE_HEAD_PREFIX}|${h.treeSize}|${h.rootHash}|${h.timestamp}`;
}
