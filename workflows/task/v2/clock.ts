/**
 * The per-node clocks of machine v2: catching a task up to an instant (nodes open, lights move, red flags
 * are raised once, the sign-for deadline is flagged) and recomputing a node's light after its dates moved.
 * Pure helpers over the context; the machine calls them before every event it accepts.
 */
import { isoFromMs, ms, toIso } from '../v1/time.js';
import type { DomainEvent, Light, TaskContext, TaskNodeState } from './types.js';

/** The light an unapproved node should show at `at`: red from its due instant, yellow from its warn instant. */
export function lightAt(node: Pick<TaskNodeState, 'dueAt' | 'warnAt'>, at: string): Light {
  const t = ms(at);
  if (t >= ms(node.dueAt)) return 'red';
  if (t >= ms(node.warnAt)) return 'yellow';
  return 'green';
}

/**
 * Moves one unapproved node's light to what it should be at `at` (either way), raising its red flag once.
 * A light moving forward is dated at the instant it marks (warn or due), a light moving back at `at`.
 */
export function relight(node: TaskNodeState, at: string, emitted: DomainEvent[]): { node: TaskNodeState; newlyRed: boolean } {
  if (node.status === 'approved') return { node, newlyRed: false };
  const to = lightAt(node, at);
  let next = node;
  if (to !== node.light) {
    const forward = rank(to) > rank(node.light);
    const markAt = forward ? (to === 'red' ? node.dueAt : node.warnAt) : at;
    emitted.push({ type: 'node.light-changed', nodeSeq: node.seq, from: node.light, to, at: markAt, recordedAt: at });
    next = { ...next, light: to };
  }
  if (to === 'red' && !node.redLighted) {
    next = { ...next, redLighted: true, redLightedAt: node.dueAt, redRecordedAt: at };
    emitted.push({
      type: 'node.red-lighted',
      nodeSeq: node.seq,
      at: node.dueAt,
      recordedAt: at,
      dueAt: node.dueAt,
      redDeduction: node.redDeduction,
    });
    return { node: next, newlyRed: true };
  }
  return { node: next, newlyRed: false };
}

function rank(light: Light): number {
  return light === 'green' ? 0 : light === 'yellow' ? 1 : 2;
}

/**
 * Brings a live, not suspended task to `at`: nodes whose open instant has come open, every unapproved
 * node's light follows its own dates, and the sign-for deadline is flagged once. While suspended nothing
 * moves, nor for an instant before the last one the task was brought to. Returns the same context object
 * when nothing changed.
 */
export function advance(context: TaskContext, instant: string, emitted: DomainEvent[]): TaskContext {
  if (context.suspendedAt !== null) return context;
  const at = toIso(instant);
  const t = ms(at);
  if (t < ms(context.clockAt)) return context; // the clocks never run backwards
  let ctx = context;
  if (ctx.acknowledgedAt === null && ctx.signForDueAt !== null && !ctx.signForOverdue && t >= ms(ctx.signForDueAt)) {
    ctx = { ...ctx, signForOverdue: true };
    emitted.push({ type: 'task.sign-for-overdue', at: ctx.signForDueAt!, recordedAt: at });
  }
  let nodes: TaskNodeState[] | null = null;
  let red = ctx.redCount;
  ctx.nodes.forEach((node, i) => {
    let n = node;
    if (n.status === 'pending' && n.openAt !== null && t >= ms(n.openAt)) {
      n = { ...n, status: 'open', openedAt: n.openAt };
      emitted.push({ type: 'node.opened', nodeSeq: n.seq, at: n.openAt!, recordedAt: at });
    }
    const r = relight(n, at, emitted);
    if (r.newlyRed) red += 1;
    if (r.node !== node) {
      nodes ??= [...ctx.nodes];
      nodes[i] = r.node;
    }
  });
  if (nodes !== null) ctx = { ...ctx, nodes, redCount: red };
  return ctx;
}

/** `iso` moved by whole days. */
export function shiftDays(iso: string, days: number): string {
  return isoFromMs(ms(iso) + days * 86_400_000);
}
