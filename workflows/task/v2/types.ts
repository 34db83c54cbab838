/**
 * Public types of task machine version 2 (docs/task-machine.md: every node is its own milestone).
 *
 * Everything in the context is plain JSON (ISO-8601 strings, numbers, booleans, null, arrays, objects);
 * `undefined` never appears, so `JSON.parse(JSON.stringify(persisted))` round-trips exactly.
 */
import type { Role } from '../v1/types.js';

export type { Role };

/** Bump when the context shape or the machine's behaviour changes incompatibly. */
export const TASK_MACHINE_VERSION = 2;

export interface TaskNodeInput {
  seq: number;
  /** ISO-8601 instant (with `Z` or an offset). */
  dueAt: string;
  /** ISO-8601 instant, must be ≤ dueAt. */
  warnAt: string;
  /** When the node opens; absent/null: it opens with the task's assignment. Must be ≤ warnAt. */
  openAt?: string | null;
  stageTarget?: string | null;
  stageValue?: number | null;
  requiredEvidence?: string | null;
  redDeduction?: number | null;
}

export interface TaskInput {
  /** At least one node, sorted by strictly increasing `seq`. */
  nodes: TaskNodeInput[];
  /** Node k+1 may be submitted only after node k is approved (lights never depend on it). */
  sequential?: boolean;
  /** The sign-for (签收) deadline: N working days after assignment, computed by the caller's calendar. */
  signForDueAt?: string | null;
}

export interface ResumeNodeDates {
  seq: number;
  dueAt: string;
  warnAt?: string | null;
}

/** Events that act on one node name it with `nodeSeq`. Every event carries `at` (the server's clock). */
export type NodeEvent =
  | {
      type: 'evidence.submit';
      at: string;
      nodeSeq: number;
      fileIds?: string[];
      completedValue?: number | null;
      note?: string | null;
      offline?: boolean;
      /** Working days late, computed by the write path from the plan's calendar (the machine has none). */
      lateWorkingDays?: number | null;
    }
  | {
      type: 'evidence.approve';
      at: string;
      nodeSeq: number;
      reviewedValue?: number | null;
      comment?: string | null;
      assessorPoints?: number | null;
      /** Scoring facts the assessor enters with the approval (政策影响额, sub-indicator values, sub-item results). */
      facts?: EnteredFactValues | null;
      /** Who enters them (set by the write path from the sender, never by a client). */
      enteredBy?: FactEnterer | null;
    }
  | { type: 'evidence.return'; at: string; nodeSeq: number; reason: string }
  | { type: 'extension.request'; at: string; nodeSeq: number; newDueAt: string; newWarnAt?: string | null; reason: string }
  | { type: 'extension.grant'; at: string; nodeSeq: number; comment?: string | null }
  | { type: 'extension.deny'; at: string; nodeSeq: number; reason: string };

export type TaskLevelEvent =
  | { type: 'task.acknowledge'; at: string }
  | { type: 'clock.tick'; at: string }
  | { type: 'task.suspend'; at: string; reason: string }
  /** New dates for some nodes; every other unapproved node not yet due at suspension moves by the suspended days. */
  | { type: 'task.resume'; at: string; nodes?: ResumeNodeDates[] | null; note?: string | null }
  | { type: 'task.close'; at: string; reason?: string | null }
  | { type: 'task.score'; at: string; score: number; note?: string | null }
  | { type: 'task.cancel'; at: string; reason: string }
  | { type: 'task.revise'; at: string; nodes: TaskNodeInput[]; reason?: string | null }
  /** Scoring facts set or corrected after approval (the assessor, or the office), with a reason. */
  | { type: 'task.facts'; at: string; facts: EnteredFactValues; reason: string; enteredBy?: FactEnterer | null };

/**
 * Scoring facts entered by a person (not derived from nodes): the shapes the scoring methods read
 * (src/scoring/types.ts TaskFacts). `null` clears a fact (a sub-key's null clears that entry).
 */
export interface EnteredFactValues {
  policyAdjustment?: number | null;
  subValues?: Record<string, { actual?: number | null; target?: number | null } | null> | null;
  subItems?: Record<string, boolean | number | null> | null;
}

export interface FactEnterer {
  userId: string | null;
  role: string;
  name?: string | null;
}

/** Where one entered fact came from. */
export interface EnteredFactSource {
  at: string;
  via: 'evidence.approve' | 'task.facts';
  nodeSeq: number | null;
  userId: string | null;
  role: string | null;
  name: string | null;
  reason: string | null;
}

