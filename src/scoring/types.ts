import type { FactSourceLine } from './facts.js';
import type { MethodCode } from './method-params.js';

/**
 * What the read model knows about one task (one indicator × one unit) that a formula may use.
 * Every field is optional: a method lists the facts it needed and did not get in `missing`
 * (the score is then provisional). `null` is treated like absent.
 */
export interface TaskFacts {
  /** Completed value (完成值), in the indicator's unit; a percentage as a number (8% → 8). */
  actual?: number | null;
  /** This unit's target (目标值); wins over the method's default target. */
  target?: number | null;
  /** Assessor's discretionary points (考核主体评分). */
  assessorPoints?: number | null;
  /** Policy adjustment added to the actual value (减税降费政策影响收入额). */
  policyAdjustment?: number | null;
  /** Task completed (for 绝对否决计分法). */
  completed?: boolean | null;
  /** Number of nodes of the task. */
  nodes?: number | null;
  /** Number of red-lighted nodes. */
  redNodes?: number | null;
  /** Configured deduction of each red-lighted node (one entry per red node; null = method default). */
  redNodeDeductions?: readonly (number | null)[] | null;
  /** Items not completed (少完成的项数). */
  missedItems?: number | null;
  /** Items completed (used with the method's `items` when missedItems is absent). */
  completedItems?: number | null;
  /** Occurrences of a lapse (e.g. 未监督到位的次数). */
  occurrences?: number | null;
  /** Sub-indicator values by key (ratio with subIndicators). */
  subValues?: Readonly<Record<string, { actual?: number | null; target?: number | null } | undefined>> | null;
  /** Sub-item results by key (direct sub_items): true = full points, false = 0, a number = points given. */
  subItems?: Readonly<Record<string, boolean | number | null | undefined>> | null;
}

/**
 * The named values a formula used, e.g. { points: 10, target: 20, actual: 18 }; null = not supplied.
 * 中文 labels for display: INPUT_LABELS.
 */
export type ExplanationInputs = Record<string, number | string | boolean | null>;

/** The breakdown of a sub-indicator or sub-item. */
export interface SubExplanation {
  key: string;
  name: string;
  points: number;
  inputs: ExplanationInputs;
  formula: string;
  result: number;
  capped?: { from: number; to: number };
}

/**
 * Why a score is what it is. Numbers in `result` and `capped` are rounded to 2 decimals for display;
 * inputs are shown as given.
 */
export interface Explanation {
  method: { code: MethodCode; name: string; mode?: string; modeName?: string };
  inputs: ExplanationInputs;
  /** The rule in words (中文), e.g. "得分 = min(完成值 ÷ 目标值, 1) × 分值". */
  rule: string;
  /** The rule with the numbers substituted, e.g. "min(18 ÷ 20, 1) × 10 = 9.00". */
  formula: string;
  result: number;
  capped?: { from: number; to: number };
  notes?: string[];
  parts?: SubExplanation[];
  /** The facts the score used, with who entered them and when (when the caller gave their provenance). */
  sources?: FactSourceLine[];
  /** For a derived score (a co-unit's share, a constraint indicator's deduction): the method's own explanation. */
  base?: Explanation;
}

export interface MethodResult {
  /** Full precision (float noise removed); round only for display. */
  score: number;
  /** Two-decimal display text. */
  display: string;
  explanation: Explanation;
  /** Facts the formula needed and did not get (counted as 0 / not done): the score is provisional. */
  missing?: string[];
}

/** Extra context some methods need from the group (computed by computePlanScores). */
export interface MethodContext {
  /** For efficacy with bounds 'group': the worst and best actual value among the group's units. */
  groupBounds?: { worst: number; best: number; units: number };
}
