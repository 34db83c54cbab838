import { describe, it, expect } from '@jest/globals';
import { applyTaskEvent, nodeListProblem, persistTaskSnapshot, restoreTaskSnapshot, revisionProblem, viewOf } from './index.js';
import type { DomainEvent, TaskEvent, TaskNodeInput, TaskSnapshot } from './index.js';
import { DAY, EARLY, N1_DUE, N1_WARN, N2_DUE, N2_WARN, TWO_NODES, checkInvariants, ev, fresh, go, run, shift } from './spec-helpers.js';

const types = (emitted: DomainEvent[]) => emitted.map((e) => e.type);
const [N1, N2] = TWO_NODES.nodes as [TaskNodeInput, TaskNodeInput];
const revise = (at: string, nodes: TaskNodeInput[], reason: string | null = '导入修订'): TaskEvent => ({ type: 'task.revise', at, nodes, reason });
const open = () => go(fresh(), ev.ack());
/** Node 1 approved, node 2 open. */
const onNode2 = () => go(fresh(), ev.ack(), ev.submit(), ev.approve());

function refusedBecause(s: TaskSnapshot, e: TaskEvent, reason: RegExp): void {
  const before = JSON.stringify(persistTaskSnapshot(s));
  const r = applyTaskEvent(s, e);
  expect(r.ok).toBe(false);
  expect(revisionProblem(s.context, e as never)).toMatch(reason);
  expect(JSON.stringify(persistTaskSnapshot(s))).toBe(before);
}

