import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../common/fc-seed.js';
import { applyVersioned, columnsOf, v1, v2, viewOf } from '../../workflows/task/index.js';
import { canonicalJson } from './event-hash.js';
import { migrationPath, type MachineMigration } from './machine-versions.js';
import { diffPaths, jsonEqual, replayHistory, stateAsOf, stateText, type StoredEvent, type StoredTask } from './replay.js';

// Every fc.assert in this file runs on one seed, printed; DUBAN_FC_SEED replays it.
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fcSeed('replay.spec.ts') });
// The histories below are recorded by machine v1 (frozen): they must replay exactly as before v2 ran.
const { applyTaskEvent, initialTaskTransition, persistTaskSnapshot } = v1;
type TaskEvent = v1.TaskEvent;
type TaskInput = v1.TaskInput;
type TaskSnapshot = v1.TaskSnapshot;

const INPUT: TaskInput = {
  nodes: [
    { seq: 1, warnAt: '2026-06-24T16:00:00.000Z', dueAt: '2026-06-30T15:59:59.000Z' },
    { seq: 2, warnAt: '2026-12-24T16:00:00.000Z', dueAt: '2026-12-31T15:59:59.000Z' },
  ],
};
const CREATED = '2026-03-02T02:00:00.000Z';
const EVENTS: TaskEvent[] = [
  { type: 'task.acknowledge', at: '2026-03-03T02:00:00.000Z' },
  { type: 'evidence.submit', at: '2026-03-20T02:00:00.000Z', completedValue: 3, note: '一季度' },
  { type: 'evidence.return', at: '2026-03-21T02:00:00.000Z', reason: '缺少盖章' },
  { type: 'evidence.submit', at: '2026-03-22T02:00:00.000Z', offline: true },
  { type: 'evidence.approve', at: '2026-03-23T02:00:00.000Z', reviewedValue: 3 },
  { type: 'clock.tick', at: '2026-12-26T00:00:00.000Z' },
];

const payload = (data: Record<string, unknown>, machineVersion = 1) =>
  canonicalJson({ actor: { role: 'supervisor', unit: null, user: 'u1' }, data, machineVersion });

/** Record a history the way the write path does, with the machine itself. */
function record(input: TaskInput = INPUT, events: TaskEvent[] = EVENTS): { events: StoredEvent[]; stored: StoredTask; final: TaskSnapshot } {
  let s = initialTaskTransition(input, CREATED).snapshot;
  const out: StoredEvent[] = [
    {
      seq: 1,
      type: 'task.created',
      occurredAt: CREATED,
      payload: payload({ input }),
      stateBefore: null,
      stateAfter: canonicalJson(s.value),
      machineVersion: 1,
    },
  ];
  for (const e of events) {
    const r = applyTaskEvent(s, e);
    if (!r.ok || !r.changed) throw new Error(`fixture event ${e.type} not applied`);
    const { type, at, ...data } = e;
    out.push({
      seq: out.length + 1,
      type,
      occurredAt: at,
      payload: payload(data),
      stateBefore: canonicalJson(s.value),
      stateAfter: canonicalJson(r.snapshot.value),
      machineVersion: 1,
    });
    s = r.snapshot;
  }
  const v = v1.viewOf(s);
  return {
    events: out,
    final: s,
    stored: {
      snapshot: JSON.stringify(persistTaskSnapshot(s)),
      state: v.state,
      light: v.light,
      currentNodeSeq: v.currentNodeSeq,
      nextDeadlineAt: v.nextDeadlineAt,
      redCount: v.redCount,
      version: out.length,
      lastSeq: out.length,
      machineVersion: 1,
    },
  };
}

