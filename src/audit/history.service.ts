import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { columnsOf, viewOf, type TaskSnapshot } from '../../workflows/task/index.js';
import type { Actor } from '../common/actor.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { canSeeTask } from '../tasks/task-access.js';
import { AuditRepository, toStoredEvent, toStoredTask, type AuditTaskRow, type EventRowFull } from './audit.repository.js';
import { ChainChecker, type EventTuple, type IntegrityBreak } from './chain-check.js';
import { replayHistory, ReplayDivergedError, stateAsOf, type ReplayReport } from './replay.js';

export interface TaskReplay extends ReplayReport {
  taskId: string;
  planId: string;
  /** The task's own hash chain, checked in the same pass. */
  chain: { ok: boolean; events: number; lastSeq: number; lastHash: string | null; breaks: IntegrityBreak[] };
}

export interface TaskAsOf {
  taskId: string;
  planId: string;
  unitId: string;
  /** What was asked: a date (end of that day in the plan's time zone) or an instant. */
  asOf: string;
  at: string;
  existed: boolean;
  state: string | null;
  /** The machine's top state (active, suspended, completed …). */
  topState?: string;
  /** The light the rules give at that moment (deadlines are data: a passed warn/due time counts even without a recorded tick). */
  light: string | null;
  /** The light recorded by the last event at or before the moment. */
  recordedLight: string | null;
  currentNodeSeq: number | null;
  redCount: number;
  nextDeadlineAt: string | null;
  extensionPending: boolean;
  lastEvent: { seq: number; type: string; occurredAt: string } | null;
  eventsApplied: number;
  suspended: boolean;
  signForOverdue: boolean;
  nodes: {
    seq: number;
    status: string;
    light: string;
    dueAt: string;
    warnAt: string;
    redLighted: boolean;
    redLightedAt: string | null;
    lateCompleted: boolean;
    approvedAt: string | null;
  }[];
}

export const BOARD_BUCKETS = ['green', 'yellow', 'red', 'suspended', 'completed', 'closed', 'scored', 'cancelled'] as const;
type Bucket = (typeof BOARD_BUCKETS)[number];
/** redLights: red-lighted nodes (machine v2: every node past its due unapproved); yellowNodes, lateCompleted (补报), signForOverdue: per node / task. */
export type BoardCounts = Record<Bucket, number> & { total: number; redLights: number; yellowNodes: number; lateCompleted: number; signForOverdue: number };

export interface BoardAsOf {
  planId: string;
  asOf: string;
  at: string;
  /** Tasks that existed at that moment (and the caller may see). */
  tasks: number;
  units: ({ unitId: string; unitName: string } & BoardCounts)[];
  totals: BoardCounts;
  /** Tasks whose history does not replay (run verify / replay on them); they are left out of the counts. */
  unreplayable: { taskId: string; message: string }[];
}

/** One task as a board as-of counted it: its bucket and its whole state at that moment. */
export interface BoardTaskAsOf {
  taskId: string;
  unitId: string;
  indicatorId: string;
  bucket: Bucket;
  snapshot: TaskSnapshot;
}
export type BoardVisitor = (task: BoardTaskAsOf, at: string) => void;

const emptyCounts = (): BoardCounts => ({
  green: 0,
  yellow: 0,
  red: 0,
  suspended: 0,
  completed: 0,
  closed: 0,
  scored: 0,
  cancelled: 0,
  total: 0,
  redLights: 0,
  yellowNodes: 0,
  lateCompleted: 0,
  signForOverdue: 0,
});

export function tupleOf(e: EventRowFull): EventTuple {
  return [e.task_id, e.seq, e.type, e.occurred_at, e.payload, e.prev_hash, e.hash, e.actor_user_id, e.actor_role, e.actor_unit_id, e.machine_version];
}

/** A date (YYYY-MM-DD) means the end of that day in the plan's zone; an instant means itself. */
export function resolveMoment(asOf: string, timezone: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
    return DateTime.fromISO(asOf, { zone: timezone }).endOf('day').toUTC().toISO()!;
  }
  return new Date(asOf).toISOString();
}

function bucketOf(s: TaskSnapshot): Bucket {
  const v = viewOf(s);
  if (v.state === 'suspended') return 'suspended';
  return (v.light ?? (v.state === 'active' ? 'green' : v.state)) as Bucket;
}

/** Replay and as-of queries: the past recomputed from the history, never read from the current row. */
@Injectable()
export class HistoryService {
  constructor(private readonly repo: AuditRepository) {}

  /** The task row if the actor may see it; 404 otherwise. */
  async visibleTask(taskId: string, actor: Actor): Promise<AuditTaskRow> {
    const row = await this.repo.task(taskId);
    if (!row || !canSeeTask(actor, { unitId: row.unit_id, assessingUnitId: row.assessing_unit_id })) throw DomainError.notFound('task', taskId);
    return row;
  }

