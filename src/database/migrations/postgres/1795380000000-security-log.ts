import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnly } from './append-only.js';

/** PostgreSQL twin of ../1795380000000-security-log.ts: the security log, deletable only under a recorded prune. */
export class SecurityLog1795380000000 implements MigrationInterface {
  name = 'SecurityLog1795380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "security_events" ("seq" integer PRIMARY KEY NOT NULL, "kind" text NOT NULL, "occurred_at" text NOT NULL, "actor_id" text, "actor_name" text, "actor_role" text, "subject" text, "address" text, "details" text NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL)`,
    );
    await q.query(`CREATE INDEX "ix_security_events_time" ON "security_events" ("occurred_at")`);
    await q.query(`CREATE INDEX "ix_security_events_subject" ON "security_events" ("subject", "seq")`);
    await q.query(`CREATE INDEX "ix_security_events_actor" ON "security_events" ("actor_id", "seq")`);
    await q.query(`CREATE INDEX "ix_security_events_kind" ON "security_events" ("kind", "seq")`);
    await q.query(
      `CREATE TABLE "security_log_prunes" ("id" integer PRIMARY KEY NOT NULL, "through_seq" integer NOT NULL, "through_hash" text NOT NULL, "through_occurred_at" text NOT NULL, "pruned_count" integer NOT NULL, "retention_days" integer NOT NULL, "pruned_at" text NOT NULL)`,
    );
    await appendOnly(q, 'security_log_prunes');
    // Creates the shared duban_append_only() function too (CREATE OR REPLACE), used below for updates and TRUNCATE.
    await q.query(`CREATE OR REPLACE FUNCTION "duban_security_events_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "security_log_prunes" WHERE "through_seq" >= OLD."seq") THEN
    RAISE EXCEPTION 'security_events is append-only (only a recorded prune may remove old events)' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN OLD;
END $$`);
    await q.query(`CREATE TRIGGER "security_events_no_update" BEFORE UPDATE ON "security_events" FOR EACH ROW EXECUTE FUNCTION "duban_append_only"()`);
    await q.query(
      `CREATE TRIGGER "security_events_no_delete" BEFORE DELETE ON "security_events" FOR EACH ROW EXECUTE FUNCTION "duban_security_events_delete"()`,
    );
    await q.query(
      `CREATE TRIGGER "security_events_no_truncate" BEFORE TRUNCATE ON "security_events" FOR EACH STATEMENT EXECUTE FUNCTION "duban_append_only"()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "security_log_prunes"`);
    await q.query(`DROP TABLE "security_events"`);
    await q.query(`DROP FUNCTION "duban_security_events_delete"()`);
  }
}
