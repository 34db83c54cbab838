import { Injectable } from '@nestjs/common';
import type { IntegrityBreak } from '../audit/chain-check.js';
import { verifyCheckpointSignature } from '../audit/checkpoint-signer.js';
import { CheckpointSigner } from '../audit/checkpoint-signer.js';
import { eventLeafHash, treeHeadText } from './leaf.js';
import { nodeHash, rootOf, type Hash, type SubtreeSource } from './merkle-tree.js';
import { TranslogRepository } from './translog.repository.js';

/** Every complete subtree of a tree, one flat buffer per level (32 bytes a hash): 64 bytes a leaf in all. */
class FlatTree implements SubtreeSource {
  readonly levels: Buffer[] = [];
  size = 0;

  constructor(capacity: number) {
    for (let n = capacity; n > 0; n = Math.floor(n / 2)) this.levels.push(Buffer.allocUnsafe(n * 32));
  }

  append(leaf: Buffer): void {
    let idx = this.size++;
    leaf.copy(this.levels[0], idx * 32);
    let level = 0;
    while (idx % 2 === 1) {
      const lv = this.levels[level];
      const h = nodeHash(lv.subarray((idx - 1) * 32, idx * 32), lv.subarray(idx * 32, idx * 32 + 32));
      level++;
      idx = (idx - 1) / 2;
      h.copy(this.levels[level], idx * 32);
    }
  }

  subtree(level: number, index: number): Hash {
    return this.levels[level].subarray(index * 32, index * 32 + 32);
  }
}

export interface LogVerifyCounts {
  leaves: number;
  heads: number;
  witnesses: number;
}

/**
 * Verify's part for the transparency log: rebuild the tree from the stored leaves, check each leaf against
 * its event as it is now (so a deleted task or event, an edited recorded_at or a rewritten event shows),
 * each stored subtree against the leaves, and every signed head against the tree: a head larger than the
 * log means its tail was cut; a head whose root the leaves no longer give means history was rewritten
 * between heads (the consistency proof from it would fail). Every head's and witness's signature is
 * checked, and events recorded before the latest head must have a leaf.
 */
@Injectable()
export class LogVerifier {
  constructor(
    private readonly repo: TranslogRepository,
    private readonly signer: CheckpointSigner,
  ) {}

  async verify(breaks: IntegrityBreak[]): Promise<LogVerifyCounts> {
    const size = await this.repo.size();
    const tree = new FlatTree(size);
    let expectIndex = 0;
    for await (const l of this.repo.iterateLeavesWithEvents()) {
      if (l.log_index !== expectIndex) {
        breaks.push({
          kind: 'log-tree',
          seq: l.seq,
          taskId: l.task_id,
          expected: expectIndex,
          actual: l.log_index,
          message: `log leaves skip from index ${expectIndex} to ${l.log_index}: leaves were removed`,
        });
        break;
      }
      tree.append(Buffer.from(l.leaf_hash, 'hex'));
      expectIndex++;
      const where = { taskId: l.task_id, seq: l.seq };
      if (l.e_hash === null) {
        breaks.push({
          kind: 'log-event-missing',
          ...where,
          message: `log index ${l.log_index} holds event #${l.seq} of task ${l.task_id}, which is gone: the event or its whole task was deleted`,
        });
        continue;
      }
      const now = eventLeafHash({ taskId: l.e_task_id!, seq: l.e_seq!, hash: l.e_hash, recordedAt: l.e_recorded_at! });
      if (now !== l.leaf_hash || l.e_task_id !== l.task_id || l.e_seq !== l.seq) {
        breaks.push({
          kind: 'log-leaf-mismatch',
          ...where,
          expected: l.leaf_hash,
          actual: now,
          message: `event #${l.seq} of task ${l.task_id} no longer gives its leaf at log index ${l.log_index}: its hash, recorded_at (now ${l.e_recorded_at}), task or seq changed after it was logged`,
        });
      }
    }
    if (expectIndex === size) {
      for await (const n of this.repo.iterateNodes()) {
        const ok = n.level < tree.levels.length && n.idx < tree.levels[n.level].length / 32 && tree.subtree(n.level, n.idx).toString('hex') === n.hash;
        if (!ok) {
          breaks.push({
            kind: 'log-tree',
            message: `the stored subtree hash at level ${n.level}, index ${n.idx} is not the hash of its leaves: the log's nodes were edited`,
          });
          break;
        }
      }
    }
    const heads = await this.repo.heads();
    const key = this.signer.publicKey();
    for (const h of heads) {
      const text = treeHeadText({ treeSize: h.tree_size, rootHash: h.root_hash, timestamp: h.timestamp });
      if (!verifyCheckpointSignature(h.public_key, text, h.signature)) {
        breaks.push({ kind: 'log-signature', expected: h.tree_size, message: `the signed tree head of size ${h.tree_size}: its signature does not verify` });
      } else if (h.public_key !== key) {
        breaks.push({
          kind: 'log-signature',
          expected: h.tree_size,
          message: `the signed tree head of size ${h.tree_size} was signed by another key than this installation's (from ${this.signer.keySource})`,
        });
      }
      if (h.tree_size > tree.size) {
        breaks.push({
          kind: 'log-truncated',
          expected: h.tree_size,
          actual: tree.size,
          message: `a signed tree head (${h.timestamp}) covers ${h.tree_size} events but the log holds ${tree.size}: its tail was cut`,
        });
      } else if (rootOf(tree, h.tree_size).toString('hex') !== h.root_hash) {
        breaks.push({
          kind: 'log-root-mismatch',
          expected: h.root_hash,
          actual: rootOf(tree, h.tree_size).toString('hex'),
          message: `the log's first ${h.tree_size} leaves no longer give the root signed at ${h.timestamp}: history before that head was rewritten`,
        });
      }
    }
    const witnesses = await this.repo.allWitnesses();
    const bySize = new Map(heads.map((h) => [h.tree_size, h]));
    for (const w of witnesses) {
      const h = bySize.get(w.tree_size);
      if (
        !h ||
        !verifyCheckpointSignature(w.witness_key, treeHeadText({ treeSize: h.tree_size, rootHash: h.root_hash, timestamp: h.timestamp }), w.signature)
      ) {
        breaks.push({
          kind: 'log-signature',
          expected: w.tree_size,
          message: `witness ${w.witness_key.slice(-12)}'s countersignature of the head of size ${w.tree_size} does not verify${h ? '' : ' (that head is gone)'}`,
        });
      }
    }
    const latest = heads.at(-1);
    if (latest) {
      // A minute's grace: on PostgreSQL a transaction may commit after a head signed later than its recorded_at.
      const before = new Date(Date.parse(latest.timestamp) - 60_000).toISOString();
      for (const e of await this.repo.unsequencedBefore(before, 100)) {
        breaks.push({
          kind: 'not-in-log',
          taskId: e.task_id,
          seq: e.seq,
          message: `event #${e.seq} of task ${e.task_id} was recorded at ${e.recorded_at}, before the latest signed tree head (${latest.timestamp}), but is not in the log`,
        });
      }
    }
    return { leaves: tree.size, heads: heads.length, witnesses: witnesses.length };
  }
}
