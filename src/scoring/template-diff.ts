/**
 * What changed between two versions of a plan template, for the template's history (who changed what):
 * `diffTemplates(before, after)` lists every changed leaf with its path (the same paths as validation
 * errors: `groups[1].composition.parts[0].weight`), the value before and after, and a 中文 label.
 *
 * Lists of named things (groups, parts, evaluators, grades, catalogue items, quota lines) are matched by
 * their `key` (or `grade`), so inserting an item reports one addition, not a shifted list; a path names
 * the item's index in the version where it exists (after; before for removals), and a changed order is
 * reported once as `moved`. `version` itself is not reported (the service sets it).
 */
import type { PlanTemplate } from './plan-template.js';

export interface TemplateChange {
  path: string;
  change: 'added' | 'removed' | 'changed' | 'moved';
  before?: unknown;
  after?: unknown;
  /** e.g. "分组「镇街组」› 综合评价 › 权重：0.3 → 0.4" */
  label: string;
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  $comment: '备注',
  id: '编号',
  name: '名称',
  description: '说明',
  evaluators: '评价主体',
  adjustments: '加减分',
  bonuses: '加分项',
  deductions: '减分项',
  negativeList: '负面清单',
  vetoes: '否决项',
  groups: '分组',
  key: '代码',
  kind: '类型',
  mode: '方式',
  weight: '权重',
  percent: '比例',
  points: '分值',
  tag: '指标标签',
  evaluator: '评价主体',
  ballot: '评价方式',
  grades: '等次',
  grade: '等次',
  score: '分值',
  quota: '配额',
  quotaMode: '配额执行方式',
  coverage: '评价范围',
  scoreMin: '最低分',
  scoreMax: '满分',
  totalCap: '合计上限',
  cap: '单项上限',
  range: '分值范围',
  min: '下限',
  max: '上限',
  text: '原文',
  grading: '等次评定',
  thresholds: '分数线',
  otherwise: '其余等次',
  vetoGrade: '否决等次',
  absentIndicators: '缺项指标处理',
  rankBy: '排名依据',
  coUnits: '协办单位计分',
  share: '比例',
  constraintIndicators: '约束性指标',
};

/** Containers whose own name adds nothing to a label (the named items inside say it). */
const SILENT = new Set(['items', 'parts', 'composition']);

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function identityField(list: readonly Json[]): 'key' | 'grade' | undefined {
  for (const f of ['key', 'grade'] as const) {
    const ids = list.map((x) => (isObject(x) && typeof x[f] === 'string' ? (x[f] as string) : undefined));
    if (ids.every((id) => id !== undefined) && new Set(ids).size === ids.length) return f;
  }
  return undefined;
}

function equal(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => equal(a[k], b[k]));
  }
  return false;
}

function show(v: Json): string {
  if (v === undefined) return '（无）';
  if (typeof v === 'string') return `「${v}」`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObject(v) && typeof v.name === 'string') return `「${v.name}」`;
  if (isObject(v) && typeof v.grade === 'string') return `「${v.grade}」`;
  return JSON.stringify(v);
}

function itemLabel(item: Json, container: string): string {
  const named = isObject(item) ? ((item.name ?? item.grade ?? item.key) as string | undefined) : undefined;
  const head = SILENT.has(container) ? '' : (FIELD_LABELS[container] ?? container);
  return named === undefined ? head : `${head}「${named}」`;
}

function join(labels: readonly string[]): string {
  return labels.filter((l) => l !== '').join(' › ');
}

/** Lists what changed from `before` to `after` (both validated templates, or their JSON). */
export function diffTemplates(before: PlanTemplate | Record<string, unknown>, after: PlanTemplate | Record<string, unknown>): TemplateChange[] {
  const out: TemplateChange[] = [];
  walk(before, after, '', [], '', out, true);
  return out;
}

function walk(a: Json, b: Json, path: string, labels: string[], field: string, out: TemplateChange[], top = false): void {
  if (equal(a, b)) return;
  // a nested object or list already carries its own name as the last label
  const here = (suffix: string): string => join(labels[labels.length - 1] === suffix ? labels : [...labels, suffix]);
  if (a === undefined) {
    out.push({ path, change: 'added', after: b, label: `${here(FIELD_LABELS[field] ?? field)}：新增 ${show(b)}` });
    return;
  }
  if (b === undefined) {
    out.push({ path, change: 'removed', before: a, label: `${here(FIELD_LABELS[field] ?? field)}：删除 ${show(a)}` });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const id = identityField(a) !== undefined && identityField(a) === identityField(b) ? identityField(a) : undefined;
    if (id) {
      const idOf = (x: Json): string => (x as Record<string, string>)[id];
      const beforeAt = new Map(a.map((x, i) => [idOf(x), i]));
      const afterIds = new Set(b.map(idOf));
      b.forEach((item, j) => {
        const i = beforeAt.get(idOf(item));
        const p = `${path}[${j}]`;
        const l = [...labels, itemLabel(item, field)];
        if (i === undefined) out.push({ path: p, change: 'added', after: item, label: `${join(l)}：新增` });
        else walk(a[i], item, p, l, field, out);
      });
      a.forEach((item, i) => {
        if (!afterIds.has(idOf(item)))
          out.push({ path: `${path}[${i}]`, change: 'removed', before: item, label: `${join([...labels, itemLabel(item, field)])}：删除` });
      });
      const keptBefore = a.map(idOf).filter((k) => afterIds.has(k));
      const keptAfter = b.map(idOf).filter((k) => beforeAt.has(k));
      if (!equal(keptBefore, keptAfter)) {
        out.push({ path, change: 'moved', before: keptBefore, after: keptAfter, label: `${here(FIELD_LABELS[field] ?? field)}：顺序调整` });
      }
      return;
    }
    if (a.length === b.length) {
      a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`, [...labels, itemLabel(b[i], field)], field, out));
      return;
    }
    out.push({ path, change: 'changed', before: a, after: b, label: `${here(FIELD_LABELS[field] ?? field)}：${a.length} 项 → ${b.length} 项` });
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const k of keys) {
      if (top && k === 'version') continue;
      const p = path ? `${path}.${k}` : k;
      const nested = Array.isArray(a[k]) || Array.isArray(b[k]) || isObject(a[k]) || isObject(b[k]);
      walk(a[k], b[k], p, nested ? containerLabels(labels, k, b[k] ?? a[k]) : labels, k, out);
    }
    return;
  }
  out.push({ path, change: 'changed', before: a, after: b, label: `${here(FIELD_LABELS[field] ?? field)}：${show(a)} → ${show(b)}` });
}

/** Labels to carry into a nested object or list: a named object (the composition root) adds its name. */
function containerLabels(labels: string[], key: string, value: Json): string[] {
  if (Array.isArray(value)) return labels;
  if (key === 'composition' && isObject(value) && typeof value.name === 'string') return [...labels, value.name];
  if (SILENT.has(key)) return labels;
  return [...labels, FIELD_LABELS[key] ?? key];
}
