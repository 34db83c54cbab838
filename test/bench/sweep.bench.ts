import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialTaskTransition, viewOf, TASK_MACHINE_VERSION } from '../../workflows/task/index.js';
import { eventHash, GENESIS_HASH } from '../../src/audit/event-hash.js';
import { AppModule } from '../../src/app.module.js';
import { SYSTEM_ACTOR } from '../../src/common/actor.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { DeadlineSweeper, DUE_TASKS_SQL } from '../../src/deadlines/deadline-sweeper.service.js';
import { eventPayload } from '../../src/tasks/task-commands.service.js';
import { fmt, line } from './stats.js';

const TASKS = Number(process.env.BENCH_SWEEP_TASKS ?? 200_000);
const NODES = 5;
const DUE = Number(process.env.BENCH_SWEEP_DUE ?? 10_000);
const UNITS = 200;

/**
 * Bulk-load a plan the fast way (prepared inserts, one transaction) but with real content: every task
 * has a machine snapshot, its nodes, and a hash-chained task.created event, exactly as the write path
 * would have written them.
 */
async function load(db: DatabaseService, now: Date): Promise<void> {
  const day = 86_400_000;
  const created = new Date(now.getTime() - 30 * day).toISOString();
  const mk = (firstDue: number) =>
    Array.from({ length: NODES }, (_, i) => ({
      seq: i + 1,
      dueAt: new Date(firstDue + i * 60 * day).toISOString(),
      warnAt: new Date(firstDue + i * 60 * day - 3 * day).toISOString(),
    }));
  // Two shapes: due (first node's due time just passed) and not due (weeks away).
  const shapes = [mk(now.getTime() - 60_000), mk(now.getTime() + 20 * day)].map((nodes) => {
    const { snapshot } = initialTaskTransition({ nodes }, created);
    return { nodes, snapshot: JSON.stringify({ value: snapshot.value, context: snapshot.context }), view: viewOf(snapshot), state: JSON.stringify(snapshot.value) };
  });
  const s = db.sqlite;
  await db.transaction(async () => {
    s.prepare(`INSERT INTO plans (id, year, name, timezone, status, warn_working_days, created_at) VALUES ('bench', 2026, 'bench', 'Asia/Shanghai', 'published', 3, ?)`).run(created);
    const unit = s.prepare(`INSERT INTO units (id, name, kind, aliases, created_at) VALUES (?, ?, 'department', '[]', ?)`);
    for (let u = 0; u < UNITS + 1; u++) unit.run(`u${u}`, `单位${u}`, created);
    const ind = s.prepare(`INSERT INTO indicators (id, plan_id, code, name, points, method_code, method_params, category_path, direction, assessing_unit_id, created_at)
                           VALUES (?, 'bench', ?, ?, 10, 'node_platform', '{}', '[]', 'higher', 'u${UNITS}', ?)`);
    for (let i = 0; i < TASKS / UNITS; i++) ind.run(`i${i}`, `${i}`, `指标${i}`, created);
    const task = s.prepare(`INSERT INTO tasks (id, plan_id, indicator_id, unit_id, is_lead, state, light, current_node_seq, next_deadline_at, red_count,
                             version, machine_version, snapshot, last_seq, last_hash, created_at, updated_at)
                            VALUES (?, 'bench', ?, ?, 1, ?, ?, ?, ?, 0, 1, ?, ?, 1, ?, ?, ?)`);
    const node = s.prepare(`INSERT INTO nodes (task_id, seq, due_date, due_at, warn_at, status, red_lighted) VALUES (?, ?, ?, ?, ?, ?, 0)`);
    const ev = s.prepare(`INSERT INTO task_events (task_id, seq, type, payload, actor_user_id, actor_role, actor_unit_id, occurred_at, recorded_at,
                           state_before, state_after, machine_version, prev_hash, hash) VALUES (?, 1, 'task.created', ?, NULL, 'system', NULL, ?, ?, NULL, ?, ?, ?, ?)`);
    for (let t = 0; t < TASKS; t++) {
      // Spread the due tasks evenly through the table, as in real life.
      const shape = shapes[t % (TASKS / DUE) === 0 ? 0 : 1];
      const id = `t${t}`;
      const indicatorId = `i${Math.floor(t / UNITS)}`;
      const unitId = `u${t % UNITS}`;
      const payload = eventPayload(SYSTEM_ACTOR, { input: { nodes: shape.nodes }, task: { planId: 'bench', indicatorId, unitId, isLead: true } });
      const hash = eventHash({ prevHash: GENESIS_HASH, taskId: id, seq: 1, type: 'task.created', occurredAt: created, payload });
      const v = shape.view;
      task.run(id, indicatorId, unitId, v.state, v.light, v.currentNodeSeq, v.nextDeadlineAt, TASK_MACHINE_VERSION, shape.snapshot, hash, created, created);
      for (const n of shape.nodes) node.run(id, n.seq, n.dueAt.slice(0, 10), n.dueAt, n.warnAt, n.seq === 1 ? 'pending' : 'pending');
      ev.run(id, payload, created, created, shape.state, TASK_MACHINE_VERSION, GENESIS_HASH, hash);
    }
  });
}

