import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { byteOrder, checkpointHash, planRoot, SealedState } from './checkpoint-digest.js';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const H = (c: string) => c.repeat(64);

describe('checkpoint recipe', () => {
  it('hashes a plan’s heads then its files, each sorted by id, one line each — reproducible by hand', () => {
    const root = planRoot(
      [
        { taskId: 't2', planId: 'p', seq: 3, hash: H('b') },
        { taskId: 't1', planId: 'p', seq: 9, hash: H('a') },
      ],
      [{ fileId: 'f1', taskId: 't1', planId: 'p', sha256: H('c'), size: 12 }],
    );
    expect(root).toBe(sha(`task|t1|9|${H('a')}\ntask|t2|3|${H('b')}\nevidence|f1|t1|${H('c')}|12\n`));
  });

  it('chains a checkpoint to the previous one over its plans sorted by id', () => {
    const h = checkpointHash({
      prevHash: H('0'),
      seq: 2,
      createdAt: '2026-03-02T02:00:00.000Z',
      plans: [
        { planId: 'p2', root: H('e') },
        { planId: 'p1', root: H('d') },
      ],
    });
    expect(h).toBe(sha(`${H('0')}|2|2026-03-02T02:00:00.000Z|p1=${H('d')};p2=${H('e')};`));
  });

  it('sorts ids by UTF-8 bytes, like LC_ALL=C sort', () => {
    expect(['b', 'B', '计划', 'a', '\u{1F600}', '\uFF21'].sort(byteOrder)).toEqual(['B', 'a', 'b', '计划', '\uFF21', '\u{1F600}']);
  });
});

describe('SealedState', () => {
  it('accumulates per-checkpoint deltas into the latest head of every task, and recomputes only changed plans', () => {
    const s = new SealedState();
    s.addHead({ taskId: 't1', planId: 'p', seq: 2, hash: H('a') }, 1);
    s.addHead({ taskId: 't2', planId: 'q', seq: 1, hash: H('b') }, 1);
    const first = s.planRoots();
    s.addHead({ taskId: 't1', planId: 'p', seq: 5, hash: H('c') }, 2);
    const second = s.planRoots();
    expect(second.find((r) => r.planId === 'q')).toEqual(first.find((r) => r.planId === 'q'));
    expect(second.find((r) => r.planId === 'p')!.root).toBe(planRoot([{ taskId: 't1', planId: 'p', seq: 5, hash: H('c') }], []));
    expect(s.heads.get('t1')).toMatchObject({ seq: 5, checkpointSeq: 2 });
  });
});
