/**
 * The task state machine (docs/task-machine.md). Pure: no clock, no randomness, no I/O.
 *
 * Root states:
 *   live (parallel)
 *     progress:  assigned → open → submitted → (approve) open of the next node | #completed
 *                                            → (return)  returned → (submit) submitted
 *     light:     green → yellow → red, for the CURRENT node, driven by `clock.tick { at }` and recomputed
 *                (internal `light.recompute`) when a node opens or its due date moves
 *     extension: none ⇄ requested
 *   completed, closed → scored (final) | cancelled (final)
 *
 * Time comes only from `event.at`. Internal events (`light.recompute`, `extension.lapse`) are raised, so
 * their guards see the context as assigned by the transition that raised them.
 */
import { and, enqueueActions, not, raise, setup } from 'xstate';
import type { DomainEvent, ExtensionRecord, Light, MachineEvent, PendingExtension, TaskContext, TaskMachineInput, TaskNodeState } from './types.js';
import { TASK_MACHINE_VERSION } from './types.js';
import { isInstant, isoFromMs, lateDaysBetween, ms, toIso } from './time.js';
import { revisionProblem, reviseNodes } from './revision.js';

type Ev<T extends MachineEvent['type']> = Extract<MachineEvent, { type: T }>;

function as<T extends MachineEvent['type']>(event: MachineEvent, _type: T): Ev<T> {
  return event as Ev<T>;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function optionalNumber(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && Number.isFinite(value));
}

function optionalString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}

function orNull<T>(value: T | null | undefined): T | null {
  return value === undefined ? null : value;
}

function trimmedOrNull(value: string | null | undefined): string | null {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : null;
}

export function currentNode(context: TaskContext): TaskNodeState {
  return context.nodes[context.currentIndex];
}

function withCurrentNode(context: TaskContext, patch: (node: TaskNodeState) => TaskNodeState): TaskNodeState[] {
  return context.nodes.map((node, i) => (i === context.currentIndex ? patch(node) : node));
}

/** Light the current node should show at `at` (ignoring what it shows now). */
export function lightAt(node: TaskNodeState, at: string): Light {
  const t = ms(at);
  if (node.approval === null && t >= ms(node.dueAt)) return 'red';
  if (t >= ms(node.warnAt)) return 'yellow';
  return 'green';
}

/** Builds the initial context; the input must already be validated (see `initialTaskSnapshot`). */
export function buildContext(input: TaskMachineInput): TaskContext {
  return {
    machineVersion: TASK_MACHINE_VERSION,
    createdAt: toIso(input.at),
    acknowledgedAt: null,
    currentIndex: 0,
    nodes: input.nodes.map((n) => ({
      seq: n.seq,
      dueAt: toIso(n.dueAt),
      warnAt: toIso(n.warnAt),
      originalDueAt: toIso(n.dueAt),
      originalWarnAt: toIso(n.warnAt),
      stageTarget: orNull(n.stageTarget),
      stageValue: orNull(n.stageValue),
      requiredEvidence: orNull(n.requiredEvidence),
      redDeduction: orNull(n.redDeduction),
      status: 'pending',
      openedAt: null,
      submissions: [],
      returns: [],
      approval: null,
      late: false,
      lateDays: 0,
      redLighted: false,
      redLightedAt: null,
      extensions: [],
    })),
    redCount: 0,
    pendingExtension: null,
    completedAt: null,
    closedAt: null,
    closeReason: null,
    cancelledAt: null,
    cancelReason: null,
    score: null,
    scoredAt: null,
    scoreNote: null,
  };
}

/** The context of a machine started without input (never persisted; see the `context` factory below). */
function emptyContext(): TaskContext {
  return buildContext({ nodes: [], at: '1970-01-01T00:00:00.000Z' });
}

