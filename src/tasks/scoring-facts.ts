import type { TaskContext } from '../../workflows/task/index.js';

/**
 * The scoring read model's facts of a task, kept as a query column (`tasks.scoring_facts`) by the write
 * path so the scores read never parses snapshots:
 *   [currentIndex, completedAt, score, last node's stageValue,
 *    last node's approval.reviewedValue, last node's last submission's completedValue, last node's approval.assessorPoints,
 *    the same three of the node before the current one (index max(currentIndex − 1, 0))]
 * Exactly what `json_extract(snapshot, …)` gives for those paths (SCORING_FACTS_PATHS), missing → null.
 */
export function scoringFactsOf(c: TaskContext): string {
  const last = c.nodes.at(-1);
  const prev = c.nodes[Math.max((c.currentIndex ?? 0) - 1, 0)];
  const facts = [
    c.currentIndex ?? null,
    c.completedAt ?? null,
    c.score ?? null,
    last?.stageValue ?? null,
    last?.approval?.reviewedValue ?? null,
    last?.submissions.at(-1)?.completedValue ?? null,
    last?.approval?.assessorPoints ?? null,
    prev?.approval?.reviewedValue ?? null,
    prev?.submissions.at(-1)?.completedValue ?? null,
    prev?.approval?.assessorPoints ?? null,
  ];
  return JSON.stringify(facts);
}

/**
 * The same facts read by the database from a snapshot column `col` (used for backfill and as a fallback),
 * as a JSON array text: SQLite's multi-path json_extract, or PostgreSQL's jsonb paths (a JSON null and a
 * missing path both give null, as json_extract does).
 */
export function scoringFactsSql(col: string, dialect: 'sqlite' | 'postgres' = 'sqlite'): string {
  if (dialect === 'postgres') {
    const j = `(${col})::jsonb`;
    const prev = `greatest(coalesce((${j} #>> '{context,currentIndex}')::int, 0) - 1, 0)`;
    const at = (path: string) => `${j} #> '{${path}}'`;
    const atPrev = (rest: string) => `${j} #> ('{context,nodes,' || ${prev} || ',${rest}}')::text[]`;
    return `jsonb_build_array(${at('context,currentIndex')}, ${at('context,completedAt')}, ${at('context,score')}, ${at('context,nodes,-1,stageValue')},
      ${at('context,nodes,-1,approval,reviewedValue')}, ${at('context,nodes,-1,submissions,-1,completedValue')}, ${at('context,nodes,-1,approval,assessorPoints')},
      ${atPrev('approval,reviewedValue')}, ${atPrev('submissions,-1,completedValue')}, ${atPrev('approval,assessorPoints')})::text`;
  }
  const prev = `'$.context.nodes[' || max(coalesce(json_extract(${col}, '$.context.currentIndex'), 0) - 1, 0) || ']`;
  return `json_extract(${col}, '$.context.currentIndex', '$.context.completedAt', '$.context.score', '$.context.nodes[#-1].stageValue',
      '$.context.nodes[#-1].approval.reviewedValue', '$.context.nodes[#-1].submissions[#-1].completedValue', '$.context.nodes[#-1].approval.assessorPoints',
      ${prev}.approval.reviewedValue', ${prev}.submissions[#-1].completedValue', ${prev}.approval.assessorPoints')`;
}
