import type { EfficacyParams } from '../method-params.js';
import { fmtNum } from '../numeric.js';
import type { ExplanationInputs, MethodContext, MethodResult, TaskFacts } from '../types.js';
import { descriptor, factNumber, finish, invalidFact, n } from './common.js';

const METHOD = descriptor('efficacy');
const RULE = '功效系数 d = 60 + 40 × (实际值 − 不允许值) ÷ (满意值 − 不允许值)，限定在 [0, 100]；得分 = 分值 × d ÷ 100';

/**
 * 功效系数法: d = 60 + 40 × (x − floor) / (satisfactory − floor), clamped to [0, 100]; score = points × d / 100.
 * With bounds 'group', floor = the worst and satisfactory = the best actual of the group (ctx.groupBounds);
 * if every unit has the same value, d = 100.
 */
export function scoreEfficacy(points: number, params: EfficacyParams, facts: TaskFacts, ctx: MethodContext = {}): MethodResult {
  const actual = factNumber(facts, 'actual');
  let floor: number;
  let sat: number;
  const notes: string[] = [];
  if (params.bounds === 'given') {
    floor = params.floor;
    sat = params.satisfactory;
  } else {
    const b = ctx.groupBounds;
    if (!b) throw invalidFact('groupBounds', 'efficacy with bounds "group" needs the group\'s worst and best values');
    floor = b.worst;
    sat = b.best;
    notes.push(`不允许值取组内最差值 ${fmtNum(floor)}，满意值取组内最好值 ${fmtNum(sat)}（${b.units} 个单位）`);
  }
  const inputs: ExplanationInputs = { points, actual: actual ?? null, floor, satisfactory: sat };
  if (actual === undefined) return finish(METHOD, points, 0, inputs, RULE, '尚未填报实际值 → 0', { missing: ['actual'], notes });
  if (sat === floor) {
    notes.push('满意值与不允许值相同（组内各单位实际值相同），功效系数按 100 计');
    return finish(METHOD, points, points, inputs, RULE, `${n(points)} × 100 ÷ 100`, { notes });
  }
  const d = 60 + (40 * (actual - floor)) / (sat - floor);
  return finish(METHOD, points, (points * d) / 100, inputs, RULE, `${n(points)} × (60 + 40 × (${n(actual)} − ${n(floor)}) ÷ (${n(sat)} − ${n(floor)})) ÷ 100`, {
    notes,
  });
}
