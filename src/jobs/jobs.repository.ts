import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';
import type { JobKind, JobStatus } from './job.entity.js';

export interface JobRow {
  id: string;
  kind: JobKind;
  plan_id: string | null;
  status: JobStatus;
  phase: string | null;
  done: number;
  total: number;
  params: string;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  error_detail: string | null;
  started_by_user_id: string | null;
  started_by_role: string;
  started_by_username: string | null;
  owner: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat_at: string | null;
}

export interface JobOutcome {
  status: 'succeeded' | 'failed';
  phase: string | null;
  done: number;
  total: number;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  error_detail: string | null;
  finished_at: string;
}

/** The jobs table (the only SQL of src/jobs). */
@Injectable()
export class JobsRepository {
  constructor(private readonly db: DatabaseService) {}

  async insert(row: JobRow): Promise<void> {
    await this.db.run(
      `INSERT INTO jobs (id, kind, plan_id, status, phase, done, total, params, result, error_code, error_message, error_detail,
         started_by_user_id, started_by_role, started_by_username, owner, created_at, started_at, finished_at, heartbeat_at)
       VALUES (@id, @kind, @plan_id, @status, @phase, @done, @total, @params, @result, @error_code, @error_message, @error_detail,
         @started_by_user_id, @started_by_role, @started_by_username, @owner, @created_at, @started_at, @finished_at, @heartbeat_at)`,
      row,
    );
  }

  async get(id: string): Promise<JobRow | undefined> {
    return await this.db.one<JobRow>('SELECT * FROM jobs WHERE id = ?', id);
  }

  /** The running job of this kind on the plan, if any. */
  async running(kind: JobKind, planId: string): Promise<JobRow | undefined> {
    return await this.db.one<JobRow>("SELECT * FROM jobs WHERE plan_id = ? AND status = 'running' AND kind = ? ORDER BY created_at LIMIT 1", planId, kind);
  }

  async list(q: { kinds: JobKind[]; status?: JobStatus; planId?: string; limit: number; offset: number }): Promise<{ rows: JobRow[]; total: number }> {
    if (!q.kinds.length) return { rows: [], total: 0 };
    const conds = [`kind IN (${q.kinds.map((_, i) => `@k${i}`).join(', ')})`];
    const params: Record<string, unknown> = Object.fromEntries(q.kinds.map((k, i) => [`k${i}`, k]));
    if (q.status) {
      conds.push('status = @status');
      params['status'] = q.status;
    }
    if (q.planId) {
      conds.push('plan_id = @planId');
      params['planId'] = q.planId;
    }
    const where = `WHERE ${conds.join(' AND ')}`;
    const total = (await this.db.value<number>(`SELECT count(*) FROM jobs ${where}`, params)) ?? 0;
    const rows = await this.db.all<JobRow>(`SELECT * FROM jobs ${where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`, {
      ...params,
      limit: q.limit,
      offset: q.offset,
    });
    return { rows, total };
  }

  /** Record the outcome once (a job already finished — e.g. inside its own final transaction — is left as it is). */
  async finish(id: string, o: JobOutcome): Promise<boolean> {
    const r = await this.db.run(
      `UPDATE jobs SET status = @status, phase = @phase, done = @done, total = @total, result = @result, error_code = @error_code,
         error_message = @error_message, error_detail = @error_detail, finished_at = @finished_at, heartbeat_at = @finished_at
       WHERE id = @id AND status = 'running'`,
      { ...o, id },
    );
    return r.changes === 1;
  }

  async heartbeat(id: string, p: { phase: string | null; done: number; total: number }, at: string): Promise<void> {
    await this.db.run("UPDATE jobs SET phase = ?, done = ?, total = ?, heartbeat_at = ? WHERE id = ? AND status = 'running'", p.phase, p.done, p.total, at, id);
  }

  /** A refused request's job (it answered the refusal itself): gone, so the refusal wrote nothing. */
  async remove(id: string): Promise<void> {
    await this.db.run('DELETE FROM jobs WHERE id = ?', id);
  }

  async runningJobs(): Promise<JobRow[]> {
    return await this.db.all<JobRow>("SELECT * FROM jobs WHERE status = 'running'");
  }
}
