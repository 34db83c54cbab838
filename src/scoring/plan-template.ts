import type { AdjustmentCatalog } from './adjustments.js';
import { Checker } from './checker.js';
import { type CompositePart, type PartNode, partWeight } from './composition.js';
import type { EvaluatorConfig } from './evaluation.js';
import { clean, nearlyEqual } from './numeric.js';
import type { GradingRule } from './ranking.js';
import type { Validated } from './scoring.error.js';
import { checkAdjustments, checkEvaluator, checkQuota } from './template-checks.js';

/**
 * How a co-responsible unit (协办 / 责任单位, a task with role 'co') is scored on an indicator led by another
 * unit (牵头单位). `score`: 'own' = its own task's facts, 'lead' = the lead unit's score for the indicator;
 * then × `share`. `points`: the co-unit's indicator counts out of the full points ('full') or out of
 * points × share ('share').
 *   "协办单位按牵头单位得分的50%计"                → { score: 'lead', share: 0.5, points: 'full' }
 *   "协办单位按本单位完成情况计分" (the default)    → { score: 'own', share: 1, points: 'full' }
 *   "协办单位按该项分值的50%、本单位完成情况计分"   → { score: 'own', share: 0.5, points: 'share' }
 */
export interface CoUnitRule {
  score: 'own' | 'lead';
  share: number;
  points: 'full' | 'share';
}

export const DEFAULT_CO_UNIT_RULE: Readonly<CoUnitRule> = Object.freeze({ score: 'own', share: 1, points: 'full' });

/** How one group (考核分组) of a plan is scored. */
export interface GroupTemplate {
  key: string;
  name: string;
  description?: string;
  /** The unit total before bonuses: a tree of weighted or budgeted parts. */
  composition: CompositePart;
  /**
   * A unit without an indicator that other units of its group carry: `exclude` (the indicator does not
   * count for it; its indicator part is scored out of the points it does carry) or `group_average`
   * (it gets the mean score of the group's units that carry it). An indicator may override this.
   */
  absentIndicators: 'exclude' | 'group_average';
  /** Ties in the ranking are decided on the score shown (2 decimals, default) or the full-precision score. */
  rankBy: 'display' | 'exact';
  grading: GradingRule;
  /** Co-responsible units (协办); an indicator may override it. Default: own score, share 1, full points. */
  coUnits?: CoUnitRule;
  /**
   * 约束性指标 (indicators of kind 'constraint': they only deduct). 'part' [default]: the shortfall
   * (points − method score) comes off the indicators part the indicator belongs to, which keeps its maximum;
   * 'total': it comes off the unit's total after the composition, as a deduction line ("在总分中扣除").
   */
  constraintIndicators?: 'part' | 'total';
}

/**
 * A plan template: evaluators, adjustments and the groups' rules. The shipped ones (config/plan-templates)
 * are the starting catalogue; offices keep their own as data (validated here, versioned by the service).
 */
export interface PlanTemplate {
  id: string;
  name: string;
  version: number;
  description?: string;
  evaluators: EvaluatorConfig[];
  adjustments: AdjustmentCatalog;
  groups: GroupTemplate[];
}

/** Validates a plan template (e.g. parsed JSON); errors name the field path. */
export function validatePlanTemplate(raw: unknown): Validated<PlanTemplate> {
  const c = new Checker();
  if (!c.isObject(raw)) return { ok: false, errors: c.errors };
  c.noUnknown(raw, ['$comment', 'id', 'name', 'version', 'description', 'evaluators', 'adjustments', 'groups']);
  const id = c.string(raw, 'id');
  const name = c.string(raw, 'name');
  const version = c.number(raw, 'version', { integer: true, min: 1 }) ?? 1;
  const description = c.string(raw, 'description', false);

  const evaluators: EvaluatorConfig[] = [];
  (c.array(raw, 'evaluators', false) ?? []).forEach((e, i) => {
    const ev = checkEvaluator(c.at('evaluators').at(i), e);
    if (ev) evaluators.push(ev);
  });
  c.uniqueKeys(evaluators, 'evaluators');
  const evaluatorKeys = new Set(evaluators.map((e) => e.key));

  const adjustments = checkAdjustments(c.at('adjustments'), raw.adjustments);

  const groups: GroupTemplate[] = [];
  (c.array(raw, 'groups', true, 1) ?? []).forEach((g, i) => {
    const gt = checkGroup(c.at('groups').at(i), g, evaluatorKeys);
    if (gt) groups.push(gt);
  });
  c.uniqueKeys(groups, 'groups');

  if (!c.ok || !id || !name) return { ok: false, errors: c.errors };
  const t: PlanTemplate = { id, name, version, evaluators, adjustments, groups };
  if (description) t.description = description;
  return { ok: true, value: t };
}

