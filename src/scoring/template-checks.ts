/**
 * Validation of the parts of a plan template that are not the groups: evaluators (ballots, grade scales,
 * quotas) and the adjustment catalogues. Used by validatePlanTemplate (plan-template.ts).
 */
import type { AdjustmentCatalog, AdjustmentItem, VetoItem } from './adjustments.js';
import type { Checker } from './checker.js';
import type { EvaluatorConfig } from './evaluation.js';
import { clean } from './numeric.js';

export function checkEvaluator(c: Checker, raw: unknown): EvaluatorConfig | undefined {
  if (!c.isObject(raw)) return undefined;
  c.noUnknown(raw, ['key', 'name', 'ballot', 'grades', 'quota', 'quotaMode', 'coverage', 'scoreMin', 'scoreMax']);
  const key = c.string(raw, 'key');
  const name = c.string(raw, 'name');
  const ballot = c.oneOf(raw, 'ballot', ['score', 'grade'] as const);
  const coverage = c.oneOf(raw, 'coverage', ['all', 'any'] as const, 'all');
  const quotaMode = c.oneOf(raw, 'quotaMode', ['strict', 'in_principle'] as const, 'strict');
  const scoreMin = c.number(raw, 'scoreMin', { min: 0 }) ?? 0;
  const scoreMax = c.number(raw, 'scoreMax', { gt: 0 }) ?? 100;
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
    c.uniqueKeys(
      grades.map((g) => ({ key: g.grade })),
      'grades',
      'grade',
    );
    grades.forEach((g, i) => {
      if (i > 0 && g.score > grades[i - 1].score)
        c.at('grades')
          .at(i)
          .fail(
            'score',
            'order',
            `grades are listed best first: 「${g.grade}」 (${g.score}) is worth more than 「${grades[i - 1].grade}」 (${grades[i - 1].score})`,
          );
    });
    out.grades = grades;
  }
  const quotaRaw = c.array(raw, 'quota', false, 1);
  if (quotaRaw) {
    if (ballot !== 'grade') c.fail('quota', 'conflict', 'only for grade ballots');
    const known = new Set((out.grades ?? []).map((g) => g.grade));
    out.quota = checkQuota(c.at('quota'), quotaRaw, known);
  }
  if (raw.quotaMode !== undefined && !quotaRaw) c.fail('quotaMode', 'conflict', 'only with a quota');
  if (ballot === 'grade') out.quotaMode = quotaMode;
  if (!key || !name || !ballot || !coverage || !quotaMode) return undefined;
  return out as EvaluatorConfig;
}

export function checkQuota(c: Checker, raw: unknown[], knownGrades?: ReadonlySet<string>): { grade: string; percent: number }[] {
  const out: { grade: string; percent: number }[] = [];
  let total = 0;
  raw.forEach((q, i) => {
    const qc = c.at(i);
    if (!qc.isObject(q)) return;
    qc.noUnknown(q, ['grade', 'percent']);
    const grade = qc.string(q, 'grade');
    const percent = qc.number(q, 'percent', { required: true, min: 0, max: 100 });
    if (grade !== undefined && knownGrades && !knownGrades.has(grade))
      qc.fail('grade', 'enum', `"${grade}" is not one of the grades (${[...knownGrades].join('、')})`);
    if (grade !== undefined && percent !== undefined) {
      out.push({ grade, percent });
      total += percent;
    }
  });
  c.uniqueKeys(
    out.map((g) => ({ key: g.grade })),
    '',
    'grade',
  );
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
    ic.noUnknown(r, veto ? ['key', 'name', 'text'] : ['key', 'name', 'points', 'range', 'cap', 'text']);
    const key = ic.string(r, 'key');
    const name = ic.string(r, 'name');
    const text = ic.string(r, 'text', false);
    if (key === undefined || name === undefined) return;
    if (veto) {
      out.push(text === undefined ? { key, name } : { key, name, text });
      return;
    }
    const item: AdjustmentItem = { key, name };
    const points = ic.number(r, 'points', { min: 0 });
    const cap = ic.number(r, 'cap', { min: 0 });
    if (points !== undefined) item.points = points;
    if (r.range !== undefined) {
      const rc = ic.at('range');
      if (rc.isObject(r.range)) {
        rc.noUnknown(r.range, ['min', 'max']);
        const min = rc.number(r.range, 'min', { required: true, min: 0 });
        const max = rc.number(r.range, 'max', { required: true, min: 0 });
        if (min !== undefined && max !== undefined) {
          if (max < min) rc.fail('max', 'range', `must be ≥ min (${min})`);
          else item.range = { min, max };
        }
      }
      if (points !== undefined) ic.fail('range', 'conflict', 'give points (a fixed amount) or range (the event gives its amount), not both');
    }
    if (cap !== undefined) {
      item.cap = cap;
      const least = points ?? item.range?.min;
      if (least !== undefined && cap < least) ic.fail('cap', 'range', `is below one occurrence (${least}): no event could count in full`);
    }
    if (text !== undefined) item.text = text;
    out.push(item);
  });
  c.uniqueKeys(out, '');
  return out;
}

export function checkAdjustments(c: Checker, raw: unknown): AdjustmentCatalog {
  const catalog: AdjustmentCatalog = { bonuses: { items: [] }, deductions: { items: [] }, negativeList: { items: [] }, vetoes: { items: [] } };
  if (raw === undefined) return catalog;
  if (!c.isObject(raw)) return catalog;
  c.noUnknown(raw, ['bonuses', 'deductions', 'negativeList', 'vetoes']);
  for (const name of ['bonuses', 'deductions', 'negativeList', 'vetoes'] as const) {
    const s = raw[name];
    if (s === undefined) continue;
    const sc = c.at(name);
    if (!sc.isObject(s)) continue;
    sc.noUnknown(s, name === 'vetoes' ? ['items'] : ['totalCap', 'items']);
    const items = checkItems(sc.at('items'), s.items, name === 'vetoes');
    if (name === 'vetoes') {
      catalog.vetoes.items = items as VetoItem[];
      continue;
    }
    catalog[name].items = items as AdjustmentItem[];
    const totalCap = sc.number(s, 'totalCap', { min: 0 });
    if (totalCap !== undefined) catalog[name].totalCap = totalCap;
  }
  return catalog;
}
