import { describe, expect, it } from '@jest/globals';
import { ChainChecker, type EventTuple } from './chain-check.js';
import { eventHash, GENESIS_HASH } from './event-hash.js';

const payload = (data: object) => `{"actor":{"role":"department","unit":"u1","user":"x"},"data":${JSON.stringify(data)},"machineVersion":1}`;

function chain(taskId: string, types: string[]): EventTuple[] {
  let prev = GENESIS_HASH;
  return types.map((type, i) => {
    const p = payload(type === 'evidence.submit' ? { fileIds: ['f1'] } : {});
    const occurredAt = `2026-03-0${i + 1}T00:00:00.000Z`;
    const hash = eventHash({ prevHash: prev, taskId, seq: i + 1, type, occurredAt, payload: p });
    const row: EventTuple = [taskId, i + 1, type, occurredAt, p, prev, hash, 'x', 'department', 'u1', 1];
    prev = hash;
    return row;
  });
}

const run = (rows: EventTuple[], o: ConstructorParameters<typeof ChainChecker>[0] = {}) => {
  const c = new ChainChecker(o);
  for (const r of rows) c.push(r);
  c.finish();
  return c;
};

describe('ChainChecker', () => {
  it('passes intact chains of several tasks and reports each task’s tail and cited files', () => {
    const tails: unknown[] = [];
    const cited: unknown[] = [];
    const c = run([...chain('a', ['task.created', 'evidence.submit']), ...chain('b', ['task.created'])], {
      onTaskEnd: (t) => tails.push([t.taskId, t.lastSeq]),
      onFilesCited: (taskId, seq, ids) => cited.push([taskId, seq, ids]),
    });
    expect(c.breaks).toEqual([]);
    expect([c.tasks, c.events]).toEqual([2, 3]);
    expect(tails).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(cited).toEqual([['a', 2, ['f1']]]);
  });

  it('names a first event that is not task.created', () => {
    expect(run(chain('a', ['task.acknowledge'])).breaks.map((b) => [b.kind, b.seq])).toEqual([['first-event', 1]]);
  });

  it('names actor or version columns that disagree with the hashed payload', () => {
    const rows = chain('a', ['task.created', 'task.acknowledge']);
    rows[1] = [...rows[1]] as EventTuple;
    rows[1][8] = 'supervisor';
    expect(run(rows).breaks.map((b) => [b.kind, b.seq])).toEqual([['payload-columns', 2]]);
  });

  it('checks heads sealed in checkpoints: another hash there, or a history that ends before them', () => {
    const rows = chain('a', ['task.created', 'task.acknowledge', 'evidence.submit']);
    const sealed = [
      { seq: 2, hash: 'f'.repeat(64), checkpointSeq: 1 },
      { seq: 5, hash: 'e'.repeat(64), checkpointSeq: 2 },
    ];
    expect(run(rows, { sealedHeads: () => sealed, planOf: () => 'p' }).breaks.map((b) => [b.kind, b.seq, b.checkpointSeq, b.planId])).toEqual([
      ['checkpoint-mismatch', 2, 1, 'p'],
      ['truncated', 4, 2, 'p'],
    ]);
  });
});
