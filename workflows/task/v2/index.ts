/** Task machine version 2: every node is its own milestone (docs/task-machine.md; ../README.md). */
export * from './types.js';
export { taskMachineV2 as taskMachine } from './machine.js';
export type { TaskMachineV2 as TaskMachine } from './machine.js';
export { lightAt } from './clock.js';
export {
  TaskInputError,
  allowedEvents,
  applyTaskEvent,
  initialTaskSnapshot,
  initialTaskTransition,
  isLive,
  persistTaskSnapshot,
  refusalFor,
  restoreOwnedTaskSnapshot,
  restoreTaskSnapshot,
  topStateOf,
  validateTaskInput,
  viewOf,
} from './task.js';
export type { ApplyResult, TaskSnapshot } from './task.js';
export { nodeListProblem, revisionProblem, reviseNodes, sameDefinition } from './revision.js';
export type { RevisionOutcome, RevisionProblem } from './revision.js';
export { migrateV1ToV2 } from './migrate.js';
export type { MigrationResult } from './migrate.js';
export { TaskCreatorV2, columnsOf, withDefaultNode } from './compat.js';
export type { InitialTaskStateV2, TaskColumns } from './compat.js';