function checkGroup(c: Checker, raw: unknown, evaluators: ReadonlySet<string>): GroupTemplate | undefined {
  if (!c.isObject(raw)) return undefined;
  c.noUnknown(raw, ['key', 'name', 'description', 'composition', 'absentIndicators', 'rankBy', 'grading', 'coUnits', 'constraintIndicators']);
  const key = c.string(raw, 'key');
  const name = c.string(raw, 'name');
  const description = c.string(raw, 'description', false);
  const absentIndicators = c.oneOf(raw, 'absentIndicators', ['exclude', 'group_average'] as const, 'exclude');
  const rankBy = c.oneOf(raw, 'rankBy', ['display', 'exact'] as const, 'display');
  const composition = checkPart(c.at('composition'), raw.composition, evaluators, true);
  if (composition && composition.kind !== 'composite') c.at('composition').fail('kind', 'enum', 'the root part must be "composite"');
  if (composition) checkIndicatorLeaves(c.at('composition'), composition);
  const grading = checkGrading(c.at('grading'), raw.grading);
  const coUnits = raw.coUnits === undefined || raw.coUnits === null ? { ...DEFAULT_CO_UNIT_RULE } : checkCoUnitRule(c.at('coUnits'), raw.coUnits);
  const constraintIndicators = c.oneOf(raw, 'constraintIndicators', ['part', 'total'] as const, 'part');
  if (!key || !name || !absentIndicators || !rankBy || !composition || composition.kind !== 'composite' || !grading || !coUnits || !constraintIndicators)
    return undefined;
  const g: GroupTemplate = { key, name, composition, absentIndicators, rankBy, grading, coUnits, constraintIndicators };
  if (description) g.description = description;
  return g;
}

/** Validates a co-unit rule (a group's `coUnits`, or an indicator's override); paths relative to `c`. */
export function checkCoUnitRule(c: Checker, raw: unknown): CoUnitRule | undefined {
  if (!c.isObject(raw)) return undefined;
  c.noUnknown(raw, ['score', 'share', 'points']);
  const score = c.oneOf(raw, 'score', ['own', 'lead'] as const, 'own');
  const share = c.number(raw, 'share', { gt: 0, max: 1 }) ?? (raw.share === undefined || raw.share === null ? 1 : undefined);
  const points = c.oneOf(raw, 'points', ['full', 'share'] as const, 'full');
  if (!score || share === undefined || !points) return undefined;
  return { score, share, points };
}

/** Indicator leaves: either exactly one without a tag, or all tagged with distinct tags. */
function checkIndicatorLeaves(c: Checker, root: PartNode): void {
  const leaves: { tag?: string }[] = [];
  const walk = (n: PartNode): void => {
    if (n.kind === 'indicators') leaves.push({ tag: n.tag });
    else if (n.kind === 'composite') n.parts.forEach(walk);
  };
  walk(root);
  const untagged = leaves.filter((l) => l.tag === undefined).length;
  if (untagged > 0 && leaves.length > 1) {
    c.fail('', 'ambiguous', 'with several indicator parts, every one needs a distinct tag (else indicators would count twice)');
  }
  const tags = leaves.map((l) => l.tag).filter((t) => t !== undefined);
  if (new Set(tags).size !== tags.length) c.fail('', 'duplicate', 'indicator parts need distinct tags');
}

