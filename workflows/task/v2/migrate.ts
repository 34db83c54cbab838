/**
 * Upgrading a task stored by machine v1 (one current node) to v2 (every node its own milestone).
 *
 * Pure and deterministic: the result depends only on the v1 snapshot, the migration instant `at` and the
 * options, which the `task.migrated` event records, so replay reproduces it exactly.
 *
 * - State: v1 `live` (any progress/light/extension) → `{ live: 'active' }`; completed, closed, scored,
 *   cancelled stay. An unacknowledged v1 task stays unacknowledged.
 * - Nodes: v1 nodes before the current one are approved; the current one keeps its status; later nodes
 *   were never opened in v1 — in v2 every node is open from the task's assignment. Progress, returns,
 *   approvals, extension records and red flags are kept; the pending request moves to its node.
 * - Red lights are recomputed under the v2 rule: a node is red when its due instant passed before it was
 *   approved, counted as of `at` for a live task and as of the instant its clocks stopped for a finished
 *   one (completion, closing, cancelling). New red flags are dated at the node's due instant, recorded at
 *   `at`. Red flags v1 set are kept (never removed). The difference is in the event.
 */
import { ms, toIso } from '../v1/time.js';
import type { PersistedTask as V1Persisted, TaskContext as V1Context, TaskNodeState as V1Node } from '../v1/types.js';
import { advance } from './clock.js';
import { restoreOwnedTaskSnapshot, type TaskSnapshot } from './task.js';
import type { DomainEvent, PersistedTask, TaskContext, TaskNodeState } from './types.js';
import { TASK_MACHINE_VERSION } from './types.js';

export interface MigrationResult {
  persisted: PersistedTask;
  snapshot: TaskSnapshot;
  /** The `task.migrated` domain event (what the history records), then the red lights it raised. */
  emitted: DomainEvent[];
  redCountBefore: number;
  redCountAfter: number;
}

export interface MigrationOptions {
  /** Whether the migrated task requires sequential submission (v1 behaved so; lights never depend on it). */
  sequential?: boolean;
}

function v2Value(value: V1Persisted['value']): PersistedTask['value'] {
  if (typeof value === 'string') return value;
  return { live: 'active' };
}

function v2Node(n: V1Node, createdAt: string, pendingSeq: number | null, pending: V1Context['pendingExtension']): TaskNodeState {
  const status = n.status === 'pending' ? 'open' : n.status;
  return {
    seq: n.seq,
    dueAt: n.dueAt,
    warnAt: n.warnAt,
    openAt: null,
    originalDueAt: n.originalDueAt,
    originalWarnAt: n.originalWarnAt,
    stageTarget: n.stageTarget,
    stageValue: n.stageValue,
    requiredEvidence: n.requiredEvidence,
    redDeduction: n.redDeduction,
    status,
    light: n.redLighted ? 'red' : 'green',
    openedAt: n.openedAt ?? createdAt,
    submissions: n.submissions.map((s) => ({ ...s, lateWorkingDays: null })),
    returns: n.returns.map((r) => ({ ...r })),
    approval: n.approval === null ? null : { ...n.approval },
    late: n.late,
    lateDays: n.lateDays,
    lateWorkingDays: null,
    redLighted: n.redLighted,
    redLightedAt: n.redLighted ? n.dueAt : null,
    redRecordedAt: n.redLightedAt,
    lateCompleted: n.redLighted && n.approval !== null,
    pendingExtension:
      pending !== null && pendingSeq === n.seq
        ? { requestedAt: pending.requestedAt, newDueAt: pending.newDueAt, newWarnAt: pending.newWarnAt, reason: pending.reason }
        : null,
    extensions: n.extensions.map(({ nodeSeq: _seq, ...rest }) => ({ ...rest })),
  };
}

export function migrateV1ToV2(persisted: V1Persisted, at: string, options: MigrationOptions = {}): MigrationResult {
  const v1 = persisted.context;
  if (v1.machineVersion !== 1) throw new Error(`migrateV1ToV2 needs a version 1 snapshot, got version ${String(v1.machineVersion)}`);
  const when = toIso(at);
  const pending = v1.pendingExtension;
  const value = v2Value(persisted.value);
  let context: TaskContext = {
    machineVersion: TASK_MACHINE_VERSION,
    createdAt: v1.createdAt,
    clockAt: when,
    sequential: options.sequential === true,
    acknowledgedAt: v1.acknowledgedAt,
    signForDueAt: null,
    signForOverdue: false,
    nodes: v1.nodes.map((n) => v2Node(n, v1.createdAt, pending?.nodeSeq ?? null, pending)),
    redCount: v1.redCount,
    suspendedAt: null,
    suspensions: [],
    completedAt: v1.completedAt,
    closedAt: v1.closedAt,
    closeReason: v1.closeReason,
    cancelledAt: v1.cancelledAt,
    cancelReason: v1.cancelReason,
    score: v1.score,
    scoredAt: v1.scoredAt,
    scoreNote: v1.scoreNote,
    migratedFrom: { version: 1, at: when, redCountBefore: v1.redCount },
  };
  const lights: DomainEvent[] = [];
  // Red as of the instant the clocks stopped (now for a live task); an approved node is red if it was
  // approved at or after its due instant. A live task's unapproved nodes then follow the v2 clocks.
  const live = typeof value !== 'string';
  const stop = live ? when : (context.cancelledAt ?? context.closedAt ?? context.completedAt ?? when);
  let red = context.redCount;
  const nodes = context.nodes.map((n) => {
    if (n.redLighted) return n;
    const reached = n.approval !== null ? ms(n.approval.at) >= ms(n.dueAt) : !live && ms(stop) >= ms(n.dueAt);
    if (!reached) return n;
    red += 1;
    lights.push({ type: 'node.red-lighted', nodeSeq: n.seq, at: n.dueAt, recordedAt: when, dueAt: n.dueAt, redDeduction: n.redDeduction });
    return { ...n, light: 'red' as const, redLighted: true, redLightedAt: n.dueAt, redRecordedAt: when, lateCompleted: n.approval !== null };
  });
  context = { ...context, nodes, redCount: red };
  if (live) context = advance(context, when, lights);
  // Lights of approved nodes: red stays red (late-completed), otherwise green.
  context = {
    ...context,
    nodes: context.nodes.map((n) => (n.status === 'approved' ? { ...n, light: n.redLighted ? 'red' : 'green', lateCompleted: n.redLighted } : n)),
  };
  const out: PersistedTask = JSON.parse(JSON.stringify({ value, context })) as PersistedTask;
  const redNodes = lights.filter((e) => e.type === 'node.red-lighted').map((e) => e.nodeSeq as number);
  const migrated: DomainEvent = {
    type: 'task.migrated',
    at: when,
    from: 1,
    to: TASK_MACHINE_VERSION,
    sequential: context.sequential,
    redCountBefore: v1.redCount,
    redCountAfter: context.redCount,
    newRedNodes: redNodes,
  };
  return {
    persisted: out,
    snapshot: restoreOwnedTaskSnapshot(JSON.parse(JSON.stringify(out)) as PersistedTask),
    emitted: [migrated, ...lights],
    redCountBefore: v1.redCount,
    redCountAfter: context.redCount,
  };
}
