import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../../config/app.config.js';
import { withUser } from './data-source.js';

/** The advisory lock key ("duba"): per database, so two deployments on one server do not collide. */
export const LEADER_LOCK_KEY = 0x64756261;

/**
 * Which instance runs the periodic jobs that must run once (the deadline sweep, the daily checkpoint).
 *
 * On SQLite there is one process: it is always the leader. On PostgreSQL every instance tries to take a
 * session-level advisory lock on a connection of its own (not a pooled one: the lock belongs to the
 * session, and a pooled connection would hand it to whichever caller comes next). The holder is the
 * leader until its process dies or its connection drops — the server then releases the lock — and every
 * other instance tries again every DUBAN_LEADER_POLL_SECONDS, so one of them takes over within that time.
 * A leader whose connection fails stops leading at once (it can no longer know it holds the lock).
 */
@Injectable()
export class LeaderLock implements OnApplicationShutdown {
  private readonly logger = new Logger('Leader');
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private trying: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly config: AppConfig) {}

  /** True while this instance holds the lock (always on SQLite). */
  get isLeader(): boolean {
    return this.config.DUBAN_DATABASE_URL ? this.leading : true;
  }

  /** Start competing for the lock (the service does, at start; tests may). Resolves after the first try. */
  async start(): Promise<void> {
    if (!this.config.DUBAN_DATABASE_URL || this.timer) return;
    this.stopped = false;
    await this.tryOnce();
    this.timer = setInterval(() => void this.tryOnce(), this.config.DUBAN_LEADER_POLL_SECONDS * 1000);
    this.timer.unref();
  }

  /** One attempt: take the lock if free; if held, check the connection still lives. */
  tryOnce(): Promise<void> {
    this.trying ??= this.attempt().finally(() => (this.trying = undefined));
    return this.trying;
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.client) {
        const client = new pg.Client({ connectionString: withUser(this.config.DUBAN_DATABASE_URL!), application_name: 'duban-leader' });
        client.on('error', (e) => this.lost(`connection error: ${e.message}`));
        client.on('end', () => this.lost('connection closed'));
        await client.connect();
        this.client = client;
      }
      if (this.leading) {
        await this.client.query('SELECT 1');
        return;
      }
      const r = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LEADER_LOCK_KEY]);
      if (r.rows[0]?.ok) {
        this.leading = true;
        this.logger.log('this instance now runs the deadline sweep and the daily checkpoint (leader)');
      }
    } catch (e) {
      this.lost(`lock attempt failed: ${(e as Error).message}`);
    }
  }

  private lost(why: string): void {
    if (this.leading && !this.stopped) this.logger.warn(`no longer the leader: ${why}`);
    this.leading = false;
    const c = this.client;
    this.client = undefined;
    if (c) void c.end().catch(() => undefined);
  }

  /** Give the lock up (closing the session releases it) and stop competing. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.trying;
    this.leading = false;
    const c = this.client;
    this.client = undefined;
    if (c) await c.end().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
