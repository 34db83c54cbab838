/**
 * Model-based test: @xstate/graph enumerates the machine's reachable states from a 2-node task under a
 * fixed event generator and returns one shortest path to each; every path is then replayed through the
 * public API (`applyTaskEvent`) and the invariants are checked after every step.
 *
 * The context holds timestamps and growing lists, so the concrete state space is unbounded (submit/return
 * can loop forever; a first attempt keyed on more of the context passed 70 000 states and kept growing).
 * The traversal therefore identifies snapshots by an ABSTRACT key: the state value plus exactly what the
 * transitions depend on — the current node, the red count, each node's red flag and due date (the warn
 * date follows from it here) and the pending request's new due date. Lateness, list lengths and decision
 * histories never change which transition is taken, so they are left out. Replaying each path through the
 * public API then checks that the concrete snapshot has the graph's abstract key, i.e. that the
 * abstraction is faithful along every path.
 */
import { describe, it, expect } from '@jest/globals';
import { getShortestPaths } from '@xstate/graph';
import type { StatePath } from '@xstate/graph';
import { TASK_EVENT_TYPES, allowedEvents, applyTaskEvent, initialTaskSnapshot, taskMachine } from './index.js';
import type { TaskEvent, TaskSnapshot } from './index.js';
import { CREATED, DAY, N1_DUE, N2_DUE, TWO_NODES, checkInvariants, ev, shift } from './spec-helpers.js';

// Instants chosen around the 2-node fixture's warn/due dates and the two extension targets.
const TIMES = [
  '2025-04-01T00:00:00.000Z', // before node 1 warns
  '2025-06-27T00:00:00.000Z', // node 1 yellow
  '2025-07-02T00:00:00.000Z', // node 1 overdue; inside the warn window of EXT1
  '2025-07-08T00:00:00.000Z', // after EXT1
  '2025-12-27T00:00:00.000Z', // node 2 yellow
  '2026-01-05T00:00:00.000Z', // node 2 overdue; before EXT2
];
const EXT1 = shift(N1_DUE, 5 * DAY);
const EXT2 = shift(N2_DUE, 10 * DAY);

/** Every public event type, valid and invalid payloads, at every instant. */
function eventsFor(): TaskEvent[] {
  const out: TaskEvent[] = [];
  for (const at of TIMES) {
    out.push(
      ev.ack(at),
      ev.submit(at),
      ev.approve(at, { reviewedValue: 1 }),
      ev.ret(at),
      ev.request(at, EXT1),
      ev.request(at, EXT2),
      ev.grant(at),
      ev.deny(at),
      ev.tick(at),
      ev.close(at),
      ev.cancel(at),
      ev.revise(at),
    );
  }
  out.push(
    ev.score(TIMES[5], 6),
    // impossible payloads: must be refused wherever they are sent
    ev.ret(TIMES[0], ''),
    ev.deny(TIMES[0], ' '),
    ev.cancel(TIMES[0], ''),
    ev.request(TIMES[0], N1_DUE),
    { type: 'evidence.submit', at: TIMES[0] },
    ev.score(TIMES[0], Number.NaN),
  );
  return out;
}
const EVENTS = eventsFor();

function abstractKey(s: TaskSnapshot): string {
  const c = s.context;
  return JSON.stringify({
    value: s.value,
    idx: c.currentIndex,
    red: c.redCount,
    pending: c.pendingExtension?.newDueAt ?? null,
    nodes: c.nodes.map((n) => [n.redLighted, n.dueAt, n.warnAt]),
  });
}

const initial = initialTaskSnapshot(TWO_NODES, CREATED);
const paths: Array<StatePath<TaskSnapshot, TaskEvent>> = getShortestPaths(taskMachine, {
  input: { ...TWO_NODES, at: CREATED },
  fromState: initial,
  events: () => EVENTS,
  serializeState: (s: TaskSnapshot) => abstractKey(s),
} as never) as never;

/** The path's events without the leading `xstate.init` step that @xstate/graph adds. */
const eventsOf = (p: StatePath<TaskSnapshot, TaskEvent>): TaskEvent[] =>
  p.steps.map((step) => step.event as TaskEvent | { type: 'xstate.init' }).filter((e): e is TaskEvent => e.type !== 'xstate.init');

describe('model-based: every shortest path of the 2-node task graph', () => {
  it('the graph is non-trivial (hundreds of abstract states)', () => {
    expect(paths.length).toBeGreaterThan(200);
  });

  it('replaying each path through applyTaskEvent accepts every step, keeps the invariants and matches the graph', () => {
    for (const path of paths) {
      let s = initial;
      checkInvariants(s);
      for (const e of eventsOf(path)) {
        const r = applyTaskEvent(s, e);
        if (!r.ok) throw new Error(`path step refused: ${JSON.stringify(e)} in ${r.state}`);
        expect(r.changed).toBe(true); // a shortest path never contains a self-loop
        s = r.snapshot;
        checkInvariants(s);
      }
      expect(abstractKey(s)).toBe(abstractKey(path.state));
    }
  });

  it('reaches every combination of progress × light × extension while live, and every end state', () => {
    const values = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    for (const progress of ['assigned', 'open', 'submitted', 'returned']) {
      for (const light of ['green', 'yellow', 'red']) {
        for (const extension of ['none', 'requested']) {
          expect(values).toContain(JSON.stringify({ live: { progress, light, extension } }));
        }
      }
    }
    for (const top of ['completed', 'closed', 'scored', 'cancelled']) expect(values).toContain(JSON.stringify(top));
  });

  it('from every reached state, each generated event is accepted only if allowedEvents lists its type; every event type and domain event type occurs', () => {
    const accepted = new Set<string>();
    const emitted = new Set<string>();
    for (const path of paths) {
      const s = path.state;
      const allowed = allowedEvents(s);
      for (const e of EVENTS) {
        const r = applyTaskEvent(s, e);
        if (r.ok) {
          expect(allowed.includes(e.type) || e.type === 'clock.tick').toBe(true);
          if (e.type !== 'clock.tick') expect(r.changed).toBe(true);
          if (r.changed) accepted.add(e.type);
          r.emitted.forEach((d) => emitted.add(d.type));
        } else {
          expect(r.allowed).toEqual(allowed);
        }
      }
    }
    expect([...accepted].sort()).toEqual([...TASK_EVENT_TYPES].sort());
    expect([...emitted].sort()).toEqual([
      'evidence.approved',
      'evidence.returned',
      'evidence.submitted',
      'extension.denied',
      'extension.granted',
      'extension.lapsed',
      'extension.requested',
      'node.light-changed',
      'node.opened',
      'node.red-cleared',
      'node.red-lighted',
      'task.cancelled',
      'task.closed',
      'task.completed',
      'task.revised',
      'task.scored',
    ]);
  });
});
