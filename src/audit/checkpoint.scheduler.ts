import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { LeaderLock } from '../database/leader-lock.js';
import { AuditRepository } from './audit.repository.js';
import { IntegrityService } from './integrity.service.js';

/** How often the scheduler looks whether today's checkpoint is due. */
export const CHECKPOINT_POLL_MS = 60 * 60 * 1000;

/**
 * The daily checkpoint: once an hour, if no checkpoint was taken today (Beijing time) and something
 * changed since the last one, take one as the system. The timer never keeps the process alive, and the
 * first look comes an hour after start, so a short-lived CLI run never checkpoints by accident.
 */
@Injectable()
export class CheckpointScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Checkpoints');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly integrity: IntegrityService,
    private readonly repo: AuditRepository,
    private readonly leader: LeaderLock,
  ) {}

  onApplicationBootstrap(): void {
    // Only the leader checkpoints (one instance of several on PostgreSQL; always the one on SQLite).
    this.timer = setInterval(() => void (this.leader.isLeader ? this.runIfDue() : undefined), CHECKPOINT_POLL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Take today's checkpoint if it is due; returns whether one was created. */
  async runIfDue(): Promise<boolean> {
    try {
      const latest = await this.repo.latestCheckpoint();
      if (latest && latest.day >= this.integrity.today()) return false;
      const r = await this.integrity.checkpoint(SYSTEM_ACTOR);
      if (r.breaks.length) this.logger.error(`checkpoint found ${r.breaks.length} integrity break(s); first: ${r.breaks[0].message}`);
      if (r.created) this.logger.log(`checkpoint #${r.checkpoint!.seq} sealed; root ${r.checkpoint!.hash}`);
      return r.created;
    } catch (e) {
      this.logger.error(`daily checkpoint failed: ${(e as Error).message}`);
      return false;
    }
  }
}
