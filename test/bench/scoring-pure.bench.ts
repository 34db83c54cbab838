/**
 * `npm run bench -- scoring-pure`: the pure scoring engine, no database. 50 units × 200 indicators in one
 * plan under three templates (towns on county-points-towns, parks on county-towns/parks, departments on
 * county-points-departments: tags, co-units, constraint indicators, in-principle quotas), ballots and unit
 * events; then `simulatePlanScores` of one changed fact, beside the pure computation in the same run.
 * Nothing here asserts on time.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { UnitEvent } from '../../src/scoring/adjustments.js';
import type { Ballot } from '../../src/scoring/evaluation.js';
import { computePlanScores, runPlanScores } from '../../src/scoring/plan-scores.js';
import type { PlanScoringIndicator, PlanScoringInput, PlanScoringTask } from '../../src/scoring/plan-types.js';
import type { PlanTemplate } from '../../src/scoring/plan-template.js';
import { parsePlanTemplate } from '../../src/scoring/plan-template.loader.js';
import { allocateLargestRemainder } from '../../src/scoring/quota.js';
import { type PlanChange, simulatePlanScores } from '../../src/scoring/simulate.js';
import { fmt, line } from './stats.js';

const UNITS = Number(process.env.BENCH_SCORING_UNITS ?? 50);
const INDICATORS = Number(process.env.BENCH_SCORING_INDICATORS ?? 200);
const RUNS = Number(process.env.BENCH_SCORING_RUNS ?? 25);

const template = (id: string): PlanTemplate => parsePlanTemplate(readFileSync(resolve(process.cwd(), 'config/plan-templates', `${id}.json`), 'utf8'), id);

/** A deterministic pseudo-random sequence (so every run scores the same plan). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const METHODS: PlanScoringIndicator['method'][] = [
  { code: 'ratio', params: {} },
  { code: 'ratio', params: { weightOfRatio: 0.9, assessorPoints: true, capAt: 'total' } },
  { code: 'ratio', params: { policyAdjustment: true } },
  { code: 'ratio', params: { direction: 'lower' } },
  { code: 'all_or_nothing' },
  { code: 'direct', params: { mode: 'per_occurrence', deductionPerOccurrence: 0.5 } },
  { code: 'direct', params: { mode: 'per_missed_item', deductionPerItem: 1, items: 4 } },
  {
    code: 'direct',
    params: {
      mode: 'sub_items',
      items: [
        { key: 'a', points: 1 },
        { key: 'b', points: 2 },
      ],
    },
  },
  { code: 'node_platform' },
  { code: 'node_deduction', params: { deductionPerRedNode: 0.5 } },
  { code: 'efficacy', params: { bounds: 'group' } },
];

/** The plan: 40% towns, 20% parks, 40% departments. */
export function pureScoringInput(units = UNITS, indicators = INDICATORS): PlanScoringInput {
  const rand = rng(20261213);
  const inds: PlanScoringIndicator[] = Array.from({ length: indicators }, (_, i) => {
    const method = METHODS[i % METHODS.length];
    const points = method.code === 'direct' && (method.params as { mode: string }).mode === 'sub_items' ? 3 : 1 + (i % 6);
    const ind: PlanScoringIndicator = { id: `i${i}`, name: `指标${i}`, points, method, tag: i % 10 === 9 ? 'common' : 'individual' };
    if (i % 50 === 7) ind.kind = 'constraint';
    return ind;
  });
  const groupOf = (u: number): string => (u < units * 0.4 ? 'towns' : u < units * 0.6 ? 'parks' : 'depts');
  const unitList = Array.from({ length: units }, (_, u) => ({ id: `u${u}`, name: `单位${u}`, groupId: groupOf(u) }));
  const tasks: PlanScoringTask[] = [];
  const leadUnit = Math.ceil(units * 0.6); // the first department leads the indicators that have co-units
  const coIndicator = (i: number): boolean => i % 20 === 3;
  for (let u = 0; u < units; u++) {
    for (let i = 0; i < indicators; i++) {
      if ((u * 7 + i) % 37 === 0 && !(u === leadUnit && coIndicator(i))) continue; // ~3% not carried: group average or excluded
      const m = inds[i].method;
      const r = rand();
      const t: PlanScoringTask = { taskId: `t${u}-${i}`, indicatorId: `i${i}`, unitId: `u${u}`, facts: {} };
      switch (m.code) {
        case 'ratio':
          t.facts = {
            target: 100,
            actual: 60 + Math.round(r * 600) / 10,
            assessorPoints: r > 0.2 ? Math.round(r * 10) / 10 : null,
            policyAdjustment: r > 0.5 ? 2.5 : 0,
          };
          break;
        case 'all_or_nothing':
          t.facts = { completed: r > 0.15 };
          break;
        case 'direct':
          t.facts = { occurrences: Math.floor(r * 4), missedItems: Math.floor(r * 3), subItems: { a: r > 0.3, b: Math.round(r * 20) / 10 } };
          break;
        default:
          t.facts = { nodes: 3, redNodes: r > 0.8 ? 1 : 0, redNodeDeductions: r > 0.8 ? [null] : [], actual: Math.round(r * 1000) / 10 };
      }
      if (u === leadUnit && coIndicator(i)) t.role = 'lead';
      else if (groupOf(u) === 'depts' && coIndicator(i) && u % 4 === 1) {
        t.role = 'co';
        t.leadUnitId = `u${leadUnit}`;
      }
      if (r > 0.9) t.provenance = { actual: { by: 'assessor-1', role: 'assessor', at: '2026-12-20T02:00:00.000Z', eventId: `ev-${u}-${i}` } };
      tasks.push(t);
    }
  }

  const members = (g: string): string[] => unitList.filter((x) => x.groupId === g).map((x) => x.id);
  const byQuota = (ids: string[], grades: string[], percents: number[]): string[] => {
    const seats = allocateLargestRemainder(
      ids.length,
      percents.map((percent, k) => ({ key: grades[k], percent })),
    ).allocations;
    return seats.flatMap((s) => Array.from({ length: s.seats }, () => s.key as string));
  };
  const ballots: Ballot[] = [];
  const towns = members('towns');
  const parks = members('parks');
  const depts = members('depts');
  const pointGrades = byQuota(towns, ['好', '较好', '合格', '基本合格'], [30, 50, 15, 5]);
  ballots.push({
    id: 'L-towns',
    evaluator: 'leaders',
    evaluatorId: 'leaders',
    groupId: 'towns',
    entries: towns.map((unitId, k) => ({ unitId, grade: pointGrades[k] })),
  });
  ballots.push({
    id: 'D-towns',
    evaluator: 'departments',
    evaluatorId: 'depts',
    groupId: 'towns',
    entries: towns.map((unitId, k) => ({ unitId, score: 8 + (k % 5) })),
  });
  const parkGrades = byQuota(parks, ['优秀', '良好', '一般', '较差'], [30, 50, 15, 5]);
  ballots.push({
    id: 'L-parks',
    evaluator: 'leaders',
    evaluatorId: 'leaders',
    groupId: 'parks',
    entries: parks.map((unitId, k) => ({ unitId, grade: parkGrades[k] })),
  });
  ballots.push({
    id: 'O-parks',
    evaluator: 'office',
    evaluatorId: 'office',
    groupId: 'parks',
    entries: parks.map((unitId, k) => ({ unitId, score: 80 + (k % 15) })),
  });
  for (const p of parks) {
    const rated = parks.filter((x) => x !== p);
    ballots.push({
      id: `P-${p}`,
      evaluator: 'peers',
      evaluatorId: p,
      evaluatorUnitId: p,
      groupId: 'parks',
      entries: rated.map((unitId, k) => ({ unitId, grade: k === 0 ? '优秀' : k < 3 ? '良好' : '一般' })),
    });
  }
  const deptGrades = byQuota(depts, ['好', '较好', '合格', '基本合格'], [30, 50, 15, 5]);
  ballots.push({
    id: 'L-depts',
    evaluator: 'leaders',
    evaluatorId: 'leaders',
    groupId: 'depts',
    entries: depts.map((unitId, k) => ({ unitId, grade: deptGrades[k] })),
  });
  ballots.push({
    id: 'S-depts',
    evaluator: 'departments',
    evaluatorId: 'public',
    groupId: 'depts',
    entries: depts.map((unitId, k) => ({ unitId, score: 9 + (k % 3) })),
  });
  const events: UnitEvent[] = [
    ...towns.slice(0, 5).map((unitId, k) => ({ id: `bt${k}`, unitId, type: 'bonus' as const, item: 'provincial_commendation' })),
    ...towns.slice(5, 8).map((unitId, k) => ({ id: `nt${k}`, unitId, type: 'negative_list' as const, item: 'petition_escalation' })),
    ...parks.slice(0, 3).map((unitId, k) => ({ id: `bp${k}`, unitId, type: 'bonus' as const, item: 'national_leader_praise' })),
    ...depts.slice(0, 4).map((unitId, k) => ({ id: `nd${k}`, unitId, type: 'negative_list' as const, item: 'service_complaint' })),
  ];
  return {
    templates: [template('county-points-towns'), template('county-towns'), template('county-points-departments')],
    groups: [
      { id: 'towns', name: '镇（街道）', templateId: 'county-points-towns' },
      { id: 'parks', name: '园区', templateId: 'county-towns', template: 'parks' },
      { id: 'depts', name: '县直部门', templateId: 'county-points-departments' },
    ],
    units: unitList,
    indicators: inds,
    tasks,
    ballots,
    events,
  };
}

