import type { INestApplicationContext } from '@nestjs/common';
import { scoringFactsOf } from '../../src/tasks/scoring-facts.js';
import type { TaskContext } from '../../workflows/task/index.js';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyTaskEvent,
  initialTaskSnapshot,
  TASK_MACHINE_VERSION,
  viewOf,
  withDefaultNode,
  type TaskEvent,
  type TaskSnapshot,
} from '../../workflows/task/index.js';
import { AppModule } from '../../src/app.module.js';
import type { Actor } from '../../src/common/actor.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { PlansService } from '../../src/plans/plans.service.js';
import { computePlanScores } from '../../src/scoring/plan-scores.js';
import { allocateLargestRemainder } from '../../src/scoring/quota.js';
import { ScoresRepository } from '../../src/scores/scores.repository.js';
import { ScoresService } from '../../src/scores/scores.service.js';
import { fmt, line, percentile } from './stats.js';

const UNITS = Number(process.env.BENCH_SCORING_UNITS ?? 50);
const INDICATORS = Number(process.env.BENCH_SCORING_INDICATORS ?? 200);
const RUNS = 15;
const PLAN = 'bench-scoring';
const GRADES = ['优秀', '良好', '一般', '较差'];

/** Sentinels replaced per task in the snapshot text, so every task carries its own values. */
const RV = 987654.125;
const CV = 876543.125;
const AP = 7654.125;

/**
 * Real snapshots from the task machine (workflows/task), five shapes of a three-node task: done with
 * values and a red light; done with offline evidence; in progress (node 1 approved, node 2 submitted);
 * late (node 1 red, nothing approved); a qualitative node 2 approved without a value after a valued node 1.
 */
function shapes(): { snapshot: TaskSnapshot; text: string }[] {
  const nodes = [
    { seq: 1, dueAt: '2026-03-31T15:59:59.000Z', warnAt: '2026-03-26T16:00:00.000Z', stageTarget: '一季度', stageValue: 5, redDeduction: 0.5 },
    { seq: 2, dueAt: '2026-06-30T15:59:59.000Z', warnAt: '2026-06-25T16:00:00.000Z', stageTarget: '上半年', stageValue: 10, redDeduction: 1 },
    { seq: 3, dueAt: '2026-12-31T15:59:59.000Z', warnAt: '2026-12-26T16:00:00.000Z', stageTarget: '全年', stageValue: 20, redDeduction: null },
  ];
  const walk = (events: Record<string, unknown>[][]): TaskSnapshot => {
    let s = initialTaskSnapshot({ nodes }, '2026-01-05T00:00:00.000Z');
    const days = ['2026-01-10', '2026-04-03', '2026-06-20', '2026-11-20']; // before the close's clock (a close on 2026-12-07 refused events dated later)
    events.forEach((batch, i) => {
      let h = 1;
      for (const e of batch) {
        // Machine v2 names the node: the one the write path picks for an event without nodeSeq.
        const r = applyTaskEvent(s, withDefaultNode(s, { ...e, at: `${days[i]}T0${h++}:00:00.000Z` } as TaskEvent));
        if (!r.ok) throw new Error(`bench shape: ${e.type} refused in ${r.state}`);
        s = r.snapshot;
      }
    });
    return s;
  };
  const ack = { type: 'task.acknowledge' };
  const tick = { type: 'clock.tick' };
  const done = walk([
    [ack],
    [tick, { type: 'evidence.submit', completedValue: 4 }, { type: 'evidence.approve', reviewedValue: 4 }],
    [
      { type: 'evidence.submit', completedValue: 9 },
      { type: 'evidence.approve', reviewedValue: 9 },
    ],
    [
      { type: 'evidence.submit', completedValue: CV },
      { type: 'evidence.approve', reviewedValue: RV, assessorPoints: AP, comment: '审定' },
    ],
  ]);
  // Offline evidence (classified material): the assessor still enters the reviewed values.
  const offline = walk([
    [ack],
    [
      { type: 'evidence.submit', offline: true, note: '线下' },
      { type: 'evidence.approve', reviewedValue: 4 },
    ],
    [
      { type: 'evidence.submit', offline: true, note: '线下' },
      { type: 'evidence.approve', reviewedValue: 9 },
    ],
    [
      { type: 'evidence.submit', offline: true, note: '线下' },
      { type: 'evidence.approve', reviewedValue: RV, assessorPoints: AP },
    ],
  ]);
  const progress = walk([
    [ack, { type: 'evidence.submit', completedValue: CV }, { type: 'evidence.approve', reviewedValue: RV, assessorPoints: AP }],
    [],
    [{ type: 'evidence.submit', completedValue: 11 }],
  ]);
  const late = walk([[ack], [tick]]);
  // A qualitative milestone approved after a valued one: the value comes from the earlier node (the rare path).
  const interim = walk([
    [ack, { type: 'evidence.submit', completedValue: CV }, { type: 'evidence.approve', reviewedValue: RV, assessorPoints: AP }],
    [],
    [
      { type: 'evidence.submit', offline: true, note: '项目已开工' },
      { type: 'evidence.approve', comment: '同意' },
    ],
  ]);
  return [done, offline, progress, late, interim].map((snapshot) => ({ snapshot, text: JSON.stringify({ value: snapshot.value, context: snapshot.context }) }));
}

