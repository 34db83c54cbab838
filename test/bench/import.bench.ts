import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module.js';
import { SYSTEM_ACTOR } from '../../src/common/actor.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { ImportService, type ImportPhase } from '../../src/imports/import.service.js';
import { parseImport } from '../../src/imports/parse-import.js';
import { fmt, line } from './stats.js';

const TASKS = Number(process.env.BENCH_IMPORT_TASKS ?? 50_000);
const NODES = 4;
const UNITS = 40;
const BAR_SECONDS = 15;

const HEADER = [
  '序号',
  '三级指标',
  '四级指标',
  '节点名称',
  '计划完成时间',
  '节点证明材料',
  '分值',
  '计分方式',
  '评分标准',
  '设置依据',
  '年度目标值',
  '年度证明材料',
  '考核主体',
  '使用部门',
  '任务分解表序号',
  '承接部门',
];
/** The table is for next year, imported before it starts (the usual case): no deadline has passed yet. */
const YEAR = Number(process.env.BENCH_IMPORT_YEAR ?? new Date().getUTCFullYear() + 1);
const DATES = [`${YEAR}-3-31`, `${YEAR}-6-30`, `${YEAR}-9-30`, `${YEAR}-12-31`];
const METHODS = ['完成比例计分法', '绝对否决计分法', '直接计分法'];
export const unitName = (u: number) => `县测试${u}局`;

/**
 * A node table like the 盘山 seed, TASKS items of NODES nodes each: the item's first row carries 序号,
 * points and method; its further nodes are continuation rows (empty 序号), as in the real tables.
 */
export function nodeTable(tasks = TASKS): Buffer {
  const rows: string[] = [`${YEAR} 年市政府对测试县考核指标细则`, HEADER.join('\t')];
  for (let i = 1; i <= tasks; i++) {
    for (let n = 0; n < NODES; n++) {
      const first = n === 0;
      rows.push(
        [
          first ? String(i) : '',
          first ? `经济发展${i % 17}` : '',
          first ? `指标${i}：完成年度任务` : '',
          `第${n + 1}阶段完成${(n + 1) * 25}%`,
          DATES[n]!,
          `阶段证明材料${n + 1}`,
          first ? String(1 + (i % 5)) : '',
          first ? METHODS[i % 3]! : '',
          first ? '完成得满分，未完成按比例计分' : '',
          first ? `任务书第${i}项` : '',
          first ? `全年完成${i % 100}亿元` : '',
          first ? '年度总结' : '',
          first ? '县统计局' : '',
          '',
          '',
          first ? unitName(i % UNITS) : '',
        ].join('\t'),
      );
    }
  }
  return Buffer.from(rows.join('\n') + '\n');
}

