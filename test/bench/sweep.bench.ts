import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnsOf, initialTaskTransition, v1, viewOf } from '../../workflows/task/index.js';
import { canonicalJson, eventHash, GENESIS_HASH } from '../../src/audit/event-hash.js';
import { AppModule } from '../../src/app.module.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { DeadlineSweeper, DUE_TASKS_SQL } from '../../src/deadlines/deadline-sweeper.service.js';
import { scoringFactsOf } from '../../src/tasks/scoring-facts.js';
import { fmt, line } from './stats.js';

const TASKS = Number(process.env.BENCH_SWEEP_TASKS ?? 200_000);
const NODES = 5;
const DUE = Number(process.env.BENCH_SWEEP_DUE ?? 10_000);
const UNITS = 200;
const day = 86_400_000;

type Version = 1 | 2;

/**
 * Bulk-load a plan the fast way (prepared inserts, one transaction) but with real content: every task
 * has a machine snapshot (of `version`), its nodes, and a hash-chained task.created event, exactly as
 * the write path of that version would have written them. DUE tasks (spread evenly) have one node
 * (the first) just past its due time: 10,000 overdue nodes; the others are weeks away.
 */
async function load(db: DatabaseService, now: Date, version: Version): Promise<void> {
  const created = new Date(now.getTime() - 30 * day).toISOString();
  const mk = (firstDue: number) =>
    Array.from({ length: NODES }, (_, i) => ({
      seq: i + 1,
      dueAt: new Date(firstDue + i * 60 * day).toISOString(),
      warnAt: new Date(firstDue + i * 60 * day - 3 * day).toISOString(),
    }));
  const shapes = [mk(now.getTime() - 60_000), mk(now.getTime() + 20 * day)].map((nodes) => {
    if (version === 1) {
      const { snapshot } = v1.initialTaskTransition({ nodes }, created);
      const v = v1.viewOf(snapshot);
      return {
        nodes,
        ctx: null,
        snapshot: JSON.stringify({ value: snapshot.value, context: snapshot.context }),
        cols: v,
        signFor: 0,
        state: canonicalJson(snapshot.value),
        st: snapshot.context.nodes,
      };
    }
    const { snapshot } = initialTaskTransition({ nodes }, created);
    return {
      nodes,
      ctx: snapshot.context,
      snapshot: JSON.stringify({ value: snapshot.value, context: snapshot.context }),
      cols: columnsOf(snapshot),
      signFor: viewOf(snapshot).signForOverdue ? 1 : 0,
      state: canonicalJson(snapshot.value),
      st: snapshot.context.nodes,
    };
  });
  const s = db.sqlite;
  await db.transaction(async () => {
    s.prepare(
      `INSERT INTO plans (id, year, name, timezone, status, warn_working_days, created_at) VALUES ('bench', 2026, 'bench', 'Asia/Shanghai', 'published', 3, ?)`,
    ).run(created);
    const unit = s.prepare(`INSERT INTO units (id, name, kind, aliases, created_at) VALUES (?, ?, 'department', '[]', ?)`);
    for (let u = 0; u < UNITS + 1; u++) unit.run(`u${u}`, `单位${u}`, created);
    const ind =
      s.prepare(`INSERT INTO indicators (id, plan_id, code, name, points, method_code, method_params, category_path, direction, assessing_unit_id, created_at)
                           VALUES (?, 'bench', ?, ?, 10, 'node_platform', '{}', '[]', 'higher', 'u${UNITS}', ?)`);
    for (let i = 0; i < TASKS / UNITS; i++) ind.run(`i${i}`, `${i}`, `指标${i}`, created);
    const task = s.prepare(`INSERT INTO tasks (id, plan_id, indicator_id, unit_id, is_lead, state, light, current_node_seq, next_deadline_at, red_count,
                             sign_for_overdue, version, machine_version, snapshot, last_seq, last_hash, created_at, updated_at, scoring_facts)
                            VALUES (?, 'bench', ?, ?, 1, ?, ?, ?, ?, 0, ?, 1, ?, ?, 1, ?, ?, ?, ?)`);
    const node = s.prepare(`INSERT INTO nodes (task_id, seq, due_date, due_at, warn_at, status, red_lighted, light) VALUES (?, ?, ?, ?, ?, ?, 0, 'green')`);
    const ev = s.prepare(`INSERT INTO task_events (task_id, seq, type, payload, actor_user_id, actor_role, actor_unit_id, occurred_at, recorded_at,
                           state_before, state_after, machine_version, prev_hash, hash) VALUES (?, 1, 'task.created', ?, NULL, 'system', NULL, ?, ?, NULL, ?, ?, ?, ?)`);
    const facts = shapes.map((x) => (x.ctx ? scoringFactsOf(x.ctx) : null));
    for (let t = 0; t < TASKS; t++) {
      const k = t % (TASKS / DUE) === 0 ? 0 : 1;
      const shape = shapes[k]!;
      const id = `t${t}`;
      const indicatorId = `i${Math.floor(t / UNITS)}`;
      const unitId = `u${t % UNITS}`;
      const payload = canonicalJson({
        actor: { role: 'system', unit: null, user: null },
        data: { input: { nodes: shape.nodes }, task: { planId: 'bench', indicatorId, unitId, isLead: true } },
        machineVersion: version,
      });
      const hash = eventHash({ prevHash: GENESIS_HASH, taskId: id, seq: 1, type: 'task.created', occurredAt: created, payload });
      const c = shape.cols;
      task.run(
        id,
        indicatorId,
        unitId,
        c.state,
        c.light,
        c.currentNodeSeq,
        c.nextDeadlineAt,
        shape.signFor,
        version,
        shape.snapshot,
        hash,
        created,
        created,
        facts[k],
      );
      for (const [i, n] of shape.nodes.entries()) node.run(id, n.seq, n.dueAt.slice(0, 10), n.dueAt, n.warnAt, shape.st[i]!.status);
      ev.run(id, payload, created, created, shape.state, version, GENESIS_HASH, hash);
    }
  });
}

