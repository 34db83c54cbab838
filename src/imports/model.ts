/**
 * The importer's output model (issue 5, docs/imports.md): what `parseImport` hands to the database half.
 *
 * Pure JSON: strings, numbers, booleans, null, arrays and plain objects. Optional fields are either
 * present or absent (never `undefined`), so `JSON.parse(JSON.stringify(result))` round-trips exactly.
 *
 * Keys are derived from the file's content (the table's own 序号, or a hash of category path + name when
 * a row has none), so importing the same file twice yields the same keys, and an edited file matches the
 * indicators it kept.
 */

export type ShapeName = 'node-table' | 'work-report' | 'unit-matrix' | 'node-platform' | 'common-indicators';
export const SHAPES: readonly ShapeName[] = ['node-table', 'work-report', 'unit-matrix', 'node-platform', 'common-indicators'];

/** Scoring method codes (docs/scoring.md): the scoring module's own list, re-exported. */
export type { MethodCode } from '../scoring/method-params.js';
export { METHOD_CODES } from '../scoring/method-params.js';
import type { MethodCode } from '../scoring/method-params.js';

export interface UnitTarget {
  /** The number, or null when the text has none or several. */
  value: number | null;
  /** Unit of measure ("亿元", "%", "户"), or null. */
  unit: string | null;
  /** The text the target was read from, cleaned. */
  text: string;
}

export interface ImportIndicator {
  /** Stable key: the table's 序号 ("19"), "19-2" for a second scored row of item 19, or "h:<hash>". */
  key: string;
  /** 序号 as written, or null. */
  itemNo: string | null;
  /** Category labels from the outermost down (三级指标; 类别 / sub-category; 指标类别 …). */
  categoryPath: string[];
  name: string;
  /** 分值 / 权重分; null when the shape has no points column. */
  points: number | null;
  methodCode: MethodCode | null;
  /** The method cell as written (cleaned), e.g. "绝对否诀计分法"; null when absent. */
  methodName: string | null;
  /**
   * Parameters for the scoring module, shaped for `validateMethodParams` (scoring/method-params.ts):
   * only what the scoring rule states; the scoring module fills its defaults. Checked at import time:
   * parameters it refuses are reported as an error.
   */
  methodParams: Record<string, unknown>;
  /** Where `methodCode` came from: the 计分方式 column, or the scoring rule (考核标准) when there is none. */
  methodSource: 'column' | 'criteria' | null;
  /** The scoring rule (评分标准 / 考核标准及验收方法), or null. */
  methodText: string | null;
  /** The indicator's target for the plan's subject (see `meta.subject`), or its single target. */
  targetValue: number | null;
  targetUnit: string | null;
  direction: 'higher' | 'lower';
  /** The whole target text as written (年度目标值 / 指标任务), or null. */
  targetText: string | null;
  /** Targets packed in one cell, split by the place or unit they name ("盘山县完成 12.4 亿元；…"). */
  targetsByUnit: Record<string, UnitTarget>;
  /** 考核主体, cleaned (not resolved against the unit list: assessors are usually higher-level bodies). */
  assessingUnitName: string | null;
  /** 年度证明材料, or null. */
  annualEvidence: string | null;
  /** 设置依据, or null. */
  basis: string | null;
  /** Original row numbers (lines for text files) that contributed to this indicator. */
  sourceRows: number[];
  /** The section (sections.ts) the indicator was read from; set by `parseImport` on every indicator. */
  section?: string;
  /**
   * The body whose figures score this indicator for every unit of the group (考核标准 "直接采用XX评分结果",
   * a common indicator), when the file names one; the tasks then carry no target of their own.
   */
  scoredBy?: string;
  /** A common indicator (共性指标): every unit of the group the section is mapped to carries it; no task in the file. */
  common?: boolean;
  /** Node counts per unit written in the table (the department node-platform table: 节点数 / 红灯数). */
  nodeCounts?: Record<string, { nodes: number | null; redLights: number | null; score: number | null }>;
}

