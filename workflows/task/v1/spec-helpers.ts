/** Shared fixtures and invariant checks for the task machine's tests (not used by production code). */
import { expect } from '@jest/globals';
import { allowedEvents, applyTaskEvent, initialTaskSnapshot, persistTaskSnapshot, restoreTaskSnapshot, viewOf } from './index.js';
import type { DomainEvent, TaskEvent, TaskInput, TaskSnapshot } from './index.js';

// Beijing 23:59:59 is 15:59:59Z; the fixtures use whole UTC hours to keep the arithmetic readable.
export const N1_WARN = '2025-06-25T16:00:00.000Z';
export const N1_DUE = '2025-06-30T16:00:00.000Z';
export const N2_WARN = '2025-12-25T16:00:00.000Z';
export const N2_DUE = '2025-12-31T16:00:00.000Z';
export const CREATED = '2025-03-01T00:00:00.000Z';
export const EARLY = '2025-04-01T00:00:00.000Z'; // before node 1's warn date

export const TWO_NODES: TaskInput = {
  nodes: [
    { seq: 1, warnAt: N1_WARN, dueAt: N1_DUE, stageTarget: '6月底前完成50%', stageValue: 50, requiredEvidence: '进度报告', redDeduction: 0.5 },
    { seq: 2, warnAt: N2_WARN, dueAt: N2_DUE, stageTarget: '12月底前完成100%', stageValue: 100, requiredEvidence: '验收材料', redDeduction: 1 },
  ],
};

export const ONE_NODE: TaskInput = { nodes: [TWO_NODES.nodes[0]] };

/** TWO_NODES with node 2's stage target reworded (a valid revision in any live state of a TWO_NODES task). */
export const REVISED_NODES = [TWO_NODES.nodes[0], { ...TWO_NODES.nodes[1], stageTarget: '12月底前全面完成' }];

/** `iso` shifted by `deltaMs`. */
export function shift(iso: string, deltaMs: number): string {
  return new Date(Date.parse(iso) + deltaMs).toISOString();
}
export const SECOND = 1000;
export const DAY = 86_400_000;

export function fresh(input: TaskInput = TWO_NODES, at = CREATED): TaskSnapshot {
  return initialTaskSnapshot(input, at);
}

/** Applies events that must all be accepted; returns the final snapshot and every emitted event. */
export function run(s: TaskSnapshot, ...events: TaskEvent[]): { snapshot: TaskSnapshot; emitted: DomainEvent[] } {
  const emitted: DomainEvent[] = [];
  let cur = s;
  for (const e of events) {
    const r = applyTaskEvent(cur, e);
    if (!r.ok) throw new Error(`refused ${JSON.stringify(e)} in ${r.state}; allowed ${r.allowed.join(',')}`);
    cur = r.snapshot;
    emitted.push(...r.emitted);
  }
  return { snapshot: cur, emitted };
}

export function go(s: TaskSnapshot, ...events: TaskEvent[]): TaskSnapshot {
  return run(s, ...events).snapshot;
}

export const ev = {
  ack: (at = EARLY): TaskEvent => ({ type: 'task.acknowledge', at }),
  submit: (at = EARLY, extra: Partial<Extract<TaskEvent, { type: 'evidence.submit' }>> = {}): TaskEvent => ({
    type: 'evidence.submit',
    at,
    fileIds: ['sha256:abc'],
    completedValue: 55,
    note: '已完成',
    ...extra,
  }),
  approve: (at = EARLY, extra: Partial<Extract<TaskEvent, { type: 'evidence.approve' }>> = {}): TaskEvent => ({
    type: 'evidence.approve',
    at,
    ...extra,
  }),
  ret: (at = EARLY, reason = '材料不全'): TaskEvent => ({ type: 'evidence.return', at, reason }),
  request: (at = EARLY, newDueAt = shift(N1_DUE, 10 * DAY), extra: { newWarnAt?: string | null; reason?: string } = {}): TaskEvent => ({
    type: 'extension.request',
    at,
    newDueAt,
    reason: extra.reason ?? '汛期施工受阻',
    ...(extra.newWarnAt !== undefined ? { newWarnAt: extra.newWarnAt } : {}),
  }),
  grant: (at = EARLY, comment: string | null = '同意'): TaskEvent => ({ type: 'extension.grant', at, comment }),
  deny: (at = EARLY, reason = '理由不充分'): TaskEvent => ({ type: 'extension.deny', at, reason }),
  tick: (at: string): TaskEvent => ({ type: 'clock.tick', at }),
  close: (at = EARLY, reason: string | null = '考核期结束'): TaskEvent => ({ type: 'task.close', at, reason }),
  score: (at = EARLY, score = 8.5): TaskEvent => ({ type: 'task.score', at, score }),
  cancel: (at = EARLY, reason = '任务调整'): TaskEvent => ({ type: 'task.cancel', at, reason }),
  /** Revise TWO_NODES: the given nodes (default: node 2's stage target reworded). */
  revise: (at = EARLY, nodes = REVISED_NODES, reason: string | null = '方案调整'): TaskEvent => ({ type: 'task.revise', at, nodes, reason }),
};

