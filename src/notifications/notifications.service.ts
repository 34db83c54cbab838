import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { concat, filter, from, Observable, Subject } from 'rxjs';
import { AppConfig } from '../../config/app.config.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { OutboxSignal } from '../common/outbox-signal.js';
import { DatabaseService } from '../database/database.service.js';
import { canSeeTask } from '../tasks/task-access.js';
import { toNotification, type Notification, type OutboxRow } from './notification.types.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Moves domain events from the outbox (written in the same transaction as the task event) to their
 * consumers: live server-sent-event streams, and one webhook delivery row per subscribed webhook. A
 * message is marked dispatched only in the transaction that creates its deliveries, so a crash at any
 * point re-dispatches it after restart and nothing is lost.
 */
@Injectable()
export class NotificationsService implements OnApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private readonly live = new Subject<Notification>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly signal: OutboxSignal,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Dispatch up to `limit` pending outbox messages; returns how many. */
  async dispatch(limit = 1000): Promise<number> {
    const now = this.clock.nowIso();
    const rows = await this.db.transaction(async () => {
      // PostgreSQL: several instances dispatch at once; each takes rows no other is dispatching (SKIP LOCKED).
      const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
      const pending = await this.db.all(`SELECT * FROM outbox WHERE dispatched_at IS NULL ORDER BY id LIMIT ?${lock}`, limit) as OutboxRow[];
      for (const r of pending) {
        await this.webhooks.enqueue(r, now);
        await this.db.run('UPDATE outbox SET dispatched_at = ? WHERE id = ?', now, r.id);
      }
      return pending;
    });
    for (const r of rows) this.live.next(toNotification(r));
    return rows.length;
  }

  /** One round: dispatch everything pending, then attempt every webhook delivery that is due. */
  pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        while (await this.dispatch() > 0);
        await this.webhooks.deliverDue();
      } while (this.again);
    })()
      .catch((e) => this.logger.error(`delivery round failed: ${(e as Error).message}`))
      .finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  /** In the running service: pump on every commit signal and every DUBAN_NOTIFY_INTERVAL_MS. */
  start(): void {
    const ms = this.config.DUBAN_NOTIFY_INTERVAL_MS;
    if (!ms || this.timer) return;
    // Coalesce: under load many commits share one dispatch transaction (at most ~25 ms of added latency).
    let scheduled: NodeJS.Timeout | undefined;
    this.unsubscribe = this.signal.subscribe(() => {
      scheduled ??= setTimeout(() => {
        scheduled = undefined;
        void this.pump();
      }, 25);
    });
    this.timer = setInterval(() => void this.pump(), ms);
    this.timer.unref();
    void this.pump();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    this.timer = undefined;
    this.live.complete();
  }

  /**
   * The events this actor may see: first those after `lastEventId` already dispatched (a reconnecting
   * client misses nothing), then live ones.
   */
  async stream(actor: Actor, lastEventId?: number): Promise<Observable<Notification>> {
    const visible = (n: Notification) => canSeeTask(actor, { unitId: n.unitId, assessingUnitId: n.assessingUnitId });
    let replayedUpTo = lastEventId ?? Number.MAX_SAFE_INTEGER;
    const backlog: Notification[] = [];
    if (lastEventId !== undefined) {
      const rows = await this.db.all('SELECT * FROM outbox WHERE id > ? AND dispatched_at IS NOT NULL ORDER BY id LIMIT 10000', lastEventId) as OutboxRow[];
      for (const r of rows) backlog.push(toNotification(r));
      replayedUpTo = backlog.at(-1)?.id ?? lastEventId;
    }
    return concat(
      from(backlog.filter(visible)),
      this.live.pipe(filter((n) => (lastEventId === undefined || n.id > replayedUpTo) && visible(n))),
    );
  }
}
