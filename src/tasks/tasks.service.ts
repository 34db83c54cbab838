import { Injectable } from '@nestjs/common';
import {
  allowedEvents,
  migrateV1ToV2,
  restoreTaskSnapshot,
  v1,
  type EnteredFactValues,
  type EnteredFacts,
  type PendingExtension,
  type PersistedTask,
  type Role,
  type TaskEvent,
  type TaskEventType,
  type TaskNodeState,
  type TaskSnapshot,
} from '../../workflows/task/index.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { checkEnteredFacts, ENTERED_FACT_FIELDS, enterableFacts, pickFacts } from './entered-facts.js';
import type { Page } from '../common/pagination.js';
import { validateAs } from '../common/validation.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { EvidenceService } from '../evidence/evidence.service.js';
import { canSeeTask, refusalToSend } from './task-access.js';
import { TaskCommandService, type CommandResult, type NodeSpec } from './task-commands.service.js';
import { HTTP_EVENT_TYPES, PAYLOAD_CLASSES, type CreateTaskDto, type HistoryQuery, type TaskEventDto, type TaskFactsDto, type TaskQuery } from './tasks.dto.js';
import { TasksRepository, type EventRow, type NodeRow, type TaskRow } from './tasks.repository.js';

export interface TaskSummary {
  id: string;
  planId: string;
  indicatorId: string;
  indicatorCode: string;
  indicatorName: string;
  unitId: string;
  unitName: string;
  assessingUnitId: string | null;
  isLead: boolean;
  state: string;
  light: string | null;
  currentNodeSeq: number | null;
  currentDueDate: string | null;
  nextDeadlineAt: string | null;
  redCount: number;
  /** Not signed for (签收) by the plan's deadline: its own flag, not a red light. */
  signForOverdue: boolean;
  version: number;
  updatedAt: string;
  extensionPending: boolean;
}

/** A node as the detail shows it: definition, its own state and light, and what this caller may send to it now. */
export interface NodeDetail extends ReturnType<typeof toNodeView> {
  openAt: string | null;
  /** Approved after its red light (补报/已整改): still counted red. */
  lateCompleted: boolean;
  lateWorkingDays: number | null;
  /** The due instant its red light marks, and when it was recorded. */
  redLightedAt: string | null;
  redRecordedAt: string | null;
  /** The task is suspended and this node not approved: not counted by scoring. */
  suspended: boolean;
  latestSubmission: TaskNodeState['submissions'][number] | null;
  returns: TaskNodeState['returns'];
  pendingExtension: PendingExtension | null;
  /** Event types this caller may send to this node now (machine v2 guards, role). */
  allowedEvents: TaskEventType[];
}

export interface TaskDetail extends TaskSummary {
  nodes: NodeDetail[];
  /** Every event type the caller may send now (to the task or to some node). */
  allowedEvents: TaskEventType[];
  /** The same, split: task-level events, and per node seq its node events (send `nodeSeq`). */
  allowed: { task: TaskEventType[]; nodes: Record<number, TaskEventType[]> };
  /** The machine's top state: active, suspended, completed, closed, scored, cancelled. */
  topState: string;
  suspended: boolean;
  suspension: { at: string; reason: string } | null;
  sequential: boolean;
  signForDueAt: string | null;
  acknowledgedAt: string | null;
  yellowCount: number;
  lateCompletedCount: number;
  machineVersion: number;
  createdAt: string;
  /** The current (first unapproved) node's latest submission, its returns, and the first pending extension request (with its node). */
  currentSubmission: TaskNodeState['submissions'][number] | null;
  currentReturns: TaskNodeState['returns'];
  pendingExtension: (PendingExtension & { nodeSeq: number }) | null;
  /** Scoring facts entered by the assessor or the office (政策影响额, sub-indicator values, sub-item results), each with its source; null when none. */
  enteredFacts: EnteredFacts | null;
  /** The scoring facts a person may enter for this task's indicator method (field path, 中文 label, who: assessor / office). */
  enterableFacts: { field: string; label: string; by: string[] }[];
}

export interface HistoryEntry {
  seq: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: { userId: string | null; role: string; unitId: string | null; displayName: string | null };
  data: Record<string, unknown>;
  stateBefore: unknown;
  stateAfter: unknown;
  machineVersion: number;
  prevHash: string;
  hash: string;
  payload: string;
}

const toSummary = (r: TaskRow): TaskSummary => ({
  id: r.id,
  planId: r.plan_id,
  indicatorId: r.indicator_id,
  indicatorCode: r.indicator_code,
  indicatorName: r.indicator_name,
  unitId: r.unit_id,
  unitName: r.unit_name,
  assessingUnitId: r.assessing_unit_id,
  isLead: r.is_lead === 1,
  state: r.state,
  light: r.light,
  currentNodeSeq: r.current_node_seq,
  currentDueDate: r.current_due_date,
  nextDeadlineAt: r.next_deadline_at,
  redCount: r.red_count,
  signForOverdue: r.sign_for_overdue === 1,
  version: r.version,
  updatedAt: r.updated_at,
  extensionPending: r.extension_pending === 1,
});

