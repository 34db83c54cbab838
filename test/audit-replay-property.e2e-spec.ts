import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fcSeed } from '../src/common/fc-seed.js';
import { allowedEvents, restoreTaskSnapshot, type AllowedEvents, type PersistedTask, type TaskEvent, type TaskEventType } from '../workflows/task/index.js';
import { AuditRepository, toStoredEvent } from '../src/audit/audit.repository.js';
import { canonicalJson } from '../src/audit/event-hash.js';
import { HistoryService } from '../src/audit/history.service.js';
import { IntegrityService } from '../src/audit/integrity.service.js';
import { stateAsOf } from '../src/audit/replay.js';
import { SYSTEM_ACTOR, type Actor } from '../src/common/actor.js';
import { DomainError } from '../src/common/domain-error.js';
import { IndicatorsService } from '../src/indicators/indicators.service.js';
import { PlansService } from '../src/plans/plans.service.js';
import { TaskCommandService } from '../src/tasks/task-commands.service.js';
import { UnitsService } from '../src/units/units.service.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// Every fc.assert in this file runs on one seed, printed; DUBAN_FC_SEED replays it.
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: fcSeed('audit-replay-property.e2e-spec.ts') });

/**
 * Property: for random tasks (1–4 nodes, random dates) driven by random sequences of the events the
 * machine accepts at each moment (random payloads, random time steps, through the one write path),
 * replaying the stored history reproduces every recorded state and the stored snapshot, the chain
 * verifies, and the state as of any recorded event's time is the state recorded then.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
let t: TestApp;
let commands: TaskCommandService;
let indicators: IndicatorsService;
let n = 0;

const dept: Actor = { userId: 'u1', role: 'department', unitId: 'u-dept' };
const assessor: Actor = { userId: 'u2', role: 'assessor', unitId: 'u-assess' };
const supervisor: Actor = { userId: 'u3', role: 'supervisor', unitId: null };
const actorFor: Partial<Record<TaskEventType, Actor>> = {
  'task.acknowledge': dept,
  'evidence.submit': dept,
  'evidence.approve': assessor,
  'evidence.return': assessor,
  'extension.request': dept,
  'extension.grant': supervisor,
  'extension.deny': supervisor,
  'clock.tick': SYSTEM_ACTOR,
  'task.close': supervisor,
  'task.score': supervisor,
  'task.cancel': supervisor,
  'task.suspend': supervisor,
  'task.resume': supervisor,
  'task.facts': supervisor,
};

/**
 * Closing and cancelling end a history: make them rare so histories run long. Event types not listed are
 * never generated (task.revise comes from imports; test/imports.e2e-spec.ts replays revised histories).
 */
const WEIGHT: Partial<Record<TaskEventType, number>> = {
  'task.acknowledge': 10,
  'evidence.submit': 10,
  'evidence.approve': 8,
  'evidence.return': 5,
  'extension.request': 5,
  'extension.grant': 4,
  'extension.deny': 3,
  'clock.tick': 6,
  'task.close': 1,
  'task.score': 5,
  'task.cancel': 1,
  'task.suspend': 1,
  'task.resume': 4,
  'task.facts': 3,
};

type Choice = { type: TaskEventType; nodeSeq: number | null };

/** Machine v2: the candidates are the task-level events and each node's events allowed at that moment. */
function choose(allowed: AllowedEvents, pick: number): Choice | null {
  const all: Choice[] = [
    ...allowed.task.map((type) => ({ type, nodeSeq: null })),
    ...Object.entries(allowed.nodes).flatMap(([seq, types]) => types.map((type) => ({ type: type as TaskEventType, nodeSeq: Number(seq) }))),
  ];
  const total = all.reduce((n, x) => n + (WEIGHT[x.type] ?? 0), 0);
  if (total === 0) return null;
  let p = pick % total;
  for (const x of all) {
    p -= WEIGHT[x.type] ?? 0;
    if (p < 0) return x;
  }
  return null;
}

const iso = (ms: number) => new Date(ms).toISOString();

