import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppConfig, loadConfig } from '../../config/app.config.js';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createAdapter } from '../../src/app.setup.js';
import { UsersService } from '../../src/auth/users.service.js';
import { Clock, FixedClock, ManualClock } from '../../src/common/clock.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { createTestDatabase, dropTestDatabase, pgMarker, pgUrl, TEST_DB } from './postgres.js';

export interface TestApp {
  app: NestFastifyApplication;
  clock: FixedClock;
  db: DatabaseService;
  dataDir: string;
  /** The DUBAN_* settings that point another process (the CLI) at this app's data and database. */
  env: Record<string, string>;
  http: () => ReturnType<typeof request>;
  /** Log in and return an Authorization header value. */
  login(username: string, password?: string): Promise<string>;
  createUser(username: string, role: string, unitId?: string): Promise<string>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery staple';

/**
 * The real application on a fresh database built by the migrations, with a clock the test moves: a SQLite
 * file in a fresh data directory, or with E2E_DB=postgres a PostgreSQL database of its own (see
 * postgres.ts). A second app started on the same `dataDir` opens the same database, on either.
 */
export async function startTestApp(opts: { now?: string; env?: Record<string, string>; dataDir?: string; keepData?: boolean } = {}): Promise<TestApp> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'duban-e2e-'));
  const env: Record<string, string> = {
    DUBAN_DATA_DIR: dataDir,
    DUBAN_DB: 'test.db',
    DUBAN_DEMO: 'false',
    DUBAN_JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    ...opts.env,
  };
  // DUBAN_JWT_SECRET: '' → none configured (the secret then comes from the database).
  if (env.DUBAN_JWT_SECRET === '') delete env.DUBAN_JWT_SECRET;
  let pgDatabase: string | undefined;
  if (TEST_DB === 'postgres' && !env.DUBAN_DATABASE_URL) {
    // Which database belongs to this data directory, kept beside it (not in it: a test may check the
    // directory the app itself creates).
    const marker = pgMarker(dataDir);
    if (existsSync(marker)) pgDatabase = readFileSync(marker, 'utf8');
    else {
      pgDatabase = await createTestDatabase();
      writeFileSync(marker, pgDatabase);
    }
    env.DUBAN_DATABASE_URL = pgUrl(pgDatabase);
  }
  const config = loadConfig(env);
  const start = new Date(opts.now ?? '2026-03-02T02:00:00.000Z');
  // DUBAN_CLOCK=manual: the drill clock (forward only, POST /clock), started at `now`; otherwise a clock the test moves freely.
  const clock = config.DUBAN_CLOCK === 'manual' ? new ManualClock(start) : new FixedClock(start);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(), { logger: ['error'] });
  await configureApp(app, { swaggerUi: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const users = app.get(UsersService);
  const http = () => request(app.getHttpServer());
  const t: TestApp = {
    app,
    clock,
    db: app.get(DatabaseService),
    dataDir,
    env: { ...env },
    http,
    async login(username, password = PASSWORD) {
      const res = await http().post('/auth/login').send({ username, password });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      return `Bearer ${res.body.accessToken}`;
    },
    async createUser(username, role, unitId) {
      await users.create({ username, displayName: username, password: PASSWORD, role: role as never, unitId });
      return t.login(username);
    },
    async close() {
      await app.close();
      if (!opts.keepData) {
        rmSync(dataDir, { recursive: true, force: true });
        if (pgDatabase) {
          await dropTestDatabase(pgDatabase);
          rmSync(pgMarker(dataDir), { force: true });
        }
      }
    },
  };
  return t;
}

/** Everything a refused request must leave untouched, as one comparable value (either database). */
export async function databaseFingerprint(db: DatabaseService): Promise<string> {
  const q = async (sql: string) => JSON.stringify(await db.all(sql));
  return (
    await Promise.all([
      q('SELECT id, version, state, light, snapshot, last_hash FROM tasks ORDER BY id'),
      q('SELECT task_id, seq, hash FROM task_events ORDER BY id'),
      q('SELECT task_id, seq, status, due_at FROM nodes ORDER BY task_id, seq'),
      q('SELECT count(*) AS n FROM outbox'),
      q('SELECT id, sha256 FROM evidence_files ORDER BY id'),
    ])
  ).join('\n');
}

/** The test suite's database: 'sqlite' or 'postgres' (E2E_DB). */
export { TEST_DB };
/** `describe` on SQLite only — for what PostgreSQL has no equivalent of (file modes, pragmas, file copies). */
export const onSqliteOnly = TEST_DB === 'sqlite';

/** Every row of every table, as one comparable value (content equivalence, byte for byte), on either database. */
export async function databaseContent(db: DatabaseService): Promise<string> {
  const tables =
    db.dialect === 'postgres'
      ? await db.column<string>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name COLLATE "C"`,
        )
      : await db.column<string>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
  const out: string[] = [];
  for (const name of tables) {
    // SQLite: insertion order (rowid); PostgreSQL has no rowid, so rows in the order of their text.
    const order = db.dialect === 'postgres' ? `ORDER BY x::text COLLATE "C"` : 'ORDER BY rowid';
    out.push(`${name}\n${JSON.stringify(await db.all(`SELECT * FROM "${name}" x ${order}`))}`);
  }
  return out.join('\n');
}
