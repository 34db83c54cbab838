/**
 * What an import means for the database, decided without it (pure): the indicator columns a model
 * indicator asks for, the fields that differ from what is stored, the details of a task that the
 * machine does not hold, the kind of a unit created from its name.
 *
 * Rules:
 * - An indicator is identified within its plan by `code` = the import key (序号, "19-2", "h:<hash>").
 * - A file without a points column (work reports) gives `points` = the import's default (0), and a file
 *   without a method column gives the default method (`node_platform`, scored by the nodes' red lights);
 *   both are reported as assumptions. The scoring set-up can change them later.
 * - Columns are compared with the stored row; the importer's extra fields (method text, 设置依据, 年度
 *   证明材料, packed targets …) are compared with what the last import recorded for that indicator.
 * - Values compare as canonical JSON, so key order and 1 vs 1.0 never make a change.
 */
import { canonicalJson } from '../audit/event-hash.js';
import type { ImportIndicator, ImportTask, MethodCode, UnitTarget } from './model.js';

const canonical = (v: unknown): string => (v === undefined ? 'null' : canonicalJson(v));

/** The indicator row's business columns (not id, plan, created_at), as the import would write them. */
export interface IndicatorColumns {
  code: string;
  categoryPath: string[];
  name: string;
  points: number;
  methodCode: string;
  methodParams: Record<string, unknown>;
  targetValue: number | null;
  targetUnit: string | null;
  direction: string;
  targetText: string | null;
  assessingUnitId: string | null;
}

/** What the file says about an indicator beyond the indicators table (kept in import_changes). */
export interface IndicatorExtras {
  itemNo: string | null;
  assessingUnitName: string | null;
  methodName: string | null;
  methodSource: string | null;
  methodText: string | null;
  annualEvidence: string | null;
  basis: string | null;
  targetsByUnit: Record<string, UnitTarget>;
  /** The points / method were not in the file: the import's defaults were used. */
  assumed: { points?: true; method?: true };
}

export const COLUMN_KEYS: readonly (keyof IndicatorColumns)[] = [
  'code',
  'categoryPath',
  'name',
  'points',
  'methodCode',
  'methodParams',
  'targetValue',
  'targetUnit',
  'direction',
  'targetText',
  'assessingUnitId',
];
export const EXTRA_KEYS: readonly (keyof IndicatorExtras)[] = [
  'itemNo',
  'assessingUnitName',
  'methodName',
  'methodSource',
  'methodText',
  'annualEvidence',
  'basis',
  'targetsByUnit',
  'assumed',
];

export interface IndicatorDefaults {
  points: number;
  methodCode: MethodCode;
}

export function indicatorColumnsOf(
  ind: ImportIndicator,
  assessingUnitId: string | null,
  defaults: IndicatorDefaults,
): { columns: IndicatorColumns; extras: IndicatorExtras } {
  const assumed: IndicatorExtras['assumed'] = {};
  if (ind.points === null) assumed.points = true;
  if (ind.methodCode === null) assumed.method = true;
  return {
    columns: {
      code: ind.key,
      categoryPath: ind.categoryPath,
      name: ind.name,
      points: ind.points ?? defaults.points,
      methodCode: ind.methodCode ?? defaults.methodCode,
      methodParams: ind.methodCode === null ? {} : ind.methodParams,
      targetValue: ind.targetValue,
      targetUnit: ind.targetUnit,
      direction: ind.direction,
      targetText: ind.targetText,
      assessingUnitId,
    },
    extras: {
      itemNo: ind.itemNo,
      assessingUnitName: ind.assessingUnitName,
      methodName: ind.methodName,
      methodSource: ind.methodSource,
      methodText: ind.methodText,
      annualEvidence: ind.annualEvidence,
      basis: ind.basis,
      targetsByUnit: ind.targetsByUnit,
      assumed,
    },
  };
}

/** A stored indicators row, in the same shape. */
export function columnsOfRow(r: {
  code: string;
  category_path: string;
  name: string;
  points: number;
  method_code: string;
  method_params: string;
  target_value: number | null;
  target_unit: string | null;
  direction: string;
  target_text: string | null;
  assessing_unit_id: string | null;
}): IndicatorColumns {
  return {
    code: r.code,
    categoryPath: JSON.parse(r.category_path) as string[],
    name: r.name,
    points: r.points,
    methodCode: r.method_code,
    methodParams: JSON.parse(r.method_params) as Record<string, unknown>,
    targetValue: r.target_value,
    targetUnit: r.target_unit,
    direction: r.direction,
    targetText: r.target_text,
    assessingUnitId: r.assessing_unit_id,
  };
}

/** The fields whose values differ (canonical JSON), with their before and after values; null when none. */
export function diffFields<T extends object>(
  before: T,
  after: T,
  keys: readonly (keyof T)[],
): { fields: string[]; before: Partial<T>; after: Partial<T> } | null {
  const out = { fields: [] as string[], before: {} as Partial<T>, after: {} as Partial<T> };
  for (const k of keys) {
    if (canonical(before[k]) !== canonical(after[k])) {
      out.fields.push(String(k));
      out.before[k] = before[k];
      out.after[k] = after[k];
    }
  }
  return out.fields.length ? out : null;
}

/** What a task carries from the file that the machine does not: kept in the creation event and import_changes. */
export interface TaskDetails {
  leaderInCharge: string | null;
  unitTarget: UnitTarget | null;
}

export const DETAIL_KEYS: readonly (keyof TaskDetails)[] = ['leaderInCharge', 'unitTarget'];

export function taskDetailsOf(t: ImportTask): TaskDetails {
  return { leaderInCharge: t.leaderInCharge ?? null, unitTarget: t.unitTarget ?? null };
}

/** Rule: a created unit's kind from its name — 镇/乡/街道(办事处) → town, 园区/开发区/管委会 → park, else department. */
/** One rule for the kind a new unit gets, shared with the parse's report.newUnits (units.ts). */
export { unitKindOf } from './units.js';

export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}
