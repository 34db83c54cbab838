import type { MigrationInterface, QueryRunner } from 'typeorm';
import { scoringFactsSql } from '../../../tasks/scoring-facts.js';

/** PostgreSQL twin of ../1795330000000-scoring-facts.ts: tasks.scoring_facts, backfilled from the snapshots. */
export class ScoringFacts1795330000000 implements MigrationInterface {
  name = 'ScoringFacts1795330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tasks" ADD COLUMN "scoring_facts" text`);
    await q.query(`UPDATE "tasks" SET "scoring_facts" = ${scoringFactsSql('"snapshot"', 'postgres')}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tasks" DROP COLUMN "scoring_facts"`);
  }
}