const toNodeView = (n: NodeRow) => ({
  seq: n.seq,
  dueDate: n.due_date,
  dueAt: n.due_at,
  warnAt: n.warn_at,
  stageTarget: n.stage_target,
  stageValue: n.stage_value,
  requiredEvidence: n.required_evidence,
  redDeduction: n.red_deduction,
  status: n.status,
  redLighted: n.red_lighted === 1,
  approvedAt: n.approved_at,
  lateDays: n.late_days,
  light: n.light,
});

/** The stored snapshot as v2 (a v1 row the start-up upgrade has not reached yet is shown as it will be). */
function snapshotOf(row: TaskRow, at: string): TaskSnapshot {
  const persisted = JSON.parse(row.snapshot) as { context?: { machineVersion?: number } };
  if (persisted.context?.machineVersion === 1) return migrateV1ToV2(persisted as unknown as v1.PersistedTask, at).snapshot;
  return restoreTaskSnapshot(persisted as PersistedTask);
}

export function toHistoryEntry(e: EventRow): HistoryEntry {
  const payload = JSON.parse(e.payload) as { data: Record<string, unknown> };
  return {
    seq: e.seq,
    type: e.type,
    occurredAt: e.occurred_at,
    recordedAt: e.recorded_at,
    actor: { userId: e.actor_user_id, role: e.actor_role, unitId: e.actor_unit_id, displayName: e.actor_name ?? null },
    data: payload.data,
    stateBefore: e.state_before === null ? null : JSON.parse(e.state_before),
    stateAfter: JSON.parse(e.state_after),
    machineVersion: e.machine_version,
    prevHash: e.prev_hash,
    hash: e.hash,
    payload: e.payload,
  };
}

/** Who enters a fact, as the event records it (the write path's, never a client's). */
function enteredBy(actor: Actor): { userId: string | null; role: string; name: string | null } {
  return { userId: actor.userId, role: actor.role, name: actor.username ?? null };
}

/** HTTP-facing task use cases: turn requests into commands for the one write path, and shape reads. */
@Injectable()
export class TasksService {
  constructor(
    private readonly commands: TaskCommandService,
    private readonly repo: TasksRepository,
    private readonly deadlines: DeadlinesService,
    private readonly evidence: EvidenceService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateTaskDto, actor: Actor): Promise<TaskDetail> {
    const plan = await this.repo.planTimezone(dto.planId);
    if (!plan) throw DomainError.validation([{ field: 'planId', reason: `plan ${dto.planId} does not exist` }]);
    const seqs = new Set<number>();
    const nodes: NodeSpec[] = [...dto.nodes]
      .sort((a, b) => a.seq - b.seq)
      .map((n, i) => {
        if (seqs.has(n.seq)) throw DomainError.validation([{ field: `nodes[${i}].seq`, reason: `duplicate seq ${n.seq}` }]);
        seqs.add(n.seq);
        const dueAt = this.deadlines.dueAt(n.dueDate, plan.timezone);
        const warnAt = this.deadlines.warnAt(n.dueDate, plan.timezone, n.warnWorkingDays ?? plan.warn_working_days, n.warnDate);
        if (warnAt > dueAt) throw DomainError.validation([{ field: `nodes[${i}].warnDate`, reason: 'must not be after the due day' }]);
        return {
          seq: n.seq,
          dueDate: n.dueDate,
          dueAt,
          warnAt,
          stageTarget: n.stageTarget ?? null,
          stageValue: n.stageValue ?? null,
          requiredEvidence: n.requiredEvidence ?? null,
          redDeduction: n.redDeduction ?? null,
        };
      });
    const result = await this.commands.create(
      { planId: dto.planId, indicatorId: dto.indicatorId, unitId: dto.unitId, isLead: dto.isLead ?? true, nodes },
      actor,
    );
    return await this.get(result.taskId, actor);
  }

