import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app.config.js';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { containsPattern, pageOf, type Page, likeOperator } from '../common/pagination.js';
import { DatabaseService } from '../database/database.service.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { closingPlan } from '../common/plan-closing.js';
import { JobsService, type JobContext, type StartedJob } from '../jobs/jobs.service.js';
import type { CreateGroupDto, CreatePlanDto, GroupView, PlanQuery, PlanView, UpdatePlanDto } from './plans.dto.js';
import type { PlanStatus } from './plan.entity.js';
import { PlanStatusHooks, type PlanStatusChange } from './plan-status.hooks.js';

interface PlanRow {
  id: string;
  year: number;
  name: string;
  timezone: string;
  status: PlanStatus;
  warn_working_days: number;
  sign_for_working_days: number | null;
  sequential_submission: number | boolean;
  created_at: string;
}
const toView = (r: PlanRow): PlanView => ({
  id: r.id,
  year: r.year,
  name: r.name,
  timezone: r.timezone,
  status: r.status,
  warnWorkingDays: r.warn_working_days,
  signForWorkingDays: r.sign_for_working_days ?? null,
  sequentialSubmission: r.sequential_submission === 1 || r.sequential_submission === true,
  createdAt: r.created_at,
});

/** Allowed status moves: draft → published → closed (a published plan may go back to draft while it has no events). */
const STATUS_MOVES: Record<PlanStatus, PlanStatus[]> = { draft: ['published'], published: ['closed', 'draft'], closed: [] };