describe('replayHistory', () => {
  it('reproduces every recorded state and ends on the stored snapshot', () => {
    const h = record();
    const r = replayHistory(h.events, h.stored);
    expect(r).toMatchObject({ ok: true, events: 7, divergence: null, recordedMachineVersions: [1], migrations: [], end: { storedSnapshotMatches: true } });
    expect(r.steps.map((s) => [s.seq, s.type, s.matches])).toEqual(h.events.map((e) => [e.seq, e.type, true]));
    expect(r.steps[6].replayed).toEqual({ live: { progress: 'open', light: 'yellow', extension: 'none' } });
  });

  it('names the first event whose recorded state differs, with the event and both states', () => {
    const h = record();
    h.events[3] = { ...h.events[3], stateAfter: canonicalJson({ live: { extension: 'none', light: 'green', progress: 'submitted' } }) };
    const r = replayHistory(h.events, h.stored);
    expect(r.ok).toBe(false);
    expect(r.divergence).toMatchObject({
      kind: 'state-after',
      seq: 4,
      type: 'evidence.return',
      event: { type: 'evidence.return', at: '2026-03-21T02:00:00.000Z', reason: '缺少盖章' },
      recorded: { stateAfter: { live: { progress: 'submitted' } } },
      replayed: { stateBefore: { live: { progress: 'submitted' } }, stateAfter: { live: { progress: 'returned' } } },
      differences: ['$.live.progress'],
    });
    expect(r.steps.map((s) => s.matches)).toEqual([true, true, true, false]);
  });

  it('reports an event the machine refuses, naming the state and what it would accept', () => {
    const h = record();
    const bad: StoredEvent = { ...h.events[2], seq: 3, type: 'evidence.approve', payload: payload({}) };
    const r = replayHistory([h.events[0], h.events[1], bad], null);
    expect(r.divergence).toMatchObject({
      kind: 'refused',
      seq: 3,
      type: 'evidence.approve',
      message: expect.stringContaining('machine (version 1) refuses it'),
    });
    expect(r.divergence!.message).toContain('open');
  });

  it('reports a gap, an event 1 that is not task.created, and an empty history', () => {
    const h = record();
    expect(replayHistory([h.events[0], h.events[2]], null).divergence).toMatchObject({ kind: 'seq-gap', seq: 3 });
    expect(replayHistory(h.events.slice(1), null).divergence).toMatchObject({ kind: 'seq-gap' });
    expect(replayHistory([{ ...h.events[1], seq: 1 }], null).divergence).toMatchObject({ kind: 'first-event', seq: 1 });
    expect(replayHistory([], null).divergence).toMatchObject({ kind: 'no-history' });
  });

  it('reports a stored snapshot that is not where the history leads, with the paths that differ', () => {
    const h = record();
    const snap = JSON.parse(h.stored.snapshot);
    snap.context.nodes[0].approval.reviewedValue = 30;
    const r = replayHistory(h.events, { ...h.stored, snapshot: JSON.stringify(snap) });
    expect(r.divergence).toMatchObject({ kind: 'snapshot', seq: null, differences: ['$.context.nodes[0].approval.reviewedValue'] });
    expect(r.end.storedSnapshotMatches).toBe(false);
  });

  it('reports query columns that disagree with the replayed view', () => {
    const h = record();
    const r = replayHistory(h.events, { ...h.stored, light: 'green', version: 6 });
    expect(r.divergence).toMatchObject({ kind: 'query-columns', differences: ['light', 'version'] });
    expect(r.end.storedSnapshotMatches).toBe(true);
  });
});

