import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../v2/fc-seed.js';
import { TaskInputError, applyTaskEvent, initialTaskSnapshot, persistTaskSnapshot, restoreTaskSnapshot, viewOf } from './index.js';
import type { DomainEvent, PersistedTask, TaskEvent, TaskInput, TaskSnapshot } from './index.js';
import { CREATED, DAY, N1_DUE, N1_WARN, N2_DUE, TWO_NODES, checkInvariants, ev, fresh, go, shift } from './spec-helpers.js';

// Every fc.assert in this file runs on one seed, printed; DUBAN_FC_SEED replays it.
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fcSeed('task-persistence.spec.ts') });

const THREE_NODES: TaskInput = {
  nodes: [...TWO_NODES.nodes.map((n) => ({ ...n })), { seq: 3, warnAt: shift(N2_DUE, 20 * DAY), dueAt: shift(N2_DUE, 30 * DAY), redDeduction: 2 }],
};

/** A scenario touching every feature: yellow, red, late, return, extension grant with red clearing, completion. */
const SCENARIO: TaskEvent[] = [
  ev.ack('2025-03-05T00:00:00.000Z'),
  ev.tick(N1_WARN),
  ev.request(shift(N1_DUE, -DAY), shift(N1_DUE, 10 * DAY)),
  ev.tick(N1_DUE),
  ev.grant(shift(N1_DUE, DAY)),
  ev.submit(shift(N1_DUE, 2 * DAY)),
  ev.ret(shift(N1_DUE, 3 * DAY), '数据口径不一致'),
  ev.tick(shift(N1_DUE, 12 * DAY)),
  ev.submit(shift(N1_DUE, 13 * DAY), { offline: true, fileIds: [] }),
  ev.approve(shift(N1_DUE, 14 * DAY), { reviewedValue: 48, assessorPoints: 0.5, comment: '基本完成' }),
  ev.tick(shift(N2_DUE, -3 * DAY)),
  ev.submit(shift(N2_DUE, -2 * DAY)),
  ev.approve(shift(N2_DUE, -DAY)),
  ev.score(shift(N2_DUE, 10 * DAY), 7.5),
];

function applyAll(s: TaskSnapshot, events: TaskEvent[]): { snapshot: TaskSnapshot; emitted: DomainEvent[]; results: string[] } {
  let cur = s;
  const emitted: DomainEvent[] = [];
  const results: string[] = [];
  for (const e of events) {
    const r = applyTaskEvent(cur, e);
    results.push(r.ok ? (r.changed ? 'changed' : 'unchanged') : `refused:${r.allowed.join('|')}`);
    if (r.ok) {
      cur = r.snapshot;
      emitted.push(...r.emitted);
    }
  }
  return { snapshot: cur, emitted, results };
}

const roundTrip = (s: TaskSnapshot): TaskSnapshot => restoreTaskSnapshot(JSON.parse(JSON.stringify(persistTaskSnapshot(s))) as PersistedTask);

describe('persistence', () => {
  it('persistTaskSnapshot gives plain JSON { value, context } that survives JSON.stringify/parse unchanged', () => {
    const s = applyAll(fresh(), SCENARIO.slice(0, 8)).snapshot;
    const p = persistTaskSnapshot(s);
    expect(Object.keys(p).sort()).toEqual(['context', 'value']);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    expect(p.value).toEqual(s.value);
    expect(p.context).toEqual(s.context);
  });

  it.each(SCENARIO.map((_, i) => i))('persist → JSON → restore after %i scenario events, then continuing gives the same snapshots and events', (cut) => {
    const direct = applyAll(fresh(), SCENARIO);
    const head = applyAll(fresh(), SCENARIO.slice(0, cut));
    const resumed = applyAll(roundTrip(head.snapshot), SCENARIO.slice(cut));
    expect(persistTaskSnapshot(resumed.snapshot)).toEqual(persistTaskSnapshot(direct.snapshot));
    expect([...head.emitted, ...resumed.emitted]).toEqual(direct.emitted);
    expect([...head.results, ...resumed.results]).toEqual(direct.results);
  });

  it('the scenario ends scored with one red light cleared by the extension and node 1 marked late', () => {
    const { snapshot, results } = applyAll(fresh(), SCENARIO);
    expect(results.every((r) => r !== 'unchanged' && !r.startsWith('refused'))).toBe(true);
    expect(snapshot.value).toBe('scored');
    expect(snapshot.context.redCount).toBe(1); // node 1 red again after the new due date passed
    expect(snapshot.context.nodes[0]).toMatchObject({ late: true, redLighted: true, status: 'approved' });
    expect(snapshot.context.nodes[1]).toMatchObject({ late: false, redLighted: false, status: 'approved' });
    checkInvariants(snapshot);
  });

  it('a restored final snapshot is done and accepts nothing', () => {
    const s = roundTrip(applyAll(fresh(), SCENARIO).snapshot);
    expect(s.status).toBe('done');
    expect(applyTaskEvent(s, ev.cancel()).ok).toBe(false);
  });

  it('restoring a snapshot of another machine version throws TaskInputError', () => {
    const p = persistTaskSnapshot(fresh());
    expect(() => restoreTaskSnapshot({ ...p, context: { ...p.context, machineVersion: 2 } })).toThrow(TaskInputError);
  });

  it('the restored snapshot does not alias the persisted object', () => {
    const p = persistTaskSnapshot(go(fresh(), ev.ack()));
    const s = restoreTaskSnapshot(p);
    p.context.nodes[0].status = 'approved';
    expect(s.context.nodes[0].status).toBe('open');
  });
});

