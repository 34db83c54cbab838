import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Urging notices and escalation rules (src/urging, issue 16). */
export class Urging1795342800000 implements MigrationInterface {
  name = 'Urging1795342800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "urging_rules" ("plan_id" text PRIMARY KEY NOT NULL, "rules" text NOT NULL, "updated_by" text, "updated_at" text NOT NULL, CONSTRAINT "FK_9e8774e1fd07b90788a14656161" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(
      `CREATE TABLE "urging_notices" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "task_id" text NOT NULL, "node_seq" integer NOT NULL, "unit_id" text NOT NULL, "level" text NOT NULL, "key" text NOT NULL, "source" text NOT NULL, "number" integer NOT NULL, "text" text NOT NULL, "reply_by" text, "due_at" text NOT NULL, "days_overdue" integer NOT NULL, "issued_by" text, "issued_at" text NOT NULL, "reply_text" text, "replied_by" text, "replied_at" text, CONSTRAINT "FK_99074a5b879b6c9c1e0687edc1c" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_urging_notices_unit" ON "urging_notices" ("plan_id", "unit_id") `);
    await q.query(`CREATE UNIQUE INDEX "ux_urging_notices_key" ON "urging_notices" ("task_id", "node_seq", "key") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "urging_notices"`);
    await q.query(`DROP TABLE "urging_rules"`);
  }
}