/** One valid event of each public type (at EARLY). */
export function sampleEvent(type: TaskEvent['type'], at = EARLY): TaskEvent {
  switch (type) {
    case 'task.acknowledge':
      return ev.ack(at);
    case 'evidence.submit':
      return ev.submit(at);
    case 'evidence.approve':
      return ev.approve(at);
    case 'evidence.return':
      return ev.ret(at);
    case 'extension.request':
      return ev.request(at);
    case 'extension.grant':
      return ev.grant(at);
    case 'extension.deny':
      return ev.deny(at);
    case 'clock.tick':
      return ev.tick(at);
    case 'task.close':
      return ev.close(at);
    case 'task.score':
      return ev.score(at);
    case 'task.cancel':
      return ev.cancel(at);
    case 'task.revise':
      return ev.revise(at);
  }
}

/**
 * Invariants that must hold for every reachable snapshot. Returns nothing; fails the test on violation.
 */
export function checkInvariants(s: TaskSnapshot): void {
  const ctx = s.context;
  const view = viewOf(s);
  const live = s.matches('live');

  // redCount is exactly the number of red-lighted nodes, and each flag has its instant.
  expect(ctx.redCount).toBe(ctx.nodes.filter((n) => n.redLighted).length);
  for (const n of ctx.nodes) expect(n.redLightedAt !== null).toBe(n.redLighted);
  expect(view.redCount).toBe(ctx.redCount);

  // The view follows the state value.
  expect(view.light === null).toBe(!live);
  expect(view.currentNodeSeq === null).toBe(!live);
  if (live) {
    const node = ctx.nodes[ctx.currentIndex];
    const value = s.value as { live: { progress: string; light: string; extension: string } };
    expect(view.state).toBe(value.live.progress);
    expect(view.light).toBe(value.live.light);
    expect(view.currentNodeSeq).toBe(node.seq);
    expect(view.extensionPending).toBe(value.live.extension === 'requested');
    expect(ctx.pendingExtension !== null).toBe(value.live.extension === 'requested');
    if (ctx.pendingExtension) expect(ctx.pendingExtension.nodeSeq).toBe(node.seq);
    // Light red ⇒ the current node is flagged.
    if (view.light === 'red') expect(node.redLighted).toBe(true);
    expect(view.nextDeadlineAt).toBe(view.light === 'green' ? node.warnAt : view.light === 'yellow' ? node.dueAt : null);
    // Node statuses follow progress.
    const expectedCurrent = { assigned: 'pending', open: 'open', submitted: 'submitted', returned: 'returned' }[value.live.progress];
    expect(node.status).toBe(expectedCurrent);
    ctx.nodes.forEach((n, i) => {
      if (i < ctx.currentIndex) expect(n.status).toBe('approved');
      if (i > ctx.currentIndex) expect(n.status).toBe('pending');
    });
    expect(ctx.acknowledgedAt === null).toBe(value.live.progress === 'assigned');
    expect(allowedEvents(s)).toContain('clock.tick');
  } else {
    expect(view.nextDeadlineAt).toBeNull();
    expect(view.extensionPending).toBe(false);
    expect(ctx.pendingExtension).toBeNull();
    expect(view.state).toBe(typeof s.value === 'string' ? s.value : '?');
  }
  if (s.matches('completed') || ctx.completedAt !== null) {
    expect(ctx.nodes.every((n) => n.status === 'approved')).toBe(true);
  }
  if (s.matches('scored')) expect(typeof ctx.score).toBe('number');
  if (s.matches('cancelled')) expect(ctx.cancelReason).toBeTruthy();
  expect(s.status).toBe(s.matches('scored') || s.matches('cancelled') ? 'done' : 'active');

  // Late marking follows the latest submission; an approved node has an approval record.
  for (const n of ctx.nodes) {
    const last = n.submissions[n.submissions.length - 1];
    expect(n.late).toBe(last ? last.late : false);
    expect(n.lateDays).toBe(last ? last.lateDays : 0);
    expect(n.approval !== null).toBe(n.status === 'approved');
    for (const x of n.extensions) expect(['granted', 'denied', 'lapsed']).toContain(x.decision);
  }

  // Plain JSON: persisting, stringifying and restoring gives the same snapshot.
  const persisted = persistTaskSnapshot(s);
  const restored = restoreTaskSnapshot(JSON.parse(JSON.stringify(persisted)));
  expect(restored.value).toEqual(s.value);
  expect(restored.context).toEqual(s.context);
  expect(restored.status).toBe(s.status);
}
