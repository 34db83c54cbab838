import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { applyTaskEvent, initialTaskSnapshot, migrateV1ToV2, v1, type TaskEvent, type TaskSnapshot } from '../../workflows/task/index.js';
import { scoringFactsOf, scoringFactsSql } from './scoring-facts.js';

const nodes = [1, 2, 3].map((seq) => ({
  seq,
  dueAt: `2026-0${seq + 3}-30T15:59:59.000Z`,
  warnAt: `2026-0${seq + 3}-25T16:00:00.000Z`,
  stageValue: seq * 2,
  redDeduction: seq / 2,
}));

function walkV1(events: Omit<v1.TaskEvent, 'at'>[]): { s: v1.TaskSnapshot; at: string }[] {
  let s = v1.initialTaskSnapshot({ nodes }, '2026-03-01T00:00:00.000Z');
  const out = [{ s, at: '2026-03-01T00:00:00.000Z' }];
  let t = Date.parse('2026-03-02T00:00:00.000Z');
  for (const e of events) {
    const at = new Date((t += 3_600_000)).toISOString();
    const r = v1.applyTaskEvent(s, { ...e, at } as v1.TaskEvent);
    if (!r.ok) throw new Error(`refused ${e.type}`);
    s = r.snapshot;
    out.push({ s, at });
  }
  return out;
}

function walk(events: Omit<TaskEvent, 'at'>[], start = '2026-03-02T00:00:00.000Z'): TaskSnapshot {
  let s = initialTaskSnapshot({ nodes }, '2026-03-01T00:00:00.000Z');
  let t = Date.parse(start);
  for (const e of events) {
    const r = applyTaskEvent(s, { ...e, at: new Date((t += 3_600_000)).toISOString() } as TaskEvent);
    if (!r.ok) throw new Error(`refused ${e.type}: ${r.refusal.messageEn}`);
    s = r.snapshot;
  }
  return s;
}

describe('scoring facts column', () => {
  it('for a task upgraded from v1, its first ten facts equal what SQLite extracts from the v1 snapshot, at every step', () => {
    const db = new Database(':memory:');
    const extract = db.prepare(`SELECT ${scoringFactsSql('?')} AS f`.replaceAll('?', '@s'));
    const steps = walkV1([
      { type: 'task.acknowledge' },
      { type: 'evidence.submit', completedValue: 1.5, note: 'x' },
      { type: 'evidence.return', reason: 'r' },
      { type: 'evidence.submit', completedValue: 2.5 },
      { type: 'evidence.approve', reviewedValue: 2, assessorPoints: 1 },
      { type: 'evidence.submit', completedValue: 4.5 },
      { type: 'evidence.approve', reviewedValue: 4 },
      { type: 'evidence.submit', completedValue: 6.5 },
      { type: 'evidence.approve', reviewedValue: 6, comment: 'ok' },
      { type: 'task.score', score: 9.25 },
    ] as Omit<v1.TaskEvent, 'at'>[]);
    for (const { s, at } of steps) {
      const stored = JSON.stringify({ value: s.value, context: s.context });
      const fromSql = JSON.parse((extract.get({ s: stored }) as { f: string }).f) as unknown[];
      const upgraded = migrateV1ToV2(v1.persistTaskSnapshot(s), at).snapshot;
      const facts = (JSON.parse(scoringFactsOf(upgraded.context)) as unknown[]).slice(0, 10);
      // A completed task's facts are read from its last node (the scores read takes every node as approved).
      const used = s.context.completedAt === null ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] : [1, 2, 3, 4, 5, 6];
      expect(used.map((i) => facts[i])).toEqual(used.map((i) => fromSql[i]));
    }
  });

  it('counts approved nodes in any order, reads the latest approved node, and lists each red node’s deduction', () => {
    // Node 3 approved while node 1 is still open; then the clock passes every due date.
    const s = walk([
      { type: 'task.acknowledge' },
      { type: 'evidence.submit', nodeSeq: 3, completedValue: 6.5 },
      { type: 'evidence.approve', nodeSeq: 3, reviewedValue: 6 },
    ] as Omit<TaskEvent, 'at'>[]);
    const ticked = applyTaskEvent(s, { type: 'clock.tick', at: '2026-07-01T00:00:00.000Z' });
    if (!ticked.ok) throw new Error('tick refused');
    const f = JSON.parse(scoringFactsOf(ticked.snapshot.context)) as unknown[];
    expect(f[0]).toBe(1);
    expect(f.slice(7, 10)).toEqual([6, 6.5, null]);
    expect(f.slice(10)).toEqual([3, 2, [0.5, 1]]);
  });

  it('does not count a suspended task’s unapproved nodes unless already red', () => {
    const s = walk([{ type: 'task.acknowledge' }], '2026-05-01T00:00:00.000Z');
    const susp = applyTaskEvent(s, { type: 'task.suspend', at: '2026-05-02T00:00:00.000Z', reason: '上级决定暂停' });
    if (!susp.ok) throw new Error(susp.refusal.messageEn);
    // Node 1 (due 04-30) was red before the suspension: still counted; nodes 2 and 3 are not.
    expect((JSON.parse(scoringFactsOf(susp.snapshot.context)) as unknown[]).slice(10)).toEqual([1, 1, [0.5]]);
  });
});
