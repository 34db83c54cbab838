import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { postgresDataSourceOptions } from '../../src/database/data-source.js';

/**
 * PostgreSQL for the e2e suite (E2E_DB=postgres, `npm run test:e2e:pg`): every test app gets a
 * database of its own, `duban_e2e_<run>_<random>`, copied from a template the migrations built once per
 * run (CREATE DATABASE … TEMPLATE is far cheaper than migrating each one); the global teardown
 * (pg-global.mjs) drops every database of the run, the template included.
 */
export const TEST_DB = process.env.E2E_DB === 'postgres' ? 'postgres' : 'sqlite';
/** The server: E2E_PG_URL, by default the machine's PostgreSQL (trust auth). */
export const PG_SERVER = process.env.E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const RUN = process.env.E2E_RUN ?? `p${process.pid}`;

export const pgUrl = (database: string): string => `${PG_SERVER}/${database}`;

/** The file naming the database of a test data directory (so a second app on that directory opens it too). */
export function pgMarker(dataDir: string): string {
  const dir = join(tmpdir(), 'duban-e2e-pg');
  mkdirSync(dir, { recursive: true });
  return join(dir, createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 32));
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: pgUrl('postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let template: Promise<string> | undefined;

/** The run's template database, built by the PostgreSQL migrations on first use. */
function templateDatabase(): Promise<string> {
  template ??= (async () => {
    const name = `duban_e2e_${RUN}_template`;
    const exists = await admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount);
    if (exists) return name;
    const building = `duban_e2e_${RUN}_build_${randomBytes(3).toString('hex')}`;
    await admin((c) => c.query(`CREATE DATABASE "${building}"`));
    const ds = new DataSource({ ...postgresDataSourceOptions(pgUrl(building), 1), logging: false });
    await ds.initialize();
    await ds.runMigrations();
    await ds.destroy();
    await admin((c) => c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`));
    return name;
  })();
  return template;
}

/** A fresh database built by the migrations (a copy of the run's template). */
export async function createTestDatabase(): Promise<string> {
  const tpl = await templateDatabase();
  const name = `duban_e2e_${RUN}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${tpl}"`));
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