/** Records a pending extension as decided/lapsed on its node (pure helper). */
function settleExtension(
  context: TaskContext,
  pending: PendingExtension,
  decision: ExtensionRecord['decision'],
  decidedAt: string,
  decisionNote: string | null,
  patch: Partial<TaskNodeState> = {},
  redCleared = false,
): TaskNodeState[] {
  return context.nodes.map((node) => {
    if (node.seq !== pending.nodeSeq) return node;
    const record: ExtensionRecord = {
      ...pending,
      decision,
      decidedAt,
      decisionNote,
      previousDueAt: node.dueAt,
      previousWarnAt: node.warnAt,
      redCleared,
    };
    return { ...node, ...patch, extensions: [...node.extensions, record] };
  });
}

const lightChanged = (from: Light, to: Light) =>
  enqueueActions<TaskContext, MachineEvent, undefined, MachineEvent, never, never, never, never, DomainEvent>(({ context, event, enqueue }) => {
    enqueue.emit({ type: 'node.light-changed', nodeSeq: currentNode(context).seq, from, to, at: toIso(event.at) });
  });

const raiseRecompute = raise<TaskContext, MachineEvent, MachineEvent, undefined>(({ event }) => ({
  type: 'light.recompute',
  at: toIso(event.at),
}));

export const taskMachine = setup({
  types: {
    context: {} as TaskContext,
    events: {} as MachineEvent,
    input: {} as TaskMachineInput,
    emitted: {} as DomainEvent,
  },
  guards: {
    validAt: ({ event }) => isInstant(event.at),
    hasReason: ({ event }) => isInstant(event.at) && nonEmpty((event as { reason?: unknown }).reason),
    canSubmit: ({ event }) => {
      const e = as(event, 'evidence.submit');
      if (!isInstant(e.at)) return false;
      if (e.fileIds !== undefined && !(Array.isArray(e.fileIds) && e.fileIds.every(nonEmpty))) return false;
      if (!optionalNumber(e.completedValue) || !optionalString(e.note)) return false;
      if (e.offline !== undefined && typeof e.offline !== 'boolean') return false;
      // Something must be submitted: files, the offline flag, a completed value or a note.
      return (e.fileIds?.length ?? 0) > 0 || e.offline === true || typeof e.completedValue === 'number' || nonEmpty(e.note);
    },
    canApprove: ({ event }) => {
      const e = as(event, 'evidence.approve');
      return isInstant(e.at) && optionalNumber(e.reviewedValue) && optionalNumber(e.assessorPoints) && optionalString(e.comment);
    },
    isLastNode: ({ context }) => context.currentIndex === context.nodes.length - 1,
    canRequestExtension: ({ context, event }) => {
      const e = as(event, 'extension.request');
      const node = currentNode(context);
      if (!isInstant(e.at) || !isInstant(e.newDueAt) || !nonEmpty(e.reason)) return false;
      if (!(ms(e.at) < ms(node.dueAt))) return false; // only before the deadline
      if (!(ms(e.newDueAt) > ms(node.dueAt))) return false; // must move it later
      if (e.newWarnAt !== undefined && e.newWarnAt !== null) {
        if (!isInstant(e.newWarnAt) || ms(e.newWarnAt) > ms(e.newDueAt)) return false;
      }
      return true;
    },
    canGrant: ({ event }) => {
      const e = as(event, 'extension.grant');
      return isInstant(e.at) && optionalString(e.comment);
    },
    canClose: ({ event }) => {
      const e = as(event, 'task.close');
      return isInstant(e.at) && optionalString(e.reason);
    },
    canRevise: ({ context, event }) => revisionProblem(context, as(event, 'task.revise')) === null,
    canScore: ({ event }) => {
      const e = as(event, 'task.score');
      return isInstant(e.at) && typeof e.score === 'number' && Number.isFinite(e.score) && optionalString(e.note);
    },
    /** The current node's due date is reached at event.at and it is not approved. */
    dueReached: ({ context, event }) => context.nodes.length > 0 && isInstant(event.at) && lightAt(currentNode(context), event.at) === 'red',
    /** The current node's warn date is reached at event.at. */
    warnReached: ({ context, event }) => context.nodes.length > 0 && isInstant(event.at) && ms(event.at) >= ms(currentNode(context).warnAt),
  },
  actions: {
    acknowledge: enqueueActions(({ context, event, enqueue }) => {
      const at = toIso(event.at);
      enqueue.assign({
        acknowledgedAt: at,
        nodes: withCurrentNode(context, (n) => ({ ...n, status: 'open', openedAt: at })),
      });
      enqueue.emit({ type: 'node.opened', nodeSeq: currentNode(context).seq, at });
    }),

    recordSubmission: enqueueActions(({ context, event, enqueue }) => {
      const e = as(event, 'evidence.submit');
      const at = toIso(e.at);
      const node = currentNode(context);
      const lateDays = lateDaysBetween(node.dueAt, at);
      const submission = {
        at,
        fileIds: [...(e.fileIds ?? [])],
        completedValue: orNull(e.completedValue),
        note: orNull(e.note),
        offline: e.offline === true,
        late: lateDays > 0,
        lateDays,
      };
      enqueue.assign({
        nodes: withCurrentNode(context, (n) => ({
          ...n,
          status: 'submitted',
          submissions: [...n.submissions, submission],
          late: submission.late,
          lateDays,
        })),
      });
      enqueue.emit({
        type: 'evidence.submitted',
        nodeSeq: node.seq,
        at,
        late: submission.late,
        lateDays,
        fileIds: submission.fileIds,
        completedValue: submission.completedValue,
        offline: submission.offline,
      });
    }),

    recordApproval: enqueueActions(({ context, event, enqueue }) => {
      const e = as(event, 'evidence.approve');
      const at = toIso(e.at);
      const node = currentNode(context);
      const approval = {
        at,
        reviewedValue: orNull(e.reviewedValue),
        comment: orNull(e.comment),
        assessorPoints: orNull(e.assessorPoints),
      };
      enqueue.assign({ nodes: withCurrentNode(context, (n) => ({ ...n, status: 'approved', approval })) });
      enqueue.emit({
        type: 'evidence.approved',
        nodeSeq: node.seq,
        at,
        reviewedValue: approval.reviewedValue,
        assessorPoints: approval.assessorPoints,
        late: node.late,
        redLighted: node.redLighted,
      });
    }),

    openNextNode: enqueueActions(({ context, event, enqueue }) => {
      const at = toIso(event.at);
      const nextIndex = context.currentIndex + 1;
      enqueue.assign({
        currentIndex: nextIndex,
        nodes: context.nodes.map((n, i) => (i === nextIndex ? { ...n, status: 'open' as const, openedAt: at } : n)),
      });
      enqueue.emit({ type: 'node.opened', nodeSeq: context.nodes[nextIndex].seq, at });
    }),

    completeTask: enqueueActions(({ event, enqueue }) => {
      const at = toIso(event.at);
      enqueue.assign({ completedAt: at });
      enqueue.emit({ type: 'task.completed', at });
    }),

    recordReturn: enqueueActions(({ context, event, enqueue }) => {
      const e = as(event, 'evidence.return');
      const at = toIso(e.at);
      const reason = e.reason.trim();
      enqueue.assign({
        nodes: withCurrentNode(context, (n) => ({ ...n, status: 'returned', returns: [...n.returns, { at, reason }] })),
      });
      enqueue.emit({ type: 'evidence.returned', nodeSeq: currentNode(context).seq, at, reason });
    }),

    /** Idempotent per node: sets the red flag, counts it and emits `node.red-lighted` only once. */
    markRed: enqueueActions(({ context, event, enqueue }) => {
      const node = currentNode(context);
      if (node.redLighted) return;
      const at = toIso(event.at);
      enqueue.assign({
        redCount: context.redCount + 1,
        nodes: withCurrentNode(context, (n) => ({ ...n, redLighted: true, redLightedAt: at })),
      });
      enqueue.emit({
        type: 'node.red-lighted',
        nodeSeq: node.seq,
        at,
        dueAt: node.dueAt,
        redDeduction: node.redDeduction,
      });
    }),

    recordExtensionRequest: enqueueActions(({ context, event, enqueue }) => {
      const e = as(event, 'extension.request');
      const pending: PendingExtension = {
        nodeSeq: currentNode(context).seq,
        requestedAt: toIso(e.at),
        newDueAt: toIso(e.newDueAt),
        newWarnAt: e.newWarnAt === undefined || e.newWarnAt === null ? null : toIso(e.newWarnAt),
        reason: e.reason.trim(),
      };
      enqueue.assign({ pendingExtension: pending });
      enqueue.emit({ type: 'extension.requested', ...pending, at: pending.requestedAt, dueAt: currentNode(context).dueAt });
    }),

    /**
     * Moves the current node's dates. If the node went red while the (in-time) request was pending, the red
     * flag is cleared and uncounted: the unit asked before its deadline, so a late decision must not cost
     * it. The light is then recomputed against the new dates (raised, so the guards see the new dates) and
     * turns red again, counted again, if the decision comes after even the new due date.
     */
    grantExtension: enqueueActions(({ context, event, enqueue }) => {
      const e = as(event, 'extension.grant');
      const pending = context.pendingExtension;
      if (pending === null) return;
      const at = toIso(e.at);
      const node = context.nodes.find((n) => n.seq === pending.nodeSeq)!;
      const offset = ms(node.dueAt) - ms(node.warnAt);
      const newDueAt = pending.newDueAt;
      const newWarnAt = pending.newWarnAt ?? isoFromMs(ms(newDueAt) - offset);
      // A red flag always postdates the request: red needs at ≥ dueAt, the request needed at < dueAt.
      const redCleared = node.redLighted;
      const patch: Partial<TaskNodeState> = { dueAt: newDueAt, warnAt: newWarnAt };
      if (redCleared) Object.assign(patch, { redLighted: false, redLightedAt: null });
      enqueue.assign({
        nodes: settleExtension(context, pending, 'granted', at, orNull(e.comment), patch, redCleared),
        pendingExtension: null,
        redCount: redCleared ? context.redCount - 1 : context.redCount,
      });
      if (redCleared) {
        enqueue.emit({ type: 'node.red-cleared', nodeSeq: node.seq, at, cause: 'extension.granted' });
      }
      enqueue.emit({
        type: 'extension.granted',
        nodeSeq: node.seq,
        at,
        previousDueAt: node.dueAt,
        previousWarnAt: node.warnAt,
        newDueAt,
        newWarnAt,
        redCleared,
      });
    }),

    denyExtension: enqueueActions(({ context, event, enqueue }) => {
      const e = as(event, 'extension.deny');
      const pending = context.pendingExtension;
      if (pending === null) return;
      const at = toIso(e.at);
      const reason = e.reason.trim();
      enqueue.assign({
        nodes: settleExtension(context, pending, 'denied', at, reason),
        pendingExtension: null,
      });
      enqueue.emit({ type: 'extension.denied', nodeSeq: pending.nodeSeq, at, reason });
    }),

    /** A pending request lapses when its node is approved or the task leaves `live`. */
    lapseExtension: enqueueActions(({ context, event, enqueue }) => {
      const pending = context.pendingExtension;
      if (pending === null) return;
      const at = toIso(event.at);
      const cause = event.type === 'extension.lapse' ? (event.cause ?? 'evidence.approve') : event.type;
      enqueue.assign({
        nodes: settleExtension(context, pending, 'lapsed', at, cause),
        pendingExtension: null,
      });
      enqueue.emit({ type: 'extension.lapsed', nodeSeq: pending.nodeSeq, at, cause });
    }),

    /**
     * task.revise (revision.ts): new node definitions; approved nodes untouched, the current node keeps
     * its progress. A pending request on a current node whose dates moved lapses here (recorded on the
     * node before its dates change); the extension region follows through the raised `extension.lapse`,
     * which then finds nothing left to settle. The light is recomputed by the raised `light.recompute`.
     */
    reviseTask: enqueueActions(({ context, event, enqueue }) => {
      const e = as(event, 'task.revise');
      const at = toIso(e.at);
      const reason = trimmedOrNull(e.reason);
      let base = context;
      const pending = context.pendingExtension;
      const preview = reviseNodes(context, e.nodes, at);
      const lapse = pending !== null && preview.currentDatesChanged;
      if (lapse) {
        base = { ...context, nodes: settleExtension(context, pending, 'lapsed', at, 'task.revise'), pendingExtension: null };
      }
      const outcome = lapse ? reviseNodes(base, e.nodes, at) : preview;
      const current = outcome.nodes[context.currentIndex]!;
      enqueue.assign({
        nodes: outcome.nodes,
        pendingExtension: base.pendingExtension,
        redCount: outcome.redCleared ? context.redCount - 1 : context.redCount,
      });
      if (lapse) {
        enqueue.emit({ type: 'extension.lapsed', nodeSeq: pending.nodeSeq, at, cause: 'task.revise' });
        enqueue.raise({ type: 'extension.lapse', at, cause: 'task.revise' });
      }
      if (outcome.redCleared) enqueue.emit({ type: 'node.red-cleared', nodeSeq: current.seq, at, cause: 'task.revise' });
      enqueue.emit({
        type: 'task.revised',
        at,
        reason,
        changed: outcome.changed,
        added: outcome.added,
        removed: outcome.removed,
        currentNodeSeq: current.seq,
        dueAt: current.dueAt,
        warnAt: current.warnAt,
      });
      // Only new dates can change the light; a reworded target leaves it as the last tick set it.
      if (outcome.currentDatesChanged || outcome.redCleared) enqueue.raise({ type: 'light.recompute', at });
    }),

    closeTask: enqueueActions(({ event, enqueue }) => {
      const e = as(event, 'task.close');
      const at = toIso(e.at);
      const reason = trimmedOrNull(e.reason);
      enqueue.assign({ closedAt: at, closeReason: reason });
      enqueue.emit({ type: 'task.closed', at, reason });
    }),

    cancelTask: enqueueActions(({ event, enqueue }) => {
      const e = as(event, 'task.cancel');
      const at = toIso(e.at);
      const reason = e.reason.trim();
      enqueue.assign({ cancelledAt: at, cancelReason: reason });
      enqueue.emit({ type: 'task.cancelled', at, reason });
    }),

    scoreTask: enqueueActions(({ event, enqueue }) => {
      const e = as(event, 'task.score');
      const at = toIso(e.at);
      const note = orNull(e.note);
      enqueue.assign({ score: e.score, scoredAt: at, scoreNote: note });
      enqueue.emit({ type: 'task.scored', at, score: e.score, note });
    }),
  },
}).createMachine({
  id: 'task',
  // xstate's pure `transition()` builds a throwaway actor per call, and that actor computes an initial
  // snapshot WITHOUT input. Give it an inert empty context instead of throwing: the thrown-and-caught
  // TypeError cost ~100 µs per transition. Real tasks are always created with input (initialTaskSnapshot).
  context: ({ input }) => (input === undefined ? emptyContext() : buildContext(input)),
  initial: 'live',
  states: {
    live: {
      type: 'parallel',
      // Compute the first node's light at creation time (a task can be created already late).
      // (Skipped for the input-less throwaway snapshot that `transition()` builds internally.)
      entry: enqueueActions(({ context, enqueue }) => {
        if (context.nodes.length > 0) enqueue.raise({ type: 'light.recompute', at: context.createdAt });
      }),
      exit: 'lapseExtension',
      on: {
        'task.close': { guard: 'canClose', target: 'closed', actions: 'closeTask' },
        'task.cancel': { guard: 'hasReason', target: 'cancelled', actions: 'cancelTask' },
        'task.revise': { guard: 'canRevise', actions: 'reviseTask' },
      },
      states: {
        progress: {
          initial: 'assigned',
          states: {
            assigned: {
              on: { 'task.acknowledge': { guard: 'validAt', target: 'open', actions: 'acknowledge' } },
            },
            open: {
              on: { 'evidence.submit': { guard: 'canSubmit', target: 'submitted', actions: 'recordSubmission' } },
            },
            submitted: {
              on: {
                'evidence.approve': [
                  {
                    guard: and(['canApprove', 'isLastNode']),
                    target: '#task.completed',
                    actions: ['recordApproval', 'completeTask'],
                  },
                  {
                    guard: 'canApprove',
                    target: 'open',
                    actions: ['recordApproval', 'openNextNode', raise(({ event }) => ({ type: 'extension.lapse', at: toIso(event.at) })), raiseRecompute],
                  },
                ],
                'evidence.return': { guard: 'hasReason', target: 'returned', actions: 'recordReturn' },
              },
            },
            returned: {
              on: { 'evidence.submit': { guard: 'canSubmit', target: 'submitted', actions: 'recordSubmission' } },
            },
          },
        },
        light: {
          initial: 'green',
          states: {
            green: {
              on: {
                'clock.tick': [
                  { guard: 'dueReached', target: 'red', actions: lightChanged('green', 'red') },
                  { guard: 'warnReached', target: 'yellow', actions: lightChanged('green', 'yellow') },
                ],
                'light.recompute': [
                  { guard: 'dueReached', target: 'red', actions: lightChanged('green', 'red') },
                  { guard: 'warnReached', target: 'yellow', actions: lightChanged('green', 'yellow') },
                ],
              },
            },
            yellow: {
              on: {
                'clock.tick': { guard: 'dueReached', target: 'red', actions: lightChanged('yellow', 'red') },
                'light.recompute': [
                  { guard: 'dueReached', target: 'red', actions: lightChanged('yellow', 'red') },
                  { guard: not('warnReached'), target: 'green', actions: lightChanged('yellow', 'green') },
                ],
              },
            },
            red: {
              entry: 'markRed',
              on: {
                'light.recompute': [
                  // Still (or again) red, possibly for a newly opened node: flag that node.
                  { guard: 'dueReached', actions: 'markRed' },
                  { guard: 'warnReached', target: 'yellow', actions: lightChanged('red', 'yellow') },
                  { target: 'green', actions: lightChanged('red', 'green') },
                ],
              },
            },
          },
        },
        extension: {
          initial: 'none',
          states: {
            none: {
              on: {
                'extension.request': {
                  guard: 'canRequestExtension',
                  target: 'requested',
                  actions: 'recordExtensionRequest',
                },
              },
            },
            requested: {
              on: {
                'extension.grant': { guard: 'canGrant', target: 'none', actions: ['grantExtension', raiseRecompute] },
                'extension.deny': { guard: 'hasReason', target: 'none', actions: 'denyExtension' },
                'extension.lapse': { target: 'none', actions: 'lapseExtension' },
              },
            },
          },
        },
      },
    },
    completed: {
      on: {
        'task.score': { guard: 'canScore', target: 'scored', actions: 'scoreTask' },
        'task.cancel': { guard: 'hasReason', target: 'cancelled', actions: 'cancelTask' },
      },
    },
    closed: {
      on: {
        'task.score': { guard: 'canScore', target: 'scored', actions: 'scoreTask' },
        'task.cancel': { guard: 'hasReason', target: 'cancelled', actions: 'cancelTask' },
      },
    },
    scored: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export type TaskMachine = typeof taskMachine;
