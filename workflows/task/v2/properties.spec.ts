/**
 * Property tests of machine v2 over random histories (seeded: DUBAN_FC_SEED, printed):
 * - at every step, for every event type on every node and for the task, with a valid payload: accepted
 *   exactly when `allowedEvents` lists it (for any caller and for each role);
 * - after any history, red flags = the nodes whose due instant passed before they were approved, at the
 *   time of the last event (clocks stopped while suspended and once the task finished), and redCount
 *   counts them.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ms } from '../v1/time.js';
import { NODE_EVENT_TYPES, TASK_LEVEL_EVENT_TYPES, allowedEvents, applyTaskEvent, initialTaskSnapshot, topStateOf } from './index.js';
import type { Role, TaskEvent, TaskEventType, TaskInput, TaskSnapshot } from './index.js';
import { fcSeed } from './fc-seed.js';
import { DAY, ROLES, shift } from './spec-helpers.js';

const CREATED = '2025-01-01T00:00:00.000Z';
const HOUR = 3_600_000;

function input(sequential: boolean, signFor: boolean, openLater: boolean): TaskInput {
  return {
    sequential,
    signForDueAt: signFor ? shift(CREATED, 5 * DAY) : null,
    nodes: [1, 2, 3].map((seq) => ({
      seq,
      dueAt: shift(CREATED, seq * 30 * DAY),
      warnAt: shift(CREATED, (seq * 30 - 5) * DAY),
      openAt: openLater && seq === 3 ? shift(CREATED, 40 * DAY) : null,
      stageTarget: `节点${seq}`,
      redDeduction: 1,
    })),
  };
}

/** A well-formed payload of `type` for node `seq` in this state (what a page would send). */
function eventFor(s: TaskSnapshot, type: TaskEventType, seq: number, at: string, variant: number): TaskEvent {
  const node = s.context.nodes.find((n) => n.seq === seq) ?? s.context.nodes[0]!;
  switch (type) {
    case 'evidence.submit':
      return { type, at, nodeSeq: seq, fileIds: ['sha256:x'], note: '材料', lateWorkingDays: variant % 3 };
    case 'evidence.approve':
      return variant % 4 === 0
        ? { type, at, nodeSeq: seq, reviewedValue: variant, facts: { policyAdjustment: variant / 10 } }
        : { type, at, nodeSeq: seq, reviewedValue: variant };
    case 'evidence.return':
      return { type, at, nodeSeq: seq, reason: '材料不全' };
    case 'extension.request':
      return { type, at, nodeSeq: seq, newDueAt: shift(node.dueAt, (1 + (variant % 20)) * DAY), reason: '客观原因' };
    case 'extension.grant':
      return { type, at, nodeSeq: seq, comment: '同意' };
    case 'extension.deny':
      return { type, at, nodeSeq: seq, reason: '不同意' };
    case 'task.acknowledge':
    case 'clock.tick':
      return { type, at };
    case 'task.suspend':
      return { type, at, reason: '上级决定暂停' };
    case 'task.resume':
      return { type, at };
    case 'task.close':
      return { type, at, reason: null };
    case 'task.score':
      return { type, at, score: variant };
    case 'task.cancel':
      return { type, at, reason: '撤销' };
    case 'task.facts':
      return { type, at, facts: variant % 2 ? { policyAdjustment: variant } : { subItems: { k1: variant % 3 === 0, k2: null } }, reason: '更正' };
    case 'task.revise':
      return {
        type,
        at,
        reason: '修订',
        nodes: s.context.nodes.map((n) => ({
          seq: n.seq,
          dueAt: n.status === 'approved' ? n.originalDueAt : shift(n.originalDueAt, (variant % 3) * DAY),
          warnAt: n.status === 'approved' ? n.originalWarnAt : shift(n.originalWarnAt, (variant % 3) * DAY),
          openAt: n.openAt,
          stageTarget: n.stageTarget,
          stageValue: n.stageValue,
          requiredEvidence: n.requiredEvidence,
          redDeduction: n.redDeduction,
        })),
      };
  }
}

const ALL_TYPES: TaskEventType[] = [...TASK_LEVEL_EVENT_TYPES, ...NODE_EVENT_TYPES];

