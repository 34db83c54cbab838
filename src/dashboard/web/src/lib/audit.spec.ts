import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { describeState, eventHash, GENESIS, verifyHistory } from './audit';
import type { HistoryEntry } from './types';

const TASK = 'task-1';
function chain(): HistoryEntry[] {
  const states = [
    { live: { extension: 'none', light: 'green', progress: 'assigned' } },
    { live: { extension: 'none', light: 'green', progress: 'open' } },
    'completed',
  ];
  const types = ['task.created', 'task.acknowledge', 'evidence.approve'];
  const out: HistoryEntry[] = [];
  let prev = GENESIS;
  types.forEach((type, i) => {
    const e = {
      seq: i + 1,
      type,
      occurredAt: `2026-03-0${i + 1}T02:00:00.000Z`,
      recordedAt: `2026-03-0${i + 1}T02:00:00.001Z`,
      actor: { userId: 'u', role: 'department', unitId: 'unit', displayName: '县发改局 联络员' },
      data: { note: '说明，含"引号"' },
      stateBefore: i === 0 ? null : states[i - 1],
      stateAfter: states[i],
      machineVersion: 1,
      prevHash: prev,
      hash: '',
      payload: `{"actor":{},"data":{"note":"说明${i}"},"machineVersion":1}`,
    } as HistoryEntry;
    e.hash = eventHash(TASK, e);
    prev = e.hash;
    out.push(e);
  });
  return out;
}

describe('audit checks in the browser', () => {
  it('computes the README hash recipe (same as node:crypto over the joined fields)', () => {
    const e = chain()[0]!;
    const expected = createHash('sha256').update([GENESIS, TASK, '1', e.type, e.occurredAt, e.payload].join('|')).digest('hex');
    expect(e.hash).toBe(expected);
  });

  it('accepts an untouched history', () => {
    expect(verifyHistory(TASK, chain())).toEqual({ ok: true, events: 3, problems: [] });
  });

  it('names the event whose payload was changed, and a missing event', () => {
    const edited = chain();
    edited[1] = { ...edited[1]!, payload: edited[1]!.payload.replace('说明1', '改过') };
    expect(verifyHistory(TASK, edited).problems).toEqual([expect.objectContaining({ seq: 2, kind: 'hash' })]);
    const gap = chain();
    gap.splice(1, 1);
    const kinds = verifyHistory(TASK, gap).problems.map((p) => [p.seq, p.kind]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        [3, 'sequence'],
        [3, 'link'],
        [3, 'state'],
      ]),
    );
  });

  it('reads the recorded state as progress, light and extension', () => {
    const h = chain();
    expect(describeState(h[1]!.stateAfter)).toEqual({ progress: 'open', light: 'green', extension: 'none' });
    expect(describeState('scored')).toEqual({ progress: 'scored', light: null, extension: null });
  });
});
