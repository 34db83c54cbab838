import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v1 } from '../workflows/task/index.js';
import { canonicalJson, eventHash, GENESIS_HASH } from '../src/audit/event-hash.js';
import { DatabaseService } from '../src/database/database.service.js';
import { seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * A database from before machine v2: tasks written the way the v1 write path wrote them (v1 snapshots,
 * v1 query columns, hash-chained events with machineVersion 1). Started again, the service upgrades every
 * stored v1 task once (a task.migrated event each, the chain continued), records the red counts it
 * recomputed, and every history still verifies and replays.
 */
let t: TestApp;
let f: PlanFixture;
const dataDir = mkdtempSync(join(tmpdir(), 'duban-upgrade-'));
const ids: Record<string, string> = {};

/** Writes one task exactly as the v1 write path did (task-commands.service.ts before issue 10). */
async function writeV1Task(
  db: DatabaseService,
  key: string,
  unitId: string,
  dues: string[],
  events: { type: string; [k: string]: unknown }[],
  times: string[],
) {
  const ind = await t
    .http()
    .post('/indicators')
    .set('authorization', f.supervisor)
    .send({ planId: f.planId, code: `U-${key}`, name: `升级${key}`, points: 30, methodCode: 'node_platform', assessingUnitId: 'u-tjj' });
  const id = `v1-${key}`;
  const created = '2026-03-02T02:00:00.000Z';
  const nodes = dues.map((d, i) => ({
    seq: i + 1,
    dueAt: `${d}T15:59:59.000Z`,
    warnAt: `${d}T00:00:00.000Z`,
    stageTarget: null,
    stageValue: null,
    requiredEvidence: null,
    redDeduction: 1,
  }));
  const payload = (actor: object, data: object) => canonicalJson({ actor, data, machineVersion: 1 });
  const sys = { role: 'system', unit: null, user: null };
  let s = v1.initialTaskTransition({ nodes }, created).snapshot;
  const rows: unknown[][] = [];
  let prev = GENESIS_HASH;
  const p1 = payload(sys, {
    input: { nodes },
    task: { planId: f.planId, indicatorId: ind.body.id, unitId, isLead: true },
    dueDates: Object.fromEntries(dues.map((d, i) => [String(i + 1), d])),
  });
  let hash = eventHash({ prevHash: prev, taskId: id, seq: 1, type: 'task.created', occurredAt: created, payload: p1 });
  rows.push([id, 1, 'task.created', p1, 'system', created, null, canonicalJson(s.value), prev, hash]);
  for (const [i, e] of events.entries()) {
    const at = times[i]!;
    const r = v1.applyTaskEvent(s, { ...e, at } as unknown as v1.TaskEvent);
    if (!r.ok || !r.changed) throw new Error(`v1 refused ${e.type}`);
    const { type, ...data } = e;
    const p = payload(sys, data);
    prev = hash;
    hash = eventHash({ prevHash: prev, taskId: id, seq: i + 2, type, occurredAt: at, payload: p });
    rows.push([id, i + 2, type, p, 'system', at, canonicalJson(s.value), canonicalJson(r.snapshot.value), prev, hash]);
    s = r.snapshot;
  }
  const v = v1.viewOf(s);
  await db.run(
    `INSERT INTO tasks (id, plan_id, indicator_id, unit_id, is_lead, state, light, current_node_seq, next_deadline_at, red_count, version, machine_version,
       snapshot, last_seq, last_hash, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
    id,
    f.planId,
    ind.body.id,
    unitId,
    v.state,
    v.light,
    v.currentNodeSeq,
    v.nextDeadlineAt,
    v.redCount,
    rows.length,
    JSON.stringify({ value: s.value, context: s.context }),
    rows.length,
    hash,
    created,
    created,
  );
  for (const [i, n] of s.context.nodes.entries()) {
    await db.run(
      `INSERT INTO nodes (task_id, seq, due_date, due_at, warn_at, red_deduction, status, red_lighted) VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
      id,
      n.seq,
      dues[i],
      n.dueAt,
      n.warnAt,
      n.status,
      n.redLighted ? 1 : 0,
    );
  }
  for (const r of rows) {
    await db.run(
      `INSERT INTO task_events (task_id, seq, type, payload, actor_role, occurred_at, recorded_at, state_before, state_after, machine_version, prev_hash, hash)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
      r[0],
      r[1],
      r[2],
      r[3],
      r[4],
      r[5],
      r[5],
      r[6],
      r[7],
      r[8],
      r[9],
    );
  }
  ids[key] = id;
  return { redBefore: v.redCount };
}

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z', dataDir, keepData: true });
  f = await seedPlan(t);
  const db = t.db;
  // Ignored: 4 nodes, all four dues passed, one tick recorded by v1 → 1 red light (v1 lit only the current node).
  await writeV1Task(
    db,
    'ignored',
    'u-fgw',
    ['2026-03-31', '2026-04-30', '2026-05-29', '2026-06-30'],
    [{ type: 'task.acknowledge' }, { type: 'clock.tick' }],
    ['2026-03-03T02:00:00.000Z', '2026-07-02T00:00:00.000Z'],
  );
  // Worked: node 1 approved in time, node 2 submitted, then returned: nothing red yet.
  await writeV1Task(
    db,
    'worked',
    'u-czj',
    ['2026-03-31', '2026-12-31'],
    [
      { type: 'task.acknowledge' },
      { type: 'evidence.submit', note: '一季度' },
      { type: 'evidence.approve' },
      { type: 'evidence.submit', note: '二' },
      { type: 'evidence.return', reason: '缺盖章' },
    ],
    ['2026-03-03T02:00:00.000Z', '2026-03-10T02:00:00.000Z', '2026-03-11T02:00:00.000Z', '2026-06-01T02:00:00.000Z', '2026-06-02T02:00:00.000Z'],
  );
  // Done: completed under v1 (node 1 approved late, after its due, never ticked in between).
  await writeV1Task(
    db,
    'late',
    'u-fgw',
    ['2026-03-05'],
    [{ type: 'task.acknowledge' }, { type: 'evidence.submit', note: '迟交' }, { type: 'evidence.approve' }],
    ['2026-03-03T02:00:00.000Z', '2026-03-10T02:00:00.000Z', '2026-03-11T02:00:00.000Z'],
  );
  await t.close();
  // The same database, started by this build: the upgrade runs once at start-up.
  t = await startTestApp({ now: '2026-07-03T02:00:00.000Z', dataDir, keepData: true });
  f = { ...f, auditor: await t.login('aud'), supervisor: await t.login('sup') };
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a v1 database started by the v2 service', () => {
  it('upgrades every stored v1 task with one task.migrated event and records the red counts it recomputed', async () => {
    const rows = (await t.db.all('SELECT id, machine_version, red_count FROM tasks ORDER BY id')) as {
      id: string;
      machine_version: number;
      red_count: number;
    }[];
    expect(rows.every((r) => r.machine_version === 2)).toBe(true);
    const red = Object.fromEntries(rows.map((r) => [r.id, r.red_count]));
    expect(red[ids.ignored!]).toBe(4);
    expect(red[ids.worked!]).toBe(0);
    expect(red[ids.late!]).toBe(1);
    const migrated = (await t.db.all(`SELECT task_id, payload FROM task_events WHERE type = 'task.migrated' ORDER BY task_id`)) as {
      task_id: string;
      payload: string;
    }[];
    expect(migrated).toHaveLength(3);
    const ignored = JSON.parse(migrated.find((m) => m.task_id === ids.ignored)!.payload);
    expect(ignored).toMatchObject({ machineVersion: 2, data: { from: 1, to: 2, redCountBefore: 1, redCountAfter: 4, newRedNodes: [2, 3, 4] } });
    const report = (await t.db.all('SELECT * FROM machine_upgrades')) as {
      tasks: number;
      red_before: number;
      red_after: number;
      changed_tasks: number;
      report: string;
    }[];
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ tasks: 3, red_before: 1, red_after: 5, changed_tasks: 2 });
    expect(JSON.parse(report[0]!.report)).toEqual(
      expect.arrayContaining([expect.objectContaining({ taskId: ids.ignored, redCountBefore: 1, redCountAfter: 4 })]),
    );
    // The new red lights go out like any other: dated at each node's due instant.
    const lights = (
      (await t.db.all(`SELECT body FROM outbox WHERE task_id = ? AND type = 'node.red-lighted' ORDER BY id`, ids.ignored)) as { body: string }[]
    ).map((r) => JSON.parse(r.body));
    expect(lights.map((l) => [l.nodeSeq, l.at])).toEqual([
      [2, '2026-04-30T15:59:59.000Z'],
      [3, '2026-05-29T15:59:59.000Z'],
      [4, '2026-06-30T15:59:59.000Z'],
    ]);
  });

  it('verifies every chain and replays every task (v1 events on v1, the upgrade, then v2) to its stored snapshot', async () => {
    const v = await t.http().get('/audit/verify?replay=true').set('authorization', f.auditor);
    expect(v.status).toBe(200);
    expect(v.body.breaks).toEqual([]);
    expect(v.body.ok).toBe(true);
    for (const id of Object.values(ids)) {
      const r = await t.http().get(`/audit/tasks/${id}/replay`).set('authorization', f.auditor);
      expect(r.body).toMatchObject({ ok: true, divergence: null, recordedMachineVersions: [1, 2], end: { storedSnapshotMatches: true } });
    }
  });

  it('goes on as a v2 task (node 2 of the returned task resubmitted by node), and a second start upgrades nothing', async () => {
    const dept = await t.login('czj');
    const d = await t.http().get(`/tasks/${ids.worked}`).set('authorization', dept);
    expect(d.body).toMatchObject({ machineVersion: 2, state: 'returned' });
    expect(d.body.nodes[1].allowedEvents).toContain('evidence.submit');
    const r = await t
      .http()
      .post(`/tasks/${ids.worked}/events`)
      .set('authorization', dept)
      .send({ type: 'evidence.submit', expectedVersion: d.body.version, nodeSeq: 2, payload: { note: '已补盖章' } });
    expect(r.status).toBe(200);
    await t.close();
    t = await startTestApp({ now: '2026-07-04T02:00:00.000Z', dataDir, keepData: true });
    expect(Number(await t.db.value('SELECT count(*) AS n FROM machine_upgrades'))).toBe(1);
    expect(Number(await t.db.value(`SELECT count(*) AS n FROM task_events WHERE type = 'task.migrated'`))).toBe(3);
  });
});
