import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { pageOf, type Page } from '../common/pagination.js';
import { DatabaseService } from '../database/database.service.js';
import { daysLeft, daysOverdue } from './calendar/index.js';
import type { BoardNodesQuery, DueSoonQuery, ReviewQueueQuery } from './board.dto.js';

export interface LightCounts {
  tasks: number;
  green: number;
  yellow: number;
  red: number;
  done: number;
  /** Red-lighted nodes (machine v2: every node whose due passed unapproved, counted once, 补报 included). */
  redNodes: number;
  /** Unapproved nodes whose own light is yellow. */
  yellowNodes: number;
  /** Nodes approved after their red light (补报/已整改). */
  lateCompleted: number;
  /** Tasks not signed for (签收) by the plan's deadline. */
  signForOverdue: number;
  overdueReviews: number;
}

export interface UnitLights extends LightCounts {
  unitId: string;
  unitName: string;
  groupName: string | null;
}

/** Scope a task query to what the actor may see (`t` = tasks, `i` = indicators). */
function scope(actor: Actor, params: Record<string, unknown>): string {
  if (actor.role === 'department') {
    params.scopeUnit = actor.unitId ?? ''; // no unit has an empty id (and PostgreSQL text cannot hold NUL)
    return ' AND t.unit_id = @scopeUnit';
  }
  if (actor.role === 'assessor') {
    params.scopeUnit = actor.unitId ?? '';
    return ' AND i.assessing_unit_id = @scopeUnit';
  }
  return '';
}

const empty = (): LightCounts => ({
  tasks: 0,
  green: 0,
  yellow: 0,
  red: 0,
  done: 0,
  redNodes: 0,
  yellowNodes: 0,
  lateCompleted: 0,
  signForOverdue: 0,
  overdueReviews: 0,
});

/** The supervisors' morning questions, answered from the query columns the write path keeps current. */
@Injectable()
export class BoardService {
  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  private async plan(planId: string): Promise<{ id: string; timezone: string }> {
    const p = (await this.db.one('SELECT id, timezone FROM plans WHERE id = ?', planId)) as { id: string; timezone: string } | undefined;
    if (!p) throw DomainError.notFound('plan', planId);
    return p;
  }

  /** Green/yellow/red counts per unit and per group (live tasks' current node), red-lighted nodes, overdue reviews. */
  async lights(
    planId: string,
    actor: Actor,
  ): Promise<{ at: string; units: UnitLights[]; groups: ({ groupName: string | null } & LightCounts)[]; total: LightCounts }> {
    await this.plan(planId);
    const now = this.clock.nowIso();
    const params: Record<string, unknown> = { planId, now };
    const where = `t.plan_id = @planId${scope(actor, params)}`;
    const units = (await this.db.all(
      `SELECT t.unit_id AS unitId, u.name AS unitName, grp.name AS groupName, count(*) AS tasks,
           sum(CASE WHEN t.light = 'green' THEN 1 ELSE 0 END) AS green, sum(CASE WHEN t.light = 'yellow' THEN 1 ELSE 0 END) AS yellow,
           sum(CASE WHEN t.light = 'red' THEN 1 ELSE 0 END) AS red,
           sum(CASE WHEN t.state IN ('completed', 'scored', 'closed') THEN 1 ELSE 0 END) AS done,
           sum(CASE WHEN t.review_due_at IS NOT NULL AND t.review_due_at < @now THEN 1 ELSE 0 END) AS overdueReviews,
           coalesce(sum(t.sign_for_overdue), 0) AS signForOverdue,
           coalesce(sum((SELECT count(*) FROM nodes n WHERE n.task_id = t.id AND n.red_lighted = 1)), 0) AS redNodes,
           coalesce(sum((SELECT count(*) FROM nodes n WHERE n.task_id = t.id AND n.light = 'yellow' AND n.status != 'approved')), 0) AS yellowNodes,
           coalesce(sum((SELECT count(*) FROM nodes n WHERE n.task_id = t.id AND n.late_completed = 1)), 0) AS lateCompleted
         FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id
         LEFT JOIN (SELECT gm.unit_id, min(g.name) AS name FROM group_members gm JOIN plan_groups g ON g.id = gm.group_id
                    WHERE g.plan_id = @planId GROUP BY gm.unit_id) grp ON grp.unit_id = t.unit_id
         WHERE ${where}
         GROUP BY t.unit_id, u.name, grp.name ORDER BY grp.name, u.name`,
      params,
    )) as UnitLights[];
    const groups = new Map<string | null, { groupName: string | null } & LightCounts>();
    const total = empty();
    for (const u of units) {
      const g = groups.get(u.groupName) ?? { groupName: u.groupName, ...empty() };
      for (const k of Object.keys(total) as (keyof LightCounts)[]) {
        g[k] += u[k];
        total[k] += u[k];
      }
      groups.set(u.groupName, g);
    }
    return { at: now, units, groups: [...groups.values()], total };
  }

