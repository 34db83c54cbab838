import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';
import { EVENT_TUPLE_COLUMNS, type EventTuple } from './chain-check.js';
import type { EvidenceEntry, HeadEntry } from './checkpoint-digest.js';
import type { ExportEventRow, ExportTaskRow } from './export-format.js';
import type { StoredEvent, StoredTask } from './replay.js';

export interface AuditTaskRow {
  id: string;
  plan_id: string;
  indicator_id: string;
  unit_id: string;
  assessing_unit_id: string | null;
  state: string;
  light: string | null;
  current_node_seq: number | null;
  next_deadline_at: string | null;
  red_count: number;
  version: number;
  machine_version: number;
  snapshot: string;
  last_seq: number;
  last_hash: string;
  created_at: string;
}

export interface EventRowFull extends ExportEventRow {
  id: number;
}

export interface TaskHeadRow {
  id: string;
  plan_id: string;
  last_seq: number;
  last_hash: string;
  created_at: string;
}

export interface EvidenceRow {
  id: string;
  task_id: string;
  plan_id: string | null;
  sha256: string;
  size: number;
}

export interface CheckpointRow {
  seq: number;
  day: string;
  created_at: string;
  created_by: string;
  task_count: number;
  event_count: number;
  evidence_count: number;
  prev_hash: string;
  hash: string;
  public_key: string;
  signature: string;
}

export interface CheckpointPlanRow {
  checkpoint_seq: number;
  plan_id: string;
  root: string;
  task_count: number;
  event_count: number;
  evidence_count: number;
}

const TASK_SELECT = `SELECT t.id, t.plan_id, t.indicator_id, t.unit_id, i.assessing_unit_id, t.state, t.light, t.current_node_seq,
  t.next_deadline_at, t.red_count, t.version, t.machine_version, t.snapshot, t.last_seq, t.last_hash, t.created_at
  FROM tasks t JOIN indicators i ON i.id = t.indicator_id`;

export const toStoredEvent = (e: ExportEventRow): StoredEvent => ({
  seq: e.seq,
  type: e.type,
  occurredAt: e.occurred_at,
  payload: e.payload,
  stateBefore: e.state_before,
  stateAfter: e.state_after,
  machineVersion: e.machine_version,
});

export const toStoredTask = (t: AuditTaskRow): StoredTask => ({
  snapshot: t.snapshot,
  state: t.state,
  light: t.light,
  currentNodeSeq: t.current_node_seq,
  nextDeadlineAt: t.next_deadline_at,
  redCount: t.red_count,
  version: t.version,
  lastSeq: t.last_seq,
  machineVersion: t.machine_version,
});

/** The audit module's queries: prepared SQL only (hot paths read a million rows). */
@Injectable()
export class AuditRepository {
  constructor(readonly db: DatabaseService) {}

