import { describe, it, expect } from '@jest/globals';
import { TASK_EVENT_TYPES, allowedEvents, applyTaskEvent, viewOf } from './index.js';
import type { TaskEvent, TaskEventType, TaskSnapshot } from './index.js';
import { EARLY, N1_DUE, ONE_NODE, DAY, ev, fresh, go, sampleEvent, shift } from './spec-helpers.js';

interface Case {
  name: string;
  state: string;
  make: () => TaskSnapshot;
  allowed: TaskEventType[];
}

const LIVE_TAIL: TaskEventType[] = ['clock.tick', 'task.close', 'task.cancel', 'task.revise'];

const CASES: Case[] = [
  { name: 'assigned', state: 'assigned', make: () => fresh(), allowed: ['task.acknowledge', 'extension.request', ...LIVE_TAIL] },
  { name: 'open', state: 'open', make: () => go(fresh(), ev.ack()), allowed: ['evidence.submit', 'extension.request', ...LIVE_TAIL] },
  {
    name: 'submitted',
    state: 'submitted',
    make: () => go(fresh(), ev.ack(), ev.submit()),
    allowed: ['evidence.approve', 'evidence.return', 'extension.request', ...LIVE_TAIL],
  },
  {
    name: 'returned',
    state: 'returned',
    make: () => go(fresh(), ev.ack(), ev.submit(), ev.ret()),
    allowed: ['evidence.submit', 'extension.request', ...LIVE_TAIL],
  },
  {
    name: 'assigned + extension requested',
    state: 'assigned',
    make: () => go(fresh(), ev.request()),
    allowed: ['task.acknowledge', 'extension.grant', 'extension.deny', ...LIVE_TAIL],
  },
  {
    name: 'open + extension requested',
    state: 'open',
    make: () => go(fresh(), ev.ack(), ev.request()),
    allowed: ['evidence.submit', 'extension.grant', 'extension.deny', ...LIVE_TAIL],
  },
  {
    name: 'submitted + extension requested',
    state: 'submitted',
    make: () => go(fresh(), ev.ack(), ev.submit(), ev.request()),
    allowed: ['evidence.approve', 'evidence.return', 'extension.grant', 'extension.deny', ...LIVE_TAIL],
  },
  {
    name: 'returned + extension requested',
    state: 'returned',
    make: () => go(fresh(), ev.ack(), ev.submit(), ev.ret(), ev.request()),
    allowed: ['evidence.submit', 'extension.grant', 'extension.deny', ...LIVE_TAIL],
  },
  {
    name: 'open, light red',
    state: 'open',
    make: () => go(fresh(), ev.ack(), ev.tick(N1_DUE)),
    allowed: ['evidence.submit', 'extension.request', ...LIVE_TAIL],
  },
  { name: 'completed', state: 'completed', make: () => go(fresh(ONE_NODE), ev.ack(), ev.submit(), ev.approve()), allowed: ['task.score', 'task.cancel'] },
  { name: 'closed', state: 'closed', make: () => go(fresh(), ev.close()), allowed: ['task.score', 'task.cancel'] },
  { name: 'scored', state: 'scored', make: () => go(fresh(), ev.close(), ev.score()), allowed: [] },
  { name: 'cancelled', state: 'cancelled', make: () => go(fresh(), ev.cancel()), allowed: [] },
];

