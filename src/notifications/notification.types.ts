/** A domain event as delivered to SSE clients and webhooks (the outbox row's body, plus its ids). */
export interface Notification {
  /** Outbox id (webhook deliveries and their Idempotency-Key name it). */
  id: number;
  /**
   * Place in the event stream: the SSE id and what `Last-Event-ID` names. Given when the message is
   * dispatched, 1, 2, 3… in commit order without gaps, on every instance alike.
   */
  streamSeq: number;
  type: string;
  taskId: string;
  planId: string;
  unitId: string;
  assessingUnitId: string | null;
  seq: number;
  at: string;
  [k: string]: unknown;
}

export interface OutboxRow {
  id: number;
  task_id: string;
  event_seq: number;
  type: string;
  body: string;
  unit_id: string | null;
  created_at: string;
  dispatched_at: string | null;
  stream_seq: number | null;
}

export function toNotification(r: OutboxRow): Notification {
  return { ...(JSON.parse(r.body) as Omit<Notification, 'id' | 'streamSeq'>), id: r.id, streamSeq: r.stream_seq ?? 0 } as Notification;
}
