import { ref } from 'vue';

/**
 * One user action at a time, the way every page needs it: `busy` while it runs (buttons disable, dialogs
 * show progress), and the server's refusal kept in `error` for ErrorNotice instead of being thrown away.
 */
export function useAction() {
  const busy = ref(false);
  const error = ref<unknown>(null);
  async function run(action: () => Promise<void>): Promise<void> {
    busy.value = true;
    error.value = null;
    try {
      await action();
    } catch (e) {
      error.value = e;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, run };
}
