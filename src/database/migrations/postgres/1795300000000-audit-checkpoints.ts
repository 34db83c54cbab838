import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnly, dropAppendOnly } from './append-only.js';

const TABLES = ['audit_checkpoints', 'audit_checkpoint_plans', 'audit_checkpoint_heads', 'audit_checkpoint_evidence'];

/** PostgreSQL twin of ../1795300000000-audit-checkpoints.ts: signed checkpoints, append-only, no foreign keys. */
export class AuditCheckpoints1795300000000 implements MigrationInterface {
  name = 'AuditCheckpoints1795300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "audit_checkpoints" ("seq" integer PRIMARY KEY NOT NULL, "day" text NOT NULL, "created_at" text NOT NULL, "created_by" text NOT NULL, "task_count" integer NOT NULL, "event_count" bigint NOT NULL, "evidence_count" integer NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL, "public_key" text NOT NULL, "signature" text NOT NULL)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_audit_checkpoints_hash" ON "audit_checkpoints" ("hash")`);
    await q.query(
      `CREATE TABLE "audit_checkpoint_plans" ("checkpoint_seq" integer NOT NULL, "plan_id" text NOT NULL, "root" text NOT NULL, "task_count" integer NOT NULL, "event_count" bigint NOT NULL, "evidence_count" integer NOT NULL, PRIMARY KEY ("checkpoint_seq", "plan_id"))`,
    );
    await q.query(
      `CREATE TABLE "audit_checkpoint_heads" ("checkpoint_seq" integer NOT NULL, "task_id" text NOT NULL, "plan_id" text NOT NULL, "last_seq" integer NOT NULL, "last_hash" text NOT NULL, PRIMARY KEY ("checkpoint_seq", "task_id"))`,
    );
    await q.query(
      `CREATE TABLE "audit_checkpoint_evidence" ("checkpoint_seq" integer NOT NULL, "file_id" text NOT NULL, "task_id" text NOT NULL, "plan_id" text NOT NULL, "sha256" text NOT NULL, "size" bigint NOT NULL, PRIMARY KEY ("checkpoint_seq", "file_id"))`,
    );
    for (const t of TABLES) await appendOnly(q, t);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [...TABLES].reverse()) {
      await dropAppendOnly(q, t);
      await q.query(`DROP TABLE "${t}"`);
    }
  }
}