function checkPart(c: Checker, raw: unknown, evaluators: ReadonlySet<string>, root: boolean, parentMode?: 'weights' | 'points'): PartNode | undefined {
  if (!c.isObject(raw)) return undefined;
  const kind = c.oneOf(raw, 'kind', ['indicators', 'evaluation', 'composite'] as const);
  const common = ['key', 'name', 'kind', 'weight', 'percent', 'points'];
  const key = c.string(raw, 'key');
  const name = c.string(raw, 'name');
  let weight: number | undefined;
  let percent: number | undefined;
  let points: number | undefined;
  if (root) {
    if (raw.weight !== undefined || raw.percent !== undefined || raw.points !== undefined)
      c.fail('weight', 'conflict', 'the root part has no weight, percent or points');
  } else if (parentMode === 'weights') {
    if (raw.percent !== undefined && raw.weight === undefined) percent = c.number(raw, 'percent', { required: true, gt: 0, max: 100 });
    else weight = c.number(raw, 'weight', { required: true, gt: 0, max: 1 });
    if (raw.percent !== undefined && raw.weight !== undefined) c.fail('percent', 'conflict', 'give "weight" (a fraction, 0.7) or "percent" (70), not both');
    if (raw.points !== undefined) c.fail('points', 'conflict', 'the parent combines by weights: give "weight" or "percent", not "points"');
  } else if (parentMode === 'points') {
    points = c.number(raw, 'points', { required: true, gt: 0 });
    if (raw.weight !== undefined || raw.percent !== undefined)
      c.fail(raw.weight !== undefined ? 'weight' : 'percent', 'conflict', 'the parent combines by points: give "points", not a weight');
  }
  const base = {
    key: key ?? '',
    name: name ?? '',
    ...(weight !== undefined ? { weight } : {}),
    ...(percent !== undefined ? { percent } : {}),
    ...(points !== undefined ? { points } : {}),
  };
  switch (kind) {
    case undefined:
      return undefined;
    case 'indicators': {
      c.noUnknown(raw, [...common, 'tag']);
      const tag = c.string(raw, 'tag', false);
      return tag === undefined ? { ...base, kind } : { ...base, kind, tag };
    }
    case 'evaluation': {
      c.noUnknown(raw, [...common, 'evaluator']);
      const evaluator = c.string(raw, 'evaluator');
      if (evaluator !== undefined && !evaluators.has(evaluator))
        c.fail('evaluator', 'unknown', `"${evaluator}" is not a declared evaluator (${[...evaluators].join(', ') || 'none declared'})`);
      return evaluator === undefined ? undefined : { ...base, kind, evaluator };
    }
    case 'composite': {
      c.noUnknown(raw, [...common, 'mode', 'parts']);
      const mode = c.oneOf(raw, 'mode', ['weights', 'points'] as const);
      const partsRaw = c.array(raw, 'parts', true, 1);
      if (!mode || !partsRaw) return undefined;
      const parts: PartNode[] = [];
      partsRaw.forEach((p, i) => {
        const child = checkPart(c.at('parts').at(i), p, evaluators, false, mode);
        if (child) parts.push(child);
      });
      c.uniqueKeys(parts, 'parts');
      if (mode === 'weights' && parts.length === partsRaw.length) {
        let total = 0;
        for (const p of parts) total += partWeight(p);
        if (!nearlyEqual(total, 1)) {
          const inPercent = parts.every((p) => p.percent !== undefined);
          c.fail('parts', 'weights', inPercent ? `percentages sum to ${clean(total * 100)}%, not 100%` : `weights sum to ${clean(total)}, not 1`);
        }
      }
      return { ...base, kind, mode, parts };
    }
  }
}

function checkGrading(c: Checker, raw: unknown): GradingRule | undefined {
  if (!c.isObject(raw)) return undefined;
  const mode = c.oneOf(raw, 'mode', ['quota', 'thresholds'] as const);
  const vetoGrade = c.string(raw, 'vetoGrade', false);
  if (mode === 'quota') {
    c.noUnknown(raw, ['mode', 'grades', 'vetoGrade']);
    const gradesRaw = c.array(raw, 'grades', true, 1);
    if (!gradesRaw) return undefined;
    const grades = checkQuota(c.at('grades'), gradesRaw);
    if (grades.length !== gradesRaw.length) return undefined;
    return vetoGrade ? { mode, grades, vetoGrade } : { mode, grades };
  }
  if (mode === 'thresholds') {
    c.noUnknown(raw, ['mode', 'thresholds', 'otherwise', 'vetoGrade']);
    const list = c.array(raw, 'thresholds', true, 1);
    const otherwise = c.string(raw, 'otherwise');
    if (!list || !otherwise) return undefined;
    const thresholds: { grade: string; min: number }[] = [];
    list.forEach((t, i) => {
      const tc = c.at('thresholds').at(i);
      if (!tc.isObject(t)) return;
      tc.noUnknown(t, ['grade', 'min']);
      const grade = tc.string(t, 'grade');
      const min = tc.number(t, 'min', { required: true });
      if (grade === undefined || min === undefined) return;
      if (thresholds.length > 0 && min >= thresholds[thresholds.length - 1].min)
        tc.fail('min', 'order', 'thresholds must be listed best first, with decreasing min');
      thresholds.push({ grade, min });
    });
    if (thresholds.length !== list.length) return undefined;
    return vetoGrade ? { mode, thresholds, otherwise, vetoGrade } : { mode, thresholds, otherwise };
  }
  return undefined;
}

/** Finds a group's rules in a template. */
export function groupTemplate(template: PlanTemplate, key: string): GroupTemplate | undefined {
  return template.groups.find((g) => g.key === key);
}
