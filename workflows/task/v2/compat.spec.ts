import { describe, expect, it } from '@jest/globals';
import { TaskCreatorV2, columnsOf, initialTaskTransition, viewOf, withDefaultNode } from './index.js';
import { CREATED, FOUR_NODES, QUARTER_DUES, ev, fresh, go } from './spec-helpers.js';

describe('v2 compat helpers for the write path', () => {
  it('columnsOf names the state as v1 did, from the first unapproved node', () => {
    expect(columnsOf(fresh()).state).toBe('assigned');
    const s = go(fresh(), ev.ack('2025-01-02T00:00:00Z'), ev.submit('2025-01-03T00:00:00Z', 1));
    expect(columnsOf(s)).toMatchObject({ state: 'submitted', currentNodeSeq: 1, light: 'green', redCount: 0 });
    expect(columnsOf(go(s, ev.suspend('2025-01-04T00:00:00Z'))).state).toBe('suspended');
    const red = go(fresh(), ev.tick('2026-01-10T00:00:00Z'));
    expect(columnsOf(red)).toMatchObject({ light: 'red', redCount: 4, nextDeadlineAt: null });
  });

  it('withDefaultNode picks the node v1 would have acted on', () => {
    const s = go(fresh(), ev.ack('2025-01-02T00:00:00Z'), ev.submit('2025-01-03T00:00:00Z', 2));
    expect(withDefaultNode(s, { type: 'evidence.approve', at: '2025-01-04T00:00:00Z' } as never)).toMatchObject({ nodeSeq: 2 });
    expect(withDefaultNode(s, { type: 'evidence.submit', at: '2025-01-04T00:00:00Z', note: 'x' } as never)).toMatchObject({ nodeSeq: 1 });
    expect(withDefaultNode(s, ev.submit('2025-01-04T00:00:00Z', 3))).toMatchObject({ nodeSeq: 3 });
    expect(withDefaultNode(s, ev.tick('2025-01-04T00:00:00Z'))).toEqual(ev.tick('2025-01-04T00:00:00Z'));
  });

  it('TaskCreatorV2 gives exactly initialTaskTransition’s result, memoized per date skeleton', () => {
    const creator = new TaskCreatorV2();
    for (const at of [CREATED, QUARTER_DUES[1]!]) {
      for (const text of ['甲', '乙']) {
        const input = { ...FOUR_NODES, nodes: FOUR_NODES.nodes.map((n) => ({ ...n, stageTarget: `${text}${n.seq}` })) };
        const got = creator.create(input, at);
        const want = initialTaskTransition(input, at);
        expect(got.context).toEqual(want.snapshot.context);
        expect(got.value).toEqual(want.snapshot.value);
        expect(got.view).toEqual(viewOf(want.snapshot));
        expect(got.emitted).toEqual(want.emitted);
      }
    }
  });
});
