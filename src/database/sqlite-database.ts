import { AsyncLocalStorage } from 'node:async_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { DatabaseService, type Sqlite } from './database.service.js';
import type { Queryable, RunResult, TransactionOptions } from './db.js';

/** One open transaction (or savepoint level) of the SQLite connection. */
interface TxState {
  active: boolean;
  savepoints: number;
  handle: Queryable;
}

/** A caller waiting for the lock; `joins`: a write transaction, which may join an open commit group. */
interface Waiter {
  resume: () => void;
  joins: boolean;
}

/** Write transactions sharing one SQLite transaction and one COMMIT (group commit). */
interface CommitGroup {
  startedAt: number;
  members: number;
  /** No member runs now: the SQLite transaction is open, waiting for more members or its commit. */
  idle: boolean;
  commitScheduled: boolean;
  /** Members that succeeded, answered when the group's COMMIT is durable. */
  done: { resolve: (v: unknown) => void; reject: (e: unknown) => void; value: unknown }[];
}

/** At most this many transactions share one COMMIT, and a group stays open at most this long. */
export const GROUP_MAX_MEMBERS = 64;
export const GROUP_MAX_MS = 10;

/**
 * The database seam (`Db`, see db.ts) on SQLite through better-sqlite3 (the embedded default).
 *
 * TypeORM shares one SQLite connection, so two overlapping transactions would collide. Every
 * transaction therefore holds an app-level lock for its whole (async) life: `BEGIN IMMEDIATE` … `COMMIT`,
 * and another process (the CLI) waits on SQLite's own lock (busy timeout). A query issued outside any
 * transaction while one is open waits for it too, so nobody reads another caller's uncommitted writes
 * or slips a write into another caller's transaction. Inside a transaction — on its handle, or on the
 * service itself from code running in the transaction's async context — queries run directly, and a
 * nested `transaction()` is a savepoint.
 *
 * Reads do not wait for a long transaction (issue 11 item 5: a plan's close holds one for seconds): a
 * read-only statement issued outside any transaction while the lock is held runs on a second, read-only
 * connection to the same file, which in WAL mode sees the last committed state (never the open
 * transaction's writes). Writes, and statements that might write, still wait for the lock.
 *
 * Group commit (issue 11 item 3): write transactions that come while one runs, or in the same turn of
 * the event loop, share one SQLite transaction and one COMMIT — with `synchronous = FULL` one fsync for
 * the lot instead of one each. Each runs in a savepoint of its own: one that fails is rolled back alone
 * (its caller gets its error at once) and never spoils the others; the others are answered only after
 * the group's COMMIT returned, so every answered write is durable. If the COMMIT itself fails, every
 * member of the group gets the error and nothing of the group is written. A group commits when nobody
 * else is waiting to join (at the end of the event-loop turn), before a read-only transaction or a lone
 * statement takes the lock, or at GROUP_MAX_MEMBERS members / GROUP_MAX_MS.
 */
export class SqliteDatabase extends DatabaseService {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly rawStatements = new Map<string, BetterSqlite3.Statement>();
  private readonly pluckStatements = new Map<string, BetterSqlite3.Statement>();
  private readonly context = new AsyncLocalStorage<TxState>();
  private locked = false;
  private readonly waiters: Waiter[] = [];
  private group: CommitGroup | null = null;
  /** COMMITs of write groups, and the write transactions they carried (tests and the bench read them). */
  groupCommits = 0;
  groupMembers = 0;
  /** The read-only connection (undefined: not opened yet; null: none, e.g. an in-memory database). */
  private reader: Sqlite | null | undefined;
  private readonly readerStatements = new Map<string, BetterSqlite3.Statement | null>();
  /** Statements run on the reader connection while a transaction held the lock (tests and the bench read it). */
  readerReads = 0;

  constructor(readonly dataSource: DataSource) {
    super();
  }

