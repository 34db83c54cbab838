/**
 * Walks hash chains row by row (streaming: constant memory per task) and records every break with the
 * task and sequence number where it is. Pure: rows come in, breaks come out.
 */
import { eventHash, GENESIS_HASH } from './event-hash.js';
import { CREATED_EVENT } from './replay.js';

export type BreakKind =
  /** The stored hash does not match the event's fields: payload, type, time, task or seq was changed. */
  | 'hash-mismatch'
  /** prev_hash does not equal the previous event's hash: an event was removed, inserted or moved. */
  | 'chain-break'
  /** Sequence numbers skip: events are missing. */
  | 'seq-gap'
  /** Event #1 is not task.created from the genesis hash. */
  | 'first-event'
  /** The actor or machine_version columns differ from the hashed payload. */
  | 'payload-columns'
  /** The task row's last_seq / last_hash differ from the chain's last event. */
  | 'head-mismatch'
  /** A task row without any event. */
  | 'no-history'
  /** Events whose task row is gone. */
  | 'orphan-events'
  /** A task sealed in a checkpoint no longer exists: the whole task was deleted. */
  | 'task-missing'
  /** The chain ends before the head sealed in a checkpoint: history was truncated. */
  | 'truncated'
  /** The event at a sealed head has another hash: history was rewritten. */
  | 'checkpoint-mismatch'
  /** A task older than the latest checkpoint is missing from it: inserted behind its back. */
  | 'not-in-checkpoint'
  /** The checkpoint chain itself: a gap, a broken link, a wrong hash or root, a bad signature. */
  | 'checkpoint-chain'
  /** Checkpoints signed by another key than this installation's. */
  | 'checkpoint-key'
  /** An evidence file's bytes are gone. */
  | 'evidence-missing'
  /** An evidence file's bytes no longer hash to its sha256: replaced. */
  | 'evidence-replaced'
  /** An evidence row was deleted or changed (against a checkpoint or the events that cite it). */
  | 'evidence-row'
  /** Replaying the task's events does not reproduce what was recorded. */
  | 'replay'
  /** The root given to check against is not in the checkpoint chain. */
  | 'root-unknown'
  /** Transparency log: a leaf's event is gone (a task deleted whole, an event removed). */
  | 'log-event-missing'
  /** Transparency log: the event no longer gives its leaf (its hash, recorded_at, task or seq changed). */
  | 'log-leaf-mismatch'
  /** Transparency log: a signed tree head has more leaves than the log holds (its tail was cut). */
  | 'log-truncated'
  /** Transparency log: the leaves no longer give a signed head's root (history rewritten between heads). */
  | 'log-root-mismatch'
  /** Transparency log: a stored subtree hash is not its leaves' (or leaf indexes skip). */
  | 'log-tree'
  /** Transparency log: a tree head's or a witness's signature does not verify, or another key signed it. */
  | 'log-signature'
  /** Transparency log: an event recorded before the latest signed head has no leaf. */
  | 'not-in-log'
  /** The nodes table (the query projection of each task's nodes) differs from the task's snapshot. */
  | 'nodes-projection';

export interface IntegrityBreak {
  kind: BreakKind;
  message: string;
  taskId?: string;
  planId?: string;
  seq?: number;
  fileId?: string;
  checkpointSeq?: number;
  expected?: string | number | null;
  actual?: string | number | null;
}

/** [task_id, seq, type, occurred_at, payload, prev_hash, hash, actor_user_id, actor_role, actor_unit_id, machine_version] */
export type EventTuple = [string, number, string, string, string, string, string, string | null, string, string | null, number];

export const EVENT_TUPLE_COLUMNS = 'task_id, seq, type, occurred_at, payload, prev_hash, hash, actor_user_id, actor_role, actor_unit_id, machine_version';

export interface SealedHead {
  seq: number;
  hash: string;
  checkpointSeq: number;
}

export interface TaskTail {
  taskId: string;
  events: number;
  lastSeq: number;
  lastHash: string;
}

export interface ChainCheckOptions {
  /** Heads sealed in checkpoints for a task (every checkpoint's, not only the latest). */
  sealedHeads?: (taskId: string) => readonly SealedHead[] | undefined;
  /** Called after a task's last row. */
  onTaskEnd?: (tail: TaskTail) => void;
  /** Called for every evidence.submit with the file ids it cites. */
  onFilesCited?: (taskId: string, seq: number, fileIds: string[], files: CitedFile[]) => void;
  planOf?: (taskId: string) => string | undefined;
}

/** A file as an evidence.submit event recorded it (`data.files`, since the transparency log; older events name ids only). */
export interface CitedFile {
  id: string;
  sha256: string;
  size: number;
}

const json = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));

/**
 * Feed rows ordered by (task_id, seq). For each task: seq runs 1, 2, 3…; event 1 is task.created from the
 * genesis hash; each prev_hash is the previous row's stored hash; each stored hash is recomputed from the
 * row; the actor and machine_version columns agree with the hashed payload; sealed heads are present.
 */
