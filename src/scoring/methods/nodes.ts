import type { NodeDeductionParams } from '../method-params.js';
import { fmtNum, NeumaierSum } from '../numeric.js';
import type { ExplanationInputs, MethodResult, TaskFacts } from '../types.js';
import { descriptor, factCount, finish, invalidFact, n } from './common.js';

const PLATFORM = descriptor('node_platform');
const DEDUCTION = descriptor('node_deduction');
const PLATFORM_RULE = '得分 = 分值 × (节点数 − 红灯数) ÷ 节点数';

/** Red-node count from redNodes or the length of redNodeDeductions (they must agree when both are given). */
function redCount(facts: TaskFacts): number | undefined {
  const red = factCount(facts, 'redNodes');
  const list = facts.redNodeDeductions ?? undefined;
  if (list !== undefined) {
    if (!Array.isArray(list)) throw invalidFact('redNodeDeductions', 'must be an array');
    if (red !== undefined && red !== list.length) {
      throw invalidFact('redNodeDeductions', `has ${list.length} entries but redNodes is ${red}`);
    }
    return list.length;
  }
  return red;
}

/** Node platform score: points × (nodes − red) / nodes. */
export function scoreNodePlatform(points: number, facts: TaskFacts): MethodResult {
  const nodes = factCount(facts, 'nodes');
  const red = redCount(facts);
  const inputs: ExplanationInputs = { points, nodes: nodes ?? null, redNodes: red ?? null };
  if (nodes === undefined)
    return finish(PLATFORM, points, 0, inputs, PLATFORM_RULE, '节点数未知 → 0', { missing: red === undefined ? ['nodes', 'redNodes'] : ['nodes'] });
  const r = red ?? 0;
  if (r > nodes) throw invalidFact('redNodes', `${r} red nodes exceed the ${nodes} nodes`);
  if (nodes === 0) return finish(PLATFORM, points, points, inputs, PLATFORM_RULE, `无节点 → ${fmtNum(points)}`, { notes: ['任务没有节点，按满分计'] });
  return finish(
    PLATFORM,
    points,
    (points * (nodes - r)) / nodes,
    inputs,
    PLATFORM_RULE,
    `${n(points)} × (${nodes} − ${r}) ÷ ${nodes}`,
    red === undefined ? { missing: ['redNodes'] } : undefined,
  );
}

/** 直接扣分法: points − Σ deduction of each red-lighted node (its own amount, else the method's default). */
export function scoreNodeDeduction(points: number, params: NodeDeductionParams, facts: TaskFacts): MethodResult {
  const red = redCount(facts);
  const list = facts.redNodeDeductions ?? undefined;
  let deducted: number;
  let expr: string;
  if (list !== undefined && list.some((d) => d !== null && d !== undefined)) {
    const total = new NeumaierSum();
    const terms: string[] = [];
    list.forEach((d, i) => {
      const amount = d ?? params.deductionPerRedNode;
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) throw invalidFact(`redNodeDeductions[${i}]`, 'must be a number ≥ 0');
      total.add(amount);
      terms.push(n(amount));
    });
    deducted = total.value;
    expr = `${n(points)} − (${terms.join(' + ')})`;
  } else {
    const r = red ?? 0;
    deducted = r * params.deductionPerRedNode;
    expr = `${n(points)} − ${r} × ${n(params.deductionPerRedNode)}`;
  }
  return finish(
    DEDUCTION,
    points,
    points - deducted,
    { points, redNodes: red ?? null, deductionPerRedNode: params.deductionPerRedNode },
    params.floorAtZero ? '每个红灯节点扣除该节点设定的分值，扣完为止' : '每个红灯节点扣除该节点设定的分值（可扣至负分）',
    expr,
    { lo: params.floorAtZero ? 0 : -Infinity, missing: red === undefined ? ['redNodes'] : undefined },
  );
}