/**
 * The v1 figure, measured in the same run: the write path as it was before v2 (same SQL, same seam,
 * one savepoint per task in batches of 1000 like `applyMany`), applying machine v1's tick. Kept here
 * because the service itself no longer runs v1.
 */
async function sweepV1(db: DatabaseService, at: string): Promise<{ ms: number; changed: number; red: number }> {
  const t0 = performance.now();
  const ids = ((await db.all(DUE_TASKS_SQL, at)) as { id: string }[]).map((r) => r.id);
  let changed = 0;
  let red = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    await db.transaction(async (tx) => {
      for (const id of ids.slice(i, i + 1000)) {
        await tx.transaction(async () => {
          const row = (await db.one(
            `SELECT t.id, t.plan_id, t.unit_id, i.assessing_unit_id, p.timezone, t.review_due_at, t.version, t.snapshot, t.last_seq, t.last_hash, t.machine_version
             FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN plans p ON p.id = t.plan_id WHERE t.id = ?`,
            id,
          )) as { id: string; plan_id: string; unit_id: string; version: number; snapshot: string; last_seq: number; last_hash: string };
          const before = v1.restoreOwnedTaskSnapshot(JSON.parse(row.snapshot) as v1.PersistedTask);
          const r = v1.applyTaskEvent(before, { type: 'clock.tick', at });
          if (!r.ok || !r.changed) return;
          const v = v1.viewOf(r.snapshot);
          const seq = row.last_seq + 1;
          const payload = canonicalJson({ actor: { role: 'system', unit: null, user: null }, data: {}, machineVersion: 1 });
          const hash = eventHash({ prevHash: row.last_hash, taskId: id, seq, type: 'clock.tick', occurredAt: at, payload });
          await db.run(
            `UPDATE tasks SET state = ?, light = ?, current_node_seq = ?, next_deadline_at = ?, red_count = ?, review_due_at = ?,
               version = version + 1, snapshot = ?, last_seq = ?, last_hash = ?, updated_at = ?, scoring_facts = ? WHERE id = ? AND version = ?`,
            v.state,
            v.light,
            v.currentNodeSeq,
            v.nextDeadlineAt,
            v.redCount,
            null,
            JSON.stringify({ value: r.snapshot.value, context: r.snapshot.context }),
            seq,
            hash,
            at,
            null,
            id,
            row.version,
          );
          await db.run(
            `INSERT INTO task_events (task_id, seq, type, payload, actor_user_id, actor_role, actor_unit_id, occurred_at, recorded_at,
               state_before, state_after, machine_version, prev_hash, hash) VALUES (?, ?, 'clock.tick', ?, NULL, 'system', NULL, ?, ?, ?, ?, 1, ?, ?)`,
            id,
            seq,
            payload,
            at,
            at,
            canonicalJson(before.value),
            canonicalJson(r.snapshot.value),
            row.last_hash,
            hash,
          );
          for (const [k, n] of r.snapshot.context.nodes.entries()) {
            const b = before.context.nodes[k]!;
            if (b.status === n.status && b.redLighted === n.redLighted) continue;
            await db.run('UPDATE nodes SET status = ?, red_lighted = ? WHERE task_id = ? AND seq = ?', n.status, n.redLighted ? 1 : 0, id, n.seq);
          }
          for (const e of r.emitted) {
            await db.run(
              'INSERT INTO outbox (task_id, event_seq, type, body, unit_id, created_at, dispatched_at) VALUES (?, ?, ?, ?, ?, ?, NULL)',
              id,
              seq,
              e.type,
              JSON.stringify({ ...e, taskId: id, planId: row.plan_id, unitId: row.unit_id, seq, at }),
              row.unit_id,
              at,
            );
          }
          changed++;
          if (r.emitted.some((e) => e.type === 'node.red-lighted')) red++;
        });
      }
    });
  }
  return { ms: performance.now() - t0, changed, red };
}

