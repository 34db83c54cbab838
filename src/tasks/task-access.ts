import { EVENT_ROLES, type TaskEventType } from '../../workflows/task/index.js';
import type { Actor } from '../common/actor.js';

/** What access to a task depends on: whose it is and who assesses it. */
export interface TaskScope {
  unitId: string;
  assessingUnitId: string | null;
}

/**
 * Who may see a task: supervisors, auditors, admins and the system see all; a department sees its
 * own unit's tasks; an assessor sees the tasks of indicators its unit assesses.
 */
export function canSeeTask(actor: Actor, scope: TaskScope): boolean {
  switch (actor.role) {
    case 'department':
      return actor.unitId !== null && actor.unitId === scope.unitId;
    case 'assessor':
      return actor.unitId !== null && actor.unitId === scope.assessingUnitId;
    default:
      return true;
  }
}

/** Why this actor may not send this event to a task it can see, or null when it may. */
export function refusalToSend(actor: Actor, type: TaskEventType): string | null {
  const roles = EVENT_ROLES[type];
  if (!(roles as readonly string[]).includes(actor.role)) return `role ${actor.role} may not send ${type}; allowed: ${roles.join(', ')}`;
  return null;
}
