import { describe, it, expect } from '@jest/globals';
import {
  EVENT_ROLES,
  TASK_EVENT_TYPES,
  TASK_MACHINE_VERSION,
  TaskInputError,
  allowedEvents,
  applyTaskEvent,
  initialTaskSnapshot,
  initialTaskTransition,
  viewOf,
} from './index.js';
import type { DomainEvent, TaskSnapshot } from './index.js';
import {
  CREATED,
  DAY,
  EARLY,
  N1_DUE,
  N1_WARN,
  N2_DUE,
  N2_WARN,
  ONE_NODE,
  SECOND,
  TWO_NODES,
  checkInvariants,
  ev,
  fresh,
  go,
  run,
  shift,
} from './spec-helpers.js';

const types = (emitted: DomainEvent[]) => emitted.map((e) => e.type);
const node = (s: TaskSnapshot, i: number) => s.context.nodes[i];

describe('creation', () => {
  it('starts assigned, green, no extension, on the first node, with the machine version in context', () => {
    const s = fresh();
    expect(s.value).toEqual({ live: { progress: 'assigned', light: 'green', extension: 'none' } });
    expect(s.context.machineVersion).toBe(TASK_MACHINE_VERSION);
    expect(TASK_MACHINE_VERSION).toBe(1);
    expect(s.context.currentIndex).toBe(0);
    expect(s.context.createdAt).toBe(CREATED);
    expect(node(s, 0)).toMatchObject({ seq: 1, status: 'pending', dueAt: N1_DUE, warnAt: N1_WARN, stageValue: 50, redDeduction: 0.5 });
    expect(viewOf(s)).toEqual({
      state: 'assigned',
      light: 'green',
      currentNodeSeq: 1,
      nextDeadlineAt: N1_WARN,
      redCount: 0,
      extensionPending: false,
    });
    checkInvariants(s);
  });

  it('normalises node instants with offsets to UTC ISO strings and fills missing optional fields with null', () => {
    const s = initialTaskSnapshot(
      { nodes: [{ seq: 7, dueAt: '2025-06-30T23:59:59+08:00', warnAt: '2025-06-25T23:59:59+08:00' }] },
      '2025-03-01T08:00:00+08:00',
    );
    expect(node(s, 0)).toMatchObject({
      seq: 7,
      dueAt: '2025-06-30T15:59:59.000Z',
      warnAt: '2025-06-25T15:59:59.000Z',
      originalDueAt: '2025-06-30T15:59:59.000Z',
      stageTarget: null,
      stageValue: null,
      requiredEvidence: null,
      redDeduction: null,
    });
    expect(s.context.createdAt).toBe('2025-03-01T00:00:00.000Z');
  });

  it('computes the light at creation: a task created inside the warn window starts yellow', () => {
    const { snapshot, emitted } = initialTaskTransition(TWO_NODES, shift(N1_WARN, SECOND));
    expect(viewOf(snapshot).light).toBe('yellow');
    expect(emitted).toEqual([{ type: 'node.light-changed', nodeSeq: 1, from: 'green', to: 'yellow', at: shift(N1_WARN, SECOND) }]);
  });

  it('a task created after its first deadline starts red and counts the red light', () => {
    const at = shift(N1_DUE, DAY);
    const { snapshot, emitted } = initialTaskTransition(TWO_NODES, at);
    expect(viewOf(snapshot)).toMatchObject({ light: 'red', redCount: 1, nextDeadlineAt: null });
    expect(node(snapshot, 0)).toMatchObject({ redLighted: true, redLightedAt: at });
    expect(types(emitted)).toEqual(['node.light-changed', 'node.red-lighted']);
    checkInvariants(snapshot);
  });

  it.each([
    ['no nodes', { nodes: [] }],
    [
      'unsorted seq',
      {
        nodes: [
          { seq: 2, dueAt: N1_DUE, warnAt: N1_WARN },
          { seq: 1, dueAt: N2_DUE, warnAt: N2_WARN },
        ],
      },
    ],
    [
      'duplicate seq',
      {
        nodes: [
          { seq: 1, dueAt: N1_DUE, warnAt: N1_WARN },
          { seq: 1, dueAt: N2_DUE, warnAt: N2_WARN },
        ],
      },
    ],
    ['warnAt after dueAt', { nodes: [{ seq: 1, dueAt: N1_WARN, warnAt: N1_DUE }] }],
    ['a date without time zone', { nodes: [{ seq: 1, dueAt: '2025-06-30', warnAt: '2025-06-25' }] }],
    ['an unparseable date', { nodes: [{ seq: 1, dueAt: 'June 30', warnAt: N1_WARN }] }],
    ['a non-finite deduction', { nodes: [{ seq: 1, dueAt: N1_DUE, warnAt: N1_WARN, redDeduction: Number.NaN }] }],
  ])('refuses impossible input (%s) with TaskInputError', (_label, input) => {
    expect(() => initialTaskSnapshot(input as never, CREATED)).toThrow(TaskInputError);
  });

  it('refuses a creation instant that is not an ISO-8601 instant', () => {
    expect(() => initialTaskSnapshot(TWO_NODES, '2025-03-01')).toThrow(TaskInputError);
  });

  it('accepts warnAt equal to dueAt (no warning period)', () => {
    const s = initialTaskSnapshot({ nodes: [{ seq: 1, dueAt: N1_DUE, warnAt: N1_DUE }] }, CREATED);
    expect(viewOf(s).nextDeadlineAt).toBe(N1_DUE);
    const r = run(s, ev.tick(N1_DUE));
    expect(viewOf(r.snapshot).light).toBe('red');
    expect(r.emitted[0]).toMatchObject({ type: 'node.light-changed', from: 'green', to: 'red' });
  });
});

