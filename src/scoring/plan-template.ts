import type { AdjustmentCatalog, AdjustmentItem, VetoItem } from './adjustments.js';
import { Checker } from './checker.js';
import type { CompositePart, PartNode } from './composition.js';
import type { EvaluatorConfig } from './evaluation.js';
import { clean, nearlyEqual } from './numeric.js';
import type { GradingRule } from './ranking.js';
import type { Validated } from './scoring.error.js';

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
}

/** A plan template (config/plan-templates/*.json): evaluators, adjustments and the groups' rules. */
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

function checkEvaluator(c: Checker, raw: unknown): EvaluatorConfig | undefined {
  if (!c.isObject(raw)) return undefined;
  c.noUnknown(raw, ['key', 'name', 'ballot', 'grades', 'quota', 'coverage', 'scoreMin', 'scoreMax']);
  const key = c.string(raw, 'key');
  const name = c.string(raw, 'name');
  const ballot = c.oneOf(raw, 'ballot', ['score', 'grade'] as const);
  const coverage = c.oneOf(raw, 'coverage', ['all', 'any'] as const, 'all');
  const scoreMin = c.number(raw, 'scoreMin') ?? 0;
  const scoreMax = c.number(raw, 'scoreMax') ?? 100;
  if (scoreMax <= scoreMin) c.fail('scoreMax', 'range', `must be above scoreMin (${scoreMin})`);
  const out: Partial<EvaluatorConfig> = { key, name, ballot, coverage, scoreMin, scoreMax };
  const gradesRaw = c.array(raw, 'grades', ballot === 'grade', 1);
  if (gradesRaw) {
    if (ballot === 'score') c.fail('grades', 'conflict', 'only for grade ballots');
    const grades: { grade: string; score: number }[] = [];
    gradesRaw.forEach((g, i) => {
      const gc = c.at('grades').at(i);
      if (!gc.isObject(g)) return;
      gc.noUnknown(g, ['grade', 'score']);
      const grade = gc.string(g, 'grade');
      const score = gc.number(g, 'score', { required: true, min: scoreMin, max: scoreMax });
      if (grade !== undefined && score !== undefined) grades.push({ grade, score });
    });
    c.uniqueKeys(grades.map((g) => ({ key: g.grade })), 'grades', 'grade');
    out.grades = grades;
  }
  const quotaRaw = c.array(raw, 'quota', false, 1);
  if (quotaRaw) {
    if (ballot !== 'grade') c.fail('quota', 'conflict', 'only for grade ballots');
    const known = new Set((out.grades ?? []).map((g) => g.grade));
    out.quota = checkQuota(c.at('quota'), quotaRaw, known);
  }
  if (!key || !name || !ballot || !coverage) return undefined;
  return out as EvaluatorConfig;
}

function checkQuota(c: Checker, raw: unknown[], knownGrades?: ReadonlySet<string>): { grade: string; percent: number }[] {
  const out: { grade: string; percent: number }[] = [];
  let total = 0;
  raw.forEach((q, i) => {
    const qc = c.at(i);
    if (!qc.isObject(q)) return;
    qc.noUnknown(q, ['grade', 'percent']);
    const grade = qc.string(q, 'grade');
    const percent = qc.number(q, 'percent', { required: true, min: 0, max: 100 });
    if (grade !== undefined && knownGrades && !knownGrades.has(grade)) qc.fail('grade', 'enum', `"${grade}" is not one of the grades (${[...knownGrades].join('、')})`);
    if (grade !== undefined && percent !== undefined) {
      out.push({ grade, percent });
      total += percent;
    }
  });
  c.uniqueKeys(out.map((g) => ({ key: g.grade })), '', 'grade');
  if (total > 100 + 1e-9) c.fail('', 'range', `percentages sum to ${clean(total)}%, more than 100%`);
  return out;
}

function checkItems(c: Checker, raw: unknown, veto: boolean): (AdjustmentItem | VetoItem)[] {
  const out: (AdjustmentItem | VetoItem)[] = [];
  if (raw === undefined) return out;
  if (!Array.isArray(raw)) {
    c.fail('', 'type', 'must be an array');
    return out;
  }
  raw.forEach((r, i) => {
    const ic = c.at(i);
    if (!ic.isObject(r)) return;
    ic.noUnknown(r, veto ? ['key', 'name'] : ['key', 'name', 'points', 'cap']);
    const key = ic.string(r, 'key');
    const name = ic.string(r, 'name');
    if (key === undefined || name === undefined) return;
    if (veto) {
      out.push({ key, name });
      return;
    }
    const item: AdjustmentItem = { key, name };
    const points = ic.number(r, 'points', { min: 0 });
    const cap = ic.number(r, 'cap', { min: 0 });
    if (points !== undefined) item.points = points;
    if (cap !== undefined) item.cap = cap;
    out.push(item);
  });
  c.uniqueKeys(out, '');
  return out;
}

