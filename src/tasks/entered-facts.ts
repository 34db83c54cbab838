/**
 * Scoring facts a person enters on a task (政策影响额, sub-indicator values, sub-item results): which ones
 * the assessor may send with `evidence.approve` or anyone entitled with POST /tasks/{id}/facts, checked
 * against the task's indicator method (src/scoring/facts.ts `validateFacts`). Pure.
 */
import type { EnteredFactValues } from '../../workflows/task/index.js';
import type { FieldProblem } from '../common/domain-error.js';
import { factFields, validateFacts } from '../scoring/facts.js';
import { validateMethodParams } from '../scoring/method-params.js';
import { methodOf, type IndicatorRowLite } from '../scores/score-input.js';

/** The fact fields a person may enter (the others come from the task's nodes and approvals, or the indicator). */
export const ENTERED_FACT_FIELDS = ['policyAdjustment', 'subValues', 'subItems'] as const;

/** The entered-fact fields present in `source` (undefined ones left out). */
export function pickFacts(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ENTERED_FACT_FIELDS) if (source[k] !== undefined) out[k] = source[k];
  return out;
}

/**
 * `raw` checked against the indicator's method: the facts to record, or the problems, each naming its field
 * as `${prefix}.<path>` (`payload.policyAdjustment`, `subValues.gdp.actual`).
 */
export function checkEnteredFacts(
  indicator: Pick<IndicatorRowLite, 'method_code' | 'method_params' | 'direction' | 'points'>,
  raw: Record<string, unknown>,
  enteredBy: 'assessor' | 'office',
  prefix = '',
): { ok: true; facts: EnteredFactValues } | { ok: false; problems: FieldProblem[] } {
  const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
  const m = methodOf({ ...indicator, id: '', code: '', name: '', target_value: null });
  const spec = validateMethodParams(m.code, m.params, { points: indicator.points });
  if (!spec.ok) {
    return {
      ok: false,
      problems: Object.keys(raw).map((k) => ({ field: at(k), reason: 'the indicator’s scoring method is not valid: facts cannot be checked' })),
    };
  }
  const v = validateFacts(spec.value, raw, { points: indicator.points, enteredBy });
  if (!v.ok) return { ok: false, problems: v.errors.map((e) => ({ field: at(e.field), reason: e.message })) };
  return { ok: true, facts: v.value as EnteredFactValues };
}

/** The facts a person may enter for this indicator (what a form asks for), with their 中文 labels; empty when none. */
export function enterableFacts(
  indicator: Pick<IndicatorRowLite, 'method_code' | 'method_params' | 'direction' | 'points'>,
): { field: string; label: string; by: string[] }[] {
  const m = methodOf({ ...indicator, id: '', code: '', name: '', target_value: null });
  const spec = validateMethodParams(m.code, m.params, { points: indicator.points });
  if (!spec.ok) return [];
  return factFields(spec.value, indicator.points)
    .filter((f) => (ENTERED_FACT_FIELDS as readonly string[]).includes(f.field.split('.')[0]!))
    .map((f) => ({ field: f.field, label: f.label, by: f.by.filter((b) => b !== 'workflow') }));
}
