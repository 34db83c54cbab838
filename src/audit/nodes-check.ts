import type { VersionedSnapshot } from '../../workflows/task/index.js';
import { expectedNodeRow } from '../tasks/node-projection.js';

/**
 * The nodes table against the task's snapshot (machine v2; v1 snapshots are upgraded at start): each
 * node's row must be what the write path writes from the node state (src/tasks/node-projection.ts), and no
 * row may be missing or extra. Returns one line per difference (empty when they agree). Pure.
 */
export function nodesProjectionProblems(snap: VersionedSnapshot, rows: Record<string, unknown>[], timezone: string): string[] {
  if (snap.version !== 2) return [];
  const problems: string[] = [];
  const bySeq = new Map(rows.map((r) => [Number(r.seq), r]));
  for (const n of snap.snapshot.context.nodes) {
    const row = bySeq.get(n.seq);
    bySeq.delete(n.seq);
    if (!row) {
      problems.push(`node ${n.seq} has no row in the nodes table`);
      continue;
    }
    for (const [col, want] of Object.entries(expectedNodeRow(n, timezone))) {
      const have = row[col] ?? null;
      if ((want ?? null) !== have) problems.push(`node ${n.seq}: nodes.${col} is ${JSON.stringify(have)}, the snapshot gives ${JSON.stringify(want ?? null)}`);
    }
  }
  for (const seq of bySeq.keys()) problems.push(`the nodes table has a row for node ${seq}, which the snapshot does not have`);
  return problems;
}
