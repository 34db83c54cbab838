import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, postgresDataSourceOptions } from '../src/database/data-source.js';
import { MIGRATIONS } from '../src/database/migrations/index.js';
import { POSTGRES_MIGRATIONS } from '../src/database/migrations/postgres/index.js';
import { createTestDatabase, dropTestDatabase, pgUrl, TEST_DB } from './support/postgres.js';

/**
 * The PostgreSQL schema drift check (run with the suite on PostgreSQL): the twins in
 * src/database/migrations/postgres/ (see its README) build exactly the schema the SQLite migrations build —
 * the one test/schema.e2e-spec.ts checks against the entities — up to the documented type mapping.
 */
const describePg = TEST_DB === 'postgres' ? describe : describe.skip;

interface Column {
  name: string;
  type: string;
  nullable: boolean;
  pk: boolean;
}
interface Index {
  name: string;
  unique: boolean;
  columns: string[];
  where: string | null;
}
interface ForeignKey {
  column: string;
  table: string;
  to: string;
  onDelete: string;
}
interface Schema {
  tables: Record<string, { columns: Column[]; indexes: Index[]; foreignKeys: ForeignKey[] }>;
  triggers: string[];
}

/** SQLite type → the PostgreSQL types its twin may use (migrations/postgres/README.md). */
const TYPE_MAP: Record<string, string[]> = {
  text: ['text'],
  integer: ['integer', 'bigint'],
  real: ['double precision'],
  boolean: ['integer'],
};

