/**
 * What-if, pure: `simulatePlanScores(input, changes)` applies hypothetical facts to a plan (this node
 * approved, this red light excused, these facts entered, this ballot changed or removed, this unit event
 * added or removed, these weights changed, this template replaced) and returns the totals, ranks and
 * grades before → after, with explanations. The input is never modified.
 *
 * Cost: the task scores of tasks no change touches are taken over from the computation before (only the
 * changed tasks, their group's efficacy bounds and their co-units are scored again); unit totals, ranks
 * and grades are redone (cheap). Give `before` (a `runPlanScores` of the same input, e.g. the live scores
 * just served) to skip computing it again.
 */
import { eventProblem, type UnitEvent } from './adjustments.js';
import type { PartNode } from './composition.js';
import { type Ballot, checkBallot } from './evaluation.js';
import { clean, fmt2, fmtNum } from './numeric.js';
import { type PlanRun, runPlanScores } from './plan-scores.js';
import { type PlanTemplate, validatePlanTemplate } from './plan-template.js';
import { inputTemplates } from './plan-prepare.js';
import type { PlanScores, PlanScoringInput, PlanScoringTask, UnitScore } from './plan-types.js';
import { type FieldError, ScoringError, ScoringErrorCode } from './scoring.error.js';
import type { TaskFacts } from './types.js';

/** Which task a change is about: its id, or its indicator and unit. */
export interface TaskRef {
  taskId?: string;
  indicatorId?: string;
  unitId?: string;
}

export type PlanChange =
  /** Facts merged over the task's facts (null clears one): e.g. what a node's approval would record. */
  | ({ type: 'task_facts'; facts: Partial<TaskFacts>; label?: string } & TaskRef)
  /** This node approved: the reviewed value and assessor points it would carry; `completesTask` when it is the last open node. */
  | ({ type: 'node_approved'; value?: number; assessorPoints?: number; completesTask?: boolean; label?: string } & TaskRef)
  /** This red light excused (e.g. an extension granted after the fact): one red node fewer (or `count`); `redIndex` = which of `redNodeDeductions` (default the last). */
  | ({ type: 'red_light_excused'; count?: number; redIndex?: number; label?: string } & TaskRef)
  /** This ballot instead of the one with the same id (or the same evaluator, evaluatorId and group); added if there is none. */
  | { type: 'ballot_set'; ballot: Ballot; label?: string }
  | { type: 'ballot_removed'; ballotId: string; label?: string }
  | { type: 'unit_event_added'; event: UnitEvent; label?: string }
  | { type: 'unit_event_removed'; eventId: string; label?: string }
  /** New weights (or percents, or points) of the children of composite part `part` of template group `group`, by child key. */
  | {
      type: 'part_weights';
      templateId: string;
      templateVersion?: number;
      group: string;
      part: string;
      weights: Readonly<Record<string, number>>;
      label?: string;
    }
  /** A whole template (raw; validated here) in place of the template with its id. */
  | { type: 'template_replaced'; template: unknown; label?: string };

export interface AppliedChange {
  index: number;
  type: PlanChange['type'];
  /** 中文, e.g. "假设：U1 的 gdp 完成值 18 → 20". */
  label: string;
  taskIds?: string[];
  unitIds?: string[];
  groupIds?: string[];
}

export interface UnitChange {
  unitId: string;
  name?: string;
  groupId: string;
  final: { before: number; after: number; beforeDisplay: string; afterDisplay: string; deltaDisplay: string };
  rank: { before: number; after: number };
  grade: { before: string; after: string };
  result: { before: UnitScore['result']; after: UnitScore['result'] };
  provisional: { before: boolean; after: boolean };
  /** Indicator scores that moved (display before → after). */
  indicators: { indicatorId: string; name?: string; before: string | null; after: string | null; statusBefore: string | null; statusAfter: string | null }[];
  explanation: { before: UnitScore['explanation']; after: UnitScore['explanation'] };
}

