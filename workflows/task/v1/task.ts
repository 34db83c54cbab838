/**
 * The task workflow's public functions: create, restore, persist, apply an event, list what is allowed,
 * and a flat view for query columns. All pure; XState's `initialTransition` / `transition` do the work.
 */
import { __unsafe_getAllOwnEventDescriptors, createActor, initialTransition, type AnyActorScope } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import { currentNode, taskMachine } from './machine.js';
import { isInstant, ms } from './time.js';
import type { DomainEvent, Light, PersistedTask, ProgressState, TaskEvent, TaskEventType, TaskInput, TaskView, ViewState } from './types.js';
import { TASK_EVENT_TYPES, TASK_MACHINE_VERSION } from './types.js';

export type TaskSnapshot = SnapshotFrom<typeof taskMachine>;

export type ApplyResult =
  | { ok: true; snapshot: TaskSnapshot; changed: boolean; emitted: DomainEvent[] }
  | { ok: false; reason: 'not_allowed'; state: string; allowed: TaskEventType[] };

/** Thrown by `initialTaskSnapshot` / `restoreTaskSnapshot` for input that cannot describe a task. */
export class TaskInputError extends Error {
  override readonly name = 'TaskInputError';
}

export function validateTaskInput(input: TaskInput): void {
  if (!input || !Array.isArray(input.nodes) || input.nodes.length === 0) {
    throw new TaskInputError('a task needs at least one node');
  }
  let prevSeq = Number.NEGATIVE_INFINITY;
  for (const [i, node] of input.nodes.entries()) {
    const where = `node ${i} (seq ${String(node?.seq)})`;
    if (typeof node.seq !== 'number' || !Number.isInteger(node.seq)) throw new TaskInputError(`${where}: seq must be an integer`);
    if (node.seq <= prevSeq) throw new TaskInputError(`${where}: nodes must be sorted by strictly increasing seq`);
    prevSeq = node.seq;
    if (!isInstant(node.dueAt)) throw new TaskInputError(`${where}: dueAt is not an ISO-8601 instant`);
    if (!isInstant(node.warnAt)) throw new TaskInputError(`${where}: warnAt is not an ISO-8601 instant`);
    if (ms(node.warnAt) > ms(node.dueAt)) throw new TaskInputError(`${where}: warnAt is after dueAt`);
    for (const key of ['stageValue', 'redDeduction'] as const) {
      const v = node[key];
      if (v !== undefined && v !== null && !(typeof v === 'number' && Number.isFinite(v))) {
        throw new TaskInputError(`${where}: ${key} must be a finite number or null`);
      }
    }
  }
}

/** Initial snapshot plus the domain events of creation (e.g. a task created after its first deadline). */
export function initialTaskTransition(input: TaskInput, at: string): { snapshot: TaskSnapshot; emitted: DomainEvent[] } {
  validateTaskInput(input);
  if (!isInstant(at)) throw new TaskInputError('at is not an ISO-8601 instant');
  const [snapshot, actions] = initialTransition(taskMachine, { nodes: input.nodes, at });
  return { snapshot, emitted: emittedOf(actions) };
}

export function initialTaskSnapshot(input: TaskInput, at: string): TaskSnapshot {
  return initialTaskTransition(input, at).snapshot;
}

export function persistTaskSnapshot(s: TaskSnapshot): PersistedTask {
  // Deep copy: the persisted object must not alias the (immutable) snapshot's context.
  return JSON.parse(JSON.stringify({ value: s.value, context: s.context })) as PersistedTask;
}

export function restoreTaskSnapshot(persisted: PersistedTask): TaskSnapshot {
  return restoreOwnedTaskSnapshot(JSON.parse(JSON.stringify(persisted)) as PersistedTask);
}

/**
 * Like `restoreTaskSnapshot`, for a persisted object the caller owns and will not touch again (e.g. one it
 * has just `JSON.parse`d from storage): skips the defensive deep copy, which is a third of a restore.
 */
export function restoreOwnedTaskSnapshot(persisted: PersistedTask): TaskSnapshot {
  const version = persisted?.context?.machineVersion;
  if (version !== TASK_MACHINE_VERSION) {
    throw new TaskInputError(`persisted task has machine version ${String(version)}, expected ${TASK_MACHINE_VERSION}`);
  }
  return taskMachine.resolveState({ value: persisted.value as never, context: persisted.context });
}

function isLive(s: TaskSnapshot): boolean {
  return s.matches('live');
}

function topState(s: TaskSnapshot): 'live' | 'completed' | 'closed' | 'scored' | 'cancelled' {
  return (typeof s.value === 'string' ? s.value : Object.keys(s.value)[0]) as never;
}

function progressOf(s: TaskSnapshot): ProgressState {
  return (s.value as { live: { progress: ProgressState } }).live.progress;
}

