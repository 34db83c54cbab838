/**
 * Export records: JSON Lines (one object per line, a `record` field says which) and CSV (RFC 4180, one
 * event per row). Both carry every hashed field exactly as stored, so an outside tool can recompute
 * each hash; test/support/reverify-export.mjs is such a tool and imports nothing from this project.
 */
import { GENESIS_HASH } from './event-hash.js';

export const EXPORT_FORMAT = 'duban-audit-export';
export const EXPORT_FORMAT_VERSION = 1;
export const HASH_RECIPE = 'sha256(prev_hash|task_id|seq|type|occurred_at|payload), lowercase hex, UTF-8';
export const CHECKPOINT_RECIPE =
  'plan_root = sha256(for tasks by id: "task|id|seq|hash\\n", then evidence by id: "evidence|id|task_id|sha256|size\\n"); ' +
  'hash = sha256(prev_hash|seq|created_at|for plans by id: "plan_id=plan_root;")';

export interface ExportEventRow {
  task_id: string;
  seq: number;
  type: string;
  occurred_at: string;
  recorded_at: string;
  actor_user_id: string | null;
  actor_role: string;
  actor_unit_id: string | null;
  machine_version: number;
  state_before: string | null;
  state_after: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

export interface ExportTaskRow {
  id: string;
  plan_id: string;
  indicator_id: string;
  unit_id: string;
  state: string;
  light: string | null;
  machine_version: number;
  /** The head of the export's consistent cut. */
  last_seq: number;
  last_hash: string;
}

export function headerRecord(scope: { planId: string | null; taskId: string | null }, exportedAt: string, machineVersion: number): string {
  return JSON.stringify({
    record: 'header',
    format: EXPORT_FORMAT,
    version: EXPORT_FORMAT_VERSION,
    scope: scope.taskId ? 'task' : 'plan',
    planId: scope.planId,
    taskId: scope.taskId,
    exportedAt,
    machineVersion,
    hashRecipe: HASH_RECIPE,
    genesisHash: GENESIS_HASH,
    checkpointRecipe: CHECKPOINT_RECIPE,
  });
}

export function taskRecord(t: ExportTaskRow): string {
  return JSON.stringify({
    record: 'task',
    taskId: t.id,
    planId: t.plan_id,
    indicatorId: t.indicator_id,
    unitId: t.unit_id,
    state: t.state,
    light: t.light,
    machineVersion: t.machine_version,
    lastSeq: t.last_seq,
    lastHash: t.last_hash,
  });
}

export function eventRecord(e: ExportEventRow): string {
  return JSON.stringify({
    record: 'event',
    taskId: e.task_id,
    seq: e.seq,
    type: e.type,
    occurredAt: e.occurred_at,
    recordedAt: e.recorded_at,
    actor: { userId: e.actor_user_id, role: e.actor_role, unitId: e.actor_unit_id },
    machineVersion: e.machine_version,
    stateBefore: e.state_before,
    stateAfter: e.state_after,
    payload: e.payload,
    prevHash: e.prev_hash,
    hash: e.hash,
  });
}

export const CSV_COLUMNS = [
  'task_id',
  'seq',
  'type',
  'occurred_at',
  'recorded_at',
  'actor_user_id',
  'actor_role',
  'actor_unit_id',
  'machine_version',
  'prev_hash',
  'hash',
  'state_before',
  'state_after',
  'payload',
] as const;

/**
 * The columns an event's hash covers (with `hash` itself): written exactly as stored, never altered, so
 * the hash recomputes from the cells. None can start like a spreadsheet formula: ids, a positive
 * integer, an event type, an ISO instant, hex digests and a JSON object (`{`).
 */
export const CSV_HASHED_COLUMNS: ReadonlySet<(typeof CSV_COLUMNS)[number]> = new Set(['task_id', 'seq', 'type', 'occurred_at', 'prev_hash', 'hash', 'payload']);

/** UTF-8 byte order mark: without it Excel reads the file as the local code page and the Chinese breaks. */
export const CSV_BOM = '\uFEFF';

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. null → empty. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab/CR) gets a
 * leading `'` (CSV injection); numbers are left alone. Used for the columns no hash covers.
 */
export function neutraliseFormula(v: string | number | null): string | number | null {
  return typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** The first line of a CSV export, preceded by the BOM. */
export function csvHeader(): string {
  return CSV_BOM + CSV_COLUMNS.join(',');
}

export function csvRow(e: ExportEventRow): string {
  return CSV_COLUMNS.map((c) => csvField(CSV_HASHED_COLUMNS.has(c) ? e[c] : neutraliseFormula(e[c]))).join(',');
}
