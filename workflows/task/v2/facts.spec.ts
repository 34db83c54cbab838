import { describe, expect, it } from '@jest/globals';
import { applyVersioned, type VersionedSnapshot } from '../versioned.js';
import { allowedEvents, applyTaskEvent, persistTaskSnapshot, restoreTaskSnapshot, type TaskEvent } from './index.js';
import { CREATED, ev, fresh, go, node, run } from './spec-helpers.js';

const ONE = { nodes: [node(1, '2025-03-31T16:00:00.000Z')] };
const T = (d: number) => `2025-01-${String(d).padStart(2, '0')}T00:00:00.000Z`;
const assessor = { userId: 'u-assessor', role: 'assessor', name: '审核员' };
const office = { userId: 'u-office', role: 'supervisor', name: '考核办' };
const submitted = () => go(fresh(ONE), ev.ack(T(2)), ev.submit(T(3), 1, { completedValue: 11.6 }));

describe('machine v2: scoring facts entered by a person', () => {
  it('an approval carrying facts keeps them with who entered them, when, and on which node', () => {
    const approve: TaskEvent = { type: 'evidence.approve', at: T(4), nodeSeq: 1, facts: { policyAdjustment: 0.5 }, enteredBy: assessor };
    const { snapshot, emitted } = run(submitted(), approve);
    expect(snapshot.context.enteredFacts).toEqual({
      values: { policyAdjustment: 0.5 },
      sources: { policyAdjustment: { at: T(4), via: 'evidence.approve', nodeSeq: 1, userId: 'u-assessor', role: 'assessor', name: '审核员', reason: null } },
    });
    expect(emitted.map((e) => e.type)).toContain('task.facts-entered');
  });

  it('an approval without facts leaves the context without enteredFacts (older histories replay unchanged)', () => {
    const s = go(submitted(), ev.approve(T(4), 1));
    expect('enteredFacts' in s.context).toBe(false);
  });

  it('task.facts corrects a fact after completion, merges sub-keys, and null clears', () => {
    const done = go(submitted(), { type: 'evidence.approve', at: T(4), nodeSeq: 1, facts: { policyAdjustment: 0.5, subItems: { k1: true, k2: 2 } } });
    const s = go(done, {
      type: 'task.facts',
      at: T(5),
      facts: { policyAdjustment: 0.8, subItems: { k2: null, k3: false } },
      reason: '复核更正',
      enteredBy: office,
    });
    expect(s.context.enteredFacts!.values).toEqual({ policyAdjustment: 0.8, subItems: { k1: true, k3: false } });
    expect(s.context.enteredFacts!.sources.policyAdjustment).toMatchObject({ via: 'task.facts', userId: 'u-office', reason: '复核更正', at: T(5) });
    expect(s.context.enteredFacts!.sources['subItems.k1']).toMatchObject({ via: 'evidence.approve' });
    expect(s.context.enteredFacts!.sources['subItems.k2']).toBeUndefined();
    const sub = go(s, { type: 'task.facts', at: T(6), facts: { subValues: { gdp: { actual: 5.2 } } }, reason: '补录' });
    expect(sub.context.enteredFacts!.values.subValues).toEqual({ gdp: { actual: 5.2 } });
    expect(restoreTaskSnapshot(JSON.parse(JSON.stringify(persistTaskSnapshot(sub)))).context).toEqual(sub.context);
  });

  it('refuses a bad shape naming the field, a missing reason, and any fact once the task is scored', () => {
    const s = submitted();
    const bad = (e: TaskEvent) => {
      const r = applyTaskEvent(s, e);
      return r.ok ? null : r.refusal.field;
    };
    expect(bad({ type: 'evidence.approve', at: T(4), nodeSeq: 1, facts: { policyAdjustment: '0.5' as never } })).toBe('facts.policyAdjustment');
    expect(bad({ type: 'evidence.approve', at: T(4), nodeSeq: 1, facts: { bonus: 1 } as never })).toBe('facts.bonus');
    expect(bad({ type: 'task.facts', at: T(4), facts: { subValues: { gdp: { actual: 1, weight: 2 } as never } }, reason: 'x' })).toBe(
      'facts.subValues.gdp.weight',
    );
    expect(bad({ type: 'task.facts', at: T(4), facts: { policyAdjustment: 1 }, reason: ' ' })).toBe('reason');
    expect(bad({ type: 'task.facts', at: T(4), facts: {}, reason: '更正' })).toBe('facts');
    const scored = go(s, ev.approve(T(4), 1), ev.score(T(5), 9));
    const r = applyTaskEvent(scored, { type: 'task.facts', at: T(6), facts: { policyAdjustment: 1 }, reason: '更正' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.refusal).toMatchObject({ code: 'task_state', state: 'scored' });
    expect(allowedEvents(scored, T(6)).task).not.toContain('task.facts');
    expect(allowedEvents(s, T(6), 'assessor').task).toContain('task.facts');
    expect(allowedEvents(s, T(6), 'department').task).not.toContain('task.facts');
  });

  it('replays through applyVersioned to the same snapshot', () => {
    const events: TaskEvent[] = [
      ev.ack(T(2)),
      ev.submit(T(3), 1, { completedValue: 11.6 }),
      { type: 'evidence.approve', at: T(4), nodeSeq: 1, facts: { policyAdjustment: 0.5 }, enteredBy: assessor },
      { type: 'task.facts', at: T(5), facts: { policyAdjustment: 0.8 }, reason: '更正', enteredBy: office },
    ];
    const direct = go(fresh(ONE, CREATED), ...events);
    let s: VersionedSnapshot = { version: 2, snapshot: fresh(ONE, CREATED) };
    for (const e of events) {
      const r = applyVersioned(2, s, e as never);
      if (!r.ok) throw new Error(r.reason);
      s = r.state;
    }
    expect(JSON.stringify(s.snapshot.context)).toBe(JSON.stringify(direct.context));
  });
});
