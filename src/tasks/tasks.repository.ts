import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { pageOf, type Page } from '../common/pagination.js';
import { DatabaseService } from '../database/database.service.js';
import type { HistoryQuery, TaskQuery } from './tasks.dto.js';

export interface TaskRow {
  id: string;
  plan_id: string;
  indicator_id: string;
  unit_id: string;
  is_lead: number;
  state: string;
  light: string | null;
  current_node_seq: number | null;
  next_deadline_at: string | null;
  red_count: number;
  sign_for_overdue: number;
  version: number;
  machine_version: number;
  snapshot: string;
  last_seq: number;
  last_hash: string;
  created_at: string;
  updated_at: string;
  assessing_unit_id: string | null;
  indicator_name: string;
  indicator_code: string;
  unit_name: string;
  current_due_date: string | null;
  current_due_at: string | null;
  extension_pending: number;
}

export interface NodeRow {
  task_id: string;
  seq: number;
  due_date: string;
  due_at: string;
  warn_at: string;
  stage_target: string | null;
  stage_value: number | null;
  required_evidence: string | null;
  red_deduction: number | null;
  status: string;
  red_lighted: number;
  approved_at: string | null;
  late_days: number | null;
  light: string | null;
  late_completed: number;
  late_working_days: number | null;
  red_lighted_at: string | null;
  red_recorded_at: string | null;
  extension_pending: number;
}

export interface EventRow {
  id: number;
  task_id: string;
  seq: number;
  type: string;
  payload: string;
  actor_user_id: string | null;
  actor_role: string;
  actor_unit_id: string | null;
  occurred_at: string;
  recorded_at: string;
  state_before: string | null;
  state_after: string;
  machine_version: number;
  prev_hash: string;
  hash: string;
  actor_name?: string | null;
}

/** The snapshot's pending extension request, or NULL (a JSON null counts as none on both databases). */
const taskSelect = (_dialect: 'sqlite' | 'postgres') => `
  SELECT t.*, i.assessing_unit_id, i.name AS indicator_name, i.code AS indicator_code, u.name AS unit_name,
         n.due_date AS current_due_date, n.due_at AS current_due_at,
         CASE WHEN EXISTS (SELECT 1 FROM nodes x WHERE x.task_id = t.id AND x.extension_pending = 1) THEN 1 ELSE 0 END AS extension_pending
  FROM tasks t
  JOIN indicators i ON i.id = t.indicator_id
  JOIN units u ON u.id = t.unit_id
  LEFT JOIN nodes n ON n.task_id = t.id AND n.seq = t.current_node_seq`;

/** Queries of the task read model. Decisions live in services; this file only asks the database. */
@Injectable()
export class TasksRepository {
  constructor(private readonly db: DatabaseService) {}

  async findTask(id: string): Promise<TaskRow | undefined> {
    return (await this.db.one(`${taskSelect(this.db.dialect)} WHERE t.id = ?`, id)) as TaskRow | undefined;
  }

  async nodesOf(taskId: string): Promise<NodeRow[]> {
    return (await this.db.all('SELECT * FROM nodes WHERE task_id = ? ORDER BY seq', taskId)) as NodeRow[];
  }

  /** A page of tasks; the caller's role narrows what it can see (department: own unit; assessor: assessed indicators). */
  async listTasks(q: TaskQuery, actor: Actor): Promise<Page<TaskRow>> {
    const { page, pageSize, offset } = pageOf(q);
    const conds: string[] = [];
    const params: Record<string, unknown> = { limit: pageSize, offset };
    const add = (cond: string, key: string, value: unknown) => {
      if (value === undefined) return;
      conds.push(cond);
      params[key] = value;
    };
    add('t.plan_id = @planId', 'planId', q.planId);
    add('t.unit_id = @unitId', 'unitId', q.unitId);
    add('t.indicator_id = @indicatorId', 'indicatorId', q.indicatorId);
    add('t.state = @state', 'state', q.state);
    add('t.light = @light', 'light', q.light);
    add('n.due_date >= @dueFrom', 'dueFrom', q.dueFrom);
    add('n.due_date <= @dueTo', 'dueTo', q.dueTo);
    if (q.extensionPending !== undefined) {
      conds.push(`${q.extensionPending === 'true' ? '' : 'NOT '}EXISTS (SELECT 1 FROM nodes x WHERE x.task_id = t.id AND x.extension_pending = 1)`);
    }
    if (actor.role === 'department') add('t.unit_id = @scopeUnit', 'scopeUnit', actor.unitId ?? ''); // no unit has an empty id (PostgreSQL text cannot hold NUL)
    if (actor.role === 'assessor') add('i.assessing_unit_id = @scopeUnit', 'scopeUnit', actor.unitId ?? '');
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const total = (
      (await this.db.one(
        `SELECT count(*) AS n FROM tasks t JOIN indicators i ON i.id = t.indicator_id
           LEFT JOIN nodes n ON n.task_id = t.id AND n.seq = t.current_node_seq ${where}`,
        params,
      )) as { n: number }
    ).n;
    const items = (await this.db.all(
      `${taskSelect(this.db.dialect)} ${where} ORDER BY coalesce(n.due_at, '9999'), t.id LIMIT @limit OFFSET @offset`,
      params,
    )) as TaskRow[];
    return { items, total, page, pageSize };
  }

  async history(taskId: string, q: HistoryQuery): Promise<Page<EventRow>> {
    const { page, pageSize, offset } = pageOf(q);
    const conds = ['e.task_id = @taskId'];
    const params: Record<string, unknown> = { taskId, limit: pageSize, offset };
    if (q.type) {
      conds.push('e.type = @type');
      params.type = q.type;
    }
    if (q.from) {
      conds.push('e.occurred_at >= @from');
      params.from = new Date(q.from).toISOString();
    }
    if (q.to) {
      conds.push('e.occurred_at <= @to');
      params.to = new Date(q.to).toISOString();
    }
    const where = `WHERE ${conds.join(' AND ')}`;
    const total = ((await this.db.one(`SELECT count(*) AS n FROM task_events e ${where}`, params)) as { n: number }).n;
    const items = (await this.db.all(
      `SELECT e.*, u.display_name AS actor_name FROM task_events e LEFT JOIN users u ON u.id = e.actor_user_id
         ${where} ORDER BY e.seq LIMIT @limit OFFSET @offset`,
      params,
    )) as EventRow[];
    return { items, total, page, pageSize };
  }

  async allEvents(taskId: string): Promise<EventRow[]> {
    return (await this.db.all('SELECT * FROM task_events WHERE task_id = ? ORDER BY seq', taskId)) as EventRow[];
  }

  async planTimezone(planId: string): Promise<{ timezone: string; warn_working_days: number } | undefined> {
    return (await this.db.one('SELECT timezone, warn_working_days FROM plans WHERE id = ?', planId)) as
      { timezone: string; warn_working_days: number } | undefined;
  }

  /** What checking a task's entered scoring facts needs: its indicator's method and points, and its plan's status. */
  async factsContext(
    taskId: string,
  ): Promise<{ method_code: string; method_params: string; direction: string; points: number; plan_status: string } | undefined> {
    return (await this.db.one(
      `SELECT i.method_code, i.method_params, i.direction, i.points, p.status AS plan_status
       FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN plans p ON p.id = t.plan_id WHERE t.id = ?`,
      taskId,
    )) as { method_code: string; method_params: string; direction: string; points: number; plan_status: string } | undefined;
  }
}
