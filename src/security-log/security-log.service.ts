import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app.config.js';
import type { Actor } from '../common/actor.js';
import { canonicalJson } from '../audit/event-hash.js';
import { Clock } from '../common/clock.js';
import { pageOf, type Page } from '../common/pagination.js';
import { DatabaseService } from '../database/database.service.js';
import { checkSecurityChain, GENESIS_HASH, securityEventHash, type PruneRow, type SecurityChainReport, type SecurityEventRow } from './security-log-hash.js';

/** Every kind of security event (the page and the CLI filter by these). */
export const SECURITY_KINDS = [
  'login.succeeded',
  'login.failed',
  'login.locked',
  'token.revoked',
  'user.created',
  'user.updated',
  'user.role-changed',
  'user.disabled',
  'user.enabled',
  'user.deleted',
  'user.password-changed',
  'user.password-reset',
  'scoring.setup-changed',
  'export',
  'plan.read',
] as const;
export type SecurityKind = (typeof SECURITY_KINDS)[number];

export interface SecurityRecord {
  kind: SecurityKind;
  /** Who did it (undefined: nobody logged in, e.g. a failed login; the system for the CLI). */
  actor?: Pick<Actor, 'userId' | 'username' | 'role'> | null;
  subject?: string | null;
  address?: string | null;
  details?: Record<string, unknown>;
}

export interface SecurityEventView {
  seq: number;
  kind: string;
  occurredAt: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  subject: string | null;
  address: string | null;
  details: Record<string, unknown>;
  hash: string;
}