const normWhere = (w: string | null | undefined) =>
  w
    ? w
        .replace(/::[a-z ]+/g, '')
        .replace(/["()]/g, '')
        .replace(/\s+/g, ' ')
        .trim()
        .toLowerCase()
    : null;
const INTERNAL = new Set(['migrations', 'sqlite_sequence']);

function sqliteSchema(file: string): Schema {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).filter(
      (t) => !INTERNAL.has(t.name),
    );
    const out: Schema = { tables: {}, triggers: [] };
    for (const { name } of tables) {
      const columns = (db.pragma(`table_info("${name}")`) as { name: string; type: string; notnull: number; pk: number }[]).map((c) => ({
        name: c.name,
        type: c.type.toLowerCase(),
        nullable: c.notnull === 0 && c.pk === 0,
        pk: c.pk > 0,
      }));
      const indexes: Index[] = [];
      for (const i of db.pragma(`index_list("${name}")`) as { name: string; unique: number; origin: string; partial: number }[]) {
        if (i.origin === 'pk') continue;
        const cols = (db.pragma(`index_info("${i.name}")`) as { name: string }[]).map((c) => c.name);
        const sql =
          (db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`).get(i.name) as { sql: string | null } | undefined)?.sql ?? '';
        indexes.push({ name: i.name, unique: i.unique === 1, columns: cols, where: normWhere(/\bWHERE\b(.*)$/is.exec(sql)?.[1]) });
      }
      const foreignKeys = (db.pragma(`foreign_key_list("${name}")`) as { from: string; table: string; to: string; on_delete: string }[]).map((k) => ({
        column: k.from,
        table: k.table,
        to: k.to,
        onDelete: k.on_delete.toUpperCase(),
      }));
      out.tables[name] = {
        columns,
        indexes: indexes.sort((a, b) => a.name.localeCompare(b.name)),
        foreignKeys: foreignKeys.sort((a, b) => a.column.localeCompare(b.column)),
      };
    }
    out.triggers = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    return out;
  } finally {
    db.close();
  }
}

async function postgresSchema(ds: DataSource): Promise<Schema> {
  const q = <T>(sql: string, ...p: unknown[]) => ds.query(sql, p) as Promise<T[]>;
  const out: Schema = { tables: {}, triggers: [] };
  const tables = (
    await q<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
  )
    .map((t) => t.table_name)
    .filter((t) => !INTERNAL.has(t))
    .sort();
  for (const name of tables) {
    const pk = new Set(
      (
        await q<{ column_name: string }>(
          `SELECT k.column_name FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_name = c.table_name
       WHERE c.table_name = $1 AND c.constraint_type = 'PRIMARY KEY'`,
          name,
        )
      ).map((r) => r.column_name),
    );
    const columns = (
      await q<{ column_name: string; data_type: string; is_nullable: string }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        name,
      )
    ).map((c) => ({ name: c.column_name, type: c.data_type, nullable: c.is_nullable === 'YES' && !pk.has(c.column_name), pk: pk.has(c.column_name) }));
    const indexes = (
      await q<{ name: string; unique: boolean; columns: string[]; def: string }>(
        `SELECT ic.relname AS name, ix.indisunique AS unique, pg_get_indexdef(ix.indexrelid) AS def,
              array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS columns
       FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid JOIN pg_class tc ON tc.oid = ix.indrelid
       WHERE tc.relname = $1 AND NOT ix.indisprimary`,
        name,
      )
    ).map((i) => ({ name: i.name, unique: i.unique, columns: i.columns, where: normWhere(/\bWHERE\b(.*)$/is.exec(i.def)?.[1]) }));
    const foreignKeys = (
      await q<{ column: string; table: string; to: string; on_delete: string }>(
        `SELECT kcu.column_name AS column, ccu.table_name AS table, ccu.column_name AS to, rc.delete_rule AS on_delete
       FROM information_schema.referential_constraints rc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name
       JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.constraint_name
       WHERE kcu.table_name = $1`,
        name,
      )
    ).map((k) => ({ column: k.column, table: k.table, to: k.to, onDelete: k.on_delete }));
    out.tables[name] = {
      columns,
      indexes: indexes.sort((a, b) => a.name.localeCompare(b.name)),
      foreignKeys: foreignKeys.sort((a, b) => a.column.localeCompare(b.column)),
    };
  }
  out.triggers = (await q<{ tgname: string }>(`SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname`)).map((t) => t.tgname);
  return out;
}

let dir: string;
let database: string;
let ds: DataSource;
let sqlite: Schema;
let pg: Schema;

beforeAll(async () => {
  if (TEST_DB !== 'postgres') return;
  dir = mkdtempSync(join(tmpdir(), 'duban-schema-pg-'));
  const lite = new DataSource({ ...dataSourceOptions({ dataDir: dir, database: 'schema.db' }), logging: false });
  await lite.initialize();
  await lite.runMigrations();
  await lite.destroy();
  sqlite = sqliteSchema(join(dir, 'schema.db'));
  database = await createTestDatabase(); // the run's template: built by the PostgreSQL migrations
  ds = new DataSource({ ...postgresDataSourceOptions(pgUrl(database), 1), logging: false });
  await ds.initialize();
  await ds.runMigrations(); // none pending
  pg = await postgresSchema(ds);
});
afterAll(async () => {
  await ds?.destroy();
  if (database) await dropTestDatabase(database);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describePg('PostgreSQL schema (the twins of the SQLite migrations)', () => {
  it('has a twin of every SQLite migration, with the same name, in the same order', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => new m().name)).toEqual(MIGRATIONS.map((m) => new m().name));
    expect(POSTGRES_MIGRATIONS.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('has no migration pending once built', async () => {
    expect(await ds.showMigrations()).toBe(false);
  });

  it('has the same tables, columns (order, nullability, primary keys, mapped types), indexes and foreign keys as SQLite', () => {
    expect(Object.keys(pg.tables)).toEqual(Object.keys(sqlite.tables));
    for (const [name, lite] of Object.entries(sqlite.tables)) {
      const twin = pg.tables[name];
      expect({ table: name, columns: twin.columns.map((c) => [c.name, c.nullable, c.pk]) }).toEqual({
        table: name,
        columns: lite.columns.map((c) => [c.name, c.nullable, c.pk]),
      });
      for (const [i, c] of lite.columns.entries()) {
        expect({
          column: `${name}.${c.name}`,
          allowed: TYPE_MAP[c.type]?.includes(twin.columns[i].type) ?? false,
          sqlite: c.type,
          postgres: twin.columns[i].type,
        }).toEqual({ column: `${name}.${c.name}`, allowed: true, sqlite: c.type, postgres: twin.columns[i].type });
      }
      expect({ table: name, indexes: twin.indexes }).toEqual({ table: name, indexes: lite.indexes });
      expect({ table: name, foreignKeys: twin.foreignKeys }).toEqual({ table: name, foreignKeys: lite.foreignKeys });
    }
  });

  it('guards the same tables append-only (plus TRUNCATE, which row triggers miss)', () => {
    expect(pg.triggers.filter((t) => !t.endsWith('_no_truncate'))).toEqual(sqlite.triggers);
    expect(pg.triggers.filter((t) => t.endsWith('_no_truncate')).map((t) => t.replace(/_no_truncate$/, '_no_update'))).toEqual(
      sqlite.triggers.filter((t) => t.endsWith('_no_update')),
    );
  });

  it('refuses to update, delete or truncate an event row (append-only log)', async () => {
    await ds.query(`INSERT INTO plans (id, year, name, created_at) VALUES ('p', 2026, 'p', 'x')`);
    await ds.query(`INSERT INTO units (id, name, created_at) VALUES ('u', 'u', 'x')`);
    await ds.query(`INSERT INTO indicators (id, plan_id, code, name, points, method_code, created_at) VALUES ('i', 'p', '1', 'i', 1, 'ratio', 'x')`);
    await ds.query(`INSERT INTO tasks (id, plan_id, indicator_id, unit_id, state, version, machine_version, snapshot, last_seq, last_hash, created_at, updated_at)
                    VALUES ('t', 'p', 'i', 'u', 'assigned', 1, 1, '{}', 1, 'h', 'x', 'x')`);
    await ds.query(`INSERT INTO task_events (task_id, seq, type, payload, actor_role, occurred_at, recorded_at, state_after, machine_version, prev_hash, hash)
                    VALUES ('t', 1, 'task.created', '{}', 'system', 'x', 'x', '"live"', 1, '0', 'h')`);
    await expect(ds.query(`UPDATE task_events SET payload = '{"x":1}'`)).rejects.toThrow(/task_events is append-only/);
    await expect(ds.query(`DELETE FROM task_events`)).rejects.toThrow(/task_events is append-only/);
    await expect(ds.query(`TRUNCATE task_events CASCADE`)).rejects.toThrow(/task_events is append-only/);
    expect(await ds.query('SELECT payload FROM task_events')).toEqual([{ payload: '{}' }]);
    await expect(
      ds.query(`INSERT INTO task_events (task_id, seq, type, payload, actor_role, occurred_at, recorded_at, state_after, machine_version, prev_hash, hash)
                    VALUES ('t', 1, 'task.created', '{}', 'system', 'x', 'x', '"live"', 1, '0', 'h')`),
    ).rejects.toMatchObject({ code: '23505' });
  });
});