export interface SimulationResult {
  before: PlanScores;
  after: PlanScores;
  applied: AppliedChange[];
  /** Units whose final, rank, grade, result or provisional flag changed, in input order. */
  changes: UnitChange[];
  /** Groups whose ranking order changed. */
  rankings: { groupId: string; before: string[]; after: string[] }[];
  /** The run after the changes (to chain another simulation on it). */
  run: PlanRun;
}

const fe = (field: string, code: string, message: string): FieldError => ({ field, code, message: `${field}: ${message}` });

function refuse(errors: FieldError[]): never {
  throw new ScoringError(ScoringErrorCode.InvalidPlanInput, `cannot simulate: ${errors.map((e) => e.message).join('; ')}`, errors);
}

/** Applies hypothetical changes and scores the plan before and after. Throws ScoringError naming `changes[i]…` for a change that does not apply. */
export function simulatePlanScores(input: PlanScoringInput, changes: readonly PlanChange[], opts: { before?: PlanRun } = {}): SimulationResult {
  const beforeRun = opts.before && opts.before.input === input ? opts.before : runPlanScores(input);
  const { prep } = beforeRun;
  const nInd = input.indicators.length;
  const errors: FieldError[] = [];
  const applied: AppliedChange[] = [];
  const dirty = new Uint8Array(input.tasks.length);

  let tasks: PlanScoringTask[] | undefined;
  let ballots: Ballot[] | undefined;
  let events: UnitEvent[] | undefined;
  let templates: PlanTemplate[] | undefined;
  const currentTemplates = (): PlanTemplate[] => (templates ??= inputTemplates(input));

  const findTask = (c: TaskRef, i: number): number | undefined => {
    let k = -1;
    if (c.taskId !== undefined) k = input.tasks.findIndex((t) => t.taskId === c.taskId);
    else if (c.indicatorId !== undefined && c.unitId !== undefined) {
      const u = prep.unitIndex.get(c.unitId);
      const ind = prep.indicatorIndex.get(c.indicatorId);
      k = u === undefined || ind === undefined ? -1 : prep.slot[u * nInd + ind];
    } else {
      errors.push(fe(`changes[${i}]`, 'required', 'name the task: taskId, or indicatorId and unitId'));
      return undefined;
    }
    if (k < 0) {
      errors.push(
        fe(`changes[${i}].${c.taskId !== undefined ? 'taskId' : 'indicatorId'}`, 'unknown', `no such task (${c.taskId ?? `${c.indicatorId} of ${c.unitId}`})`),
      );
      return undefined;
    }
    return k;
  };
  const setFacts = (k: number, facts: TaskFacts): void => {
    tasks ??= input.tasks.slice();
    tasks[k] = { ...tasks[k], facts };
    dirty[k] = 1;
  };
  const taskLabel = (k: number): string => {
    const t = input.tasks[k];
    return `${t.unitId} 的指标 ${t.indicatorId}${t.taskId ? `（任务 ${t.taskId}）` : ''}`;
  };

  changes.forEach((c, i) => {
    switch (c.type) {
      case 'task_facts':
      case 'node_approved':
      case 'red_light_excused': {
        const k = findTask(c, i);
        if (k === undefined) return;
        const old = (tasks ?? input.tasks)[k].facts ?? {};
        let facts: TaskFacts;
        let what: string;
        if (c.type === 'task_facts') {
          if (c.facts === null || typeof c.facts !== 'object') {
            errors.push(fe(`changes[${i}].facts`, 'type', 'must be an object'));
            return;
          }
          facts = { ...old, ...c.facts };
          what = Object.entries(c.facts)
            .map(([f, v]) => `${f} ${JSON.stringify((old as Record<string, unknown>)[f] ?? null)} → ${JSON.stringify(v)}`)
            .join('，');
        } else if (c.type === 'node_approved') {
          facts = { ...old };
          if (c.value !== undefined) facts.actual = c.value;
          if (c.assessorPoints !== undefined) facts.assessorPoints = c.assessorPoints;
          if (c.completesTask !== undefined) facts.completed = c.completesTask;
          what = `节点审核通过${c.value !== undefined ? `，审定值 ${fmtNum(c.value)}` : ''}${c.assessorPoints !== undefined ? `，考核主体评分 ${fmtNum(c.assessorPoints)}` : ''}${c.completesTask ? '，任务完成' : ''}`;
        } else {
          const n = c.count ?? 1;
          const red = old.redNodes ?? old.redNodeDeductions?.length;
          if (!Number.isInteger(n) || n < 1) {
            errors.push(fe(`changes[${i}].count`, 'range', 'must be a whole number ≥ 1'));
            return;
          }
          if (red === undefined || red === null || red < n) {
            errors.push(fe(`changes[${i}]`, 'range', `${taskLabel(k)} has ${red ?? 'no'} red light(s): cannot excuse ${n}`));
            return;
          }
          facts = { ...old, redNodes: red - n };
          if (old.redNodeDeductions) {
            const list = old.redNodeDeductions.slice();
            const at = c.redIndex ?? list.length - n;
            if (!Number.isInteger(at) || at < 0 || at + n > list.length) {
              errors.push(fe(`changes[${i}].redIndex`, 'range', `must be within 0–${list.length - n}`));
              return;
            }
            list.splice(at, n);
            facts.redNodeDeductions = list;
          }
          what = `免除 ${n} 个红灯（红灯数 ${red} → ${red - n}）`;
        }
        setFacts(k, facts);
        applied.push({
          index: i,
          type: c.type,
          label: c.label ?? `假设：${taskLabel(k)}，${what}`,
          taskIds: input.tasks[k].taskId ? [input.tasks[k].taskId!] : [],
          unitIds: [input.tasks[k].unitId],
        });
        return;
      }
      case 'ballot_set': {
        const b = c.ballot;
        const g = b ? prep.groupIndex.get(b.groupId) : undefined;
        if (!b || g === undefined) {
          errors.push(fe(`changes[${i}].ballot.groupId`, 'unknown', `unknown group ${b?.groupId}`));
          return;
        }
        const list = (ballots ??= (input.ballots ?? []).slice());
        const grp = beforeRun.prep.groups[g];
        const config = grp.evaluators.find((e) => e.key === b.evaluator);
        if (!config) {
          errors.push(fe(`changes[${i}].ballot.evaluator`, 'unknown', `template "${grp.template.id}" of group ${b.groupId} has no evaluator "${b.evaluator}"`));
          return;
        }
        try {
          checkBallot(b, config, grp.unitIds);
        } catch (e) {
          const se = e as ScoringError;
          throw new ScoringError(
            se.code ?? ScoringErrorCode.InvalidBallot,
            `changes[${i}].ballot: ${se.message}`,
            (se.details ?? []).map((d) => ({ ...d, field: `changes[${i}].ballot.${d.field}` })),
          );
        }
        const at = list.findIndex(
          (x) => (b.id !== undefined && x.id === b.id) || (x.evaluator === b.evaluator && x.evaluatorId === b.evaluatorId && x.groupId === b.groupId),
        );
        if (at >= 0) list[at] = b;
        else list.push(b);
        applied.push({
          index: i,
          type: c.type,
          label: c.label ?? `假设：${config.name}评价票 ${b.id ?? b.evaluatorId}${at >= 0 ? '改为' : '新增'}（${b.entries.length} 个单位）`,
          groupIds: [b.groupId],
        });
        return;
      }
      case 'ballot_removed': {
        const list = (ballots ??= (input.ballots ?? []).slice());
        const at = list.findIndex((x) => x.id === c.ballotId);
        if (at < 0) {
          errors.push(fe(`changes[${i}].ballotId`, 'unknown', `no ballot ${c.ballotId}`));
          return;
        }
        const [gone] = list.splice(at, 1);
        applied.push({ index: i, type: c.type, label: c.label ?? `假设：撤销评价票 ${c.ballotId}`, groupIds: [gone.groupId] });
        return;
      }
      case 'unit_event_added': {
        const e = c.event;
        const u = e ? prep.unitIndex.get(e.unitId) : undefined;
        if (!e || u === undefined) {
          errors.push(fe(`changes[${i}].event.unitId`, 'unknown', `unknown unit ${e?.unitId}`));
          return;
        }
        const grp = prep.groups[prep.unitGroup[u]];
        const problem = eventProblem(grp.template.adjustments, e);
        if (problem) {
          errors.push(fe(`changes[${i}].event.${/points/.test(problem) ? 'points' : /type/.test(problem) ? 'type' : 'item'}`, 'invalid', problem));
          return;
        }
        (events ??= (input.events ?? []).slice()).push(e);
        const kinds = { bonus: '加分', deduction: '减分', negative_list: '负面清单', veto: '否决项' } as const;
        applied.push({
          index: i,
          type: c.type,
          label:
            c.label ?? `假设：${e.unitId} 新增${kinds[e.type]}「${e.item}」${e.points !== undefined && e.points !== null ? ` ${fmtNum(e.points)} 分` : ''}`,
          unitIds: [e.unitId],
        });
        return;
      }
      case 'unit_event_removed': {
        const list = (events ??= (input.events ?? []).slice());
        const at = list.findIndex((x) => x.id === c.eventId);
        if (at < 0) {
          errors.push(fe(`changes[${i}].eventId`, 'unknown', `no unit event ${c.eventId}`));
          return;
        }
        const [gone] = list.splice(at, 1);
        applied.push({ index: i, type: c.type, label: c.label ?? `假设：撤销 ${gone.unitId} 的「${gone.item}」`, unitIds: [gone.unitId] });
        return;
      }
      case 'part_weights':
      case 'template_replaced': {
        const list = currentTemplates();
        let raw: unknown;
        let at: number;
        if (c.type === 'template_replaced') {
          const id = (c.template as { id?: unknown } | null)?.id;
          at = list.findIndex((t) => t.id === id);
          if (at < 0) {
            errors.push(fe(`changes[${i}].template.id`, 'unknown', `the plan follows no template "${String(id)}"`));
            return;
          }
          raw = c.template;
        } else {
          at = list.findIndex((t) => t.id === c.templateId && (c.templateVersion === undefined || t.version === c.templateVersion));
          if (at < 0) {
            errors.push(fe(`changes[${i}].templateId`, 'unknown', `the plan follows no template "${c.templateId}"`));
            return;
          }
          const copy = structuredClone(list[at]) as PlanTemplate;
          const group = copy.groups.find((g) => g.key === c.group);
          const part = group ? findPart(group.composition, c.part) : undefined;
          if (!group || !part || part.kind !== 'composite') {
            errors.push(
              fe(
                `changes[${i}].${group ? 'part' : 'group'}`,
                'unknown',
                group ? `group "${c.group}" has no composite part "${c.part}"` : `template "${c.templateId}" has no group "${c.group}"`,
              ),
            );
            return;
          }
          for (const [key, w] of Object.entries(c.weights ?? {})) {
            const child = part.parts.find((p) => p.key === key);
            if (!child) {
              errors.push(
                fe(`changes[${i}].weights.${key}`, 'unknown', `part "${c.part}" has no child "${key}" (has: ${part.parts.map((p) => p.key).join(', ')})`),
              );
              return;
            }
            if (part.mode === 'points') child.points = w;
            else if (child.percent !== undefined) child.percent = w;
            else child.weight = w;
          }
          raw = copy;
        }
        const v = validatePlanTemplate(raw);
        if (!v.ok) {
          errors.push(...v.errors.map((e) => fe(`changes[${i}].template.${e.field}`, e.code, e.message)));
          return;
        }
        const old = list[at];
        list[at] = v.value.version === old.version ? v.value : { ...v.value, version: old.version };
        const groupIds = prep.groups.filter((g) => g.template === old || g.template.id === old.id).map((g) => g.input.id);
        for (const grp of prep.groups) {
          if (!groupIds.includes(grp.input.id)) continue;
          for (const u of grp.units)
            for (let ind = 0; ind < nInd; ind++) {
              const k = prep.slot[u * nInd + ind];
              if (k >= 0) dirty[k] = 1;
            }
        }
        applied.push({
          index: i,
          type: c.type,
          label:
            c.label ??
            (c.type === 'part_weights'
              ? `假设：「${c.part}」的构成改为 ${Object.entries(c.weights)
                  .map(([k, w]) => `${k} ${fmtNum(w)}`)
                  .join('、')}`
              : `假设：按修改后的方案「${v.value.name}」计分`),
          groupIds,
        });
        return;
      }
      default:
        errors.push(fe(`changes[${i}].type`, 'enum', `unknown change type ${JSON.stringify((c as { type?: unknown }).type)}`));
    }
  });
  if (errors.length > 0) refuse(errors);

  const after: PlanScoringInput = { ...input };
  if (tasks) after.tasks = tasks;
  if (ballots) after.ballots = ballots;
  if (events) after.events = events;
  if (templates) {
    after.templates = templates;
    // the legacy single template stays the default of groups without a templateId
    if (input.template) after.template = templates.find((t) => t.id === input.template!.id) ?? input.template;
  }
  const afterRun = runPlanScores(after, { run: beforeRun, dirty });
  return { before: beforeRun.scores, after: afterRun.scores, applied, ...diffScores(beforeRun.scores, afterRun.scores), run: afterRun };
}