describe('EVENT_ROLES', () => {
  it('lists which roles may send each event type', () => {
    expect(EVENT_ROLES).toEqual({
      'task.acknowledge': ['department', 'supervisor'],
      'evidence.submit': ['department'],
      'evidence.approve': ['assessor'],
      'evidence.return': ['assessor'],
      'extension.request': ['department'],
      'extension.grant': ['supervisor'],
      'extension.deny': ['supervisor'],
      'clock.tick': ['system'],
      'task.close': ['supervisor', 'system'],
      'task.cancel': ['supervisor', 'system'],
      'task.score': ['supervisor', 'system'],
      'task.revise': ['supervisor', 'system'],
    });
    expect([...TASK_EVENT_TYPES].sort()).toEqual(Object.keys(EVENT_ROLES).sort());
  });
});

describe('progress', () => {
  it('task.acknowledge: assigned → open, opens the first node and emits node.opened', () => {
    const r = run(fresh(), ev.ack('2025-03-02T00:00:00.000Z'));
    expect(viewOf(r.snapshot).state).toBe('open');
    expect(r.snapshot.context.acknowledgedAt).toBe('2025-03-02T00:00:00.000Z');
    expect(node(r.snapshot, 0)).toMatchObject({ status: 'open', openedAt: '2025-03-02T00:00:00.000Z' });
    expect(r.emitted).toEqual([{ type: 'node.opened', nodeSeq: 1, at: '2025-03-02T00:00:00.000Z' }]);
  });

  it('evidence.submit: open → submitted, records files, value, note and offline flag on the node', () => {
    const r = run(go(fresh(), ev.ack()), ev.submit(EARLY, { fileIds: ['f1', 'f2'], completedValue: 42, note: '已上传', offline: false }));
    expect(viewOf(r.snapshot).state).toBe('submitted');
    expect(node(r.snapshot, 0).status).toBe('submitted');
    expect(node(r.snapshot, 0).submissions).toEqual([
      { at: EARLY, fileIds: ['f1', 'f2'], completedValue: 42, note: '已上传', offline: false, late: false, lateDays: 0 },
    ]);
    expect(r.emitted).toEqual([
      { type: 'evidence.submitted', nodeSeq: 1, at: EARLY, late: false, lateDays: 0, fileIds: ['f1', 'f2'], completedValue: 42, offline: false },
    ]);
  });

  it('evidence.submit accepts an offline submission without files (classified material)', () => {
    const s = go(fresh(), ev.ack(), { type: 'evidence.submit', at: EARLY, offline: true });
    expect(node(s, 0).submissions[0]).toMatchObject({ offline: true, fileIds: [], completedValue: null, note: null });
  });

  it('evidence.approve on a non-last node: submitted → open on the next node, approval recorded', () => {
    const r = run(go(fresh(), ev.ack(), ev.submit()), ev.approve('2025-04-02T00:00:00.000Z', { reviewedValue: 50, comment: '符合要求', assessorPoints: 1.5 }));
    const s = r.snapshot;
    expect(viewOf(s)).toMatchObject({ state: 'open', currentNodeSeq: 2, light: 'green', nextDeadlineAt: N2_WARN });
    expect(s.context.currentIndex).toBe(1);
    expect(node(s, 0)).toMatchObject({
      status: 'approved',
      approval: { at: '2025-04-02T00:00:00.000Z', reviewedValue: 50, comment: '符合要求', assessorPoints: 1.5 },
    });
    expect(node(s, 1)).toMatchObject({ status: 'open', openedAt: '2025-04-02T00:00:00.000Z' });
    expect(types(r.emitted)).toEqual(['evidence.approved', 'node.opened']);
    expect(r.emitted[1]).toEqual({ type: 'node.opened', nodeSeq: 2, at: '2025-04-02T00:00:00.000Z' });
    checkInvariants(s);
  });

  it('evidence.approve on the last node completes the task', () => {
    const s1 = go(fresh(), ev.ack(), ev.submit(), ev.approve());
    const r = run(s1, ev.submit('2025-09-01T00:00:00.000Z'), ev.approve('2025-09-02T00:00:00.000Z'));
    expect(r.snapshot.value).toBe('completed');
    expect(r.snapshot.context.completedAt).toBe('2025-09-02T00:00:00.000Z');
    expect(types(r.emitted)).toEqual(['evidence.submitted', 'evidence.approved', 'task.completed']);
    expect(viewOf(r.snapshot)).toEqual({
      state: 'completed',
      light: null,
      currentNodeSeq: null,
      nextDeadlineAt: null,
      redCount: 0,
      extensionPending: false,
    });
    expect(r.snapshot.context.nodes.every((n) => n.status === 'approved')).toBe(true);
    checkInvariants(r.snapshot);
  });

  it('evidence.return: submitted → returned with the trimmed reason; a new submission goes back to submitted', () => {
    const r = run(go(fresh(), ev.ack(), ev.submit()), ev.ret('2025-04-02T00:00:00.000Z', '  缺少盖章  '));
    expect(viewOf(r.snapshot).state).toBe('returned');
    expect(node(r.snapshot, 0)).toMatchObject({ status: 'returned', returns: [{ at: '2025-04-02T00:00:00.000Z', reason: '缺少盖章' }] });
    expect(r.emitted).toEqual([{ type: 'evidence.returned', nodeSeq: 1, at: '2025-04-02T00:00:00.000Z', reason: '缺少盖章' }]);
    const again = go(r.snapshot, ev.submit('2025-04-03T00:00:00.000Z', { fileIds: ['f9'] }));
    expect(viewOf(again).state).toBe('submitted');
    expect(node(again, 0).submissions.map((x) => x.fileIds)).toEqual([['sha256:abc'], ['f9']]);
  });

  it('a one-node task completes on its first approval', () => {
    const s = go(fresh(ONE_NODE), ev.ack(), ev.submit(), ev.approve());
    expect(s.value).toBe('completed');
  });
});

