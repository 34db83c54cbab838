import { describe, expect, it } from '@jest/globals';
import type { Actor } from '../common/actor.js';
import { canSeeTask, refusalToSend } from './task-access.js';

const scope = { unitId: 'u-a', assessingUnitId: 'u-x' };
const actor = (role: Actor['role'], unitId: string | null): Actor => ({ userId: 'x', role, unitId });

describe('task access', () => {
  it('lets a department see only its own unit’s tasks', () => {
    expect(canSeeTask(actor('department', 'u-a'), scope)).toBe(true);
    expect(canSeeTask(actor('department', 'u-b'), scope)).toBe(false);
    expect(canSeeTask(actor('department', null), scope)).toBe(false);
  });
  it('lets an assessor see only tasks its unit assesses', () => {
    expect(canSeeTask(actor('assessor', 'u-x'), scope)).toBe(true);
    expect(canSeeTask(actor('assessor', 'u-a'), scope)).toBe(false);
  });
  it('lets supervisors and auditors see every task', () => {
    expect(canSeeTask(actor('supervisor', null), scope)).toBe(true);
    expect(canSeeTask(actor('auditor', null), scope)).toBe(true);
  });
  it('refuses an event the role may not send and names the allowed roles', () => {
    expect(refusalToSend(actor('assessor', 'u-x'), 'evidence.submit')).toMatch(/allowed: department/);
    expect(refusalToSend(actor('auditor', null), 'evidence.approve')).not.toBeNull();
    expect(refusalToSend(actor('department', 'u-a'), 'evidence.submit')).toBeNull();
  });
});
