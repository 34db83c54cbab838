import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Bulletin series and their issues (src/bulletins, issue 16). */
export class Bulletins1795341600000 implements MigrationInterface {
  name = 'Bulletins1795341600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "bulletin_series" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "name" text NOT NULL, "frequency" text NOT NULL, "measure" text NOT NULL, "top_n" integer NOT NULL, "bottom_n" integer NOT NULL, "rows_per_page" integer NOT NULL, "issuer" text NOT NULL, "created_by" text, "created_at" text NOT NULL, CONSTRAINT "FK_6969594ef893b5ee65e36f0af9e" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_bulletin_series_plan" ON "bulletin_series" ("plan_id") `);
    await q.query(
      `CREATE TABLE "bulletins" ("id" text PRIMARY KEY NOT NULL, "series_id" text NOT NULL, "plan_id" text NOT NULL, "period" text NOT NULL, "period_label" text NOT NULL, "cut_off_at" text NOT NULL, "status" text NOT NULL, "number" integer, "note" text, "content" text NOT NULL, "seal" text, "prev_seal" text, "created_by" text, "created_at" text NOT NULL, "published_by" text, "published_at" text, CONSTRAINT "FK_e386cd44ada70e949994fc24131" FOREIGN KEY ("series_id") REFERENCES "bulletin_series" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_47875dcc4c27dd38ddfaa019402" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_bulletins_number" ON "bulletins" ("plan_id", "number") WHERE number IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "ux_bulletins_period" ON "bulletins" ("series_id", "period") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "bulletins"`);
    await q.query(`DROP TABLE "bulletin_series"`);
  }
}