describe.each(CASES)('in $name', ({ state, make, allowed }) => {
  it(`allowedEvents lists exactly ${allowed.join(', ') || 'nothing'}`, () => {
    const s = make();
    expect(viewOf(s).state).toBe(state);
    expect(allowedEvents(s)).toEqual(allowed);
  });

  const refused = TASK_EVENT_TYPES.filter((t) => !allowed.includes(t) && t !== 'clock.tick');
  it.each(refused)('%s is refused as not_allowed with the allowed list, and nothing changes', (type) => {
    const s = make();
    const before = JSON.stringify({ v: s.value, c: s.context });
    const r = applyTaskEvent(s, sampleEvent(type, EARLY));
    expect(r).toEqual({ ok: false, reason: 'not_allowed', state, allowed });
    expect(JSON.stringify({ v: s.value, c: s.context })).toBe(before);
  });

  const accepted = allowed.filter((t) => t !== 'clock.tick');
  if (accepted.length > 0) {
    it.each(accepted)('%s with a valid payload is accepted and changes the snapshot', (type) => {
      const r = applyTaskEvent(make(), sampleEvent(type, EARLY));
      expect(r).toMatchObject({ ok: true, changed: true });
    });
  }

  it(allowed.includes('clock.tick') ? 'clock.tick is accepted (a no-op before any deadline)' : 'clock.tick is a no-op, not a refusal', () => {
    const s = make();
    expect(applyTaskEvent(s, ev.tick(EARLY))).toEqual({ ok: true, snapshot: s, changed: false, emitted: [] });
  });
});

describe('payload guards refuse impossible events', () => {
  const open = () => go(fresh(), ev.ack());
  const submitted = () => go(fresh(), ev.ack(), ev.submit());

  const cases: Array<[string, () => TaskSnapshot, TaskEvent]> = [
    ['evidence.return without a reason', submitted, { type: 'evidence.return', at: EARLY } as never],
    ['evidence.return with a blank reason', submitted, ev.ret(EARLY, '  \n ')],
    ['evidence.submit with nothing in it', open, { type: 'evidence.submit', at: EARLY }],
    ['evidence.submit with empty files and no value, note or offline flag', open, { type: 'evidence.submit', at: EARLY, fileIds: [], note: ' ' }],
    ['evidence.submit with a non-string file id', open, { type: 'evidence.submit', at: EARLY, fileIds: [42] } as never],
    ['evidence.submit with a non-finite completed value', open, { type: 'evidence.submit', at: EARLY, completedValue: Number.NaN, fileIds: ['f'] }],
    ['evidence.approve with a non-finite reviewed value', submitted, { type: 'evidence.approve', at: EARLY, reviewedValue: Number.POSITIVE_INFINITY }],
    ['evidence.approve with non-numeric assessor points', submitted, { type: 'evidence.approve', at: EARLY, assessorPoints: '2' } as never],
    ['extension.request with newDueAt equal to dueAt', open, ev.request(EARLY, N1_DUE)],
    ['extension.request after the deadline', open, ev.request(shift(N1_DUE, DAY), shift(N1_DUE, 10 * DAY))],
    ['an event whose at is not an ISO-8601 instant', open, { type: 'evidence.submit', at: 'yesterday', fileIds: ['f'] }],
    ['an event whose at has no time zone', open, { type: 'evidence.submit', at: '2025-04-01T00:00:00', fileIds: ['f'] }],
    ['an event without at', open, { type: 'evidence.submit', fileIds: ['f'] } as never],
    ['a tick whose at is not an instant', open, { type: 'clock.tick', at: 'now' }],
    ['an unknown event type', open, { type: 'task.delete', at: EARLY } as never],
    ['the internal light.recompute event sent from outside', open, { type: 'light.recompute', at: shift(N1_DUE, DAY) } as never],
    ['the internal extension.lapse event sent from outside', () => go(fresh(), ev.request()), { type: 'extension.lapse', at: EARLY } as never],
  ];

  it.each(cases)('%s → not_allowed', (_label, make, event) => {
    const s = make();
    const r = applyTaskEvent(s, event);
    expect(r).toEqual({ ok: false, reason: 'not_allowed', state: viewOf(s).state, allowed: allowedEvents(s) });
  });

  it('a null or non-object event → not_allowed', () => {
    expect(applyTaskEvent(fresh(), null as never).ok).toBe(false);
    expect(applyTaskEvent(fresh(), 'task.acknowledge' as never).ok).toBe(false);
  });
});
