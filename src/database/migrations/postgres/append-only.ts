import type { QueryRunner } from 'typeorm';

/**
 * The append-only guard of a PostgreSQL table, the twin of SQLite's `BEFORE UPDATE/DELETE … RAISE(ABORT)`
 * triggers: same trigger names, same message (`<table> is append-only`). TRUNCATE, which row triggers do
 * not see, is refused too.
 */
export async function appendOnly(q: QueryRunner, table: string): Promise<void> {
  await q.query(`CREATE OR REPLACE FUNCTION "duban_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$`);
  await q.query(`CREATE TRIGGER "${table}_no_update" BEFORE UPDATE ON "${table}" FOR EACH ROW EXECUTE FUNCTION "duban_append_only"()`);
  await q.query(`CREATE TRIGGER "${table}_no_delete" BEFORE DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION "duban_append_only"()`);
  await q.query(`CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "duban_append_only"()`);
}

export async function dropAppendOnly(q: QueryRunner, table: string): Promise<void> {
  for (const t of ['no_truncate', 'no_delete', 'no_update']) await q.query(`DROP TRIGGER "${table}_${t}" ON "${table}"`);
}
