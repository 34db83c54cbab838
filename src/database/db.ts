/**
 * The database seam every repository and service talks to (see src/database/README.md).
 *
 * SQL is written with `?` placeholders (values passed in order) or `@name` placeholders (one plain
 * object passed), exactly as before; every call is async. `Queryable` is either the database itself or
 * the handle a transaction gives its callback; methods that must run inside a caller's transaction take
 * it as their first argument (`...InTransaction(tx, ...)`).
 */

/** What a write statement reports. */
export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
  /**
   * The id of the inserted row. Write `INSERT … RETURNING id` where the code needs it: SQLite reports the
   * rowid either way, PostgreSQL only the `id` the statement returns (0 without RETURNING).
   */
  lastInsertRowid: number;
}

export interface TransactionOptions {
  /**
   * A read-only transaction: every query inside sees one consistent state of the database, and no write
   * lock is taken up front.
   */
  readOnly?: boolean;
}

export interface Queryable {
  /** Every row, as objects keyed by column name. */
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** The first row, or undefined. */
  one<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  /** Every row as an array of column values (in select order): cheaper for large reads. */
  rows<T extends unknown[] = unknown[]>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** The first column of every row. */
  column<T = unknown>(sql: string, ...params: unknown[]): Promise<T[]>;
  /** The first column of the first row, or undefined. */
  value<T = unknown>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  /** A write statement. */
  run(sql: string, ...params: unknown[]): Promise<RunResult>;
  /** One or more statements without parameters (DDL, pragmas). */
  exec(sql: string): Promise<void>;
  /** Rows streamed one at a time, as objects. Do not run other queries of the same handle inside the loop. */
  iterate<T = Record<string, unknown>>(sql: string, ...params: unknown[]): AsyncIterable<T>;
  /** Rows streamed one at a time, as arrays of column values. */
  iterateRows<T extends unknown[] = unknown[]>(sql: string, ...params: unknown[]): AsyncIterable<T>;
  /**
   * Run `fn` in one transaction: all of its writes commit, or none (it throws). Called on a transaction
   * handle (or inside one), it opens a savepoint: a failure inside rolls back only that part.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
}

/** The database: a Queryable whose `transaction` opens a real transaction. */
export interface Db extends Queryable {
  /** 'sqlite' or 'postgres' — for the few places that must word SQL differently. */
  readonly dialect: 'sqlite' | 'postgres';
  /** True while the current async context runs inside a transaction of this database. */
  readonly inTransaction: boolean;
}
