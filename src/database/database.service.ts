import type BetterSqlite3 from 'better-sqlite3';
import type { Db, Queryable, RunResult, TransactionOptions } from './db.js';

export type Sqlite = BetterSqlite3.Database;
export type { Db, Queryable, RunResult, TransactionOptions } from './db.js';

/**
 * The database every repository and service injects: the seam `Db` (see db.ts and README.md). It is the
 * injection token; DatabaseModule provides the implementation the configuration selects —
 * `SqliteDatabase` (sqlite-database.ts, the embedded default) or `PostgresDatabase` (postgres-database.ts,
 * when DUBAN_DATABASE_URL is a postgres:// URL).
 */
export abstract class DatabaseService implements Db {
  abstract readonly dialect: 'sqlite' | 'postgres';
  abstract readonly inTransaction: boolean;

  /**
   * The raw better-sqlite3 connection: SQLite-only escape hatch (pragmas, test inspection). On PostgreSQL
   * it throws, so SQLite-only code fails loudly instead of silently reading another database.
   */
  get sqlite(): Sqlite {
    throw new Error(`DatabaseService.sqlite is SQLite-only; this database is ${this.dialect}`);
  }

  abstract all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  abstract one<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  abstract rows<T extends unknown[] = unknown[]>(sql: string, ...params: unknown[]): Promise<T[]>;
  abstract column<T = unknown>(sql: string, ...params: unknown[]): Promise<T[]>;
  abstract value<T = unknown>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  abstract run(sql: string, ...params: unknown[]): Promise<RunResult>;
  abstract exec(sql: string): Promise<void>;
  abstract iterate<T = Record<string, unknown>>(sql: string, ...params: unknown[]): AsyncIterable<T>;
  abstract iterateRows<T extends unknown[] = unknown[]>(sql: string, ...params: unknown[]): AsyncIterable<T>;
  abstract transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
}

/** A unique (or primary key) constraint refused the write — on either database. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
