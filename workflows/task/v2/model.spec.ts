/**
 * Model-based test generated from the v2 machine graph: @xstate/graph enumerates the reachable states of a
 * 2-node task (sign-for deadline, both nodes in parallel) under a generator of events at a few instants
 * around the nodes' warn and due dates, with one shortest path to each abstract state. Every path is
 * replayed through the public API (`applyTaskEvent`) with invariants after every step; from every reached
 * state every generated event is accepted exactly when `allowedEvents` lists it.
 *
 * The context holds growing lists and timestamps, so states are identified by an ABSTRACT key: the state
 * value, the instant the task was brought to, sign-for, and per node what transitions read (status,
 * light, red flag, dates, pending request).
 */
import { describe, expect, it } from '@jest/globals';
import { getShortestPaths } from '@xstate/graph';
import type { StatePath } from '@xstate/graph';
import { ms } from '../v1/time.js';
import {
  NODE_EVENT_TYPES,
  TASK_EVENT_TYPES,
  allowedEvents,
  applyTaskEvent,
  initialTaskSnapshot,
  persistTaskSnapshot,
  restoreTaskSnapshot,
  taskMachine,
  topStateOf,
  viewOf,
} from './index.js';
import type { TaskEvent, TaskInput, TaskSnapshot } from './index.js';
import { DAY, shift } from './spec-helpers.js';

const CREATED = '2025-01-01T00:00:00.000Z';
const N1_DUE = '2025-03-31T16:00:00.000Z';
const N2_DUE = '2025-04-10T16:00:00.000Z';
const INPUT: TaskInput = {
  signForDueAt: '2025-01-08T16:00:00.000Z',
  nodes: [
    { seq: 1, dueAt: N1_DUE, warnAt: shift(N1_DUE, -5 * DAY), redDeduction: 1 },
    { seq: 2, dueAt: N2_DUE, warnAt: shift(N2_DUE, -5 * DAY), redDeduction: 1 },
  ],
};
const TIMES = [
  '2025-01-05T00:00:00.000Z', // before the sign-for deadline
  '2025-04-06T00:00:00.000Z', // node 1 red, node 2 yellow
  '2025-04-20T00:00:00.000Z', // both past due; inside a granted extension
];

function eventsFor(s: TaskSnapshot): TaskEvent[] {
  const out: TaskEvent[] = [];
  const c = s.context;
  for (const at of TIMES) {
    if (ms(at) < ms(c.clockAt)) continue; // the past is refused everywhere (tested in the property tests)
    out.push({ type: 'task.acknowledge', at }, { type: 'clock.tick', at });
    for (const seq of [1, 2]) {
      out.push(
        { type: 'evidence.submit', at, nodeSeq: seq, fileIds: ['sha256:a'] },
        { type: 'evidence.approve', at, nodeSeq: seq },
        { type: 'evidence.return', at, nodeSeq: seq, reason: '退回' },
        // invalid payloads: refused wherever they are sent
        { type: 'evidence.return', at, nodeSeq: seq, reason: ' ' },
        { type: 'evidence.submit', at, nodeSeq: seq } as TaskEvent,
      );
    }
    // Extensions on node 1 only (node 2's would mirror them and square the state space).
    out.push(
      { type: 'extension.request', at, nodeSeq: 1, newDueAt: '2025-04-25T16:00:00.000Z', reason: '延期' },
      { type: 'extension.grant', at, nodeSeq: 1 },
      { type: 'extension.deny', at, nodeSeq: 1, reason: '不同意' },
    );
    out.push(
      { type: 'task.suspend', at, reason: '上级暂停' },
      { type: 'task.resume', at },
      { type: 'task.close', at },
      { type: 'task.cancel', at, reason: '撤销' },
      { type: 'task.score', at, score: 3 },
      { type: 'task.facts', at, facts: { policyAdjustment: 0.5 }, reason: '更正' },
      {
        type: 'task.revise',
        at,
        nodes: c.nodes.map((n) => ({
          seq: n.seq,
          dueAt: n.originalDueAt,
          warnAt: n.originalWarnAt,
          stageTarget: n.status === 'approved' ? n.stageTarget : `修订${at.slice(5, 10)}`,
          redDeduction: n.redDeduction,
        })),
      },
    );
  }
  return out;
}

function abstractKey(s: TaskSnapshot): string {
  const c = s.context;
  return JSON.stringify({
    v: s.value,
    clock: c.clockAt,
    ack: c.acknowledgedAt !== null,
    sf: c.signForOverdue,
    nodes: c.nodes.map((n) => [n.status, n.light, n.redLighted, n.dueAt, n.pendingExtension !== null]),
  });
}

