import { METHOD_NAMES, type MethodCode } from '../method-params.js';
import { clean, fmt2, fmtNum, nearlyEqual, roundHalfUp } from '../numeric.js';
import { ScoringError, ScoringErrorCode } from '../scoring.error.js';
import type { Explanation, ExplanationInputs, MethodResult, SubExplanation, TaskFacts } from '../types.js';

/** A finite number, or undefined for null/undefined; anything else is an invalid fact. */
export function factNumber(facts: TaskFacts, key: keyof TaskFacts): number | undefined {
  const v = facts[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ScoringError(ScoringErrorCode.InvalidFacts, `fact ${key} must be a finite number (got ${JSON.stringify(v)})`, [
      { field: key, code: 'type', message: `${key}: must be a finite number` },
    ]);
  }
  return v;
}

/** A count (whole number ≥ 0), or undefined. */
export function factCount(facts: TaskFacts, key: keyof TaskFacts): number | undefined {
  const v = factNumber(facts, key);
  if (v !== undefined && (v < 0 || !Number.isInteger(v))) {
    throw new ScoringError(ScoringErrorCode.InvalidFacts, `fact ${key} must be a whole number ≥ 0 (got ${v})`, [
      { field: key, code: 'range', message: `${key}: must be a whole number ≥ 0` },
    ]);
  }
  return v;
}

export function invalidFact(field: string, message: string): ScoringError {
  return new ScoringError(ScoringErrorCode.InvalidFacts, `${field}: ${message}`, [{ field, code: 'invalid', message: `${field}: ${message}` }]);
}

/** Shows a number for a formula; negatives in parentheses. */
export function n(x: number): string {
  return x < 0 ? `(${fmtNum(x)})` : fmtNum(x);
}

/** 中文 labels of the explanation inputs, for display (one table shared with the web pages). */
export { INPUT_LABELS } from '../input-labels.js';

/** The method part of an explanation; one shared, frozen object per method (and mode). */
export type MethodDescriptor = Explanation['method'];

const descriptors = new Map<string, MethodDescriptor>();

export function descriptor(code: MethodCode, mode?: string, modeName?: string): MethodDescriptor {
  const key = mode ? `${code}:${mode}` : code;
  let d = descriptors.get(key);
  if (!d) {
    d = Object.freeze(mode ? { code, name: METHOD_NAMES[code], mode, modeName: modeName ?? mode } : { code, name: METHOD_NAMES[code] });
    descriptors.set(key, d);
  }
  return d;
}

/** Memoizes a rule text per parameters object (parameters are shared by every unit of an indicator). */
export function memoRule<P extends object>(cache: WeakMap<P, string>, params: P, build: (p: P) => string): string {
  let r = cache.get(params);
  if (r === undefined) {
    r = build(params);
    cache.set(params, r);
  }
  return r;
}

export interface FinishOptions {
  /** Lower bound; default 0. */
  lo?: number;
  notes?: string[];
  missing?: string[];
  parts?: SubExplanation[];
}

/**
 * Caps the raw value to [lo, points] (float noise at a bound is not a cap), removes float noise and
 * assembles the result with its explanation. `expr` is the expression with numbers substituted,
 * without "= result".
 */
export function finish(
  method: MethodDescriptor,
  points: number,
  rawValue: number,
  inputs: ExplanationInputs,
  rule: string,
  expr: string,
  opts?: FinishOptions,
): MethodResult {
  const raw = clean(rawValue);
  const lo = opts?.lo ?? 0;
  let score = raw;
  let capped = false;
  if (raw > points) {
    score = points;
    capped = !nearlyEqual(raw, points);
  } else if (raw < lo) {
    score = lo;
    capped = !nearlyEqual(raw, lo);
  }
  score = clean(score);
  const shown = roundHalfUp(score);
  const display = shown.toFixed(2);
  let formula: string;
  if (capped) {
    const from = roundHalfUp(raw);
    formula = `${expr} = ${from.toFixed(2)} ${raw > points ? '>' : '<'} ${display} → ${display}`;
  } else {
    formula = `${expr} = ${raw === score ? display : fmt2(raw)}`;
  }
  const explanation: Explanation = { method, inputs, rule, formula, result: shown };
  if (capped) explanation.capped = { from: roundHalfUp(raw), to: shown };
  if (opts) {
    if (opts.notes && opts.notes.length > 0) explanation.notes = opts.notes;
    if (opts.parts) explanation.parts = opts.parts;
  }
  const result: MethodResult = { score, display, explanation };
  if (opts?.missing && opts.missing.length > 0) result.missing = opts.missing;
  return result;
}
