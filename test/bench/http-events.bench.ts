import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module.js';
import { UsersService } from '../../src/auth/users.service.js';
import type { Actor } from '../../src/common/actor.js';
import { Clock } from '../../src/common/clock.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { IndicatorsService } from '../../src/indicators/indicators.service.js';
import { PlansService } from '../../src/plans/plans.service.js';
import { TaskCommandService } from '../../src/tasks/task-commands.service.js';
import { TasksService } from '../../src/tasks/tasks.service.js';
import { UnitsService } from '../../src/units/units.service.js';
import pg from 'pg';
import { fmt, line, summarize } from './stats.js';
import { BATCH, postgresCeiling, sqliteCeiling } from './write-ceilings.js';

const CONNECTIONS = 50;
const TASKS = 400;
const NODES_PER_TASK = 10;
const PASSWORD = 'bench-password-123';

interface Fixture {
  taskIds: string[];
  dept: Actor;
  assessor: Actor;
}

/** Units, a plan, users and TASKS tasks of NODES_PER_TASK nodes each, through the services. */
async function seed(app: INestApplicationContext): Promise<Fixture> {
  const units = app.get(UnitsService);
  const users = app.get(UsersService);
  await units.create({ id: 'u-dept', name: '县发改局', kind: 'department' });
  await units.create({ id: 'u-assess', name: '县统计局', kind: 'department' });
  const plan = await app.get(PlansService).create({ id: 'bench', year: 2026, name: 'bench' });
  const dept = await users.create({ username: 'dept', displayName: 'dept', password: PASSWORD, role: 'department', unitId: 'u-dept' });
  const assessor = await users.create({ username: 'assessor', displayName: 'assessor', password: PASSWORD, role: 'assessor', unitId: 'u-assess' });
  await users.create({ username: 'sup', displayName: 'sup', password: PASSWORD, role: 'supervisor' });
  const tasks = app.get(TasksService);
  const sup: Actor = { userId: null, role: 'supervisor', unitId: null };
  const taskIds: string[] = [];
  for (let i = 0; i < TASKS; i++) {
    const ind = await app
      .get(IndicatorsService)
      .create({ planId: plan.id, code: `I${i}`, name: `指标${i}`, points: 10, methodCode: 'node_platform', assessingUnitId: 'u-assess' });
    const nodes = Array.from({ length: NODES_PER_TASK }, (_, n) => ({ seq: n + 1, dueDate: `2027-${String(1 + n).padStart(2, '0')}-28` }));
    taskIds.push((await tasks.create({ planId: plan.id, indicatorId: ind.id, unitId: 'u-dept', nodes }, sup)).id);
  }
  return {
    taskIds,
    dept: { userId: dept.id, role: 'department', unitId: 'u-dept' },
    assessor: { userId: assessor.id, role: 'assessor', unitId: 'u-assess' },
  };
}

/** The events one task goes through: acknowledge, then submit + approve for every node. */
function* script(): Generator<{ type: string; who: 'dept' | 'assessor'; payload: Record<string, unknown> }> {
  yield { type: 'task.acknowledge', who: 'dept', payload: {} };
  for (let n = 0; n < NODES_PER_TASK; n++) {
    yield { type: 'evidence.submit', who: 'dept', payload: { completedValue: n, note: `节点${n + 1}完成情况` } };
    yield { type: 'evidence.approve', who: 'assessor', payload: { reviewedValue: n } };
  }
}

async function withContext<T>(dataDir: string, fn: (app: INestApplicationContext) => Promise<T>, databaseUrl?: string): Promise<T> {
  process.env.DUBAN_DATA_DIR = dataDir;
  process.env.DUBAN_DEMO = 'false';
  if (databaseUrl) process.env.DUBAN_DATABASE_URL = databaseUrl;
  else delete process.env.DUBAN_DATABASE_URL;
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    return await fn(app);
  } finally {
    await app.close();
    delete process.env.DUBAN_DATABASE_URL;
  }
}

