import { Injectable, Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app.config.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { DatabaseService } from '../database/database.service.js';
import { toNotification, type OutboxRow } from './notification.types.js';
import { signWebhook } from './webhook-signature.js';
import { webhookTargetProblem, type Resolver } from './webhook-target.js';

export interface WebhookView {
  id: string;
  url: string;
  eventTypes: string[];
  active: boolean;
  createdAt: string;
}

interface WebhookRow {
  id: string;
  url: string;
  secret: string;
  event_types: string;
  active: number;
  created_at: string;
}

interface DueDelivery {
  id: number;
  outbox_id: number;
  idempotency_key: string;
  attempts: number;
  url: string;
  secret: string;
  body: string;
  type: string;
}

const toView = (r: WebhookRow): WebhookView => ({
  id: r.id,
  url: r.url,
  eventTypes: JSON.parse(r.event_types),
  active: r.active === 1,
  createdAt: r.created_at,
});
const HOUR = 3600_000;

/**
 * Webhooks: at-least-once delivery with an idempotency key per (message, webhook), an HMAC-SHA256
 * signature, exponential backoff and a log of every attempt.
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');
  private delivering: Promise<{ attempted: number; delivered: number }> | undefined;
  /** DNS for the SSRF check; tests may replace it. */
  resolver: Resolver | undefined;

  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Refused (400 naming `url`) when the target is loopback, link-local, private or reserved and not listed in DUBAN_WEBHOOK_ALLOW_HOSTS. */
  async register(url: string, eventTypes: string[] = ['*']): Promise<WebhookView & { secret: string }> {
    const problem = await webhookTargetProblem(url, this.config.DUBAN_WEBHOOK_ALLOW_HOSTS, this.resolver);
    if (problem) throw DomainError.validation([{ field: 'url', reason: problem }]);
    const row: WebhookRow = {
      id: randomUUID(),
      url,
      secret: randomBytes(32).toString('base64url'),
      event_types: JSON.stringify(eventTypes),
      active: 1,
      created_at: this.clock.nowIso(),
    };
    await this.db.transaction(
      async () =>
        await this.db.run(
          'INSERT INTO webhooks (id, url, secret, event_types, active, created_at) VALUES (@id, @url, @secret, @event_types, @active, @created_at)',
          row,
        ),
    );
    return { ...toView(row), secret: row.secret };
  }

  async list(): Promise<WebhookView[]> {
    return ((await this.db.all('SELECT * FROM webhooks ORDER BY created_at')) as WebhookRow[]).map(toView);
  }

  async deactivate(id: string): Promise<WebhookView> {
    return await this.db.transaction(async () => {
      const changed = (await this.db.run('UPDATE webhooks SET active = 0 WHERE id = ?', id)).changes;
      if (!changed) throw DomainError.notFound('webhook', id);
      return toView((await this.db.one('SELECT * FROM webhooks WHERE id = ?', id)) as WebhookRow);
    });
  }

  async deliveries(webhookId: string, limit = 100) {
    if (!(await this.db.one('SELECT 1 FROM webhooks WHERE id = ?', webhookId))) throw DomainError.notFound('webhook', webhookId);
    const deliveries = (await this.db.all(
      `SELECT d.id, d.outbox_id AS outboxId, d.idempotency_key AS idempotencyKey, d.status, d.attempts, d.next_attempt_at AS nextAttemptAt,
           d.last_status AS lastStatus, d.last_error AS lastError, d.delivered_at AS deliveredAt, o.type
         FROM webhook_deliveries d JOIN outbox o ON o.id = d.outbox_id WHERE d.webhook_id = ? ORDER BY d.id DESC LIMIT ?`,
      webhookId,
      limit,
    )) as { id: number }[];
    const attempts =
      'SELECT attempted_at AS attemptedAt, status_code AS statusCode, error, duration_ms AS durationMs FROM webhook_attempts WHERE delivery_id = ? ORDER BY id';
    const out = [];
    for (const d of deliveries) out.push({ ...d, log: await this.db.all(attempts, d.id) });
    return out;
  }

  /** Inside the dispatch transaction: one delivery per active webhook that wants this event type. */
  async enqueue(message: OutboxRow, now: string): Promise<void> {
    for (const w of (await this.db.all('SELECT id, event_types FROM webhooks WHERE active = 1')) as WebhookRow[]) {
      const types = JSON.parse(w.event_types) as string[];
      if (!types.includes('*') && !types.includes(message.type)) continue;
      await this.db.run(
        `INSERT INTO webhook_deliveries (outbox_id, webhook_id, idempotency_key, status, attempts, next_attempt_at, created_at)
           VALUES (?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING`,
        message.id,
        w.id,
        `duban-${message.id}-${w.id}`,
        now,
        now,
      );
    }
  }

  /** Attempt every pending delivery whose time has come; rounds never overlap. */
  deliverDue(): Promise<{ attempted: number; delivered: number }> {
    this.delivering ??= this.deliverRound().finally(() => (this.delivering = undefined));
    return this.delivering;
  }

  private async deliverRound(): Promise<{ attempted: number; delivered: number }> {
    const due =
      this.db.dialect === 'postgres'
        ? await this.claimDue()
        : ((await this.db.all(
            `SELECT d.id, d.outbox_id, d.idempotency_key, d.attempts, w.url, w.secret, o.body, o.type
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN outbox o ON o.id = d.outbox_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.id LIMIT 200`,
            this.clock.nowIso(),
          )) as DueDelivery[]);
    let delivered = 0;
    for (const d of due) if (await this.attempt(d)) delivered++;
    return { attempted: due.length, delivered };
  }

  /**
   * PostgreSQL, where several instances deliver: claim a batch of due deliveries with row locks that skip
   * rows another instance is claiming (FOR UPDATE SKIP LOCKED), leasing them (next_attempt_at moved past
   * the time the batch can take) so no other instance attempts them meanwhile. The attempt then sets the
   * real next time; a claimer that dies leaves its batch due again when the lease ends (at-least-once, the
   * Idempotency-Key lets the receiver drop a repeat).
   */
  private async claimDue(): Promise<DueDelivery[]> {
    const batch = 20;
    const now = this.clock.now();
    const lease = new Date(now.getTime() + batch * this.config.DUBAN_WEBHOOK_TIMEOUT_MS + 30_000).toISOString();
    const rows = (await this.db.transaction(
      async (tx) =>
        await tx.all(
          `WITH claimed AS (
         SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED)
       UPDATE webhook_deliveries d SET next_attempt_at = ? FROM claimed c, webhooks w, outbox o
       WHERE d.id = c.id AND w.id = d.webhook_id AND o.id = d.outbox_id
       RETURNING d.id, d.outbox_id, d.idempotency_key, d.attempts, w.url, w.secret, o.body, o.type`,
          now.toISOString(),
          lease,
        ),
    )) as DueDelivery[];
    return rows.sort((a, b) => a.id - b.id);
  }

  private async attempt(d: DueDelivery): Promise<boolean> {
    const body = JSON.stringify(toNotification({ id: d.outbox_id, body: d.body } as OutboxRow));
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      // The name may have been re-pointed since registration: check again before every attempt.
      const problem = await webhookTargetProblem(d.url, this.config.DUBAN_WEBHOOK_ALLOW_HOSTS, this.resolver);
      if (problem) throw new Error(`refused: ${problem}`);
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': d.idempotency_key,
          'x-duban-event-type': d.type,
          'x-duban-delivery': String(d.id),
          'x-duban-signature': signWebhook(d.secret, body, Math.floor(this.clock.now().getTime() / 1000)),
          'user-agent': 'Duban-Webhooks/1',
        },
        body,
        signal: AbortSignal.timeout(this.config.DUBAN_WEBHOOK_TIMEOUT_MS),
        redirect: 'manual',
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (e) {
      error = (e as Error).message;
    }
    const ok = error === null;
    const attempts = d.attempts + 1;
    const now = this.clock.now();
    const giveUp = !ok && attempts >= this.config.DUBAN_WEBHOOK_MAX_ATTEMPTS;
    const next = new Date(now.getTime() + Math.min(this.config.DUBAN_WEBHOOK_BACKOFF_MS * 2 ** (attempts - 1), HOUR)).toISOString();
    await this.db.transaction(async () => {
      await this.db.run(
        'INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?)',
        d.id,
        now.toISOString(),
        status,
        error,
        Math.round(performance.now() - started),
      );
      await this.db.run(
        `UPDATE webhook_deliveries SET attempts = ?, status = ?, next_attempt_at = ?, last_status = ?, last_error = ?, delivered_at = ?
           WHERE id = ?`,
        attempts,
        ok ? 'delivered' : giveUp ? 'failed' : 'pending',
        ok ? now.toISOString() : next,
        status,
        error,
        ok ? now.toISOString() : null,
        d.id,
      );
    });
    if (giveUp) this.logger.warn(`delivery ${d.id} to ${d.url} failed ${attempts} times; giving up (${error})`);
    return ok;
  }
}
