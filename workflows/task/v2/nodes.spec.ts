import { describe, expect, it } from '@jest/globals';
import { allowedEvents, applyTaskEvent, persistTaskSnapshot, restoreTaskSnapshot, viewOf } from './index.js';
import { CREATED, DAY, FOUR_NODES, QUARTER_DUES, ev, fresh, go, node, run, shift } from './spec-helpers.js';

const AFTER_ALL = '2026-01-10T00:00:00.000Z';

describe('machine v2: every node is its own milestone', () => {
  it('a 4-node task ignored past all four due dates has 4 red lights, one red-lighted event per node dated at its due instant', () => {
    const { snapshot, emitted } = run(fresh(), ev.tick(AFTER_ALL));
    const reds = emitted.filter((e) => e.type === 'node.red-lighted');
    expect(reds.map((e) => [e.nodeSeq, e.at, e.recordedAt])).toEqual(QUARTER_DUES.map((d, i) => [i + 1, d, AFTER_ALL]));
    expect(snapshot.context.redCount).toBe(4);
    expect(viewOf(snapshot).nodes.map((n) => n.light)).toEqual(['red', 'red', 'red', 'red']);
    // a second tick changes nothing: each flag is raised once
    const again = applyTaskEvent(snapshot, ev.tick(shift(AFTER_ALL, DAY)));
    expect(again.ok && again.changed).toBe(false);
  });

  it('node 3 evidence is accepted while node 1 is returned', () => {
    const s = go(fresh(), ev.ack('2025-01-02T00:00:00Z'), ev.submit('2025-01-03T00:00:00Z', 1), ev.ret('2025-01-04T00:00:00Z', 1));
    const r = applyTaskEvent(s, ev.submit('2025-01-05T00:00:00Z', 3));
    expect(r.ok).toBe(true);
    if (r.ok) expect(viewOf(r.snapshot).nodes.map((n) => n.status)).toEqual(['returned', 'open', 'submitted', 'open']);
  });

  it('with sequential submission, node 3 is refused naming node 1', () => {
    const s = go(
      fresh({ ...FOUR_NODES, sequential: true }),
      ev.ack('2025-01-02T00:00:00Z'),
      ev.submit('2025-01-03T00:00:00Z', 1),
      ev.ret('2025-01-04T00:00:00Z', 1),
    );
    const r = applyTaskEvent(s, ev.submit('2025-01-05T00:00:00Z', 3));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.refusal).toMatchObject({ code: 'sequential', nodeSeq: 1, nodeState: 'returned' });
      expect(r.refusal.message).toContain('节点 1');
      expect(r.allowed.nodes[3]).not.toContain('evidence.submit');
      expect(r.allowed.nodes[1]).toContain('evidence.submit');
    }
  });

  it('a node approved after its red light stays counted red and shows late-completed; lateDays from the due instant', () => {
    const late = shift(QUARTER_DUES[0]!, 2 * DAY + 1000);
    const { snapshot, emitted } = run(fresh(), ev.ack('2025-01-02T00:00:00Z'), ev.submit(late, 1, { lateWorkingDays: 1 }), ev.approve(shift(late, 1000), 1));
    const n1 = snapshot.context.nodes[0]!;
    expect(n1).toMatchObject({ status: 'approved', light: 'red', redLighted: true, lateCompleted: true, lateDays: 3, lateWorkingDays: 1 });
    expect(n1.redLightedAt).toBe(QUARTER_DUES[0]);
    expect(snapshot.context.redCount).toBe(1);
    expect(emitted.find((e) => e.type === 'evidence.submitted')).toMatchObject({ late: true, lateDays: 3, lateWorkingDays: 1 });
    // the submission itself caught the clock up: node 1 went red before the evidence was recorded
    expect(emitted.map((e) => e.type).indexOf('node.red-lighted')).toBeLessThan(emitted.map((e) => e.type).indexOf('evidence.submitted'));
    expect(viewOf(snapshot).lateCompletedCount).toBe(1);
  });

  it('evidence exactly at the due instant is on time, but the node is red unless approved before it', () => {
    const { snapshot } = run(fresh(), ev.ack('2025-01-02T00:00:00Z'), ev.submit(QUARTER_DUES[0]!, 1));
    expect(snapshot.context.nodes[0]).toMatchObject({ late: false, lateDays: 0, redLighted: true });
  });

  it('the task completes when every node is approved, in any order', () => {
    let s = go(fresh(), ev.ack('2025-01-02T00:00:00Z'));
    for (const seq of [4, 2, 3, 1]) s = go(s, ev.submit('2025-01-03T00:00:00Z', seq), ev.approve('2025-01-03T00:00:00Z', seq));
    expect(s.value).toBe('completed');
    expect(go(s, ev.score('2025-01-04T00:00:00Z', 30)).value).toBe('scored');
  });

  it('nodes with an open date open then, not before', () => {
    const input = { nodes: [node(1, QUARTER_DUES[0]!), node(2, QUARTER_DUES[1]!, { openAt: '2025-04-01T00:00:00.000Z' })] };
    const s = go(fresh(input), ev.ack('2025-01-02T00:00:00Z'));
    const r = applyTaskEvent(s, ev.submit('2025-02-01T00:00:00Z', 2));
    expect(!r.ok && r.refusal.code).toBe('node_not_open');
    expect(viewOf(s).nextDeadlineAt).toBe(shift(QUARTER_DUES[0]!, -5 * DAY));
    const { emitted, snapshot } = run(s, ev.submit('2025-04-02T00:00:00Z', 2));
    expect(emitted.find((e) => e.type === 'node.opened')).toMatchObject({ nodeSeq: 2, at: '2025-04-01T00:00:00.000Z' });
    expect(snapshot.context.nodes[1]!.status).toBe('submitted');
  });

  it('an extension request after the due time is refused in the caller’s terms; not listed', () => {
    const s = go(fresh(), ev.ack('2025-01-02T00:00:00Z'));
    const at = shift(QUARTER_DUES[0]!, DAY);
    const r = applyTaskEvent(s, ev.request(at, 1, shift(QUARTER_DUES[0]!, 10 * DAY)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.refusal).toMatchObject({ code: 'due_passed', nodeSeq: 1, message: '申请延期须在截止时间之前', messageEn: 'the due time has passed' });
    expect(allowedEvents(s, at, 'department').nodes[1]).not.toContain('extension.request');
    expect(allowedEvents(s, at, 'department').nodes[2]).toContain('extension.request');
  });

  it('extension dates that are wrong name the field', () => {
    const s = go(fresh(), ev.ack('2025-01-02T00:00:00Z'));
    const r1 = applyTaskEvent(s, ev.request('2025-01-03T00:00:00Z', 1, shift(QUARTER_DUES[0]!, -DAY)));
    expect(!r1.ok && r1.refusal).toMatchObject({ code: 'invalid_payload', field: 'newDueAt' });
    const r2 = applyTaskEvent(s, ev.request('2025-01-03T00:00:00Z', 1, shift(QUARTER_DUES[0]!, DAY), shift(QUARTER_DUES[0]!, 2 * DAY)));
    expect(!r2.ok && r2.refusal).toMatchObject({ code: 'invalid_payload', field: 'newWarnAt' });
  });

  it('a granted extension moves only that node; a red light set while the in-time request was pending is cleared', () => {
    const before = shift(QUARTER_DUES[0]!, -DAY);
    const newDue = shift(QUARTER_DUES[0]!, 20 * DAY);
    const { snapshot, emitted } = run(
      fresh(),
      ev.request(before, 1, newDue),
      ev.tick(shift(QUARTER_DUES[0]!, DAY)),
      ev.grant(shift(QUARTER_DUES[0]!, 2 * DAY), 1),
    );
    expect(emitted.map((e) => e.type)).toContain('node.red-cleared');
    expect(snapshot.context.nodes[0]).toMatchObject({ dueAt: newDue, redLighted: false, light: 'green' });
    expect(snapshot.context.nodes[1]!.dueAt).toBe(QUARTER_DUES[1]);
    expect(snapshot.context.redCount).toBe(0);
  });

  it('events may not go back before the last recorded one (a tick may: it changes nothing)', () => {
    const s = go(fresh(), ev.ack('2025-02-01T00:00:00Z'));
    const r = applyTaskEvent(s, ev.submit('2025-01-15T00:00:00Z', 1));
    expect(!r.ok && r.refusal).toMatchObject({ code: 'stale_at', field: 'at' });
    const t = applyTaskEvent(s, ev.tick('2025-01-15T00:00:00Z'));
    expect(t.ok && t.changed).toBe(false);
  });

  it('persists as plain JSON and restores to the same behaviour', () => {
    const s = go(fresh(), ev.ack('2025-01-02T00:00:00Z'), ev.submit('2025-01-03T00:00:00Z', 2));
    const p = persistTaskSnapshot(s);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    const back = restoreTaskSnapshot(p);
    expect(allowedEvents(back, '2025-01-04T00:00:00Z')).toEqual(allowedEvents(s, '2025-01-04T00:00:00Z'));
  });
});