export class ChainChecker {
  readonly breaks: IntegrityBreak[] = [];
  events = 0;
  tasks = 0;
  private taskId: string | null = null;
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private count = 0;
  private sealed: Map<number, SealedHead> | null = null;

  constructor(private readonly o: ChainCheckOptions = {}) {}

  private add(b: Omit<IntegrityBreak, 'planId'>): void {
    const planId = b.taskId ? this.o.planOf?.(b.taskId) : undefined;
    this.breaks.push(planId ? { ...b, planId } : b);
  }

  push(r: EventTuple): void {
    const [taskId, seq, type, occurredAt, payload, prevHash, hash, user, role, unit, machineVersion] = r;
    if (taskId !== this.taskId) {
      this.endTask();
      this.taskId = taskId;
      this.expectedSeq = 1;
      this.prevHash = GENESIS_HASH;
      this.count = 0;
      this.tasks++;
      const sealed = this.o.sealedHeads?.(taskId);
      this.sealed = sealed?.length ? new Map(sealed.map((h) => [h.seq, h])) : null;
    }
    this.events++;
    this.count++;
    if (seq !== this.expectedSeq) {
      const missing = seq - this.expectedSeq;
      this.add({
        kind: 'seq-gap',
        taskId,
        seq: this.expectedSeq,
        expected: this.expectedSeq,
        actual: seq,
        message:
          missing === 1 ? `event #${this.expectedSeq} is missing (the next stored one is #${seq})` : `events #${this.expectedSeq}–#${seq - 1} are missing`,
      });
    }
    if (seq === 1 && (type !== CREATED_EVENT || prevHash !== GENESIS_HASH)) {
      this.add({ kind: 'first-event', taskId, seq, message: `event #1 must be ${CREATED_EVENT} chained from the genesis hash; found ${type}` });
    }
    if (prevHash !== this.prevHash) {
      this.add({
        kind: 'chain-break',
        taskId,
        seq,
        expected: this.prevHash,
        actual: prevHash,
        message: `event #${seq} (${type}) does not link to the event before it: its prev_hash is not that event's hash (an event was removed, inserted or moved)`,
      });
    }
    const recomputed = eventHash({ prevHash, taskId, seq, type, occurredAt, payload });
    if (recomputed !== hash) {
      this.add({
        kind: 'hash-mismatch',
        taskId,
        seq,
        expected: recomputed,
        actual: hash,
        message: `event #${seq} (${type}): the stored hash does not match its fields — its payload, type, time, task or seq was changed`,
      });
    }
    const prefix = `{"actor":{"role":${json(role)},"unit":${json(unit)},"user":${json(user)}},"data":`;
    if (!payload.startsWith(prefix) || !payload.endsWith(`},"machineVersion":${machineVersion}}`)) {
      this.add({
        kind: 'payload-columns',
        taskId,
        seq,
        message: `event #${seq} (${type}): the actor or machine_version columns differ from the hashed payload`,
      });
    }
    if (type === 'evidence.submit' && this.o.onFilesCited) {
      try {
        const data = (JSON.parse(payload) as { data?: { fileIds?: unknown; files?: unknown } }).data;
        const ids = data?.fileIds;
        const files = Array.isArray(data?.files) ? (data.files as CitedFile[]) : [];
        if (Array.isArray(ids) && ids.length) this.o.onFilesCited(taskId, seq, ids.map(String), files);
      } catch {
        /* an unreadable payload already fails its hash or was hashed unreadable; replay reports it */
      }
    }
    const sealed = this.sealed?.get(seq);
    if (sealed && sealed.hash !== hash) {
      this.add({
        kind: 'checkpoint-mismatch',
        taskId,
        seq,
        checkpointSeq: sealed.checkpointSeq,
        expected: sealed.hash,
        actual: hash,
        message: `event #${seq} has another hash than the one sealed in checkpoint #${sealed.checkpointSeq}: the history was rewritten`,
      });
    }
    this.expectedSeq = seq + 1;
    this.prevHash = hash;
  }

  private endTask(): void {
    if (this.taskId === null) return;
    const lastSeq = this.expectedSeq - 1;
    if (this.sealed) {
      const beyond = [...this.sealed.values()].filter((h) => h.seq > lastSeq).sort((a, b) => b.seq - a.seq)[0];
      if (beyond) {
        this.add({
          kind: 'truncated',
          taskId: this.taskId,
          seq: lastSeq + 1,
          checkpointSeq: beyond.checkpointSeq,
          expected: beyond.seq,
          actual: lastSeq,
          message: `the history ends at #${lastSeq} but checkpoint #${beyond.checkpointSeq} sealed it up to #${beyond.seq}: events were removed from its end`,
        });
      }
    }
    this.o.onTaskEnd?.({ taskId: this.taskId, events: this.count, lastSeq, lastHash: this.prevHash });
    this.taskId = null;
    this.sealed = null;
  }

  /** Call once after the last row. */
  finish(): void {
    this.endTask();
  }
}