  /** The raw better-sqlite3 connection: SQLite-only escape hatch (pragmas, test inspection). */
  override get sqlite(): Sqlite {
    return (this.dataSource.driver as unknown as { databaseConnection: Sqlite }).databaseConnection;
  }

  get inTransaction(): boolean {
    return this.context.getStore()?.active === true;
  }

  /** A cached prepared statement (objects mode). */
  private stmt(sql: string): BetterSqlite3.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private rawStmt(sql: string): BetterSqlite3.Statement {
    let s = this.rawStatements.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql).raw(true);
      this.rawStatements.set(sql, s);
    }
    return s;
  }

  private pluckStmt(sql: string): BetterSqlite3.Statement {
    let s = this.pluckStatements.get(sql);
    if (!s) {
      s = this.sqlite.prepare(sql).pluck(true);
      this.pluckStatements.set(sql, s);
    }
    return s;
  }

  private readerConnection(): Sqlite | null {
    if (this.reader !== undefined) return this.reader;
    const main = this.sqlite;
    if (main.memory || !main.name || main.name === ':memory:') return (this.reader = null);
    const Database = main.constructor as unknown as new (file: string, opts: BetterSqlite3.Options) => Sqlite;
    const r = new Database(main.name, { readonly: true, fileMustExist: true, timeout: 5000 });
    r.pragma('cache_size = -65536'); // as the main connection: plan-wide reads (GET /tasks sorts a plan's tasks) touch every task row
    return (this.reader = r);
  }

  /** The statement prepared on the reader connection, if it is read-only and the reader exists. */
  private readerStmt(sql: string, mode: 'objects' | 'raw' | 'pluck'): BetterSqlite3.Statement | undefined {
    const r = this.readerConnection();
    if (!r) return undefined;
    const key = `${mode}\u0000${sql}`;
    let s = this.readerStatements.get(key);
    if (s === undefined) {
      try {
        s = r.prepare(sql);
      } catch {
        return undefined; // e.g. a table created after the reader opened: the main connection answers
      }
      // A statement that writes (INSERT … RETURNING read through `value`) waits for the lock instead.
      if (!s.readonly) s = null;
      else if (mode === 'raw') s.raw(true);
      else if (mode === 'pluck') s.pluck(true);
      this.readerStatements.set(key, s);
    }
    return s ?? undefined;
  }

  /**
   * A read outside any transaction: when a transaction holds the lock, run it on the reader connection
   * (the committed state) instead of waiting; otherwise as every statement.
   */
  private async read<T>(sql: string, mode: 'objects' | 'raw' | 'pluck', onReader: (s: BetterSqlite3.Statement) => T, onMain: () => T): Promise<T> {
    if (!this.inTransaction && this.locked) {
      const s = this.readerStmt(sql, mode);
      if (s) {
        this.readerReads++;
        return onReader(s);
      }
    }
    return this.exclusive(onMain);
  }

  /** Close the reader connection (the main one is TypeORM's). */
  onApplicationShutdown(): void {
    this.closeReader();
  }

  /** Before any module closes (TypeORM's connection among them): commit a group left open for the turn's end. */
  beforeApplicationShutdown(): void {
    const g = this.group;
    if (g?.idle) {
      this.commitGroup();
      this.release();
    }
  }

  closeReader(): void {
    this.reader?.close();
    this.reader = null;
    this.readerStatements.clear();
  }

  // ---- the lock: one transaction (or lone statement) at a time on the shared connection ----

  private acquire(joins = false): Promise<void> | undefined {
    if (!this.locked) {
      this.locked = true;
      return undefined;
    }
    const g = this.group;
    if (joins && g?.idle && !this.waiters.length && this.groupHasRoom(g)) {
      g.idle = false; // join the open group at once
      return undefined;
    }
    return new Promise<void>((resume) => this.waiters.push({ resume, joins }));
  }

  private groupHasRoom(g: CommitGroup): boolean {
    return g.members < GROUP_MAX_MEMBERS && performance.now() - g.startedAt < GROUP_MAX_MS && this.sqlite.inTransaction;
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next.resume();
    else this.locked = false;
  }

  /**
   * A group member is done: hand the lock to the next writer (it joins the group), or commit the group
   * first when the next one may not join (a read-only transaction, a lone statement) or the group is full;
   * with nobody waiting, keep the group open until the end of this event-loop turn for more members.
   */
  private handOver(): void {
    const g = this.group;
    if (!g) return this.release();
    const next = this.waiters[0];
    if (next?.joins && this.groupHasRoom(g)) return this.release();
    if (next || !this.groupHasRoom(g)) {
      this.commitGroup();
      return this.release();
    }
    g.idle = true;
    if (!g.commitScheduled) {
      g.commitScheduled = true;
      setImmediate(() => {
        if (this.group !== g) return;
        if (!g.idle) {
          g.commitScheduled = false; // a member runs: it commits or reschedules when done
          return;
        }
        this.commitGroup();
        this.release();
      });
    }
  }

  /** COMMIT the open group and answer its members (all rejected if the COMMIT fails). */
  private commitGroup(): void {
    const g = this.group!;
    this.group = null;
    try {
      if (!this.sqlite.inTransaction) throw new Error('the transaction was rolled back before its commit');
      this.sqlite.exec('COMMIT');
    } catch (e) {
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
      for (const d of g.done) d.reject(e);
      return;
    }
    this.groupCommits++;
    this.groupMembers += g.done.length;
    for (const d of g.done) d.resolve(d.value);
  }

  /** Run one synchronous statement: directly inside a transaction, else once no transaction is open. */
  private async exclusive<T>(work: () => T): Promise<T> {
    if (this.inTransaction) return work();
    const wait = this.acquire();
    if (wait) await wait;
    try {
      return work();
    } finally {
      this.release();
    }
  }

  private async *stream<T>(open: () => IterableIterator<unknown>, sql?: string, mode?: 'objects' | 'raw', params?: unknown[]): AsyncIterable<T> {
    const inside = this.inTransaction;
    if (!inside && this.locked && sql && mode) {
      const s = this.readerStmt(sql, mode);
      if (s) {
        this.readerReads++;
        for (const row of s.iterate(...params!)) yield row as T;
        return;
      }
    }
    if (!inside) {
      const wait = this.acquire();
      if (wait) await wait;
    }
    try {
      for (const row of open()) yield row as T;
    } finally {
      if (!inside) this.release();
    }
  }

  // ---- Queryable ----

  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
    return this.read(
      sql,
      'objects',
      (s) => s.all(...params) as T[],
      () => this.stmt(sql).all(...params) as T[],
    );
  }

  one<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    return this.read(
      sql,
      'objects',
      (s) => s.get(...params) as T | undefined,
      () => this.stmt(sql).get(...params) as T | undefined,
    );
  }

  rows<T extends unknown[] = unknown[]>(sql: string, ...params: unknown[]): Promise<T[]> {
    return this.read(
      sql,
      'raw',
      (s) => s.all(...params) as T[],
      () => this.rawStmt(sql).all(...params) as T[],
    );
  }

  column<T = unknown>(sql: string, ...params: unknown[]): Promise<T[]> {
    return this.read(
      sql,
      'pluck',
      (s) => s.all(...params) as T[],
      () => this.pluckStmt(sql).all(...params) as T[],
    );
  }

  value<T = unknown>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    return this.read(
      sql,
      'pluck',
      (s) => s.get(...params) as T | undefined,
      () => this.pluckStmt(sql).get(...params) as T | undefined,
    );
  }

  run(sql: string, ...params: unknown[]): Promise<RunResult> {
    return this.exclusive(() => {
      const r = this.stmt(sql).run(...params);
      return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
    });
  }

  exec(sql: string): Promise<void> {
    return this.exclusive(() => {
      this.sqlite.exec(sql);
    });
  }

  iterate<T = Record<string, unknown>>(sql: string, ...params: unknown[]): AsyncIterable<T> {
    return this.stream<T>(() => this.stmt(sql).iterate(...params), sql, 'objects', params);
  }

  iterateRows<T extends unknown[] = unknown[]>(sql: string, ...params: unknown[]): AsyncIterable<T> {
    return this.stream<T>(() => this.rawStmt(sql).iterate(...params), sql, 'raw', params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const current = this.context.getStore();
    if (current?.active) return this.savepoint(current, fn);
    if (opts.readOnly) return this.readOnlyTransaction(fn);
    const wait = this.acquire(true);
    if (wait) await wait;
    const state: TxState = { active: true, savepoints: 0, handle: this };
    let answered: Promise<T>;
    try {
      if (!this.group) {
        await this.beginImmediate();
        this.group = { startedAt: performance.now(), members: 0, idle: false, commitScheduled: false, done: [] };
      }
      const g = this.group;
      g.idle = false;
      g.members++;
      this.sqlite.exec('SAVEPOINT grp');
      let result: T;
      try {
        result = await this.context.run(state, () => fn(this));
      } catch (e) {
        if (this.sqlite.inTransaction) {
          this.sqlite.exec('ROLLBACK TO grp');
          this.sqlite.exec('RELEASE grp');
        } else {
          // SQLite rolled the whole transaction back (I/O error, disk full): the group's earlier members too.
          this.group = null;
          for (const d of g.done) d.reject(e);
        }
        throw e;
      }
      this.sqlite.exec('RELEASE grp');
      answered = new Promise<T>((resolve, reject) => g.done.push({ resolve: resolve as (v: unknown) => void, reject, value: result }));
    } finally {
      state.active = false;
      this.handOver();
    }
    return answered;
  }

  /**
   * BEGIN IMMEDIATE without blocking the event loop: when another connection holds the write lock (the
   * CLI, another app on the same file), better-sqlite3's busy handler would sleep the whole process —
   * here that connection's own commit group, waiting for its turn of the event loop, among others. So try
   * without a busy wait, and on SQLITE_BUSY wait asynchronously and try again, up to the busy timeout.
   */
  private async beginImmediate(): Promise<void> {
    const db = this.sqlite;
    const timeoutMs = Number(db.pragma('busy_timeout', { simple: true })) || 0;
    const deadline = performance.now() + timeoutMs;
    for (let delay = 1; ; delay = Math.min(delay * 2, 25)) {
      db.pragma('busy_timeout = 0');
      try {
        db.exec('BEGIN IMMEDIATE');
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== 'SQLITE_BUSY' || performance.now() >= deadline) throw e;
      } finally {
        db.pragma(`busy_timeout = ${timeoutMs}`);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** A read-only transaction: alone (never in a commit group), one consistent state of the database. */
  private async readOnlyTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const wait = this.acquire();
    if (wait) await wait;
    const state: TxState = { active: true, savepoints: 0, handle: this };
    try {
      this.sqlite.exec('BEGIN DEFERRED');
      let result: T;
      try {
        result = await this.context.run(state, () => fn(this));
      } catch (e) {
        if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
        throw e;
      }
      this.sqlite.exec('COMMIT');
      return result;
    } finally {
      state.active = false;
      this.release();
    }
  }

  private async savepoint<T>(state: TxState, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const name = `sp${++state.savepoints}`;
    this.sqlite.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      this.sqlite.exec(`RELEASE ${name}`);
      return result;
    } catch (e) {
      if (this.sqlite.inTransaction) {
        this.sqlite.exec(`ROLLBACK TO ${name}`);
        this.sqlite.exec(`RELEASE ${name}`);
      }
      throw e;
    } finally {
      state.savepoints--;
    }
  }
}