describe('machine v2: sign-for deadline', () => {
  it('a task not acknowledged by its sign-for deadline is flagged once (not a red light)', () => {
    const signFor = '2025-01-08T16:00:00.000Z';
    const s = fresh({ ...FOUR_NODES, signForDueAt: signFor });
    expect(viewOf(s).nextDeadlineAt).toBe(signFor);
    const { snapshot, emitted } = run(s, ev.tick('2025-01-09T00:00:00Z'));
    expect(emitted).toEqual([{ type: 'task.sign-for-overdue', at: signFor, recordedAt: '2025-01-09T00:00:00.000Z' }]);
    expect(viewOf(snapshot)).toMatchObject({ signForOverdue: true, redCount: 0 });
    const acked = go(snapshot, ev.ack('2025-01-10T00:00:00Z'));
    expect(viewOf(acked).signForOverdue).toBe(false);
    expect(acked.context.signForOverdue).toBe(true); // the history keeps it
  });
});

describe('machine v2: suspend and resume', () => {
  it('no light moves while suspended; on resume the clocks move by the suspended days', () => {
    const s = go(fresh(), ev.ack('2025-01-02T00:00:00Z'), ev.suspend('2025-03-01T00:00:00Z'));
    expect(viewOf(s).nodes.every((n) => n.suspended)).toBe(true);
    const sub = applyTaskEvent(s, ev.submit('2025-03-02T00:00:00Z', 1));
    expect(!sub.ok && sub.refusal.code).toBe('suspended');
    const t = applyTaskEvent(s, ev.tick('2025-04-15T00:00:00Z'));
    expect(t.ok && t.changed).toBe(false);
    const { snapshot, emitted } = run(s, ev.resume('2025-04-15T00:00:00Z'));
    const days = 45;
    expect(emitted[0]).toMatchObject({ type: 'task.resumed', days });
    expect(snapshot.context.nodes.map((n) => n.dueAt)).toEqual(QUARTER_DUES.map((d) => shift(d, days * DAY)));
    expect(snapshot.context.redCount).toBe(0);
  });

  it('a node already red before the suspension stays red; given dates must be after the resume', () => {
    const s = go(fresh(), ev.tick(shift(QUARTER_DUES[0]!, DAY)), ev.suspend(shift(QUARTER_DUES[0]!, 2 * DAY)));
    const bad = applyTaskEvent(s, ev.resume('2025-05-01T00:00:00Z', [{ seq: 2, dueAt: '2025-04-01T00:00:00Z' }]));
    expect(!bad.ok && bad.refusal).toMatchObject({ code: 'invalid_payload', field: 'nodes[0].dueAt' });
    const { snapshot } = run(s, ev.resume('2025-05-01T00:00:00Z', [{ seq: 2, dueAt: '2025-08-01T00:00:00Z' }]));
    expect(snapshot.context.nodes[0]).toMatchObject({ dueAt: QUARTER_DUES[0], redLighted: true });
    expect(snapshot.context.nodes[1]!.dueAt).toBe('2025-08-01T00:00:00.000Z');
  });
});