  /** Run `fn` in one read transaction: every query inside sees the same database state. */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return await fn();
    return await this.db.transaction(fn, { readOnly: true });
  }

  /** Whether some checkpoint sealed this plan. */
  async sealedPlan(planId: string): Promise<boolean> {
    return (await this.db.value('SELECT 1 FROM audit_checkpoint_plans WHERE plan_id = ? LIMIT 1', planId)) !== undefined;
  }

  async task(id: string): Promise<AuditTaskRow | undefined> {
    return (await this.db.one(`${TASK_SELECT} WHERE t.id = ?`, id)) as AuditTaskRow | undefined;
  }

  async tasksOfPlan(planId: string): Promise<(AuditTaskRow & { unit_name: string })[]> {
    return (await this.db.all(
      `SELECT x.*, u.name AS unit_name FROM (${TASK_SELECT} WHERE t.plan_id = ?) x JOIN units u ON u.id = x.unit_id ORDER BY x.id`,
      planId,
    )) as (AuditTaskRow & { unit_name: string })[];
  }

  async plan(id: string): Promise<{ id: string; timezone: string } | undefined> {
    return (await this.db.one('SELECT id, timezone FROM plans WHERE id = ?', id)) as { id: string; timezone: string } | undefined;
  }

  /** The task's rows of the nodes projection, by seq (task_id left out). */
  async nodeRows(taskId: string): Promise<Record<string, unknown>[]> {
    return await this.db.all(
      `SELECT seq, due_date, due_at, warn_at, stage_target, stage_value, required_evidence, red_deduction, status, red_lighted, approved_at,
              late_days, light, late_completed, late_working_days, red_lighted_at, red_recorded_at, extension_pending
         FROM nodes WHERE task_id = ? ORDER BY seq`,
      taskId,
    );
  }

  async events(taskId: string, maxSeq = 2_147_483_647): Promise<EventRowFull[]> {
    // default: every event (seq is a 32-bit integer column on PostgreSQL)
    return (await this.db.all('SELECT * FROM task_events WHERE task_id = ? AND seq <= ? ORDER BY seq', taskId, maxSeq)) as EventRowFull[];
  }

  /** Every event (optionally of one plan) as tuples ordered by task and seq, streamed. */
  iterateEventTuples(planId?: string): AsyncIterable<EventTuple> {
    if (planId === undefined) {
      return this.db.iterateRows<EventTuple>(`SELECT ${EVENT_TUPLE_COLUMNS} FROM task_events ORDER BY task_id, seq`);
    }
    const cols = EVENT_TUPLE_COLUMNS.split(', ')
      .map((c) => `e.${c}`)
      .join(', ');
    return this.db.iterateRows<EventTuple>(
      `SELECT ${cols} FROM task_events e WHERE e.task_id IN (SELECT id FROM tasks WHERE plan_id = ?) ORDER BY e.task_id, e.seq`,
      planId,
    );
  }

  /** The same rows, only counted: the bare read a chain walk is compared with. */
  async countEventTuples(): Promise<number> {
    let n = 0;
    for await (const _ of this.db.iterateRows(`SELECT ${EVENT_TUPLE_COLUMNS} FROM task_events ORDER BY task_id, seq`)) n++;
    return n;
  }

  async eventTuplesOf(taskId: string): Promise<EventTuple[]> {
    return await this.db.rows<EventTuple>(`SELECT ${EVENT_TUPLE_COLUMNS} FROM task_events WHERE task_id = ? ORDER BY seq`, taskId);
  }

  async taskHeads(planId?: string): Promise<TaskHeadRow[]> {
    if (planId === undefined) return (await this.db.all('SELECT id, plan_id, last_seq, last_hash, created_at FROM tasks ORDER BY id')) as TaskHeadRow[];
    return (await this.db.all('SELECT id, plan_id, last_seq, last_hash, created_at FROM tasks WHERE plan_id = ? ORDER BY id', planId)) as TaskHeadRow[];
  }

  async exportTasks(scope: { planId?: string; taskId?: string }): Promise<ExportTaskRow[]> {
    const cols = 'id, plan_id, indicator_id, unit_id, state, light, machine_version, last_seq, last_hash';
    if (scope.taskId) return (await this.db.all(`SELECT ${cols} FROM tasks WHERE id = ?`, scope.taskId)) as ExportTaskRow[];
    return (await this.db.all(`SELECT ${cols} FROM tasks WHERE plan_id = ? ORDER BY id`, scope.planId)) as ExportTaskRow[];
  }

  async evidenceRows(planId?: string): Promise<EvidenceRow[]> {
    const sql = `SELECT f.id, f.task_id, t.plan_id, f.sha256, f.size FROM evidence_files f LEFT JOIN tasks t ON t.id = f.task_id`;
    if (planId === undefined) return (await this.db.all(`${sql} ORDER BY f.id`)) as EvidenceRow[];
    return (await this.db.all(`${sql} WHERE t.plan_id = ? ORDER BY f.id`, planId)) as EvidenceRow[];
  }

  async exportEvidence(planId: string): Promise<Record<string, unknown>[]> {
    return (await this.db.all(
      `SELECT f.id, f.task_id, f.sha256, f.size, f.original_name, f.mime_type, f.created_at
         FROM evidence_files f JOIN tasks t ON t.id = f.task_id WHERE t.plan_id = ? ORDER BY f.id`,
      planId,
    )) as Record<string, unknown>[];
  }

  // ---- checkpoints ----

  async checkpoints(): Promise<CheckpointRow[]> {
    return (await this.db.all('SELECT * FROM audit_checkpoints ORDER BY seq')) as CheckpointRow[];
  }

  async latestCheckpoint(): Promise<CheckpointRow | undefined> {
    return (await this.db.one('SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT 1')) as CheckpointRow | undefined;
  }

  async checkpointPage(limit: number, offset: number): Promise<{ rows: CheckpointRow[]; total: number }> {
    const total = ((await this.db.one('SELECT count(*) AS n FROM audit_checkpoints')) as { n: number }).n;
    const rows = (await this.db.all('SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT ? OFFSET ?', limit, offset)) as CheckpointRow[];
    return { rows, total };
  }

  async checkpointPlans(seq?: number): Promise<CheckpointPlanRow[]> {
    if (seq === undefined) return (await this.db.all('SELECT * FROM audit_checkpoint_plans ORDER BY checkpoint_seq, plan_id')) as CheckpointPlanRow[];
    return (await this.db.all('SELECT * FROM audit_checkpoint_plans WHERE checkpoint_seq = ? ORDER BY plan_id', seq)) as CheckpointPlanRow[];
  }

  async sealedHeads(): Promise<(HeadEntry & { checkpointSeq: number })[]> {
    return (await this.db.all(
      'SELECT checkpoint_seq AS checkpointSeq, task_id AS taskId, plan_id AS planId, last_seq AS seq, last_hash AS hash FROM audit_checkpoint_heads ORDER BY checkpoint_seq, task_id',
    )) as (HeadEntry & { checkpointSeq: number })[];
  }

  async sealedEvidence(): Promise<(EvidenceEntry & { checkpointSeq: number })[]> {
    return (await this.db.all(
      'SELECT checkpoint_seq AS checkpointSeq, file_id AS fileId, task_id AS taskId, plan_id AS planId, sha256, size FROM audit_checkpoint_evidence ORDER BY checkpoint_seq, file_id',
    )) as (EvidenceEntry & { checkpointSeq: number })[];
  }

  async insertCheckpoint(c: CheckpointRow, plans: CheckpointPlanRow[], heads: HeadEntry[], evidence: EvidenceEntry[]): Promise<void> {
    await this.db.run(
      `INSERT INTO audit_checkpoints (seq, day, created_at, created_by, task_count, event_count, evidence_count, prev_hash, hash, public_key, signature)
         VALUES (@seq, @day, @created_at, @created_by, @task_count, @event_count, @evidence_count, @prev_hash, @hash, @public_key, @signature)`,
      c,
    );
    const plan = `INSERT INTO audit_checkpoint_plans (checkpoint_seq, plan_id, root, task_count, event_count, evidence_count)
       VALUES (@checkpoint_seq, @plan_id, @root, @task_count, @event_count, @evidence_count)`;
    for (const p of plans) await this.db.run(plan, p);
    const head = 'INSERT INTO audit_checkpoint_heads (checkpoint_seq, task_id, plan_id, last_seq, last_hash) VALUES (?, ?, ?, ?, ?)';
    for (const h of heads) await this.db.run(head, c.seq, h.taskId, h.planId, h.seq, h.hash);
    const ev = 'INSERT INTO audit_checkpoint_evidence (checkpoint_seq, file_id, task_id, plan_id, sha256, size) VALUES (?, ?, ?, ?, ?, ?)';
    for (const e of evidence) await this.db.run(ev, c.seq, e.fileId, e.taskId, e.planId, e.sha256, e.size);
  }
}