  /**
   * The red or yellow nodes not yet approved — every node on its own light (machine v2), not only a task's
   * current one — of live tasks, with days overdue (red) or days left (yellow) in the plan's calendar days.
   */
  async nodes(q: BoardNodesQuery, actor: Actor): Promise<Page<Record<string, unknown>>> {
    const plan = await this.plan(q.planId);
    const { page, pageSize, offset } = pageOf(q);
    const now = this.clock.nowIso();
    const params: Record<string, unknown> = { planId: q.planId, light: q.light, unitId: q.unitId ?? null, limit: pageSize, offset };
    const where = `t.plan_id = @planId AND t.light IS NOT NULL AND n.light = @light AND n.status != 'approved'
                   AND (CAST(@unitId AS TEXT) IS NULL OR t.unit_id = @unitId)${scope(actor, params)}`;
    const from = `FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id
                  JOIN nodes n ON n.task_id = t.id WHERE ${where}`;
    const total = ((await this.db.one(`SELECT count(*) AS n ${from}`, params)) as { n: number }).n;
    const rows = (await this.db.all(
      `SELECT t.id AS taskId, t.unit_id AS unitId, u.name AS unitName, i.code AS indicatorCode, i.name AS indicatorName,
           t.state, t.light AS taskLight, n.light, n.status AS nodeStatus, t.version, n.seq AS nodeSeq, n.due_date AS dueDate,
           n.due_at AS dueAt, n.stage_target AS stageTarget
         ${from} ORDER BY n.due_at, t.id, n.seq LIMIT @limit OFFSET @offset`,
      params,
    )) as { dueAt: string }[];
    const items = rows.map((r) => ({
      ...r,
      daysOverdue: q.light === 'red' ? daysOverdue(r.dueAt, now, plan.timezone) : 0,
      daysLeft: q.light === 'yellow' ? daysLeft(r.dueAt, now, plan.timezone) : null,
    }));
    return { items, total, page, pageSize };
  }

  /** Unapproved nodes of live tasks falling due within the next N days (a department's to-do list; every node on its own). */
  async dueSoon(q: DueSoonQuery, actor: Actor): Promise<Page<Record<string, unknown>>> {
    const { page, pageSize, offset } = pageOf(q);
    const now = this.clock.now();
    const until = new Date(now.getTime() + (q.days ?? 7) * 86_400_000).toISOString();
    const params: Record<string, unknown> = { now: now.toISOString(), until, planId: q.planId ?? null, limit: pageSize, offset };
    const where = `n.due_at >= @now AND n.due_at <= @until AND t.light IS NOT NULL AND n.status != 'approved'
                   AND (CAST(@planId AS TEXT) IS NULL OR t.plan_id = @planId)${scope(actor, params)}`;
    const from = `FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id JOIN plans p ON p.id = t.plan_id
                  JOIN nodes n ON n.task_id = t.id WHERE ${where}`;
    const total = ((await this.db.one(`SELECT count(*) AS n ${from}`, params)) as { n: number }).n;
    const rows = (await this.db.all(
      `SELECT t.id AS taskId, t.unit_id AS unitId, u.name AS unitName, i.name AS indicatorName, t.state, n.light, t.version,
           n.seq AS nodeSeq, n.due_date AS dueDate, n.due_at AS dueAt, n.stage_target AS stageTarget, p.timezone
         ${from} ORDER BY n.due_at, t.id LIMIT @limit OFFSET @offset`,
      params,
    )) as { dueAt: string; timezone: string }[];
    const items = rows.map(({ timezone, ...r }) => ({ ...r, daysLeft: daysLeft(r.dueAt, now.toISOString(), timezone) }));
    return { items, total, page, pageSize };
  }

