import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Leaders' 批示 on units and tasks, append-only and chained per plan (src/leaders, issue 16 item 4). */
export class LeaderInstructions1795372000000 implements MigrationInterface {
  name = 'LeaderInstructions1795372000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "leader_instructions" ("id" text PRIMARY KEY NOT NULL, "plan_id" text NOT NULL, "seq" integer NOT NULL, "unit_id" text NOT NULL, "task_id" text, "kind" text NOT NULL, "text" text NOT NULL, "by_user_id" text NOT NULL, "by_name" text NOT NULL, "at" text NOT NULL, "prev_hash" text NOT NULL, "hash" text NOT NULL, CONSTRAINT "FK_9f2f6f458242f9589e2d96b3bca" FOREIGN KEY ("plan_id") REFERENCES "plans" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_94d1694e6e97380db62e59200d3" FOREIGN KEY ("unit_id") REFERENCES "units" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_leader_instructions_plan_seq" ON "leader_instructions" ("plan_id", "seq") `);
    await q.query(`CREATE INDEX "ix_leader_instructions_plan_unit" ON "leader_instructions" ("plan_id", "unit_id") `);
    await q.query(
      `CREATE TRIGGER "leader_instructions_no_update" BEFORE UPDATE ON "leader_instructions" BEGIN SELECT RAISE(ABORT, 'leader_instructions is append-only'); END`,
    );
    await q.query(
      `CREATE TRIGGER "leader_instructions_no_delete" BEFORE DELETE ON "leader_instructions" BEGIN SELECT RAISE(ABORT, 'leader_instructions is append-only'); END`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "leader_instructions_no_delete"`);
    await q.query(`DROP TRIGGER "leader_instructions_no_update"`);
    await q.query(`DROP TABLE "leader_instructions"`);
  }
}
