import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app.config.js';
import { CheckpointSigner, verifyCheckpointSignature } from '../audit/checkpoint-signer.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { OutboxSignal } from '../common/outbox-signal.js';
import { LeaderLock } from '../database/leader-lock.js';
import { eventLeafHash, leafData, treeHeadText } from './leaf.js';
import { consistencyPlan, EMPTY_ROOT, frontierKeys, inclusionPlan, nodeHash, planKeys, resolvePlan, type Hash, type ProofPlan } from './merkle-tree.js';
import { TranslogRepository, type HeadRow, type LeafRow, type WitnessRow } from './translog.repository.js';

/** Events appended per sequencing transaction (a round runs as many as needed). */
const BATCH = 5000;
/**
 * PostgreSQL: how far below the highest sequenced event id a round looks for events committed late (an
 * identity is taken at insert, so a transaction that began earlier can commit a lower id after a higher one
 * was sequenced). Whatever commits later still is caught by the full catch-up at start and at every checkpoint.
 */
const PG_LOOKBACK = 2000;
/**
 * After a commit the next round waits this long (CT's merge delay, short): commits meanwhile share one
 * sequencing transaction. Each round is a transaction of its own (on SQLite with FULL synchronous, an fsync);
 * a round per commit would add about a sixth to an event's cost, one per 200 ms a few per cent.
 */
export const MERGE_DELAY_MS = 200;

export interface TreeHead {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  publicKey: string;
  signature: string;
  /** The exact ASCII text signed with Ed25519: `duban-tree-head-v1|size|root|timestamp`. */
  signedText: string;
  witnesses: Witness[];
}

export interface Witness {
  witnessKey: string;
  signature: string;
  receivedAt: string;
  receivedBy: string;
}

export interface InclusionAnswer {
  logIndex: number;
  eventId: number;
  taskId: string;
  seq: number;
  /** The leaf data as the event gives it now (canonical JSON), and its bytes in hex for the shell recipe. */
  leafData: string;
  leafDataHex: string;
  /** The stored leaf hash the tree was built from. */
  leafHash: string;
  treeSize: number;
  rootHash: string;
  timestamp: string;
  signature: string;
  publicKey: string;
  auditPath: string[];
}

export interface ConsistencyAnswer {
  firstSize: number;
  firstRoot: string;
  firstTimestamp: string;
  firstSignature: string;
  secondSize: number;
  secondRoot: string;
  secondTimestamp: string;
  secondSignature: string;
  publicKey: string;
  proof: string[];
}

export function toHead(h: HeadRow, witnesses: WitnessRow[] = []): TreeHead {
  return {
    treeSize: h.tree_size,
    rootHash: h.root_hash,
    timestamp: h.timestamp,
    publicKey: h.public_key,
    signature: h.signature,
    signedText: treeHeadText({ treeSize: h.tree_size, rootHash: h.root_hash, timestamp: h.timestamp }),
    witnesses: witnesses.map((w) => ({ witnessKey: w.witness_key, signature: w.signature, receivedAt: w.received_at, receivedBy: w.received_by })),
  };
}

type Frontier = { level: number; index: number; hash: Hash }[];

/**
 * The transparency log: a sequencer that gives every committed task event the next log index (after its
 * commit, like Certificate Transparency's merge delay: the write path pays nothing but a wake-up), the
 * signed tree heads, and inclusion and consistency proofs read from the stored complete subtrees.
 *
 * One sequencer runs at a time: on SQLite the one process (its transactions are serialized); on PostgreSQL
 * the leader runs it on its timer and every instance's on-demand call takes a transaction-level advisory
 * lock first. Indexes are contiguous (max + 1 under that lock; never a PostgreSQL sequence, which has gaps).
 */
