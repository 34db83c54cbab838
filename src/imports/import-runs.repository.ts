/**
 * SQL of the import runs' lists (GET /imports, GET /imports/{runId}/changes) and of the plan groups an
 * import maps its sections to. The writes run inside the import's own transaction (the caller's).
 */
import { Injectable } from '@nestjs/common';
import type { Page } from '../common/pagination.js';
import { DatabaseService } from '../database/database.service.js';

export interface ImportRunView {
  id: string;
  planId: string;
  fileName: string;
  fileSha256: string;
  shape: string;
  options: Record<string, unknown>;
  /** Who ran it: the user's id and display name (null for the CLI), and the role. */
  actor: { userId: string | null; name: string | null; role: string };
  summary: Record<string, unknown>;
  /** import_changes of the run by kind (unit.created, indicator.created, task.created, group.member …). */
  changes: Record<string, number>;
  createdAt: string;
}

export interface ImportRunChangeView {
  id: number;
  kind: string;
  /** The import's key: indicator key, `indicatorKey@unit`, the unit or group name. */
  key: string;
  subjectId: string;
  /** A readable name of the subject: indicator name, task's indicator and unit, unit, group. */
  label: string | null;
  before: unknown;
  after: unknown;
  taskSeq: number | null;
}

export interface PlanGroupRow {
  id: string;
  name: string;
  kind: string;
}

const json = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

@Injectable()
export class ImportRunsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** A plan's runs, newest first, a page at a time. */
  async listRuns(planId: string, page: { offset: number; page: number; pageSize: number }): Promise<Page<ImportRunView>> {
    const total = Number((await this.db.one<{ n: number }>('SELECT count(*) AS n FROM import_runs WHERE plan_id = ?', planId))?.n ?? 0);
    const rows = await this.db.all<Record<string, string | null>>(
      `SELECT r.id, r.plan_id, r.file_name, r.file_sha256, r.shape, r.options, r.actor_user_id, r.actor_role, r.summary, r.created_at,
              u.display_name AS actor_name
         FROM import_runs r LEFT JOIN users u ON u.id = r.actor_user_id
        WHERE r.plan_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?`,
      planId,
      page.pageSize,
      page.offset,
    );
    const counts = rows.length
      ? await this.db.all<{ run_id: string; kind: string; n: number }>(
          `SELECT run_id, kind, count(*) AS n FROM import_changes WHERE run_id IN (${rows.map(() => '?').join(', ')}) GROUP BY run_id, kind ORDER BY run_id, kind`,
          ...rows.map((r) => r['id']),
        )
      : [];
    const items = rows.map((r) => ({
      id: r['id']!,
      planId: r['plan_id']!,
      fileName: r['file_name']!,
      fileSha256: r['file_sha256']!,
      shape: r['shape']!,
      options: JSON.parse(r['options'] ?? '{}') as Record<string, unknown>,
      actor: { userId: r['actor_user_id'] ?? null, name: r['actor_name'] ?? null, role: r['actor_role']! },
      summary: JSON.parse(r['summary'] ?? '{}') as Record<string, unknown>,
      changes: Object.fromEntries(counts.filter((c) => c.run_id === r['id']).map((c) => [c.kind, Number(c.n)])),
      createdAt: r['created_at']!,
    }));
    return { items, total, page: page.page, pageSize: page.pageSize };
  }

  async runPlan(runId: string): Promise<string | null> {
    return (await this.db.one<{ plan_id: string }>('SELECT plan_id FROM import_runs WHERE id = ?', runId))?.plan_id ?? null;
  }

  /** One run's changes in the order they were written, a page at a time, optionally of one kind. */
  async listChanges(runId: string, kind: string | undefined, page: { offset: number; page: number; pageSize: number }): Promise<Page<ImportRunChangeView>> {
    const where = kind ? 'c.run_id = ? AND c.kind = ?' : 'c.run_id = ?';
    const args = kind ? [runId, kind] : [runId];
    const total = Number((await this.db.one<{ n: number }>(`SELECT count(*) AS n FROM import_changes c WHERE ${where}`, ...args))?.n ?? 0);
    const rows = await this.db.all<{
      id: number;
      kind: string;
      item_key: string;
      subject_id: string;
      before: string | null;
      after: string | null;
      task_seq: number | null;
      indicator_name: string | null;
      task_indicator: string | null;
      task_unit: string | null;
      unit_name: string | null;
      group_name: string | null;
    }>(
      `SELECT c.id, c.kind, c.item_key, c.subject_id, c.before, c.after, c.task_seq,
              i.name AS indicator_name, ti.name AS task_indicator, tu.name AS task_unit, u.name AS unit_name, g.name AS group_name
         FROM import_changes c
         LEFT JOIN indicators i ON i.id = c.subject_id AND c.kind LIKE 'indicator.%'
         LEFT JOIN tasks t ON t.id = c.subject_id AND c.kind LIKE 'task.%'
         LEFT JOIN indicators ti ON ti.id = t.indicator_id
         LEFT JOIN units tu ON tu.id = t.unit_id
         LEFT JOIN units u ON u.id = c.subject_id AND c.kind = 'unit.created'
         LEFT JOIN plan_groups g ON g.id = c.subject_id AND c.kind LIKE 'group.%'
        WHERE ${where} ORDER BY c.id LIMIT ? OFFSET ?`,
      ...args,
      page.pageSize,
      page.offset,
    );
    const items = rows.map((r) => ({
      id: Number(r.id),
      kind: r.kind,
      key: r.item_key,
      subjectId: r.subject_id,
      label: r.indicator_name ?? (r.task_indicator ? `${r.task_indicator}（${r.task_unit ?? ''}）` : null) ?? r.unit_name ?? r.group_name ?? null,
      before: json(r.before),
      after: json(r.after),
      taskSeq: r.task_seq === null ? null : Number(r.task_seq),
    }));
    return { items, total, page: page.page, pageSize: page.pageSize };
  }

  async planGroups(planId: string): Promise<PlanGroupRow[]> {
    return await this.db.all<PlanGroupRow>('SELECT id, name, kind FROM plan_groups WHERE plan_id = ? ORDER BY name', planId);
  }

  /** unit id → the plan's group it is a member of (a unit belongs to one group of a plan). */
  async memberships(planId: string): Promise<Map<string, { groupId: string; groupName: string }>> {
    const rows = await this.db.all<{ unit_id: string; group_id: string; name: string }>(
      'SELECT m.unit_id, m.group_id, g.name FROM group_members m JOIN plan_groups g ON g.id = m.group_id WHERE g.plan_id = ? ORDER BY g.name, m.unit_id',
      planId,
    );
    const out = new Map<string, { groupId: string; groupName: string }>();
    for (const r of rows) if (!out.has(r.unit_id)) out.set(r.unit_id, { groupId: r.group_id, groupName: r.name });
    return out;
  }

  async insertGroup(g: { id: string; planId: string; name: string; kind: string }): Promise<void> {
    await this.db.run('INSERT INTO plan_groups (id, plan_id, name, kind) VALUES (?, ?, ?, ?)', g.id, g.planId, g.name, g.kind);
  }

  async insertMember(groupId: string, unitId: string): Promise<void> {
    await this.db.run('INSERT INTO group_members (group_id, unit_id) VALUES (?, ?)', groupId, unitId);
  }
}