  async sendEvent(taskId: string, dto: TaskEventDto, actor: Actor): Promise<CommandResult> {
    const type = dto.type as TaskEventType;
    // Validate the payload for its type first, so a bad field is a 400 whatever the task's state.
    const payload = validateAs(PAYLOAD_CLASSES[type], dto.payload ?? {}, 'payload') as Record<string, unknown>;
    const at = this.clock.nowIso();
    const node = dto.nodeSeq !== undefined ? { nodeSeq: dto.nodeSeq } : {};
    let event: TaskEvent;
    if (type === 'extension.request') {
      const task = await this.visibleTask(taskId, actor);
      const plan = (await this.repo.planTimezone(task.plan_id))!;
      const { newDueDate, newWarnDate, reason } = payload as { newDueDate: string; newWarnDate?: string; reason: string };
      const newDueAt = this.deadlines.dueAt(newDueDate, plan.timezone);
      // The yellow time moves with the due day: N working days before it unless a warn day is given.
      const newWarnAt = this.deadlines.warnAt(newDueDate, plan.timezone, plan.warn_working_days, newWarnDate);
      event = { type, at, ...node, newDueAt, newWarnAt, reason } as TaskEvent;
    } else if (type === 'task.resume') {
      const task = await this.visibleTask(taskId, actor);
      const plan = (await this.repo.planTimezone(task.plan_id))!;
      const { nodes, note } = payload as { nodes?: { seq: number; dueDate: string; warnDate?: string }[]; note?: string };
      event = {
        type,
        at,
        ...(nodes?.length
          ? {
              nodes: nodes.map((n) => ({
                seq: n.seq,
                dueAt: this.deadlines.dueAt(n.dueDate, plan.timezone),
                warnAt: this.deadlines.warnAt(n.dueDate, plan.timezone, plan.warn_working_days, n.warnDate),
              })),
            }
          : {}),
        ...(note ? { note } : {}),
      };
    } else if (type === 'evidence.approve') {
      // Scoring facts entered with the approval: checked against the indicator's method, kept as `facts`.
      const given = pickFacts(payload);
      const rest = Object.fromEntries(Object.entries(payload).filter(([k]) => !(ENTERED_FACT_FIELDS as readonly string[]).includes(k)));
      event = { ...rest, ...node, type, at } as TaskEvent;
      if (Object.keys(given).length > 0) {
        await this.visibleTask(taskId, actor);
        const facts = await this.checkedFacts(taskId, given, actor, 'payload');
        event = { ...event, facts, enteredBy: enteredBy(actor) } as TaskEvent;
      }
    } else {
      event = { ...payload, ...node, type, at } as TaskEvent;
    }
    if (type === 'evidence.submit') {
      const { fileIds, offline, completedValue, note } = payload as { fileIds?: string[]; offline?: boolean; completedValue?: number; note?: string };
      if (!fileIds?.length && !offline && completedValue === undefined && !note) {
        throw DomainError.validation([{ field: 'payload', reason: 'a submission needs files, a completed value, a note, or offline: true' }]);
      }
      // The event names each file's sha256 and size, so its hash (and the log) covers the bytes submitted.
      if (fileIds?.length) event = { ...event, files: await this.evidence.assertFilesOfTask(taskId, fileIds) } as unknown as TaskEvent;
    }
    return this.commands.apply(taskId, event, actor, dto.expectedVersion);
  }

  /**
   * POST /tasks/{id}/facts: set or correct scoring facts afterwards — the task's assessor, or the office
   * (supervisor, admin) — recorded as a `task.facts` event through the one write path. Refused, writing
   * nothing: a fact the indicator's method does not read or a bad value (400 naming the field), a stale
   * version (409), a closed plan (409 PLAN_CLOSED), a scored or cancelled task (409).
   */
  async setFacts(taskId: string, dto: TaskFactsDto, actor: Actor): Promise<CommandResult> {
    await this.visibleTask(taskId, actor);
    const given = pickFacts(dto as unknown as Record<string, unknown>);
    if (Object.keys(given).length === 0) {
      throw DomainError.validation([{ field: 'policyAdjustment', reason: 'give at least one of policyAdjustment, subValues, subItems' }]);
    }
    const facts = await this.checkedFacts(taskId, given, actor, '');
    const event: TaskEvent = { type: 'task.facts', at: this.clock.nowIso(), facts, reason: dto.reason.trim(), enteredBy: enteredBy(actor) };
    return this.commands.apply(taskId, event, actor, dto.expectedVersion);
  }

  private async checkedFacts(taskId: string, given: Record<string, unknown>, actor: Actor, prefix: string): Promise<EnteredFactValues> {
    const ctx = await this.repo.factsContext(taskId);
    if (!ctx) throw DomainError.notFound('task', taskId);
    if (ctx.plan_status === 'closed') {
      throw new DomainError(ErrorCode.PlanClosed, `the task's plan is closed and its scores frozen: scoring facts can no longer be entered`, {
        taskId,
        planStatus: ctx.plan_status,
      });
    }
    const checked = checkEnteredFacts(ctx, given, actor.role === 'assessor' ? 'assessor' : 'office', prefix);
    if (!checked.ok) throw DomainError.validation(checked.problems);
    return checked.facts;
  }

