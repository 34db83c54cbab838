/**
 * Live pages: the server's event stream (GET /events/stream, server-sent events filtered to what the
 * caller may see) tells a page that something changed; the page reloads its data, debounced.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue';
import { currentToken } from './api';

const EVENT_TYPES = [
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
];

export function useLiveUpdates(onChange: () => void, delayMs = 600) {
  const live = ref(false);
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  onMounted(() => {
    const token = currentToken();
    if (!token || typeof EventSource === 'undefined') return;
    // EventSource cannot send headers; the stream (only) accepts the token as a query parameter.
    source = new EventSource(`/events/stream?access_token=${encodeURIComponent(token)}`);
    source.onopen = () => (live.value = true);
    source.onerror = () => (live.value = false);
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, delayMs);
    };
    for (const t of EVENT_TYPES) source.addEventListener(t, changed);
  });
  onBeforeUnmount(() => {
    clearTimeout(timer);
    source?.close();
  });
  return { live };
}