function chainsIntact(db: DatabaseService, ids: string[]): boolean {
  const rows = db.sqlite.prepare('SELECT * FROM task_events WHERE task_id = ? ORDER BY seq');
  for (const id of ids) {
    let prev = GENESIS_HASH;
    for (const r of rows.all(id) as { task_id: string; seq: number; type: string; occurred_at: string; payload: string; prev_hash: string; hash: string }[]) {
      if (r.prev_hash !== prev || eventHash({ prevHash: r.prev_hash, taskId: r.task_id, seq: r.seq, type: r.type, occurredAt: r.occurred_at, payload: r.payload }) !== r.hash) return false;
      prev = r.hash;
    }
  }
  return true;
}

export async function benchSweep(): Promise<void> {
  console.log(`\n== Deadline sweep (issue 3): ${TASKS.toLocaleString()} tasks, ${(TASKS * NODES).toLocaleString()} nodes, ${DUE.toLocaleString()} past due ==`);
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-sweep-'));
  process.env.DUBAN_DATA_DIR = dir;
  process.env.DUBAN_DEMO = 'false';
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
    const db = app.get(DatabaseService);
    const now = new Date('2026-06-30T16:00:00.000Z');
    let t0 = performance.now();
    await load(db, now);
    line('load (prepared inserts, one transaction)', `${fmt((performance.now() - t0) / 1000, 1)} s`);
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    db.sqlite.exec('ANALYZE');
    const at = now.toISOString();
    // Baseline: the bare index query the sweep starts with.
    const q = db.sqlite.prepare(DUE_TASKS_SQL);
    q.all(at);
    t0 = performance.now();
    const found = q.all(at).length;
    const bare = performance.now() - t0;
    line('baseline: bare index query for due tasks', `${fmt(bare, 2)} ms (${found.toLocaleString()} rows)`);
    const sweeper = app.get(DeadlineSweeper);
    const r = await sweeper.sweep(at);
    line('sweep: find + red-light every due task', `${fmt(r.ms, 0)} ms  (${r.changed.toLocaleString()} changed, ${r.red.toLocaleString()} red, ${r.failed.length} failed)  bar ≤ 3000 ms: ${r.ms <= 3000 ? 'met' : 'NOT MET'}`);
    const appended = (db.sqlite.prepare("SELECT count(*) AS n FROM task_events WHERE type = 'clock.tick'").get() as { n: number }).n;
    const sample = (db.sqlite.prepare("SELECT DISTINCT task_id FROM task_events WHERE type = 'clock.tick'").all() as { task_id: string }[]).map((x) => x.task_id);
    line('events appended / chains of those tasks intact', `${appended.toLocaleString()} / ${chainsIntact(db, sample) ? 'yes' : 'NO'}`);
    const again = await sweeper.sweep(at);
    line('second sweep, nothing due', `${fmt(again.ms, 2)} ms (${again.changed} changed)  bar ≤ 20 ms: ${again.ms <= 20 ? 'met' : 'NOT MET'}`);
  } finally {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
