import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['audit_checkpoints', 'audit_checkpoint_plans', 'audit_checkpoint_heads', 'audit_checkpoint_evidence'];

/**
 * Signed checkpoints over all tasks (src/audit): each seals every task's chain head and every evidence
 * file's sha256, per plan, chained to the previous checkpoint. Rows hold only what changed since the
 * previous checkpoint. No foreign keys on purpose: a sealed head must outlive a deleted task to testify
 * that it existed. Append-only, like task_events.
 */
export class AuditCheckpoints1795300000000 implements MigrationInterface {
  name = 'AuditCheckpoints1795300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "audit_checkpoints" ("seq" integer PRIMARY KEY NOT NULL, "day" text NOT NULL, "created_at" text NOT NULL, "created_by" text NOT NULL, "task_count" integer NOT NULL, "event_count" integer NOT NULL, "evidence_count" integer NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL, "public_key" text NOT NULL, "signature" text NOT NULL)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_audit_checkpoints_hash" ON "audit_checkpoints" ("hash")`);
    await q.query(
      `CREATE TABLE "audit_checkpoint_plans" ("checkpoint_seq" integer NOT NULL, "plan_id" text NOT NULL, "root" text NOT NULL, "task_count" integer NOT NULL, "event_count" integer NOT NULL, "evidence_count" integer NOT NULL, PRIMARY KEY ("checkpoint_seq", "plan_id"))`,
    );
    await q.query(
      `CREATE TABLE "audit_checkpoint_heads" ("checkpoint_seq" integer NOT NULL, "task_id" text NOT NULL, "plan_id" text NOT NULL, "last_seq" integer NOT NULL, "last_hash" text NOT NULL, PRIMARY KEY ("checkpoint_seq", "task_id"))`,
    );
    await q.query(
      `CREATE TABLE "audit_checkpoint_evidence" ("checkpoint_seq" integer NOT NULL, "file_id" text NOT NULL, "task_id" text NOT NULL, "plan_id" text NOT NULL, "sha256" text NOT NULL, "size" integer NOT NULL, PRIMARY KEY ("checkpoint_seq", "file_id"))`,
    );
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
