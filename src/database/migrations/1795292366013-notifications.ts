import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Review deadlines on tasks; webhooks with their deliveries (retried, idempotent) and the attempt log. */
export class Notifications1795292366013 implements MigrationInterface {
  name = 'Notifications1795292366013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tasks" ADD COLUMN "review_due_at" text`);
    await q.query(`CREATE INDEX "ix_tasks_review_due" ON "tasks" ("review_due_at") WHERE review_due_at IS NOT NULL`);
    await q.query(
      `CREATE TABLE "webhooks" ("id" text PRIMARY KEY NOT NULL, "url" text NOT NULL, "secret" text NOT NULL, "event_types" text NOT NULL DEFAULT ('["*"]'), "active" boolean NOT NULL DEFAULT (1), "created_at" text NOT NULL)`,
    );
    await q.query(
      `CREATE TABLE "webhook_deliveries" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "outbox_id" integer NOT NULL, "webhook_id" text NOT NULL, "idempotency_key" text NOT NULL, "status" text NOT NULL DEFAULT ('pending'), "attempts" integer NOT NULL DEFAULT (0), "next_attempt_at" text NOT NULL, "last_status" integer, "last_error" text, "delivered_at" text, "created_at" text NOT NULL, CONSTRAINT "FK_df3ad69e92c7da0a56db9d14af2" FOREIGN KEY ("outbox_id") REFERENCES "outbox" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_a0286aeb96db651efd1ae2966f2" FOREIGN KEY ("webhook_id") REFERENCES "webhooks" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_webhook_deliveries_key" ON "webhook_deliveries" ("idempotency_key")`);
    await q.query(`CREATE INDEX "ix_webhook_deliveries_due" ON "webhook_deliveries" ("next_attempt_at") WHERE status = 'pending'`);
    await q.query(`CREATE UNIQUE INDEX "ux_webhook_deliveries_msg" ON "webhook_deliveries" ("outbox_id", "webhook_id")`);
    await q.query(
      `CREATE TABLE "webhook_attempts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "delivery_id" integer NOT NULL, "attempted_at" text NOT NULL, "status_code" integer, "error" text, "duration_ms" integer NOT NULL, CONSTRAINT "FK_0d56d91d61b827bb2079c256538" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_webhook_attempts_delivery" ON "webhook_attempts" ("delivery_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_attempts"`);
    await q.query(`DROP TABLE "webhook_deliveries"`);
    await q.query(`DROP TABLE "webhooks"`);
    await q.query(`DROP INDEX "ix_tasks_review_due"`);
    await q.query(`ALTER TABLE "tasks" DROP COLUMN "review_due_at"`);
  }
}
