import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.js';

let dir: string;
let ds: DataSource;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'duban-schema-'));
  ds = new DataSource({ ...dataSourceOptions({ dataDir: dir, database: 'schema.db' }), logging: false });
  await ds.initialize();
  await ds.runMigrations();
});
afterAll(async () => {
  await ds?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('schema', () => {
  it('is exactly what the entities describe once the migrations ran (no drift)', async () => {
    const sql = await ds.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('runs in WAL mode with foreign keys on', async () => {
    expect(await ds.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await ds.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
  });

  it('refuses to update or delete an event row (append-only log)', async () => {
    await ds.query(`INSERT INTO plans (id, year, name, created_at) VALUES ('p', 2026, 'p', 'x')`);
    await ds.query(`INSERT INTO units (id, name, created_at) VALUES ('u', 'u', 'x')`);
    await ds.query(`INSERT INTO indicators (id, plan_id, code, name, points, method_code, created_at) VALUES ('i', 'p', '1', 'i', 1, 'ratio', 'x')`);
    await ds.query(`INSERT INTO tasks (id, plan_id, indicator_id, unit_id, state, version, machine_version, snapshot, last_seq, last_hash, created_at, updated_at)
                    VALUES ('t', 'p', 'i', 'u', 'assigned', 1, 1, '{}', 1, 'h', 'x', 'x')`);
    await ds.query(`INSERT INTO task_events (task_id, seq, type, payload, actor_role, occurred_at, recorded_at, state_after, machine_version, prev_hash, hash)
                    VALUES ('t', 1, 'task.created', '{}', 'system', 'x', 'x', '"live"', 1, '0', 'h')`);
    await expect(ds.query(`UPDATE task_events SET payload = '{"x":1}'`)).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
    await expect(ds.query(`DELETE FROM task_events`)).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
    expect(await ds.query('SELECT payload FROM task_events')).toEqual([{ payload: '{}' }]);
  });
});
