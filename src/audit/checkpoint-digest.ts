/**
 * The checkpoint recipe (README "Audit: checkpoints and the published root"). Pure.
 *
 * A checkpoint seals, for every task ever seen, its chain head (last seq and last hash) and, for every
 * evidence file, its sha256 and size. Per plan:
 *
 *   plan_root = sha256( for each task of the plan, by task id:      "task|" task_id "|" seq "|" hash "\n"
 *                       then each evidence file of the plan, by id:  "evidence|" file_id "|" task_id "|" sha256 "|" size "\n" )
 *
 * and the checkpoint, chained to the previous one (the first one's prev_hash is 64 zeros):
 *
 *   hash = sha256( prev_hash "|" seq "|" created_at "|" for each plan by plan id: plan_id "=" plan_root ";" )
 *
 * Ids are sorted by their UTF-8 bytes (what `LC_ALL=C sort` does). The hash of the latest checkpoint is the
 * root to publish: it commits to every earlier checkpoint and to every task's history up to its head.
 */
import { GENESIS_HASH, sha256Hex } from './event-hash.js';

export const CHECKPOINT_GENESIS = GENESIS_HASH;

export interface HeadEntry {
  taskId: string;
  planId: string;
  seq: number;
  hash: string;
}

export interface EvidenceEntry {
  fileId: string;
  taskId: string;
  planId: string;
  sha256: string;
  size: number;
}

export interface PlanRoot {
  planId: string;
  root: string;
}

const ASCII = /^[\x00-\x7f]*$/;

/** Byte order of the UTF-8 encodings (equals code-unit order for ASCII, the common case). */
export function byteOrder(a: string, b: string): number {
  if (ASCII.test(a) && ASCII.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function planRootText(heads: Iterable<HeadEntry>, evidence: Iterable<EvidenceEntry>): string {
  const h = [...heads].sort((a, b) => byteOrder(a.taskId, b.taskId));
  const e = [...evidence].sort((a, b) => byteOrder(a.fileId, b.fileId));
  let text = '';
  for (const x of h) text += `task|${x.taskId}|${x.seq}|${x.hash}\n`;
  for (const x of e) text += `evidence|${x.fileId}|${x.taskId}|${x.sha256}|${x.size}\n`;
  return text;
}

export function planRoot(heads: Iterable<HeadEntry>, evidence: Iterable<EvidenceEntry>): string {
  return sha256Hex(planRootText(heads, evidence));
}

export function checkpointText(c: { prevHash: string; seq: number; createdAt: string; plans: readonly PlanRoot[] }): string {
  const plans = [...c.plans].sort((a, b) => byteOrder(a.planId, b.planId));
  return `${c.prevHash}|${c.seq}|${c.createdAt}|${plans.map((p) => `${p.planId}=${p.root};`).join('')}`;
}

export function checkpointHash(c: { prevHash: string; seq: number; createdAt: string; plans: readonly PlanRoot[] }): string {
  return sha256Hex(checkpointText(c));
}

/**
 * The sealed state as of one checkpoint: the latest head of every task and every evidence file, grouped
 * by plan. Checkpoint rows store only what changed since the previous checkpoint; this accumulates them.
 */
export class SealedState {
  readonly heads = new Map<string, HeadEntry & { checkpointSeq: number }>();
  readonly evidence = new Map<string, EvidenceEntry & { checkpointSeq: number }>();
  private readonly tasksByPlan = new Map<string, Set<string>>();
  private readonly filesByPlan = new Map<string, Set<string>>();
  private readonly roots = new Map<string, string>();
  private readonly dirty = new Set<string>();

  addHead(h: HeadEntry, checkpointSeq: number): void {
    const old = this.heads.get(h.taskId);
    if (old && old.planId !== h.planId) this.tasksByPlan.get(old.planId)?.delete(h.taskId);
    this.heads.set(h.taskId, { ...h, checkpointSeq });
    set(this.tasksByPlan, h.planId).add(h.taskId);
    this.dirty.add(h.planId);
    if (old) this.dirty.add(old.planId);
  }

  addEvidence(e: EvidenceEntry, checkpointSeq: number): void {
    const old = this.evidence.get(e.fileId);
    if (old && old.planId !== e.planId) this.filesByPlan.get(old.planId)?.delete(e.fileId);
    this.evidence.set(e.fileId, { ...e, checkpointSeq });
    set(this.filesByPlan, e.planId).add(e.fileId);
    this.dirty.add(e.planId);
    if (old) this.dirty.add(old.planId);
  }

  planIds(): string[] {
    return [...new Set([...this.tasksByPlan.keys(), ...this.filesByPlan.keys()])].sort(byteOrder);
  }

  headsOfPlan(planId: string): HeadEntry[] {
    return [...(this.tasksByPlan.get(planId) ?? [])].map((id) => this.heads.get(id)!);
  }

  evidenceOfPlan(planId: string): EvidenceEntry[] {
    return [...(this.filesByPlan.get(planId) ?? [])].map((id) => this.evidence.get(id)!);
  }

  /** Every plan's root; only plans changed since the last call are recomputed. */
  planRoots(): PlanRoot[] {
    for (const planId of this.dirty) this.roots.set(planId, planRoot(this.headsOfPlan(planId), this.evidenceOfPlan(planId)));
    this.dirty.clear();
    return this.planIds().map((planId) => ({ planId, root: this.roots.get(planId)! }));
  }
}

function set<K, V>(m: Map<K, Set<V>>, k: K): Set<V> {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  return s;
}
