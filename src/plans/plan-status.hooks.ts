import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import type { Progress } from '../common/progress.js';
import type { PlanStatus } from './plan.entity.js';

/** A plan's status move, as listeners see it. */
export interface PlanStatusChange {
  planId: string;
  from: PlanStatus;
  to: PlanStatus;
  actor: Actor;
  /** The instant of the move (the clock's now). */
  at: string;
  /** A close runs as a job: listeners report their progress here and yield to the event loop through it. */
  progress?: Progress;
}

export interface PlanStatusListener {
  /**
   * Runs before anything of the move is written (before a close job's row): throwing refuses the move
   * with nothing written. Scoring refuses to close a plan without a usable scoring set-up here.
   */
  check?(planId: string, to: PlanStatus): Promise<void> | void;
  /**
   * Runs inside the status move's transaction, after the plans row changed. Throwing refuses the move:
   * nothing of it (nor of what the listener wrote) is committed. Scoring freezes a closing plan here.
   */
  inTransaction?(change: PlanStatusChange): Promise<void> | void;
  /** Runs after the commit (e.g. wake the notifier). Must not throw. */
  afterCommit?(change: PlanStatusChange): void;
}

/**
 * Lets modules that depend on plans react to a status move in the same transaction, without the plans
 * module importing them (docs/architecture.md rule 6: modules depend one way).
 */
@Injectable()
export class PlanStatusHooks {
  private readonly listeners: PlanStatusListener[] = [];

  register(listener: PlanStatusListener): void {
    this.listeners.push(listener);
  }

  async check(planId: string, to: PlanStatus): Promise<void> {
    for (const l of this.listeners) await l.check?.(planId, to);
  }

  async inTransaction(change: PlanStatusChange): Promise<void> {
    for (const l of this.listeners) await l.inTransaction?.(change);
  }

  afterCommit(change: PlanStatusChange): void {
    for (const l of this.listeners) l.afterCommit?.(change);
  }
}
