import { Logger } from '@nestjs/common';
import pg from 'pg';
import { withUser } from '../database/data-source.js';

/** The channel a dispatch transaction notifies on commit (payload: the stream numbers it gave, "from-to"). */
export const STREAM_CHANNEL = 'duban_outbox';

/**
 * SSE fan-out across instances on PostgreSQL. Any instance may dispatch a message (whichever holds the
 * dispatch lock at that moment); every instance's stream clients must still see it. The dispatching
 * transaction runs `pg_notify(duban_outbox, 'from-to')`, delivered only if it commits; each instance that
 * has stream clients LISTENs on a connection of its own and, on each notification, reads the dispatched
 * rows after the last stream number it has passed on (`catchUp`) and hands them to its clients.
 *
 * Stream numbers are given 1, 2, 3… in commit order by one dispatcher at a time, so "every row after n"
 * never skips one that commits later. A notification is only a hint: a lost one (the listening
 * connection dropped, the server restarted) is made good by the next notification or the periodic
 * catch-up, because the position, not the notification, decides what is read.
 */
export class PgStreamListener {
  private readonly logger = new Logger('EventStream');
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private catching: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The last stream number handed on (undefined until the first connection). */
  private upTo: number | undefined;

  constructor(
    private readonly url: string,
    /** Rows with stream_seq > after, in stream order, at most `limit` (read through the pool). */
    private readonly readAfter: (after: number, limit: number) => Promise<{ streamSeq: number }[]>,
    private readonly currentMax: () => Promise<number>,
    private readonly emit: (rows: { streamSeq: number }[]) => void,
    private readonly pollMs: number,
  ) {}

  /** Listening (resolves once LISTEN is in place, so what commits after this is seen). */
  start(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: withUser(this.url), application_name: 'duban-stream' });
    client.on('notification', () => void this.catchUp());
    client.on('error', (e) => this.dropped(client, e.message));
    client.on('end', () => this.dropped(client, 'connection closed'));
    await client.connect();
    await client.query(`LISTEN ${STREAM_CHANNEL}`);
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.upTo === undefined) this.upTo = await this.currentMax();
    else await this.catchUp(); // reconnected: pass on what was dispatched while we were away
    if (!this.timer && this.pollMs > 0) {
      this.timer = setInterval(() => void this.catchUp(), this.pollMs);
      this.timer.unref();
    }
  }

  private dropped(client: pg.Client, why: string): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.logger.warn(`event stream listener lost (${why}); reconnecting`);
    this.retry = setTimeout(() => void this.start().catch((e) => this.dropped(client, (e as Error).message)), 1000);
    this.retry.unref();
  }

  /** Hand on every dispatched row after the last one handed on. One round at a time; a call meanwhile runs one more. */
  catchUp(): Promise<void> {
    if (this.catching) {
      this.again = true;
      return this.catching;
    }
    this.catching = (async () => {
      do {
        this.again = false;
        if (this.upTo === undefined) return;
        for (;;) {
          const rows = await this.readAfter(this.upTo, 1000);
          if (!rows.length) break;
          this.upTo = rows[rows.length - 1].streamSeq;
          this.emit(rows);
          if (rows.length < 1000) break;
        }
      } while (this.again);
    })()
      .catch((e) => this.logger.error(`event stream catch-up failed: ${(e as Error).message}`))
      .finally(() => (this.catching = undefined));
    return this.catching;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    await this.connecting?.catch(() => undefined);
    await this.catching;
    const c = this.client;
    this.client = undefined;
    if (c) await c.end().catch(() => undefined);
  }
}
