import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transparency log (src/translog, issue 12 item 6): every task event's leaf at its global log index,
 * the hashes of the complete subtrees above the leaves, the signed tree heads and witnesses'
 * countersignatures. All append-only (triggers refuse update and delete).
 */
export class TransparencyLog1795420000000 implements MigrationInterface {
  name = 'TransparencyLog1795420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "audit_log_leaves" ("log_index" integer PRIMARY KEY NOT NULL, "event_id" integer NOT NULL, "task_id" text NOT NULL, "seq" integer NOT NULL, "leaf_hash" text NOT NULL, "sequenced_at" text NOT NULL)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_audit_log_leaves_event" ON "audit_log_leaves" ("event_id") `);
    await q.query(`CREATE UNIQUE INDEX "ux_audit_log_leaves_task_seq" ON "audit_log_leaves" ("task_id", "seq") `);
    await q.query(`CREATE TABLE "audit_log_nodes" ("level" integer NOT NULL, "idx" integer NOT NULL, "hash" text NOT NULL, PRIMARY KEY ("level", "idx"))`);
    await q.query(
      `CREATE TABLE "audit_tree_heads" ("tree_size" integer PRIMARY KEY NOT NULL, "root_hash" text NOT NULL, "timestamp" text NOT NULL, "public_key" text NOT NULL, "signature" text NOT NULL)`,
    );
    await q.query(
      `CREATE TABLE "audit_witness_signatures" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "tree_size" integer NOT NULL, "witness_key" text NOT NULL, "signature" text NOT NULL, "received_at" text NOT NULL, "received_by" text NOT NULL)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_audit_witness_signatures_head_key" ON "audit_witness_signatures" ("tree_size", "witness_key") `);
    for (const t of ['audit_log_leaves', 'audit_log_nodes', 'audit_tree_heads', 'audit_witness_signatures']) {
      await q.query(`CREATE TRIGGER "${t}_no_update" BEFORE UPDATE ON "${t}" BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END`);
      await q.query(`CREATE TRIGGER "${t}_no_delete" BEFORE DELETE ON "${t}" BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['audit_witness_signatures', 'audit_tree_heads', 'audit_log_nodes', 'audit_log_leaves']) {
      await q.query(`DROP TRIGGER "${t}_no_delete"`);
      await q.query(`DROP TRIGGER "${t}_no_update"`);
      await q.query(`DROP TABLE "${t}"`);
    }
  }
}
