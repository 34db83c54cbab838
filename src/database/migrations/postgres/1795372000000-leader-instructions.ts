import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnly, dropAppendOnly } from './append-only.js';

/** PostgreSQL twin of ../1795372000000-leader-instructions.ts: leaders' 批示, append-only. */
export class LeaderInstructions1795372000000 implements MigrationInterface {
  name = 'LeaderInstructions1795372000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "leader_instructions" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "seq" integer NOT NULL, "unit_id" text NOT NULL, "task_id" text, "kind" text NOT NULL, "text" text NOT NULL, "by_user_id" text NOT NULL, "by_name" text NOT NULL, "at" text NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL, CONSTRAINT "FK_9f2f6f458242f9589e2d96b3bca" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_94d1694e6e97380db62e59200d3" FOREIGN KEY ("unit_id") REFERENCES "units" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_leader_instructions_plan_seq" ON "leader_instructions" ("plan_id", "seq")`);
    await q.query(`CREATE INDEX "ix_leader_instructions_plan_unit" ON "leader_instructions" ("plan_id", "unit_id")`);
    await appendOnly(q, 'leader_instructions');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropAppendOnly(q, 'leader_instructions');
    await q.query(`DROP TABLE "leader_instructions"`);
  }
}
