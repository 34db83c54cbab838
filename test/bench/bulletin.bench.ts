import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '../../config/app.config.js';
import { AppModule } from '../../src/app.module.js';
import { HistoryService } from '../../src/audit/history.service.js';
import { BulletinsService } from '../../src/bulletins/bulletins.service.js';
import { SYSTEM_ACTOR } from '../../src/common/actor.js';
import { Clock, FixedClock } from '../../src/common/clock.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { DeadlineSweeper } from '../../src/deadlines/deadline-sweeper.service.js';
import { ImportService } from '../../src/imports/import.service.js';
import { PlansService } from '../../src/plans/plans.service.js';
import { UnitsService } from '../../src/units/units.service.js';
import { fmt, line } from './stats.js';

const UNITS = Number(process.env.BENCH_BULLETIN_UNITS ?? 100);
const PER_UNIT = Number(process.env.BENCH_BULLETIN_INDICATORS ?? 200);
const TASKS = UNITS * PER_UNIT;
const RUNS = 3;
const BAR = 1.5;
/** Last year's plan: every node is past, so the history holds the year's red lights. */
const YEAR = new Date().getUTCFullYear() - 1;
const DATES = [`${YEAR}-3-31`, `${YEAR}-6-30`, `${YEAR}-9-30`, `${YEAR}-12-31`];
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
const unitName = (u: number) => `县通报${u}局`;

/** A node table of TASKS items (4 quarterly nodes each), PER_UNIT items per unit. */
function table(): Buffer {
  const rows: string[] = [`${YEAR} 年度考核指标细则`, HEADER.join('\t')];
  for (let i = 1; i <= TASKS; i++) {
    DATES.forEach((d, n) => {
      const first = n === 0;
      rows.push(
        [
          first ? String(i) : '',
          first ? `类别${i % 13}` : '',
          first ? `指标${i}` : '',
          `第${n + 1}季度完成${(n + 1) * 25}%`,
          d,
          `材料${n + 1}`,
          first ? '2' : '',
          first ? '直接计分法' : '',
          first ? '按节点扣分' : '',
          '',
          '',
          '',
          first ? '县统计局' : '',
          '',
          '',
          first ? unitName(i % UNITS) : '',
        ].join('\t'),
      );
    });
  }
  return Buffer.from(rows.join('\n') + '\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Issue 16's bar: a year-end bulletin of UNITS units × PER_UNIT indicators (TASKS tasks) as of a past
 * instant, beside the as-of board computation alone (HistoryService.boardWith, the pass the bulletin is
 * built on) in the same run: bulletin ≤ 1.5 × board. Tasks come through the real import and their red
 * lights through the real sweep, so the histories are what the write path writes.
 */
export async function benchBulletin(): Promise<void> {
  console.log(`\n== Bulletin as of a past instant (issue 16): ${UNITS} units × ${PER_UNIT} indicators = ${TASKS.toLocaleString()} tasks, 4 nodes each ==`);
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-bulletin-'));
  process.env.DUBAN_DATA_DIR = dir;
  process.env.DUBAN_DEMO = 'false';
  let app: INestApplicationContext | undefined;
  try {
    // The office's year on a clock the bench moves: tasks assigned in January, swept after each quarter.
    const clock = new FixedClock(new Date(`${YEAR}-01-05T02:00:00.000Z`));
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(AppConfig)
      .useValue(loadConfig({ DUBAN_DATA_DIR: dir, DUBAN_DEMO: 'false', DUBAN_JWT_SECRET: 'bench-secret-bench-secret-bench-secret-01' }))
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    app = await moduleRef.init();
    const db = app.get(DatabaseService);
    const units = app.get(UnitsService);
    const plans = app.get(PlansService);
    for (let u = 0; u < UNITS; u++) await units.create({ id: `u${u}`, name: unitName(u), kind: 'department' });
    await units.create({ id: 'u-tjj', name: '县统计局', kind: 'department' });
    const plan = await plans.create({ id: 'bench', year: YEAR, name: `${YEAR}年度绩效考评` });
    const half = Math.ceil(UNITS / 2);
    await plans.createGroup(plan.id, { name: '第一组', kind: 'department', unitIds: Array.from({ length: half }, (_, u) => `u${u}`) });
    await plans.createGroup(plan.id, { name: '第二组', kind: 'department', unitIds: Array.from({ length: UNITS - half }, (_, u) => `u${u + half}`) });

    let t0 = performance.now();
    const r = await app.get(ImportService).run({ name: 'bench-bulletin.tsv', bytes: table() }, { planId: plan.id, commit: true }, SYSTEM_ACTOR);
    line('set-up: import', `${fmt((performance.now() - t0) / 1000, 1)} s (${r.outcome}, ${r.counts.tasks.create.toLocaleString()} tasks)`);
    await plans.setStatus(plan.id, 'published');
    t0 = performance.now();
    let red = 0;
    for (const day of ['04-02', '07-02', '10-09', '12-31']) {
      clock.set(`${YEAR}-${day}T02:00:00.000Z`);
      red += (await app.get(DeadlineSweeper).sweep()).red;
    }
    const events = Number(await db.value(`SELECT count(*) FROM task_events e JOIN tasks t ON t.id = e.task_id WHERE t.plan_id = 'bench'`));
    line(
      'set-up: a sweep after each quarter (the red lights)',
      `${fmt((performance.now() - t0) / 1000, 1)} s (${red.toLocaleString()} red, ${events.toLocaleString()} events in all)`,
    );

    const bulletins = app.get(BulletinsService);
    const history = app.get(HistoryService);
    const series = await bulletins.createSeries(plan.id, { name: '年度通报', frequency: 'year-end', measure: 'red-nodes' }, SYSTEM_ACTOR);
    // As of 1 October (Beijing): three of the four quarterly nodes are due by then.
    const cutOff = `${YEAR}-09-30T16:00:00.000Z`;
    const boardMs: number[] = [];
    const bulletinMs: number[] = [];
    let content: Awaited<ReturnType<typeof bulletins.compute>> | undefined;
    // One pass of each first (statement caches, JIT), not counted.
    await history.boardWith(plan.id, cutOff, SYSTEM_ACTOR);
    await bulletins.compute(series, cutOff);
    for (let i = 0; i < RUNS; i++) {
      t0 = performance.now();
      const board = await history.boardWith(plan.id, cutOff, SYSTEM_ACTOR);
      boardMs.push(performance.now() - t0);
      if (board.tasks !== TASKS) throw new Error(`board counted ${board.tasks} tasks, not ${TASKS}`);
      t0 = performance.now();
      content = await bulletins.compute(series, cutOff);
      bulletinMs.push(performance.now() - t0);
    }
    const b = median(boardMs);
    const c = median(bulletinMs);
    line('baseline: as-of board alone (median of 3)', `${fmt(b / 1000, 2)} s  (${fmt(TASKS / (b / 1000), 0)} task histories/s)`);
    line('bulletin as of the same instant (median of 3)', `${fmt(c / 1000, 2)} s  (${JSON.stringify(content).length.toLocaleString()} bytes of content)`);
    line('ratio bulletin / board', `${fmt(c / b, 2)} ×  bar ≤ ${BAR} ×: ${c / b <= BAR ? 'met' : 'NOT MET'}`);
  } finally {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