export interface ImportNode {
  /** 1-based, in due-date order (stable for equal dates: document order). */
  seq: number;
  /** Local calendar date 'YYYY-MM-DD' in the plan's timezone; the deadline is the end of that day. */
  dueDate: string;
  stageTarget: string;
  /** A single quantity read from the stage target (number only; unit in `stageUnit`), or null. */
  stageValue: number | null;
  stageUnit: string | null;
  requiredEvidence: string | null;
  sourceRow: number;
  /** The list marker as written ("（2）"), or null. */
  ref: string | null;
  /** A heading inside the node cell that scopes this node ("胜利街道办事处："), or null. */
  scope: string | null;
  /** How `dueDate` was obtained (a rule name from deadlines.ts, or 'default' / 'row-deadline'). */
  dueRule: string;
}

export interface ImportTask {
  /** `${indicatorKey}@${unitName}`. */
  key: string;
  indicatorKey: string;
  /** A resolved unit name (one of `model.units`). */
  unitName: string;
  /** 牵头单位. */
  isLead: boolean;
  /** 分管领导 (several joined with "、"). */
  leaderInCharge?: string;
  unitTarget?: UnitTarget;
  /** At least one node. */
  nodes: ImportNode[];
  sourceRows: number[];
}

export interface ImportMeta {
  shape: ShapeName | null;
  year: number;
  timezone: string;
  /** The assessed party the table is written for ("2020 年市政府对盘山县考核指标细则" → 盘山县), if known. */
  subject: string | null;
  /** The table's title line, if found. */
  title: string | null;
  source: GridSourceKind | null;
  sheetName: string | null;
}

/** A section's shape: a table shape, or a numbered catalogue (negative / bonus / deduction / veto list). */
export type SectionShape = ShapeName | 'catalogue';

export interface ImportSectionRef {
  /** `附件N` or `s<i>`; in a document of several sections every key of the section starts with `<key>/`. */
  key: string;
  annex: string | null;
  title: string | null;
  shape: SectionShape | null;
}

export interface ImportCatalogueItem {
  /** `<section key>/<number>` ("附件5/3"), or the number alone in a one-section file. */
  key: string;
  number: string;
  text: string;
  /** Points per occurrence (deduction/negative lists: the amount deducted), or null for a range / veto. */
  points: number | null;
  range?: { min: number; max: number };
  cap?: number;
  category?: string;
  sourceRows: number[];
}

export interface ImportCatalogue {
  section: string;
  kind: 'bonus' | 'deduction' | 'negative_list' | 'veto';
  title: string | null;
  items: ImportCatalogueItem[];
  totalCap?: number;
}

export interface ImportModel {
  meta: ImportMeta;
  indicators: ImportIndicator[];
  tasks: ImportTask[];
  /** Unit names used by the tasks: the known units matched, or (with no known list) the proposed list. */
  units: string[];
  /** The sections found (one for a plain table). */
  sections: ImportSectionRef[];
  /** Numbered catalogues (negative / bonus / deduction lists) found as sections of their own. */
  catalogues: ImportCatalogue[];
}

export interface ImportSectionReport extends ImportSectionRef {
  openedBy: 'start' | 'annex' | 'header' | 'restart';
  /** Original first and last row of the section. */
  rows: { from: number | null; to: number | null };
  headerRow: number | null;
  /** `nodes` counts every task's nodes; `stageNodes` each indicator's distinct nodes once (as documents count 阶段性指标). */
  counts: { items: number; indicators: number; tasks: number; nodes: number; stageNodes: number; catalogueItems: number; errors: number; warnings: number };
  /** Counts the document itself states ("共保留工作任务122项、形成阶段性指标404个"), with the text and row. */
  stated?: { tasks?: number; nodes?: number; text: string; row: number };
}

export type Severity = 'error' | 'warning';

