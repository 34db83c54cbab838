import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';

export interface WindowRow {
  plan_id: string;
  opens_on: string;
  closes_on: string;
  opens_at: string;
  closes_at: string;
  updated_by: string | null;
  updated_at: string;
}

export type AssessmentStatus = 'draft' | 'submitted' | 'signed';

export interface AssessmentRow {
  id: string;
  plan_id: string;
  unit_id: string;
  status: AssessmentStatus;
  version: number;
  signer_user_id: string | null;
  report_sha256: string | null;
  report_name: string | null;
  report_size: number | null;
  report_mime: string | null;
  submitted_by: string | null;
  submitted_at: string | null;
  signed_by: string | null;
  signed_at: string | null;
  returned_reason: string | null;
  last_seq: number;
  last_hash: string;
  created_at: string;
  updated_at: string;
}

export interface ItemRow {
  indicator_id: string;
  self_score: number | null;
  note: string | null;
}

/** An indicator the unit carries in the plan (it has a task for it): what its self-assessment covers. */
export interface UnitIndicatorRow {
  indicator_id: string;
  code: string;
  name: string;
  points: number;
  category_path: string;
}

export interface EventRow {
  assessment_id: string;
  seq: number;
  type: string;
  payload: string;
  actor_user_id: string | null;
  actor_role: string;
  at: string;
  prev_hash: string;
  hash: string;
}

export interface UnitLine {
  unit_id: string;
  unit_name: string;
  indicators: number;
}