function findPart(node: PartNode, key: string): PartNode | undefined {
  if (node.key === key) return node;
  if (node.kind !== 'composite') return undefined;
  for (const p of node.parts) {
    const f = findPart(p, key);
    if (f) return f;
  }
  return undefined;
}

/** Units (in input order) whose final, rank, grade, result or provisional flag moved, and changed rankings. */
export function diffScores(before: PlanScores, after: PlanScores): { changes: UnitChange[]; rankings: SimulationResult['rankings'] } {
  const changes: UnitChange[] = [];
  const afterById = new Map(after.units.map((u) => [u.unitId, u]));
  for (const b of before.units) {
    const a = afterById.get(b.unitId);
    if (!a) continue;
    if (a.final === b.final && a.rank === b.rank && a.grade === b.grade && a.result === b.result && a.provisional === b.provisional) continue;
    const indicators: UnitChange['indicators'] = [];
    const ai = new Map(a.indicators.map((s) => [s.indicatorId, s]));
    const seen = new Set<string>();
    for (const s of b.indicators) {
      seen.add(s.indicatorId);
      const t = ai.get(s.indicatorId);
      if (t && t.score === s.score && t.status === s.status) continue;
      indicators.push({
        indicatorId: s.indicatorId,
        ...(s.name ? { name: s.name } : {}),
        before: s.display,
        after: t?.display ?? null,
        statusBefore: s.status,
        statusAfter: t?.status ?? null,
      });
    }
    for (const t of a.indicators) {
      if (!seen.has(t.indicatorId))
        indicators.push({
          indicatorId: t.indicatorId,
          ...(t.name ? { name: t.name } : {}),
          before: null,
          after: t.display,
          statusBefore: null,
          statusAfter: t.status,
        });
    }
    const change: UnitChange = {
      unitId: b.unitId,
      groupId: b.groupId,
      final: { before: b.final, after: a.final, beforeDisplay: b.finalDisplay, afterDisplay: a.finalDisplay, deltaDisplay: signed(clean(a.final - b.final)) },
      rank: { before: b.rank, after: a.rank },
      grade: { before: b.grade, after: a.grade },
      result: { before: b.result, after: a.result },
      provisional: { before: b.provisional, after: a.provisional },
      indicators,
      explanation: { before: b.explanation, after: a.explanation },
    };
    if (b.name) change.name = b.name;
    changes.push(change);
  }
  const rankings: SimulationResult['rankings'] = [];
  const afterGroups = new Map(after.groups.map((g) => [g.groupId, g]));
  for (const g of before.groups) {
    const a = afterGroups.get(g.groupId);
    if (a && (a.ranking.length !== g.ranking.length || a.ranking.some((id, i) => id !== g.ranking[i])))
      rankings.push({ groupId: g.groupId, before: g.ranking, after: a.ranking });
  }
  return { changes, rankings };
}

function signed(x: number): string {
  const d = fmt2(x);
  return x > 0 && d !== '0.00' ? `+${d}` : d === '-0.00' ? '0.00' : d;
}