  /** Red-light counts per unit and group, with node totals: the inputs of node-based scoring. */
  async redCounts(planId: string, actor: Actor) {
    await this.plan(planId);
    const params: Record<string, unknown> = { planId };
    const rows = (await this.db.all(
      `SELECT t.unit_id AS unitId, u.name AS unitName, grp.name AS groupName, count(DISTINCT t.id) AS tasks,
           count(n.seq) AS nodes, coalesce(sum(n.red_lighted), 0) AS redNodes
         FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id JOIN nodes n ON n.task_id = t.id
         LEFT JOIN (SELECT gm.unit_id, min(g.name) AS name FROM group_members gm JOIN plan_groups g ON g.id = gm.group_id
                    WHERE g.plan_id = @planId GROUP BY gm.unit_id) grp ON grp.unit_id = t.unit_id
         WHERE t.plan_id = @planId AND t.state != 'cancelled'${scope(actor, params)}
         GROUP BY t.unit_id, u.name, grp.name ORDER BY grp.name, u.name`,
      params,
    )) as { groupName: string | null; tasks: number; nodes: number; redNodes: number }[];
    const groups = new Map<string | null, { groupName: string | null; tasks: number; nodes: number; redNodes: number }>();
    for (const r of rows) {
      const g = groups.get(r.groupName) ?? { groupName: r.groupName, tasks: 0, nodes: 0, redNodes: 0 };
      g.tasks += r.tasks;
      g.nodes += r.nodes;
      g.redNodes += r.redNodes;
      groups.set(r.groupName, g);
    }
    return { units: rows, groups: [...groups.values()] };
  }

  /** Red-lighted nodes per unit and month of their due day (the supervisors' heat grid). */
  async redMonths(planId: string, actor: Actor): Promise<{ unitId: string; unitName: string; groupName: string | null; month: string; red: number }[]> {
    await this.plan(planId);
    const params: Record<string, unknown> = { planId };
    return (await this.db.all(
      `SELECT t.unit_id AS unitId, u.name AS unitName, grp.name AS groupName, substr(n.due_date, 1, 7) AS month, count(*) AS red
         FROM nodes n JOIN tasks t ON t.id = n.task_id JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id
         LEFT JOIN (SELECT gm.unit_id, min(g.name) AS name FROM group_members gm JOIN plan_groups g ON g.id = gm.group_id
                    WHERE g.plan_id = @planId GROUP BY gm.unit_id) grp ON grp.unit_id = t.unit_id
         WHERE t.plan_id = @planId AND n.red_lighted = 1${scope(actor, params)}
         GROUP BY t.unit_id, u.name, grp.name, month ORDER BY grp.name, u.name, month`,
      params,
    )) as { unitId: string; unitName: string; groupName: string | null; month: string; red: number }[];
  }

  /** Submissions waiting for review, oldest deadline first; overdue ones flagged (they never red-light the unit). */
  async reviews(q: ReviewQueueQuery, actor: Actor): Promise<Page<Record<string, unknown>>> {
    const { page, pageSize, offset } = pageOf(q);
    const now = this.clock.nowIso();
    const params: Record<string, unknown> = { now, planId: q.planId ?? null, limit: pageSize, offset };
    const overdue = q.overdue === 'true' ? ' AND t.review_due_at < @now' : '';
    // Every submitted node of a live task awaits review (machine v2: several nodes of one task may).
    const where = `n.status = 'submitted' AND t.light IS NOT NULL AND (CAST(@planId AS TEXT) IS NULL OR t.plan_id = @planId)${overdue}${scope(actor, params)}`;
    const from = `FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id
                  JOIN nodes n ON n.task_id = t.id WHERE ${where}`;
    const total = ((await this.db.one(`SELECT count(*) AS n ${from}`, params)) as { n: number }).n;
    const rows = (await this.db.all(
      `SELECT t.id AS taskId, t.unit_id AS unitId, u.name AS unitName, i.code AS indicatorCode, i.name AS indicatorName,
           t.light, t.version, t.review_due_at AS reviewDueAt, n.seq AS nodeSeq, n.due_date AS dueDate, n.stage_target AS stageTarget,
           (t.review_due_at IS NOT NULL AND t.review_due_at < @now) AS reviewOverdue
         ${from} ORDER BY t.review_due_at, t.id, n.seq LIMIT @limit OFFSET @offset`,
      params,
    )) as { reviewOverdue: number }[];
    return { items: rows.map((r) => ({ ...r, reviewOverdue: r.reviewOverdue === 1 })), total, page, pageSize };
  }
}
