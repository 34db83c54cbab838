import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assessment templates as data (issue 13): every version of a template, append-only like task_events
 * (a change, a retirement is a new version; nothing is edited or deleted).
 */
export class ScoringTemplates1795340000000 implements MigrationInterface {
  name = 'ScoringTemplates1795340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "scoring_template_versions" ("id" text NOT NULL, "version" integer NOT NULL, "name" text NOT NULL, "status" text NOT NULL, "source" text NOT NULL, "body" text NOT NULL, "copied_from" text, "note" text, "diff" text, "created_by" text, "created_role" text NOT NULL, "created_username" text, "created_at" text NOT NULL, PRIMARY KEY ("id", "version"))`,
    );
    await q.query(
      `CREATE TRIGGER "scoring_template_versions_no_update" BEFORE UPDATE ON "scoring_template_versions" BEGIN SELECT RAISE(ABORT, 'scoring_template_versions is append-only'); END`,
    );
    await q.query(
      `CREATE TRIGGER "scoring_template_versions_no_delete" BEFORE DELETE ON "scoring_template_versions" BEGIN SELECT RAISE(ABORT, 'scoring_template_versions is append-only'); END`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "scoring_template_versions_no_delete"`);
    await q.query(`DROP TRIGGER "scoring_template_versions_no_update"`);
    await q.query(`DROP TABLE "scoring_template_versions"`);
  }
}
