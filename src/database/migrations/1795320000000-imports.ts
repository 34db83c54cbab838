import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['import_runs', 'import_changes'];

/**
 * Imports (issue 5): one row per committed import that changed something, and one row per change it
 * made — units and indicators (structure, not task events) and the tasks it created or revised (those
 * are also task events). Append-only, like task_events.
 */
export class Imports1795320000000 implements MigrationInterface {
  name = 'Imports1795320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "import_runs" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "file_name" text NOT NULL, "file_sha256" text NOT NULL, "shape" text NOT NULL, "options" text NOT NULL, "actor_user_id" text, "actor_role" text NOT NULL, "summary" text NOT NULL, "created_at" text NOT NULL, CONSTRAINT "FK_a3062e7eb88a57991ffffae31c0" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_import_runs_plan" ON "import_runs" ("plan_id", "created_at")`);
    await q.query(
      `CREATE TABLE "import_changes" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" text NOT NULL, "kind" text NOT NULL, "subject_id" text NOT NULL, "item_key" text NOT NULL, "before" text, "after" text, "task_seq" integer, CONSTRAINT "FK_d046d97627bf4961c384cd6c61e" FOREIGN KEY ("run_id") REFERENCES "import_runs" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_import_changes_subject" ON "import_changes" ("subject_id")`);
    await q.query(`CREATE INDEX "ix_import_changes_run" ON "import_changes" ("run_id")`);
    for (const t of TABLES) {
      await q.query(`CREATE TRIGGER "${t}_no_update" BEFORE UPDATE ON "${t}" BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END`);
      await q.query(`CREATE TRIGGER "${t}_no_delete" BEFORE DELETE ON "${t}" BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [...TABLES].reverse()) {
      await q.query(`DROP TRIGGER "${t}_no_delete"`);
      await q.query(`DROP TRIGGER "${t}_no_update"`);
      await q.query(`DROP TABLE "${t}"`);
    }
  }
}
