/**
 * Machine v2's public functions: create, restore, persist, apply an event (with a structured refusal),
 * list what may be sent now (per node and for the task), and a flat view for query columns. All pure.
 */
import { createActor, type AnyActorScope, type SnapshotFrom } from 'xstate';
import { TaskInputError } from '../v1/task.js';
import { isInstant, ms, toIso } from '../v1/time.js';
import { buildContext } from './context.js';
import { LIVE, payloadRefusal, refusalOf, stateRefusal } from './guards.js';
import { advanced, taskMachineV2 } from './machine.js';
import { nodeListProblem } from './revision.js';
import type {
  AllowedEvents,
  DomainEvent,
  Light,
  NodeEventType,
  PersistedTask,
  Refusal,
  Role,
  TaskContext,
  TaskEvent,
  TaskInput,
  TaskLevelEventType,
  TaskView,
  TopState,
} from './types.js';
import { NODE_EVENT_TYPES, TASK_EVENT_TYPES, TASK_LEVEL_EVENT_TYPES, TASK_MACHINE_VERSION } from './types.js';

export { TaskInputError };

export type TaskSnapshot = SnapshotFrom<typeof taskMachineV2>;

export type ApplyResult =
  | { ok: true; snapshot: TaskSnapshot; changed: boolean; emitted: DomainEvent[] }
  | { ok: false; reason: 'not_allowed'; state: TopState; refusal: Refusal; allowed: AllowedEvents };

export function validateTaskInput(input: TaskInput): void {
  const problem = nodeListProblem(input?.nodes);
  if (problem) throw new TaskInputError(`${problem.field}: ${problem.messageEn}`);
  if (input.sequential !== undefined && typeof input.sequential !== 'boolean') throw new TaskInputError('sequential must be true or false');
  if (input.signForDueAt !== undefined && input.signForDueAt !== null && !isInstant(input.signForDueAt)) {
    throw new TaskInputError('signForDueAt is not an ISO-8601 instant');
  }
}

/** Initial snapshot plus the domain events of creation (e.g. red lights of a task created after a due date). */
export function initialTaskTransition(input: TaskInput, at: string): { snapshot: TaskSnapshot; emitted: DomainEvent[] } {
  validateTaskInput(input);
  if (!isInstant(at)) throw new TaskInputError('at is not an ISO-8601 instant');
  const emitted: DomainEvent[] = [];
  const context = buildContext({ nodes: input.nodes, sequential: input.sequential, signForDueAt: input.signForDueAt, at }, emitted);
  return { snapshot: taskMachineV2.resolveState({ value: { live: 'active' }, context }), emitted };
}

export function initialTaskSnapshot(input: TaskInput, at: string): TaskSnapshot {
  return initialTaskTransition(input, at).snapshot;
}

export function persistTaskSnapshot(s: TaskSnapshot): PersistedTask {
  return JSON.parse(JSON.stringify({ value: s.value, context: s.context })) as PersistedTask;
}

export function restoreTaskSnapshot(persisted: PersistedTask): TaskSnapshot {
  return restoreOwnedTaskSnapshot(JSON.parse(JSON.stringify(persisted)) as PersistedTask);
}

/** For a persisted object the caller owns and will not touch again (skips the defensive copy). */
export function restoreOwnedTaskSnapshot(persisted: PersistedTask): TaskSnapshot {
  const version = persisted?.context?.machineVersion;
  if (version !== TASK_MACHINE_VERSION) {
    throw new TaskInputError(`persisted task has machine version ${String(version)}, expected ${TASK_MACHINE_VERSION}`);
  }
  return taskMachineV2.resolveState({ value: persisted.value as never, context: persisted.context });
}

export function topStateOf(s: TaskSnapshot): TopState {
  const v = s.value as string | { live: 'active' | 'suspended' };
  return typeof v === 'string' ? (v as TopState) : v.live;
}

export function isLive(s: TaskSnapshot): boolean {
  return LIVE.includes(topStateOf(s));
}

