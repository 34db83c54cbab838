import { onMounted, ref, type Ref } from 'vue';
import type { Page } from './types';

/** Office list pages' one pattern: a page of items fetched in one request, with its loading and error state. */
export function usePagedList<T>(fetchPage: (page: number, pageSize: number) => Promise<Page<T>>, pageSize = 20) {
  const list = ref({ items: [], total: 0, page: 1, pageSize }) as Ref<Page<T>>;
  const loading = ref(false);
  const error = ref<unknown>(null);
  async function load(page = 1) {
    loading.value = true;
    error.value = null;
    try {
      list.value = await fetchPage(page, pageSize);
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }
  onMounted(() => load());
  return { list, loading, error, load };
}
