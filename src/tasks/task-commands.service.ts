import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { localDay, progressOf } from './node-projection.js';
import {
  applyTaskEvent,
  applyVersioned,
  columnsOf,
  isNodeEventType,
  restoreOwnedTaskSnapshot,
  TASK_MACHINE_VERSION,
  TaskCreatorV2,
  TaskInputError,
  v1,
  viewOf,
  withDefaultNode,
  type InitialTaskStateV2,
  type DomainEvent,
  type AllowedEvents,
  type PersistedTask,
  type Refusal,
  type TaskEvent,
  type TaskInput,
  type TaskNodeState,
  type TaskSnapshot,
  type TaskView,
} from '../../workflows/task/index.js';
import { canonicalJson, eventHash, GENESIS_HASH } from '../audit/event-hash.js';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { AppConfig } from '../../config/app.config.js';
import { Clock } from '../common/clock.js';
import { closingPlan } from '../common/plan-closing.js';
import type { Progress } from '../common/progress.js';
import { OutboxSignal } from '../common/outbox-signal.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { DatabaseService } from '../database/database.service.js';
import { scoringFactsOf } from './scoring-facts.js';
import { canSeeTask, refusalToSend } from './task-access.js';

/** A node as the task is created with it: the due day as written plus the computed instants. */
export interface NodeSpec {
  seq: number;
  dueDate: string;
  dueAt: string;
  warnAt: string;
  stageTarget: string | null;
  stageValue: number | null;
  requiredEvidence: string | null;
  redDeduction: number | null;
}

export interface CreateTaskCommand {
  id?: string;
  planId: string;
  indicatorId: string;
  unitId: string;
  isLead: boolean;
  nodes: NodeSpec[];
  /**
   * Where the task came from (an import: run id, row key, lead unit, leader in charge …). Recorded in the
   * `task.created` payload as `data.source` when given; the machine never reads it.
   */
  source?: Record<string, unknown>;
  /** Sequential submission; default: the indicator's setting, else the plan's. */
  sequential?: boolean;
  /** The sign-for deadline; default: the plan's N working days after assignment (none when the plan sets none). */
  signForDueAt?: string | null;
}

/** The outcome of one command: the new version and query columns, and the domain events it raised. */
export interface CommandResult extends Omit<TaskView, 'state'> {
  /** The query column: the first unapproved node's state in v1's names (assigned/open/submitted/returned) or the top state. */
  state: string;
  /** The machine's top state (active, suspended, completed, closed, scored, cancelled). */
  topState: TaskView['state'];
  taskId: string;
  version: number;
  seq: number;
  changed: boolean;
  emitted: DomainEvent[];
}

interface TaskStateRow {
  id: string;
  plan_id: string;
  unit_id: string;
  assessing_unit_id: string | null;
  timezone: string;
  review_due_at: string | null;
  version: number;
  snapshot: string;
  last_seq: number;
  last_hash: string;
  machine_version: number;
  sequential: number | null;
  /** The running close job of the task's plan, if any. */
  closing_job_id: string | null;
}

/** The running close job of a task's plan (its writes are refused meanwhile). */
const CLOSING_SQL = `SELECT t.plan_id, j.id AS job_id FROM tasks t JOIN jobs j ON j.plan_id = t.plan_id AND j.status = 'running' AND j.kind = 'close' WHERE t.id = ? LIMIT 1`;

/** What the start-up upgrade (or a command meeting a stored v1 task) did to one task. */
export interface UpgradeOutcome {
  taskId: string;
  redCountBefore: number;
  redCountAfter: number;
  newRedNodes: number[];
}

export const CREATED_EVENT = 'task.created';

/** The stored event payload: who sent it, the event's own fields, and the machine version that applied it. */
export function eventPayload(actor: Actor, data: Record<string, unknown>): string {
  return canonicalJson({
    actor: { role: actor.role, unit: actor.unitId, user: actor.userId },
    data: stripUndefined(data),
    machineVersion: TASK_MACHINE_VERSION,
  });
}

/** What JSON would make of `o` (undefined and function members dropped, NaN/Infinity → null, toJSON applied). */
function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  // Most payloads are plain JSON already: check that without allocating, and only round-trip the rest.
  return isPlainJson(o, 0) ? o : (JSON.parse(JSON.stringify(o)) as Record<string, unknown>);
}

