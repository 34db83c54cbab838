import { Injectable } from '@nestjs/common';
import type BetterSqlite3 from 'better-sqlite3';
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
  private readonly raw = new Map<string, BetterSqlite3.Statement>();

  constructor(readonly db: DatabaseService) {}

  /** A prepared statement in raw (array) mode, kept apart from the shared cache so its mode never leaks. */
  private rawStmt(sql: string): BetterSqlite3.Statement {
    let s = this.raw.get(sql);
    if (!s) {
      s = this.db.sqlite.prepare(sql).raw(true);
      this.raw.set(sql, s);
    }
    return s;
  }

  /** Run `fn` in one read transaction: every query inside sees the same database state. */
  read<T>(fn: () => T): T {
    if (this.db.sqlite.inTransaction) return fn();
    return this.db.sqlite.transaction(fn).deferred();
  }

  task(id: string): AuditTaskRow | undefined {
    return this.db.stmt(`${TASK_SELECT} WHERE t.id = ?`).get(id) as AuditTaskRow | undefined;
  }

  tasksOfPlan(planId: string): (AuditTaskRow & { unit_name: string })[] {
    return this.db
      .stmt(`SELECT x.*, u.name AS unit_name FROM (${TASK_SELECT} WHERE t.plan_id = ?) x JOIN units u ON u.id = x.unit_id ORDER BY x.id`)
      .all(planId) as (AuditTaskRow & { unit_name: string })[];
  }

  plan(id: string): { id: string; timezone: string } | undefined {
    return this.db.stmt('SELECT id, timezone FROM plans WHERE id = ?').get(id) as { id: string; timezone: string } | undefined;
  }

  events(taskId: string, maxSeq = Number.MAX_SAFE_INTEGER): EventRowFull[] {
    return this.db.stmt('SELECT * FROM task_events WHERE task_id = ? AND seq <= ? ORDER BY seq').all(taskId, maxSeq) as EventRowFull[];
  }

  /** Every event (optionally of one plan) as tuples ordered by task and seq, streamed. */
  iterateEventTuples(planId?: string): IterableIterator<EventTuple> {
    if (planId === undefined) {
      return this.rawStmt(`SELECT ${EVENT_TUPLE_COLUMNS} FROM task_events ORDER BY task_id, seq`).iterate() as IterableIterator<EventTuple>;
    }
    const cols = EVENT_TUPLE_COLUMNS.split(', ').map((c) => `e.${c}`).join(', ');
    return this.rawStmt(
      `SELECT ${cols} FROM task_events e WHERE e.task_id IN (SELECT id FROM tasks WHERE plan_id = ?) ORDER BY e.task_id, e.seq`,
    ).iterate(planId) as IterableIterator<EventTuple>;
  }

  /** The same rows, only counted: the bare read a chain walk is compared with. */
  countEventTuples(): number {
    let n = 0;
    for (const _ of this.rawStmt(`SELECT ${EVENT_TUPLE_COLUMNS} FROM task_events ORDER BY task_id, seq`).iterate()) n++;
    return n;
  }

  eventTuplesOf(taskId: string): EventTuple[] {
    return this.rawStmt(`SELECT ${EVENT_TUPLE_COLUMNS} FROM task_events WHERE task_id = ? ORDER BY seq`).all(taskId) as EventTuple[];
  }

  taskHeads(planId?: string): TaskHeadRow[] {
    if (planId === undefined) return this.db.stmt('SELECT id, plan_id, last_seq, last_hash, created_at FROM tasks ORDER BY id').all() as TaskHeadRow[];
    return this.db.stmt('SELECT id, plan_id, last_seq, last_hash, created_at FROM tasks WHERE plan_id = ? ORDER BY id').all(planId) as TaskHeadRow[];
  }

  exportTasks(scope: { planId?: string; taskId?: string }): ExportTaskRow[] {
    const cols = 'id, plan_id, indicator_id, unit_id, state, light, machine_version, last_seq, last_hash';
    if (scope.taskId) return this.db.stmt(`SELECT ${cols} FROM tasks WHERE id = ?`).all(scope.taskId) as ExportTaskRow[];
    return this.db.stmt(`SELECT ${cols} FROM tasks WHERE plan_id = ? ORDER BY id`).all(scope.planId) as ExportTaskRow[];
  }

  evidenceRows(planId?: string): EvidenceRow[] {
    const sql = `SELECT f.id, f.task_id, t.plan_id, f.sha256, f.size FROM evidence_files f LEFT JOIN tasks t ON t.id = f.task_id`;
    if (planId === undefined) return this.db.stmt(`${sql} ORDER BY f.id`).all() as EvidenceRow[];
    return this.db.stmt(`${sql} WHERE t.plan_id = ? ORDER BY f.id`).all(planId) as EvidenceRow[];
  }

  exportEvidence(planId: string): Record<string, unknown>[] {
    return this.db
      .stmt(
        `SELECT f.id, f.task_id, f.sha256, f.size, f.original_name, f.mime_type, f.created_at
         FROM evidence_files f JOIN tasks t ON t.id = f.task_id WHERE t.plan_id = ? ORDER BY f.id`,
      )
      .all(planId) as Record<string, unknown>[];
  }

  // ---- checkpoints ----

  checkpoints(): CheckpointRow[] {
    return this.db.stmt('SELECT * FROM audit_checkpoints ORDER BY seq').all() as CheckpointRow[];
  }

  latestCheckpoint(): CheckpointRow | undefined {
    return this.db.stmt('SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT 1').get() as CheckpointRow | undefined;
  }

  checkpointPage(limit: number, offset: number): { rows: CheckpointRow[]; total: number } {
    const total = (this.db.stmt('SELECT count(*) AS n FROM audit_checkpoints').get() as { n: number }).n;
    const rows = this.db.stmt('SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT ? OFFSET ?').all(limit, offset) as CheckpointRow[];
    return { rows, total };
  }

  checkpointPlans(seq?: number): CheckpointPlanRow[] {
    if (seq === undefined) return this.db.stmt('SELECT * FROM audit_checkpoint_plans ORDER BY checkpoint_seq, plan_id').all() as CheckpointPlanRow[];
    return this.db.stmt('SELECT * FROM audit_checkpoint_plans WHERE checkpoint_seq = ? ORDER BY plan_id').all(seq) as CheckpointPlanRow[];
  }

  sealedHeads(): (HeadEntry & { checkpointSeq: number })[] {
    return this.db
      .stmt('SELECT checkpoint_seq AS checkpointSeq, task_id AS taskId, plan_id AS planId, last_seq AS seq, last_hash AS hash FROM audit_checkpoint_heads ORDER BY checkpoint_seq, task_id')
      .all() as (HeadEntry & { checkpointSeq: number })[];
  }

  sealedEvidence(): (EvidenceEntry & { checkpointSeq: number })[] {
    return this.db
      .stmt('SELECT checkpoint_seq AS checkpointSeq, file_id AS fileId, task_id AS taskId, plan_id AS planId, sha256, size FROM audit_checkpoint_evidence ORDER BY checkpoint_seq, file_id')
      .all() as (EvidenceEntry & { checkpointSeq: number })[];
  }

  insertCheckpoint(c: CheckpointRow, plans: CheckpointPlanRow[], heads: HeadEntry[], evidence: EvidenceEntry[]): void {
    this.db
      .stmt(
        `INSERT INTO audit_checkpoints (seq, day, created_at, created_by, task_count, event_count, evidence_count, prev_hash, hash, public_key, signature)
         VALUES (@seq, @day, @created_at, @created_by, @task_count, @event_count, @evidence_count, @prev_hash, @hash, @public_key, @signature)`,
      )
      .run(c);
    const plan = this.db.stmt(
      `INSERT INTO audit_checkpoint_plans (checkpoint_seq, plan_id, root, task_count, event_count, evidence_count)
       VALUES (@checkpoint_seq, @plan_id, @root, @task_count, @event_count, @evidence_count)`,
    );
    for (const p of plans) plan.run(p);
    const head = this.db.stmt('INSERT INTO audit_checkpoint_heads (checkpoint_seq, task_id, plan_id, last_seq, last_hash) VALUES (?, ?, ?, ?, ?)');
    for (const h of heads) head.run(c.seq, h.taskId, h.planId, h.seq, h.hash);
    const ev = this.db.stmt('INSERT INTO audit_checkpoint_evidence (checkpoint_seq, file_id, task_id, plan_id, sha256, size) VALUES (?, ?, ?, ?, ?, ?)');
    for (const e of evidence) ev.run(c.seq, e.fileId, e.taskId, e.planId, e.sha256, e.size);
  }
}
