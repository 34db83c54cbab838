import { DateTime } from 'luxon';
import type { TaskNodeState } from '../../workflows/task/index.js';

/**
 * The `nodes` table is a projection of each task's snapshot (context.nodes): the write path writes these
 * columns from the node states, and verify (src/audit/nodes-check.ts) recomputes them from the snapshot to
 * catch an edited row. One definition for both.
 */

/** The local calendar day of an instant in the plan's timezone (a node's due_date). */
export function localDay(instant: string, timezone: string): string {
  return DateTime.fromISO(instant, { zone: timezone }).toISODate()!;
}

/** The progress columns, in the order of NODE_PROGRESS_COLUMNS. */
export function progressOf(n: TaskNodeState): unknown[] {
  return [
    n.status,
    n.redLighted ? 1 : 0,
    n.approval?.at ?? null,
    n.late ? n.lateDays : null,
    n.light,
    n.lateCompleted ? 1 : 0,
    n.late ? n.lateWorkingDays : null,
    n.redLightedAt,
    n.redRecordedAt,
    n.pendingExtension !== null ? 1 : 0,
  ];
}

export const NODE_PROGRESS_COLUMNS = [
  'status',
  'red_lighted',
  'approved_at',
  'late_days',
  'light',
  'late_completed',
  'late_working_days',
  'red_lighted_at',
  'red_recorded_at',
  'extension_pending',
] as const;

/** Every column of a node's row as the snapshot gives it (task_id aside). */
export function expectedNodeRow(n: TaskNodeState, timezone: string): Record<string, unknown> {
  const row: Record<string, unknown> = {
    seq: n.seq,
    due_date: localDay(n.dueAt, timezone),
    due_at: n.dueAt,
    warn_at: n.warnAt,
    stage_target: n.stageTarget,
    stage_value: n.stageValue,
    required_evidence: n.requiredEvidence,
    red_deduction: n.redDeduction,
  };
  progressOf(n).forEach((v, i) => (row[NODE_PROGRESS_COLUMNS[i]] = v));
  return row;
}