function isPlainJson(v: unknown, depth: number): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || depth > 64) return false;
  if (Array.isArray(v)) return v.every((x) => isPlainJson(x, depth + 1));
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) return false;
    if (!isPlainJson((v as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}

/**
 * The nodes table's `due_date`: the local day (plan timezone) of the node's effective due instant, so it
 * moves with a granted extension like `due_at` does. The day as first written stays in the snapshot
 * (`originalDueAt`) and in the task.created / task.revise payloads.
 */

/** The persisted form of a snapshot as stored text (one serialization, no intermediate copy). */
function snapshotText(s: TaskSnapshot): string {
  return JSON.stringify({ value: s.value, context: s.context });
}

/** Same definition columns (what a revision can change), ignoring progress. */
function sameNodeDefinition(a: TaskNodeState | undefined, b: TaskNodeState): boolean {
  return (
    a !== undefined &&
    a.seq === b.seq &&
    a.originalDueAt === b.originalDueAt &&
    a.stageTarget === b.stageTarget &&
    a.stageValue === b.stageValue &&
    a.requiredEvidence === b.requiredEvidence &&
    a.redDeduction === b.redDeduction
  );
}

function stateText(s: { value: unknown }): string {
  return canonicalJson(s.value);
}

/** The machine event's instants → the request's payload fields they were computed from. */
const PAYLOAD_FIELD: Record<string, string> = { newDueAt: 'payload.newDueDate', newWarnAt: 'payload.newWarnDate' };

/** A refused event as the API reports it: a bad payload (`field`) → 400, a state conflict → 409; both name the node and its state. */
export function refusalError(event: { type: string }, refusal: Refusal, allowedNow: AllowedEvents): DomainError {
  const allowed = [...new Set([...allowedNow.task, ...Object.values(allowedNow.nodes).flat()])].filter((t) => t !== 'clock.tick');
  const details = {
    event: event.type,
    // The node's state when a node is concerned (v1's names: open, submitted …), else the task's top state.
    state: refusal.nodeState ?? refusal.state,
    topState: refusal.state,
    nodeSeq: refusal.nodeSeq,
    nodeState: refusal.nodeState,
    reason: refusal.code,
    message: refusal.message,
    messageEn: refusal.messageEn,
    allowed,
    allowedByNode: allowedNow.nodes,
  };
  const node = refusal.nodeSeq === null ? '' : ` (node ${refusal.nodeSeq}${refusal.nodeState ? `, ${refusal.nodeState}` : ''})`;
  if (refusal.field) {
    // The machine names its event's fields (newDueAt); the client sent days in the payload (newDueDate).
    const field = PAYLOAD_FIELD[refusal.field] ?? refusal.field;
    return new DomainError(ErrorCode.Validation, `Invalid input — ${field}: ${refusal.messageEn}${node}`, {
      ...details,
      fields: [{ field, reason: refusal.message }],
    });
  }
  return new DomainError(ErrorCode.EventNotAllowed, `${event.type} refused${node}: ${refusal.messageEn}`, details);
}

/** The nodes table's progress columns of one node, in INSERT/UPDATE order after the definition. */

function sameProgress(b: TaskNodeState, n: TaskNodeState): boolean {
  return (
    b.status === n.status &&
    b.redLighted === n.redLighted &&
    b.dueAt === n.dueAt &&
    b.warnAt === n.warnAt &&
    b.lateDays === n.lateDays &&
    b.late === n.late &&
    b.light === n.light &&
    b.lateCompleted === n.lateCompleted &&
    b.lateWorkingDays === n.lateWorkingDays &&
    b.redLightedAt === n.redLightedAt &&
    (b.pendingExtension === null) === (n.pendingExtension === null) &&
    (b.approval?.at ?? null) === (n.approval?.at ?? null)
  );
}

/**
 * The one write path (docs/architecture.md rule 3). Every change to a task — HTTP, CLI, sweeper, imports —
 * comes here: one immediate transaction that checks access and the expected version, applies the
 * machine's pure transition, appends the hash-chained event, updates the snapshot, version and
 * query columns, projects the nodes and queues the domain events in the outbox. All or nothing.
 */
@Injectable()
export class TaskCommandService {
  private readonly creator = new TaskCreatorV2();

  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly deadlines: DeadlinesService,
    private readonly config: AppConfig,
    private readonly signal: OutboxSignal,
  ) {}

  /** Create a task with its nodes; its history starts with a `task.created` event. */
  async create(cmd: CreateTaskCommand, actor: Actor): Promise<CommandResult> {
    const at = this.clock.nowIso();
    const result = await this.db.transaction(async () => await this.createInTransaction(cmd, actor, at));
    this.signal.notify();
    return result;
  }

  /** For batch callers (imports) that already hold a transaction. */
  async createInTransaction(cmd: CreateTaskCommand, actor: Actor, at: string): Promise<CommandResult> {
    const settings = await this.settingsFor(cmd.planId, cmd.indicatorId);
    const sequential = cmd.sequential ?? settings.sequential;
    const signForDueAt =
      cmd.signForDueAt !== undefined
        ? cmd.signForDueAt
        : settings.signForWorkingDays === null
          ? null
          : this.deadlines.reviewDueAt(at, settings.timezone, settings.signForWorkingDays);
    const input: TaskInput = {
      nodes: cmd.nodes.map((n) => ({
        seq: n.seq,
        dueAt: n.dueAt,
        warnAt: n.warnAt,
        stageTarget: n.stageTarget,
        stageValue: n.stageValue,
        requiredEvidence: n.requiredEvidence,
        redDeduction: n.redDeduction,
      })),
      ...(sequential ? { sequential: true } : {}),
      ...(signForDueAt ? { signForDueAt } : {}),
    };
    let initial: InitialTaskStateV2;
    try {
      // Same result as initialTaskTransition (creation.ts), without re-running the machine for every task
      // of a bulk import that shares its dates with another.
      initial = this.creator.create(input, at);
    } catch (e) {
      if (e instanceof TaskInputError) throw DomainError.validation([{ field: 'nodes', reason: e.message }]);
      throw e;
    }
    const id = cmd.id ?? randomUUID();
    await this.checkReferences(cmd);
    if (await this.db.one('SELECT 1 FROM tasks WHERE indicator_id = ? AND unit_id = ?', cmd.indicatorId, cmd.unitId)) {
      throw new DomainError(ErrorCode.Duplicate, `unit ${cmd.unitId} already has a task for indicator ${cmd.indicatorId}`, {
        field: 'unitId',
      });
    }
    const view = initial.view;
    const cols = columnsOf({ value: initial.value, context: initial.context } as unknown as TaskSnapshot);
    const payload = eventPayload(actor, {
      input,
      task: { planId: cmd.planId, indicatorId: cmd.indicatorId, unitId: cmd.unitId, isLead: cmd.isLead },
      dueDates: Object.fromEntries(cmd.nodes.map((n) => [String(n.seq), n.dueDate])),
      ...(cmd.source ? { source: cmd.source } : {}),
    });
    const hash = eventHash({ prevHash: GENESIS_HASH, taskId: id, seq: 1, type: CREATED_EVENT, occurredAt: at, payload });
    const storedSnapshot = JSON.stringify({ value: initial.value, context: initial.context });
    await this.db.run(
      `INSERT INTO tasks (id, plan_id, indicator_id, unit_id, is_lead, state, light, current_node_seq, next_deadline_at,
           red_count, sign_for_overdue, version, machine_version, snapshot, last_seq, last_hash, created_at, updated_at, scoring_facts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 1, ?, ?, ?, ?)`,
      id,
      cmd.planId,
      cmd.indicatorId,
      cmd.unitId,
      cmd.isLead ? 1 : 0,
      cols.state,
      cols.light,
      cols.currentNodeSeq,
      cols.nextDeadlineAt,
      cols.redCount,
      view.signForOverdue ? 1 : 0,
      TASK_MACHINE_VERSION,
      storedSnapshot,
      hash,
      at,
      at,
      scoringFactsOf(initial.context),
    );
    const nodeStates = initial.context.nodes;
    for (const [i, n] of cmd.nodes.entries()) {
      const st = nodeStates[i]!.seq === n.seq ? nodeStates[i]! : nodeStates.find((s) => s.seq === n.seq)!;
      await this.db.run(
        `INSERT INTO nodes (task_id, seq, due_date, due_at, warn_at, stage_target, stage_value, required_evidence,
             red_deduction, status, red_lighted, approved_at, late_days, light, late_completed, late_working_days,
             red_lighted_at, red_recorded_at, extension_pending)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        // due_date from the node's due instant, as every later write and verify derive it (a caller's
        // dueDate and dueAt can name different local days, e.g. a due instant at local midnight).
        id,
        n.seq,
        localDay(st.dueAt, settings.timezone),
        st.dueAt,
        st.warnAt,
        n.stageTarget,
        n.stageValue,
        n.requiredEvidence,
        n.redDeduction,
        ...progressOf(st),
      );
    }
    await this.appendEvent(id, 1, CREATED_EVENT, payload, actor, at, null, canonicalJson(initial.value), GENESIS_HASH, hash);
    const assessing = (await this.db.one('SELECT assessing_unit_id FROM indicators WHERE id = ?', cmd.indicatorId)) as { assessing_unit_id: string | null };
    await this.queue(id, { planId: cmd.planId, unitId: cmd.unitId, assessingUnitId: assessing.assessing_unit_id }, 1, at, initial.emitted);
    return { taskId: id, version: 1, seq: 1, changed: true, emitted: initial.emitted, ...view, topState: view.state, state: cols.state };
  }

  /** Sequential submission (the indicator's setting, else the plan's), the sign-for days and the plan's timezone. */
  private async settingsFor(planId: string, indicatorId: string): Promise<{ sequential: boolean; signForWorkingDays: number | null; timezone: string }> {
    const r = (await this.db.one(
      `SELECT p.timezone, p.sign_for_working_days, p.sequential_submission AS plan_seq, i.sequential_submission AS ind_seq
       FROM plans p LEFT JOIN indicators i ON i.id = ? WHERE p.id = ?`,
      indicatorId,
      planId,
    )) as { timezone: string; sign_for_working_days: number | null; plan_seq: number; ind_seq: number | null } | undefined;
    if (!r) return { sequential: false, signForWorkingDays: null, timezone: 'Asia/Shanghai' };
    return { sequential: (r.ind_seq ?? r.plan_seq) === 1, signForWorkingDays: r.sign_for_working_days, timezone: r.timezone };
  }

  /**
   * Apply one event. Refusals, in order: unknown or invisible task → 404; role may not send it → 403;
   * stale expected version → 409 VERSION_CONFLICT; the machine does not accept it now → 409
   * EVENT_NOT_ALLOWED naming the state and the allowed events. A clock tick with nothing to do writes nothing.
   */
  async apply(taskId: string, event: TaskEvent, actor: Actor, expectedVersion?: number): Promise<CommandResult> {
    // Before waiting for the write lock (SQLite: a close holds it for its whole transaction): a task of a
    // plan being closed is refused at once, read from the committed state.
    this.refuseWhileClosing(taskId, await this.db.one<{ plan_id: string; job_id: string }>(CLOSING_SQL, taskId));
    const result = await this.db.transaction(async () => await this.applyInTransaction(taskId, event, actor, expectedVersion));
    if (result.changed) this.signal.notify();
    return result;
  }

  /**
   * Many events in one transaction (the sweeper), each inside its own savepoint: one that is refused or
   * fails rolls back alone and is reported, the others commit together.
   */
  async applyMany(
    items: { taskId: string; event: TaskEvent }[],
    actor: Actor,
    progress?: Progress,
  ): Promise<(CommandResult | { taskId: string; error: Error })[]> {
    const results = await this.db.transaction(async (tx) => {
      const out: (CommandResult | { taskId: string; error: Error })[] = [];
      for (const i of items) {
        await progress?.step();
        try {
          out.push(await tx.transaction(async () => await this.applyInTransaction(i.taskId, i.event, actor)));
        } catch (error) {
          // Another writer (on PostgreSQL, a second instance's sweep) changed the task between our read and
          // our write: read it again once — each statement sees what has been committed since — and apply
          // the event to that state (a tick another sweep already applied then changes nothing).
          if (error instanceof DomainError && error.code === ErrorCode.VersionConflict) {
            try {
              out.push(await tx.transaction(async () => await this.applyInTransaction(i.taskId, i.event, actor)));
              continue;
            } catch (again) {
              out.push({ taskId: i.taskId, error: again as Error });
              continue;
            }
          }
          out.push({ taskId: i.taskId, error: error as Error });
        }
      }
      return out;
    });
    if (results.some((r) => 'changed' in r && r.changed)) this.signal.notify();
    return results;
  }

  /** A task of a plan whose close job runs takes no event but the close's own (which run in its context). */
  private refuseWhileClosing(taskId: string, closing: { plan_id: string; job_id: string } | undefined): void {
    if (!closing || closingPlan.getStore() === closing.plan_id) return;
    throw new DomainError(
      ErrorCode.PlanClosing,
      `task ${taskId}: plan ${closing.plan_id} is being closed (job ${closing.job_id}); its tasks take no events until the close finishes`,
      {
        planId: closing.plan_id,
        jobId: closing.job_id,
      },
    );
  }

  async applyInTransaction(taskId: string, event: TaskEvent, actor: Actor, expectedVersion?: number): Promise<CommandResult> {
    const row = (await this.db.one(
      `SELECT t.id, t.plan_id, t.unit_id, i.assessing_unit_id, p.timezone, t.review_due_at, t.version, t.snapshot, t.last_seq,
           t.last_hash, t.machine_version, coalesce(i.sequential_submission, p.sequential_submission) AS sequential,
           (SELECT j.id FROM jobs j WHERE j.plan_id = t.plan_id AND j.status = 'running' AND j.kind = 'close' LIMIT 1) AS closing_job_id
         FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN plans p ON p.id = t.plan_id WHERE t.id = ?`,
      taskId,
    )) as TaskStateRow | undefined;
    if (!row || !canSeeTask(actor, { unitId: row.unit_id, assessingUnitId: row.assessing_unit_id })) {
      throw DomainError.notFound('task', taskId);
    }
    this.refuseWhileClosing(taskId, row.closing_job_id ? { plan_id: row.plan_id, job_id: row.closing_job_id } : undefined);
    const refusal = refusalToSend(actor, event.type);
    if (refusal) throw DomainError.forbidden(refusal, { event: event.type, role: actor.role });
    if (expectedVersion !== undefined && expectedVersion !== row.version) {
      throw new DomainError(ErrorCode.VersionConflict, `task ${taskId} is at version ${row.version}, not ${expectedVersion}`, {
        field: 'expectedVersion',
        expected: expectedVersion,
        current: row.version,
      });
    }
    if (row.machine_version === 1) {
      // A task stored by machine v1 that the start-up upgrade has not reached: upgrade it first, in this transaction.
      await this.upgradeRow(row, event.at > this.clock.nowIso() ? this.clock.nowIso() : event.at);
    }
    const before = this.restore(row);
    event = this.complete(before, event, row.timezone);
    const result = applyTaskEvent(before, event);
    if (!result.ok) throw refusalError(event, result.refusal, result.allowed);
    const viewAfter = viewOf(result.snapshot);
    const cols = columnsOf(result.snapshot);
    if (!result.changed) {
      return { taskId, version: row.version, seq: row.last_seq, changed: false, emitted: [], ...viewAfter, topState: viewAfter.state, state: cols.state };
    }
    const seq = row.last_seq + 1;
    const at = event.at;
    const { type, at: _at, ...data } = event;
    const payload = eventPayload(actor, data);
    const hash = eventHash({ prevHash: row.last_hash, taskId, seq, type, occurredAt: at, payload });
    const now = this.clock.nowIso();
    const reviewDueAt = await this.reviewDueAt(row, event, result.snapshot);
    const updated = await this.db.run(
      `UPDATE tasks SET state = ?, light = ?, current_node_seq = ?, next_deadline_at = ?, red_count = ?, sign_for_overdue = ?,
           review_due_at = ?, version = version + 1, snapshot = ?, last_seq = ?, last_hash = ?, updated_at = ?, scoring_facts = ?
         WHERE id = ? AND version = ?`,
      cols.state,
      cols.light,
      cols.currentNodeSeq,
      cols.nextDeadlineAt,
      cols.redCount,
      viewAfter.signForOverdue ? 1 : 0,
      reviewDueAt,
      snapshotText(result.snapshot),
      seq,
      hash,
      now,
      scoringFactsOf(result.snapshot.context),
      taskId,
      row.version,
    );
    if (updated.changes !== 1) {
      throw new DomainError(ErrorCode.VersionConflict, `task ${taskId} changed underneath this command`, { current: row.version });
    }
    await this.appendEvent(taskId, seq, type, payload, actor, at, stateText(before), stateText(result.snapshot), row.last_hash, hash);
    await this.projectNodes(taskId, before.context.nodes, result.snapshot.context.nodes, row.timezone);
    await this.queue(taskId, { planId: row.plan_id, unitId: row.unit_id, assessingUnitId: row.assessing_unit_id }, seq, at, result.emitted);
    return { taskId, version: row.version + 1, seq, changed: true, emitted: result.emitted, ...viewAfter, topState: viewAfter.state, state: cols.state };
  }

  /**
   * What the write path adds to an event before the machine sees it (and before it is stored, so replay
   * feeds the same): a node event without `nodeSeq` (a v1-era client) acts on the node v1 would have
   * acted on; a late submission gets its working days late from the plan's calendar.
   */
  private complete(s: TaskSnapshot, event: TaskEvent, timezone: string): TaskEvent {
    if (!isNodeEventType(event.type)) return event;
    let e = withDefaultNode(s, event);
    if (e.type === 'evidence.submit' && (e.lateWorkingDays === undefined || e.lateWorkingDays === null)) {
      const node = s.context.nodes.find((n) => n.seq === (e as { nodeSeq: number }).nodeSeq);
      if (node && Date.parse(e.at) > Date.parse(node.dueAt)) {
        const days = this.deadlines.calendar.workingDaysBetween(localDay(node.dueAt, timezone), localDay(e.at, timezone));
        e = { ...e, lateWorkingDays: Math.max(0, days) };
      }
    }
    return e;
  }

  /**
   * A fresh submission starts the assessor's review window; it ends when no node awaits review (or the task
   * is not active, e.g. suspended). When a node awaits review again without a new submission (a resumed
   * task), the window is the last submission's again — the rule verify checks the column against.
   */
  private async reviewDueAt(row: TaskStateRow, event: TaskEvent, after: TaskSnapshot): Promise<string | null> {
    if (!after.context.nodes.some((n) => n.status === 'submitted') || viewOf(after).state !== 'active') return null;
    if (event.type === 'evidence.submit') return this.deadlines.reviewDueAt(event.at, row.timezone, this.config.DUBAN_REVIEW_WORKING_DAYS);
    if (row.review_due_at !== null) return row.review_due_at;
    const last = await this.db.value<string>(
      "SELECT occurred_at FROM task_events WHERE task_id = ? AND type = 'evidence.submit' ORDER BY seq DESC LIMIT 1",
      row.id,
    );
    return last ? this.deadlines.reviewDueAt(last, row.timezone, this.config.DUBAN_REVIEW_WORKING_DAYS) : null;
  }

  /**
   * Upgrade one stored machine-v1 task to v2 (issue 10): a `task.migrated` event continues its hash chain
   * (replay reproduces the upgrade from it, workflows/task/versioned.ts), red lights are recomputed under
   * the v2 rule (new ones dated at their due instants, queued like any red light), the row, its query
   * columns and nodes are rewritten. Null when the task is not a v1 task. Runs inside the caller's transaction.
   */
  async upgradeInTransaction(taskId: string, at: string): Promise<UpgradeOutcome | null> {
    const row = (await this.db.one(
      `SELECT t.id, t.plan_id, t.unit_id, i.assessing_unit_id, p.timezone, t.review_due_at, t.version, t.snapshot, t.last_seq,
           t.last_hash, t.machine_version, coalesce(i.sequential_submission, p.sequential_submission) AS sequential
         FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN plans p ON p.id = t.plan_id WHERE t.id = ?`,
      taskId,
    )) as TaskStateRow | undefined;
    if (!row || row.machine_version !== 1) return null;
    return await this.upgradeRow(row, at);
  }

  /** See upgradeInTransaction; updates `row` in place to the upgraded task. */
  private async upgradeRow(row: TaskStateRow, at: string): Promise<UpgradeOutcome> {
    const persisted = JSON.parse(row.snapshot) as v1.PersistedTask;
    const before = v1.restoreOwnedTaskSnapshot(persisted);
    const sequential = row.sequential === 1;
    const r = applyVersioned(TASK_MACHINE_VERSION, { version: 1, snapshot: before }, { type: 'task.migrated', at, sequential });
    if (!r.ok || r.state.version !== 2) throw new Error(`task ${row.id}: the upgrade to machine v2 failed: ${r.ok ? 'not v2' : r.reason}`);
    const after = r.state.snapshot;
    const migrated = r.emitted[0] as unknown as { redCountBefore: number; redCountAfter: number; newRedNodes: number[] };
    const data = {
      from: 1,
      to: TASK_MACHINE_VERSION,
      sequential,
      redCountBefore: migrated.redCountBefore,
      redCountAfter: migrated.redCountAfter,
      newRedNodes: migrated.newRedNodes,
    };
    const seq = row.last_seq + 1;
    const payload = eventPayload(SYSTEM_ACTOR, data);
    const hash = eventHash({ prevHash: row.last_hash, taskId: row.id, seq, type: 'task.migrated', occurredAt: at, payload });
    const cols = columnsOf(after);
    const view = viewOf(after);
    const reviewDueAt = await this.reviewDueAt(row, { type: 'clock.tick', at }, after);
    const updated = await this.db.run(
      `UPDATE tasks SET state = ?, light = ?, current_node_seq = ?, next_deadline_at = ?, red_count = ?, sign_for_overdue = ?,
           review_due_at = ?, version = version + 1, machine_version = ?, snapshot = ?, last_seq = ?, last_hash = ?, updated_at = ?,
           scoring_facts = ?
         WHERE id = ? AND version = ?`,
      cols.state,
      cols.light,
      cols.currentNodeSeq,
      cols.nextDeadlineAt,
      cols.redCount,
      view.signForOverdue ? 1 : 0,
      reviewDueAt,
      TASK_MACHINE_VERSION,
      snapshotText(after),
      seq,
      hash,
      this.clock.nowIso(),
      scoringFactsOf(after.context),
      row.id,
      row.version,
    );
    if (updated.changes !== 1) {
      throw new DomainError(ErrorCode.VersionConflict, `task ${row.id} changed underneath its upgrade`, { current: row.version });
    }
    await this.appendEvent(row.id, seq, 'task.migrated', payload, SYSTEM_ACTOR, at, stateText(before), stateText(after), row.last_hash, hash);
    await this.rewriteNodes(row.id, [], after.context.nodes, row.timezone);
    await this.queue(row.id, { planId: row.plan_id, unitId: row.unit_id, assessingUnitId: row.assessing_unit_id }, seq, at, r.emitted as DomainEvent[]);
    Object.assign(row, {
      version: row.version + 1,
      last_seq: seq,
      last_hash: hash,
      machine_version: TASK_MACHINE_VERSION,
      snapshot: snapshotText(after),
      review_due_at: reviewDueAt,
    });
    return { taskId: row.id, redCountBefore: data.redCountBefore, redCountAfter: data.redCountAfter, newRedNodes: data.newRedNodes };
  }

  private restore(row: TaskStateRow): TaskSnapshot {
    try {
      return restoreOwnedTaskSnapshot(JSON.parse(row.snapshot) as PersistedTask);
    } catch (e) {
      if (e instanceof TaskInputError) {
        throw new DomainError(ErrorCode.EventNotAllowed, `task ${row.id} was stored by machine version ${row.machine_version}: ${e.message}`, {
          machineVersion: row.machine_version,
          expected: TASK_MACHINE_VERSION,
        });
      }
      throw e;
    }
  }

  private async checkReferences(cmd: CreateTaskCommand): Promise<void> {
    const problems: { field: string; reason: string }[] = [];
    const ind = (await this.db.one('SELECT plan_id FROM indicators WHERE id = ?', cmd.indicatorId)) as { plan_id: string } | undefined;
    if (!(await this.db.one('SELECT 1 FROM plans WHERE id = ?', cmd.planId))) problems.push({ field: 'planId', reason: `plan ${cmd.planId} does not exist` });
    if (!ind) problems.push({ field: 'indicatorId', reason: `indicator ${cmd.indicatorId} does not exist` });
    else if (ind.plan_id !== cmd.planId) problems.push({ field: 'indicatorId', reason: `indicator belongs to plan ${ind.plan_id}` });
    if (!(await this.db.one('SELECT 1 FROM units WHERE id = ?', cmd.unitId))) problems.push({ field: 'unitId', reason: `unit ${cmd.unitId} does not exist` });
    if (problems.length) throw DomainError.validation(problems);
  }

  private async appendEvent(
    taskId: string,
    seq: number,
    type: string,
    payload: string,
    actor: Actor,
    at: string,
    stateBefore: string | null,
    stateAfter: string,
    prevHash: string,
    hash: string,
  ): Promise<void> {
    await this.db.run(
      `INSERT INTO task_events (task_id, seq, type, payload, actor_user_id, actor_role, actor_unit_id, occurred_at, recorded_at,
           state_before, state_after, machine_version, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      taskId,
      seq,
      type,
      payload,
      actor.userId,
      actor.role,
      actor.unitId,
      at,
      this.clock.nowIso(),
      stateBefore,
      stateAfter,
      TASK_MACHINE_VERSION,
      prevHash,
      hash,
    );
  }

  /** Keep the nodes table's progress columns in step with the snapshot (only rows that changed). */
  private async projectNodes(taskId: string, before: TaskNodeState[], after: TaskNodeState[], timezone: string): Promise<void> {
    if (after.length !== before.length || after.some((n, i) => !sameNodeDefinition(before[i]!, n))) {
      await this.rewriteNodes(taskId, before, after, timezone);
      return;
    }
    for (const [i, n] of after.entries()) {
      const b = before[i];
      if (b && sameProgress(b, n)) continue;
      if (b && b.dueAt !== n.dueAt) {
        // An extension moved the due time: the due day follows it.
        await this.db.run('UPDATE nodes SET due_date = ? WHERE task_id = ? AND seq = ?', localDay(n.dueAt, timezone), taskId, n.seq);
      }
      await this.db.run(
        `UPDATE nodes SET due_at = ?, warn_at = ?, status = ?, red_lighted = ?, approved_at = ?, late_days = ?, light = ?,
             late_completed = ?, late_working_days = ?, red_lighted_at = ?, red_recorded_at = ?, extension_pending = ?
           WHERE task_id = ? AND seq = ?`,
        n.dueAt,
        n.warnAt,
        ...progressOf(n),
        taskId,
        n.seq,
      );
    }
  }

  /**
   * A revision (`task.revise`) changed node definitions or the number of nodes: drop the rows of nodes
   * that no longer exist and write every node's definition and progress. `due_date` is the local day of
   * the node's effective due instant (see `localDay`).
   */
  private async rewriteNodes(taskId: string, before: readonly { seq: number }[], after: TaskNodeState[], timezone: string): Promise<void> {
    const keep = new Set(after.map((n) => n.seq));
    for (const b of before) {
      if (!keep.has(b.seq)) await this.db.run('DELETE FROM nodes WHERE task_id = ? AND seq = ?', taskId, b.seq);
    }
    for (const n of after) {
      const dueDate = localDay(n.dueAt, timezone);
      await this.db.run(
        `INSERT INTO nodes (task_id, seq, due_date, due_at, warn_at, stage_target, stage_value, required_evidence,
             red_deduction, status, red_lighted, approved_at, late_days, light, late_completed, late_working_days,
             red_lighted_at, red_recorded_at, extension_pending)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (task_id, seq) DO UPDATE SET due_date = excluded.due_date, due_at = excluded.due_at,
             warn_at = excluded.warn_at, stage_target = excluded.stage_target, stage_value = excluded.stage_value,
             required_evidence = excluded.required_evidence, red_deduction = excluded.red_deduction,
             status = excluded.status, red_lighted = excluded.red_lighted, approved_at = excluded.approved_at,
             late_days = excluded.late_days, light = excluded.light, late_completed = excluded.late_completed,
             late_working_days = excluded.late_working_days, red_lighted_at = excluded.red_lighted_at,
             red_recorded_at = excluded.red_recorded_at, extension_pending = excluded.extension_pending`,
        taskId,
        n.seq,
        dueDate,
        n.dueAt,
        n.warnAt,
        n.stageTarget,
        n.stageValue,
        n.requiredEvidence,
        n.redDeduction,
        ...progressOf(n),
      );
    }
  }

  /** Domain events go to the outbox in the same transaction: delivery can lag, never be lost. */
  private async queue(
    taskId: string,
    scope: { planId: string; unitId: string; assessingUnitId: string | null },
    seq: number,
    at: string,
    emitted: DomainEvent[],
  ): Promise<void> {
    for (const e of emitted) {
      // Not hashed, so plain JSON (canonical form is only needed for the event log).
      // A red light is dated at the due instant it marks (e.at), recorded at the event that saw it.
      const body = JSON.stringify({ ...e, taskId, ...scope, seq, at: e.at ?? at, recordedAt: (e as { recordedAt?: string }).recordedAt ?? at });
      await this.db.run(
        'INSERT INTO outbox (task_id, event_seq, type, body, unit_id, created_at, dispatched_at) VALUES (?, ?, ?, ?, ?, ?, NULL)',
        taskId,
        seq,
        e.type,
        body,
        scope.unitId,
        this.clock.nowIso(),
      );
    }
  }
}
