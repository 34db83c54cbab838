import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Long operations run as jobs (src/jobs, issue 11 item 5): a plan's close, a deadline sweep, an import
 * commit, a plan-wide verify. One row each: who started it, its progress and its outcome.
 */
export class Jobs1795430000000 implements MigrationInterface {
  name = 'Jobs1795430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "jobs" ("id" text PRIMARY KEY NOT NULL, "kind" text NOT NULL, "plan_id" text, "status" text NOT NULL, "phase" text, "done" integer NOT NULL DEFAULT (0), "total" integer NOT NULL DEFAULT (0), "params" text NOT NULL, "result" text, "error_code" text, "error_message" text, "error_detail" text, "started_by_user_id" text, "started_by_role" text NOT NULL, "started_by_username" text, "owner" text NOT NULL, "created_at" text NOT NULL, "started_at" text, "finished_at" text, "heartbeat_at" text)`,
    );
    await q.query(`CREATE INDEX "ix_jobs_kind_status" ON "jobs" ("kind", "status", "created_at") `);
    await q.query(`CREATE INDEX "ix_jobs_plan_status" ON "jobs" ("plan_id", "status") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "jobs"`);
  }
}
