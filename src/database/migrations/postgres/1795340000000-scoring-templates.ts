import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnly, dropAppendOnly } from './append-only.js';

/** PostgreSQL twin of ../1795340000000-scoring-templates.ts: every template version, append-only. */
export class ScoringTemplates1795340000000 implements MigrationInterface {
  name = 'ScoringTemplates1795340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "scoring_template_versions" ("id" text NOT NULL, "version" integer NOT NULL, "name" text NOT NULL, "status" text NOT NULL, "source" text NOT NULL, "body" text NOT NULL, "copied_from" text, "note" text, "diff" text, "created_by" text, "created_role" text NOT NULL, "created_username" text, "created_at" text NOT NULL, PRIMARY KEY ("id", "version"))`,
    );
    await appendOnly(q, 'scoring_template_versions');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropAppendOnly(q, 'scoring_template_versions');
    await q.query(`DROP TABLE "scoring_template_versions"`);
  }
}
