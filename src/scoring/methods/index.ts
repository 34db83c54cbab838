import type { MethodSpec } from '../method-params.js';
import { ScoringError, ScoringErrorCode } from '../scoring.error.js';
import type { MethodContext, MethodResult, TaskFacts } from '../types.js';
import { scoreDirect } from './direct.js';
import { scoreEfficacy } from './efficacy.js';
import { scoreNodeDeduction, scoreNodePlatform } from './nodes.js';
import { scoreRatio } from './ratio.js';
import { scoreAllOrNothing } from './simple.js';

export { INPUT_LABELS } from './common.js';
export { scoreDirect } from './direct.js';
export { scoreEfficacy } from './efficacy.js';
export { scoreNodeDeduction, scoreNodePlatform } from './nodes.js';
export { scoreRatio } from './ratio.js';
export { scoreAllOrNothing } from './simple.js';

/**
 * Scores one indicator for one unit. `method` must come from validateMethodParams (defaults filled in).
 * Throws ScoringError(InvalidFacts) for facts no formula can use (a target of 0, more red nodes than nodes).
 */
export function scoreIndicator(method: MethodSpec, points: number, facts: TaskFacts, ctx: MethodContext = {}): MethodResult {
  if (!(typeof points === 'number' && Number.isFinite(points) && points > 0)) {
    throw new ScoringError(ScoringErrorCode.InvalidMethodParams, `points must be a number > 0 (got ${String(points)})`, [
      { field: 'points', code: 'range', message: 'points: must be a number > 0' },
    ]);
  }
  switch (method.code) {
    case 'ratio':
      return scoreRatio(points, method.params, facts);
    case 'all_or_nothing':
      return scoreAllOrNothing(points, facts);
    case 'direct':
      return scoreDirect(points, method.params, facts);
    case 'node_platform':
      return scoreNodePlatform(points, facts);
    case 'node_deduction':
      return scoreNodeDeduction(points, method.params, facts);
    case 'efficacy':
      return scoreEfficacy(points, method.params, facts, ctx);
  }
}
