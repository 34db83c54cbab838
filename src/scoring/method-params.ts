import { Checker } from './checker.js';
import type { FieldError, Validated } from './scoring.error.js';

/** Scoring method codes, shared with the importer (which maps 计分方式 text to them). */
export const METHOD_CODES = ['ratio', 'all_or_nothing', 'direct', 'node_platform', 'node_deduction', 'efficacy'] as const;
export type MethodCode = (typeof METHOD_CODES)[number];

export const METHOD_NAMES: Readonly<Record<MethodCode, string>> = {
  ratio: '完成比例计分法',
  all_or_nothing: '绝对否决计分法',
  direct: '直接计分法',
  node_platform: '节点平台计分法',
  node_deduction: '直接扣分法',
  efficacy: '功效系数法',
};

export const DIRECT_MODES = ['per_missed_item', 'per_occurrence', 'threshold_linear', 'sub_items', 'assessor'] as const;
export type DirectMode = (typeof DIRECT_MODES)[number];

export const DIRECT_MODE_NAMES: Readonly<Record<DirectMode, string>> = {
  per_missed_item: '少完成一项扣分',
  per_occurrence: '按次扣分，扣完为止',
  threshold_linear: '达标线以下按百分点扣分',
  sub_items: '分项计分',
  assessor: '考核主体评分',
};

/** higher: bigger actual is better (actual / target); lower: smaller is better (target / actual). */
export type Direction = 'higher' | 'lower';
const DIRECTIONS = ['higher', 'lower'] as const;

export interface RatioSubIndicator {
  key: string;
  name: string;
  points: number;
  direction: Direction;
  /** Default target; the task's `subValues[key].target` wins. */
  target?: number;
}

/**
 * 完成比例计分法. score = min(ratio, 1 when capAt 'ratio') × points × weightOfRatio + assessor points, capped to [0, points];
 * ratio = (actual + policy adjustment) / target, or target / (actual + adjustment) when lower is better.
 * With `subIndicators`, the score is the sum of each sub-indicator's own ratio score (each capped to its
 * points), capped to the indicator's points.
 */
export interface RatioParams {
  direction: Direction;
  /** Default target; the task's own target (`facts.target`, e.g. from the unit matrix) wins. */
  target?: number;
  /**
   * Where the document puts the cap. 'ratio' [default]: the ratio is capped at 1 before scaling
   * (`points × min(actual / target, 1)`); 'total': the ratio is not capped, only the indicator's total is
   * ("(完成值/目标值) × 分值 × 90% + 考核主体评分，不超过分值": 9% of 8% → 20.25 → 20, not 18).
   * The total is always capped to [0, points]. Input may give the older `capRatio: boolean` instead
   * (true = 'ratio', false = 'total').
   */
  capAt: 'ratio' | 'total';
  /** Share of the points given by the ratio, in (0, 1]: 0.9 for "× 90% + 考核主体评分". Default 1. */
  weightOfRatio: number;
  /** Add the assessor's discretionary points (`facts.assessorPoints`). Default false. */
  assessorPoints: boolean;
  /** Upper bound of the assessor's points; default: the indicator's points. */
  assessorPointsMax?: number;
  /** Add `facts.policyAdjustment` (e.g. 减税降费政策影响收入额) to the actual before dividing. Default false. */
  policyAdjustment: boolean;
  subIndicators?: RatioSubIndicator[];
}

/** 绝对否决计分法: full points if `facts.completed`, else 0. No parameters. */
export type AllOrNothingParams = Record<string, never>;

export interface DirectSubItem {
  key: string;
  name: string;
  points: number;
}

