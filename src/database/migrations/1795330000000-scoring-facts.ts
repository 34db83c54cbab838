import type { MigrationInterface, QueryRunner } from 'typeorm';
import { scoringFactsSql } from '../../tasks/scoring-facts.js';

/** tasks.scoring_facts: the scores read's facts kept by the write path (backfilled from the snapshots). */
export class ScoringFacts1795330000000 implements MigrationInterface {
  name = 'ScoringFacts1795330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tasks" ADD COLUMN "scoring_facts" text`);
    await q.query(`UPDATE "tasks" SET "scoring_facts" = ${scoringFactsSql('"snapshot"')}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tasks" DROP COLUMN "scoring_facts"`);
  }
}
