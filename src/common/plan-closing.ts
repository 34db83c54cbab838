import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The plan whose close runs in this async context. While a close job runs, task writes on its plan are
 * refused (409 PLAN_CLOSING) — except the close's own `task.close` / `task.score` events, which run in
 * this context (src/tasks/task-commands.service.ts checks it).
 */
export const closingPlan = new AsyncLocalStorage<string>();
