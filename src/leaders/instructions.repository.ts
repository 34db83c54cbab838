import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';

export interface InstructionRow {
  id: string;
  plan_id: string;
  seq: number;
  unit_id: string;
  task_id: string | null;
  kind: string;
  text: string;
  by_user_id: string;
  by_name: string;
  at: string;
  prev_hash: string;
  hash: string;
}

/** The only SQL on leader_instructions (it also reads tasks, units and plan membership to check a target). */
@Injectable()
export class InstructionsRepository {
  constructor(private readonly db: DatabaseService) {}

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    return await this.db.transaction(fn);
  }

  async head(planId: string): Promise<{ seq: number; hash: string } | undefined> {
    return await this.db.one('SELECT seq, hash FROM leader_instructions WHERE plan_id = ? ORDER BY seq DESC LIMIT 1', planId);
  }

  async insert(r: InstructionRow): Promise<void> {
    await this.db.run(
      `INSERT INTO leader_instructions (id, plan_id, seq, unit_id, task_id, kind, text, by_user_id, by_name, at, prev_hash, hash)
       VALUES (@id, @plan_id, @seq, @unit_id, @task_id, @kind, @text, @by_user_id, @by_name, @at, @prev_hash, @hash)`,
      r,
    );
  }

  async list(planId: string, unitId: string | undefined): Promise<InstructionRow[]> {
    return unitId
      ? await this.db.all<InstructionRow>('SELECT * FROM leader_instructions WHERE plan_id = ? AND unit_id = ? ORDER BY seq DESC', planId, unitId)
      : await this.db.all<InstructionRow>('SELECT * FROM leader_instructions WHERE plan_id = ? ORDER BY seq DESC', planId);
  }

  async all(planId: string): Promise<InstructionRow[]> {
    return await this.db.all<InstructionRow>('SELECT * FROM leader_instructions WHERE plan_id = ? ORDER BY seq', planId);
  }

  async unitInPlan(planId: string, unitId: string): Promise<boolean> {
    const hasTask = await this.db.one('SELECT 1 FROM tasks WHERE plan_id = ? AND unit_id = ? LIMIT 1', planId, unitId);
    if (hasTask) return true;
    return (
      (await this.db.one(
        'SELECT 1 FROM group_members m JOIN plan_groups g ON g.id = m.group_id WHERE g.plan_id = ? AND m.unit_id = ? LIMIT 1',
        planId,
        unitId,
      )) !== undefined
    );
  }

  async taskOf(taskId: string): Promise<{ plan_id: string; unit_id: string } | undefined> {
    return await this.db.one('SELECT plan_id, unit_id FROM tasks WHERE id = ?', taskId);
  }

  async displayName(userId: string): Promise<string | undefined> {
    return await this.db.value<string>('SELECT display_name FROM users WHERE id = ?', userId);
  }
}
