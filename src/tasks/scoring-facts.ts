import type { TaskContext } from '../../workflows/task/index.js';

/**
 * The scoring read model's facts of a task, kept as a query column (`tasks.scoring_facts`) by the write
 * path so the scores read never parses snapshots (machine v2: nodes are approved in any order):
 *   [approved nodes, completedAt, score, last node's stageValue,
 *    last node's approval.reviewedValue, last node's last submission's completedValue, last node's approval.assessorPoints,
 *    the same three of the latest approved node (highest seq; the first node when none is approved),
 *    nodes counted (a suspended task's unapproved nodes are not, unless already red), red nodes,
 *    the red nodes' deductions (per node, in seq order),
 *    and — only when some were entered, so every older row stays as it was — the entered facts (context.enteredFacts)]
 * The first ten positions mean what they meant under machine v1 (where the approved nodes were the
 * first `currentIndex` ones), so `scoringFactsSql` (v1 snapshots, kept for the landed backfill) agrees.
 */
export function scoringFactsOf(c: TaskContext): string {
  const last = c.nodes.at(-1);
  let approved = 0;
  let latest = c.nodes[0];
  let counted = 0;
  const deductions: (number | null)[] = [];
  const suspended = c.suspendedAt !== null;
  for (const n of c.nodes) {
    if (n.status === 'approved') {
      approved++;
      latest = n;
    }
    if (!suspended || n.status === 'approved' || n.redLighted) counted++;
    if (n.redLighted) deductions.push(n.redDeduction);
  }
  const facts: unknown[] = [
    approved,
    c.completedAt ?? null,
    c.score ?? null,
    last?.stageValue ?? null,
    last?.approval?.reviewedValue ?? null,
    last?.submissions.at(-1)?.completedValue ?? null,
    last?.approval?.assessorPoints ?? null,
    latest?.approval?.reviewedValue ?? null,
    latest?.submissions.at(-1)?.completedValue ?? null,
    latest?.approval?.assessorPoints ?? null,
    counted,
    c.redCount,
    deductions,
  ];
  if (c.enteredFacts !== undefined) facts.push(c.enteredFacts);
  return JSON.stringify(facts);
}

/**
 * The first ten facts read by the database from a machine **v1** snapshot column `col` (the backfill of
 * migration 1795330000000 and the scores read's fallback for rows without facts, written by v1), as a JSON array text: SQLite's multi-path json_extract, or PostgreSQL's jsonb paths (a JSON null and a
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
