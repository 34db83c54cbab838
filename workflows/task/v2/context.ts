/** The initial context of machine v2 for a validated input. */
import { toIso } from '../v1/time.js';
import { advance } from './clock.js';
import { freshNode } from './revision.js';
import type { DomainEvent, TaskContext, TaskMachineInput } from './types.js';
import { TASK_MACHINE_VERSION } from './types.js';

/** Before the clocks are caught up to the creation instant. */
export function baseContext(input: TaskMachineInput): TaskContext {
  const at = toIso(input.at);
  return {
    machineVersion: TASK_MACHINE_VERSION,
    createdAt: at,
    clockAt: at,
    sequential: input.sequential === true,
    acknowledgedAt: null,
    signForDueAt: input.signForDueAt === undefined || input.signForDueAt === null ? null : toIso(input.signForDueAt),
    signForOverdue: false,
    nodes: input.nodes.map((n) => freshNode(n, at)),
    redCount: 0,
    suspendedAt: null,
    suspensions: [],
    completedAt: null,
    closedAt: null,
    closeReason: null,
    cancelledAt: null,
    cancelReason: null,
    score: null,
    scoredAt: null,
    scoreNote: null,
    migratedFrom: null,
  };
}

/** The context at creation: a task created after a node's due instant starts with that node red. */
export function buildContext(input: TaskMachineInput, emitted: DomainEvent[] = []): TaskContext {
  const base = baseContext(input);
  return advance(base, base.createdAt, emitted);
}

export function emptyContext(): TaskContext {
  return baseContext({ nodes: [], at: '1970-01-01T00:00:00.000Z' });
}