function checkInvariants(s: TaskSnapshot): void {
  const c = s.context;
  const view = viewOf(s);
  const top = topStateOf(s);
  expect(c.redCount).toBe(c.nodes.filter((n) => n.redLighted).length);
  for (const n of c.nodes) {
    expect(n.redLightedAt !== null).toBe(n.redLighted);
    expect(n.approval !== null).toBe(n.status === 'approved');
    if (n.status !== 'approved' && n.redLighted) expect(n.light).toBe('red');
    if (n.status === 'approved') expect(n.lateCompleted).toBe(n.redLighted);
    const last = n.submissions[n.submissions.length - 1];
    expect(n.lateDays).toBe(last ? last.lateDays : 0);
  }
  if (top === 'completed' || c.completedAt !== null) expect(c.nodes.every((n) => n.status === 'approved')).toBe(true);
  if (top !== 'active' && top !== 'suspended') {
    expect(view.nextDeadlineAt).toBeNull();
    expect(c.nodes.every((n) => n.pendingExtension === null)).toBe(true);
  }
  expect(view.suspended).toBe(top === 'suspended');
  const restored = restoreTaskSnapshot(JSON.parse(JSON.stringify(persistTaskSnapshot(s))));
  expect(restored.context).toEqual(s.context);
  expect(restored.value).toEqual(s.value);
}

const initial = initialTaskSnapshot(INPUT, CREATED);
const t0 = Date.now();
const paths: Array<StatePath<TaskSnapshot, TaskEvent>> = getShortestPaths(taskMachine, {
  input: { ...INPUT, at: CREATED },
  fromState: initial,
  events: (s: TaskSnapshot) => eventsFor(s),
  serializeState: (s: TaskSnapshot) => abstractKey(s),
} as never) as never;

const eventsOf = (p: StatePath<TaskSnapshot, TaskEvent>): TaskEvent[] =>
  p.steps.map((step) => step.event as TaskEvent | { type: 'xstate.init' }).filter((e): e is TaskEvent => e.type !== 'xstate.init');

// eslint-disable-next-line no-console
console.log(`v2 graph: ${paths.length} abstract states in ${Date.now() - t0} ms`);

describe('model-based (v2): every shortest path of the 2-node task graph', () => {
  it('the graph is non-trivial', () => {
    expect(paths.length).toBeGreaterThan(500);
  });

  it('replaying each path through applyTaskEvent accepts every step, ends in the graph’s state and keeps the invariants', () => {
    for (const path of paths) {
      let s = initial;
      for (const e of eventsOf(path)) {
        const r = applyTaskEvent(s, e);
        if (!r.ok) throw new Error(`path step refused: ${JSON.stringify(e)}: ${JSON.stringify(r.refusal)}`);
        s = r.snapshot;
      }
      // every prefix of a shortest path ends at another reached state, so checking each end checks every step
      checkInvariants(s);
      expect(abstractKey(s)).toBe(abstractKey(path.state));
    }
  });

  it('reaches every node status × light, suspension and every end state', () => {
    const seen = new Set<string>();
    for (const p of paths) {
      seen.add(`top:${topStateOf(p.state)}`);
      for (const n of p.state.context.nodes) seen.add(`${n.status}:${n.light}`);
    }
    for (const top of ['active', 'suspended', 'completed', 'closed', 'scored', 'cancelled']) expect(seen).toContain(`top:${top}`);
    for (const st of ['open', 'submitted', 'returned']) for (const l of ['green', 'yellow', 'red']) expect(seen).toContain(`${st}:${l}`);
    expect(seen).toContain('approved:red');
    expect(seen).toContain('approved:green');
  });

  it('from every reached state each generated event is accepted exactly when listed; every event type and domain event occurs', () => {
    const accepted = new Set<string>();
    const emitted = new Set<string>();
    for (const path of paths) {
      const s = path.state;
      const byAt = new Map(TIMES.map((at) => [at, allowedEvents(s, at)]));
      for (const e of eventsFor(s)) {
        const allowed = byAt.get(e.at)!;
        const listed = (NODE_EVENT_TYPES as readonly string[]).includes(e.type)
          ? (allowed.nodes[(e as { nodeSeq: number }).nodeSeq] ?? []).includes(e.type as never)
          : allowed.task.includes(e.type as never);
        const r = applyTaskEvent(s, e);
        const extendsLater = (x: TaskEvent) => x.type !== 'extension.request' || ms(x.newDueAt) > ms(s.context.nodes.find((n) => n.seq === x.nodeSeq)!.dueAt);
        const payloadOk = !(e.type === 'evidence.return' && e.reason.trim() === '') && !(e.type === 'evidence.submit' && !('fileIds' in e)) && extendsLater(e);
        if (payloadOk && r.ok !== listed) throw new Error(`${JSON.stringify(e)} listed=${listed} ${r.ok ? 'accepted' : JSON.stringify(r.refusal)}`);
        if (!payloadOk) expect(r.ok).toBe(false);
        if (r.ok) {
          if (r.changed) accepted.add(e.type);
          r.emitted.forEach((d) => emitted.add(d.type));
        } else {
          expect(r.refusal.message).toBeTruthy();
          if (!payloadOk && listed) expect(r.refusal.field).toBeDefined();
        }
      }
    }
    expect([...accepted].sort()).toEqual([...TASK_EVENT_TYPES].sort());
    for (const d of [
      'node.light-changed',
      'node.red-lighted',
      'node.red-cleared',
      'task.acknowledged',
      'task.sign-for-overdue',
      'evidence.submitted',
      'evidence.approved',
      'evidence.returned',
      'extension.requested',
      'extension.granted',
      'extension.denied',
      'extension.lapsed',
      'task.suspended',
      'task.resumed',
      'task.completed',
      'task.closed',
      'task.scored',
      'task.cancelled',
      'task.revised',
    ])
      expect(emitted).toContain(d);
  });
});