describe('late evidence', () => {
  const open = () => go(fresh(), ev.ack());

  it('evidence submitted exactly at dueAt is on time', () => {
    expect(node(go(open(), ev.submit(N1_DUE)), 0)).toMatchObject({ late: false, lateDays: 0 });
  });

  it('evidence one millisecond after dueAt is accepted and marked late by one day', () => {
    const r = run(open(), ev.submit(shift(N1_DUE, 1)));
    expect(node(r.snapshot, 0)).toMatchObject({ status: 'submitted', late: true, lateDays: 1 });
    expect(r.emitted[0]).toMatchObject({ type: 'evidence.submitted', late: true, lateDays: 1 });
  });

  it('lateDays rounds up: exactly two days late is 2, two days and a second is 3', () => {
    expect(node(go(open(), ev.submit(shift(N1_DUE, 2 * DAY))), 0).lateDays).toBe(2);
    expect(node(go(open(), ev.submit(shift(N1_DUE, 2 * DAY + SECOND))), 0).lateDays).toBe(3);
  });

  it('the node carries the lateness of its latest submission; each submission keeps its own', () => {
    const s = go(open(), ev.submit(EARLY), ev.ret(), ev.submit(shift(N1_DUE, 3 * DAY)));
    expect(node(s, 0)).toMatchObject({ late: true, lateDays: 3 });
    expect(node(s, 0).submissions.map((x) => x.late)).toEqual([false, true]);
  });

  it('late evidence can still be approved; the approval event reports it late and red-lighted', () => {
    const r = run(open(), ev.tick(N1_DUE), ev.submit(shift(N1_DUE, DAY)), ev.approve(shift(N1_DUE, 2 * DAY)));
    expect(r.emitted.find((e) => e.type === 'evidence.approved')).toMatchObject({ late: true, redLighted: true });
    expect(viewOf(r.snapshot)).toMatchObject({ currentNodeSeq: 2, redCount: 1 });
  });
});

