/**
 * The domain event types a webhook may subscribe to and the event stream sends ('*': all). Plain data
 * with no imports, so the web pages (src/dashboard/web/src/lib/live.ts) listen for the same list.
 */
export const DOMAIN_EVENT_TYPES = [
  '*',
  'node.opened',
  'node.light-changed',
  'node.red-lighted',
  'node.red-cleared',
  'evidence.submitted',
  'evidence.approved',
  'evidence.returned',
  'extension.requested',
  'extension.granted',
  'extension.denied',
  'extension.lapsed',
  'task.completed',
  'task.closed',
  'task.scored',
  'task.cancelled',
  'task.revised',
  // machine v2 (issue 10)
  'task.acknowledged',
  'task.sign-for-overdue',
  'task.suspended',
  'task.resumed',
  'task.migrated',
] as const;
