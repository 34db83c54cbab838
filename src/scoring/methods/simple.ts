import { fmtNum } from '../numeric.js';
import type { MethodResult, TaskFacts } from '../types.js';
import { descriptor, finish, invalidFact } from './common.js';

const METHOD = descriptor('all_or_nothing');
const MISSING = ['completed'];

/** 绝对否决计分法: full points if completed, else 0. */
export function scoreAllOrNothing(points: number, facts: TaskFacts): MethodResult {
  const completed = facts.completed ?? undefined;
  if (completed !== undefined && typeof completed !== 'boolean') throw invalidFact('completed', 'must be true or false');
  return finish(
    METHOD,
    points,
    completed ? points : 0,
    { points, completed: completed ?? null },
    '完成得满分，否则不得分',
    completed ? `已完成 → ${fmtNum(points)}` : completed === false ? '未完成 → 0' : '尚未确认完成 → 0',
    completed === undefined ? { missing: MISSING.slice() } : undefined,
  );
}