interface Timing {
  median: number;
  best: number;
  cpu: number;
}

function time(fn: () => unknown, runs = RUNS): Timing {
  for (let i = 0; i < 3; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { median: wall[Math.floor(runs / 2)], best: wall[0], cpu: cpu[Math.floor(runs / 2)] };
}

const show = (t: Timing, base?: Timing): string =>
  `median ${fmt(t.median)} ms, best ${fmt(t.best)} ms, cpu ${fmt(t.cpu)} ms${base ? `  (${fmt(t.median / base.median, 2)} × pure)` : ''}`;

export async function benchScoringPure(): Promise<void> {
  const input = pureScoringInput();
  const first = computePlanScores(input);
  console.log(
    `\nscoring, pure (no database) — ${UNITS} units × ${INDICATORS} indicators, ${input.tasks.length} tasks, ${input.groups.length} groups on ${first.templates.length} templates, ${input.ballots?.length} ballots, ${input.events?.length} events; ${cpus().length} cores, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  if (first.issues.some((i) => i.level === 'error'))
    console.log(
      `  (issues: ${first.issues
        .filter((i) => i.level === 'error')
        .map((i) => i.code)
        .join(', ')})`,
    );
  const pure = time(() => computePlanScores(input));
  line('computePlanScores (baseline)', show(pure));
  const target = input.tasks.findIndex((t) => t.indicatorId === 'i0' && t.unitId === 'u3');
  const oneFact: PlanChange[] = [{ type: 'task_facts', taskId: input.tasks[target].taskId, facts: { actual: 150 } }];
  line(
    'simulate 1 fact (computes before + after)',
    show(
      time(() => simulatePlanScores(input, oneFact)),
      pure,
    ),
  );
  const live = runPlanScores(input);
  line(
    'simulate 1 fact, live run given',
    show(
      time(() => simulatePlanScores(input, oneFact, { before: live })),
      pure,
    ),
  );
  const efficacy = input.tasks.findIndex((t) => t.indicatorId === 'i10' && t.unitId === 'u3');
  line(
    'simulate 1 fact (efficacy bounds move)',
    show(
      time(() => simulatePlanScores(input, [{ type: 'task_facts', taskId: input.tasks[efficacy].taskId, facts: { actual: 1000 } }], { before: live })),
      pure,
    ),
  );
  const ballot: PlanChange = { type: 'ballot_set', ballot: { ...input.ballots![1], entries: input.ballots![1].entries.map((e) => ({ ...e, score: 12 })) } };
  line(
    'simulate 1 ballot, live run given',
    show(
      time(() => simulatePlanScores(input, [ballot], { before: live })),
      pure,
    ),
  );
  const weights: PlanChange = {
    type: 'part_weights',
    templateId: 'county-points-departments',
    group: 'departments',
    part: 'indicators',
    weights: { individual: 80, common: 20 },
  };
  line(
    'simulate 1 template weight, live run given',
    show(
      time(() => simulatePlanScores(input, [weights], { before: live })),
      pure,
    ),
  );
}

if (process.argv[1]?.endsWith('scoring-pure.bench.js')) void benchScoringPure();