/** The PostgreSQL server the bench uses (BENCH_PG_URL, by default the machine's), or null when none answers. */
const PG_SERVER = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh database for one measurement, dropped afterwards. */
async function withPgDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `duban_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await pgAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  try {
    return await fn(`${PG_SERVER}/${name}`);
  } finally {
    await pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
}

/**
 * Baseline: the same command handler, same events, in-process, no HTTP — with `writers` concurrent
 * writers (1: one event after another; CONNECTIONS: what group commit makes of concurrency, reported as
 * transactions per COMMIT).
 */
async function inProcess(writers: number): Promise<{ stats: ReturnType<typeof summarize>; perCommit: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-base-'));
  try {
    return await withContext(dir, async (app) => {
      const fx = await seed(app);
      const commands = app.get(TaskCommandService);
      const clock = app.get(Clock);
      const db = app.get(DatabaseService) as unknown as { groupCommits?: number; groupMembers?: number };
      const c0 = db.groupCommits ?? 0;
      const m0 = db.groupMembers ?? 0;
      const lat: number[] = [];
      const queue = [...fx.taskIds];
      const start = performance.now();
      await Promise.all(
        Array.from({ length: writers }, async () => {
          for (let taskId = queue.shift(); taskId; taskId = queue.shift()) {
            let version = 1;
            for (const step of script()) {
              const t0 = performance.now();
              await commands.apply(
                taskId,
                { type: step.type, at: clock.nowIso(), ...step.payload } as never,
                step.who === 'dept' ? fx.dept : fx.assessor,
                version,
              );
              lat.push(performance.now() - t0);
              version++;
            }
          }
        }),
      );
      const stats = summarize(lat, performance.now() - start);
      const commits = (db.groupCommits ?? 0) - c0;
      return { stats, perCommit: commits ? ((db.groupMembers ?? 0) - m0) / commits : NaN };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function request(agent: http.Agent, port: number, method: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          'content-type': 'application/json',
          ...(data ? { 'content-length': data.length } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

async function waitForHealth(port: number, child: ChildProcess): Promise<void> {
  const agent = new http.Agent();
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error('server exited during start');
    try {
      const r = await request(agent, port, 'GET', '/health', undefined);
      if (r.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

/**
 * The service in its own process(es) (as deployed; on PostgreSQL `instances` processes on one database);
 * 50 keep-alive connections spread over the instances, each driving its own tasks.
 */
async function overHttp(
  databaseUrl?: string,
  instances = 1,
): Promise<{ stats: ReturnType<typeof summarize>; errors: number; statuses: Record<number, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-http-'));
  const basePort = Number(process.env.BENCH_HTTP_PORT) || 38000 + Math.floor(Math.random() * 1000);
  const ports = Array.from({ length: instances }, (_, i) => basePort + i);
  const fx = await withContext(dir, seed, databaseUrl);
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const children = ports.map((port) =>
    spawn(process.execPath, [...profile, '--max-semi-space-size=64', 'dist/src/main.js'], {
      env: {
        ...process.env,
        DUBAN_DATA_DIR: dir,
        DUBAN_PORT: String(port),
        DUBAN_DEMO: 'false',
        DUBAN_LOG_LEVEL: 'error',
        DUBAN_SQLITE_SYNCHRONOUS: 'FULL',
        ...(databaseUrl ? { DUBAN_DATABASE_URL: databaseUrl } : {}),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const port = ports[0];
  try {
    for (const [i, child] of children.entries()) await waitForHealth(ports[i], child);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const login = async (username: string) =>
      JSON.parse((await request(agent, port, 'POST', '/auth/login', { username, password: PASSWORD })).body).accessToken as string;
    const tokens = { dept: await login('dept'), assessor: await login('assessor') };
    // Warm-up, not timed: one read per connection so sockets are open and routes compiled.
    const w0 = performance.now();
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, c) => request(agent, ports[c % instances], 'GET', '/tasks?pageSize=1', undefined, tokens.dept)));
    if (process.env.BENCH_DEBUG) console.log('warm-up ms', (performance.now() - w0).toFixed(0));
    const lat: number[] = [];
    const statuses: Record<number, number> = {};
    let errors = 0;
    const queue = [...fx.taskIds];
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, c) => {
        const to = ports[c % instances];
        for (let taskId = queue.shift(); taskId; taskId = queue.shift()) {
          let version = 1;
          for (const step of script()) {
            const t0 = performance.now();
            const r = await request(
              agent,
              to,
              'POST',
              `/tasks/${taskId}/events`,
              { type: step.type, expectedVersion: version, payload: step.payload },
              tokens[step.who],
            );
            lat.push(performance.now() - t0);
            if (process.env.BENCH_DEBUG && performance.now() - t0 > 1000)
              console.log('slow', (t0 - start).toFixed(0), (performance.now() - t0).toFixed(0), step.type);
            statuses[r.status] = (statuses[r.status] ?? 0) + 1;
            if (r.status !== 200) {
              errors++;
              break;
            }
            version++;
          }
        }
      }),
    );
    const stats = summarize(lat, performance.now() - start);
    agent.destroy();
    return { stats, errors, statuses };
  } finally {
    for (const child of children) {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchHttpEvents(): Promise<void> {
  const events = TASKS * (1 + 2 * NODES_PER_TASK);
  console.log(`\n== Task events over HTTP (issues 2, 11): ${TASKS} tasks × ${1 + 2 * NODES_PER_TASK} events = ${events} events, ${CONNECTIONS} connections ==`);
  console.log('  SQLite (synchronous = FULL)');
  const base = (await inProcess(1)).stats;
  line('baseline: command handler in-process', `${fmt(base.perSecond, 0)} events/s  p50 ${fmt(base.p50, 2)} ms  p99 ${fmt(base.p99, 2)} ms`);
  const conc = await inProcess(CONNECTIONS);
  line(
    `command handler in-process, ${CONNECTIONS} concurrent`,
    `${fmt(conc.stats.perSecond, 0)} events/s  p50 ${fmt(conc.stats.p50, 2)} ms  p99 ${fmt(conc.stats.p99, 2)} ms  (group commit: ${fmt(conc.perCommit, 1)} transactions per COMMIT)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-raw-'));
  let raw: ReturnType<typeof sqliteCeiling>;
  try {
    raw = sqliteCeiling(join(dir, 'raw.db'), events);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  line('raw ceiling: one event per transaction', `${fmt(raw.single.perSecond, 0)} events/s`);
  line(`raw ceiling: ${BATCH} events per transaction`, `${fmt(raw.batched.perSecond, 0)} events/s`);
  const h = await overHttp();
  line(
    'over HTTP (Fastify, JWT, validation, 50 conn)',
    `${fmt(h.stats.perSecond, 0)} events/s  p50 ${fmt(h.stats.p50, 1)} ms  p99 ${fmt(h.stats.p99, 1)} ms  max ${fmt(h.stats.max, 1)} ms`,
  );
  line('responses by status', JSON.stringify(h.statuses));
  const ratio = h.stats.perSecond / raw.batched.perSecond;
  line('HTTP ÷ batched raw ceiling', `${fmt(ratio, 2)} ×  (HTTP ÷ one-event raw: ${fmt(h.stats.perSecond / raw.single.perSecond, 2)} ×)`);
  line(
    'bar: ≥ 3,000 events/s and ≥ 0.35 × batched, p99 ≤ 100 ms',
    h.stats.perSecond >= 3000 && ratio >= 0.35 && h.stats.p99 <= 100 && h.errors === 0 ? 'met' : 'NOT MET',
  );

  let reachable = true;
  try {
    await pgAdmin((c) => c.query('SELECT 1'));
  } catch (e) {
    reachable = false;
    console.log(`  PostgreSQL: not reachable at ${PG_SERVER} (${(e as Error).message}); skipped`);
  }
  if (!reachable) return;
  console.log(`  PostgreSQL (${PG_SERVER}, 2 instances)`);
  const pgRaw = await withPgDatabase((url) => postgresCeiling(url, events, 10));
  line('raw ceiling: one event per transaction (10 conn)', `${fmt(pgRaw.single.perSecond, 0)} events/s  p99 ${fmt(pgRaw.single.p99, 1)} ms`);
  line(`raw ceiling: ${BATCH} events per transaction (10 conn)`, `${fmt(pgRaw.batched.perSecond, 0)} events/s`);
  const p = await withPgDatabase((url) => overHttp(url, 2));
  line(
    'over HTTP, 2 instances, 50 conn',
    `${fmt(p.stats.perSecond, 0)} events/s  p50 ${fmt(p.stats.p50, 1)} ms  p99 ${fmt(p.stats.p99, 1)} ms  max ${fmt(p.stats.max, 1)} ms`,
  );
  line('responses by status', JSON.stringify(p.statuses));
  line(
    'HTTP ÷ batched raw ceiling',
    `${fmt(p.stats.perSecond / pgRaw.batched.perSecond, 2)} ×  (HTTP ÷ one-event raw: ${fmt(p.stats.perSecond / pgRaw.single.perSecond, 2)} ×)`,
  );
  line('bar: ≥ 1,500 events/s, p99 ≤ 100 ms', p.stats.perSecond >= 1500 && p.stats.p99 <= 100 && p.errors === 0 ? 'met' : 'NOT MET');
}