/** 直接计分法, one of five modes; every result is capped to [0, points] (扣完为止). */
export type DirectParams =
  /** points − missed × deductionPerItem ("少完成一项扣2.5分"); facts.missedItems, or items − facts.completedItems. */
  | { mode: 'per_missed_item'; deductionPerItem: number; items?: number }
  /** points − occurrences × deductionPerOccurrence ("每次扣0.5分，扣完为止"); facts.occurrences. */
  | { mode: 'per_occurrence'; deductionPerOccurrence: number }
  /**
   * "达到80%及以上得满分，每下降一个百分点扣1分": facts.actual in percent; shortfall = threshold − actual
   * (actual − threshold when lower is better); points − shortfall × deductionPerPoint.
   * shortfallRounding: none = linear; up = every started percentage point counts; down = only whole points.
   */
  | {
      mode: 'threshold_linear';
      threshold: number;
      deductionPerPoint: number;
      direction: Direction;
      shortfallRounding: 'none' | 'up' | 'down';
    }
  /** Additive sub-items, each with its own points; facts.subItems[key] = true (full) / false / points given. */
  | { mode: 'sub_items'; items: DirectSubItem[] }
  /** Assessor-entered points (facts.assessorPoints), kept within [0, points]. */
  | { mode: 'assessor' };

/** points × (nodes − red) / nodes; facts.nodes, facts.redNodes. No parameters. */
export type NodePlatformParams = Record<string, never>;

/**
 * 直接扣分法: points − Σ deduction of each red-lighted node. A node's own deduction
 * (`facts.redNodeDeductions`) wins; otherwise each red node deducts `deductionPerRedNode`.
 */
export interface NodeDeductionParams {
  deductionPerRedNode: number;
  /** Stop at 0 (扣完为止). Default true; false lets the score go negative (the plan must say so). */
  floorAtZero: boolean;
}

/**
 * 功效系数法: d = 60 + 40 × (x − floor) / (satisfactory − floor), clamped to [0, 100]; score = points × d / 100.
 * bounds 'given': floor (不允许值) and satisfactory (满意值) are parameters. bounds 'group': the worst and best
 * actual among the units of the group carrying the indicator.
 */
export type EfficacyParams = { bounds: 'given'; direction: Direction; floor: number; satisfactory: number } | { bounds: 'group'; direction: Direction };

export type MethodSpec =
  | { code: 'ratio'; params: RatioParams }
  | { code: 'all_or_nothing'; params: AllOrNothingParams }
  | { code: 'direct'; params: DirectParams }
  | { code: 'node_platform'; params: NodePlatformParams }
  | { code: 'node_deduction'; params: NodeDeductionParams }
  | { code: 'efficacy'; params: EfficacyParams };

/** Optional context for cross-field checks. */
export interface MethodParamsContext {
  /** The indicator's points (分值). */
  points?: number;
}

type Obj = Record<string, unknown>;

/**
 * Validates and normalizes method parameters (defaults filled in, unknown fields refused).
 * Field paths in errors are relative to `params` (e.g. `subIndicators[1].points`); a bad code is reported
 * on the field `code`.
 */
export function validateMethodParams(code: unknown, params: unknown, ctx: MethodParamsContext = {}): Validated<MethodSpec> {
  const errors: FieldError[] = [];
  if (typeof code !== 'string' || !(METHOD_CODES as readonly string[]).includes(code)) {
    errors.push({
      field: 'code',
      code: 'enum',
      message: `code: unknown scoring method ${JSON.stringify(code)} (known: ${METHOD_CODES.join(', ')})`,
    });
    return { ok: false, errors };
  }
  const c = new Checker(errors);
  const p: unknown = params ?? {};
  if (!c.isObject(p)) return { ok: false, errors };
  let spec: MethodSpec | undefined;
  switch (code as MethodCode) {
    case 'ratio':
      spec = { code: 'ratio', params: checkRatio(c, p, ctx) };
      break;
    case 'all_or_nothing':
      c.noUnknown(p, []);
      spec = { code: 'all_or_nothing', params: {} };
      break;
    case 'node_platform':
      c.noUnknown(p, []);
      spec = { code: 'node_platform', params: {} };
      break;
    case 'direct': {
      const d = checkDirect(c, p);
      if (d) spec = { code: 'direct', params: d };
      break;
    }
    case 'node_deduction': {
      c.noUnknown(p, ['deductionPerRedNode', 'floorAtZero']);
      const deductionPerRedNode = c.number(p, 'deductionPerRedNode', { required: true, min: 0 });
      const floorAtZero = c.boolean(p, 'floorAtZero', true);
      if (deductionPerRedNode !== undefined) spec = { code: 'node_deduction', params: { deductionPerRedNode, floorAtZero } };
      break;
    }
    case 'efficacy': {
      const e = checkEfficacy(c, p);
      if (e) spec = { code: 'efficacy', params: e };
      break;
    }
  }
  if (errors.length > 0 || !spec) return { ok: false, errors };
  return { ok: true, value: spec };
}

