/**
 * Versions side by side: v1 histories replay through `applyVersioned` exactly as through v1 itself
 * (random histories, seeded by DUBAN_FC_SEED), and `task.migrated` upgrades a v1 task to v2 with the
 * red lights recomputed under the v2 rule.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as v1 from './v1/index.js';
import * as v2 from './v2/index.js';
import { applyVersioned, initialVersioned, type VersionedSnapshot } from './versioned.js';
import { fcSeed } from './v2/fc-seed.js';
import { CREATED, TWO_NODES, ev, sampleEvent } from './v1/spec-helpers.js';

const HOUR = 3_600_000;
const shift = (iso: string, d: number) => new Date(Date.parse(iso) + d).toISOString();
const v1Step = fc.record({ type: fc.constantFrom(...v1.TASK_EVENT_TYPES), dtHours: fc.integer({ min: 0, max: 24 * 60 }) });

function v1History(steps: Array<{ type: v1.TaskEventType; dtHours: number }>) {
  let s = v1.initialTaskSnapshot(TWO_NODES, CREATED);
  let at = CREATED;
  const events: v1.TaskEvent[] = [];
  const snapshots = [s];
  const emitted: v1.DomainEvent[][] = [];
  for (const st of steps) {
    at = shift(at, st.dtHours * HOUR);
    const e = sampleEvent(st.type, at);
    const r = v1.applyTaskEvent(s, e);
    if (!r.ok || !r.changed) continue;
    events.push(e);
    s = r.snapshot;
    snapshots.push(s);
    emitted.push(r.emitted);
  }
  return { events, snapshots, emitted, last: s, at };
}

describe('v1 histories replay as before', () => {
  it('applyVersioned(1, …) gives v1’s snapshots and emitted events, event by event', () => {
    const seed = fcSeed('v1 replay');
    fc.assert(
      fc.property(fc.array(v1Step, { maxLength: 30 }), (steps) => {
        const h = v1History(steps);
        let state: VersionedSnapshot = initialVersioned(1, TWO_NODES, CREATED);
        h.events.forEach((e, i) => {
          const r = applyVersioned(1, state, e as never);
          if (!r.ok) throw new Error(r.reason);
          expect(JSON.stringify(r.emitted)).toBe(JSON.stringify(h.emitted[i]));
          expect(JSON.stringify(v1.persistTaskSnapshot(r.state.snapshot as v1.TaskSnapshot))).toBe(JSON.stringify(v1.persistTaskSnapshot(h.snapshots[i + 1]!)));
          state = r.state;
        });
      }),
      { seed, numRuns: 100 },
    );
  });

  it('a v1 event is never applied to a v2 task (nor the reverse)', () => {
    const s2 = initialVersioned(2, { nodes: TWO_NODES.nodes }, CREATED);
    expect(applyVersioned(1, s2, ev.ack(CREATED) as never).ok).toBe(false);
    const s1 = initialVersioned(1, TWO_NODES, CREATED);
    expect(applyVersioned(2, s1, ev.ack(CREATED) as never).ok).toBe(false);
  });
});

describe('migrateV1ToV2', () => {
  it('a neglected v1 task (one red light on node 1, node 2 never opened) gets node 2 red too; the difference is in task.migrated', () => {
    const s = v1.applyTaskEvent(v1.initialTaskSnapshot(TWO_NODES, CREATED), ev.tick('2026-01-05T00:00:00.000Z'));
    if (!s.ok) throw new Error('tick refused');
    expect(s.snapshot.context.redCount).toBe(1);
    const at = '2026-01-06T00:00:00.000Z';
    const m = v2.migrateV1ToV2(v1.persistTaskSnapshot(s.snapshot), at);
    expect(m).toMatchObject({ redCountBefore: 1, redCountAfter: 2 });
    expect(m.emitted[0]).toMatchObject({ type: 'task.migrated', at, from: 1, to: 2, redCountBefore: 1, redCountAfter: 2, newRedNodes: [2] });
    expect(m.emitted.find((e) => e.type === 'node.red-lighted')).toMatchObject({ nodeSeq: 2, at: TWO_NODES.nodes[1]!.dueAt, recordedAt: at });
    expect(v2.viewOf(m.snapshot).nodes.map((n) => [n.status, n.light])).toEqual([
      ['open', 'red'],
      ['open', 'red'],
    ]);
    // replay through applyVersioned reproduces the migration exactly
    const replayed = applyVersioned(2, { version: 1, snapshot: s.snapshot }, { type: 'task.migrated', at });
    expect(replayed.ok && JSON.stringify(v2.persistTaskSnapshot(replayed.state.snapshot as v2.TaskSnapshot))).toBe(JSON.stringify(m.persisted));
  });

  it('any v1 history migrates to a valid v2 task: red flags kept, never fewer; every red node’s due passed before approval; the result accepts v2 events', () => {
    const seed = fcSeed('v1 → v2 migration');
    fc.assert(
      fc.property(fc.array(v1Step, { maxLength: 30 }), fc.integer({ min: 0, max: 24 * 400 }), (steps, laterHours) => {
        const h = v1History(steps);
        const at = shift(h.at, laterHours * HOUR);
        const m = v2.migrateV1ToV2(v1.persistTaskSnapshot(h.last), at);
        const c = m.snapshot.context;
        expect(m.redCountAfter).toBeGreaterThanOrEqual(m.redCountBefore);
        expect(c.redCount).toBe(c.nodes.filter((n) => n.redLighted).length);
        h.last.context.nodes.forEach((old, i) => {
          if (old.redLighted) expect(c.nodes[i]!.redLighted).toBe(true);
        });
        const top = v2.topStateOf(m.snapshot);
        if (top === 'active') {
          for (const n of c.nodes) {
            const passed = n.approval !== null ? n.approval.at >= n.dueAt : at >= n.dueAt;
            if (passed) expect(n.redLighted).toBe(true);
          }
        }
        expect(JSON.parse(JSON.stringify(m.persisted))).toEqual(v2.persistTaskSnapshot(m.snapshot));
        const allowed = v2.allowedEvents(m.snapshot, at);
        for (const [seq, types] of Object.entries(allowed.nodes)) {
          for (const type of types) {
            if (type === 'evidence.submit') expect(v2.applyTaskEvent(m.snapshot, { type, at, nodeSeq: Number(seq), note: '补报' }).ok).toBe(true);
          }
        }
      }),
      { seed, numRuns: 150 },
    );
  });
});