  /** Re-run the task's events from its initial state; every step compared; end compared with the stored snapshot; chain checked. */
  async replay(taskId: string, actor: Actor, opts: { steps?: boolean } = {}): Promise<TaskReplay> {
    return await this.repo.read(async () => {
      const task = await this.visibleTask(taskId, actor);
      const rows = await this.repo.events(taskId);
      const { snapshot: _s, ...report } = replayHistory(rows.map(toStoredEvent), toStoredTask(task), { keepSteps: opts.steps !== false });
      let last: { lastSeq: number; lastHash: string } | null = null;
      const checker = new ChainChecker({ planOf: () => task.plan_id, onTaskEnd: (t) => (last = t) });
      for (const r of rows) checker.push(tupleOf(r));
      checker.finish();
      const tail = last as { lastSeq: number; lastHash: string } | null;
      const breaks = [...checker.breaks];
      if (tail && (tail.lastSeq !== task.last_seq || tail.lastHash !== task.last_hash)) {
        breaks.push({
          kind: 'head-mismatch',
          taskId,
          planId: task.plan_id,
          seq: tail.lastSeq,
          expected: task.last_seq,
          actual: tail.lastSeq,
          message: `the task row says its history ends at #${task.last_seq}, but the last stored event is #${tail.lastSeq}`,
        });
      }
      return {
        taskId,
        planId: task.plan_id,
        ...report,
        ok: report.ok && breaks.length === 0,
        chain: { ok: breaks.length === 0, events: rows.length, lastSeq: tail?.lastSeq ?? 0, lastHash: tail?.lastHash ?? null, breaks },
      };
    });
  }

  async asOf(taskId: string, asOf: string, actor: Actor): Promise<TaskAsOf> {
    return await this.repo.read(async () => {
      const task = await this.visibleTask(taskId, actor);
      const plan = (await this.repo.plan(task.plan_id))!;
      const at = resolveMoment(asOf, plan.timezone);
      let r: ReturnType<typeof stateAsOf>;
      try {
        r = stateAsOf((await this.repo.events(taskId)).map(toStoredEvent), at);
      } catch (e) {
        if (e instanceof ReplayDivergedError) {
          throw new DomainError(ErrorCode.EventNotAllowed, `the history of task ${taskId} does not replay, so its past cannot be computed: ${e.message}`, {
            taskId,
            seq: e.divergence.seq,
            divergence: e.divergence.kind,
          });
        }
        throw e;
      }
      const base = { taskId, planId: task.plan_id, unitId: task.unit_id, asOf, at, lastEvent: r.lastEvent, eventsApplied: r.eventsApplied };
      if (!r.existed || !r.effective || !r.recorded) {
        return {
          ...base,
          existed: false,
          state: null,
          light: null,
          recordedLight: null,
          currentNodeSeq: null,
          redCount: 0,
          nextDeadlineAt: null,
          extensionPending: false,
          suspended: false,
          signForOverdue: false,
          nodes: [],
        };
      }
      const v = viewOf(r.effective);
      return {
        ...base,
        existed: true,
        // The query column's state (v1's names for a live task: assigned / open / submitted / returned), as GET /tasks shows it.
        state: columnsOf(r.effective).state,
        topState: v.state,
        light: v.light,
        recordedLight: viewOf(r.recorded).light,
        currentNodeSeq: v.currentNodeSeq,
        redCount: v.redCount,
        nextDeadlineAt: v.nextDeadlineAt,
        extensionPending: v.extensionPending,
        suspended: v.suspended,
        signForOverdue: v.signForOverdue,
        nodes: r.effective.context.nodes.map((n) => ({
          seq: n.seq,
          status: n.status,
          light: n.light,
          dueAt: n.dueAt,
          warnAt: n.warnAt,
          redLighted: n.redLighted,
          redLightedAt: n.redLightedAt,
          lateCompleted: n.lateCompleted,
          approvedAt: n.approval?.at ?? null,
        })),
      };
    });
  }

  /** The plan's board (counts by unit and light / final state) as it stood at a moment, from every task's history. */
  async board(planId: string, asOf: string, actor: Actor): Promise<BoardAsOf> {
    return await this.boardWith(planId, asOf, actor);
  }

  /**
   * The board as of a moment, calling `visit` with each counted task and its state at that moment (the
   * same pass, the same tasks): a bulletin reads the nodes there, so its counts are the board's by
   * construction. Runs inside one read transaction when the caller is not in one already.
   */
  async boardWith(planId: string, asOf: string, actor: Actor, visit?: BoardVisitor): Promise<BoardAsOf> {
    return await this.repo.read(async () => {
      const plan = await this.repo.plan(planId);
      if (!plan) throw DomainError.notFound('plan', planId);
      const at = resolveMoment(asOf, plan.timezone);
      const units = new Map<string, { unitId: string; unitName: string } & BoardCounts>();
      const totals = emptyCounts();
      const unreplayable: BoardAsOf['unreplayable'] = [];
      let tasks = 0;
      for (const t of await this.repo.tasksOfPlan(planId)) {
        if (!canSeeTask(actor, { unitId: t.unit_id, assessingUnitId: t.assessing_unit_id })) continue;
        let r: ReturnType<typeof stateAsOf>;
        try {
          r = stateAsOf((await this.repo.events(t.id)).map(toStoredEvent), at);
        } catch (e) {
          if (!(e instanceof ReplayDivergedError)) throw e;
          unreplayable.push({ taskId: t.id, message: e.message });
          continue;
        }
        if (!r.effective) continue;
        tasks++;
        let u = units.get(t.unit_id);
        if (!u) units.set(t.unit_id, (u = { unitId: t.unit_id, unitName: t.unit_name, ...emptyCounts() }));
        const b = bucketOf(r.effective);
        const v = viewOf(r.effective);
        for (const c of [u, totals]) {
          c[b]++;
          c.total++;
          c.redLights += v.redCount;
          c.yellowNodes += v.yellowCount;
          c.lateCompleted += v.lateCompletedCount;
          if (v.signForOverdue) c.signForOverdue++;
        }
        visit?.({ taskId: t.id, unitId: t.unit_id, indicatorId: t.indicator_id, bucket: b, snapshot: r.effective }, at);
      }
      return { planId, asOf, at, tasks, units: [...units.values()].sort((a, b) => a.unitId.localeCompare(b.unitId)), totals, unreplayable };
    });
  }
}