function checkRatio(c: Checker, p: Obj, ctx: MethodParamsContext): RatioParams {
  c.noUnknown(p, ['direction', 'target', 'capAt', 'capRatio', 'weightOfRatio', 'assessorPoints', 'assessorPointsMax', 'policyAdjustment', 'subIndicators']);
  const direction = c.oneOf(p, 'direction', DIRECTIONS, 'higher') ?? 'higher';
  const target = c.number(p, 'target', { gt: 0 });
  const capRatio = p.capRatio === undefined || p.capRatio === null ? undefined : c.boolean(p, 'capRatio', true);
  const legacyCapAt = capRatio === undefined ? undefined : capRatio ? 'ratio' : 'total';
  const capAt = c.oneOf(p, 'capAt', ['ratio', 'total'] as const, legacyCapAt ?? 'ratio') ?? 'ratio';
  if (legacyCapAt !== undefined && p.capAt !== undefined && p.capAt !== null && legacyCapAt !== capAt) {
    c.fail('capRatio', 'conflict', `capRatio ${String(capRatio)} contradicts capAt "${capAt}" (give capAt only)`);
  }
  const weightOfRatio = c.number(p, 'weightOfRatio', { gt: 0, max: 1 }) ?? 1;
  const assessorPoints = c.boolean(p, 'assessorPoints', false);
  const assessorPointsMax = c.number(p, 'assessorPointsMax', { min: 0, max: ctx.points });
  const policyAdjustment = c.boolean(p, 'policyAdjustment', false);
  if (assessorPointsMax !== undefined && !assessorPoints) {
    c.fail('assessorPointsMax', 'conflict', 'only makes sense with assessorPoints: true');
  }
  const out: RatioParams = { direction, capAt, weightOfRatio, assessorPoints, policyAdjustment };
  if (target !== undefined) out.target = target;
  if (assessorPointsMax !== undefined) out.assessorPointsMax = assessorPointsMax;

  const subs = c.array(p, 'subIndicators', false, 1);
  if (subs) {
    for (const f of ['target', 'weightOfRatio', 'assessorPoints', 'assessorPointsMax', 'policyAdjustment']) {
      if (p[f] !== undefined) c.fail(f, 'conflict', 'cannot be combined with subIndicators (set targets per sub-indicator)');
    }
    const list: RatioSubIndicator[] = [];
    subs.forEach((raw, i) => {
      const sc = c.at('subIndicators').at(i);
      if (!sc.isObject(raw)) return;
      sc.noUnknown(raw, ['key', 'name', 'points', 'direction', 'target']);
      const key = sc.string(raw, 'key');
      const name = sc.string(raw, 'name', false);
      const points = sc.number(raw, 'points', { required: true, gt: 0 });
      const dir = sc.oneOf(raw, 'direction', DIRECTIONS, direction) ?? direction;
      const t = sc.number(raw, 'target', { gt: 0 });
      if (key === undefined || points === undefined) return;
      const sub: RatioSubIndicator = { key, name: name ?? key, points, direction: dir };
      if (t !== undefined) sub.target = t;
      list.push(sub);
    });
    c.uniqueKeys(list, 'subIndicators');
    out.subIndicators = list;
  }
  return out;
}

