// Jest global setup/teardown for the e2e suite on PostgreSQL (E2E_DB=postgres): a run id that names
// every database the run creates (test/support/postgres.ts), and at the end every one of them dropped —
// also those a test kept (keepData) or a failed test left behind. Nothing happens on SQLite runs.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const server = () => process.env.E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

export async function setup() {
  if (process.env.E2E_DB !== 'postgres') return;
  process.env.E2E_RUN ??= randomBytes(3).toString('hex');
}

export async function teardown() {
  if (process.env.E2E_DB !== 'postgres' || !process.env.E2E_RUN) return;
  const c = new pg.Client({ connectionString: `${server()}/postgres` });
  await c.connect();
  try {
    const { rows } = await c.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`duban_e2e_${process.env.E2E_RUN}_%`]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}