/**
 * `error`: something in the file could not be read and was NOT imported (a row, a value).
 * `warning`: imported, but the importer repaired or assumed something (`repaired` says what).
 */
export interface ImportProblem {
  /** Original row (xlsx/csv) or line (text) number; null for file-level problems. */
  row: number | null;
  /** Original 1-based column (text: the cell's position in its reassembled row); null if not a cell. */
  column: number | null;
  /** The column's header, when known. */
  field: string | null;
  /** English, for logs and API clients that read it; people read `message`. */
  reason: string;
  severity: Severity;
  /** English note of the repair, when the importer repaired something. */
  repaired?: string;
  /** Stable code (problem-catalogue.ts), e.g. `unit.unknown`, `due.not-date`. */
  code: string;
  /** The values the message is made of (the unit name, the value read, the indicator key …). */
  params: Record<string, string | number | boolean | null | string[]>;
  /** zh-CN, made from code and params (problem-catalogue.ts). */
  message: string;
  /** zh-CN of `repaired`. */
  repairedMessage?: string;
}

export type RowKind = 'blank' | 'preamble' | 'header' | 'repeated-header' | 'data' | 'continuation' | 'problem';

export interface ImportReport {
  counts: {
    /** Rows of the reassembled grid (text: logical rows; one row may span several lines). */
    rows: number;
    /** rows = headerRows + skippedHeaderRows + dataRows + continuationRows + blankRows + preambleRows + problemRows. */
    headerRows: number;
    skippedHeaderRows: number;
    dataRows: number;
    continuationRows: number;
    blankRows: number;
    preambleRows: number;
    /** Rows that could not be read and were not imported (each has an error in `problems`). */
    problemRows: number;
    /** Distinct items (序号) in the file. */
    items: number;
    indicators: number;
    tasks: number;
    nodes: number;
    perUnit: Record<string, { tasks: number; nodes: number }>;
    /** Problems carrying a `repaired` note. */
    repaired: number;
    problems: number;
    errors: number;
    warnings: number;
  };
  /** Every grid row and what became of it. */
  rows: Array<{ row: number; endRow: number; kind: RowKind }>;
  /** How each distinct unit name in the file was resolved (or not). */
  unitNames: Array<{ raw: string; units: string[]; rule: string; reason?: string; /** zh-CN of how it was matched */ message: string }>;
  /** Units the import would create (names not among the known units), with the kind they would get. */
  newUnits: Array<{ name: string; kind: 'town' | 'park' | 'department' }>;
  problems: ImportProblem[];
  /** The sections with shape, row range, counts, and the counts the document states. */
  sections: ImportSectionReport[];
}

export type GridSourceKind = 'xlsx' | 'xls' | 'et' | 'docx' | 'csv' | 'tsv' | 'cell-lines';

export interface ParseImportOptions {
  /** The plan's year: dates without a year fall in it. */
  year: number;
  /** IANA zone of the plan's deadlines (default Asia/Shanghai); carried in `meta` for the database half. */
  timezone?: string;
  /** Force a shape instead of detecting it from the headers. */
  shape?: ShapeName;
  /** The plan's units. Names that match none of them (after aliases) are reported, never invented. */
  knownUnits?: string[];
  /** Extra unit aliases, alias → canonical name; they override the defaults (units.ts). */
  aliases?: Record<string, string>;
  /** The party the table is written for (overrides the title, e.g. "对盘山县考核"). */
  subject?: string;
  /**
   * Expand recurring phrases (每月 / 每季度 / 每半年) into one node per period. Default false: such an entry
   * is one node, due on the last date the phrase names, and a warning says it was not expanded.
   */
  expandRecurring?: boolean;
  /** Due date for a node whose row gives no date at all (default: `${year}-12-31`); always reported. */
  defaultDueDate?: string;
}

export interface ParseImportResult {
  shape: ShapeName | null;
  model: ImportModel;
  report: ImportReport;
}