function checkDirect(c: Checker, p: Obj): DirectParams | undefined {
  const mode = c.oneOf(p, 'mode', DIRECT_MODES);
  switch (mode) {
    case undefined:
      return undefined;
    case 'per_missed_item': {
      c.noUnknown(p, ['mode', 'deductionPerItem', 'items']);
      const deductionPerItem = c.number(p, 'deductionPerItem', { required: true, gt: 0 });
      const items = c.number(p, 'items', { integer: true, min: 1 });
      if (deductionPerItem === undefined) return undefined;
      return items === undefined ? { mode, deductionPerItem } : { mode, deductionPerItem, items };
    }
    case 'per_occurrence': {
      c.noUnknown(p, ['mode', 'deductionPerOccurrence']);
      const deductionPerOccurrence = c.number(p, 'deductionPerOccurrence', { required: true, gt: 0 });
      return deductionPerOccurrence === undefined ? undefined : { mode, deductionPerOccurrence };
    }
    case 'threshold_linear': {
      c.noUnknown(p, ['mode', 'threshold', 'deductionPerPoint', 'direction', 'shortfallRounding']);
      const threshold = c.number(p, 'threshold', { required: true });
      const deductionPerPoint = c.number(p, 'deductionPerPoint', { required: true, gt: 0 });
      const direction = c.oneOf(p, 'direction', DIRECTIONS, 'higher');
      const shortfallRounding = c.oneOf(p, 'shortfallRounding', ['none', 'up', 'down'] as const, 'none');
      if (threshold === undefined || deductionPerPoint === undefined || !direction || !shortfallRounding) return undefined;
      return { mode, threshold, deductionPerPoint, direction, shortfallRounding };
    }
    case 'sub_items': {
      c.noUnknown(p, ['mode', 'items']);
      const raw = c.array(p, 'items', true, 1);
      if (!raw) return undefined;
      const items: DirectSubItem[] = [];
      raw.forEach((r, i) => {
        const ic = c.at('items').at(i);
        if (!ic.isObject(r)) return;
        ic.noUnknown(r, ['key', 'name', 'points']);
        const key = ic.string(r, 'key');
        const name = ic.string(r, 'name', false);
        const points = ic.number(r, 'points', { required: true, gt: 0 });
        if (key !== undefined && points !== undefined) items.push({ key, name: name ?? key, points });
      });
      c.uniqueKeys(items, 'items');
      return { mode, items };
    }
    case 'assessor':
      c.noUnknown(p, ['mode']);
      return { mode };
  }
}

function checkEfficacy(c: Checker, p: Obj): EfficacyParams | undefined {
  c.noUnknown(p, ['bounds', 'direction', 'floor', 'satisfactory']);
  const bounds = c.oneOf(p, 'bounds', ['given', 'group'] as const, 'given');
  const direction = c.oneOf(p, 'direction', DIRECTIONS, 'higher');
  if (!bounds || !direction) return undefined;
  if (bounds === 'group') {
    for (const f of ['floor', 'satisfactory']) {
      if (p[f] !== undefined) c.fail(f, 'conflict', 'not allowed with bounds "group" (taken from the group\'s worst and best units)');
    }
    return { bounds, direction };
  }
  const floor = c.number(p, 'floor', { required: true });
  const satisfactory = c.number(p, 'satisfactory', { required: true });
  if (floor === undefined || satisfactory === undefined) return undefined;
  if (direction === 'higher' && !(satisfactory > floor)) {
    c.fail('satisfactory', 'range', `must be above floor (${floor}) when higher is better (got ${satisfactory})`);
    return undefined;
  }
  if (direction === 'lower' && !(satisfactory < floor)) {
    c.fail('satisfactory', 'range', `must be below floor (${floor}) when lower is better (got ${satisfactory})`);
    return undefined;
  }
  return { bounds, direction, floor, satisfactory };
}
