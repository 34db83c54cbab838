import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Task machine version 2 (issue 10, docs/task-machine.md): every node its own milestone.
 * - nodes: the node's own light, late-completed mark (补报/已整改), working days late, when its red light
 *   is dated (the due instant) and when it was recorded, a pending extension request.
 * - tasks: overdue for sign-for (签收) as its own flag.
 * - plans: N working days to sign for a task (null: no deadline), sequential submission (node k+1 only
 *   after node k is approved); indicators: the same, overriding the plan's when set.
 * - machine_upgrades: one row per run of the stored-task upgrade (v1 → v2) with the red counts it changed.
 * The data upgrade itself (a `task.migrated` event per stored v1 task) runs at start-up in TypeScript
 * through the Db seam (src/tasks/machine-upgrade.service.ts), so the hash chain continues.
 */
export class TaskMachineV21795390000000 implements MigrationInterface {
  name = 'TaskMachineV21795390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "nodes" ADD COLUMN "light" text`);
    await q.query(`ALTER TABLE "nodes" ADD COLUMN "late_completed" boolean NOT NULL DEFAULT (0)`);
    await q.query(`ALTER TABLE "nodes" ADD COLUMN "late_working_days" integer`);
    await q.query(`ALTER TABLE "nodes" ADD COLUMN "red_lighted_at" text`);
    await q.query(`ALTER TABLE "nodes" ADD COLUMN "red_recorded_at" text`);
    await q.query(`ALTER TABLE "nodes" ADD COLUMN "extension_pending" boolean NOT NULL DEFAULT (0)`);
    await q.query(`ALTER TABLE "tasks" ADD COLUMN "sign_for_overdue" boolean NOT NULL DEFAULT (0)`);
    await q.query(`ALTER TABLE "plans" ADD COLUMN "sign_for_working_days" integer`);
    await q.query(`ALTER TABLE "plans" ADD COLUMN "sequential_submission" boolean NOT NULL DEFAULT (0)`);
    await q.query(`ALTER TABLE "indicators" ADD COLUMN "sequential_submission" boolean`);
    await q.query(
      `CREATE TABLE "machine_upgrades" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "at" text NOT NULL, "from_version" integer NOT NULL, "to_version" integer NOT NULL, "tasks" integer NOT NULL, "red_before" integer NOT NULL, "red_after" integer NOT NULL, "changed_tasks" integer NOT NULL, "report" text NOT NULL)`,
    );
    // Light and extension flags of stored nodes, from their (v1) snapshots; the start-up upgrade rewrites them from v2.
    await q.query(`UPDATE "nodes" SET "light" = CASE WHEN "red_lighted" = 1 THEN 'red' ELSE 'green' END`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "machine_upgrades"`);
    await q.query(`ALTER TABLE "indicators" DROP COLUMN "sequential_submission"`);
    await q.query(`ALTER TABLE "plans" DROP COLUMN "sequential_submission"`);
    await q.query(`ALTER TABLE "plans" DROP COLUMN "sign_for_working_days"`);
    await q.query(`ALTER TABLE "tasks" DROP COLUMN "sign_for_overdue"`);
    for (const c of ['extension_pending', 'red_recorded_at', 'red_lighted_at', 'late_working_days', 'late_completed', 'light']) {
      await q.query(`ALTER TABLE "nodes" DROP COLUMN "${c}"`);
    }
  }
}
