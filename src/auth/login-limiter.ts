import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app.config.js';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';

interface AttemptRow {
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface Lockout {
  /** The key that is locked: `account:<username>` or `address:<ip>`. */
  key: string;
  retryAfterSeconds: number;
}

export const accountKey = (username: string) => `account:${username.trim().toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;

/**
 * Failed logins counted in the database (table login_attempts), so every instance sees the same counts.
 * An account is locked after DUBAN_LOGIN_MAX_FAILURES wrong passwords in a row (a success resets it); an
 * address after DUBAN_LOGIN_MAX_FAILURES_PER_ADDRESS failures within DUBAN_LOGIN_LOCKOUT_SECONDS. A lock lasts
 * DUBAN_LOGIN_LOCKOUT_SECONDS; while it lasts even the right password is refused (429, Retry-After), without
 * spending a password hash on it.
 */
@Injectable()
export class LoginLimiter {
  private readonly log = new Logger('Login');

  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** The longest lock among these keys that is still running, or undefined. */
  async lockedNow(keys: string[]): Promise<Lockout | undefined> {
    const now = this.clock.now();
    const rows = await this.db.all<AttemptRow>(
      'SELECT * FROM login_attempts WHERE key IN (?, ?) AND locked_until > ?',
      keys[0],
      keys[1] ?? keys[0],
      now.toISOString(),
    );
    return this.longest(rows, now);
  }

  /** Count one failure against the account and the address; a lock this failure starts is returned. */
  async fail(account: string, address: string): Promise<Lockout | undefined> {
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const lockMs = this.config.DUBAN_LOGIN_LOCKOUT_SECONDS * 1000;
    const locked: AttemptRow[] = [];
    await this.db.transaction(async () => {
      for (const [key, limit, windowed] of [
        [account, this.config.DUBAN_LOGIN_MAX_FAILURES, false],
        [address, this.config.DUBAN_LOGIN_MAX_FAILURES_PER_ADDRESS, true],
      ] as const) {
        const row = await this.db.one<AttemptRow>('SELECT * FROM login_attempts WHERE key = ?', key);
        const lockOver = row?.locked_until != null && row.locked_until <= nowIso;
        const windowOver = windowed && row !== undefined && Date.parse(row.window_started_at) + lockMs <= now.getTime();
        const fresh = !row || lockOver || windowOver;
        const failures = fresh ? 1 : row.failures + 1;
        const windowStart = fresh ? nowIso : row.window_started_at;
        const lockedUntil = failures >= limit ? new Date(now.getTime() + lockMs).toISOString() : fresh ? null : row.locked_until;
        await this.db.run(
          `INSERT INTO login_attempts (key, failures, window_started_at, locked_until, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_started_at = excluded.window_started_at,
             locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
          key,
          failures,
          windowStart,
          lockedUntil,
          nowIso,
        );
        if (failures >= limit) locked.push({ key, failures, window_started_at: windowStart, locked_until: lockedUntil });
      }
    });
    const lock = this.longest(locked, now);
    if (lock) this.log.warn(`login locked: ${lock.key} for ${lock.retryAfterSeconds} s`);
    return lock;
  }

  /** A successful login clears the account's count (the address keeps its window). */
  async succeed(account: string): Promise<void> {
    await this.db.run('DELETE FROM login_attempts WHERE key = ?', account);
  }

  private longest(rows: AttemptRow[], now: Date): Lockout | undefined {
    let best: Lockout | undefined;
    for (const r of rows) {
      if (!r.locked_until) continue;
      const seconds = Math.max(1, Math.ceil((Date.parse(r.locked_until) - now.getTime()) / 1000));
      if (!best || seconds > best.retryAfterSeconds) best = { key: r.key, retryAfterSeconds: seconds };
    }
    return best;
  }
}