const arbTask = fc.record({
  start: fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-06-01T00:00:00Z') }),
  nodes: fc.array(
    fc.record({
      gapDays: fc.integer({ min: 0, max: 90 }),
      warnDays: fc.integer({ min: 0, max: 10 }),
      redDeduction: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

const arbStep = fc.record({
  pick: fc.nat(),
  advanceHours: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 24, max: 24 * 40 })),
  value: fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
  text: fc.string({ maxLength: 12 }),
  variant: fc.nat({ max: 7 }),
  extDays: fc.integer({ min: 1, max: 40 }),
});

type Step = typeof arbStep extends fc.Arbitrary<infer S> ? S : never;

function eventFor(type: TaskEventType, at: string, s: Step, dueAt: string): TaskEvent {
  const text = s.text.trim() || '原因';
  switch (type) {
    case 'evidence.submit':
      return [
        { type, at, note: text },
        { type, at, offline: true },
        { type, at, completedValue: s.value ?? 1, note: s.text },
        { type, at, fileIds: ['9b2f0c3e-1d2a-4b5c-8d7e-0f1a2b3c4d5e'], completedValue: s.value ?? null },
      ][s.variant % 4] as TaskEvent;
    case 'evidence.approve':
      return (
        s.variant % 2 ? { type, at, reviewedValue: s.value ?? null, comment: s.text } : { type, at, assessorPoints: Math.abs(s.value ?? 0) }
      ) as TaskEvent;
    case 'evidence.return':
    case 'extension.deny':
    case 'task.cancel':
      return { type, at, reason: text } as TaskEvent;
    case 'task.suspend':
      return { type, at, reason: text };
    case 'task.resume':
      return { type, at, note: s.variant % 2 ? s.text : null };
    case 'extension.request':
      return {
        type,
        at,
        nodeSeq: 0,
        newDueAt: iso(Date.parse(dueAt) + s.extDays * DAY),
        newWarnAt: s.variant % 2 ? iso(Date.parse(dueAt) + (s.extDays - 1) * DAY) : null,
        reason: text,
      };
    case 'extension.grant':
      return { type, at, nodeSeq: 0, comment: s.variant % 2 ? s.text : null };
    case 'task.close':
      return { type, at, reason: s.variant % 2 ? text : null };
    case 'task.score':
      return { type, at, score: Math.abs(s.value ?? 7.5) };
    case 'task.facts':
      // Scoring facts entered or corrected (the method check is the HTTP service's; the machine checks the shape).
      return {
        type,
        at,
        facts:
          s.variant % 3 === 0
            ? { policyAdjustment: s.value ?? null }
            : s.variant % 3 === 1
              ? { subItems: { k1: s.variant > 3, k2: s.value ?? null } }
              : { subValues: { gdp: { actual: s.value ?? 1 } } },
        reason: text,
        enteredBy: { userId: 'u3', role: 'supervisor', name: null },
      };
    default:
      return { type, at } as TaskEvent;
  }
}

beforeAll(async () => {
  t = await startTestApp({ now: '2026-01-01T00:00:00.000Z' });
  await t.app.get(UnitsService).create({ id: 'u-dept', name: '县发改局', kind: 'department' });
  await t.app.get(UnitsService).create({ id: 'u-assess', name: '县统计局', kind: 'department' });
  await t.app.get(PlansService).create({ id: 'prop', year: 2026, name: '性质测试' });
  commands = t.app.get(TaskCommandService);
  indicators = t.app.get(IndicatorsService);
});
afterAll(async () => t?.close());

describe('replay of random valid histories', () => {
  it('always reproduces every recorded state, the stored snapshot and the state as of each event', async () => {
    let events = 0;
    await fc.assert(
      fc.asyncProperty(arbTask, fc.array(arbStep, { minLength: 5, maxLength: 40, size: 'max' }), fc.nat(), async (task, steps, probe) => {
        t.clock.set(iso(task.start));
        const ind = await indicators.create({
          planId: 'prop',
          code: `P${++n}`,
          name: `指标${n}`,
          points: 10,
          methodCode: 'node_platform',
          assessingUnitId: 'u-assess',
        });
        let due = task.start;
        const nodes = task.nodes.map((x, i) => {
          due += (x.gapDays + 1) * DAY;
          return {
            seq: i + 1,
            dueDate: iso(due).slice(0, 10),
            dueAt: iso(due),
            warnAt: iso(due - x.warnDays * DAY),
            stageTarget: `节点${i + 1}`,
            stageValue: null,
            requiredEvidence: null,
            redDeduction: x.redDeduction,
          };
        });
        const { taskId } = await commands.create({ planId: 'prop', indicatorId: ind.id, unitId: 'u-dept', isLead: true, nodes }, supervisor);
        let now = task.start;
        for (const s of steps) {
          now += s.advanceHours * HOUR;
          const row = (await t.db.one('SELECT snapshot FROM tasks WHERE id = ?', taskId)) as { snapshot: string };
          const snap = restoreTaskSnapshot(JSON.parse(row.snapshot) as PersistedTask);
          const choice = choose(allowedEvents(snap, iso(now)), s.pick);
          if (!choice) break;
          const node = snap.context.nodes.find((x) => x.seq === choice.nodeSeq) ?? snap.context.nodes[0]!;
          const event = { ...eventFor(choice.type, iso(now), s, node.dueAt), ...(choice.nodeSeq === null ? {} : { nodeSeq: choice.nodeSeq }) } as TaskEvent;
          try {
            await commands.apply(taskId, event, actorFor[choice.type]!);
          } catch (e) {
            if (!(e instanceof DomainError)) throw e; // a guard refused it (e.g. an extension after the due time): nothing written
          }
        }

        const replay = await t.app.get(HistoryService).replay(taskId, SYSTEM_ACTOR);
        expect(replay.divergence).toBeNull();
        expect(replay.chain.breaks).toEqual([]);
        expect(replay).toMatchObject({ ok: true, end: { storedSnapshotMatches: true } });
        expect(replay.steps.every((x) => x.matches)).toBe(true);
        events += replay.events;

        const rows = await t.app.get(AuditRepository).events(taskId);
        const k = probe % rows.length;
        const when = rows[k].occurred_at;
        const expected = rows.filter((r) => Date.parse(r.occurred_at) <= Date.parse(when)).at(-1)!;
        const past = stateAsOf(rows.map(toStoredEvent), when);
        expect(canonicalJson(past.recorded!.value)).toBe(expected.state_after);
      }),
      { numRuns: 60 },
    );
    expect(events).toBeGreaterThan(60 * 4); // the histories are not trivial: more than 4 events a task on average
    // evidence: false — these histories cite a made-up file id (the command handler is called below HTTP's file check).
    const v = await t.app.get(IntegrityService).verify({ replay: true, evidence: false });
    expect(v.breaks).toEqual([]);
  });
});
