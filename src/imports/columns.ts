/**
 * Columns are mapped by header NAME, never by position. Each shape lists its fields and the header
 * names that mean them; a header cell (label rebuilt, whitespace and quotes removed) takes the field
 * whose name it equals, or else the field with the LONGEST name it contains ("县“重强抓”任务分解表序号"
 * is 任务分解表序号, not 序号; "年度证明材料" is not 节点证明材料).
 */
import type { ShapeName } from './model.js';
import type { GridRow } from './grid.js';
import { headerKey } from './text.js';

export interface FieldSpec {
  field: string;
  names: string[];
}

export const NODE_TABLE_FIELDS: FieldSpec[] = [
  { field: 'seq', names: ['序号', '编号'] },
  { field: 'level', names: ['一级指标', '二级指标', '三级指标', '四级指标', '五级指标'] },
  { field: 'nodeName', names: ['节点名称', '节点内容', '节点任务', '阶段性目标'] },
  { field: 'due', names: ['计划完成时间', '完成时间', '完成时限', '截止时间', '节点时间'] },
  { field: 'nodeEvidence', names: ['节点证明材料', '证明材料'] },
  { field: 'points', names: ['分值', '权重分', '权重', '分数'] },
  { field: 'method', names: ['计分方式', '计分方法', '评分方法', '考核方式'] },
  { field: 'criteria', names: ['评分标准', '评分细则', '考核标准'] },
  { field: 'basis', names: ['设置依据', '依据'] },
  { field: 'annualTarget', names: ['年度目标值', '年度目标', '目标值'] },
  { field: 'annualEvidence', names: ['年度证明材料'] },
  { field: 'assessor', names: ['考核主体', '考核单位', '考官部门', '考核部门'] },
  { field: 'appliesTo', names: ['使用部门', '适用范围'] },
  { field: 'breakdownNo', names: ['任务分解表序号'] },
  { field: 'unit', names: ['承接部门', '责任单位', '责任部门', '承办单位'] },
];

export const WORK_REPORT_FIELDS: FieldSpec[] = [
  { field: 'category', names: ['类别', '指标类别', '分类'] },
  { field: 'task', names: ['指标任务', '工作任务', '重点任务', '任务内容'] },
  { field: 'nodes', names: ['主要时间节点或阶段性量化指标', '时间节点', '阶段性量化指标', '阶段性指标'] },
  { field: 'due', names: ['完成时限', '完成时间', '时限'] },
  { field: 'lead', names: ['牵头单位', '牵头部门'] },
  { field: 'resp', names: ['责任单位', '责任部门', '配合单位', '协办单位'] },
  { field: 'leader', names: ['分管领导', '责任领导', '包保领导'] },
];

export const UNIT_MATRIX_FIELDS: FieldSpec[] = [
  { field: 'seq', names: ['序号', '编号'] },
  { field: 'category', names: ['指标类别', '类别'] },
  { field: 'name', names: ['指标名称'] },
  { field: 'points', names: ['权重分', '分值', '权重'] },
  { field: 'targets', names: ['指标任务', '目标任务', '考核目标', '任务目标'] },
  { field: 'criteria', names: ['考核标准及验收方法', '考核标准', '评分标准'] },
  { field: 'assessor', names: ['考核主体', '考核单位'] },
];

/** The departments' node-platform table: one row per unit with its 节点数 / 红灯数 / 得分. */
export const NODE_PLATFORM_FIELDS: FieldSpec[] = [
  { field: 'seq', names: ['序号', '编号'] },
  { field: 'unit', names: ['单位名称', '部门名称', '被考核单位', '单位', '部门', '责任单位'] },
  { field: 'nodes', names: ['节点数', '节点总数', '节点个数'] },
  { field: 'red', names: ['红灯数', '红灯个数', '红灯'] },
  { field: 'score', names: ['得分', '平台得分', '节点得分'] },
  { field: 'points', names: ['分值', '权重分'] },
];

/** Common indicators with deduction rules: 考核内容 / 分值 / 评分标准 / 考核部门. */
export const COMMON_INDICATOR_FIELDS: FieldSpec[] = [
  { field: 'seq', names: ['序号', '编号'] },
  { field: 'category', names: ['类别', '考核项目', '指标类别', '项目'] },
  { field: 'content', names: ['考核内容', '指标内容', '工作内容'] },
  { field: 'points', names: ['分值', '权重分', '分数'] },
  { field: 'criteria', names: ['评分标准', '考核标准', '评分细则', '扣分标准'] },
  { field: 'assessor', names: ['考核部门', '考核单位', '考核主体', '牵头考核部门'] },
];

export const SHAPE_FIELDS: Record<ShapeName, FieldSpec[]> = {
  'node-table': NODE_TABLE_FIELDS,
  'work-report': WORK_REPORT_FIELDS,
  'unit-matrix': UNIT_MATRIX_FIELDS,
  'node-platform': NODE_PLATFORM_FIELDS,
  'common-indicators': COMMON_INDICATOR_FIELDS,
};