/** The entered facts as they stand (cleared ones removed), with the source of each by fact path ('subValues.gdp.actual'). */
export interface EnteredFacts {
  values: {
    policyAdjustment?: number;
    subValues?: Record<string, { actual?: number; target?: number }>;
    subItems?: Record<string, boolean | number>;
  };
  sources: Record<string, EnteredFactSource>;
}

export type TaskEvent = NodeEvent | TaskLevelEvent;
export type TaskEventType = TaskEvent['type'];
export type NodeEventType = NodeEvent['type'];
export type TaskLevelEventType = TaskLevelEvent['type'];

export const NODE_EVENT_TYPES: readonly NodeEventType[] = [
  'evidence.submit',
  'evidence.approve',
  'evidence.return',
  'extension.request',
  'extension.grant',
  'extension.deny',
] as const;

export const TASK_LEVEL_EVENT_TYPES: readonly TaskLevelEventType[] = [
  'task.acknowledge',
  'clock.tick',
  'task.suspend',
  'task.resume',
  'task.close',
  'task.score',
  'task.cancel',
  'task.revise',
  'task.facts',
] as const;

/** All public event types, in a fixed order. */
export const TASK_EVENT_TYPES: readonly TaskEventType[] = [...TASK_LEVEL_EVENT_TYPES.slice(0, 1), ...NODE_EVENT_TYPES, ...TASK_LEVEL_EVENT_TYPES.slice(1)];

export const EVENT_ROLES: Record<TaskEventType, readonly Role[]> = {
  'task.acknowledge': ['department', 'supervisor'],
  'evidence.submit': ['department'],
  'evidence.approve': ['assessor'],
  'evidence.return': ['assessor'],
  'extension.request': ['department'],
  'extension.grant': ['supervisor'],
  'extension.deny': ['supervisor'],
  'clock.tick': ['system'],
  'task.suspend': ['supervisor'],
  'task.resume': ['supervisor'],
  'task.close': ['supervisor', 'system'],
  'task.score': ['supervisor', 'system'],
  'task.cancel': ['supervisor', 'system'],
  'task.revise': ['supervisor', 'system'],
  'task.facts': ['assessor', 'supervisor', 'admin', 'system'],
};

export function isNodeEventType(type: string): type is NodeEventType {
  return (NODE_EVENT_TYPES as readonly string[]).includes(type);
}

export type DomainEventType =
  | 'node.opened'
  | 'node.light-changed'
  /** Once per node; `at` is the due instant it marks, `recordedAt` when the machine saw it. */
  | 'node.red-lighted'
  | 'node.red-cleared'
  | 'task.acknowledged'
  | 'task.sign-for-overdue'
  | 'evidence.submitted'
  | 'evidence.approved'
  | 'evidence.returned'
  | 'extension.requested'
  | 'extension.granted'
  | 'extension.denied'
  | 'extension.lapsed'
  | 'task.suspended'
  | 'task.resumed'
  | 'task.completed'
  | 'task.closed'
  | 'task.scored'
  | 'task.cancelled'
  | 'task.revised'
  /** Scoring facts entered or corrected (task.facts, or evidence.approve with facts). */
  | 'task.facts-entered'
  /** A v1 task upgraded to v2 (migrate.ts), with the red counts before and after. */
  | 'task.migrated';

export type DomainEvent = { type: DomainEventType; nodeSeq?: number; at: string; [k: string]: unknown };

export type Light = 'green' | 'yellow' | 'red';
export type NodeStatus = 'pending' | 'open' | 'submitted' | 'returned' | 'approved';
/** `live` is `active` or `suspended`. */
export type TopState = 'active' | 'suspended' | 'completed' | 'closed' | 'scored' | 'cancelled';

export interface TaskSubmission {
  at: string;
  fileIds: string[];
  completedValue: number | null;
  note: string | null;
  offline: boolean;
  late: boolean;
  /** Calendar days: ceil((at − dueAt) / 1 day); 0 when on time. */
  lateDays: number;
  /** Working days, as the write path computed them from the calendar; null when not given. */
  lateWorkingDays: number | null;
}

export interface TaskReturn {
  at: string;
  reason: string;
}

export interface TaskApproval {
  at: string;
  reviewedValue: number | null;
  comment: string | null;
  assessorPoints: number | null;
}

export interface PendingExtension {
  requestedAt: string;
  newDueAt: string;
  newWarnAt: string | null;
  reason: string;
}