describe('determinism', () => {
  it('the same events from the same input give the same snapshot and the same domain events', () => {
    const a = applyAll(initialTaskSnapshot(TWO_NODES, CREATED), SCENARIO);
    const b = applyAll(initialTaskSnapshot(TWO_NODES, CREATED), SCENARIO);
    expect(persistTaskSnapshot(a.snapshot)).toEqual(persistTaskSnapshot(b.snapshot));
    expect(JSON.stringify(persistTaskSnapshot(a.snapshot))).toBe(JSON.stringify(persistTaskSnapshot(b.snapshot)));
    expect(a.emitted).toEqual(b.emitted);
  });

  it('applying an event never mutates the snapshot it was given', () => {
    let s = fresh();
    for (const e of SCENARIO) {
      const before = JSON.stringify(persistTaskSnapshot(s));
      const r = applyTaskEvent(s, e);
      expect(JSON.stringify(persistTaskSnapshot(s))).toBe(before);
      if (r.ok) s = r.snapshot;
    }
  });
});

// ---- property-based: random event sequences on a three-node task ----------------------------------

const T0 = Date.parse(CREATED);
const SPAN = Date.parse(shift(N2_DUE, 60 * DAY)) - T0;
const instant = fc.integer({ min: 0, max: SPAN }).map((d) => new Date(T0 + d).toISOString());
const reason = fc.constantFrom('理由', '', '  ');

const eventArb: fc.Arbitrary<TaskEvent> = fc.oneof(
  { arbitrary: instant.map((at) => ev.ack(at)), weight: 2 },
  { arbitrary: fc.tuple(instant, fc.boolean()).map(([at, offline]) => ev.submit(at, { offline })), weight: 4 },
  { arbitrary: instant.map((at) => ev.approve(at, { reviewedValue: 1 })), weight: 4 },
  { arbitrary: fc.tuple(instant, reason).map(([at, r]) => ev.ret(at, r)), weight: 2 },
  { arbitrary: fc.tuple(instant, instant, fc.option(instant, { nil: null })).map(([at, due, warn]) => ev.request(at, due, { newWarnAt: warn })), weight: 2 },
  { arbitrary: instant.map((at) => ev.grant(at)), weight: 2 },
  { arbitrary: fc.tuple(instant, reason).map(([at, r]) => ev.deny(at, r)), weight: 1 },
  { arbitrary: instant.map((at) => ev.tick(at)), weight: 6 },
  { arbitrary: instant.map((at) => ev.close(at)), weight: 1 },
  // -0 cannot reach the machine: a payload is stored as JSON text, where -0 is written as 0; without this
  // the round-trip property fails on any seed that draws -0 (seed -456587387 drew one).
  {
    arbitrary: fc.tuple(instant, fc.double({ noNaN: false })).map(([at, score]) => ev.score(at, Object.is(score, -0) ? 0 : score)),
    weight: 1,
  },
  { arbitrary: fc.tuple(instant, reason).map(([at, r]) => ev.cancel(at, r)), weight: 1 },
);

describe('random event sequences (fast-check)', () => {
  it('keep every invariant, never throw, and only a tick is ever accepted without a change', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        let s = initialTaskSnapshot(THREE_NODES, CREATED);
        checkInvariants(s);
        for (const e of events) {
          const r = applyTaskEvent(s, e);
          if (!r.ok) {
            expect(r.allowed).toEqual(expect.any(Array));
            continue;
          }
          if (!r.changed) {
            expect(e.type).toBe('clock.tick');
            expect(r.emitted).toEqual([]);
          }
          s = r.snapshot;
          checkInvariants(s);
        }
        expect(viewOf(s).redCount).toBeLessThanOrEqual(THREE_NODES.nodes.length);
      }),
      { numRuns: 300 },
    );
  });

  it('are deterministic and resume identically from a persisted snapshot at any point', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), fc.nat(), (events, cutSeed) => {
        const cut = events.length === 0 ? 0 : cutSeed % (events.length + 1);
        const a = applyAll(initialTaskSnapshot(THREE_NODES, CREATED), events);
        const b = applyAll(initialTaskSnapshot(THREE_NODES, CREATED), events);
        expect(persistTaskSnapshot(a.snapshot)).toEqual(persistTaskSnapshot(b.snapshot));
        expect(a.emitted).toEqual(b.emitted);
        const head = applyAll(initialTaskSnapshot(THREE_NODES, CREATED), events.slice(0, cut));
        const tail = applyAll(roundTrip(head.snapshot), events.slice(cut));
        expect(persistTaskSnapshot(tail.snapshot)).toEqual(persistTaskSnapshot(a.snapshot));
        expect([...head.emitted, ...tail.emitted]).toEqual(a.emitted);
      }),
      { numRuns: 200 },
    );
  });
});
