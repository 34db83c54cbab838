import type { DatabaseService } from '../../src/database/database.service.js';

/**
 * Every row written to any table, counted by triggers installed in a test's own database: one row in
 * `fuzz_writes` per row inserted, updated or deleted (a rolled-back write rolls its count back too). Two
 * cheap reads around a request say whether it wrote anything and where — exact on SQLite and on
 * PostgreSQL, and independent of table sizes (a content digest of every table per request was not).
 */
export interface WriteCounter {
  /** The position now; pass it to `since`. */
  mark(): Promise<number>;
  /** What was written since `mark`, as `table op` strings (tables in `ignore` left out). */
  since(mark: number): Promise<string[]>;
}

export async function installWriteCounter(db: DatabaseService, ignore: string[] = []): Promise<WriteCounter> {
  const tables =
    db.dialect === 'postgres'
      ? await db.column<string>(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
      : await db.column<string>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
  if (db.dialect === 'postgres') {
    await db.exec(`CREATE TABLE fuzz_writes (id bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL)`);
    await db.exec(`CREATE FUNCTION fuzz_count_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO fuzz_writes (tbl, op) VALUES (TG_TABLE_NAME, TG_OP); RETURN NULL; END $$`);
    for (const t of tables) {
      await db.exec(`CREATE TRIGGER fuzz_count_write AFTER INSERT OR UPDATE OR DELETE ON "${t}" FOR EACH ROW EXECUTE FUNCTION fuzz_count_write()`);
    }
  } else {
    await db.exec(`CREATE TABLE fuzz_writes (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL)`);
    for (const t of tables) {
      for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
        await db.exec(`CREATE TRIGGER "fuzz_w_${t}_${op}" AFTER ${op} ON "${t}" BEGIN INSERT INTO fuzz_writes (tbl, op) VALUES ('${t}', '${op}'); END`);
      }
    }
  }
  const skip = new Set(ignore);
  return {
    async mark() {
      return Number((await db.value('SELECT coalesce(max(id), 0) FROM fuzz_writes')) ?? 0);
    },
    async since(mark) {
      const rows = await db.all<{ tbl: string; op: string; n: number | string }>(
        'SELECT tbl, op, count(*) AS n FROM fuzz_writes WHERE id > ? GROUP BY tbl, op',
        mark,
      );
      return rows
        .filter((r) => !skip.has(r.tbl))
        .map((r) => `${r.tbl} ${r.op} ×${Number(r.n)}`)
        .sort();
    },
  };
}