export async function benchImport(): Promise<void> {
  console.log(`\n== Import (issue 5): node table of ${TASKS.toLocaleString()} tasks × ${NODES} nodes, parsed and committed ==`);
  const file = { name: 'bench-node-table.tsv', bytes: nodeTable() };
  line('file', `${fmt(file.bytes.length / 1e6, 1)} MB, ${(TASKS * NODES + 2).toLocaleString()} lines`);
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-import-'));
  process.env.DUBAN_DATA_DIR = dir;
  process.env.DUBAN_DEMO = 'false';
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
    const db = app.get(DatabaseService);
    const now = new Date().toISOString();
    await db.transaction(async () => {
      db.sqlite
        .prepare(
          `INSERT INTO plans (id, year, name, timezone, status, warn_working_days, created_at) VALUES ('bench', ?, 'bench', 'Asia/Shanghai', 'draft', 3, ?)`,
        )
        .run(YEAR, now);
      const unit = db.sqlite.prepare(`INSERT INTO units (id, name, kind, aliases, created_at) VALUES (?, ?, 'department', '[]', ?)`);
      for (let u = 0; u < UNITS; u++) unit.run(`u${u}`, unitName(u), now);
      unit.run('u-tjj', '县统计局', now);
    });
    const knownUnits = [...Array.from({ length: UNITS }, (_, u) => unitName(u)), '县统计局'];

    // Baseline 1: the bare parse (the parsing half alone, no database).
    let t0 = performance.now();
    const parsed = await parseImport(file, { year: YEAR, knownUnits });
    const parseMs = performance.now() - t0;
    line(
      'baseline: bare parse (parseImport)',
      `${fmt(parseMs / 1000, 2)} s  (${parsed.model.tasks.length.toLocaleString()} tasks, ${parsed.report.counts.nodes.toLocaleString()} nodes, ${parsed.report.counts.errors} errors)`,
    );

    // Baseline 2: bare batched inserts of the same rows (indicator, task, 4 nodes, 1 event each), one transaction.
    t0 = performance.now();
    await db.transaction(async () => {
      const s = db.sqlite;
      s.prepare(`INSERT INTO plans (id, year, name, created_at) VALUES ('raw', 2026, 'raw', ?)`).run(now);
      const ind = s.prepare(`INSERT INTO indicators (id, plan_id, code, name, points, method_code, created_at) VALUES (?, 'raw', ?, ?, 1, 'ratio', ?)`);
      const task =
        s.prepare(`INSERT INTO tasks (id, plan_id, indicator_id, unit_id, state, light, version, machine_version, snapshot, last_seq, last_hash, created_at, updated_at)
                              VALUES (?, 'raw', ?, 'u0', 'assigned', 'green', 1, 1, ?, 1, ?, ?, ?)`);
      const node = s.prepare(`INSERT INTO nodes (task_id, seq, due_date, due_at, warn_at, stage_target) VALUES (?, ?, ?, ?, ?, ?)`);
      const ev =
        s.prepare(`INSERT INTO task_events (task_id, seq, type, payload, actor_role, occurred_at, recorded_at, state_after, machine_version, prev_hash, hash)
                            VALUES (?, 1, 'task.created', ?, 'system', ?, ?, '"live"', 1, ?, ?)`);
      const snapshot = 'x'.repeat(2400);
      const payload = 'y'.repeat(1200);
      for (let i = 0; i < TASKS; i++) {
        ind.run(`ri${i}`, String(i), `指标${i}`, now);
        task.run(`rt${i}`, `ri${i}`, snapshot, 'h'.repeat(64), now, now);
        for (let n = 1; n <= NODES; n++) node.run(`rt${i}`, n, '2026-06-30', now, now, `第${n}阶段`);
        ev.run(`rt${i}`, payload, now, now, '0'.repeat(64), 'h'.repeat(64));
      }
    });
    line('baseline: bare batched inserts, same row count', `${fmt((performance.now() - t0) / 1000, 2)} s`);

    // The import: parse + compare + write, every task through the write path, one transaction.
    const imports = app.get(ImportService);
    const phases: Partial<Record<ImportPhase, number>> = {};
    let last = performance.now();
    let phase: ImportPhase | null = null;
    const progress = (p: ImportPhase) => {
      if (p !== phase) {
        const at = performance.now();
        if (phase) phases[phase] = (phases[phase] ?? 0) + (at - last);
        phase = p;
        last = at;
      }
    };
    t0 = performance.now();
    const r = await imports.run(file, { planId: 'bench', commit: true }, SYSTEM_ACTOR, progress);
    const totalMs = performance.now() - t0;
    const ended = phase as ImportPhase | null;
    if (ended) phases[ended] = (phases[ended] ?? 0) + (performance.now() - last);
    const events = (
      db.sqlite.prepare(`SELECT count(*) AS n FROM task_events e JOIN tasks t ON t.id = e.task_id WHERE t.plan_id = 'bench'`).get() as { n: number }
    ).n;
    line(
      'import --commit: parse + compare + write',
      `${fmt(totalMs / 1000, 2)} s  (${r.outcome}, ${r.counts.tasks.create.toLocaleString()} tasks, ${r.counts.nodes.create.toLocaleString()} nodes, ${events.toLocaleString()} events)  bar ≤ ${BAR_SECONDS} s: ${totalMs <= BAR_SECONDS * 1000 ? 'met' : 'NOT MET'}`,
    );
    line('  of which parse / compare / write', (['parse', 'plan', 'write'] as const).map((p) => `${fmt((phases[p] ?? 0) / 1000, 2)} s`).join(' / '));
    line('  write throughput', `${fmt(r.counts.tasks.create / ((phases.write ?? 1) / 1000), 0)} tasks/s through the write path`);

    t0 = performance.now();
    const again = await imports.run(file, { planId: 'bench', commit: true }, SYSTEM_ACTOR);
    line(
      're-import of the same file (nothing to change)',
      `${fmt((performance.now() - t0) / 1000, 2)} s  (${again.outcome}, ${again.counts.tasks.unchanged.toLocaleString()} unchanged)`,
    );
  } finally {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
