import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The security log (src/security-log, issue 12): append-only by triggers. An event may be deleted only when
 * a prune record covers it (retention); prune records are append-only themselves.
 */
export class SecurityLog1795380000000 implements MigrationInterface {
  name = 'SecurityLog1795380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "security_events" ("seq" integer PRIMARY KEY NOT NULL, "kind" text NOT NULL, "occurred_at" text NOT NULL, "actor_id" text, "actor_name" text, "actor_role" text, "subject" text, "address" text, "details" text NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL)`,
    );
    await q.query(`CREATE INDEX "ix_security_events_time" ON "security_events" ("occurred_at") `);
    await q.query(`CREATE INDEX "ix_security_events_subject" ON "security_events" ("subject", "seq") `);
    await q.query(`CREATE INDEX "ix_security_events_actor" ON "security_events" ("actor_id", "seq") `);
    await q.query(`CREATE INDEX "ix_security_events_kind" ON "security_events" ("kind", "seq") `);
    await q.query(
      `CREATE TABLE "security_log_prunes" ("id" integer PRIMARY KEY NOT NULL, "through_seq" integer NOT NULL, "through_hash" text NOT NULL, "through_occurred_at" text NOT NULL, "pruned_count" integer NOT NULL, "retention_days" integer NOT NULL, "pruned_at" text NOT NULL)`,
    );
    await q.query(
      `CREATE TRIGGER "security_events_no_update" BEFORE UPDATE ON "security_events" BEGIN SELECT RAISE(ABORT, 'security_events is append-only'); END`,
    );
    await q.query(
      `CREATE TRIGGER "security_events_no_delete" BEFORE DELETE ON "security_events" WHEN NOT EXISTS (SELECT 1 FROM "security_log_prunes" WHERE "through_seq" >= OLD."seq") BEGIN SELECT RAISE(ABORT, 'security_events is append-only (only a recorded prune may remove old events)'); END`,
    );
    await q.query(
      `CREATE TRIGGER "security_log_prunes_no_update" BEFORE UPDATE ON "security_log_prunes" BEGIN SELECT RAISE(ABORT, 'security_log_prunes is append-only'); END`,
    );
    await q.query(
      `CREATE TRIGGER "security_log_prunes_no_delete" BEFORE DELETE ON "security_log_prunes" BEGIN SELECT RAISE(ABORT, 'security_log_prunes is append-only'); END`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['security_log_prunes_no_delete', 'security_log_prunes_no_update', 'security_events_no_delete', 'security_events_no_update'])
      await q.query(`DROP TRIGGER "${t}"`);
    await q.query(`DROP TABLE "security_log_prunes"`);
    await q.query(`DROP TABLE "security_events"`);
  }
}
