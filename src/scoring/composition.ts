import { clean, fmt2, fmtNum, fmtPercent, NeumaierSum } from './numeric.js';

interface PartBase {
  key: string;
  name: string;
  /** Share of the parent in (0, 1], when the parent's mode is 'weights' (weights of siblings sum to 1). */
  weight?: number;
  /** Point budget, when the parent's mode is 'points' (the parent's maximum is the sum of budgets). */
  points?: number;
}

/** The unit's indicator scores; only indicators with this tag (e.g. "individual", "common") if given. */
export interface IndicatorsPart extends PartBase {
  kind: 'indicators';
  tag?: string;
}

/** The mean rating from one kind of evaluator (an EvaluatorConfig key), on a 0–100 scale. */
export interface EvaluationPart extends PartBase {
  kind: 'evaluation';
  evaluator: string;
}

/**
 * Parts combined by weights (value = Σ weight × rate, where rate = value ÷ max × 100; max 100) or by point
 * budgets (value = Σ budget × value ÷ max; max = Σ budgets).
 */
export interface CompositePart extends PartBase {
  kind: 'composite';
  mode: 'weights' | 'points';
  parts: PartNode[];
}

export type PartNode = IndicatorsPart | EvaluationPart | CompositePart;

/** A leaf's value as computed by the caller. */
export interface LeafValue {
  value: number;
  max: number;
  /** e.g. "Σ 45 项指标得分 = 90.00（满分 100）" */
  formula: string;
  provisional?: boolean;
}

export interface PartScore {
  key: string;
  name: string;
  kind: PartNode['kind'];
  weight?: number;
  budget?: number;
  /** On the part's own scale [.., max]. */
  value: number;
  max: number;
  /** value ÷ max × 100 (得分率); 0 when max is 0. */
  rate: number;
  /** What it adds to the parent: weight × rate, or budget × value ÷ max; the root's is its value. */
  contribution: number;
  display: string;
  formula: string;
  provisional: boolean;
  parts?: PartScore[];
}

function rateOf(value: number, max: number): number {
  if (max === 0) return 0;
  return max === 100 ? value : clean((value * 100) / max);
}

/** Evaluates a composition tree; `leaf` supplies each indicators/evaluation leaf's value. */
export function composeParts(root: PartNode, leaf: (node: IndicatorsPart | EvaluationPart) => LeafValue): PartScore {
  const out = evaluate(root, leaf);
  out.contribution = out.value;
  return out;
}

function evaluate(node: PartNode, leaf: (node: IndicatorsPart | EvaluationPart) => LeafValue): PartScore {
  if (node.kind !== 'composite') {
    const v = leaf(node);
    return {
      key: node.key,
      name: node.name,
      kind: node.kind,
      value: clean(v.value),
      max: v.max,
      rate: rateOf(v.value, v.max),
      contribution: 0,
      display: fmt2(v.value),
      formula: v.formula,
      provisional: v.provisional ?? false,
    };
  }
  const children: PartScore[] = [];
  const acc = new NeumaierSum();
  const terms: string[] = [];
  let provisional = false;
  let max = 0;
  for (const child of node.parts) {
    const c = evaluate(child, leaf);
    if (node.mode === 'weights') {
      const w = child.weight ?? 0;
      c.weight = w;
      c.contribution = clean(w * c.rate);
      terms.push(`${fmt2(c.rate)} × ${fmtPercent(w)}`);
    } else {
      const b = child.points ?? 0;
      c.budget = b;
      c.contribution = c.max === 0 ? 0 : clean((b * c.value) / c.max);
      terms.push(c.max === b ? fmt2(c.value) : `${fmtNum(b)} × ${fmt2(c.value)} ÷ ${fmtNum(c.max)}`);
      max += b;
    }
    acc.add(c.contribution);
    provisional ||= c.provisional;
    children.push(c);
  }
  const value = clean(acc.value);
  return {
    key: node.key,
    name: node.name,
    kind: 'composite',
    value,
    max: node.mode === 'weights' ? 100 : clean(max),
    rate: node.mode === 'weights' ? value : rateOf(value, max),
    contribution: 0,
    display: fmt2(value),
    formula: `${terms.join(' + ')} = ${fmt2(value)}`,
    provisional,
    parts: children,
  };
}
