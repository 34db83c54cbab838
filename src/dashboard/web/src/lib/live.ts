/**
 * Live pages: the server's event stream (GET /events/stream, server-sent events filtered to what the
 * caller may see) tells a page that something changed; the page reloads its data, debounced.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue';
import { currentToken } from './api';
import { DOMAIN_EVENT_TYPES } from '../../../../notifications/event-types';

// Every domain event the stream sends (the server's own list, so a new event type refreshes the pages too).
const EVENT_TYPES = DOMAIN_EVENT_TYPES.filter((t) => t !== '*');

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
