import { clean, fmt2, fmtNum, fmtPercent, NeumaierSum } from './numeric.js';

interface PartBase {
  key: string;
  name: string;
  /** Share of the parent in (0, 1], when the parent's mode is 'weights' (weights of siblings sum to 1). */
  weight?: number;
  /** The same share written as the document does, in percent (70 for 70%); a part gives `weight` or `percent`. */
  percent?: number;
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
  /** Things a reader must know, e.g. a ballot accepted above its in-principle quota. */
  notes?: string[];
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
  /** `value`, `rate` and `contribution` rounded half-up to 2 places, as text. */
  display: string;
  rateDisplay: string;
  contributionDisplay: string;
  formula: string;
  provisional: boolean;
  notes?: string[];
  parts?: PartScore[];
}

/** A part's share of its parent under mode 'weights': `weight`, or `percent` ÷ 100. */
export function partWeight(node: PartNode): number {
  return node.weight ?? (node.percent === undefined ? 0 : node.percent / 100);
}

function rateOf(value: number, max: number): number {
  if (max === 0) return 0;
  return max === 100 ? value : clean((value * 100) / max);
}

/** Evaluates a composition tree; `leaf` supplies each indicators/evaluation leaf's value. */
export function composeParts(root: PartNode, leaf: (node: IndicatorsPart | EvaluationPart) => LeafValue): PartScore {
  const out = evaluate(root, leaf);
  out.contribution = out.value;
  out.contributionDisplay = out.display;
  return out;
}

function evaluate(node: PartNode, leaf: (node: IndicatorsPart | EvaluationPart) => LeafValue): PartScore {
  if (node.kind !== 'composite') {
    const v = leaf(node);
    const rate = rateOf(v.value, v.max);
    const out: PartScore = {
      key: node.key,
      name: node.name,
      kind: node.kind,
      value: clean(v.value),
      max: v.max,
      rate,
      contribution: 0,
      display: fmt2(v.value),
      rateDisplay: fmt2(rate),
      contributionDisplay: '0.00',
      formula: v.formula,
      provisional: v.provisional ?? false,
    };
    if (v.notes && v.notes.length > 0) out.notes = v.notes;
    return out;
  }
  const children: PartScore[] = [];
  const acc = new NeumaierSum();
  const terms: string[] = [];
  let provisional = false;
  let max = 0;
  for (const child of node.parts) {
    const c = evaluate(child, leaf);
    if (node.mode === 'weights') {
      const w = partWeight(child);
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
    c.contributionDisplay = fmt2(c.contribution);
    acc.add(c.contribution);
    provisional ||= c.provisional;
    children.push(c);
  }
  const value = clean(acc.value);
  const rate = node.mode === 'weights' ? value : rateOf(value, max);
  return {
    key: node.key,
    name: node.name,
    kind: 'composite',
    value,
    max: node.mode === 'weights' ? 100 : clean(max),
    rate,
    contribution: 0,
    display: fmt2(value),
    rateDisplay: fmt2(rate),
    contributionDisplay: '0.00',
    formula: `${terms.join(' + ')} = ${fmt2(value)}`,
    provisional,
    parts: children,
  };
}
