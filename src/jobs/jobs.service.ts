import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, ERROR_STATUS, ErrorCode } from '../common/domain-error.js';
import { localizeError } from '../common/error-catalogue.js';
import { ErrorFilter } from '../common/error.filter.js';
import { pageOf, type Page } from '../common/pagination.js';
import { Progress } from '../common/progress.js';
import { DatabaseService } from '../database/database.service.js';
import type { JobKind, JobStatus } from './job.entity.js';
import type { JobView } from './jobs.dto.js';
import { JobsRepository, type JobRow } from './jobs.repository.js';

/** Who may start (and so read) each kind of job. */
export const JOB_ROLES: Record<JobKind, readonly string[]> = {
  close: ['admin', 'supervisor', 'system'],
  sweep: ['admin', 'supervisor', 'system'],
  import: ['admin', 'supervisor', 'system'],
  verify: ['admin', 'supervisor', 'auditor', 'system'],
};

/** How often a PostgreSQL instance writes its running jobs' progress (their heartbeat). */
const HEARTBEAT_MS = 2000;
/** A PostgreSQL job whose heartbeat is older than this at another instance's start-up is abandoned. */
const ABANDONED_AFTER_MS = 60_000;

/** What a job's work gets: its progress, and a way to record success inside its own final transaction. */
export interface JobContext {
  id: string;
  progress: Progress;
  /**
   * Mark the job succeeded inside the caller's transaction (the close's final one), so the job's outcome
   * commits with the work or not at all.
   */
  succeedInTransaction(result: unknown): Promise<void>;
}

export interface StartedJob<T> {
  job: JobView;
  /** The job's live progress (the CLI draws its bar from it). */
  progress: Progress;
  /** Resolves when the job ends (never rejects): the value, or the error it failed with. */
  finished: Promise<{ job: JobView; value?: T; error?: unknown }>;
}

interface LiveJob {
  progress: Progress;
  succeeded: boolean;
}

