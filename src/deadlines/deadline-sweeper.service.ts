import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app.config.js';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { Clock } from '../common/clock.js';
import { Progress } from '../common/progress.js';
import { DatabaseService } from '../database/database.service.js';
import { LeaderLock } from '../database/leader-lock.js';
import { TaskCommandService } from '../tasks/task-commands.service.js';

export interface SweepReport {
  at: string;
  /** Tasks whose next deadline had passed. */
  due: number;
  /** Tasks whose state changed (an event was appended). */
  changed: number;
  yellow: number;
  /** Tasks that got at least one red light in this sweep. */
  red: number;
  /** Red lights raised (machine v2: one `node.red-lighted` per node, dated at that node's due instant). */
  redNodes: number;
  failed: { taskId: string; reason: string }[];
  ms: number;
}

/**
 * Tasks per sweep transaction. Each task's tick is independent (its own savepoint), so the batch is only
 * about commit cost: small enough that a writer waiting for the SQLite lock gets in between batches soon.
 */
export const SWEEP_BATCH = 200;

/** The query the sweep runs; its plan is checked in a test (it must use ix_tasks_next_deadline). */
export const DUE_TASKS_SQL = 'SELECT id FROM tasks WHERE next_deadline_at <= ? ORDER BY next_deadline_at';

/**
 * Deadlines are data, not timers (docs/architecture.md rule 2). The sweep selects the tasks whose
 * next_deadline_at has passed through a partial index and sends each a `clock.tick { at }` through the one
 * write path. A tick with nothing to do writes nothing, so a second or concurrent sweep adds no event.
 * Machine v2 lights every node on its own: one tick raises a `node.red-lighted` for each node whose due
 * instant passed unapproved, dated at that due instant (recordedAt: the tick), queued for SSE and webhooks.
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationShutdown {
  private readonly logger = new Logger('Sweeper');
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly db: DatabaseService,
    private readonly commands: TaskCommandService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly leader: LeaderLock,
  ) {}

  /**
   * `at` (default: now) may only be in the past: catching up after downtime. A sweep ahead of the clock
   * would write permanent, hash-chained events dated in the future (issue 10, "one clock"); it is refused
   * (400, field `at`) before anything is read or written. Drills move the clock instead (DUBAN_CLOCK=manual).
   */
  /** The refusal of a sweep ahead of the clock (checked before a sweep job is written, and again by sweep). */
  assertSweepable(at: string | undefined): void {
    const now = this.clock.now().getTime();
    if (at !== undefined && Date.parse(at) > now) {
      throw DomainError.validation([
        {
          field: 'at',
          reason: `不能晚于当前时间 ${new Date(now).toISOString()}（补扫只能针对过去；演练请用演练时钟）/ the sweep may not run ahead of the clock`,
        },
      ]);
    }
  }

  async sweep(at: string = this.clock.nowIso(), batchSize = SWEEP_BATCH, progress: Progress = new Progress()): Promise<SweepReport> {
    this.assertSweepable(at);
    const t0 = performance.now();
    const ids = ((await this.db.all(DUE_TASKS_SQL, at)) as { id: string }[]).map((r) => r.id);
    const report: SweepReport = { at, due: ids.length, changed: 0, yellow: 0, red: 0, redNodes: 0, failed: [], ms: 0 };
    progress.begin('sweeping', ids.length);
    for (let i = 0; i < ids.length; i += batchSize) {
      const batch = ids.slice(i, i + batchSize).map((taskId) => ({ taskId, event: { type: 'clock.tick' as const, at } }));
      for (const r of await this.commands.applyMany(batch, SYSTEM_ACTOR, progress)) {
        if ('error' in r) report.failed.push({ taskId: r.taskId, reason: r.error.message });
        else if (r.changed) {
          report.changed++;
          const reds = r.emitted.filter((e) => e.type === 'node.red-lighted').length;
          report.redNodes += reds;
          if (reds) report.red++;
          else if (r.light === 'yellow') report.yellow++;
        }
      }
    }
    report.ms = performance.now() - t0;
    return report;
  }

  /** Run the sweep every DUBAN_SWEEP_INTERVAL_SECONDS in the service (not in tests or the CLI). */
  async start(): Promise<void> {
    const seconds = this.config.DUBAN_SWEEP_INTERVAL_SECONDS;
    if (!seconds || this.timer) return;
    const run = async () => {
      // On PostgreSQL with several instances, only the leader sweeps (the others' ticks would only race it).
      if (this.running || !this.leader.isLeader) return;
      this.running = true;
      try {
        const r = await this.sweep();
        if (r.changed || r.failed.length)
          this.logger.log(
            `sweep: ${r.due} due, ${r.changed} changed (${r.yellow} yellow, ${r.red} red: ${r.redNodes} red nodes), ${r.failed.length} failed, ${r.ms.toFixed(1)} ms`,
          );
        for (const f of r.failed) this.logger.warn(`task ${f.taskId}: ${f.reason}`);
      } catch (e) {
        this.logger.error(`sweep failed: ${(e as Error).message}`);
      } finally {
        this.running = false;
      }
    };
    await run();
    this.timer = setInterval(() => void run(), seconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
