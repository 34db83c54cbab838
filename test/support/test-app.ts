import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppConfig, loadConfig } from '../../config/app.config.js';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createAdapter } from '../../src/app.setup.js';
import { UsersService } from '../../src/auth/users.service.js';
import { Clock, FixedClock, ManualClock } from '../../src/common/clock.js';
import { DatabaseService } from '../../src/database/database.service.js';

export interface TestApp {
  app: NestFastifyApplication;
  clock: FixedClock;
  db: DatabaseService;
  dataDir: string;
  http: () => ReturnType<typeof request>;
  /** Log in and return an Authorization header value. */
  login(username: string, password?: string): Promise<string>;
  createUser(username: string, role: string, unitId?: string): Promise<string>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse battery staple';

/** The real application on a fresh SQLite file built by the migrations, with a clock the test moves. */
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
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Everything a refused request must leave untouched, as one comparable value. */
export function databaseFingerprint(db: DatabaseService): string {
  const q = (sql: string) => JSON.stringify(db.sqlite.prepare(sql).all());
  return [
    q('SELECT id, version, state, light, snapshot, last_hash FROM tasks ORDER BY id'),
    q('SELECT task_id, seq, hash FROM task_events ORDER BY id'),
    q('SELECT task_id, seq, status, due_at FROM nodes ORDER BY task_id, seq'),
    q('SELECT count(*) AS n FROM outbox'),
    q('SELECT id, sha256 FROM evidence_files ORDER BY id'),
  ].join('\n');
}