describe('machine v2: revise', () => {
  it('approved nodes may not change; others keep their progress', () => {
    let s = go(
      fresh(),
      ev.ack('2025-01-02T00:00:00Z'),
      ev.submit('2025-01-03T00:00:00Z', 1),
      ev.approve('2025-01-04T00:00:00Z', 1),
      ev.submit('2025-01-05T00:00:00Z', 2),
    );
    const changed = FOUR_NODES.nodes.map((n, i) => (i === 0 ? { ...n, stageTarget: '改了' } : n));
    const r = applyTaskEvent(s, ev.revise('2025-01-06T00:00:00Z', changed));
    expect(!r.ok && r.refusal).toMatchObject({ code: 'invalid_payload', field: 'nodes[0]' });
    const later = FOUR_NODES.nodes.map((n, i) => (i === 1 ? { ...n, stageTarget: '改了' } : n));
    s = go(s, ev.revise('2025-01-06T00:00:00Z', later));
    expect(s.context.nodes[1]).toMatchObject({ status: 'submitted', stageTarget: '改了' });
    const same = applyTaskEvent(s, ev.revise('2025-01-07T00:00:00Z', later));
    expect(same.ok && same.changed).toBe(false);
  });
});

describe('machine v2: created late', () => {
  it('a task created after two due dates starts with those two red', () => {
    const at = shift(QUARTER_DUES[1]!, DAY);
    const s = fresh(FOUR_NODES, at);
    expect(s.context.redCount).toBe(2);
    expect(viewOf(s).nodes.map((n) => n.light)).toEqual(['red', 'red', 'green', 'green']);
    expect(s.context.createdAt).toBe(at);
    expect(CREATED < at).toBe(true);
  });
});