/**
 * What this caller (any caller when `role` is omitted) may send at `at`: the task-level event types and,
 * per node seq, the node event types whose guards pass in the state the task will be in at `at`
 * (payload aside). `clock.tick` is listed whenever the role may send it (it is never refused).
 */
export function allowedEvents(s: TaskSnapshot, at: string, role?: Role): AllowedEvents {
  const top = topStateOf(s);
  const out: AllowedEvents = { task: [], nodes: {} };
  for (const n of s.context.nodes) out.nodes[n.seq] = [];
  if (!isInstant(at)) return out;
  const ctx = advanced(s.context, top, toIso(at), []);
  for (const type of TASK_LEVEL_EVENT_TYPES) {
    if (stateRefusal(ctx, top, type, null, at, role) === null) out.task.push(type as TaskLevelEventType);
  }
  for (const n of ctx.nodes) {
    out.nodes[n.seq] = NODE_EVENT_TYPES.filter((type) => stateRefusal(ctx, top, type, n.seq, at, role) === null) as NodeEventType[];
  }
  return out;
}

/** Why `e` would be refused now (null: it would be accepted), with the node, its state and the reason. */
export function refusalFor(s: TaskSnapshot, e: TaskEvent, role?: Role): Refusal | null {
  const top = topStateOf(s);
  const at = (e as { at?: unknown })?.at;
  if (typeof e !== 'object' || e === null) return stateRefusal(s.context, top, 'undefined', null, at, role);
  if (!isInstant(at)) return stateRefusal(s.context, top, String(e.type), null, at, role);
  return refusalOf(advanced(s.context, top, toIso(at), []), top, e, role);
}

/** XState's `transition()` minus its per-call actor (see v1/task.ts): one inert scope collects the actions. */
type CollectedAction = { type: string; params?: unknown };
let collected: CollectedAction[] = [];
let inertScope: AnyActorScope | undefined;
function pureTransition(s: TaskSnapshot, e: TaskEvent): [TaskSnapshot, CollectedAction[]] {
  if (!inertScope) {
    const self = createActor(taskMachineV2, { input: undefined as never });
    inertScope = {
      self,
      id: '',
      sessionId: '',
      system: self.system,
      defer: () => {},
      logger: () => {},
      stopChild: () => {},
      emit: () => {},
      actionExecutor: (action: CollectedAction) => void collected.push(action),
    } as unknown as AnyActorScope;
  }
  collected = [];
  const next = taskMachineV2.transition(s, e as never, inertScope);
  return [next, collected];
}

function emittedOf(actions: ReadonlyArray<{ type: string; params?: unknown }>): DomainEvent[] {
  return actions.filter((a) => a.type === 'xstate.emit').map((a) => (a.params as { event: DomainEvent }).event);
}

function sameExceptClock(a: TaskContext, b: TaskContext): boolean {
  return JSON.stringify({ ...a, clockAt: '' }) === JSON.stringify({ ...b, clockAt: '' });
}

const PUBLIC_TYPES = new Set<string>(TASK_EVENT_TYPES);

/**
 * Applies one public event (optionally checking the sender's role). Refused events change nothing and
 * come back with a structured refusal and what is allowed instead. `clock.tick` is never refused for a
 * well-formed `at`: with nothing to do it returns `ok: true, changed: false` (write nothing).
 */
