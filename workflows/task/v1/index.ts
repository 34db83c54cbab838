/** Task machine version 1, frozen: histories recorded by it replay exactly (see ../README.md). */
export * from './types.js';
export { taskMachine, lightAt } from './machine.js';
export type { TaskMachine } from './machine.js';
export {
  TaskInputError,
  allowedEvents,
  applyTaskEvent,
  initialTaskSnapshot,
  initialTaskTransition,
  persistTaskSnapshot,
  restoreOwnedTaskSnapshot,
  restoreTaskSnapshot,
  validateTaskInput,
  viewOf,
} from './task.js';
export type { ApplyResult, TaskSnapshot } from './task.js';
export { SKELETON_FIELDS, TaskCreator } from './creation.js';
export type { InitialTaskState } from './creation.js';
export { nodeListProblem, revisionProblem, reviseNodes, sameDefinition } from './revision.js';
export type { RevisionOutcome } from './revision.js';