describe('light', () => {
  it('a tick before warnAt changes nothing (ok, changed: false)', () => {
    const s = fresh();
    const r = applyTaskEvent(s, ev.tick(shift(N1_WARN, -1)));
    expect(r).toEqual({ ok: true, snapshot: s, changed: false, emitted: [] });
  });

  it('a tick at warnAt turns green → yellow and the next deadline becomes dueAt', () => {
    const r = run(go(fresh(), ev.ack()), ev.tick(N1_WARN));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'yellow', nextDeadlineAt: N1_DUE, redCount: 0 });
    expect(r.emitted).toEqual([{ type: 'node.light-changed', nodeSeq: 1, from: 'green', to: 'yellow', at: N1_WARN }]);
  });

  it('a tick one millisecond before dueAt keeps yellow', () => {
    const s = go(fresh(), ev.ack(), ev.tick(N1_WARN));
    const r = applyTaskEvent(s, ev.tick(shift(N1_DUE, -1)));
    expect(r).toMatchObject({ ok: true, changed: false, emitted: [] });
  });

  it('a tick at dueAt turns yellow → red, flags the node, counts it and emits node.red-lighted', () => {
    const r = run(go(fresh(), ev.ack(), ev.tick(N1_WARN)), ev.tick(N1_DUE));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'red', nextDeadlineAt: null, redCount: 1 });
    expect(node(r.snapshot, 0)).toMatchObject({ redLighted: true, redLightedAt: N1_DUE });
    expect(r.emitted).toEqual([
      { type: 'node.light-changed', nodeSeq: 1, from: 'yellow', to: 'red', at: N1_DUE },
      { type: 'node.red-lighted', nodeSeq: 1, at: N1_DUE, dueAt: N1_DUE, redDeduction: 0.5 },
    ]);
    checkInvariants(r.snapshot);
  });

  it('a tick after dueAt turns green straight to red (no tick in the warn window)', () => {
    const r = run(go(fresh(), ev.ack()), ev.tick(shift(N1_DUE, DAY)));
    expect(viewOf(r.snapshot).light).toBe('red');
    expect(types(r.emitted)).toEqual(['node.light-changed', 'node.red-lighted']);
    expect(r.emitted[0]).toMatchObject({ from: 'green', to: 'red' });
  });

  it('further ticks while red change nothing and never emit node.red-lighted twice', () => {
    const s = go(fresh(), ev.ack(), ev.tick(N1_DUE));
    const r = applyTaskEvent(s, ev.tick(shift(N1_DUE, 5 * DAY)));
    expect(r).toMatchObject({ ok: true, changed: false, emitted: [] });
    expect(s.context.redCount).toBe(1);
  });

  it('the light runs while the task is still assigned (not acknowledged)', () => {
    const s = go(fresh(), ev.tick(N1_WARN), ev.tick(N1_DUE));
    expect(viewOf(s)).toMatchObject({ state: 'assigned', light: 'red', redCount: 1 });
  });

  it('evidence submitted in time but not yet approved at dueAt still goes red (the rule is "approved")', () => {
    const s = go(fresh(), ev.ack(), ev.submit(shift(N1_DUE, -DAY)), ev.tick(N1_DUE));
    expect(viewOf(s)).toMatchObject({ state: 'submitted', light: 'red', redCount: 1 });
  });

  it('a node approved one second before dueAt stays green and never turns red', () => {
    const justBefore = shift(N1_DUE, -SECOND);
    const s = go(fresh(), ev.ack(), ev.submit(shift(N1_DUE, -DAY)), ev.approve(justBefore));
    expect(viewOf(s)).toMatchObject({ light: 'green', currentNodeSeq: 2, redCount: 0 });
    const after = go(s, ev.tick(N1_DUE), ev.tick(shift(N1_DUE, 30 * DAY)));
    expect(node(after, 0).redLighted).toBe(false);
    expect(viewOf(after)).toMatchObject({ light: 'green', redCount: 0, nextDeadlineAt: N2_WARN });
  });

  it('a one-node task approved one second before dueAt completes with no red light; later ticks are no-ops', () => {
    const s = go(fresh(ONE_NODE), ev.ack(), ev.tick(N1_WARN), ev.submit(N1_WARN), ev.approve(shift(N1_DUE, -SECOND)));
    expect(s.value).toBe('completed');
    const r = applyTaskEvent(s, ev.tick(shift(N1_DUE, DAY)));
    expect(r).toMatchObject({ ok: true, changed: false, emitted: [] });
    expect(s.context.redCount).toBe(0);
  });

  it('when the next node opens, the light is recomputed: yellow on node 1 → green on node 2', () => {
    const r = run(go(fresh(), ev.ack(), ev.tick(N1_WARN), ev.submit(N1_WARN)), ev.approve(shift(N1_WARN, DAY)));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'green', currentNodeSeq: 2 });
    expect(r.emitted.at(-1)).toEqual({ type: 'node.light-changed', nodeSeq: 2, from: 'yellow', to: 'green', at: shift(N1_WARN, DAY) });
  });

  it('when the next node opens inside its warn window, the light is yellow', () => {
    const at = shift(N2_WARN, DAY);
    const r = run(go(fresh(), ev.ack(), ev.submit()), ev.approve(at));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'yellow', currentNodeSeq: 2, nextDeadlineAt: N2_DUE });
    expect(r.emitted.at(-1)).toMatchObject({ type: 'node.light-changed', nodeSeq: 2, from: 'green', to: 'yellow' });
  });

  it('a red node 1 approved late opens node 2 green; the red count stays', () => {
    const r = run(go(fresh(), ev.ack(), ev.tick(N1_DUE), ev.submit(shift(N1_DUE, DAY))), ev.approve(shift(N1_DUE, 2 * DAY)));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'green', currentNodeSeq: 2, redCount: 1 });
    expect(r.emitted.at(-1)).toMatchObject({ type: 'node.light-changed', nodeSeq: 2, from: 'red', to: 'green' });
  });

  it('a node that opens already past its dueAt is red at once and counted, even if the light was already red', () => {
    const late = shift(N2_DUE, DAY);
    const r = run(go(fresh(), ev.ack(), ev.tick(N1_DUE), ev.submit(late)), ev.approve(late));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'red', currentNodeSeq: 2, redCount: 2 });
    expect(node(r.snapshot, 1)).toMatchObject({ redLighted: true, redLightedAt: late });
    expect(types(r.emitted)).toEqual(['evidence.approved', 'node.opened', 'node.red-lighted']);
    checkInvariants(r.snapshot);
  });

  it('a node that opens past its dueAt from a green light emits light-changed then red-lighted', () => {
    const late = shift(N2_DUE, DAY);
    const r = run(go(fresh(), ev.ack(), ev.submit()), ev.approve(late));
    expect(types(r.emitted)).toEqual(['evidence.approved', 'node.opened', 'node.light-changed', 'node.red-lighted']);
    expect(r.snapshot.context.redCount).toBe(1);
    expect(node(r.snapshot, 0).redLighted).toBe(false);
  });
});

