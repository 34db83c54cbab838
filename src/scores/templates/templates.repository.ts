import { Injectable } from '@nestjs/common';
import { DatabaseService, isUniqueViolation } from '../../database/database.service.js';

export interface TemplateVersionRow {
  id: string;
  version: number;
  name: string;
  status: string;
  source: string;
  body: string;
  copied_from: string | null;
  note: string | null;
  diff: string | null;
  created_by: string | null;
  created_role: string;
  created_username: string | null;
  created_at: string;
}

/** A row of the newest version of each template (no body): for lists. */
export type TemplateHeadRow = Omit<TemplateVersionRow, 'body' | 'diff'>;

const HEAD_COLUMNS = 'v.id, v.version, v.name, v.status, v.source, v.copied_from, v.note, v.created_by, v.created_role, v.created_username, v.created_at';

/** Every statement on scoring_template_versions (append-only: inserts and reads only). */
@Injectable()
export class TemplatesRepository {
  constructor(private readonly db: DatabaseService) {}

  async latest(id: string): Promise<TemplateVersionRow | undefined> {
    return (await this.db.one('SELECT * FROM scoring_template_versions WHERE id = ? ORDER BY version DESC LIMIT 1', id)) as TemplateVersionRow | undefined;
  }

  async version(id: string, version: number): Promise<TemplateVersionRow | undefined> {
    return (await this.db.one('SELECT * FROM scoring_template_versions WHERE id = ? AND version = ?', id, version)) as TemplateVersionRow | undefined;
  }

  /** The newest version of every template, by id. */
  async heads(): Promise<TemplateHeadRow[]> {
    return (await this.db.all(
      `SELECT ${HEAD_COLUMNS} FROM scoring_template_versions v
         WHERE v.version = (SELECT max(w.version) FROM scoring_template_versions w WHERE w.id = v.id) ORDER BY v.id`,
    )) as TemplateHeadRow[];
  }

  /** Every version of one template, newest first. */
  async history(id: string): Promise<TemplateVersionRow[]> {
    return (await this.db.all('SELECT * FROM scoring_template_versions WHERE id = ? ORDER BY version DESC', id)) as TemplateVersionRow[];
  }

  /**
   * Appends a version; false when that (id, version) exists already (another writer was first: the second
   * insert hits the primary key). In a savepoint, so a caller's PostgreSQL transaction survives the refusal.
   */
  async insert(row: TemplateVersionRow): Promise<boolean> {
    try {
      await this.db.transaction(
        async (tx) =>
          await tx.run(
            `INSERT INTO scoring_template_versions (id, version, name, status, source, body, copied_from, note, diff, created_by, created_role, created_username, created_at)
           VALUES (@id, @version, @name, @status, @source, @body, @copied_from, @note, @diff, @created_by, @created_role, @created_username, @created_at)`,
            row,
          ),
      );
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }
}
