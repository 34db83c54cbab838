import { userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ensurePrivateDir, ensurePrivateFile } from '../common/private-files.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import { POSTGRES_MIGRATIONS } from './migrations/postgres/index.js';
import { PG_TYPES } from './postgres-database.js';

export interface DatabaseLocation {
  dataDir: string;
  database: string;
  /** SQLite `synchronous` pragma (DUBAN_SQLITE_SYNCHRONOUS); FULL when not given. */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
}

export function resolveDatabasePath({ dataDir, database }: DatabaseLocation): string {
  if (database === ':memory:') return database;
  return isAbsolute(database) ? database : join(dataDir, database);
}

/**
 * SQLite through better-sqlite3 (TypeORM 1.x has no node-sqlite3 driver). WAL journal,
 * synchronous=FULL by default (an acknowledged write survives power loss; DUBAN_SQLITE_SYNCHRONOUS=NORMAL
 * trades that for faster commits, still durable against process crashes), a busy timeout for a second process
 * (the CLI), foreign keys on and a 64 MiB page cache. The schema comes only from migrations.
 */
export function dataSourceOptions(location: DatabaseLocation): DataSourceOptions {
  const synchronous = location.synchronous ?? 'FULL';
  const database = resolveDatabasePath(location);
  if (database !== ':memory:') ensurePrivateDir(dirname(database));
  return {
    type: 'better-sqlite3',
    database,
    enableWAL: database !== ':memory:',
    timeout: 5000,
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      // 0600 before WAL mode is set: SQLite gives the -wal and -shm files the database file's mode.
      if (database !== ':memory:') ensurePrivateFile(database);
      db.pragma(`synchronous = ${synchronous}`);
      db.pragma('foreign_keys = ON');
      // 64 MiB page cache (default 16 MiB): plan-wide reads such as scoring touch every task row (about
      // 20 MB for 10k tasks with their snapshots); measured here, the scoring read costs ~25% less CPU.
      db.pragma('cache_size = -65536');
    },
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
  };
}

/**
 * PostgreSQL through node-postgres: the same entities, the migrations of `migrations/postgres/` (each the
 * twin of the SQLite migration with the same name). The pool TypeORM opens is the one the seam uses
 * (PostgresDatabase), with its type parsers (int8 and numeric as numbers, as SQLite gives them).
 */
export function postgresDataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: withUser(url),
    extra: { max: poolSize, types: PG_TYPES },
    applicationName: 'duban',
    entities: ENTITIES,
    migrations: POSTGRES_MIGRATIONS,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    installExtensions: false,
    logging: ['error'],
  };
}

/**
 * A URL without a user name means the operating-system user, as for psql (node-postgres would read $USER,
 * which a service manager or a container may not set, and then send no user at all).
 */
export function withUser(url: string): string {
  const u = new URL(url);
  if (u.username) return url;
  u.username = encodeURIComponent(process.env.PGUSER ?? userInfo().username);
  return u.toString();
}

/** For the TypeORM CLI (migration:generate --check runs against dist). */
export const AppDataSource = new DataSource(dataSourceOptions({ dataDir: process.env.DUBAN_DATA_DIR ?? 'data', database: process.env.DUBAN_DB ?? 'duban.db' }));