function checkAdjustments(c: Checker, raw: unknown): AdjustmentCatalog {
  const catalog: AdjustmentCatalog = { bonuses: { items: [] }, deductions: { items: [] }, negativeList: { items: [] }, vetoes: { items: [] } };
  if (raw === undefined) return catalog;
  if (!c.isObject(raw)) return catalog;
  c.noUnknown(raw, ['bonuses', 'deductions', 'negativeList', 'vetoes']);
  const sections = [
    ['bonuses', ['totalCap', 'items']],
    ['deductions', ['items']],
    ['negativeList', ['items']],
    ['vetoes', ['items']],
  ] as const;
  for (const [name, allowed] of sections) {
    const s = raw[name];
    if (s === undefined) continue;
    const sc = c.at(name);
    if (!sc.isObject(s)) continue;
    sc.noUnknown(s, allowed);
    const items = checkItems(sc.at('items'), s.items, name === 'vetoes');
    if (name === 'bonuses') {
      catalog.bonuses.items = items as AdjustmentItem[];
      const totalCap = sc.number(s, 'totalCap', { min: 0 });
      if (totalCap !== undefined) catalog.bonuses.totalCap = totalCap;
    } else if (name === 'vetoes') {
      catalog.vetoes.items = items as VetoItem[];
    } else {
      catalog[name].items = items as AdjustmentItem[];
    }
  }
  return catalog;
}

function checkGroup(c: Checker, raw: unknown, evaluators: ReadonlySet<string>): GroupTemplate | undefined {
  if (!c.isObject(raw)) return undefined;
  c.noUnknown(raw, ['key', 'name', 'description', 'composition', 'absentIndicators', 'rankBy', 'grading']);
  const key = c.string(raw, 'key');
  const name = c.string(raw, 'name');
  const description = c.string(raw, 'description', false);
  const absentIndicators = c.oneOf(raw, 'absentIndicators', ['exclude', 'group_average'] as const, 'exclude');
  const rankBy = c.oneOf(raw, 'rankBy', ['display', 'exact'] as const, 'display');
  const composition = checkPart(c.at('composition'), raw.composition, evaluators, true);
  if (composition && composition.kind !== 'composite') c.at('composition').fail('kind', 'enum', 'the root part must be "composite"');
  if (composition) checkIndicatorLeaves(c.at('composition'), composition);
  const grading = checkGrading(c.at('grading'), raw.grading);
  if (!key || !name || !absentIndicators || !rankBy || !composition || composition.kind !== 'composite' || !grading) return undefined;
  const g: GroupTemplate = { key, name, composition, absentIndicators, rankBy, grading };
  if (description) g.description = description;
  return g;
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
  const common = ['key', 'name', 'kind', 'weight', 'points'];
  const key = c.string(raw, 'key');
  const name = c.string(raw, 'name');
  let weight: number | undefined;
  let points: number | undefined;
  if (root) {
    if (raw.weight !== undefined || raw.points !== undefined) c.fail('weight', 'conflict', 'the root part has no weight or points');
  } else if (parentMode === 'weights') {
    weight = c.number(raw, 'weight', { required: true, gt: 0, max: 1 });
    if (raw.points !== undefined) c.fail('points', 'conflict', 'the parent combines by weights: give "weight", not "points"');
  } else if (parentMode === 'points') {
    points = c.number(raw, 'points', { required: true, gt: 0 });
    if (raw.weight !== undefined) c.fail('weight', 'conflict', 'the parent combines by points: give "points", not "weight"');
  }
  const base = { key: key ?? '', name: name ?? '', ...(weight !== undefined ? { weight } : {}), ...(points !== undefined ? { points } : {}) };
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
      if (evaluator !== undefined && !evaluators.has(evaluator)) c.fail('evaluator', 'unknown', `"${evaluator}" is not a declared evaluator (${[...evaluators].join(', ') || 'none declared'})`);
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
        for (const p of parts) total += p.weight ?? 0;
        if (!nearlyEqual(total, 1)) c.fail('parts', 'weights', `weights sum to ${clean(total)}, not 1`);
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
      if (thresholds.length > 0 && min >= thresholds[thresholds.length - 1].min) tc.fail('min', 'order', 'thresholds must be listed best first, with decreasing min');
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

