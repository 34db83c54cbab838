import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { AppConfig } from '../../config/app.config.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { OutboxSignal } from '../common/outbox-signal.js';
import { DatabaseService } from '../database/database.service.js';
import { canSeeTask } from '../tasks/task-access.js';
import { toNotification, type Notification, type OutboxRow } from './notification.types.js';
import { PgStreamListener, STREAM_CHANNEL } from './stream-fanout.js';
import { WebhooksService } from './webhooks.service.js';

/** Transaction-level advisory lock key ("dubb"): one dispatcher at a time across instances. */
export const DISPATCH_LOCK_KEY = 0x64756262;
/** Rows read per page when a reconnecting client catches up. */
const BACKLOG_PAGE = 1000;

/**
 * Moves domain events from the outbox (written in the same transaction as the task event) to their
 * consumers: live server-sent-event streams, and one webhook delivery row per subscribed webhook. A
 * message is marked dispatched only in the transaction that creates its deliveries, so a crash at any
 * point re-dispatches it after restart and nothing is lost.
 *
 * Dispatch also gives each message its place in the event stream (`stream_seq`, the SSE id), one
 * dispatcher at a time: on PostgreSQL a transaction-level advisory lock, taken with try (an instance that
 * finds it held skips the round; the holder drains the outbox, and the poll picks up the rest). On
 * PostgreSQL live messages reach this instance's stream clients through LISTEN/NOTIFY, whichever instance
 * dispatched them (stream-fanout.ts); on SQLite (one process) straight from the dispatch.
 */
@Injectable()
export class NotificationsService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private readonly live = new Subject<Notification>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private listener: PgStreamListener | undefined;
  private closing = false;

  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly signal: OutboxSignal,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Dispatch up to `limit` pending outbox messages; returns how many (0 when another instance is dispatching). */
  async dispatch(limit = 1000): Promise<number> {
    const now = this.clock.nowIso();
    const pg = this.db.dialect === 'postgres';
    const rows = await this.db.transaction(async () => {
      // One dispatcher at a time, so stream numbers follow commit order without gaps (held to commit).
      if (pg && !(await this.db.value<boolean>('SELECT pg_try_advisory_xact_lock(?)', DISPATCH_LOCK_KEY))) return [];
      const pending = (await this.db.all(`SELECT * FROM outbox WHERE dispatched_at IS NULL ORDER BY id LIMIT ?`, limit)) as OutboxRow[];
      if (!pending.length) return pending;
      let seq = await this.lastStreamSeq();
      for (const r of pending) {
        await this.webhooks.enqueue(r, now);
        r.stream_seq = ++seq;
        r.dispatched_at = now;
        await this.db.run('UPDATE outbox SET dispatched_at = ?, stream_seq = ? WHERE id = ?', now, seq, r.id);
      }
      // Delivered to every listening instance if, and only when, this transaction commits.
      if (pg) await this.db.run(`SELECT pg_notify('${STREAM_CHANNEL}', ?)`, `${pending[0].stream_seq}-${seq}`);
      return pending;
    });
    if (!pg) for (const r of rows) this.live.next(toNotification(r));
    return rows.length;
  }

  /** The highest stream number given so far (0 before the first dispatch). */
  private async lastStreamSeq(): Promise<number> {
    return (await this.db.value<number>('SELECT stream_seq FROM outbox WHERE stream_seq IS NOT NULL ORDER BY stream_seq DESC LIMIT 1')) ?? 0;
  }

  private async dispatchedAfter(after: number, limit: number): Promise<OutboxRow[]> {
    return await this.db.all<OutboxRow>('SELECT * FROM outbox WHERE stream_seq > ? ORDER BY stream_seq LIMIT ?', after, limit);
  }

  /** PostgreSQL: start listening for other instances' dispatches (once; on the first stream client). */
  private async listening(): Promise<void> {
    if (this.db.dialect !== 'postgres') return;
    this.listener ??= new PgStreamListener(
      this.config.DUBAN_DATABASE_URL!,
      async (after, limit) => (await this.dispatchedAfter(after, limit)).map((r) => toNotification(r)),
      () => this.lastStreamSeq(),
      (rows) => {
        for (const n of rows as Notification[]) this.live.next(n);
      },
      Math.max(this.config.DUBAN_NOTIFY_INTERVAL_MS, 1000),
    );
    await this.listener.start();
  }

  /** One round: dispatch everything pending, then attempt every webhook delivery that is due. */
  pump(): Promise<void> {
    if (this.closing) return Promise.resolve();
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        while ((await this.dispatch()) > 0);
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

  /** Before any module closes (the database among them): no new round, and the one under way finished. */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.timer = undefined;
    await this.pumping;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    this.timer = undefined;
    await this.listener?.stop();
    this.live.complete();
  }

  /**
   * The events this actor may see: first those after `lastEventId` (a stream number) already dispatched —
   * a client reconnecting to this or any other instance misses nothing — then live ones, each once, in
   * stream order. Live messages are collected from the moment of subscription, before the backlog is
   * read, so none falls between the two.
   */
  async stream(actor: Actor, lastEventId?: number): Promise<Observable<Notification>> {
    await this.listening();
    const visible = (n: Notification) => canSeeTask(actor, { unitId: n.unitId, assessingUnitId: n.assessingUnitId });
    return new Observable<Notification>((out) => {
      let upTo = lastEventId ?? 0;
      let ready = lastEventId === undefined;
      const early: Notification[] = [];
      const pass = (n: Notification) => {
        if (lastEventId !== undefined && n.streamSeq <= upTo) return;
        upTo = n.streamSeq;
        if (visible(n)) out.next(n);
      };
      const sub = this.live.subscribe({
        next: (n) => (ready ? pass(n) : early.push(n)),
        complete: () => out.complete(),
      });
      if (!ready) {
        void (async () => {
          for (;;) {
            const rows = await this.dispatchedAfter(upTo, BACKLOG_PAGE);
            for (const r of rows) pass(toNotification(r));
            if (rows.length < BACKLOG_PAGE || out.closed) break;
          }
          for (const n of early) pass(n);
          early.length = 0;
          ready = true;
        })().catch((e) => out.error(e));
      }
      return () => sub.unsubscribe();
    });
  }
}