describe('viewOf.nextDeadlineAt', () => {
  it('is warnAt while green, dueAt while yellow, null while red', () => {
    const s0 = go(fresh(), ev.ack());
    expect(viewOf(s0).nextDeadlineAt).toBe(N1_WARN);
    expect(viewOf(go(s0, ev.tick(N1_WARN))).nextDeadlineAt).toBe(N1_DUE);
    expect(viewOf(go(s0, ev.tick(N1_DUE))).nextDeadlineAt).toBeNull();
  });

  it('given `at` past warnAt while still green (no tick yet), it is dueAt', () => {
    const s = go(fresh(), ev.ack());
    expect(viewOf(s, shift(N1_WARN, 1)).nextDeadlineAt).toBe(N1_DUE);
    expect(viewOf(s, shift(N1_WARN, -1)).nextDeadlineAt).toBe(N1_WARN);
  });

  it('is null in every non-live state', () => {
    const done = go(fresh(ONE_NODE), ev.ack(), ev.submit(), ev.approve());
    for (const s of [done, go(fresh(), ev.close()), go(done, ev.score()), go(fresh(), ev.cancel())]) {
      expect(viewOf(s)).toMatchObject({ light: null, currentNodeSeq: null, nextDeadlineAt: null, extensionPending: false });
    }
  });
});

