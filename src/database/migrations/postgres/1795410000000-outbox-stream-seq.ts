import type { MigrationInterface, QueryRunner } from 'typeorm';

/** PostgreSQL twin of ../1795410000000-outbox-stream-seq.ts (bigint: it counts every message ever dispatched). */
export class OutboxStreamSeq1795410000000 implements MigrationInterface {
  name = 'OutboxStreamSeq1795410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "outbox" ADD COLUMN "stream_seq" bigint`);
    await q.query(`UPDATE "outbox" SET "stream_seq" = "id" WHERE "dispatched_at" IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "ux_outbox_stream_seq" ON "outbox" ("stream_seq") WHERE stream_seq IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ux_outbox_stream_seq"`);
    await q.query(`ALTER TABLE "outbox" DROP COLUMN "stream_seq"`);
  }
}