/** The only SQL on the self_assessment_* tables (it reads tasks, indicators, units and users to know who carries what). */
@Injectable()
export class SelfAssessmentRepository {
  constructor(private readonly db: DatabaseService) {}

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    return await this.db.transaction(fn);
  }

  async window(planId: string): Promise<WindowRow | undefined> {
    return await this.db.one<WindowRow>('SELECT * FROM self_assessment_windows WHERE plan_id = ?', planId);
  }

  async upsertWindow(w: WindowRow): Promise<void> {
    await this.db.run(
      `INSERT INTO self_assessment_windows (plan_id, opens_on, closes_on, opens_at, closes_at, updated_by, updated_at)
       VALUES (@plan_id, @opens_on, @closes_on, @opens_at, @closes_at, @updated_by, @updated_at)
       ON CONFLICT (plan_id) DO UPDATE SET opens_on = excluded.opens_on, closes_on = excluded.closes_on, opens_at = excluded.opens_at,
         closes_at = excluded.closes_at, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      w,
    );
  }

  async assessment(planId: string, unitId: string): Promise<AssessmentRow | undefined> {
    return await this.db.one<AssessmentRow>('SELECT * FROM self_assessments WHERE plan_id = ? AND unit_id = ?', planId, unitId);
  }

  async assessmentsOfPlan(planId: string): Promise<AssessmentRow[]> {
    return await this.db.all<AssessmentRow>('SELECT * FROM self_assessments WHERE plan_id = ?', planId);
  }

  async insertAssessment(r: AssessmentRow): Promise<void> {
    await this.db.run(
      `INSERT INTO self_assessments (id, plan_id, unit_id, status, version, signer_user_id, report_sha256, report_name, report_size, report_mime,
         submitted_by, submitted_at, signed_by, signed_at, returned_reason, last_seq, last_hash, created_at, updated_at)
       VALUES (@id, @plan_id, @unit_id, @status, @version, @signer_user_id, @report_sha256, @report_name, @report_size, @report_mime,
         @submitted_by, @submitted_at, @signed_by, @signed_at, @returned_reason, @last_seq, @last_hash, @created_at, @updated_at)`,
      r,
    );
  }

  /** Write the new state when the row is still at `expectedVersion`; false when someone else changed it first. */
  async updateAssessment(r: AssessmentRow, expectedVersion: number): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE self_assessments SET status = @status, version = @version, signer_user_id = @signer_user_id, report_sha256 = @report_sha256,
         report_name = @report_name, report_size = @report_size, report_mime = @report_mime, submitted_by = @submitted_by,
         submitted_at = @submitted_at, signed_by = @signed_by, signed_at = @signed_at, returned_reason = @returned_reason,
         last_seq = @last_seq, last_hash = @last_hash, updated_at = @updated_at
       WHERE id = @id AND version = @expected`,
      { ...r, expected: expectedVersion },
    );
    return changes === 1;
  }

  async items(assessmentId: string): Promise<ItemRow[]> {
    return await this.db.all<ItemRow>('SELECT indicator_id, self_score, note FROM self_assessment_items WHERE assessment_id = ?', assessmentId);
  }

  async itemsOfPlan(planId: string): Promise<(ItemRow & { unit_id: string })[]> {
    return await this.db.all(
      `SELECT a.unit_id, i.indicator_id, i.self_score, i.note FROM self_assessment_items i JOIN self_assessments a ON a.id = i.assessment_id
       WHERE a.plan_id = ?`,
      planId,
    );
  }

  async replaceItems(assessmentId: string, items: ItemRow[]): Promise<void> {
    await this.db.run('DELETE FROM self_assessment_items WHERE assessment_id = ?', assessmentId);
    for (const it of items) {
      await this.db.run(
        'INSERT INTO self_assessment_items (assessment_id, indicator_id, self_score, note) VALUES (?, ?, ?, ?)',
        assessmentId,
        it.indicator_id,
        it.self_score,
        it.note,
      );
    }
  }

  async appendEvent(e: EventRow): Promise<void> {
    await this.db.run(
      `INSERT INTO self_assessment_events (assessment_id, seq, type, payload, actor_user_id, actor_role, at, prev_hash, hash)
       VALUES (@assessment_id, @seq, @type, @payload, @actor_user_id, @actor_role, @at, @prev_hash, @hash)`,
      e,
    );
  }

  async events(assessmentId: string): Promise<EventRow[]> {
    return await this.db.all<EventRow>(
      'SELECT assessment_id, seq, type, payload, actor_user_id, actor_role, at, prev_hash, hash FROM self_assessment_events WHERE assessment_id = ? ORDER BY seq',
      assessmentId,
    );
  }

  /** The indicators the unit has a task for in the plan (a cancelled task still counts: it was assigned). */
  async unitIndicators(planId: string, unitId: string): Promise<UnitIndicatorRow[]> {
    return await this.db.all<UnitIndicatorRow>(
      `SELECT DISTINCT i.id AS indicator_id, i.code, i.name, i.points, i.category_path FROM tasks t JOIN indicators i ON i.id = t.indicator_id
       WHERE t.plan_id = ? AND t.unit_id = ? ORDER BY code, indicator_id`,
      planId,
      unitId,
    );
  }

  /** Every unit with a task in the plan, with how many indicators it carries. */
  async unitsOfPlan(planId: string): Promise<UnitLine[]> {
    return await this.db.all<UnitLine>(
      `SELECT t.unit_id, u.name AS unit_name, count(DISTINCT t.indicator_id) AS indicators FROM tasks t JOIN units u ON u.id = t.unit_id
       WHERE t.plan_id = ? GROUP BY t.unit_id, u.name ORDER BY u.name`,
      planId,
    );
  }

  async user(id: string): Promise<{ id: string; display_name: string; role: string; unit_id: string | null; disabled: number | boolean } | undefined> {
    return await this.db.one('SELECT id, display_name, role, unit_id, disabled FROM users WHERE id = ?', id);
  }

  /** The unit's department users that are not disabled (booleans are compared in code: 0/1 on SQLite, true/false elsewhere). */
  async usersOfUnit(unitId: string): Promise<{ id: string; display_name: string }[]> {
    const rows = await this.db.all<{ id: string; display_name: string; disabled: number | boolean }>(
      `SELECT id, display_name, disabled FROM users WHERE unit_id = ? AND role = 'department' ORDER BY display_name, id`,
      unitId,
    );
    return rows.filter((r) => !r.disabled).map(({ id, display_name }) => ({ id, display_name }));
  }
}