describe('task.revise: what an edited import may change', () => {
  it('replaces the definition of a pending node and reports it as changed; the light and progress stay', () => {
    const s = open();
    const N2b = { ...N2, stageTarget: '年底前全面完成', requiredEvidence: '验收报告', dueAt: shift(N2_DUE, 5 * DAY), warnAt: shift(N2_WARN, 5 * DAY) };
    const r = run(s, revise(EARLY, [N1, N2b]));
    const n2 = r.snapshot.context.nodes[1]!;
    expect(n2).toMatchObject({ stageTarget: '年底前全面完成', requiredEvidence: '验收报告', dueAt: N2b.dueAt, originalDueAt: N2b.dueAt, status: 'pending' });
    expect(r.snapshot.context.nodes[0]).toEqual(s.context.nodes[0]);
    expect(viewOf(r.snapshot)).toEqual(viewOf(s));
    expect(r.emitted).toEqual([
      {
        type: 'task.revised',
        at: EARLY,
        reason: '导入修订',
        changed: [2],
        added: [],
        removed: [],
        currentNodeSeq: 1,
        dueAt: N1_DUE,
        warnAt: N1_WARN,
      },
    ]);
    checkInvariants(r.snapshot);
  });

  it('adds and removes pending nodes', () => {
    const N3 = { seq: 3, dueAt: shift(N2_DUE, 30 * DAY), warnAt: shift(N2_WARN, 30 * DAY), stageTarget: '次年1月底前总结' };
    const added = run(open(), revise(EARLY, [N1, N2, N3]));
    expect(added.snapshot.context.nodes.map((n) => n.seq)).toEqual([1, 2, 3]);
    expect(added.emitted[0]).toMatchObject({ changed: [], added: [3], removed: [] });
    const removed = run(added.snapshot, revise(EARLY, [N1]));
    expect(removed.snapshot.context.nodes.map((n) => n.seq)).toEqual([1]);
    expect(removed.emitted[0]).toMatchObject({ changed: [], added: [], removed: [2, 3] });
    checkInvariants(removed.snapshot);
  });

  it('keeps the current node’s submissions and returns when its definition changes', () => {
    const s = go(open(), ev.submit(), ev.ret(EARLY, '缺少盖章'), ev.submit(shift(EARLY, DAY)));
    const r = run(s, revise(shift(EARLY, 2 * DAY), [{ ...N1, stageTarget: '6月底前完成60%', stageValue: 60 }, N2]));
    const n1 = r.snapshot.context.nodes[0]!;
    expect(viewOf(r.snapshot).state).toBe('submitted');
    expect(n1).toMatchObject({ status: 'submitted', stageTarget: '6月底前完成60%', stageValue: 60 });
    expect(n1.submissions).toEqual(s.context.nodes[0]!.submissions);
    expect(n1.returns).toEqual(s.context.nodes[0]!.returns);
    checkInvariants(r.snapshot);
  });

  it('moves the current node’s dates and recomputes the light: yellow → green when the due date moves a month later', () => {
    const s = go(open(), ev.tick(N1_WARN));
    expect(viewOf(s).light).toBe('yellow');
    const later = { ...N1, dueAt: shift(N1_DUE, 31 * DAY), warnAt: shift(N1_WARN, 31 * DAY) };
    const r = run(s, revise(shift(N1_WARN, DAY), [later, N2]));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'green', nextDeadlineAt: later.warnAt });
    expect(r.snapshot.context.nodes[0]).toMatchObject({ dueAt: later.dueAt, originalDueAt: later.dueAt, originalWarnAt: later.warnAt });
    expect(types(r.emitted)).toEqual(['task.revised', 'node.light-changed']);
    checkInvariants(r.snapshot);
  });

  it('a revised due date already past turns the current node red and counts it once', () => {
    const at = shift(N1_WARN, -10 * DAY);
    const earlier = { ...N1, dueAt: shift(at, -DAY), warnAt: shift(at, -3 * DAY) };
    const r = run(open(), revise(at, [earlier, N2]));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'red', redCount: 1 });
    expect(types(r.emitted)).toEqual(['task.revised', 'node.light-changed', 'node.red-lighted']);
    checkInvariants(r.snapshot);
  });

  it('clears a red light set under the old due date when the revised date is still ahead (node.red-cleared, cause task.revise)', () => {
    const at = shift(N1_DUE, 2 * DAY);
    const s = go(open(), ev.tick(shift(N1_DUE, DAY)));
    expect(viewOf(s)).toMatchObject({ light: 'red', redCount: 1 });
    const later = { ...N1, dueAt: shift(N1_DUE, 30 * DAY), warnAt: shift(N1_WARN, 30 * DAY) };
    const r = run(s, revise(at, [later, N2]));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'green', redCount: 0 });
    expect(r.snapshot.context.nodes[0]).toMatchObject({ redLighted: false, redLightedAt: null });
    expect(r.emitted).toContainEqual({ type: 'node.red-cleared', nodeSeq: 1, at, cause: 'task.revise' });
    checkInvariants(r.snapshot);
  });

  it('keeps a red light when the revised due date has passed too, without counting it twice', () => {
    const s = go(open(), ev.tick(shift(N1_DUE, DAY)));
    const stillPast = { ...N1, dueAt: shift(N1_DUE, DAY), warnAt: N1_WARN };
    const r = run(s, revise(shift(N1_DUE, 2 * DAY), [stillPast, N2]));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'red', redCount: 1 });
    expect(types(r.emitted)).toEqual(['task.revised']);
    checkInvariants(r.snapshot);
  });

  it('a reworded stage target leaves red lights and dates alone', () => {
    const s = go(open(), ev.tick(shift(N1_DUE, DAY)));
    const r = run(s, revise(shift(N1_DUE, 2 * DAY), [{ ...N1, stageTarget: '改写的目标' }, N2]));
    expect(viewOf(r.snapshot)).toMatchObject({ light: 'red', redCount: 1 });
    expect(types(r.emitted)).toEqual(['task.revised']);
  });

  it('lets a pending extension request lapse (cause task.revise) when the current node’s dates move', () => {
    const s = go(open(), ev.request(EARLY, shift(N1_DUE, 10 * DAY)));
    const later = { ...N1, dueAt: shift(N1_DUE, 20 * DAY), warnAt: shift(N1_WARN, 20 * DAY) };
    const r = run(s, revise(shift(EARLY, DAY), [later, N2]));
    expect(viewOf(r.snapshot).extensionPending).toBe(false);
    expect(r.snapshot.context.pendingExtension).toBeNull();
    const record = r.snapshot.context.nodes[0]!.extensions.at(-1)!;
    expect(record).toMatchObject({ decision: 'lapsed', decisionNote: 'task.revise', previousDueAt: N1_DUE });
    expect(types(r.emitted)).toEqual(['extension.lapsed', 'task.revised']);
    expect(r.emitted[0]).toMatchObject({ cause: 'task.revise', nodeSeq: 1 });
    checkInvariants(r.snapshot);
  });

  it('keeps a pending extension request when only the current node’s text changes', () => {
    const s = go(open(), ev.request());
    const r = run(s, revise(EARLY, [{ ...N1, requiredEvidence: '进度报告（盖章）' }, N2]));
    expect(viewOf(r.snapshot).extensionPending).toBe(true);
    checkInvariants(r.snapshot);
  });

  it('keeps dates moved by a granted extension when they are later than the revised plan dates', () => {
    const extendedDue = shift(N1_DUE, 10 * DAY);
    const s = go(open(), ev.request(EARLY, extendedDue), ev.grant());
    const slightlyLater = { ...N1, dueAt: shift(N1_DUE, 3 * DAY), warnAt: shift(N1_WARN, 3 * DAY) };
    const kept = run(s, revise(shift(EARLY, DAY), [slightlyLater, N2])).snapshot.context.nodes[0]!;
    expect(kept).toMatchObject({ dueAt: extendedDue, originalDueAt: slightlyLater.dueAt });
    const muchLater = { ...N1, dueAt: shift(N1_DUE, 40 * DAY), warnAt: shift(N1_WARN, 40 * DAY) };
    const moved = run(s, revise(shift(EARLY, DAY), [muchLater, N2])).snapshot.context.nodes[0]!;
    expect(moved).toMatchObject({ dueAt: muchLater.dueAt, warnAt: muchLater.warnAt, originalDueAt: muchLater.dueAt });
    expect(moved.extensions).toHaveLength(1);
  });

  it('an identical revision is accepted and changes nothing (the write path then writes nothing)', () => {
    const s = onNode2();
    const r = applyTaskEvent(s, revise(EARLY, [N1, N2]));
    expect(r).toMatchObject({ ok: true, changed: false });
  });

  it('matches an approved node by its plan dates, not by dates an extension moved', () => {
    const s = go(open(), ev.request(EARLY, shift(N1_DUE, 10 * DAY)), ev.grant(), ev.submit(), ev.approve());
    expect(applyTaskEvent(s, revise(EARLY, [N1, N2]))).toMatchObject({ ok: true, changed: false });
  });
});