export function applyTaskEvent(s: TaskSnapshot, e: TaskEvent, role?: Role): ApplyResult {
  const top = topStateOf(s);
  const refuse = (refusal: Refusal): ApplyResult => ({
    ok: false,
    reason: 'not_allowed',
    state: top,
    refusal,
    allowed: allowedEvents(s, isInstant((e as { at?: unknown })?.at) ? (e as { at: string }).at : s.context.clockAt, role),
  });
  const unchanged = (): ApplyResult => ({ ok: true, snapshot: s, changed: false, emitted: [] });
  if (typeof e !== 'object' || e === null || !PUBLIC_TYPES.has((e as { type?: unknown }).type as string) || !isInstant(e.at)) {
    return refuse(refusalFor(s, e, role)!);
  }
  if (e.type === 'clock.tick') {
    const r = stateRefusal(s.context, top, e.type, null, e.at, role);
    if (r) return refuse(r);
  }
  if (s.status !== 'active') return e.type === 'clock.tick' ? unchanged() : refuse(refusalFor(s, e, role)!);
  if (role !== undefined && e.type !== 'clock.tick') {
    const r = refusalFor(s, e, role);
    if (r) return refuse(r);
  }
  const [next, actions] = pureTransition(s, e);
  if (next === s) return e.type === 'clock.tick' ? unchanged() : refuse(refusalFor(s, e) ?? fallbackRefusal(s, e));
  // Only a revision can be accepted and change nothing (identical definitions); a tick was guarded on having work.
  if (e.type === 'task.revise' && JSON.stringify(next.value) === JSON.stringify(s.value) && sameExceptClock(next.context, s.context)) {
    return unchanged();
  }
  return { ok: true, snapshot: next, changed: true, emitted: emittedOf(actions) };
}

/** A refusal when the machine took no transition but the guards found nothing wrong (should not happen). */
function fallbackRefusal(s: TaskSnapshot, e: TaskEvent): Refusal {
  const top = topStateOf(s);
  return (
    payloadRefusal(s.context, top, e) ?? {
      code: 'task_state',
      nodeSeq: null,
      nodeState: null,
      state: top,
      message: '当前状态不能执行该操作',
      messageEn: `not allowed while the task is ${top}`,
    }
  );
}

function worst(a: Light | null, b: Light): Light {
  const rank = { green: 0, yellow: 1, red: 2 } as const;
  return a === null || rank[b] > rank[a] ? b : a;
}

/**
 * Flat view for query columns and the board. `nextDeadlineAt` is the next instant at which a tick has
 * something to do (a node's warn or due instant, a node opening, the sign-for deadline); null when
 * nothing is pending or the task is not active. (Every event catches the clocks up, so unlike v1 no `at`
 * is needed: an instant already reached is simply due for the next sweep.)
 */
export function viewOf(s: TaskSnapshot): TaskView {
  const top = topStateOf(s);
  const ctx = s.context;
  const live = LIVE.includes(top);
  const suspended = top === 'suspended';
  const view: TaskView = {
    state: top,
    light: null,
    currentNodeSeq: null,
    nextDeadlineAt: null,
    redCount: ctx.redCount,
    yellowCount: 0,
    lateCompletedCount: 0,
    signForOverdue: ctx.signForOverdue && ctx.acknowledgedAt === null,
    extensionPending: false,
    suspended,
    nodes: [],
  };
  let next = Number.POSITIVE_INFINITY;
  const consider = (iso: string | null) => {
    if (iso !== null && ms(iso) < next) next = ms(iso);
  };
  for (const n of ctx.nodes) {
    const approved = n.status === 'approved';
    if (n.lateCompleted) view.lateCompletedCount += 1;
    if (!approved && n.light === 'yellow') view.yellowCount += 1;
    if (n.pendingExtension !== null) view.extensionPending = true;
    view.nodes.push({
      seq: n.seq,
      status: n.status,
      light: n.light,
      dueAt: n.dueAt,
      warnAt: n.warnAt,
      redLighted: n.redLighted,
      lateCompleted: n.lateCompleted,
      suspended: suspended && !approved,
      extensionPending: n.pendingExtension !== null,
    });
    if (!live || approved) continue;
    view.light = worst(view.light, n.light);
    if (view.currentNodeSeq === null) view.currentNodeSeq = n.seq;
    if (top !== 'active') continue;
    if (n.status === 'pending') consider(n.openAt);
    if (n.light === 'green') consider(n.warnAt);
    else if (n.light === 'yellow') consider(n.dueAt);
  }
  if (top === 'active' && ctx.acknowledgedAt === null && !ctx.signForOverdue) consider(ctx.signForDueAt);
  if (Number.isFinite(next)) view.nextDeadlineAt = new Date(next).toISOString();
  return view;
}