export interface ExtensionRecord extends PendingExtension {
  decision: 'granted' | 'denied' | 'lapsed';
  decidedAt: string;
  decisionNote: string | null;
  previousDueAt: string;
  previousWarnAt: string;
  redCleared: boolean;
}

export interface TaskNodeState {
  seq: number;
  dueAt: string;
  warnAt: string;
  openAt: string | null;
  originalDueAt: string;
  originalWarnAt: string;
  stageTarget: string | null;
  stageValue: number | null;
  requiredEvidence: string | null;
  redDeduction: number | null;
  status: NodeStatus;
  /** The node's own light; frozen at approval (red stays red: counted, and shown as late-completed). */
  light: Light;
  openedAt: string | null;
  submissions: TaskSubmission[];
  returns: TaskReturn[];
  approval: TaskApproval | null;
  /** Of the latest submission. */
  late: boolean;
  lateDays: number;
  lateWorkingDays: number | null;
  redLighted: boolean;
  /** The due instant the red light marks. */
  redLightedAt: string | null;
  /** When the machine recorded it (the event that caught the clock up). */
  redRecordedAt: string | null;
  /** Approved after its red light (补报/已整改). */
  lateCompleted: boolean;
  pendingExtension: PendingExtension | null;
  extensions: ExtensionRecord[];
}

export interface Suspension {
  at: string;
  reason: string;
  resumedAt: string | null;
  /** Whole days the clocks were stopped (ceil), set on resume. */
  days: number | null;
  note: string | null;
}

export interface TaskContext {
  machineVersion: number;
  createdAt: string;
  /** The latest instant the machine has been brought to (events never go back before it). */
  clockAt: string;
  sequential: boolean;
  acknowledgedAt: string | null;
  signForDueAt: string | null;
  signForOverdue: boolean;
  nodes: TaskNodeState[];
  /** Nodes with `redLighted: true`. */
  redCount: number;
  suspendedAt: string | null;
  suspensions: Suspension[];
  completedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  score: number | null;
  scoredAt: string | null;
  scoreNote: string | null;
  /** Set by `migrateV1ToV2`: the version this task was upgraded from and when. */
  migratedFrom: { version: number; at: string; redCountBefore: number } | null;
  /**
   * Scoring facts entered by the assessor or the office. Absent until the first is entered, so every
   * history recorded before this field existed replays to exactly the snapshot it stored.
   */
  enteredFacts?: EnteredFacts;
}

export interface TaskMachineInput extends TaskInput {
  at: string;
}

export interface PersistedTask {
  value: string | Record<string, unknown>;
  context: TaskContext;
}

/** A structured refusal: the node and its state, why, in Chinese and English; `field` for a bad payload (→ 400). */
export interface Refusal {
  code: RefusalCode;
  nodeSeq: number | null;
  nodeState: NodeStatus | null;
  /** The task's state (top state). */
  state: TopState;
  message: string;
  messageEn: string;
  field?: string;
}

export type RefusalCode =
  | 'unknown_event'
  | 'invalid_at'
  | 'stale_at'
  | 'role'
  | 'task_state'
  | 'suspended'
  | 'not_suspended'
  | 'not_acknowledged'
  | 'already_acknowledged'
  | 'node_not_found'
  | 'node_not_open'
  | 'node_state'
  | 'sequential'
  | 'due_passed'
  | 'extension_pending'
  | 'no_extension_pending'
  | 'invalid_payload';

export interface AllowedEvents {
  task: TaskLevelEventType[];
  nodes: Record<number, NodeEventType[]>;
}

export interface NodeView {
  seq: number;
  status: NodeStatus;
  light: Light;
  dueAt: string;
  warnAt: string;
  redLighted: boolean;
  lateCompleted: boolean;
  /** Not counted by scoring while the task is suspended and the node not approved. */
  suspended: boolean;
  extensionPending: boolean;
}

export interface TaskView {
  state: TopState;
  /** The worst light among unapproved nodes; null when not live or every node is approved. */
  light: Light | null;
  /** The first node not yet approved (null when none). */
  currentNodeSeq: number | null;
  /** The next instant at which the sweeper has something to do (warn, due, open, sign-for); null when none. */
  nextDeadlineAt: string | null;
  redCount: number;
  yellowCount: number;
  lateCompletedCount: number;
  signForOverdue: boolean;
  extensionPending: boolean;
  suspended: boolean;
  nodes: NodeView[];
}