describe('task.revise: what it may not change', () => {
  it('refuses to change an approved node', () => {
    refusedBecause(onNode2(), revise(EARLY, [{ ...N1, stageTarget: '改了' }, N2]), /node 1 is approved.*cannot be changed/);
    refusedBecause(onNode2(), revise(EARLY, [{ ...N1, dueAt: shift(N1_DUE, DAY) }, N2]), /node 1 is approved/);
  });

  it('refuses to remove an approved node or insert one before it', () => {
    refusedBecause(onNode2(), revise(EARLY, [{ ...N2, seq: 1 }]), /node 1 is approved/);
    const before = { seq: 1, dueAt: shift(N1_DUE, -30 * DAY), warnAt: shift(N1_WARN, -30 * DAY) };
    refusedBecause(onNode2(), revise(EARLY, [before, { ...N1, seq: 2 }, { ...N2, seq: 3 }]), /node 1 is approved/);
  });

  it('refuses a revision that keeps only the approved nodes (nothing left to work on)', () => {
    refusedBecause(onNode2(), revise(EARLY, [N1]), /1 are approved: it must keep them and at least one/);
  });

  it('refuses malformed node lists', () => {
    refusedBecause(open(), revise(EARLY, []), /at least one node/);
    refusedBecause(open(), revise(EARLY, [N2, { ...N1, seq: 1 }]), /strictly increasing seq/);
    refusedBecause(open(), revise(EARLY, [{ ...N1, warnAt: shift(N1_DUE, DAY) }]), /warnAt is after dueAt/);
    refusedBecause(open(), revise(EARLY, [{ ...N1, dueAt: '2025-06-31' }]), /dueAt is not an ISO-8601 instant/);
    refusedBecause(open(), revise(EARLY, [{ ...N1, stageValue: Number.NaN }]), /finite numbers/);
    expect(nodeListProblem(undefined)).toMatch(/at least one node/);
  });

  it('is refused once the task left live: completed, closed, scored, cancelled', () => {
    const completed = go(onNode2(), ev.submit(), ev.approve());
    for (const s of [completed, go(fresh(), ev.close()), go(fresh(), ev.close(), ev.score()), go(fresh(), ev.cancel())]) {
      expect(applyTaskEvent(s, revise(EARLY, [N1, N2]))).toMatchObject({ ok: false, reason: 'not_allowed' });
    }
  });
});

describe('task.revise: persistence and replay', () => {
  it('a revised snapshot persists, restores and continues identically', () => {
    const later = { ...N1, dueAt: shift(N1_DUE, 31 * DAY), warnAt: shift(N1_WARN, 31 * DAY) };
    const s = go(open(), ev.tick(N1_WARN), revise(shift(N1_WARN, DAY), [later, N2]));
    const restored = restoreTaskSnapshot(JSON.parse(JSON.stringify(persistTaskSnapshot(s))));
    const tick = ev.tick(later.dueAt);
    const a = run(s, tick);
    const b = run(restored, tick);
    expect(b.snapshot.context).toEqual(a.snapshot.context);
    expect(b.emitted).toEqual(a.emitted);
    expect(viewOf(a.snapshot)).toMatchObject({ light: 'red', redCount: 1 });
  });
});