/**
 * Long operations as jobs (issue 11 item 5; docs/jobs.md). A job is a row of `jobs` written before the work
 * starts and finished after it; the work runs in this process without blocking it (it yields to the event
 * loop through its Progress). Progress lives in memory while the job runs and is read by GET /jobs/{id}
 * on this instance; on PostgreSQL it is also written every 2 s (the heartbeat other instances read). At
 * start-up a running job whose process is gone is marked failed (JOB_ABANDONED): its work ran in
 * transactions that never committed, so nothing of it is visible.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  /** This process: host, pid and a random part (a restarted container may get the same pid). */
  readonly owner = `${hostname()}|${process.pid}|${randomUUID().slice(0, 8)}`;
  private readonly live = new Map<string, LiveJob>();
  private readonly filter = new ErrorFilter();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: JobsRepository,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.recoverAbandoned();
    if (this.db.dialect === 'postgres') {
      this.timer = setInterval(() => void this.heartbeat(), HEARTBEAT_MS);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Mark failed every running job whose process is gone: one of this host whose pid is not alive (or is
   * this process, restarted), or — another host's, on PostgreSQL — whose heartbeat stopped a minute ago.
   */
  async recoverAbandoned(): Promise<number> {
    const now = this.clock.now().getTime();
    let n = 0;
    for (const j of await this.repo.runningJobs()) {
      if (j.owner === this.owner) continue;
      const [host, pidText] = j.owner.split('|');
      const pid = Number(pidText);
      const sameHost = host === hostname();
      const gone = sameHost ? pid === process.pid || !alive(pid) : Date.parse(j.heartbeat_at ?? j.created_at) < now - ABANDONED_AFTER_MS;
      if (!gone) continue;
      const e = new DomainError(
        ErrorCode.JobAbandoned,
        `job ${j.id} was abandoned: its process (${j.owner}) stopped before it finished; nothing of it was committed`,
        { jobId: j.id },
      );
      if (
        await this.repo.finish(j.id, {
          status: 'failed',
          phase: j.phase,
          done: j.done,
          total: j.total,
          result: null,
          ...this.errorColumns(e),
          finished_at: this.clock.nowIso(),
        })
      ) {
        this.logger.warn(`job ${j.id} (${j.kind}${j.plan_id ? ` of plan ${j.plan_id}` : ''}) was abandoned by ${j.owner}: marked failed`);
        n++;
      }
    }
    return n;
  }

  /**
   * Start a job: its row is written (status running), then `work` runs in the background. The caller may
   * answer at once (202 with the job) or await `finished`.
   */
  async start<T>(
    kind: JobKind,
    planId: string | null,
    actor: Actor,
    params: Record<string, unknown>,
    work: (ctx: JobContext) => Promise<T>,
    resultOf: (v: T) => unknown = (v) => v,
  ): Promise<StartedJob<T>> {
    const at = this.clock.nowIso();
    const row: JobRow = {
      id: randomUUID(),
      kind,
      plan_id: planId,
      status: 'running',
      phase: null,
      done: 0,
      total: 0,
      params: JSON.stringify(params),
      result: null,
      error_code: null,
      error_message: null,
      error_detail: null,
      started_by_user_id: actor.userId,
      started_by_role: actor.role,
      started_by_username: actor.username ?? null,
      owner: this.owner,
      created_at: at,
      started_at: at,
      finished_at: null,
      heartbeat_at: at,
    };
    await this.repo.insert(row);
    const live: LiveJob = { progress: new Progress(), succeeded: false };
    this.live.set(row.id, live);
    const ctx: JobContext = {
      id: row.id,
      progress: live.progress,
      succeedInTransaction: async (result) => {
        await this.repo.finish(row.id, {
          status: 'succeeded',
          ...this.progressColumns(live.progress),
          result: JSON.stringify(result ?? null),
          error_code: null,
          error_message: null,
          error_detail: null,
          finished_at: this.clock.nowIso(),
        });
        live.succeeded = true;
      },
    };
    const finished = (async () => {
      // The work runs after this turn of the loop, so the caller gets the job before any of it runs.
      await new Promise((r) => setImmediate(r));
      try {
        const value = await work(ctx);
        if (!live.succeeded) {
          await this.repo.finish(row.id, {
            status: 'succeeded',
            ...this.progressColumns(live.progress),
            result: JSON.stringify(resultOf(value) ?? null),
            error_code: null,
            error_message: null,
            error_detail: null,
            finished_at: this.clock.nowIso(),
          });
        }
        this.live.delete(row.id);
        return { job: await this.view(row.id), value };
      } catch (error) {
        try {
          await this.repo.finish(row.id, {
            status: 'failed',
            ...this.progressColumns(live.progress),
            result: null,
            ...this.errorColumns(error),
            finished_at: this.clock.nowIso(),
          });
        } catch (e) {
          this.logger.error(`job ${row.id}: could not record its failure: ${(e as Error).message}`);
        }
        if (!(error instanceof DomainError)) this.logger.error(`job ${row.id} (${kind}) failed: ${(error as Error).stack ?? String(error)}`);
        this.live.delete(row.id);
        return { job: await this.view(row.id).catch(() => toView(row)), error };
      }
    })();
    return { job: toView(row, live.progress), progress: live.progress, finished };
  }

  /**
   * Start a job and wait for it (the request answers when it ends, without blocking the service). A refusal
   * — the job failed with a 4xx error, or `refused(value)` says the outcome is one (an import refused) — is
   * answered like any refused request: its job row is removed again, so a refused request writes nothing.
   */
  async runAndWait<T>(
    kind: JobKind,
    planId: string | null,
    actor: Actor,
    params: Record<string, unknown>,
    work: (ctx: JobContext) => Promise<T>,
    opts: { resultOf?: (v: T) => unknown; refused?: (v: T) => boolean; onStart?: (s: StartedJob<T>) => void } = {},
  ): Promise<T> {
    const started = await this.start(kind, planId, actor, params, work, opts.resultOf);
    opts.onStart?.(started);
    const { job, value, error } = await started.finished;
    if (error !== undefined) {
      if (error instanceof DomainError && ERROR_STATUS[error.code] < 500) await this.repo.remove(job.id);
      throw error;
    }
    if (opts.refused?.(value as T)) await this.repo.remove(job.id);
    return value as T;
  }

  /** One job, for someone allowed to start its kind (404 otherwise: no hint that it exists). */
  async get(id: string, actor: Actor): Promise<JobView> {
    const row = await this.repo.get(id);
    if (!row || !JOB_ROLES[row.kind].includes(actor.role)) throw DomainError.notFound('job', id);
    return toView(row, this.live.get(id)?.progress);
  }

  async list(q: { kind?: JobKind; status?: JobStatus; planId?: string; page?: number; pageSize?: number }, actor: Actor): Promise<Page<JobView>> {
    const { page, pageSize, offset } = pageOf(q);
    const kinds = (Object.keys(JOB_ROLES) as JobKind[]).filter((k) => JOB_ROLES[k].includes(actor.role) && (!q.kind || q.kind === k));
    const { rows, total } = await this.repo.list({ kinds, status: q.status, planId: q.planId, limit: pageSize, offset });
    return { items: rows.map((r) => toView(r, this.live.get(r.id)?.progress)), total, page, pageSize };
  }

  /** The running close of a plan, if any (task writes on it are refused meanwhile). */
  async runningClose(planId: string): Promise<JobRow | undefined> {
    return await this.repo.running('close', planId);
  }

  private async view(id: string): Promise<JobView> {
    return toView((await this.repo.get(id))!, this.live.get(id)?.progress);
  }

  private async heartbeat(): Promise<void> {
    const at = this.clock.nowIso();
    for (const [id, j] of this.live) {
      try {
        await this.repo.heartbeat(id, this.progressColumns(j.progress), at);
      } catch (e) {
        this.logger.warn(`job ${id}: heartbeat failed: ${(e as Error).message}`);
      }
    }
  }

  private progressColumns(p: Progress): { phase: string | null; done: number; total: number } {
    return { phase: p.phase, done: p.done, total: p.total };
  }

  /** The error as a refused request would carry it: code, zh-CN message, English detail. */
  private errorColumns(error: unknown): { error_code: string; error_message: string; error_detail: string } {
    const body = this.filter.toBody(error);
    const detail = error instanceof Error ? error.message : String(error);
    const details = body.details ? JSON.stringify(body.details) : null;
    return {
      error_code: body.code,
      error_message: body.message || localizeError(body.code, body.statusCode, detail).message,
      error_detail: JSON.stringify({ detail, ...(details ? { details: JSON.parse(details) as unknown } : {}) }),
    };
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function toView(r: JobRow, live?: Progress): JobView {
  const phase = live && r.status === 'running' ? live.phase : r.phase;
  const done = live && r.status === 'running' ? live.done : r.done;
  const total = live && r.status === 'running' ? live.total : r.total;
  let error: JobView['error'] = null;
  if (r.error_code) {
    const extra = r.error_detail ? (JSON.parse(r.error_detail) as { detail?: string; details?: Record<string, unknown> }) : {};
    error = {
      code: r.error_code,
      message: r.error_message ?? '',
      ...(extra.detail ? { detail: extra.detail } : {}),
      ...(extra.details ? { details: extra.details } : {}),
    };
  }
  return {
    id: r.id,
    kind: r.kind,
    planId: r.plan_id,
    status: r.status,
    phase,
    done,
    total,
    percent: r.status === 'succeeded' ? 100 : total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0,
    params: JSON.parse(r.params) as Record<string, unknown>,
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
    error,
    startedBy: { userId: r.started_by_user_id, role: r.started_by_role, username: r.started_by_username },
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