/** Fields a header must have for the shape to apply: each inner list is "one of". */
export const REQUIRED_FIELDS: Record<ShapeName, string[][]> = {
  'node-table': [['seq'], ['unit'], ['due', 'nodeName'], ['points', 'method']],
  'work-report': [['task'], ['lead', 'resp'], ['nodes', 'due']],
  'unit-matrix': [['name'], ['targets'], ['criteria', 'assessor']],
  'node-platform': [['unit'], ['nodes'], ['red', 'score']],
  'common-indicators': [['content'], ['points'], ['criteria'], ['assessor']],
};

/** Fields that only this shape has (used to tell the shapes apart). */
const DISTINCTIVE: Record<ShapeName, string[]> = {
  'node-table': ['nodeName', 'due', 'method', 'nodeEvidence', 'annualTarget', 'unit', 'level'],
  'work-report': ['lead', 'resp', 'leader', 'nodes', 'due'],
  'unit-matrix': ['name', 'targets', 'points', 'criteria', 'assessor'],
  'node-platform': ['nodes', 'red', 'score'],
  'common-indicators': ['content', 'criteria', 'assessor', 'points'],
};

export interface HeaderMatch {
  /** field → 0-based positions in the header row (several when a merged header spans columns). */
  fields: Map<string, number[]>;
  /** Position → field, or null for a column no field claims. */
  byPosition: Array<string | null>;
  /** Rebuilt header texts by position. */
  texts: string[];
}

export function matchHeader(cells: string[], specs: FieldSpec[]): HeaderMatch {
  const texts = cells.map(headerKey);
  const fields = new Map<string, number[]>();
  const byPosition: Array<string | null> = [];
  texts.forEach((t, i) => {
    let best: { field: string; score: number } | null = null;
    if (t !== '') {
      for (const spec of specs) {
        for (const name of spec.names) {
          const score = t === name ? 1000 + name.length : t.includes(name) ? name.length : 0;
          if (score > 0 && (!best || score > best.score)) best = { field: spec.field, score };
        }
      }
    }
    byPosition.push(best?.field ?? null);
    if (best) fields.set(best.field, [...(fields.get(best.field) ?? []), i]);
  });
  return { fields, byPosition, texts };
}

export function missingRequired(shape: ShapeName, m: HeaderMatch): string[][] {
  return REQUIRED_FIELDS[shape].filter((oneOf) => !oneOf.some((f) => m.fields.has(f)));
}

/** How well a row reads as this shape's header: distinct distinctive fields found; 0 if a required one is missing. */
export function headerScore(shape: ShapeName, cells: string[]): number {
  const m = matchHeader(cells, SHAPE_FIELDS[shape]);
  if (missingRequired(shape, m).length > 0) return 0;
  return DISTINCTIVE[shape].filter((f) => m.fields.has(f)).length + m.fields.size / 100;
}

/** Header names for a field (for messages). */
export function fieldLabel(shape: ShapeName, field: string): string {
  return SHAPE_FIELDS[shape].find((s) => s.field === field)?.names[0] ?? field;
}

/**
 * Rule (rows wider or narrower than the header): in the text layout a merged header cell is ONE cell
 * while the rows under it may have several (类别 split into 类别 + sub-category in some sections). The
 * `stretch` field absorbs the difference: fields left of it keep their positions, fields right of it are
 * anchored to the row's right end. Returns field → positions in the row, or null when the row is too
 * narrow to hold every field.
 */
export function stretchPositions(byPosition: Array<string | null>, rowWidth: number, stretch: string): Map<string, number[]> | null {
  const H = byPosition.length;
  const first = byPosition.indexOf(stretch);
  const last = byPosition.lastIndexOf(stretch);
  const map = new Map<string, number[]>();
  const add = (f: string | null, p: number) => {
    if (f) map.set(f, [...(map.get(f) ?? []), p]);
  };
  if (rowWidth === H || first < 0) {
    if (rowWidth < H && first < 0) return null;
    byPosition.forEach((f, p) => add(f, p));
    return map;
  }
  const right = H - last - 1;
  if (rowWidth < first + right + 1) return null;
  for (let p = 0; p < first; p++) add(byPosition[p]!, p);
  for (let p = first; p <= rowWidth - right - 1; p++) add(stretch, p);
  for (let k = 0; k < right; k++) add(byPosition[last + 1 + k]!, rowWidth - right + k);
  return map;
}

/**
 * Rule (headers repeated at page breaks): a row is a repeated header when at least `min` of its cells
 * read exactly as the header cell above them (label rebuilt, whitespace and quotes ignored).
 */
export function isRepeatedHeader(row: GridRow, headerTexts: string[], min: number): boolean {
  let same = 0;
  const n = Math.min(row.cells.length, headerTexts.length);
  for (let j = 0; j < n; j++) {
    const h = headerTexts[j]!;
    if (h === '') continue;
    const v = row.cells[j]!.value;
    if (v.length > h.length * 4 + 8 || !v.includes(h[0]!)) continue;
    if (headerKey(v) === h && ++same >= min) return true;
  }
  return false;
}
