import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema: structure (units, plans, groups, indicators), users, tasks with their nodes,
 * the hash-chained event log (append-only, enforced by triggers too), the outbox and evidence files.
 */
export class Initial1795291460102 implements MigrationInterface {
  name = 'Initial1795291460102';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "units" ("id" text PRIMARY KEY NOT NULL, "name" text NOT NULL, "kind" text NOT NULL DEFAULT ('department'), "aliases" text NOT NULL DEFAULT ('[]'), "created_at" text NOT NULL)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_units_name" ON "units" ("name")`);
    await q.query(
      `CREATE TABLE "users" ("id" text PRIMARY KEY NOT NULL, "username" text NOT NULL, "display_name" text NOT NULL, "password_hash" text NOT NULL, "role" text NOT NULL, "unit_id" text, "disabled" boolean NOT NULL DEFAULT (0), "created_at" text NOT NULL, CONSTRAINT "FK_b94ecc6be926a5d23aa7791ec8a" FOREIGN KEY ("unit_id") REFERENCES "units" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_users_username" ON "users" ("username")`);
    await q.query(
      `CREATE TABLE "plans" ("id" text PRIMARY KEY NOT NULL, "year" integer NOT NULL, "name" text NOT NULL, "timezone" text NOT NULL DEFAULT ('Asia/Shanghai'), "status" text NOT NULL DEFAULT ('draft'), "warn_working_days" integer NOT NULL DEFAULT (3), "created_at" text NOT NULL)`,
    );
    await q.query(`CREATE INDEX "ix_plans_status" ON "plans" ("status")`);
    await q.query(
      `CREATE TABLE "plan_groups" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "name" text NOT NULL, "kind" text NOT NULL DEFAULT ('department'), CONSTRAINT "FK_e1babae9bfce1abd3856ab65a28" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_plan_groups_name" ON "plan_groups" ("plan_id", "name")`);
    await q.query(
      `CREATE TABLE "group_members" ("group_id" text NOT NULL, "unit_id" text NOT NULL, CONSTRAINT "FK_2c840df5db52dc6b4a1b0b69c6e" FOREIGN KEY ("group_id") REFERENCES "plan_groups" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_443ebe54d47835d6d26003f4cac" FOREIGN KEY ("unit_id") REFERENCES "units" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, PRIMARY KEY ("group_id", "unit_id"))`,
    );
    await q.query(`CREATE INDEX "ix_group_members_unit" ON "group_members" ("unit_id")`);
    await q.query(
      `CREATE TABLE "indicators" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "code" text NOT NULL, "category_path" text NOT NULL DEFAULT ('[]'), "name" text NOT NULL, "points" real NOT NULL, "method_code" text NOT NULL, "method_params" text NOT NULL DEFAULT ('{}'), "target_value" real, "target_unit" text, "direction" text NOT NULL DEFAULT ('higher'), "target_text" text, "assessing_unit_id" text, "created_at" text NOT NULL, CONSTRAINT "FK_c3bed82f2f20bbcf6a3032f068f" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_6d6416afc9001d4d693bf5d0c4e" FOREIGN KEY ("assessing_unit_id") REFERENCES "units" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_indicators_assessing_unit" ON "indicators" ("assessing_unit_id")`);
    await q.query(`CREATE UNIQUE INDEX "ux_indicators_plan_code" ON "indicators" ("plan_id", "code")`);
    await q.query(
      `CREATE TABLE "tasks" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "indicator_id" text NOT NULL, "unit_id" text NOT NULL, "is_lead" boolean NOT NULL DEFAULT (1), "state" text NOT NULL, "light" text, "current_node_seq" integer, "next_deadline_at" text, "red_count" integer NOT NULL DEFAULT (0), "version" integer NOT NULL, "machine_version" integer NOT NULL, "snapshot" text NOT NULL, "last_seq" integer NOT NULL, "last_hash" text NOT NULL, "created_at" text NOT NULL, "updated_at" text NOT NULL, CONSTRAINT "FK_31a280e3d0a129221e614c63125" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_73e30c6b4ec9cdf7104b182ffca" FOREIGN KEY ("indicator_id") REFERENCES "indicators" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_521389e2a739e9a44c8aedeb3d2" FOREIGN KEY ("unit_id") REFERENCES "units" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_tasks_next_deadline" ON "tasks" ("next_deadline_at") WHERE next_deadline_at IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_tasks_plan_state" ON "tasks" ("plan_id", "state")`);
    await q.query(`CREATE INDEX "ix_tasks_plan_unit" ON "tasks" ("plan_id", "unit_id")`);
    await q.query(`CREATE UNIQUE INDEX "ux_tasks_indicator_unit" ON "tasks" ("indicator_id", "unit_id")`);
    await q.query(
      `CREATE TABLE "nodes" ("task_id" text NOT NULL, "seq" integer NOT NULL, "due_date" text NOT NULL, "due_at" text NOT NULL, "warn_at" text NOT NULL, "stage_target" text, "stage_value" real, "required_evidence" text, "red_deduction" real, "status" text NOT NULL DEFAULT ('pending'), "red_lighted" boolean NOT NULL DEFAULT (0), "approved_at" text, "late_days" integer, CONSTRAINT "FK_cb010ad8013d8d91ebfbc0b081c" FOREIGN KEY ("task_id") REFERENCES "tasks" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, PRIMARY KEY ("task_id", "seq"))`,
    );
    await q.query(`CREATE INDEX "ix_nodes_due" ON "nodes" ("due_at")`);
    await q.query(
      `CREATE TABLE "task_events" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "task_id" text NOT NULL, "seq" integer NOT NULL, "type" text NOT NULL, "payload" text NOT NULL, "actor_user_id" text, "actor_role" text NOT NULL, "actor_unit_id" text, "occurred_at" text NOT NULL, "recorded_at" text NOT NULL, "state_before" text, "state_after" text NOT NULL, "machine_version" integer NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL, CONSTRAINT "FK_dda9e4deb97e6b0f7693c0f163d" FOREIGN KEY ("task_id") REFERENCES "tasks" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_task_events_occurred" ON "task_events" ("occurred_at")`);
    await q.query(`CREATE UNIQUE INDEX "ux_task_events_task_seq" ON "task_events" ("task_id", "seq")`);
    await q.query(
      `CREATE TABLE "outbox" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "task_id" text NOT NULL, "event_seq" integer NOT NULL, "type" text NOT NULL, "body" text NOT NULL, "unit_id" text, "created_at" text NOT NULL, "dispatched_at" text)`,
    );
    await q.query(`CREATE INDEX "ix_outbox_pending" ON "outbox" ("id") WHERE dispatched_at IS NULL`);
    await q.query(
      `CREATE TABLE "evidence_files" ("id" text PRIMARY KEY NOT NULL, "task_id" text NOT NULL, "sha256" text NOT NULL, "size" integer NOT NULL, "original_name" text NOT NULL, "mime_type" text NOT NULL, "uploaded_by" text NOT NULL, "created_at" text NOT NULL, CONSTRAINT "FK_a98530084b70476f06fab4742c9" FOREIGN KEY ("task_id") REFERENCES "tasks" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_evidence_sha" ON "evidence_files" ("sha256")`);
    await q.query(`CREATE INDEX "ix_evidence_task" ON "evidence_files" ("task_id")`);
    await q.query(`CREATE TRIGGER "task_events_no_update" BEFORE UPDATE ON "task_events" BEGIN SELECT RAISE(ABORT, 'task_events is append-only'); END`);
    await q.query(`CREATE TRIGGER "task_events_no_delete" BEFORE DELETE ON "task_events" BEGIN SELECT RAISE(ABORT, 'task_events is append-only'); END`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "task_events_no_delete"`);
    await q.query(`DROP TRIGGER "task_events_no_update"`);
    await q.query(`DROP TABLE "evidence_files"`);
    await q.query(`DROP TABLE "outbox"`);
    await q.query(`DROP TABLE "task_events"`);
    await q.query(`DROP TABLE "nodes"`);
    await q.query(`DROP TABLE "tasks"`);
    await q.query(`DROP TABLE "indicators"`);
    await q.query(`DROP TABLE "group_members"`);
    await q.query(`DROP TABLE "plan_groups"`);
    await q.query(`DROP TABLE "plans"`);
    await q.query(`DROP TABLE "users"`);
    await q.query(`DROP TABLE "units"`);
  }
}
