import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Self-assessment (自评): windows, one assessment per unit and plan, its items and its append-only event chain (src/self-assessment, issue 16). */
export class SelfAssessment1795350000000 implements MigrationInterface {
  name = 'SelfAssessment1795350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "self_assessment_windows" ("plan_id" text PRIMARY KEY NOT NULL, "opens_on" text NOT NULL, "closes_on" text NOT NULL, "opens_at" text NOT NULL, "closes_at" text NOT NULL, "updated_by" text, "updated_at" text NOT NULL, CONSTRAINT "FK_d8fc621b34dc414d5f046fc2f80" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(
      `CREATE TABLE "self_assessments" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "unit_id" text NOT NULL, "status" text NOT NULL, "version" integer NOT NULL, "signer_user_id" text, "report_sha256" text, "report_name" text, "report_size" integer, "report_mime" text, "submitted_by" text, "submitted_at" text, "signed_by" text, "signed_at" text, "returned_reason" text, "last_seq" integer NOT NULL, "last_hash" text NOT NULL, "created_at" text NOT NULL, "updated_at" text NOT NULL, CONSTRAINT "FK_ba0c6a4aef6ee0d7acbbdfd58bb" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_068b61318cecadd8259c1a525ea" FOREIGN KEY ("unit_id") REFERENCES "units" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_self_assessments_plan_unit" ON "self_assessments" ("plan_id", "unit_id") `);
    await q.query(
      `CREATE TABLE "self_assessment_items" ("assessment_id" text NOT NULL, "indicator_id" text NOT NULL, "self_score" real, "note" text, CONSTRAINT "FK_ca8a762a5977d69f83f714f8b5c" FOREIGN KEY ("assessment_id") REFERENCES "self_assessments" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_724563ca9c5c325931881000663" FOREIGN KEY ("indicator_id") REFERENCES "indicators" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, PRIMARY KEY ("assessment_id", "indicator_id"))`,
    );
    await q.query(
      `CREATE TABLE "self_assessment_events" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "assessment_id" text NOT NULL, "seq" integer NOT NULL, "type" text NOT NULL, "payload" text NOT NULL, "actor_user_id" text, "actor_role" text NOT NULL, "at" text NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL, CONSTRAINT "FK_22ba25e48d0429c68e465100d64" FOREIGN KEY ("assessment_id") REFERENCES "self_assessments" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_self_assessment_events_seq" ON "self_assessment_events" ("assessment_id", "seq") `);
    await q.query(
      `CREATE TRIGGER "self_assessment_events_no_update" BEFORE UPDATE ON "self_assessment_events" BEGIN SELECT RAISE(ABORT, 'self_assessment_events is append-only'); END`,
    );
    await q.query(
      `CREATE TRIGGER "self_assessment_events_no_delete" BEFORE DELETE ON "self_assessment_events" BEGIN SELECT RAISE(ABORT, 'self_assessment_events is append-only'); END`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "self_assessment_events_no_delete"`);
    await q.query(`DROP TRIGGER "self_assessment_events_no_update"`);
    await q.query(`DROP TABLE "self_assessment_events"`);
    await q.query(`DROP TABLE "self_assessment_items"`);
    await q.query(`DROP TABLE "self_assessments"`);
    await q.query(`DROP TABLE "self_assessment_windows"`);
  }
}