describe('extension', () => {
  const open = () => go(fresh(), ev.ack());
  const NEW_DUE = shift(N1_DUE, 10 * DAY);

  it('extension.request before the deadline with a later date: none → requested', () => {
    const r = run(open(), ev.request(EARLY, NEW_DUE));
    expect(viewOf(r.snapshot).extensionPending).toBe(true);
    expect(r.snapshot.context.pendingExtension).toEqual({
      nodeSeq: 1,
      requestedAt: EARLY,
      newDueAt: NEW_DUE,
      newWarnAt: null,
      reason: '汛期施工受阻',
    });
    expect(r.emitted).toEqual([
      { type: 'extension.requested', nodeSeq: 1, requestedAt: EARLY, newDueAt: NEW_DUE, newWarnAt: null, reason: '汛期施工受阻', at: EARLY, dueAt: N1_DUE },
    ]);
    expect(allowedEvents(r.snapshot)).not.toContain('extension.request');
    expect(allowedEvents(r.snapshot)).toEqual(expect.arrayContaining(['extension.grant', 'extension.deny']));
  });

  it('a second request while one is pending is not allowed', () => {
    const s = go(open(), ev.request());
    const r = applyTaskEvent(s, ev.request(EARLY, shift(N1_DUE, 20 * DAY)));
    expect(r).toMatchObject({ ok: false, reason: 'not_allowed', state: 'open' });
  });

  it('extension.request is refused at or after dueAt, for a newDueAt not later than dueAt, or a newWarnAt after newDueAt', () => {
    const s = open();
    expect(applyTaskEvent(s, ev.request(N1_DUE, NEW_DUE)).ok).toBe(false);
    expect(applyTaskEvent(s, ev.request(shift(N1_DUE, -1), NEW_DUE)).ok).toBe(true);
    expect(applyTaskEvent(s, ev.request(EARLY, N1_DUE)).ok).toBe(false);
    expect(applyTaskEvent(s, ev.request(EARLY, shift(N1_DUE, -DAY))).ok).toBe(false);
    expect(applyTaskEvent(s, ev.request(EARLY, NEW_DUE, { newWarnAt: shift(NEW_DUE, 1) })).ok).toBe(false);
    expect(applyTaskEvent(s, ev.request(EARLY, NEW_DUE, { newWarnAt: 'soon' })).ok).toBe(false);
    expect(applyTaskEvent(s, ev.request(EARLY, NEW_DUE, { reason: '   ' })).ok).toBe(false);
    expect(applyTaskEvent(s, ev.request(EARLY, '2025-07-10')).ok).toBe(false);
  });

  it('extension.grant moves dueAt, keeps the warn offset, records the decision and returns to none', () => {
    const r = run(go(open(), ev.request(EARLY, NEW_DUE)), ev.grant('2025-04-05T00:00:00.000Z', '同意延期'));
    const n = node(r.snapshot, 0);
    expect(n.dueAt).toBe(NEW_DUE);
    expect(n.warnAt).toBe(shift(N1_WARN, 10 * DAY)); // same 5 days before due as before
    expect(n.originalDueAt).toBe(N1_DUE);
    expect(n.extensions).toEqual([
      {
        nodeSeq: 1,
        requestedAt: EARLY,
        newDueAt: NEW_DUE,
        newWarnAt: null,
        reason: '汛期施工受阻',
        decision: 'granted',
        decidedAt: '2025-04-05T00:00:00.000Z',
        decisionNote: '同意延期',
        previousDueAt: N1_DUE,
        previousWarnAt: N1_WARN,
        redCleared: false,
      },
    ]);
    expect(viewOf(r.snapshot)).toMatchObject({ extensionPending: false, nextDeadlineAt: shift(N1_WARN, 10 * DAY) });
    expect(r.snapshot.context.pendingExtension).toBeNull();
    expect(r.emitted).toEqual([
      {
        type: 'extension.granted',
        nodeSeq: 1,
        at: '2025-04-05T00:00:00.000Z',
        previousDueAt: N1_DUE,
        previousWarnAt: N1_WARN,
        newDueAt: NEW_DUE,
        newWarnAt: shift(N1_WARN, 10 * DAY),
        redCleared: false,
      },
    ]);
  });

  it('extension.grant uses the requested newWarnAt when one was given', () => {
    const newWarn = shift(NEW_DUE, -SECOND);
    const s = go(open(), ev.request(EARLY, NEW_DUE, { newWarnAt: newWarn }), ev.grant());
    expect(node(s, 0)).toMatchObject({ dueAt: NEW_DUE, warnAt: newWarn });
  });

  it('extension.grant recomputes the light: yellow before the old due → green against the new dates', () => {
    const r = run(go(open(), ev.tick(N1_WARN), ev.request(N1_WARN, NEW_DUE)), ev.grant(shift(N1_WARN, DAY)));
    expect(viewOf(r.snapshot).light).toBe('green');
    expect(r.emitted.at(-1)).toMatchObject({ type: 'node.light-changed', from: 'yellow', to: 'green' });
  });

  it('a grant decided after the old deadline clears the red light set meanwhile (the request was in time)', () => {
    const s = go(open(), ev.request(shift(N1_DUE, -DAY), NEW_DUE), ev.tick(N1_DUE));
    expect(viewOf(s)).toMatchObject({ light: 'red', redCount: 1, extensionPending: true });
    const r = run(s, ev.grant(shift(N1_DUE, DAY)));
    // new warnAt = NEW_DUE − 5 days, after the decision: back to green
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'green', redCount: 0, nextDeadlineAt: shift(N1_WARN, 10 * DAY) });
    expect(node(r.snapshot, 0)).toMatchObject({ redLighted: false, redLightedAt: null });
    expect(node(r.snapshot, 0).extensions[0]).toMatchObject({ decision: 'granted', redCleared: true });
    expect(types(r.emitted)).toEqual(['node.red-cleared', 'extension.granted', 'node.light-changed']);
    expect(r.emitted[2]).toMatchObject({ from: 'red', to: 'green' });
    checkInvariants(r.snapshot);
  });

  it('a grant decided inside the new warn window after a red light turns it yellow', () => {
    const s = go(open(), ev.request(shift(N1_DUE, -DAY), NEW_DUE), ev.tick(N1_DUE));
    const r = run(s, ev.grant(shift(NEW_DUE, -DAY)));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'yellow', redCount: 0, nextDeadlineAt: NEW_DUE });
    expect(r.emitted.at(-1)).toMatchObject({ type: 'node.light-changed', from: 'red', to: 'yellow' });
  });

  it('a grant decided after even the new deadline clears the old red and then re-flags it against the new date', () => {
    const s = go(open(), ev.request(shift(N1_DUE, -DAY), NEW_DUE), ev.tick(N1_DUE));
    const at = shift(NEW_DUE, DAY);
    const r = run(s, ev.grant(at));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'red', redCount: 1 });
    expect(node(r.snapshot, 0)).toMatchObject({ redLighted: true, redLightedAt: at, dueAt: NEW_DUE });
    expect(types(r.emitted)).toEqual(['node.red-cleared', 'extension.granted', 'node.red-lighted']);
    checkInvariants(r.snapshot);
  });

  it('extension.deny keeps the dates and the red light, records the reason, returns to none', () => {
    const s = go(open(), ev.request(shift(N1_DUE, -DAY), NEW_DUE), ev.tick(N1_DUE));
    const r = run(s, ev.deny(shift(N1_DUE, DAY), ' 理由不充分 '));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'red', redCount: 1, extensionPending: false });
    expect(node(r.snapshot, 0).dueAt).toBe(N1_DUE);
    expect(node(r.snapshot, 0).extensions[0]).toMatchObject({ decision: 'denied', decisionNote: '理由不充分', redCleared: false });
    expect(r.emitted).toEqual([{ type: 'extension.denied', nodeSeq: 1, at: shift(N1_DUE, DAY), reason: '理由不充分' }]);
  });

  it('extension.deny without a reason is not allowed', () => {
    const s = go(open(), ev.request());
    expect(applyTaskEvent(s, ev.deny(EARLY, '')).ok).toBe(false);
    expect(applyTaskEvent(s, { type: 'extension.deny', at: EARLY } as never).ok).toBe(false);
  });

  it('after a decision a new request may be made (against the new due date)', () => {
    const s = go(open(), ev.request(EARLY, NEW_DUE), ev.grant());
    expect(applyTaskEvent(s, ev.request(EARLY, shift(N1_DUE, 5 * DAY))).ok).toBe(false); // not later than the new due
    const s2 = go(s, ev.request(EARLY, shift(NEW_DUE, 5 * DAY)), ev.grant());
    expect(node(s2, 0).dueAt).toBe(shift(NEW_DUE, 5 * DAY));
    expect(node(s2, 0).extensions).toHaveLength(2);
  });

  it('a request may be made while the task is still assigned', () => {
    expect(applyTaskEvent(fresh(), ev.request()).ok).toBe(true);
  });

  it('a pending request lapses when its node is approved (the next node opens)', () => {
    const r = run(go(open(), ev.submit(), ev.request()), ev.approve('2025-04-03T00:00:00.000Z'));
    expect(viewOf(r.snapshot)).toMatchObject({ currentNodeSeq: 2, extensionPending: false });
    expect(r.snapshot.context.pendingExtension).toBeNull();
    expect(node(r.snapshot, 0).extensions[0]).toMatchObject({ decision: 'lapsed', decisionNote: 'evidence.approve' });
    expect(node(r.snapshot, 0).dueAt).toBe(N1_DUE);
    expect(types(r.emitted)).toEqual(['evidence.approved', 'node.opened', 'extension.lapsed']);
    checkInvariants(r.snapshot);
  });

  it('a pending request lapses when the task completes, closes or is cancelled', () => {
    const onLast = go(fresh(ONE_NODE), ev.ack(), ev.submit(), ev.request());
    const done = run(onLast, ev.approve());
    expect(types(done.emitted)).toEqual(['extension.lapsed', 'evidence.approved', 'task.completed']);
    expect(done.snapshot.context.nodes[0].extensions[0].decision).toBe('lapsed');
    const closed = run(onLast, ev.close());
    expect(closed.snapshot.context.nodes[0].extensions[0]).toMatchObject({ decision: 'lapsed', decisionNote: 'task.close' });
    const cancelled = run(onLast, ev.cancel());
    expect(cancelled.snapshot.context.nodes[0].extensions[0]).toMatchObject({ decision: 'lapsed', decisionNote: 'task.cancel' });
    for (const s of [done.snapshot, closed.snapshot, cancelled.snapshot]) checkInvariants(s);
  });
});

