/**
 * Task machine version 2 (docs/task-machine.md: every node is its own milestone). Pure: no clock, no I/O.
 *
 *   live ── active ⇄ suspended          (task.suspend / task.resume)
 *     │      each node in parallel, held in the context (a task has any number of nodes):
 *     │        pending ─openAt─▶ open ─submit─▶ submitted ─approve─▶ approved
 *     │                           ▲               └─return─▶ returned ─submit─┘
 *     │        light: green ─warnAt─▶ yellow ─dueAt─▶ red (flag raised once, stays counted)
 *     │        extension: none ⇄ requested (grant | deny | lapse)
 *     ├─ approve of the last unapproved node ─▶ completed ─score─▶ scored
 *     ├─ close ─▶ closed ─score─▶ scored
 *     └─ cancel ─▶ cancelled      (also from completed / closed)
 *   task.facts (scoring facts entered afterwards) in every state but scored / cancelled: no state change
 *
 * Every accepted event first brings the task's clocks up to `event.at` (clock.ts: nodes open, lights move
 * forward, red flags are raised dated at their due instants) — except while suspended — then applies its
 * own effect (effects.ts). Transitions are guarded by `refusalOf` (guards.ts), the same function that
 * explains a refusal and that `allowedEvents` evaluates.
 */
import { and, enqueueActions, setup } from 'xstate';
import { advance } from './clock.js';
import { effectOf } from './effects.js';
import { findNode, refusalOf } from './guards.js';
import { buildContext, emptyContext } from './context.js';
import type { DomainEvent, TaskContext, TaskEvent, TaskMachineInput, TopState } from './types.js';

type Top = { top: TopState };

/** The context brought up to `event.at` (nothing moves unless the task is active). */
export function advanced(context: TaskContext, top: TopState, at: string, emitted: DomainEvent[]): TaskContext {
  if (top !== 'active') return context;
  // A transition evaluates its guard and then its action on the same (immutable) context and instant:
  // remember the last catch-up instead of computing it twice.
  if (last !== null && last.context === context && last.at === at) {
    emitted.push(...last.emitted);
    return last.result;
  }
  const own: DomainEvent[] = [];
  const result = advance(context, at, own);
  last = { context, at, emitted: own, result };
  emitted.push(...own);
  return result;
}
let last: { context: TaskContext; at: string; emitted: DomainEvent[]; result: TaskContext } | null = null;

export const taskMachineV2 = setup({
  types: {
    context: {} as TaskContext,
    events: {} as TaskEvent,
    input: {} as TaskMachineInput,
    emitted: {} as DomainEvent,
  },
  guards: {
    accepts: ({ context, event }, params: Top) => refusalOf(advanced(context, params.top, event.at, []), params.top, event) === null,
    /** The event approves the only node not yet approved. */
    completes: ({ context, event }) => {
      const seq = (event as { nodeSeq?: unknown }).nodeSeq;
      return findNode(context, seq) !== undefined && context.nodes.every((n) => n.seq === seq || n.status === 'approved');
    },
    /** A tick with something to do: a node opens, a light moves, the sign-for deadline passes. */
    ticks: ({ context, event }) => {
      const emitted: DomainEvent[] = [];
      advanced(context, 'active', event.at, emitted);
      return emitted.length > 0;
    },
  },
  actions: {
    apply: enqueueActions(({ context, event, enqueue }, params: Top) => {
      const emitted: DomainEvent[] = [];
      const next = effectOf(advanced(context, params.top, event.at, emitted), event, emitted);
      enqueue.assign(() => next);
      for (const e of emitted) enqueue.emit(e);
    }),
  },
}).createMachine({
  id: 'task',
  // xstate's `transition()` machinery may compute an initial snapshot without input: give it an inert context.
  context: ({ input }) => (input === undefined ? emptyContext() : buildContext(input)),
  initial: 'live',
  states: {
    live: {
      initial: 'active',
      states: {
        active: {
          on: {
            'clock.tick': { guard: 'ticks', actions: { type: 'apply', params: { top: 'active' } } },
            'task.acknowledge': step('active'),
            'evidence.submit': step('active'),
            'evidence.return': step('active'),
            'evidence.approve': [
              {
                guard: and([{ type: 'accepts', params: { top: 'active' as const } }, 'completes']),
                target: '#task.completed',
                actions: { type: 'apply', params: { top: 'active' } },
              },
              step('active'),
            ],
            'extension.request': step('active'),
            'extension.grant': step('active'),
            'extension.deny': step('active'),
            'task.revise': step('active'),
            'task.facts': step('active'),
            'task.suspend': step('active', 'suspended'),
            'task.close': step('active', '#task.closed'),
            'task.cancel': step('active', '#task.cancelled'),
          },
        },
        suspended: {
          on: {
            'task.resume': step('suspended', 'active'),
            'task.facts': step('suspended'),
            'task.close': step('suspended', '#task.closed'),
            'task.cancel': step('suspended', '#task.cancelled'),
          },
        },
      },
    },
    completed: {
      on: {
        'task.score': step('completed', 'scored'),
        'task.facts': step('completed'),
        'task.cancel': step('completed', 'cancelled'),
      },
    },
    closed: {
      on: {
        'task.score': step('closed', 'scored'),
        'task.facts': step('closed'),
        'task.cancel': step('closed', 'cancelled'),
      },
    },
    scored: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

function step<T extends TopState>(top: T, target?: string) {
  return {
    guard: { type: 'accepts' as const, params: { top } },
    ...(target === undefined ? {} : { target }),
    actions: { type: 'apply' as const, params: { top } },
  };
}

export type TaskMachineV2 = typeof taskMachineV2;
