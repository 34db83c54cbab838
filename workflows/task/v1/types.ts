/**
 * Public types of the task workflow (docs/task-machine.md).
 *
 * Everything that ends up in the machine context is plain JSON: ISO-8601 strings, numbers, booleans,
 * null, arrays and objects. `undefined` never appears in the context, so
 * `JSON.parse(JSON.stringify(persisted))` round-trips exactly.
 */

/** Bump when the context shape or the machine's behaviour changes incompatibly. */
export const TASK_MACHINE_VERSION = 1;

export interface TaskNodeInput {
  seq: number;
  /** ISO-8601 instant (with `Z` or an offset). */
  dueAt: string;
  /** ISO-8601 instant, must be ≤ dueAt. */
  warnAt: string;
  stageTarget?: string | null;
  stageValue?: number | null;
  requiredEvidence?: string | null;
  redDeduction?: number | null;
}

/** At least one node, sorted by strictly increasing `seq`. */
export interface TaskInput {
  nodes: TaskNodeInput[];
}

export type Role = 'admin' | 'supervisor' | 'department' | 'assessor' | 'auditor' | 'system';

/** Every event carries `at` (ISO-8601 instant); guards read time only from `event.at`. */
export type TaskEvent =
  | { type: 'task.acknowledge'; at: string }
  | {
      type: 'evidence.submit';
      at: string;
      fileIds?: string[];
      completedValue?: number | null;
      note?: string | null;
      offline?: boolean;
    }
  | {
      type: 'evidence.approve';
      at: string;
      reviewedValue?: number | null;
      comment?: string | null;
      assessorPoints?: number | null;
    }
  | { type: 'evidence.return'; at: string; reason: string }
  | { type: 'extension.request'; at: string; newDueAt: string; newWarnAt?: string | null; reason: string }
  | { type: 'extension.grant'; at: string; comment?: string | null }
  | { type: 'extension.deny'; at: string; reason: string }
  | { type: 'clock.tick'; at: string }
  | { type: 'task.close'; at: string; reason?: string | null }
  | { type: 'task.score'; at: string; score: number; note?: string | null }
  | { type: 'task.cancel'; at: string; reason: string }
  /**
   * The office re-issued the task's node definitions (an edited import): the complete new node list.
   * Approved nodes must come first, unchanged; the current node keeps its progress; later nodes are
   * replaced. See revision.ts for the rules.
   */
  | { type: 'task.revise'; at: string; nodes: TaskNodeInput[]; reason?: string | null };

export type TaskEventType = TaskEvent['type'];

/** All public event types, in a fixed order (used for `allowedEvents`). */
export const TASK_EVENT_TYPES: readonly TaskEventType[] = [
  'task.acknowledge',
  'evidence.submit',
  'evidence.approve',
  'evidence.return',
  'extension.request',
  'extension.grant',
  'extension.deny',
  'clock.tick',
  'task.close',
  'task.score',
  'task.cancel',
  'task.revise',
] as const;

export const EVENT_ROLES: Record<TaskEventType, readonly Role[]> = {
  'task.acknowledge': ['department', 'supervisor'],
  'evidence.submit': ['department'],
  'evidence.approve': ['assessor'],
  'evidence.return': ['assessor'],
  'extension.request': ['department'],
  'extension.grant': ['supervisor'],
  'extension.deny': ['supervisor'],
  'clock.tick': ['system'],
  'task.close': ['supervisor', 'system'],
  'task.score': ['supervisor', 'system'],
  'task.cancel': ['supervisor', 'system'],
  'task.revise': ['supervisor', 'system'],
};

/**
 * Events the machine raises to itself. They are never accepted from outside:
 * `applyTaskEvent` refuses any type that is not in `TASK_EVENT_TYPES`.
 */
export type InternalTaskEvent =
  | { type: 'light.recompute'; at: string }
  /** `cause` names what made the request lapse (default: the node's approval). */
  | { type: 'extension.lapse'; at: string; cause?: string };

export type MachineEvent = TaskEvent | InternalTaskEvent;

export type DomainEventType =
  | 'node.opened'
  | 'node.light-changed'
  | 'node.red-lighted'
  /** Added: a red light removed because an in-time extension request was granted late. */
  | 'node.red-cleared'
  | 'evidence.submitted'
  | 'evidence.approved'
  | 'evidence.returned'
  | 'extension.requested'
  | 'extension.granted'
  | 'extension.denied'
  /** Added: a pending request dropped because its node was approved or the task left `live`. */
  | 'extension.lapsed'
  | 'task.completed'
  | 'task.closed'
  | 'task.scored'
  | 'task.cancelled'
  /** Added: the node definitions were revised (`task.revise`). */
  | 'task.revised';

export type DomainEvent = { type: DomainEventType; nodeSeq?: number; [k: string]: unknown };

export type Light = 'green' | 'yellow' | 'red';
export type ProgressState = 'assigned' | 'open' | 'submitted' | 'returned';
export type TopState = 'live' | 'completed' | 'closed' | 'scored' | 'cancelled';
export type ViewState = ProgressState | Exclude<TopState, 'live'>;

export type NodeStatus = 'pending' | 'open' | 'submitted' | 'returned' | 'approved';

export interface TaskSubmission {
  at: string;
  fileIds: string[];
  completedValue: number | null;
  note: string | null;
  offline: boolean;
  late: boolean;
  /** ceil((at − dueAt) / 1 day); 0 when on time. */
  lateDays: number;
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
  nodeSeq: number;
  requestedAt: string;
  newDueAt: string;
  newWarnAt: string | null;
  reason: string;
}

export interface ExtensionRecord extends PendingExtension {
  decision: 'granted' | 'denied' | 'lapsed';
  decidedAt: string;
  /** Grant comment, deny reason, or why it lapsed. */
  decisionNote: string | null;
  previousDueAt: string;
  previousWarnAt: string;
  /** True when the grant removed a red light set after the request. */
  redCleared: boolean;
}

export interface TaskNodeState {
  seq: number;
  dueAt: string;
  warnAt: string;
  /** The dates before any extension. */
  originalDueAt: string;
  originalWarnAt: string;
  stageTarget: string | null;
  stageValue: number | null;
  requiredEvidence: string | null;
  redDeduction: number | null;
  status: NodeStatus;
  openedAt: string | null;
  submissions: TaskSubmission[];
  returns: TaskReturn[];
  approval: TaskApproval | null;
  /** Of the latest submission. */
  late: boolean;
  lateDays: number;
  redLighted: boolean;
  redLightedAt: string | null;
  extensions: ExtensionRecord[];
}

export interface TaskContext {
  machineVersion: number;
  createdAt: string;
  acknowledgedAt: string | null;
  /** Index into `nodes` of the current node (stays on the last node once completed). */
  currentIndex: number;
  nodes: TaskNodeState[];
  /** Number of nodes with `redLighted: true`. */
  redCount: number;
  pendingExtension: PendingExtension | null;
  completedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  score: number | null;
  scoredAt: string | null;
  scoreNote: string | null;
}

/** What the machine is created with: the task's nodes and the creation instant. */
export interface TaskMachineInput extends TaskInput {
  at: string;
}

/** A persisted snapshot: plain JSON. */
export interface PersistedTask {
  value: string | Record<string, unknown>;
  context: TaskContext;
}

export interface TaskView {
  state: ViewState;
  /** null when not live. */
  light: Light | null;
  currentNodeSeq: number | null;
  nextDeadlineAt: string | null;
  redCount: number;
  extensionPending: boolean;
}