describe('close, cancel, score', () => {
  const progressStates: Array<[string, () => TaskSnapshot]> = [
    ['assigned', () => fresh()],
    ['open', () => go(fresh(), ev.ack())],
    ['submitted', () => go(fresh(), ev.ack(), ev.submit())],
    ['returned', () => go(fresh(), ev.ack(), ev.submit(), ev.ret())],
  ];

  it.each(progressStates)('task.close from %s → closed, keeping the nodes as they stand', (_name, make) => {
    const before = make();
    const r = run(before, ev.close('2025-05-01T00:00:00.000Z', '  期末关闭 '));
    expect(r.snapshot.value).toBe('closed');
    expect(r.snapshot.context).toMatchObject({ closedAt: '2025-05-01T00:00:00.000Z', closeReason: '期末关闭' });
    expect(r.snapshot.context.nodes).toEqual(before.context.nodes);
    expect(r.emitted).toEqual([{ type: 'task.closed', at: '2025-05-01T00:00:00.000Z', reason: '期末关闭' }]);
  });

  it('task.close without a reason stores null', () => {
    const s = go(fresh(), { type: 'task.close', at: EARLY });
    expect(s.context.closeReason).toBeNull();
  });

  it.each(progressStates)('task.cancel from %s → cancelled (final) with the reason', (_name, make) => {
    const r = run(make(), ev.cancel('2025-05-01T00:00:00.000Z', '指标取消'));
    expect(r.snapshot.value).toBe('cancelled');
    expect(r.snapshot.status).toBe('done');
    expect(r.snapshot.context).toMatchObject({ cancelledAt: '2025-05-01T00:00:00.000Z', cancelReason: '指标取消' });
    expect(r.emitted).toEqual([{ type: 'task.cancelled', at: '2025-05-01T00:00:00.000Z', reason: '指标取消' }]);
  });

  it('task.cancel from completed and from closed → cancelled', () => {
    const done = go(fresh(ONE_NODE), ev.ack(), ev.submit(), ev.approve());
    expect(go(done, ev.cancel()).value).toBe('cancelled');
    expect(go(fresh(), ev.close(), ev.cancel()).value).toBe('cancelled');
  });

  it('task.cancel without a non-empty reason is not allowed', () => {
    expect(applyTaskEvent(fresh(), ev.cancel(EARLY, '  ')).ok).toBe(false);
    expect(applyTaskEvent(fresh(), { type: 'task.cancel', at: EARLY } as never).ok).toBe(false);
  });

  it('task.score from completed → scored (final), storing the score', () => {
    const done = go(fresh(ONE_NODE), ev.ack(), ev.submit(), ev.approve());
    const r = run(done, { type: 'task.score', at: '2025-12-31T00:00:00.000Z', score: 9.25, note: '按期完成' });
    expect(r.snapshot.value).toBe('scored');
    expect(r.snapshot.status).toBe('done');
    expect(r.snapshot.context).toMatchObject({ score: 9.25, scoredAt: '2025-12-31T00:00:00.000Z', scoreNote: '按期完成' });
    expect(r.emitted).toEqual([{ type: 'task.scored', at: '2025-12-31T00:00:00.000Z', score: 9.25, note: '按期完成' }]);
    expect(viewOf(r.snapshot).state).toBe('scored');
  });

  it('task.score from closed → scored (the unfinished task is scored as it stands)', () => {
    const s = go(fresh(), ev.ack(), ev.tick(N1_DUE), ev.close(), ev.score(EARLY, 3));
    expect(s.value).toBe('scored');
    expect(s.context).toMatchObject({ score: 3, redCount: 1 });
  });

  it('task.score with a non-finite score is not allowed', () => {
    const closed = go(fresh(), ev.close());
    expect(applyTaskEvent(closed, ev.score(EARLY, Number.NaN)).ok).toBe(false);
    expect(applyTaskEvent(closed, ev.score(EARLY, Number.POSITIVE_INFINITY)).ok).toBe(false);
    expect(applyTaskEvent(closed, { type: 'task.score', at: EARLY, score: '9' } as never).ok).toBe(false);
  });

  it('ticks after the task left live are accepted as no-ops (the sweeper may race a close)', () => {
    for (const s of [go(fresh(), ev.close()), go(fresh(), ev.cancel()), go(fresh(), ev.close(), ev.score())]) {
      expect(applyTaskEvent(s, ev.tick(shift(N2_DUE, DAY)))).toEqual({ ok: true, snapshot: s, changed: false, emitted: [] });
    }
  });
});

describe('instants', () => {
  it.each([
    ['2025-06-30T23:59:59+08:00', true],
    ['2025-06-30T23:59:59+0800', true],
    ['2025-06-30T15:59Z', true],
    ['2025-06-30T15:59:59.123456Z', true],
    ['2024-02-29T00:00:00Z', true],
    ['2025-02-29T00:00:00Z', false],
    ['2025-02-30T00:00:00Z', false],
    ['2025-13-01T00:00:00Z', false],
    ['2025-06-30T24:00:00Z', false],
    ['2025-06-30T23:60:00Z', false],
    ['2025-06-30T23:59:59', false],
    ['2025-06-30', false],
    ['1751327999000', false],
  ])('%s is %s as an event instant', (at, valid) => {
    const r = applyTaskEvent(fresh(), { type: 'task.acknowledge', at });
    expect(r.ok).toBe(valid);
  });
});
