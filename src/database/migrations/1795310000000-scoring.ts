import type { MigrationInterface, QueryRunner } from 'typeorm';

const APPEND_ONLY = ['score_runs', 'unit_scores'];

/**
 * Scoring (issue 4): which plan template a plan follows, comprehensive-evaluation ballots, a unit's
 * bonus/deduction/negative-list/veto events, and the frozen results — one `score_runs` row per freeze
 * (plan close) or explicit re-score, with each unit's total and breakdown in `unit_scores`. Frozen
 * results are append-only, like task_events: a correction is a new run, never an edit.
 */
export class Scoring1795310000000 implements MigrationInterface {
  name = 'Scoring1795310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "plan_scoring" ("plan_id" text PRIMARY KEY NOT NULL, "template_id" text NOT NULL, "group_templates" text NOT NULL DEFAULT ('{}'), "indicator_rules" text NOT NULL DEFAULT ('{}'), "updated_by" text, "updated_at" text NOT NULL, CONSTRAINT "FK_86f025aee9c26081900ae878d17" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(
      `CREATE TABLE "score_ballots" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "group_id" text NOT NULL, "evaluator" text NOT NULL, "evaluator_id" text NOT NULL, "evaluator_unit_id" text, "entries" text NOT NULL, "submitted_by" text, "submitted_role" text NOT NULL, "submitted_at" text NOT NULL, "superseded_at" text, "superseded_by" text, CONSTRAINT "FK_c2e9c9a22f0aac9181bad7ea499" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_88c084e48dd261dfb9197124f0b" FOREIGN KEY ("group_id") REFERENCES "plan_groups" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "ux_score_ballots_active" ON "score_ballots" ("plan_id", "group_id", "evaluator", "evaluator_id") WHERE superseded_at IS NULL`,
    );
    await q.query(`CREATE INDEX "ix_score_ballots_plan" ON "score_ballots" ("plan_id")`);
    await q.query(
      `CREATE TABLE "unit_score_events" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "unit_id" text NOT NULL, "type" text NOT NULL, "item" text NOT NULL, "points" real, "note" text, "recorded_by" text, "recorded_role" text NOT NULL, "recorded_at" text NOT NULL, "voided_at" text, "voided_by" text, "void_reason" text, CONSTRAINT "FK_2210ae23fb738d70ea487341213" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_06e25ca4091eaae08f7ee363dbb" FOREIGN KEY ("unit_id") REFERENCES "units" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_unit_score_events_plan" ON "unit_score_events" ("plan_id", "unit_id")`);
    await q.query(
      `CREATE TABLE "score_runs" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "plan_id" text NOT NULL, "kind" text NOT NULL, "reason" text, "actor_user_id" text, "actor_role" text NOT NULL, "actor_username" text, "at" text NOT NULL, "template_id" text NOT NULL, "template_version" integer NOT NULL, "provisional" boolean NOT NULL, "groups" text NOT NULL, "issues" text NOT NULL, "changes" text, CONSTRAINT "FK_dd49b51e76a848f0fd1587ed750" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_score_runs_plan" ON "score_runs" ("plan_id")`);
    await q.query(
      `CREATE TABLE "unit_scores" ("run_id" integer NOT NULL, "unit_id" text NOT NULL, "group_id" text NOT NULL, "composite" real NOT NULL, "bonus" real NOT NULL, "deduction" real NOT NULL, "negative_list" real NOT NULL, "final" real NOT NULL, "rank" integer NOT NULL, "grade" text NOT NULL, "result" text NOT NULL, "provisional" boolean NOT NULL, "breakdown" text NOT NULL, CONSTRAINT "FK_25d4fc53ee492705d88086daf2e" FOREIGN KEY ("run_id") REFERENCES "score_runs" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, PRIMARY KEY ("run_id", "unit_id"))`,
    );
    for (const t of APPEND_ONLY) {
      await q.query(`CREATE TRIGGER "${t}_no_update" BEFORE UPDATE ON "${t}" BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END`);
      await q.query(`CREATE TRIGGER "${t}_no_delete" BEFORE DELETE ON "${t}" BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [...APPEND_ONLY].reverse()) {
      await q.query(`DROP TRIGGER "${t}_no_delete"`);
      await q.query(`DROP TRIGGER "${t}_no_update"`);
    }
    await q.query(`DROP TABLE "unit_scores"`);
    await q.query(`DROP INDEX "ix_score_runs_plan"`);
    await q.query(`DROP TABLE "score_runs"`);
    await q.query(`DROP INDEX "ix_unit_score_events_plan"`);
    await q.query(`DROP TABLE "unit_score_events"`);
    await q.query(`DROP INDEX "ix_score_ballots_plan"`);
    await q.query(`DROP INDEX "ux_score_ballots_active"`);
    await q.query(`DROP TABLE "score_ballots"`);
    await q.query(`DROP TABLE "plan_scoring"`);
  }
}
