/**
 * The task workflow. Version 1 (one current node) is frozen in `v1/` so its histories replay exactly;
 * version 2 (every node its own milestone, docs/task-machine.md) is in `v2/`; `applyVersioned` replays a
 * history event by event with the version that recorded it. See README.md.
 *
 * Until the write path moves to v2 (issue 10, phase 2) the flat exports below are still version 1's;
 * version 2 is `v2.*` (and `TASK_MACHINE_VERSION_2`).
 */
export * from './v1/index.js';
export * as v2 from './v2/index.js';
export { TASK_MACHINE_VERSION as TASK_MACHINE_VERSION_2 } from './v2/types.js';
export { applyVersioned, initialVersioned } from './versioned.js';
export type { VersionedResult, VersionedSnapshot, MigratedEvent } from './versioned.js';
