import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { applyTaskEvent, initialTaskSnapshot, type TaskEvent, type TaskSnapshot } from '../../workflows/task/index.js';
import { scoringFactsOf, scoringFactsSql } from './scoring-facts.js';

const nodes = [1, 2, 3].map((seq) => ({ seq, dueAt: `2026-0${seq + 3}-30T15:59:59.000Z`, warnAt: `2026-0${seq + 3}-25T16:00:00.000Z`, stageValue: seq * 2 }));

function walk(events: Omit<TaskEvent, 'at'>[]): TaskSnapshot[] {
  let s = initialTaskSnapshot({ nodes }, '2026-03-01T00:00:00.000Z');
  const out = [s];
  let t = Date.parse('2026-03-02T00:00:00.000Z');
  for (const e of events) {
    const r = applyTaskEvent(s, { ...e, at: new Date((t += 3_600_000)).toISOString() } as TaskEvent);
    if (!r.ok) throw new Error(`refused ${e.type}`);
    s = r.snapshot;
    out.push(s);
  }
  return out;
}

describe('scoring facts column', () => {
  it('equals what SQLite extracts from the stored snapshot, at every step of a walked task', () => {
    const db = new Database(':memory:');
    const extract = db.prepare(`SELECT ${scoringFactsSql('?')} AS f`.replaceAll('?', '@s'));
    const steps = walk([
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
    ] as Omit<TaskEvent, 'at'>[]);
    for (const s of steps) {
      const stored = JSON.stringify({ value: s.value, context: s.context });
      const fromSql = (extract.get({ s: stored }) as { f: string }).f;
      expect(JSON.parse(scoringFactsOf(s.context))).toEqual(JSON.parse(fromSql));
    }
  });
});
