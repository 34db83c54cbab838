import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event stream's own order (issue 11, SSE across instances): `outbox.stream_seq` is given to a message
 * when it is dispatched, by one dispatcher at a time, 1, 2, 3… in commit order with no gap. SSE ids and
 * `Last-Event-ID` are this number, so a client that reconnects to any instance resumes exactly where it
 * stopped — outbox ids alone cannot do that on PostgreSQL, where a lower id can commit after a higher one.
 * Messages already dispatched keep their order: their stream number is their id.
 */
export class OutboxStreamSeq1795410000000 implements MigrationInterface {
  name = 'OutboxStreamSeq1795410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "outbox" ADD COLUMN "stream_seq" integer`);
    await q.query(`UPDATE "outbox" SET "stream_seq" = "id" WHERE "dispatched_at" IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "ux_outbox_stream_seq" ON "outbox" ("stream_seq") WHERE stream_seq IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ux_outbox_stream_seq"`);
    await q.query(`ALTER TABLE "outbox" DROP COLUMN "stream_seq"`);
  }
}
