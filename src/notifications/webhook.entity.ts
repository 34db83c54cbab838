import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { OutboxMessage } from '../tasks/task.entity.js';

/** A registered receiver: every domain event it subscribes to is POSTed to `url`, signed with `secret`. */
@Entity({ name: 'webhooks' })
export class Webhook {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text' }) url: string;
  /** HMAC-SHA256 key; shown once at registration. */
  @Column({ type: 'text' }) secret: string;
  /** JSON array of domain event types, or ["*"]. */
  @Column({ name: 'event_types', type: 'text', default: '["*"]' }) eventTypes: string;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}

/** One message for one webhook: retried with backoff until delivered or given up. */
@Entity({ name: 'webhook_deliveries' })
@Index('ux_webhook_deliveries_msg', ['outboxId', 'webhookId'], { unique: true })
@Index('ix_webhook_deliveries_due', ['nextAttemptAt'], { where: "status = 'pending'" })
export class WebhookDelivery {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'outbox_id', type: 'integer' }) outboxId: number;
  @ManyToOne(() => OutboxMessage, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'outbox_id' })
  outbox?: Relation<OutboxMessage>;
  @Column({ name: 'webhook_id', type: 'text' }) webhookId: string;
  @ManyToOne(() => Webhook, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id' })
  webhook?: Relation<Webhook>;
  /** Sent as the Idempotency-Key header: the same for every attempt of this delivery. */
  @Index('ux_webhook_deliveries_key', { unique: true })
  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey: string;
  /** pending | delivered | failed */
  @Column({ type: 'text', default: 'pending' }) status: string;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ name: 'next_attempt_at', type: 'text' }) nextAttemptAt: string;
  @Column({ name: 'last_status', type: 'integer', nullable: true }) lastStatus: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'delivered_at', type: 'text', nullable: true }) deliveredAt: string | null;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}

/** The delivery log: one row per HTTP attempt. */
@Entity({ name: 'webhook_attempts' })
@Index('ix_webhook_attempts_delivery', ['deliveryId'])
export class WebhookAttempt {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'delivery_id', type: 'integer' }) deliveryId: number;
  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id' })
  delivery?: Relation<WebhookDelivery>;
  @Column({ name: 'attempted_at', type: 'text' }) attemptedAt: string;
  @Column({ name: 'status_code', type: 'integer', nullable: true }) statusCode: number | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs: number;
}