const step = fc.record({
  type: fc.constantFrom(...ALL_TYPES, 'evidence.submit', 'evidence.approve', 'task.acknowledge', 'clock.tick'),
  seq: fc.integer({ min: 1, max: 3 }),
  dtHours: fc.oneof(fc.integer({ min: 0, max: 24 * 40 }), fc.constant(0), fc.integer({ min: -48, max: -1 })),
  variant: fc.integer({ min: 0, max: 100 }),
});
const history = fc.record({
  sequential: fc.boolean(),
  signFor: fc.boolean(),
  openLater: fc.boolean(),
  steps: fc.array(step, { maxLength: 40 }),
});

/** The red rule, from the outside: due passed before approval, at the instant the clocks last ran. */
function expectedRed(s: TaskSnapshot, lastAt: string): boolean[] {
  const top = topStateOf(s);
  const c = s.context;
  let stop = ms(lastAt);
  if (top === 'suspended') stop = ms(c.suspendedAt!);
  for (const ended of [c.cancelledAt, c.closedAt, c.completedAt, c.suspendedAt]) if (ended !== null) stop = Math.min(stop, ms(ended));
  return c.nodes.map((n) => (n.approval !== null ? ms(n.approval.at) >= ms(n.dueAt) : stop >= ms(n.dueAt)));
}

function listed(s: TaskSnapshot, at: string, role: Role | undefined, type: TaskEventType, seq: number): boolean {
  const a = allowedEvents(s, at, role);
  return (NODE_EVENT_TYPES as readonly string[]).includes(type) ? (a.nodes[seq] ?? []).includes(type as never) : a.task.includes(type as never);
}

describe('machine v2 properties (random histories)', () => {
  it('listed allowed events are exactly those accepted, for every node and the task, for any caller and each role', () => {
    const seed = fcSeed('v2 allowed = accepted');
    fc.assert(
      fc.property(history, (h) => {
        let s = initialTaskSnapshot(input(h.sequential, h.signFor, h.openLater), CREATED);
        let at = CREATED;
        for (const st of h.steps) {
          const t = shift(at, st.dtHours * HOUR);
          for (const role of [undefined, ...ROLES]) {
            for (const type of ALL_TYPES) {
              const seqs = (NODE_EVENT_TYPES as readonly string[]).includes(type) ? [1, 2, 3] : [0];
              for (const seq of seqs) {
                const r = applyTaskEvent(s, eventFor(s, type, seq, t, st.variant), role);
                const isListed = listed(s, t, role, type, seq);
                if (r.ok !== isListed) {
                  throw new Error(`${type} on ${seq} at ${t} as ${role}: accepted=${r.ok} listed=${isListed} ${r.ok ? '' : JSON.stringify(r.refusal)}`);
                }
                if (!r.ok) expect(r.refusal.message.length).toBeGreaterThan(0);
              }
            }
          }
          const r = applyTaskEvent(s, eventFor(s, st.type, st.seq, t, st.variant));
          if (r.ok && r.changed) {
            s = r.snapshot;
            at = t;
          }
        }
      }),
      { seed, numRuns: 40 },
    );
  });

  it('red lights = nodes whose due instant passed unapproved (minus suspended) at the last event; counted once', () => {
    const seed = fcSeed('v2 red rule');
    fc.assert(
      fc.property(history, (h) => {
        let s = initialTaskSnapshot(input(h.sequential, h.signFor, h.openLater), CREATED);
        let last = CREATED;
        const reds = new Map<number, number>();
        for (const st of h.steps) {
          const t = shift(last, st.dtHours * HOUR);
          const r = applyTaskEvent(s, eventFor(s, st.type, st.seq, t, st.variant));
          if (!r.ok || !r.changed) continue;
          for (const e of r.emitted) {
            if (e.type === 'node.red-lighted') {
              reds.set(e.nodeSeq!, (reds.get(e.nodeSeq!) ?? 0) + 1);
              expect(e.at).toBe(e.dueAt);
            }
            if (e.type === 'node.red-cleared') reds.set(e.nodeSeq!, (reds.get(e.nodeSeq!) ?? 0) - 1);
          }
          s = r.snapshot;
          last = t;
          const flags = s.context.nodes.map((n) => n.redLighted);
          expect(flags).toEqual(expectedRed(s, last));
          expect(s.context.redCount).toBe(flags.filter(Boolean).length);
          for (const n of s.context.nodes) expect(reds.get(n.seq) ?? 0).toBe(n.redLighted ? 1 : 0);
          for (const n of s.context.nodes) if (n.redLighted && n.status !== 'approved') expect(n.light).toBe('red');
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});