describe('machine versions', () => {
  it('refuses history recorded by another machine version, naming the version needed, and runs nothing', () => {
    const h = record();
    h.events[4] = { ...h.events[4], payload: h.events[4].payload.replace('"machineVersion":1', '"machineVersion":3'), machineVersion: 3 };
    const r = replayHistory(h.events, h.stored);
    expect(r.ok).toBe(false);
    expect(r.steps).toEqual([]);
    expect(r.recordedMachineVersions).toEqual([1, 3]);
    expect(r.divergence).toMatchObject({ kind: 'machine-version', seq: 5, neededMachineVersion: 3 });
    expect(r.divergence!.message).toMatch(/recorded by task machine version 3; this build runs version 2 .*Replay it with a build of machine version 3/);
    expect(() => stateAsOf(h.events, '2026-12-31T00:00:00.000Z')).toThrow(/machine version 3/);
  });

  it('refuses a v1 event after the task.migrated event: history never mixes versions silently', () => {
    const h = upgraded();
    const bad: StoredEvent = {
      ...h.events.at(-1)!,
      seq: h.events.length + 1,
      type: 'clock.tick',
      payload: payload({}, 1),
      stateBefore: h.events.at(-1)!.stateAfter,
    };
    expect(replayHistory([...h.events, bad], null).divergence).toMatchObject({ kind: 'refused', seq: h.events.length + 1 });
  });

  it('refuses a stored snapshot of another version', () => {
    const h = record();
    const snap = JSON.parse(h.stored.snapshot);
    snap.context.machineVersion = 0;
    expect(replayHistory(h.events, { ...h.stored, snapshot: JSON.stringify(snap) }).divergence).toMatchObject({
      kind: 'machine-version',
      seq: null,
      neededMachineVersion: 0,
    });
  });

  it('replays older history through an explicit migration and says so', () => {
    // Pretend version 0 called the submission "evidence.upload" with "value" and the node dates "due"/"warn".
    const v0: MachineMigration = {
      from: 0,
      to: 1,
      description: 'evidence.upload → evidence.submit; due/warn → dueAt/warnAt',
      input: (i) => ({
        nodes: (i as { nodes: { seq: number; due: string; warn: string }[] }).nodes.map((n) => ({ seq: n.seq, dueAt: n.due, warnAt: n.warn })),
      }),
      event: (e) => (e.type === 'evidence.upload' ? { type: 'evidence.submit', at: e.at, completedValue: e.value } : e),
      snapshot: (p) => p as never,
    };
    const h = record(INPUT, EVENTS.slice(0, 2));
    const old = h.events.map((e) => {
      const p = JSON.parse(e.payload);
      const data =
        e.type === 'task.created'
          ? { input: { nodes: INPUT.nodes.map((n) => ({ seq: n.seq, due: n.dueAt, warn: n.warnAt })) } }
          : e.type === 'evidence.submit'
            ? { value: 3, note: undefined }
            : p.data;
      return {
        ...e,
        type: e.type === 'evidence.submit' ? 'evidence.upload' : e.type,
        payload: payload(JSON.parse(JSON.stringify(data)), 0),
        machineVersion: 0,
      };
    });
    expect(replayHistory(old, null).divergence).toMatchObject({ kind: 'machine-version', neededMachineVersion: 0 });
    const r = replayHistory(old, null, { migrations: [v0] });
    expect(r.divergence).toBeNull();
    expect(r).toMatchObject({ ok: true, recordedMachineVersions: [0], migrations: ['0→1: evidence.upload → evidence.submit; due/warn → dueAt/warnAt'] });
    expect(r.steps.at(-1)).toMatchObject({ type: 'evidence.upload', matches: true, replayed: { live: { progress: 'submitted' } } });
  });

  it('finds migration chains and refuses loops or holes', () => {
    const m = (from: number, to: number): MachineMigration => ({ from, to, description: `${from}→${to}` });
    expect(migrationPath(1, 1, [])).toEqual([]);
    expect(migrationPath(0, 2, [m(1, 2), m(0, 1)])?.map((x) => x.description)).toEqual(['0→1', '1→2']);
    expect(migrationPath(0, 2, [m(0, 1)])).toBeNull();
    expect(migrationPath(0, 2, [m(0, 1), m(1, 0)])).toBeNull();
  });
});

/** A v1 history, then the upgrade (task.migrated, as the write path records it), then v2 events. */
function upgraded(): { events: StoredEvent[]; stored: StoredTask; final: v2.TaskSnapshot } {
  const h = record(INPUT, EVENTS.slice(0, 4));
  const at = '2026-07-05T02:00:00.000Z';
  const m = applyVersioned(2, { version: 1, snapshot: h.final }, { type: 'task.migrated', at, sequential: false });
  if (!m.ok || m.state.version !== 2) throw new Error('upgrade refused');
  const events = [...h.events];
  const push = (type: string, occurredAt: string, data: Record<string, unknown>, before: unknown, after: unknown) =>
    events.push({
      seq: events.length + 1,
      type,
      occurredAt,
      payload: payload(data, 2),
      stateBefore: canonicalJson(before),
      stateAfter: canonicalJson(after),
      machineVersion: 2,
    });
  push('task.migrated', at, { from: 1, to: 2, sequential: false }, h.final.value, m.state.snapshot.value);
  const approve = v2.applyTaskEvent(m.state.snapshot, { type: 'evidence.approve', at: '2026-07-06T02:00:00.000Z', nodeSeq: 1, reviewedValue: 3 });
  if (!approve.ok) throw new Error(approve.refusal.messageEn);
  push('evidence.approve', '2026-07-06T02:00:00.000Z', { nodeSeq: 1, reviewedValue: 3 }, m.state.snapshot.value, approve.snapshot.value);
  const s = approve.snapshot;
  const c = columnsOf(s);
  return {
    events,
    final: s,
    stored: {
      snapshot: JSON.stringify(v2.persistTaskSnapshot(s)),
      state: c.state,
      light: c.light,
      currentNodeSeq: c.currentNodeSeq,
      nextDeadlineAt: c.nextDeadlineAt,
      redCount: c.redCount,
      version: events.length,
      lastSeq: events.length,
      machineVersion: 2,
    },
  };
}