export interface SecurityLogQuery {
  kind?: string;
  /** The actor, or the user the event is about. */
  userId?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export interface PruneResult {
  pruned: number;
  throughSeq: number | null;
  retentionDays: number;
}

const toView = (r: SecurityEventRow): SecurityEventView => ({
  seq: r.seq,
  kind: r.kind,
  occurredAt: r.occurred_at,
  actorId: r.actor_id,
  actorName: r.actor_name,
  actorRole: r.actor_role,
  subject: r.subject,
  address: r.address,
  details: JSON.parse(r.details) as Record<string, unknown>,
  hash: r.hash,
});

const DAY = 86_400_000;
/** PostgreSQL advisory lock key of the security log's appends (any constant shared by every instance). */
const SECURITY_LOG_LOCK = 0x5ec106;

/**
 * The security log (等保 style): append-only, hash-chained, readable by admins and auditors, pruned after
 * DUBAN_SECURITY_LOG_RETENTION_DAYS with the pruned head recorded so the rest still verifies.
 * `record` joins the caller's transaction when there is one (a user change and its record commit together).
 */
@Injectable()
export class SecurityLogService implements OnModuleDestroy {
  private readonly log = new Logger('SecurityLog');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async record(r: SecurityRecord): Promise<SecurityEventView> {
    return await this.db.transaction(async () => {
      // One writer at a time takes the next seq: SQLite's write lock does it; PostgreSQL (read committed) needs a lock.
      if (this.db.dialect === 'postgres') await this.db.run('SELECT pg_advisory_xact_lock(?)', SECURITY_LOG_LOCK);
      const last = await this.db.one<{ seq: number; hash: string }>('SELECT seq, hash FROM security_events ORDER BY seq DESC LIMIT 1');
      const pruned = last
        ? undefined
        : await this.db.one<{ through_seq: number; through_hash: string }>(
            'SELECT through_seq, through_hash FROM security_log_prunes ORDER BY through_seq DESC LIMIT 1',
          );
      const row: Omit<SecurityEventRow, 'hash'> = {
        seq: (last?.seq ?? pruned?.through_seq ?? 0) + 1,
        kind: r.kind,
        occurred_at: this.clock.nowIso(),
        actor_id: r.actor?.userId ?? null,
        actor_name: r.actor?.username ?? null,
        actor_role: r.actor?.role ?? null,
        subject: r.subject ?? null,
        address: r.address ?? null,
        details: canonicalJson(r.details ?? {}),
        prev_hash: last?.hash ?? pruned?.through_hash ?? GENESIS_HASH,
      };
      const full: SecurityEventRow = { ...row, hash: securityEventHash(row) };
      await this.db.run(
        `INSERT INTO security_events (seq, kind, occurred_at, actor_id, actor_name, actor_role, subject, address, details, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        full.seq,
        full.kind,
        full.occurred_at,
        full.actor_id,
        full.actor_name,
        full.actor_role,
        full.subject,
        full.address,
        full.details,
        full.prev_hash,
        full.hash,
      );
      return toView(full);
    });
  }

  /** Newest first, filtered by kind, user (actor or subject) and time; paged. */
  async list(q: SecurityLogQuery): Promise<Page<SecurityEventView>> {
    const { page, pageSize, offset } = pageOf(q);
    const conds: string[] = [];
    const params: unknown[] = [];
    if (q.kind) {
      conds.push('kind = ?');
      params.push(q.kind);
    }
    if (q.userId) {
      conds.push('(actor_id = ? OR subject = ?)');
      params.push(q.userId, `user:${q.userId}`);
    }
    if (q.from) {
      conds.push('occurred_at >= ?');
      params.push(new Date(q.from).toISOString());
    }
    if (q.to) {
      conds.push('occurred_at < ?');
      params.push(new Date(q.to).toISOString());
    }
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const total = Number(await this.db.value(`SELECT count(*) FROM security_events ${where}`, ...params));
    const rows = await this.db.all<SecurityEventRow>(`SELECT * FROM security_events ${where} ORDER BY seq DESC LIMIT ? OFFSET ?`, ...params, pageSize, offset);
    return { items: rows.map(toView), total, page, pageSize };
  }

  /** Walk the whole kept chain from the last prune's head (or the genesis). */
  async verify(): Promise<SecurityChainReport> {
    return await this.db.transaction(
      async () => {
        const prunes = await this.db.all<PruneRow>('SELECT id, through_seq, through_hash FROM security_log_prunes ORDER BY id');
        const rows = await this.db.all<SecurityEventRow>('SELECT * FROM security_events ORDER BY seq');
        return checkSecurityChain(rows, prunes);
      },
      { readOnly: true },
    );
  }

  /**
   * Delete events older than the retention, after recording the prune (the last deleted event's seq and
   * hash) so the delete trigger allows it and the first kept event still links to a recorded hash.
   */
  async prune(retentionDays = this.config.DUBAN_SECURITY_LOG_RETENTION_DAYS): Promise<PruneResult> {
    const cutoff = new Date(this.clock.now().getTime() - retentionDays * DAY).toISOString();
    return await this.db.transaction(async () => {
      const through = await this.db.one<{ seq: number; hash: string; occurred_at: string }>(
        'SELECT seq, hash, occurred_at FROM security_events WHERE occurred_at < ? ORDER BY seq DESC LIMIT 1',
        cutoff,
      );
      if (!through) return { pruned: 0, throughSeq: null, retentionDays };
      const id = Number((await this.db.value('SELECT max(id) FROM security_log_prunes')) ?? 0) + 1;
      const count = Number(await this.db.value('SELECT count(*) FROM security_events WHERE seq <= ?', through.seq));
      await this.db.run(
        'INSERT INTO security_log_prunes (id, through_seq, through_hash, through_occurred_at, pruned_count, retention_days, pruned_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        id,
        through.seq,
        through.hash,
        through.occurred_at,
        count,
        retentionDays,
        this.clock.nowIso(),
      );
      await this.db.run('DELETE FROM security_events WHERE seq <= ?', through.seq);
      return { pruned: count, throughSeq: through.seq, retentionDays };
    });
  }

  /** In the running service: prune once at start and then daily. */
  start(): void {
    const run = () =>
      void this.prune().then(
        (r) => r.pruned && this.log.log(`pruned ${r.pruned} security event(s) older than ${r.retentionDays} days (through #${r.throughSeq})`),
        (e: Error) => this.log.error(`prune failed: ${e.message}`),
      );
    run();
    this.timer = setInterval(run, DAY);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