@Injectable()
export class PlansService {
  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly hooks: PlanStatusHooks,
    private readonly deadlines: DeadlinesService,
    private readonly jobs: JobsService,
  ) {}

  async create(dto: CreatePlanDto): Promise<PlanView> {
    const row: PlanRow = {
      id: dto.id ?? randomUUID(),
      year: dto.year,
      name: dto.name,
      timezone: dto.timezone ?? 'Asia/Shanghai',
      status: 'draft',
      warn_working_days: dto.warnWorkingDays ?? this.config.DUBAN_WARN_WORKING_DAYS,
      sign_for_working_days: dto.signForWorkingDays ?? null,
      sequential_submission: dto.sequentialSubmission ? 1 : 0,
      created_at: this.clock.nowIso(),
    };
    await this.db.transaction(async () => {
      if (await this.db.one('SELECT 1 FROM plans WHERE id = ?', row.id)) {
        throw new DomainError(ErrorCode.Duplicate, `plan ${row.id} exists`, { field: 'id' });
      }
      await this.db.run(
        `INSERT INTO plans (id, year, name, timezone, status, warn_working_days, sign_for_working_days, sequential_submission, created_at)
           VALUES (@id, @year, @name, @timezone, @status, @warn_working_days, @sign_for_working_days, @sequential_submission, @created_at)`,
        row,
      );
    });
    // Never refused: a past year without a calendar still works on plain weekends, but the office is told.
    const warnings = this.deadlines.calendarGaps([row.year]);
    return { ...toView(row), ...(warnings.length ? { warnings } : {}) };
  }

  /**
   * Change a plan's name or its settings for tasks created from now on (UpdatePlanDto). A closed plan
   * refuses (409 PLAN_CLOSED); a body naming nothing to change is a 400.
   */
  async update(id: string, dto: UpdatePlanDto): Promise<PlanView> {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id };
    const put = (column: string, value: unknown) => {
      sets.push(`${column} = @${column}`);
      params[column] = value;
    };
    if (dto.name !== undefined) put('name', dto.name);
    if (dto.warnWorkingDays !== undefined) put('warn_working_days', dto.warnWorkingDays);
    if (dto.signForWorkingDays !== undefined) put('sign_for_working_days', dto.signForWorkingDays);
    if (dto.sequentialSubmission !== undefined) put('sequential_submission', dto.sequentialSubmission ? 1 : 0);
    if (!sets.length)
      throw DomainError.validation([
        { field: 'body', reason: '没有要修改的内容 / nothing to change: give name, warnWorkingDays, signForWorkingDays or sequentialSubmission' },
      ]);
    return await this.db.transaction(async () => {
      const plan = await this.get(id);
      if (plan.status === 'closed')
        throw new DomainError(ErrorCode.PlanClosed, `plan ${id} is closed: its settings can no longer change`, { what: 'settings', planId: id });
      await this.db.run(`UPDATE plans SET ${sets.join(', ')} WHERE id = @id`, params);
      return await this.get(id);
    });
  }

  async find(id: string): Promise<PlanView | undefined> {
    const row = (await this.db.one('SELECT * FROM plans WHERE id = ?', id)) as PlanRow | undefined;
    return row && toView(row);
  }

  async get(id: string): Promise<PlanView> {
    const plan = await this.find(id);
    if (!plan) throw DomainError.notFound('plan', id);
    return plan;
  }

  async list(q: PlanQuery): Promise<Page<PlanView>> {
    const { page, pageSize, offset } = pageOf(q);
    const conds: string[] = [];
    if (q.year !== undefined) conds.push('year = @year');
    if (q.status !== undefined) conds.push('status = @status');
    const search = containsPattern(q.q);
    if (search) conds.push(`name ${likeOperator(this.db.dialect)} @search ESCAPE '\\'`);
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const params = { year: q.year, status: q.status, search, limit: pageSize, offset };
    const total = ((await this.db.one(`SELECT count(*) AS n FROM plans ${where}`, params)) as { n: number }).n;
    const rows = (await this.db.all(`SELECT * FROM plans ${where} ORDER BY year DESC, name LIMIT @limit OFFSET @offset`, params)) as PlanRow[];
    return { items: rows.map(toView), total, page, pageSize };
  }

  /**
   * Move a plan's status. Listeners (PlanStatusHooks) run inside the same transaction — closing a plan
   * freezes its scores there (src/scores), so the close and the freeze commit together or not at all.
   * A close runs as a job (startClose); this awaits it without blocking the service and answers as before.
   */
  async setStatus(id: string, status: PlanStatus, actor: Actor = SYSTEM_ACTOR): Promise<PlanView> {
    if (status !== 'closed') return await this.move(id, status, actor);
    const plan = await this.preCloseCheck(id);
    if (plan.status === 'closed') return plan;
    return await this.jobs.runAndWait('close', id, actor, { status: 'closed' }, (job) => closingPlan.run(id, () => this.move(id, 'closed', actor, job)));
  }

  /**
   * Start closing a plan as a job (kind `close`, src/jobs): refused at once (nothing written) when the move
   * is not allowed or another close of the plan runs. While it runs, task writes on the plan are refused
   * (409 PLAN_CLOSING); the freeze yields to the event loop between steps, so other requests are
   * answered; its one transaction commits the closed plan, the frozen run and the job's success together.
   */
  async startClose(id: string, actor: Actor = SYSTEM_ACTOR): Promise<StartedJob<PlanView>> {
    await this.preCloseCheck(id);
    return await this.jobs.start('close', id, actor, { status: 'closed' }, (job) => closingPlan.run(id, () => this.move(id, 'closed', actor, job)));
  }

  /** Refusals a close meets before any job is written: unknown plan, a move not allowed, a close already running. */
  private async preCloseCheck(id: string): Promise<PlanView> {
    const plan = await this.get(id);
    if (plan.status !== 'closed') this.assertMove(plan, 'closed');
    const running = await this.jobs.runningClose(id);
    if (running) {
      throw new DomainError(ErrorCode.PlanClosing, `plan ${id} is being closed already (job ${running.id})`, { planId: id, jobId: running.id });
    }
    if (plan.status !== 'closed') await this.hooks.check(id, 'closed');
    return plan;
  }

  private assertMove(plan: PlanView, status: PlanStatus): void {
    if (!STATUS_MOVES[plan.status].includes(status)) {
      throw new DomainError(ErrorCode.EventNotAllowed, `a ${plan.status} plan cannot become ${status}`, {
        field: 'status',
        current: plan.status,
        allowed: STATUS_MOVES[plan.status],
      });
    }
  }

  private async move(id: string, status: PlanStatus, actor: Actor, job?: JobContext): Promise<PlanView> {
    let change: PlanStatusChange | undefined;
    const view = await this.db.transaction(async () => {
      const plan = await this.get(id);
      if (plan.status === status) {
        await job?.succeedInTransaction(plan);
        return plan;
      }
      this.assertMove(plan, status);
      await this.db.run('UPDATE plans SET status = ? WHERE id = ?', status, id);
      change = { planId: id, from: plan.status, to: status, actor, at: this.clock.nowIso(), ...(job ? { progress: job.progress } : {}) };
      await this.hooks.inTransaction(change);
      const moved = { ...plan, status };
      // The job's success commits with the close (a crash before this commit leaves the plan open and the job running → abandoned).
      await job?.succeedInTransaction(moved);
      return moved;
    });
    if (change) this.hooks.afterCommit(change);
    return view;
  }

  async createGroup(planId: string, dto: CreateGroupDto): Promise<GroupView> {
    const group: GroupView = { id: randomUUID(), planId, name: dto.name, kind: dto.kind ?? 'department', unitIds: dto.unitIds ?? [] };
    await this.db.transaction(async () => {
      await this.get(planId);
      if (await this.db.one('SELECT 1 FROM plan_groups WHERE plan_id = ? AND name = ?', planId, dto.name)) {
        throw new DomainError(ErrorCode.Duplicate, `group ${dto.name} exists in plan ${planId}`, { field: 'name' });
      }
      await this.db.run('INSERT INTO plan_groups (id, plan_id, name, kind) VALUES (?, ?, ?, ?)', group.id, planId, group.name, group.kind);
      for (const [i, unitId] of group.unitIds.entries()) {
        if (!(await this.db.one('SELECT 1 FROM units WHERE id = ?', unitId))) {
          throw DomainError.validation([{ field: `unitIds[${i}]`, reason: `unit ${unitId} does not exist` }]);
        }
        await this.db.run('INSERT INTO group_members (group_id, unit_id) VALUES (?, ?)', group.id, unitId);
      }
    });
    return group;
  }

  async listGroups(planId: string): Promise<GroupView[]> {
    await this.get(planId);
    const groups = (await this.db.all('SELECT * FROM plan_groups WHERE plan_id = ? ORDER BY name', planId)) as {
      id: string;
      plan_id: string;
      name: string;
      kind: string;
    }[];
    const members = (await this.db.all(
      'SELECT m.group_id, m.unit_id FROM group_members m JOIN plan_groups g ON g.id = m.group_id WHERE g.plan_id = ? ORDER BY m.unit_id',
      planId,
    )) as { group_id: string; unit_id: string }[];
    return groups.map((g) => ({
      id: g.id,
      planId: g.plan_id,
      name: g.name,
      kind: g.kind,
      unitIds: members.filter((m) => m.group_id === g.id).map((m) => m.unit_id),
    }));
  }
}