@Injectable()
export class TranslogService implements OnModuleDestroy {
  private readonly logger = new Logger('TransparencyLog');
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private lastHeadAt = 0;
  private scheduled: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly repo: TranslogRepository,
    private readonly signer: CheckpointSigner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly signal: OutboxSignal,
    private readonly leader: LeaderLock,
  ) {}

  /** In the running service: a round after every commit (coalesced) and every DUBAN_LOG_SEQUENCE_MS; a head now and then. */
  start(): void {
    const ms = this.config.DUBAN_LOG_SEQUENCE_MS;
    if (!ms || this.timer) return;
    this.stopped = false;
    const tick = () => {
      if (this.stopped || !this.leader.isLeader) return;
      void this.sequence()
        .then(async () => {
          if (Date.now() - this.lastHeadAt >= this.config.DUBAN_LOG_HEAD_SECONDS * 1000) await this.signHead();
        })
        .catch((e) => this.logger.error(`sequencing failed: ${(e as Error).message}`));
    };
    this.unsubscribe = this.signal.subscribe(() => {
      this.scheduled ??= setTimeout(
        () => {
          this.scheduled = undefined;
          tick();
        },
        Math.min(MERGE_DELAY_MS, ms),
      );
    });
    this.timer = setInterval(tick, ms);
    this.timer.unref();
    if (this.leader.isLeader) void this.sequence({ catchUp: true }).catch((e) => this.logger.error(`catch-up failed: ${(e as Error).message}`));
  }

  /** Stop before the database closes, and let a round in flight finish. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.scheduled) clearTimeout(this.scheduled);
    this.unsubscribe?.();
    this.timer = undefined;
    this.scheduled = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * Append every committed event that has no leaf yet; returns how many. Concurrent calls in this process
   * share one run (a call during a run makes it go round once more). `catchUp` scans every event, not only
   * those after the last sequenced one.
   */
  sequence(o: { catchUp?: boolean } = {}): Promise<number> {
    if (this.running) {
      this.again = true;
      if (o.catchUp) return this.running.then(() => this.sequence(o));
      return this.running;
    }
    this.running = (async () => {
      let total = 0;
      do {
        this.again = false;
        for (;;) {
          const n = await this.round(o.catchUp === true);
          total += n;
          if (n < BATCH) break;
        }
      } while (this.again);
      return total;
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(catchUp: boolean): Promise<number> {
    return await this.repo.transaction(async () => {
      await this.repo.lockSequencer();
      const size = await this.repo.size();
      const lookback = this.repo.dialect === 'postgres' ? PG_LOOKBACK : 0;
      const from = catchUp ? 0 : Math.max(0, (await this.repo.maxEventId()) - lookback);
      const events = await this.repo.pending(from, BATCH);
      if (!events.length) return 0;
      const frontier = await this.frontier(size);
      const now = this.clock.nowIso();
      const leaves: LeafRow[] = [];
      const nodes: { level: number; idx: number; hash: string }[] = [];
      let index = size;
      for (const e of events) {
        const leaf = eventLeafHash({ taskId: e.task_id, seq: e.seq, hash: e.hash, recordedAt: e.recorded_at });
        leaves.push({ log_index: index, event_id: e.id, task_id: e.task_id, seq: e.seq, leaf_hash: leaf, sequenced_at: now });
        let h: Hash = Buffer.from(leaf, 'hex');
        let level = 0;
        let idx = index;
        while (frontier.length && frontier[frontier.length - 1].level === level) {
          h = nodeHash(frontier.pop()!.hash, h);
          level++;
          idx = Math.floor(idx / 2);
          nodes.push({ level, idx, hash: h.toString('hex') });
        }
        frontier.push({ level, index: idx, hash: h });
        index++;
      }
      await this.repo.insertLeaves(leaves);
      await this.repo.insertNodes(nodes);
      return events.length;
    });
  }

  private async frontier(size: number): Promise<Frontier> {
    const keys = frontierKeys(size);
    const hashes = await this.repo.subtrees(keys);
    return keys.map((k, i) => {
      const h = hashes[i];
      if (!h) throw new Error(`the transparency log lacks its subtree (level ${k.level}, index ${k.index}) of size ${size}`);
      return { ...k, hash: Buffer.from(h, 'hex') };
    });
  }

  private async resolve(plan: ProofPlan): Promise<Hash[]> {
    const keys = planKeys(plan);
    const hashes = await this.repo.subtrees(keys);
    return resolvePlan(
      plan,
      hashes.map((h, i) => {
        if (!h) throw new Error(`the transparency log lacks its subtree (level ${keys[i].level}, index ${keys[i].index})`);
        return Buffer.from(h, 'hex');
      }),
    );
  }

  /** The root of the log's first `size` leaves, from the stored subtrees. */
  async rootAt(size: number): Promise<string> {
    if (size === 0) return EMPTY_ROOT.toString('hex');
    return (await this.resolve([{ start: 0, size }]))[0].toString('hex');
  }

  /** Sign a head for the log as it is now, unless the latest head already has this size. Returns the latest head. */
  async signHead(): Promise<TreeHead> {
    const row = await this.repo.transaction(async () => {
      await this.repo.lockSequencer();
      // Sequence what committed first, in this transaction: every event recorded before the head is in it.
      while ((await this.round(false)) === BATCH);
      const size = await this.repo.size();
      const latest = await this.repo.latestHead();
      if (latest && latest.tree_size === size) return latest;
      const rootHash = await this.rootAt(size);
      let timestamp = this.clock.nowIso();
      if (latest && timestamp < latest.timestamp) timestamp = latest.timestamp; // a head is never dated before the one it extends
      const { publicKey, signature } = this.signer.sign(treeHeadText({ treeSize: size, rootHash, timestamp }));
      const head: HeadRow = { tree_size: size, root_hash: rootHash, timestamp, public_key: publicKey, signature };
      await this.repo.insertHead(head);
      return head;
    });
    this.lastHeadAt = Date.now();
    return toHead(row, await this.repo.witnesses(row.tree_size));
  }

  /** The latest signed head, after sequencing what committed and signing a new head if the log grew. */
  async latestHead(): Promise<TreeHead> {
    await this.sequence();
    return await this.signHead();
  }

  async head(size: number): Promise<TreeHead> {
    const h = await this.repo.head(size);
    if (!h) throw DomainError.notFound('signed tree head of size', size);
    return toHead(h, await this.repo.witnesses(size));
  }

  async heads(limit: number, offset: number): Promise<{ items: TreeHead[]; total: number }> {
    const { rows, total } = await this.repo.headPage(limit, offset);
    const items: TreeHead[] = [];
    for (const r of rows) items.push(toHead(r, await this.repo.witnesses(r.tree_size)));
    return { items, total };
  }

  /**
   * Refused requests write nothing: the event is looked up first (404 when it does not exist, or a log
   * index past the log); only an event that committed but is not logged yet makes the log sequence and
   * sign a head covering it. Without treeSize the proof is against the latest head that covers the event.
   */
  async inclusion(target: { eventId?: number; logIndex?: number; taskId?: string; seq?: number }, treeSize?: number): Promise<InclusionAnswer> {
    const what =
      target.logIndex !== undefined
        ? `log index ${target.logIndex}`
        : target.eventId !== undefined
          ? `event ${target.eventId}`
          : `event #${target.seq} of task ${target.taskId}`;
    const find = () =>
      target.logIndex !== undefined
        ? this.repo.leafAt(target.logIndex)
        : target.eventId !== undefined
          ? this.repo.leafOfEvent(target.eventId)
          : this.repo.leafOfTaskSeq(target.taskId!, target.seq!);
    const fixed = treeSize === undefined ? undefined : await this.head(treeSize);
    let leaf = await find();
    if (!leaf) {
      const committed = target.logIndex === undefined && (await this.repo.eventExists(target));
      if (!committed) throw DomainError.notFound('log leaf of', what);
      if (fixed) throw DomainError.validation([{ field: 'treeSize', reason: `${what} is not in the log yet, so not in the tree of size ${fixed.treeSize}` }]);
      await this.sequence();
      leaf = await find();
      if (!leaf) throw DomainError.notFound('log leaf of', what);
    }
    const latest = fixed ? undefined : await this.repo.latestHead();
    const head = fixed ?? (latest && latest.tree_size > leaf.log_index ? toHead(latest) : await this.signHead());
    if (leaf.log_index >= head.treeSize) {
      throw DomainError.validation([{ field: 'treeSize', reason: `${what} is at log index ${leaf.log_index}, after the tree of size ${head.treeSize}` }]);
    }
    const e = await this.repo.eventOf(leaf.event_id);
    const data = e ? leafData({ taskId: e.task_id, seq: e.seq, hash: e.hash, recordedAt: e.recorded_at }) : '';
    const path = await this.resolve(inclusionPlan(leaf.log_index, head.treeSize));
    return {
      logIndex: leaf.log_index,
      eventId: leaf.event_id,
      taskId: leaf.task_id,
      seq: leaf.seq,
      leafData: data,
      leafDataHex: Buffer.from(data, 'utf8').toString('hex'),
      leafHash: leaf.leaf_hash,
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      timestamp: head.timestamp,
      signature: head.signature,
      publicKey: head.publicKey,
      auditPath: path.map((h) => h.toString('hex')),
    };
  }

  /** Between two signed heads; without `second`, to the latest signed head (GET /audit/log/head signs a fresh one). Reads only. */
  async consistency(first: number, second?: number): Promise<ConsistencyAnswer> {
    const a = await this.head(first);
    const latest = second === undefined ? await this.repo.latestHead() : undefined;
    const b = second === undefined ? toHead(latest!) : await this.head(second);
    if (first > b.treeSize)
      throw DomainError.validation([{ field: 'from', reason: `the first tree (${first}) must not be larger than the second (${b.treeSize})` }]);
    const proof = await this.resolve(consistencyPlan(a.treeSize, b.treeSize));
    return {
      firstSize: a.treeSize,
      firstRoot: a.rootHash,
      firstTimestamp: a.timestamp,
      firstSignature: a.signature,
      secondSize: b.treeSize,
      secondRoot: b.rootHash,
      secondTimestamp: b.timestamp,
      secondSignature: b.signature,
      publicKey: b.publicKey,
      proof: proof.map((h) => h.toString('hex')),
    };
  }

  /** Record a witness's Ed25519 countersignature of the signed head of `size` (its key kept outside the service). */
  async addWitness(size: number, body: { publicKey: string; signature: string }, actor: Actor): Promise<{ head: TreeHead; recorded: boolean }> {
    const h = await this.head(size);
    if (body.publicKey === h.publicKey)
      throw DomainError.validation([{ field: 'publicKey', reason: 'a witness must use its own key, not the log’s signing key' }]);
    if (!verifyCheckpointSignature(body.publicKey, h.signedText, body.signature)) {
      throw DomainError.validation([{ field: 'signature', reason: `not an Ed25519 signature of "${h.signedText}" by this public key` }]);
    }
    const recorded = await this.repo.insertWitness({
      tree_size: size,
      witness_key: body.publicKey,
      signature: body.signature,
      received_at: this.clock.nowIso(),
      received_by: actor.username ?? actor.userId ?? actor.role,
    });
    return { head: await this.head(size), recorded };
  }
}
