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

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    return await this.db.transaction(fn);
  }

  async insertSeries(r: SeriesRow): Promise<void> {
    await this.db.run(
      `INSERT INTO bulletin_series (id, plan_id, name, frequency, measure, top_n, bottom_n, rows_per_page, issuer, created_by, created_at)
         VALUES (@id, @plan_id, @name, @frequency, @measure, @top_n, @bottom_n, @rows_per_page, @issuer, @created_by, @created_at)`,
      r,
    );
  }

  async series(id: string): Promise<SeriesRow | undefined> {
    return (await this.db.one('SELECT * FROM bulletin_series WHERE id = ?', id)) as SeriesRow | undefined;
  }

  async seriesOfPlan(planId: string): Promise<SeriesRow[]> {
    return (await this.db.all('SELECT * FROM bulletin_series WHERE plan_id = ? ORDER BY created_at, id', planId)) as SeriesRow[];
  }

  async insertBulletin(r: BulletinRow): Promise<void> {
    await this.db.run(
      `INSERT INTO bulletins (id, series_id, plan_id, period, period_label, cut_off_at, status, number, note, content, seal, prev_seal, created_by, created_at, published_by, published_at)
         VALUES (@id, @series_id, @plan_id, @period, @period_label, @cut_off_at, @status, @number, @note, @content, @seal, @prev_seal, @created_by, @created_at, @published_by, @published_at)`,
      r,
    );
  }

  async bulletin(id: string): Promise<BulletinRow | undefined> {
    return (await this.db.one('SELECT * FROM bulletins WHERE id = ?', id)) as BulletinRow | undefined;
  }

  async bulletinOfPeriod(seriesId: string, period: string): Promise<BulletinRow | undefined> {
    return (await this.db.one('SELECT * FROM bulletins WHERE series_id = ? AND period = ?', seriesId, period)) as BulletinRow | undefined;
  }

  async bulletinsOfSeries(seriesId: string, publishedOnly: boolean): Promise<BulletinRow[]> {
    return (await this.db.all(
      `SELECT * FROM bulletins WHERE series_id = ? ${publishedOnly ? "AND status = 'published'" : ''} ORDER BY cut_off_at DESC, id`,
      seriesId,
    )) as BulletinRow[];
  }

  /** The latest published issue of the series before a cut-off: what "change since the previous issue" compares with. */
  async previousPublished(seriesId: string, cutOffAt: string): Promise<BulletinRow | undefined> {
    return (await this.db.one(
      `SELECT * FROM bulletins WHERE series_id = ? AND status = 'published' AND cut_off_at < ? ORDER BY cut_off_at DESC LIMIT 1`,
      seriesId,
      cutOffAt,
    )) as BulletinRow | undefined;
  }

  /** The plan's last number and seal (the chain's head). */
  async planHead(planId: string): Promise<{ number: number; seal: string } | undefined> {
    return (await this.db.one(`SELECT number, seal FROM bulletins WHERE plan_id = ? AND status = 'published' ORDER BY number DESC LIMIT 1`, planId)) as
      { number: number; seal: string } | undefined;
  }

  async publishedOfPlan(planId: string): Promise<BulletinRow[]> {
    return (await this.db.all(`SELECT * FROM bulletins WHERE plan_id = ? AND status = 'published' ORDER BY number`, planId)) as BulletinRow[];
  }

  async updateNote(id: string, note: string | null): Promise<number> {
    return (await this.db.run(`UPDATE bulletins SET note = ? WHERE id = ? AND status = 'draft'`, note, id)).changes;
  }

  async updateDraftContent(id: string, content: string): Promise<number> {
    return (await this.db.run(`UPDATE bulletins SET content = ? WHERE id = ? AND status = 'draft'`, content, id)).changes;
  }

  /** Draft → published, guarded by the status it read: 0 rows when someone published it first. */
  async publish(
    id: string,
    p: { number: number; content: string; seal: string; prev_seal: string | null; published_by: string | null; published_at: string },
  ): Promise<number> {
    return (
      await this.db.run(
        `UPDATE bulletins SET status = 'published', number = @number, content = @content, seal = @seal, prev_seal = @prev_seal,
           published_by = @published_by, published_at = @published_at
         WHERE id = @id AND status = 'draft'`,
        { id, ...p },
      )
    ).changes;
  }
}
