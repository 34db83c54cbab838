import { Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { DatabaseService } from './database.service.js';
import type { Queryable, RunResult, TransactionOptions } from './db.js';
import { pgValues, toPostgres, type PgStatement } from './postgres-sql.js';

/** One open transaction of a pooled client (the savepoint depth counts nested `transaction()` calls). */
interface PgTx {
  client: pg.PoolClient;
  active: boolean;
  savepoints: number;
  cursors: number;
}

/** Rows fetched per round trip by `iterate` / `iterateRows`. */
const CURSOR_BATCH = 1000;

/**
 * Type parsers for the seam's pool: the code was written against SQLite, which gives numbers for
 * `count(*)`, `sum(…)`, integer ids and averages; node-postgres gives strings for int8 and numeric
 * (they may exceed a double). Our ids and counts stay far below 2^53, so both parse to numbers here.
 */
export const PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    if (oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * The database seam (`Db`, see db.ts) on PostgreSQL through a node-postgres pool.
 *
 * A statement outside any transaction runs on whichever pooled client is free. `transaction()` takes one
 * client from the pool for its whole life (`BEGIN` … `COMMIT`, READ COMMITTED), and code running in the
 * callback's async context is routed to that client (AsyncLocalStorage), exactly as on SQLite; a nested
 * `transaction()` is a savepoint. `{ readOnly: true }` is `REPEATABLE READ READ ONLY`: one snapshot for
 * every query inside. Concurrent writers are not serialised as on SQLite: each row is locked by the
 * statement that changes it, so the version check (`UPDATE … WHERE version = ?`) and the unique
 * (task_id, seq) index decide which writer wins.
 *
 * A PostgreSQL transaction is unusable after a failed statement until it rolls back; code that catches a
 * database error and carries on inside a transaction must open a savepoint (a nested `transaction()`)
 * around the statement that may fail.
 */
export class PostgresDatabase extends DatabaseService {
  readonly dialect = 'postgres' as const;
  private readonly context = new AsyncLocalStorage<PgTx>();
  private readonly statements = new Map<string, PgStatement>();
  private readonly logger = new Logger('PostgresDatabase');

  constructor(readonly pool: pg.Pool) {
    super();
  }

  get inTransaction(): boolean {
    return this.context.getStore()?.active === true;
  }

  private statement(sql: string): PgStatement {
    let st = this.statements.get(sql);
    if (!st) {
      st = toPostgres(sql);
      if (this.statements.size > 5000) this.statements.clear();
      this.statements.set(sql, st);
    }
    return st;
  }

  private target(): pg.Pool | pg.PoolClient {
    const tx = this.context.getStore();
    return tx?.active ? tx.client : this.pool;
  }

  private async query(sql: string, params: unknown[], rowMode?: 'array'): Promise<pg.QueryResult> {
    const st = this.statement(sql);
    const values = pgValues(st, params, sql);
    return await this.target().query({ text: st.text, values, rowMode } as pg.QueryConfig);
  }

  // ---- Queryable ----

  async all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async one<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async rows<T extends unknown[] = unknown[]>(sql: string, ...params: unknown[]): Promise<T[]> {
    return (await this.query(sql, params, 'array')).rows as T[];
  }

  async column<T = unknown>(sql: string, ...params: unknown[]): Promise<T[]> {
    return ((await this.query(sql, params, 'array')).rows as unknown[][]).map((r) => r[0] as T);
  }

  async value<T = unknown>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    return ((await this.query(sql, params, 'array')).rows as unknown[][])[0]?.[0] as T | undefined;
  }

  /** `lastInsertRowid` is the `id` the statement returns (`INSERT … RETURNING id`), else 0. */
  async run(sql: string, ...params: unknown[]): Promise<RunResult> {
    const r = await this.query(sql, params);
    const id = (r.rows[0] as { id?: unknown } | undefined)?.id;
    return { changes: r.rowCount ?? 0, lastInsertRowid: typeof id === 'number' ? id : Number(id ?? 0) };
  }

  async exec(sql: string): Promise<void> {
    await this.target().query(sql);
  }

  iterate<T = Record<string, unknown>>(sql: string, ...params: unknown[]): AsyncIterable<T> {
    return this.stream<T>(sql, params);
  }

  iterateRows<T extends unknown[] = unknown[]>(sql: string, ...params: unknown[]): AsyncIterable<T> {
    return this.stream<T>(sql, params, 'array');
  }

  /**
   * A server-side cursor read in batches: inside the caller's transaction when there is one, else in a
   * read-only transaction of its own on a client of its own (so the loop may run other queries meanwhile).
   */
  private async *stream<T>(sql: string, params: unknown[], rowMode?: 'array'): AsyncIterable<T> {
    const st = this.statement(sql);
    const values = pgValues(st, params, sql);
    const tx = this.context.getStore();
    const inside = tx?.active === true;
    const client = inside ? tx.client : await this.pool.connect();
    const name = `duban_cursor_${inside ? ++tx.cursors : 0}`;
    let broken: Error | undefined;
    try {
      if (!inside) await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query({ text: `DECLARE ${name} NO SCROLL CURSOR FOR ${st.text}`, values });
      for (;;) {
        const batch = await client.query({ text: `FETCH ${CURSOR_BATCH} FROM ${name}`, rowMode } as pg.QueryConfig);
        for (const row of batch.rows) yield row as T;
        if (batch.rows.length < CURSOR_BATCH) break;
      }
    } catch (e) {
      broken = e as Error;
      throw e;
    } finally {
      if (inside) {
        if (!broken && tx.active) await client.query(`CLOSE ${name}`);
      } else {
        try {
          await client.query(broken ? 'ROLLBACK' : 'COMMIT');
        } catch (e) {
          broken = e as Error;
        }
        client.release(broken);
      }
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const current = this.context.getStore();
    if (current?.active) return this.savepoint(current, fn);
    const client = await this.pool.connect();
    const state: PgTx = { client, active: true, savepoints: 0, cursors: 0 };
    let broken: Error | undefined;
    try {
      await client.query(opts.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
      let result: T;
      try {
        result = await this.context.run(state, () => fn(this));
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch (rollback) {
          broken = rollback as Error;
          this.logger.warn(`rollback failed: ${(rollback as Error).message}`);
        }
        throw e;
      }
      try {
        await client.query('COMMIT');
      } catch (e) {
        broken = e as Error;
        throw e;
      }
      return result;
    } finally {
      state.active = false;
      // A client whose transaction state is unknown is closed, not handed to the next caller.
      client.release(broken);
    }
  }

  private async savepoint<T>(state: PgTx, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const name = `sp${++state.savepoints}`;
    await state.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      await state.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (e) {
      await state.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      await state.client.query(`RELEASE SAVEPOINT ${name}`);
      throw e;
    } finally {
      state.savepoints--;
    }
  }
}