const METHODS: [string, string][] = [
  ['ratio', '{}'],
  ['ratio', '{}'],
  ['ratio', '{}'],
  ['ratio', '{"weightOfRatio":0.9,"assessorPoints":true}'],
  ['node_platform', '{}'],
  ['node_platform', '{}'],
  ['node_deduction', '{"deductionPerRedNode":1}'],
  ['all_or_nothing', '{}'],
  ['direct', '{"mode":"per_occurrence","deductionPerOccurrence":0.5}'],
  ['efficacy', '{"bounds":"group"}'],
];

/** Fast load with prepared inserts in one transaction: units, groups, indicators, tasks with real snapshots and their nodes, ballots, unit events. */
export async function loadScoringPlan(db: DatabaseService): Promise<{ tasks: number; ballots: number }> {
  const s = db.sqlite;
  const at = '2026-01-05T00:00:00.000Z';
  const sh = shapes();
  let tasks = 0;
  let ballots = 0;
  await db.transaction(async () => {
    s.prepare(
      `INSERT INTO plans (id, year, name, timezone, status, warn_working_days, created_at) VALUES (?, 2026, '评分基准', 'Asia/Shanghai', 'published', 3, ?)`,
    ).run(PLAN, at);
    const unit = s.prepare(`INSERT INTO units (id, name, kind, aliases, created_at) VALUES (?, ?, 'town', '[]', ?)`);
    for (let u = 0; u < UNITS; u++) unit.run(`su${u}`, `基准单位${u}`, at);
    unit.run('su-assess', '基准考核单位', at);
    s.prepare(`INSERT INTO plan_groups (id, plan_id, name, kind) VALUES ('g-towns', ?, '镇街组', 'towns'), ('g-parks', ?, '园区组', 'parks')`).run(PLAN, PLAN);
    const member = s.prepare('INSERT INTO group_members (group_id, unit_id) VALUES (?, ?)');
    const groupOf = (u: number) => (u < UNITS / 2 ? 'g-towns' : 'g-parks');
    for (let u = 0; u < UNITS; u++) member.run(groupOf(u), `su${u}`);
    s.prepare(
      `INSERT INTO plan_scoring (plan_id, template_id, group_templates, indicator_rules, updated_by, updated_at) VALUES (?, 'county-towns', '{}', '{}', NULL, ?)`,
    ).run(PLAN, at);
    const ind =
      s.prepare(`INSERT INTO indicators (id, plan_id, code, category_path, name, points, method_code, method_params, target_value, target_unit, direction, target_text, assessing_unit_id, created_at)
                           VALUES (?, ?, ?, '[]', ?, ?, ?, ?, 20, NULL, 'higher', NULL, 'su-assess', ?)`);
    for (let i = 0; i < INDICATORS; i++) {
      const [code, params] = METHODS[i % METHODS.length];
      ind.run(`si${i}`, PLAN, String(i).padStart(3, '0'), `基准指标${i}`, 2 + (i % 5), code, params, at);
    }
    const task = s.prepare(`INSERT INTO tasks (id, plan_id, indicator_id, unit_id, is_lead, state, light, current_node_seq, next_deadline_at, red_count,
                             version, machine_version, snapshot, last_seq, last_hash, created_at, updated_at, scoring_facts)
                            VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, 1, ?, ?, 1, ?, ?, ?, ?)`);
    const node =
      s.prepare(`INSERT INTO nodes (task_id, seq, due_date, due_at, warn_at, stage_target, stage_value, required_evidence, red_deduction, status, red_lighted, approved_at, late_days)
                            VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`);
    for (let u = 0; u < UNITS; u++) {
      for (let i = 0; i < INDICATORS; i++) {
        if ((u * 7 + i * 13) % 33 === 0) continue; // ~3% of units do not carry an indicator
        const shape = sh[(u * 3 + i) % sh.length];
        // 12.00 … 21.99; a count of lapses for the direct method
        const value = METHODS[i % METHODS.length][0] === 'direct' ? (u + i) % 8 : 12 + ((u * 31 + i * 17) % 1000) / 100;
        const text = shape.text
          .replaceAll(String(RV), String(value))
          .replaceAll(String(CV), String(value + 0.1))
          .replaceAll(String(AP), String((u + i) % 3));
        const v = viewOf(shape.snapshot);
        const id = `st${u}-${i}`;
        // The facts column as the write path keeps it (computed from the stored text's own context).
        const facts = scoringFactsOf((JSON.parse(text) as { context: TaskContext }).context);
        task.run(
          id,
          PLAN,
          `si${i}`,
          `su${u}`,
          v.state,
          v.light,
          v.currentNodeSeq,
          v.nextDeadlineAt,
          v.redCount,
          TASK_MACHINE_VERSION,
          text,
          'x'.repeat(64),
          at,
          at,
          facts,
        );
        for (const n of shape.snapshot.context.nodes) {
          const stage = n.seq === 3 ? 18 + ((u + i) % 5) : n.stageValue; // the unit's own annual target
          node.run(
            id,
            n.seq,
            n.dueAt.slice(0, 10),
            n.dueAt,
            n.warnAt,
            n.stageTarget,
            stage,
            n.redDeduction,
            n.status,
            n.redLighted ? 1 : 0,
            n.approval?.at ?? null,
            n.late ? n.lateDays : null,
          );
        }
        tasks++;
      }
    }
    // Ballots that keep their quotas: 5 leaders and the office for each group, and every unit rates its own group.
    const ballot =
      s.prepare(`INSERT INTO score_ballots (id, plan_id, group_id, evaluator, evaluator_id, evaluator_unit_id, entries, submitted_by, submitted_role, submitted_at)
                              VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 'supervisor', ?)`);
    const grades = (n: number, quota: { key: string; percent: number }[], rotate: number) => {
      const alloc = allocateLargestRemainder(n, quota);
      const seq: string[] = [];
      alloc.allocations.forEach((a) => seq.push(...Array<string>(a.seats).fill(a.key!)));
      while (seq.length < n) seq.push('一般');
      return Array.from({ length: n }, (_, k) => seq[(k + rotate) % n]);
    };
    const leadersQuota = [30, 50, 15, 5].map((percent, k) => ({ key: GRADES[k], percent }));
    const peersQuota = [
      { key: '优秀', percent: 30 },
      { key: '良好', percent: 50 },
    ];
    for (const g of ['g-towns', 'g-parks']) {
      const members = Array.from({ length: UNITS }, (_, u) => u).filter((u) => groupOf(u) === g);
      for (let l = 0; l < 5; l++) {
        const gs = grades(members.length, leadersQuota, l * 3);
        ballot.run(`b-${g}-l${l}`, PLAN, g, 'leaders', `领导${l}`, null, JSON.stringify(members.map((u, k) => ({ unitId: `su${u}`, grade: gs[k] }))), at);
        ballots++;
      }
      ballot.run(
        `b-${g}-office`,
        PLAN,
        g,
        'office',
        '绩效办',
        null,
        JSON.stringify(members.map((u) => ({ unitId: `su${u}`, score: 70 + ((u * 7) % 30) }))),
        at,
      );
      ballots++;
      for (const rater of members) {
        const rated = members.filter((u) => u !== rater);
        const gs = grades(rated.length, peersQuota, rater);
        ballot.run(
          `b-${g}-p${rater}`,
          PLAN,
          g,
          'peers',
          `su${rater}`,
          `su${rater}`,
          JSON.stringify(rated.map((u, k) => ({ unitId: `su${u}`, grade: gs[k] }))),
          at,
        );
        ballots++;
      }
    }
    const ev = s.prepare(
      `INSERT INTO unit_score_events (id, plan_id, unit_id, type, item, points, note, recorded_by, recorded_role, recorded_at) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, 'supervisor', ?)`,
    );
    ev.run('e1', PLAN, 'su1', 'bonus', 'national_comprehensive_commendation', null, at);
    ev.run('e2', PLAN, 'su2', 'bonus', 'national_leader_praise', null, at);
    ev.run('e3', PLAN, 'su2', 'bonus', 'national_leader_praise', null, at);
    ev.run('e4', PLAN, 'su3', 'deduction', 'supervision_criticism', null, at);
    ev.run('e5', PLAN, 'su4', 'negative_list', 'environmental_inspection', 1.5, at);
    ev.run('e6', PLAN, 'su30', 'veto', 'social_stability_veto', null, at);
  });
  return { tasks, ballots };
}

