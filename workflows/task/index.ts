/**
 * The task workflow. Version 2 (every node its own milestone, docs/task-machine.md) is what the service
 * runs and is exported flat; version 1 (one current node) is frozen in `v1/` so its histories replay
 * exactly, and exported as `v1.*`. `applyVersioned` replays a history event by event with the version
 * that recorded it (a `task.migrated` event upgrades a v1 task). See README.md.
 */
export * from './v2/index.js';
export * as v1 from './v1/index.js';
export * as v2 from './v2/index.js';
export { TASK_MACHINE_VERSION as TASK_MACHINE_VERSION_1 } from './v1/types.js';
export { TASK_MACHINE_VERSION as TASK_MACHINE_VERSION_2 } from './v2/types.js';
export { applyVersioned, initialVersioned } from './versioned.js';
export type { VersionedResult, VersionedSnapshot, MigratedEvent } from './versioned.js';
