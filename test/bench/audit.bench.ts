import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyTaskEvent, initialTaskTransition, TASK_MACHINE_VERSION, type TaskEvent, type TaskInput } from '../../workflows/task/index.js';
import { AppModule } from '../../src/app.module.js';
import { AuditRepository } from '../../src/audit/audit.repository.js';
import { canonicalJson, eventHash, GENESIS_HASH } from '../../src/audit/event-hash.js';
import { HistoryService } from '../../src/audit/history.service.js';
import { IntegrityService } from '../../src/audit/integrity.service.js';
import { SYSTEM_ACTOR, type Actor } from '../../src/common/actor.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { IndicatorsService } from '../../src/indicators/indicators.service.js';
import { PlansService } from '../../src/plans/plans.service.js';
import { TaskCommandService } from '../../src/tasks/task-commands.service.js';
import { UnitsService } from '../../src/units/units.service.js';
import { fmt, line, percentile } from './stats.js';

const DAY = 86_400_000;
const BIG_TASKS = Number(process.env.BENCH_AUDIT_TASKS ?? 1_000);
const BIG_EVENTS_PER_TASK = Number(process.env.BENCH_AUDIT_EVENTS_PER_TASK ?? 1_000);

async function withContext<T>(fn: (app: INestApplicationContext) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-audit-'));
  process.env.DUBAN_DATA_DIR = dir;
  process.env.DUBAN_DEMO = 'false';
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    return await fn(app);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timed(runs: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

/**
 * One task of exactly 1,000 events through the real write path: created, acknowledged, then 10 nodes, each
 * returned for rework many times (49 times; the first node 48) before it is approved.
 */
async function longTask(app: INestApplicationContext): Promise<string> {
  await app.get(UnitsService).create({ id: 'u-dept', name: '县发改局', kind: 'department' });
  await app.get(UnitsService).create({ id: 'u-assess', name: '县统计局', kind: 'department' });
  await app.get(PlansService).create({ id: 'bench', year: 2026, name: 'bench' });
  const ind = await app
    .get(IndicatorsService)
    .create({ planId: 'bench', code: 'L1', name: '长历史', points: 10, methodCode: 'node_platform', assessingUnitId: 'u-assess' });
  const start = Date.now();
  const nodes = Array.from({ length: 10 }, (_, i) => {
    const due = start + (400 + 30 * i) * DAY;
    return {
      seq: i + 1,
      dueDate: new Date(due).toISOString().slice(0, 10),
      dueAt: new Date(due).toISOString(),
      warnAt: new Date(due - 3 * DAY).toISOString(),
      stageTarget: `节点${i + 1}`,
      stageValue: i,
      requiredEvidence: '进度报告',
      redDeduction: 0.5,
    };
  });
  const sup: Actor = { userId: 'sup', role: 'supervisor', unitId: null };
  const dept: Actor = { userId: 'dept', role: 'department', unitId: 'u-dept' };
  const assessor: Actor = { userId: 'assessor', role: 'assessor', unitId: 'u-assess' };
  const commands = app.get(TaskCommandService);
  const { taskId } = await commands.create({ planId: 'bench', indicatorId: ind.id, unitId: 'u-dept', isLead: true, nodes }, sup);
  let at = start + 60_000;
  const send = async (e: Omit<TaskEvent, 'at'>, who: Actor) =>
    await commands.apply(taskId, { ...e, at: new Date((at += 60_000)).toISOString() } as TaskEvent, who);
  await send({ type: 'task.acknowledge' }, dept);
  for (let n = 0; n < 10; n++) {
    for (let k = 0; k < (n === 0 ? 48 : 49); k++) {
      await send({ type: 'evidence.submit', completedValue: k, note: `第${n + 1}节点第${k + 1}次报送` } as never, dept);
      await send({ type: 'evidence.return', reason: '请补充盖章材料' } as never, assessor);
    }
    await send({ type: 'evidence.submit', completedValue: n, note: '已补充' } as never, dept);
    await send({ type: 'evidence.approve', reviewedValue: n, comment: '同意' } as never, assessor);
  }
  return taskId;
}

/** The floor under any replay: the same events through the machine's applyTaskEvent, nothing else. */
function machineOnly(rows: { type: string; occurred_at: string; payload: string }[]): () => void {
  const input = (JSON.parse(rows[0].payload) as { data: { input: TaskInput } }).data.input;
  const events = rows.slice(1).map((r) => ({ ...(JSON.parse(r.payload) as { data: object }).data, type: r.type, at: r.occurred_at }) as TaskEvent);
  return () => {
    let s = initialTaskTransition(input, rows[0].occurred_at).snapshot;
    for (const e of events) {
      const r = applyTaskEvent(s, e);
      if (!r.ok) throw new Error(`refused ${e.type}`);
      s = r.snapshot;
    }
  };
}

/**
 * BIG_TASKS tasks of BIG_EVENTS_PER_TASK events each, written fast (prepared inserts, one transaction) but
 * with real canonical payloads and real chained hashes, and the task rows' heads to match.
 */
async function loadBig(db: DatabaseService): Promise<number> {
  const s = db.sqlite;
  const created = '2026-01-05T01:00:00.000Z';
  const input = { nodes: [{ seq: 1, dueAt: '2026-12-31T15:59:59.000Z', warnAt: '2026-12-28T16:00:00.000Z' }] };
  const init = initialTaskTransition(input, created).snapshot;
  const snapshot = JSON.stringify({ value: init.value, context: init.context });
  const states = {
    open: canonicalJson({ live: { extension: 'none', light: 'green', progress: 'open' } }),
    submitted: canonicalJson({ live: { extension: 'none', light: 'green', progress: 'submitted' } }),
    returned: canonicalJson({ live: { extension: 'none', light: 'green', progress: 'returned' } }),
  };
  const dept = '{"actor":{"role":"department","unit":"u-dept","user":"dept"},"data":';
  const assessor = '{"actor":{"role":"assessor","unit":"u-assess","user":"assessor"},"data":';
  const tail = ',"machineVersion":1}';
  let rows = 0;
  await db.transaction(async () => {
    s.prepare(
      `INSERT INTO plans (id, year, name, timezone, status, warn_working_days, created_at) VALUES ('big', 2026, 'big', 'Asia/Shanghai', 'published', 3, ?)`,
    ).run(created);
    s.prepare(
      `INSERT INTO units (id, name, kind, aliases, created_at) VALUES ('u-dept', '县发改局', 'department', '[]', ?), ('u-assess', '县统计局', 'department', '[]', ?)`,
    ).run(created, created);
    const ind =
      s.prepare(`INSERT INTO indicators (id, plan_id, code, name, points, method_code, method_params, category_path, direction, assessing_unit_id, created_at)
                           VALUES (?, 'big', ?, ?, 10, 'node_platform', '{}', '[]', 'higher', 'u-assess', ?)`);
    const task = s.prepare(`INSERT INTO tasks (id, plan_id, indicator_id, unit_id, is_lead, state, light, current_node_seq, next_deadline_at, red_count,
                             version, machine_version, snapshot, last_seq, last_hash, created_at, updated_at)
                            VALUES (?, 'big', ?, 'u-dept', 1, 'returned', 'green', 1, NULL, 0, ?, ?, ?, ?, ?, ?, ?)`);
    const ev = s.prepare(`INSERT INTO task_events (task_id, seq, type, payload, actor_user_id, actor_role, actor_unit_id, occurred_at, recorded_at,
                           state_before, state_after, machine_version, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const t0 = Date.parse(created);
    for (let t = 0; t < BIG_TASKS; t++) {
      const taskId = `big-${String(t).padStart(6, '0')}`;
      ind.run(`bi${t}`, `B${t}`, `指标${t}`, created);
      let prev = GENESIS_HASH;
      let hash = '';
      let before: string | null = null;
      const batch: unknown[][] = [];
      for (let seq = 1; seq <= BIG_EVENTS_PER_TASK; seq++) {
        const at = new Date(t0 + seq * 60_000).toISOString();
        let type: string;
        let payload: string;
        let after: string;
        let actor: [string | null, string, string | null];
        if (seq === 1) {
          type = 'task.created';
          payload = canonicalJson({
            actor: { role: 'system', unit: null, user: null },
            data: { input, task: { planId: 'big', indicatorId: `bi${t}`, unitId: 'u-dept', isLead: true } },
            machineVersion: 1,
          });
          after = canonicalJson(init.value);
          actor = [null, 'system', null];
        } else if (seq === 2) {
          type = 'task.acknowledge';
          payload = `${dept}{}${tail}`;
          after = states.open;
          actor = ['dept', 'department', 'u-dept'];
        } else if (seq % 2 === 1) {
          type = 'evidence.submit';
          payload = `${dept}{"completedValue":${seq},"note":"第${seq}次提交"}${tail}`;
          after = states.submitted;
          actor = ['dept', 'department', 'u-dept'];
        } else {
          type = 'evidence.return';
          payload = `${assessor}{"reason":"请补充第${seq}项材料"}${tail}`;
          after = states.returned;
          actor = ['assessor', 'assessor', 'u-assess'];
        }
        hash = eventHash({ prevHash: prev, taskId, seq, type, occurredAt: at, payload });
        batch.push([taskId, seq, type, payload, actor[0], actor[1], actor[2], at, at, before, after, TASK_MACHINE_VERSION, prev, hash]);
        prev = hash;
        before = after;
      }
      task.run(taskId, `bi${t}`, BIG_EVENTS_PER_TASK, TASK_MACHINE_VERSION, snapshot, BIG_EVENTS_PER_TASK, hash, created, created);
      for (const r of batch) ev.run(...r);
      rows += batch.length;
    }
  });
  return rows;
}

export async function benchAudit(): Promise<void> {
  console.log('\n== Audit (issue 6): replay + verify one task of 1,000 events; verify the chains of 1,000,000 events ==');

  await withContext(async (app) => {
    const t0 = performance.now();
    const taskId = await longTask(app);
    const events = (app.get(DatabaseService).sqlite.prepare('SELECT count(*) AS n FROM task_events WHERE task_id = ?').get(taskId) as { n: number }).n;
    line(`one task of ${events} events through the write path`, `${fmt((performance.now() - t0) / 1000, 1)} s (setup)`);
    const repo = app.get(AuditRepository);
    const history = app.get(HistoryService);
    await timed(3, async () => await repo.events(taskId));
    const bare = await timed(20, async () => await repo.events(taskId));
    line('baseline: bare read of its rows', `${fmt(percentile(bare, 50), 2)} ms median  (max ${fmt(bare.at(-1)!, 2)} ms)`);
    const fold = machineOnly(await repo.events(taskId));
    await timed(3, fold);
    const machine = await timed(20, fold);
    line('baseline: the machine alone (applyTaskEvent × 1,000)', `${fmt(percentile(machine, 50), 1)} ms median  (max ${fmt(machine.at(-1)!, 1)} ms)`);
    const check = await history.replay(taskId, SYSTEM_ACTOR);
    if (!check.ok) throw new Error(`the long task does not replay: ${check.divergence?.message ?? JSON.stringify(check.chain.breaks[0])}`);
    await timed(3, async () => await history.replay(taskId, SYSTEM_ACTOR));
    const replay = await timed(20, async () => await history.replay(taskId, SYSTEM_ACTOR));
    const med = percentile(replay, 50);
    line(
      'replay + chain verify + end vs stored snapshot',
      `${fmt(med, 1)} ms median  (max ${fmt(replay.at(-1)!, 1)} ms; ${fmt((med * 1000) / events, 1)} µs/event)  bar ≤ 50 ms: ${med <= 50 ? 'met' : 'NOT MET'}`,
    );
    const end = new Date(Date.now() + 400 * DAY).toISOString();
    const asOf = await timed(10, async () => await history.asOf(taskId, end, SYSTEM_ACTOR));
    line('as-of after its last event (read + fold + tick)', `${fmt(percentile(asOf, 50), 1)} ms median`);
  });

  await withContext(async (app) => {
    const db = app.get(DatabaseService);
    let t0 = performance.now();
    const rows = await loadBig(db);
    line(`load ${rows.toLocaleString()} events in ${BIG_TASKS.toLocaleString()} tasks (real hashes)`, `${fmt((performance.now() - t0) / 1000, 1)} s (setup)`);
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const integrity = app.get(IntegrityService);
    t0 = performance.now();
    const cp = await integrity.checkpoint(SYSTEM_ACTOR);
    line('first checkpoint (walks every chain, seals every head)', `${fmt((performance.now() - t0) / 1000, 2)} s  (${cp.breaks.length} breaks)`);
    const repo = app.get(AuditRepository);
    const bare: number[] = [];
    const verify: number[] = [];
    let report: Awaited<ReturnType<IntegrityService['verify']>> | undefined;
    for (let i = 0; i < 3; i++) {
      let s = performance.now();
      const n = await repo.read(async () => repo.countEventTuples());
      bare.push(performance.now() - s);
      if (n !== rows) throw new Error(`read ${n} rows, expected ${rows}`);
      s = performance.now();
      report = await integrity.verify({ evidence: false, replay: false });
      verify.push(performance.now() - s);
    }
    bare.sort((a, b) => a - b);
    verify.sort((a, b) => a - b);
    const b = percentile(bare, 50) / 1000;
    const v = percentile(verify, 50) / 1000;
    line('baseline: bare read of those rows (same query)', `${fmt(b, 2)} s median of 3  (${fmt(rows / b / 1000, 0)}k rows/s)`);
    line(
      'verify: every chain + checkpoint chain + sealed heads',
      `${fmt(v, 2)} s median of 3  (${fmt(v / b, 1)}× the bare read; ${report!.breaks.length} breaks)  bar ≤ 10 s: ${v <= 10 ? 'met' : 'NOT MET'}`,
    );
  });
}
