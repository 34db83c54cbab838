/** A domain event as delivered to SSE clients and webhooks (the outbox row's body, plus its id). */
export interface Notification {
  /** Outbox id: increasing, usable as SSE Last-Event-ID. */
  id: number;
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
}

export function toNotification(r: OutboxRow): Notification {
  return { ...(JSON.parse(r.body) as Omit<Notification, 'id'>), id: r.id } as Notification;
}