function chainsIntact(db: DatabaseService, ids: string[]): boolean {
  const rows = db.sqlite.prepare('SELECT * FROM task_events WHERE task_id = ? ORDER BY seq');
  for (const id of ids) {
    let prev = GENESIS_HASH;
    for (const r of rows.all(id) as { task_id: string; seq: number; type: string; occurred_at: string; payload: string; prev_hash: string; hash: string }[]) {
      if (
        r.prev_hash !== prev ||
        eventHash({ prevHash: r.prev_hash, taskId: r.task_id, seq: r.seq, type: r.type, occurredAt: r.occurred_at, payload: r.payload }) !== r.hash
      )
        return false;
      prev = r.hash;
    }
  }
  return true;
}

async function withApp<T>(fn: (app: INestApplicationContext, db: DatabaseService) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-sweep-'));
  process.env.DUBAN_DATA_DIR = dir;
  process.env.DUBAN_DEMO = 'false';
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
    return await fn(app, app.get(DatabaseService));
  } finally {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSweep(): Promise<void> {
  console.log(
    `\n== Deadline sweep (issues 3, 10): ${TASKS.toLocaleString()} tasks, ${(TASKS * NODES).toLocaleString()} nodes, ${DUE.toLocaleString()} overdue nodes ==`,
  );
  const now = new Date('2026-06-30T16:00:00.000Z');
  const at = now.toISOString();
  // v1 baseline (same run): the pre-v2 write path on v1 snapshots.
  const v1ms = await withApp(async (_app, db) => {
    const t0 = performance.now();
    await load(db, now, 1);
    line('v1: load', `${fmt((performance.now() - t0) / 1000, 1)} s`);
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    db.sqlite.exec('ANALYZE');
    const r = await sweepV1(db, at);
    line('v1 baseline: sweep (machine v1, pre-v2 write path)', `${fmt(r.ms, 0)} ms  (${r.changed.toLocaleString()} changed, ${r.red.toLocaleString()} red)`);
    return r.ms;
  });
  await withApp(async (app, db) => {
    let t0 = performance.now();
    await load(db, now, 2);
    line('v2: load', `${fmt((performance.now() - t0) / 1000, 1)} s`);
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    db.sqlite.exec('ANALYZE');
    const q = db.sqlite.prepare(DUE_TASKS_SQL);
    q.all(at);
    t0 = performance.now();
    const found = q.all(at).length;
    line('baseline: bare index query for due tasks', `${fmt(performance.now() - t0, 2)} ms (${found.toLocaleString()} rows)`);
    const sweeper = app.get(DeadlineSweeper);
    const r = await sweeper.sweep(at);
    const ratio = r.ms / v1ms;
    line(
      'v2: sweep (the service: machine v2, one node.red-lighted per node)',
      `${fmt(r.ms, 0)} ms  (${r.changed.toLocaleString()} changed, ${r.redNodes.toLocaleString()} red nodes, ${r.failed.length} failed)  ${fmt(ratio, 2)}× v1; bar ≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'NOT MET'}`,
    );
    const appended = (db.sqlite.prepare("SELECT count(*) AS n FROM task_events WHERE type = 'clock.tick'").get() as { n: number }).n;
    const sample = (db.sqlite.prepare("SELECT DISTINCT task_id FROM task_events WHERE type = 'clock.tick' LIMIT 500").all() as { task_id: string }[]).map(
      (x) => x.task_id,
    );
    line('events appended / chains of those tasks intact', `${appended.toLocaleString()} / ${chainsIntact(db, sample) ? 'yes' : 'NO'}`);
    const again = await sweeper.sweep(at);
    line('second sweep, nothing due', `${fmt(again.ms, 2)} ms (${again.changed} changed)  bar ≤ 20 ms: ${again.ms <= 20 ? 'met' : 'NOT MET'}`);
  });
}
