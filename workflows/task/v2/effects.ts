/**
 * What each accepted event does to the context of machine v2 (the machine's actions call `effectOf`).
 * Pure: the context given is already advanced to `event.at` (clock.ts); the result is a new context and
 * the domain events to emit, in order.
 */
import { DAY_MS, isoFromMs, lateDaysBetween, ms, toIso } from '../v1/time.js';
import { relight, shiftDays } from './clock.js';
import { mergeFacts, noFacts } from './facts.js';
import { findNode } from './guards.js';
import { reviseNodes } from './revision.js';
import type { DomainEvent, ExtensionRecord, PendingExtension, TaskContext, TaskEvent, TaskNodeState } from './types.js';

type Ev<T extends TaskEvent['type']> = Extract<TaskEvent, { type: T }>;

function orNull<T>(value: T | null | undefined): T | null {
  return value === undefined ? null : value;
}
function trimmedOrNull(value: string | null | undefined): string | null {
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : null;
}

function patchNode(ctx: TaskContext, seq: number, patch: (n: TaskNodeState) => TaskNodeState): TaskContext {
  return { ...ctx, nodes: ctx.nodes.map((n) => (n.seq === seq ? patch(n) : n)) };
}

function settled(
  node: TaskNodeState,
  pending: PendingExtension,
  decision: ExtensionRecord['decision'],
  decidedAt: string,
  decisionNote: string | null,
  redCleared = false,
): ExtensionRecord {
  return { ...pending, decision, decidedAt, decisionNote, previousDueAt: node.dueAt, previousWarnAt: node.warnAt, redCleared };
}

/** Every pending request on the nodes lapses (the task left `live`, or the node was approved). */
function lapseAll(ctx: TaskContext, at: string, cause: string, emitted: DomainEvent[], only?: number): TaskContext {
  if (!ctx.nodes.some((n) => n.pendingExtension !== null && (only === undefined || n.seq === only))) return ctx;
  return {
    ...ctx,
    nodes: ctx.nodes.map((n) => {
      if (n.pendingExtension === null || (only !== undefined && n.seq !== only)) return n;
      emitted.push({ type: 'extension.lapsed', nodeSeq: n.seq, at, cause });
      return { ...n, pendingExtension: null, extensions: [...n.extensions, settled(n, n.pendingExtension, 'lapsed', at, cause)] };
    }),
  };
}

/** Recomputes one node's light at `at` and keeps `redCount` in step. */
function relightNode(ctx: TaskContext, seq: number, at: string, emitted: DomainEvent[]): TaskContext {
  const node = findNode(ctx, seq)!;
  const r = relight(node, at, emitted);
  if (r.node === node) return ctx;
  return { ...patchNode(ctx, seq, () => r.node), redCount: ctx.redCount + (r.newlyRed ? 1 : 0) };
}

export function allApproved(ctx: TaskContext): boolean {
  return ctx.nodes.every((n) => n.status === 'approved');
}

