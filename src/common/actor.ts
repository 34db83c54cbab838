/** Who sends a command: a logged-in user, or the system itself (the sweeper, imports, the CLI). */
export interface Actor {
  userId: string | null;
  role: 'admin' | 'supervisor' | 'department' | 'assessor' | 'auditor' | 'leader' | 'system';
  unitId: string | null;
  username?: string;
}

export const SYSTEM_ACTOR: Actor = { userId: null, role: 'system', unitId: null, username: 'system' };
