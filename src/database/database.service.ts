import { Injectable } from '@nestjs/common';
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource } from 'typeorm';

export type Sqlite = BetterSqlite3.Database;

/**
 * The write path's transaction helper. TypeORM shares one SQLite connection, so two overlapping
 * async transactions would collide. Every write in Duban is therefore a *synchronous* function run
 * inside one better-sqlite3 `BEGIN IMMEDIATE` transaction: Node cannot interleave anything with it,
 * so writes are serialized by construction, and another process (the CLI) waits on SQLite's lock.
 * Reads may use TypeORM's query builder freely.
 */
@Injectable()
export class DatabaseService {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(readonly dataSource: DataSource) {}

  get sqlite(): Sqlite {
    return (this.dataSource.driver as unknown as { databaseConnection: Sqlite }).databaseConnection;
  }

  /** A cached prepared statement. */
  stmt(sql: string): BetterSqlite3.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Run `fn` in one immediate transaction: all of its writes commit, or none (it throws). */
  transaction<T>(fn: () => T): T {
    return this.sqlite.transaction(fn).immediate();
  }
}