function lightOf(s: TaskSnapshot): Light {
  return (s.value as { live: { light: Light } }).live.light;
}

function stateName(s: TaskSnapshot): ViewState {
  return isLive(s) ? progressOf(s) : (topState(s) as ViewState);
}

/**
 * Event types accepted now, in `TASK_EVENT_TYPES` order. Guards that depend on the payload (including
 * `at`) are ignored; `clock.tick` is listed whenever the task is live.
 */
export function allowedEvents(s: TaskSnapshot): TaskEventType[] {
  if (s.status !== 'active') return [];
  const own = new Set<string>(__unsafe_getAllOwnEventDescriptors(s));
  if (isLive(s)) own.add('clock.tick');
  return TASK_EVENT_TYPES.filter((t) => own.has(t));
}

function emittedOf(actions: ReadonlyArray<{ type: string; params?: unknown }>): DomainEvent[] {
  return actions.filter((a) => a.type === 'xstate.emit').map((a) => (a.params as { event: DomainEvent }).event);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const PUBLIC_TYPES = new Set<string>(TASK_EVENT_TYPES);

/**
 * XState's `transition(machine, snapshot, event)` minus its per-call cost: it builds a throwaway actor (and
 * starts it) on every call only to collect the actions. This machine spawns and invokes nothing, so one
 * inert scope can serve every call; actions are collected exactly as `transition()` collects them and are
 * never executed here. Measured: about half the cost of a transition.
 */
type CollectedAction = { type: string; params?: unknown };
let collected: CollectedAction[] = [];
let inertScope: AnyActorScope | undefined;
function pureTransition(s: TaskSnapshot, e: TaskEvent): [TaskSnapshot, CollectedAction[]] {
  if (!inertScope) {
    // Started without input, the machine's context factory returns an inert placeholder (see machine.ts).
    const self = createActor(taskMachine, { input: undefined as never });
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
  const next = taskMachine.transition(s, e as never, inertScope);
  return [next, collected];
}

/**
 * Applies one public event. Refuses (`not_allowed`, nothing changes) unknown or internal event types, an
 * `at` that is not an ISO-8601 instant, and any event the machine does not accept now (state or guard).
 * `clock.tick` is never refused for a well-formed `at`: with nothing to do (light already current, or the
 * task no longer live) it returns `ok: true, changed: false`, so the sweeper can race with a close.
 */
export function applyTaskEvent(s: TaskSnapshot, e: TaskEvent): ApplyResult {
  const refuse = (): ApplyResult => ({ ok: false, reason: 'not_allowed', state: stateName(s), allowed: allowedEvents(s) });
  if (typeof e !== 'object' || e === null || !PUBLIC_TYPES.has((e as { type?: unknown }).type as string)) return refuse();
  if (!isInstant(e.at)) return refuse();
  const unchanged = (): ApplyResult => ({ ok: true, snapshot: s, changed: false, emitted: [] });
  if (s.status !== 'active') return e.type === 'clock.tick' ? unchanged() : refuse();
  // XState returns the very same snapshot object when no transition is taken (wrong state or every guard
  // false): that is exactly `!s.can(e)`, without evaluating the guards twice.
  const [next, actions] = pureTransition(s, e);
  if (next === s) return e.type === 'clock.tick' ? unchanged() : refuse();
  const changed = !deepEqual(next.value, s.value) || !deepEqual(next.context, s.context);
  return { ok: true, snapshot: next, changed, emitted: emittedOf(actions) };
}

/**
 * Flat view for query columns. `nextDeadlineAt` is what the sweeper waits for: the current node's warnAt
 * while green, its dueAt while yellow, null when red, not live, or the node is approved. Pass `at` to get
 * dueAt for a green light whose warnAt has already passed (no tick yet).
 */
export function viewOf(s: TaskSnapshot, at?: string): TaskView {
  const live = isLive(s);
  const ctx = s.context;
  const view: TaskView = {
    state: stateName(s),
    light: null,
    currentNodeSeq: null,
    nextDeadlineAt: null,
    redCount: ctx.redCount,
    extensionPending: false,
  };
  if (!live) return view;
  const node = currentNode(ctx);
  const light = lightOf(s);
  view.light = light;
  view.currentNodeSeq = node.seq;
  view.extensionPending = (s.value as { live: { extension: string } }).live.extension === 'requested';
  if (node.approval === null) {
    if (light === 'yellow') view.nextDeadlineAt = node.dueAt;
    else if (light === 'green') {
      const pastWarn = at !== undefined && isInstant(at) && ms(at) >= ms(node.warnAt);
      view.nextDeadlineAt = pastWarn ? node.dueAt : node.warnAt;
    }
  }
  return view;
}