  async get(taskId: string, actor: Actor): Promise<TaskDetail> {
    const row = await this.visibleTask(taskId, actor);
    const now = this.clock.nowIso();
    const snapshot = snapshotOf(row, now);
    // What the machine's guards accept now, per node and for the task, for this caller's role (no XState internals).
    const raw = allowedEvents(snapshot, now, actor.role as Role);
    const mayHttp = (t: TaskEventType) => (HTTP_EVENT_TYPES as readonly string[]).includes(t) && t !== 'clock.tick' && refusalToSend(actor, t) === null;
    const allowed = { task: raw.task.filter(mayHttp) as TaskEventType[], nodes: {} as Record<number, TaskEventType[]> };
    const union = new Set<TaskEventType>(allowed.task);
    for (const [seq, types] of Object.entries(raw.nodes)) {
      allowed.nodes[Number(seq)] = (types as TaskEventType[]).filter(mayHttp);
      for (const t of allowed.nodes[Number(seq)]!) union.add(t);
    }
    const ctx = snapshot.context;
    const suspended = ctx.suspendedAt !== null;
    const byseq = new Map(ctx.nodes.map((n) => [n.seq, n]));
    const current = ctx.nodes.find((n) => n.status !== 'approved');
    const pending = ctx.nodes.find((n) => n.pendingExtension !== null);
    const lastSuspension = ctx.suspensions.at(-1);
    const factsCtx = await this.repo.factsContext(taskId);
    const nodes: NodeDetail[] = (await this.repo.nodesOf(taskId)).map((r) => {
      const n = byseq.get(r.seq);
      return {
        ...toNodeView(r),
        status: n?.status ?? r.status,
        light: n?.light ?? r.light,
        redLighted: n?.redLighted ?? r.red_lighted === 1,
        openAt: n?.openAt ?? null,
        lateCompleted: n?.lateCompleted ?? false,
        lateWorkingDays: n?.late ? n.lateWorkingDays : null,
        redLightedAt: n?.redLightedAt ?? null,
        redRecordedAt: n?.redRecordedAt ?? null,
        suspended: suspended && n !== undefined && n.status !== 'approved',
        latestSubmission: n?.submissions.at(-1) ?? null,
        returns: n?.returns ?? [],
        pendingExtension: n?.pendingExtension ?? null,
        allowedEvents: allowed.nodes[r.seq] ?? [],
      };
    });
    return {
      ...toSummary(row),
      topState: suspended ? 'suspended' : String(typeof snapshot.value === 'string' ? snapshot.value : 'active'),
      suspended,
      suspension: suspended && lastSuspension ? { at: lastSuspension.at, reason: lastSuspension.reason } : null,
      sequential: ctx.sequential,
      signForDueAt: ctx.signForDueAt,
      acknowledgedAt: ctx.acknowledgedAt,
      yellowCount: ctx.nodes.filter((n) => n.status !== 'approved' && n.light === 'yellow').length,
      lateCompletedCount: ctx.nodes.filter((n) => n.lateCompleted).length,
      currentSubmission: current?.submissions.at(-1) ?? null,
      currentReturns: current?.returns ?? [],
      pendingExtension: pending ? { ...pending.pendingExtension!, nodeSeq: pending.seq } : null,
      nodes,
      allowedEvents: [...union],
      allowed,
      machineVersion: row.machine_version,
      createdAt: row.created_at,
      enteredFacts: ctx.enteredFacts ?? null,
      enterableFacts: factsCtx ? enterableFacts(factsCtx) : [],
    };
  }

  async list(q: TaskQuery, actor: Actor): Promise<Page<TaskSummary>> {
    const page = await this.repo.listTasks(q, actor);
    return { ...page, items: page.items.map(toSummary) };
  }

  /** One page of tasks, each with its detail: a unit's 我的节点 (or the pending extensions) in one request. */
  async listDetails(q: TaskQuery, actor: Actor): Promise<Page<TaskDetail>> {
    const page = await this.list(q, actor);
    const items: TaskDetail[] = [];
    for (const t of page.items) items.push(await this.get(t.id, actor));
    return { ...page, items };
  }

  async history(taskId: string, q: HistoryQuery, actor: Actor): Promise<Page<HistoryEntry>> {
    await this.visibleTask(taskId, actor);
    const page = await this.repo.history(taskId, q);
    return { ...page, items: page.items.map(toHistoryEntry) };
  }

  /** The task row if this actor may see it; 404 otherwise (another unit's task does not exist for you). */
  async visibleTask(taskId: string, actor: Actor): Promise<TaskRow> {
    const row = await this.repo.findTask(taskId);
    if (!row || !canSeeTask(actor, { unitId: row.unit_id, assessingUnitId: row.assessing_unit_id })) {
      throw DomainError.notFound('task', taskId);
    }
    return row;
  }
}