describe('replay across machine versions', () => {
  it('replays v1 events on v1, the recorded task.migrated upgrade, then v2 events, ending on the stored v2 snapshot', () => {
    const h = upgraded();
    const r = replayHistory(h.events, h.stored);
    expect(r).toMatchObject({ ok: true, divergence: null, recordedMachineVersions: [1, 2], end: { storedSnapshotMatches: true } });
    expect(r.steps.map((s) => s.matches).every(Boolean)).toBe(true);
    // Node 1 was due 06-30 and approved on 07-06: red under v2 (v1 had never ticked in between), and late-completed.
    expect(h.final.context.nodes[0]).toMatchObject({ status: 'approved', redLighted: true, lateCompleted: true, redLightedAt: '2026-06-30T15:59:59.000Z' });
    expect(r.end.view).toMatchObject({ redCount: 1 });
  });

  it('shows a moment before the upgrade as v2 would, recording the version it was on', () => {
    const h = upgraded();
    const before = stateAsOf(h.events, '2026-07-01T00:00:00.000Z');
    expect(before.recordedVersion).toBe(1);
    expect(viewOf(before.effective!).redCount).toBe(1);
    expect(stateAsOf(h.events, '2026-07-07T00:00:00.000Z').recordedVersion).toBe(2);
  });
});

describe('stateAsOf', () => {
  it('folds only the events that occurred by then, and moves the clock to the moment without storing anything', () => {
    const h = record();
    expect(stateAsOf(h.events, '2026-03-01T00:00:00.000Z')).toMatchObject({ existed: false, recorded: null, eventsApplied: 0 });
    const march = stateAsOf(h.events, '2026-03-21T12:00:00.000Z');
    expect(march).toMatchObject({ existed: true, eventsApplied: 4, lastEvent: { seq: 4, type: 'evidence.return' } });
    expect(columnsOf(march.effective!).state).toBe('returned');
    // Node 2 turns yellow on 12-24T16:00Z; the tick was recorded on 12-26: at 12-25 the rules already say yellow.
    const dec = stateAsOf(h.events, '2026-12-25T00:00:00.000Z');
    expect(viewOf(dec.recorded!).light).toBe('green');
    expect(viewOf(dec.effective!).light).toBe('yellow');
    expect(dec.eventsApplied).toBe(6);
  });
});

describe('diffPaths', () => {
  it('lists the JSON paths where two values differ', () => {
    expect(diffPaths({ a: 1, b: [1, 2], c: { d: 'x' } }, { a: 1, b: [1, 3, 4], c: { e: 'x' } })).toEqual(['$.b.length', '$.b[1]', '$.c.d', '$.c.e']);
    expect(diffPaths(1, 1)).toEqual([]);
  });
});

describe('fast comparisons on the replay path', () => {
  it('stateText writes exactly the canonical JSON of any state value', () => {
    const value = fc.letrec((tie) => ({ v: fc.oneof({ depthSize: 'small' }, fc.string(), fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 })) })).v;
    fc.assert(fc.property(value, (v) => stateText(v) === canonicalJson(v)));
  });

  it('jsonEqual ignores key order and nothing else', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => jsonEqual(a, b) === (canonicalJson(a) === canonicalJson(b))));
    fc.assert(fc.property(fc.jsonValue(), (a) => jsonEqual(a, JSON.parse(canonicalJson(a)))));
  });
});