export function effectOf(context: TaskContext, event: TaskEvent, emitted: DomainEvent[]): TaskContext {
  const at = toIso(event.at);
  let ctx: TaskContext = { ...context, clockAt: ms(at) > ms(context.clockAt) ? at : context.clockAt };
  switch (event.type) {
    case 'clock.tick':
      return ctx;

    case 'task.acknowledge':
      emitted.push({ type: 'task.acknowledged', at, signForOverdue: ctx.signForOverdue });
      return { ...ctx, acknowledgedAt: at };

    case 'evidence.submit': {
      const e = event as Ev<'evidence.submit'>;
      const node = findNode(ctx, e.nodeSeq)!;
      const lateDays = lateDaysBetween(node.dueAt, at);
      const late = lateDays > 0;
      const lateWorkingDays = late ? orNull(e.lateWorkingDays) : 0;
      const submission = {
        at,
        fileIds: [...(e.fileIds ?? [])],
        completedValue: orNull(e.completedValue),
        note: orNull(e.note),
        offline: e.offline === true,
        late,
        lateDays,
        lateWorkingDays,
      };
      emitted.push({
        type: 'evidence.submitted',
        nodeSeq: node.seq,
        at,
        late,
        lateDays,
        lateWorkingDays,
        dueAt: node.dueAt,
        fileIds: submission.fileIds,
        completedValue: submission.completedValue,
        offline: submission.offline,
      });
      return patchNode(ctx, node.seq, (n) => ({
        ...n,
        status: 'submitted',
        submissions: [...n.submissions, submission],
        late,
        lateDays,
        lateWorkingDays,
      }));
    }

    case 'evidence.approve': {
      const e = event as Ev<'evidence.approve'>;
      const node = findNode(ctx, e.nodeSeq)!;
      ctx = lapseAll(ctx, at, 'evidence.approve', emitted, node.seq);
      const approval = {
        at,
        reviewedValue: orNull(e.reviewedValue),
        comment: orNull(e.comment),
        assessorPoints: orNull(e.assessorPoints),
      };
      ctx = patchNode(ctx, node.seq, (n) => ({
        ...n,
        status: 'approved',
        approval,
        light: n.redLighted ? 'red' : 'green',
        lateCompleted: n.redLighted,
      }));
      if (!noFacts(e.facts)) {
        ctx = { ...ctx, enteredFacts: mergeFacts(ctx.enteredFacts, e.facts!, at, 'evidence.approve', node.seq, e.enteredBy, null) };
        emitted.push({ type: 'task.facts-entered', nodeSeq: node.seq, at, facts: e.facts, via: 'evidence.approve' });
      }
      emitted.push({
        type: 'evidence.approved',
        nodeSeq: node.seq,
        at,
        reviewedValue: approval.reviewedValue,
        assessorPoints: approval.assessorPoints,
        late: node.late,
        redLighted: node.redLighted,
        lateCompleted: node.redLighted,
      });
      if (allApproved(ctx)) {
        emitted.push({ type: 'task.completed', at });
        ctx = { ...ctx, completedAt: at };
      }
      return ctx;
    }

    case 'task.facts': {
      const e = event as Ev<'task.facts'>;
      const reason = e.reason.trim();
      emitted.push({ type: 'task.facts-entered', at, facts: e.facts, via: 'task.facts', reason });
      return { ...ctx, enteredFacts: mergeFacts(ctx.enteredFacts, e.facts, at, 'task.facts', null, e.enteredBy, reason) };
    }

    case 'evidence.return': {
      const e = event as Ev<'evidence.return'>;
      const reason = e.reason.trim();
      emitted.push({ type: 'evidence.returned', nodeSeq: e.nodeSeq, at, reason });
      return patchNode(ctx, e.nodeSeq, (n) => ({ ...n, status: 'returned', returns: [...n.returns, { at, reason }] }));
    }

    case 'extension.request': {
      const e = event as Ev<'extension.request'>;
      const node = findNode(ctx, e.nodeSeq)!;
      const pending: PendingExtension = {
        requestedAt: at,
        newDueAt: toIso(e.newDueAt),
        newWarnAt: e.newWarnAt === undefined || e.newWarnAt === null ? null : toIso(e.newWarnAt),
        reason: e.reason.trim(),
      };
      emitted.push({ type: 'extension.requested', nodeSeq: node.seq, ...pending, at, dueAt: node.dueAt });
      return patchNode(ctx, node.seq, (n) => ({ ...n, pendingExtension: pending }));
    }

    case 'extension.grant': {
      // A red flag always postdates the request (red needs at ≥ dueAt, the request needed at < dueAt): the
      // unit asked in time, so a late decision must not cost it. The light is then recomputed against the
      // new dates (red again, counted again, if even the new due date has passed).
      const e = event as Ev<'extension.grant'>;
      const node = findNode(ctx, e.nodeSeq)!;
      const pending = node.pendingExtension!;
      const offset = ms(node.dueAt) - ms(node.warnAt);
      const newDueAt = pending.newDueAt;
      const newWarnAt = pending.newWarnAt ?? isoFromMs(ms(newDueAt) - offset);
      const redCleared = node.redLighted;
      const record = settled(node, pending, 'granted', at, orNull(e.comment), redCleared);
      ctx = patchNode(ctx, node.seq, (n) => ({
        ...n,
        dueAt: newDueAt,
        warnAt: newWarnAt,
        pendingExtension: null,
        extensions: [...n.extensions, record],
        ...(redCleared ? { redLighted: false, redLightedAt: null, redRecordedAt: null } : {}),
      }));
      if (redCleared) {
        ctx = { ...ctx, redCount: ctx.redCount - 1 };
        emitted.push({ type: 'node.red-cleared', nodeSeq: node.seq, at, cause: 'extension.granted' });
      }
      emitted.push({
        type: 'extension.granted',
        nodeSeq: node.seq,
        at,
        previousDueAt: node.dueAt,
        previousWarnAt: node.warnAt,
        newDueAt,
        newWarnAt,
        redCleared,
      });
      return relightNode(ctx, node.seq, at, emitted);
    }

    case 'extension.deny': {
      const e = event as Ev<'extension.deny'>;
      const reason = e.reason.trim();
      emitted.push({ type: 'extension.denied', nodeSeq: e.nodeSeq, at, reason });
      return patchNode(ctx, e.nodeSeq, (n) => ({
        ...n,
        pendingExtension: null,
        extensions: [...n.extensions, settled(n, n.pendingExtension!, 'denied', at, reason)],
      }));
    }

    case 'task.suspend': {
      const reason = (event as Ev<'task.suspend'>).reason.trim();
      emitted.push({ type: 'task.suspended', at, reason });
      return { ...ctx, suspendedAt: at, suspensions: [...ctx.suspensions, { at, reason, resumedAt: null, days: null, note: null }] };
    }

    case 'task.resume': {
      const e = event as Ev<'task.resume'>;
      const since = ctx.suspendedAt!;
      const days = Math.ceil(Math.max(0, ms(at) - ms(since)) / DAY_MS);
      const given = new Map((e.nodes ?? []).map((g) => [g.seq, g]));
      const moved: Array<{ nodeSeq: number; previousDueAt: string; dueAt: string; warnAt: string; given: boolean }> = [];
      const nodes = ctx.nodes.map((n) => {
        if (n.status === 'approved' || ms(n.dueAt) <= ms(since)) return n; // already due before: stays as it is
        const g = given.get(n.seq);
        let dueAt: string;
        let warnAt: string;
        if (g) {
          dueAt = toIso(g.dueAt);
          warnAt = g.warnAt === undefined || g.warnAt === null ? isoFromMs(ms(dueAt) - (ms(n.dueAt) - ms(n.warnAt))) : toIso(g.warnAt);
        } else {
          if (days === 0) return n;
          dueAt = shiftDays(n.dueAt, days);
          warnAt = ms(n.warnAt) > ms(since) ? shiftDays(n.warnAt, days) : n.warnAt;
        }
        moved.push({ nodeSeq: n.seq, previousDueAt: n.dueAt, dueAt, warnAt, given: g !== undefined });
        const openAt = n.status === 'pending' && n.openAt !== null && ms(n.openAt) > ms(since) ? shiftDays(n.openAt, days) : n.openAt;
        return { ...n, dueAt, warnAt, openAt };
      });
      const signForDueAt =
        ctx.acknowledgedAt === null && ctx.signForDueAt !== null && !ctx.signForOverdue && ms(ctx.signForDueAt) > ms(since)
          ? shiftDays(ctx.signForDueAt, days)
          : ctx.signForDueAt;
      const note = trimmedOrNull(e.note);
      const suspensions = ctx.suspensions.map((s, i) => (i === ctx.suspensions.length - 1 ? { ...s, resumedAt: at, days, note } : s));
      emitted.push({ type: 'task.resumed', at, suspendedAt: since, days, note, moved });
      ctx = { ...ctx, nodes, signForDueAt, suspendedAt: null, suspensions };
      for (const n of ctx.nodes) ctx = relightNode(ctx, n.seq, at, emitted);
      return ctx;
    }

    case 'task.revise': {
      const e = event as Ev<'task.revise'>;
      const outcome = reviseNodes(ctx, e.nodes, at);
      let red = ctx.redCount;
      const before = ctx.nodes;
      const nodes = outcome.nodes.map((r, i) => {
        let n = r.node;
        const old = before[i];
        if (old && r.datesChanged && old.pendingExtension !== null) {
          emitted.push({ type: 'extension.lapsed', nodeSeq: old.seq, at, cause: 'task.revise' });
          n = { ...n, pendingExtension: null, extensions: [...n.extensions, settled(old, old.pendingExtension, 'lapsed', at, 'task.revise')] };
        }
        if (r.redCleared) {
          red -= 1;
          emitted.push({ type: 'node.red-cleared', nodeSeq: n.seq, at, cause: 'task.revise' });
        }
        return n;
      });
      emitted.push({
        type: 'task.revised',
        at,
        reason: trimmedOrNull(e.reason),
        changed: outcome.changed,
        added: outcome.added,
        removed: outcome.removed,
      });
      ctx = { ...ctx, nodes, redCount: red };
      for (const n of ctx.nodes) ctx = relightNode(ctx, n.seq, at, emitted);
      return ctx;
    }

    case 'task.close': {
      const reason = trimmedOrNull((event as Ev<'task.close'>).reason);
      ctx = lapseAll(ctx, at, 'task.close', emitted);
      emitted.push({ type: 'task.closed', at, reason });
      return { ...ctx, closedAt: at, closeReason: reason };
    }

    case 'task.cancel': {
      const reason = (event as Ev<'task.cancel'>).reason.trim();
      ctx = lapseAll(ctx, at, 'task.cancel', emitted);
      emitted.push({ type: 'task.cancelled', at, reason });
      return { ...ctx, cancelledAt: at, cancelReason: reason };
    }

    case 'task.score': {
      const e = event as Ev<'task.score'>;
      const note = orNull(e.note);
      const score = e.score === 0 ? 0 : e.score; // -0 would not survive JSON
      emitted.push({ type: 'task.scored', at, score, note });
      return { ...ctx, score, scoredAt: at, scoreNote: note };
    }
  }
}