/** Median and best wall time, and median CPU time of this process (user + system, GC threads included). */
async function timed(runs: number, fn: () => unknown): Promise<{ median: number; best: number; cpu: number }> {
  await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { median: percentile(wall, 50), best: wall[0], cpu: percentile(cpu, 50) };
}

const show = (t: { median: number; best: number; cpu: number }, digits = 1) =>
  `${fmt(t.median, digits)} ms median (best ${fmt(t.best, digits)}, CPU ${fmt(t.cpu, digits)})`;

export async function benchScoring(): Promise<void> {
  console.log(`\n== Scoring (issue 4): ${UNITS} units × ${INDICATORS} indicators, every score, rank and breakdown ==`);
  console.log(
    `  (load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores: wall times include waiting for a core, CPU times do not)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-scoring-'));
  process.env.DUBAN_DATA_DIR = dir;
  process.env.DUBAN_DEMO = 'false';
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
    const db = app.get(DatabaseService);
    let t0 = performance.now();
    const { tasks, ballots } = await loadScoringPlan(db);
    line(
      'load (prepared inserts, one transaction)',
      `${fmt((performance.now() - t0) / 1000, 2)} s (${tasks.toLocaleString()} tasks with real snapshots, ${ballots} ballots)`,
    );
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    db.sqlite.exec('ANALYZE');
    const scores = app.get(ScoresService);
    const repo = app.get(ScoresRepository);

    const c = await scores.computeLive(PLAN);
    const errors = c.scores.issues.filter((i) => i.level === 'error');
    if (c.scores.units.length !== UNITS || errors.length)
      throw new Error(
        `bench data: ${c.scores.units.length} units scored, ${errors.length} errors: ${errors
          .slice(0, 3)
          .map((e) => e.message)
          .join('; ')}`,
      );
    const input = c.built.input;
    const scored = c.scores.units.reduce((n, u) => n + u.indicators.length, 0);

    const pure = await timed(RUNS, () => computePlanScores(input));
    line('baseline: pure computePlanScores (in memory)', `${show(pure)} — ${scored.toLocaleString()} indicator scores, ${UNITS} totals, ranks, grades`);
    const methods = new Map((await repo.indicators(PLAN)).map((i) => [i.id, i.method_code]));
    const query = await timed(RUNS, () => repo.taskFacts(PLAN, methods, { cache: false }));
    line('  task read alone, every row (TASK_FACTS_SQL)', `${show(query)} — ${tasks.toLocaleString()} rows`);
    const bar = (t: { median: number; best: number }) => `bar ≤ 100 ms: ${t.median <= 100 ? 'met' : t.best <= 100 ? 'met by the best run only' : 'NOT MET'}`;
    const cold = await timed(RUNS, async () => {
      repo.clearFactCache();
      await scores.computeLive(PLAN);
    });
    line('from the DB, cold (every task re-read)', `${show(cold)}  ${fmt(cold.median / pure.median, 1)}× pure  ${bar(cold)}`);
    // Steady state: every task's version is read from the database; 1% of the tasks changed since the last read.
    const bump = db.sqlite.prepare(`UPDATE tasks SET version = version + 1 WHERE plan_id = ? AND abs(random()) % 100 = 0`);
    let changed = 0;
    const warm = await timed(RUNS, async () => {
      changed += bump.run(PLAN).changes;
      await scores.computeLive(PLAN);
    });
    line(
      'from the DB, warm (~1% of tasks changed)',
      `${show(warm)}  ${fmt(warm.median / pure.median, 1)}× pure  ${bar(warm)}  (${Math.round(changed / (RUNS + 1))} tasks re-read per run)`,
    );
    const supervisor: Actor = { userId: null, role: 'supervisor', unitId: null, username: 'bench' };
    const view = await timed(RUNS, async () => await scores.planScores(PLAN, { source: 'live', detail: 'full' }, supervisor));
    line('planScores(detail=full), warm', show(view));

    t0 = performance.now();
    await app.get(PlansService).setStatus(PLAN, 'closed', supervisor);
    const closeMs = performance.now() - t0;
    const written = db.sqlite.prepare(`SELECT type, count(*) AS n FROM task_events WHERE type IN ('task.close', 'task.score') GROUP BY type`).all() as {
      type: string;
      n: number;
    }[];
    line(
      'close + freeze (one transaction)',
      `${fmt(closeMs, 0)} ms (${written.map((w) => `${w.n.toLocaleString()} ${w.type}`).join(', ')} through the write path)`,
    );
    const frozenSummary = await timed(RUNS, async () => await scores.planScores(PLAN, { source: 'frozen' }, supervisor));
    const frozenFull = await timed(RUNS, async () => await scores.planScores(PLAN, { source: 'frozen', detail: 'full' }, supervisor));
    line('frozen read: summary', show(frozenSummary, 2));
    line('frozen read: with every breakdown', show(frozenFull));
  } finally {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
