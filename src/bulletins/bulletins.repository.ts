import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';

export interface SeriesRow {
  id: string;
  plan_id: string;
  name: string;
  frequency: string;
  measure: string;
  top_n: number;
  bottom_n: number;
  rows_per_page: number;
  issuer: string;
  created_by: string | null;
  created_at: string;
}

export interface BulletinRow {
  id: string;
  series_id: string;
  plan_id: string;
  period: string;
  period_label: string;
  cut_off_at: string;
  status: 'draft' | 'published';
  number: number | null;
  note: string | null;
  content: string;
  seal: string | null;
  prev_seal: string | null;
  created_by: string | null;
  created_at: string;
  published_by: string | null;
  published_at: string | null;
}

/** The only place with SQL on bulletin_series and bulletins. */
@Injectable()
export class BulletinsRepository {
  constructor(private readonly db: DatabaseService) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  insertSeries(r: SeriesRow): void {
    this.db
      .stmt(
        `INSERT INTO bulletin_series (id, plan_id, name, frequency, measure, top_n, bottom_n, rows_per_page, issuer, created_by, created_at)
         VALUES (@id, @plan_id, @name, @frequency, @measure, @top_n, @bottom_n, @rows_per_page, @issuer, @created_by, @created_at)`,
      )
      .run(r);
  }

  series(id: string): SeriesRow | undefined {
    return this.db.stmt('SELECT * FROM bulletin_series WHERE id = ?').get(id) as SeriesRow | undefined;
  }

  seriesOfPlan(planId: string): SeriesRow[] {
    return this.db.stmt('SELECT * FROM bulletin_series WHERE plan_id = ? ORDER BY created_at, id').all(planId) as SeriesRow[];
  }

  insertBulletin(r: BulletinRow): void {
    this.db
      .stmt(
        `INSERT INTO bulletins (id, series_id, plan_id, period, period_label, cut_off_at, status, number, note, content, seal, prev_seal, created_by, created_at, published_by, published_at)
         VALUES (@id, @series_id, @plan_id, @period, @period_label, @cut_off_at, @status, @number, @note, @content, @seal, @prev_seal, @created_by, @created_at, @published_by, @published_at)`,
      )
      .run(r);
  }

  bulletin(id: string): BulletinRow | undefined {
    return this.db.stmt('SELECT * FROM bulletins WHERE id = ?').get(id) as BulletinRow | undefined;
  }

  bulletinOfPeriod(seriesId: string, period: string): BulletinRow | undefined {
    return this.db.stmt('SELECT * FROM bulletins WHERE series_id = ? AND period = ?').get(seriesId, period) as BulletinRow | undefined;
  }

  bulletinsOfSeries(seriesId: string, publishedOnly: boolean): BulletinRow[] {
    return this.db
      .stmt(`SELECT * FROM bulletins WHERE series_id = ? ${publishedOnly ? "AND status = 'published'" : ''} ORDER BY cut_off_at DESC, id`)
      .all(seriesId) as BulletinRow[];
  }

  /** The latest published issue of the series before a cut-off: what "change since the previous issue" compares with. */
  previousPublished(seriesId: string, cutOffAt: string): BulletinRow | undefined {
    return this.db
      .stmt(`SELECT * FROM bulletins WHERE series_id = ? AND status = 'published' AND cut_off_at < ? ORDER BY cut_off_at DESC LIMIT 1`)
      .get(seriesId, cutOffAt) as BulletinRow | undefined;
  }

  /** The plan's last number and seal (the chain's head). */
  planHead(planId: string): { number: number; seal: string } | undefined {
    return this.db
      .stmt(`SELECT number, seal FROM bulletins WHERE plan_id = ? AND status = 'published' ORDER BY number DESC LIMIT 1`)
      .get(planId) as { number: number; seal: string } | undefined;
  }

  publishedOfPlan(planId: string): BulletinRow[] {
    return this.db.stmt(`SELECT * FROM bulletins WHERE plan_id = ? AND status = 'published' ORDER BY number`).all(planId) as BulletinRow[];
  }

  updateNote(id: string, note: string | null): number {
    return this.db.stmt(`UPDATE bulletins SET note = ? WHERE id = ? AND status = 'draft'`).run(note, id).changes;
  }

  updateDraftContent(id: string, content: string): number {
    return this.db.stmt(`UPDATE bulletins SET content = ? WHERE id = ? AND status = 'draft'`).run(content, id).changes;
  }

  /** Draft → published, guarded by the status it read: 0 rows when someone published it first. */
  publish(id: string, p: { number: number; content: string; seal: string; prev_seal: string | null; published_by: string | null; published_at: string }): number {
    return this.db
      .stmt(
        `UPDATE bulletins SET status = 'published', number = @number, content = @content, seal = @seal, prev_seal = @prev_seal,
           published_by = @published_by, published_at = @published_at
         WHERE id = @id AND status = 'draft'`,
      )
      .run({ id, ...p }).changes;
  }
}
