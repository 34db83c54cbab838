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
import { IndicatorsService } from '../../src/indicators/indicators.service.js';
import { PlansService } from '../../src/plans/plans.service.js';
import { TaskCommandService } from '../../src/tasks/task-commands.service.js';
import { TasksService } from '../../src/tasks/tasks.service.js';
import { UnitsService } from '../../src/units/units.service.js';
import { fmt, line, summarize } from './stats.js';

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
    const ind = await app.get(IndicatorsService).create({ planId: plan.id, code: `I${i}`, name: `指标${i}`, points: 10, methodCode: 'node_platform', assessingUnitId: 'u-assess' });
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

async function withContext<T>(dataDir: string, fn: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  process.env.DUBAN_DATA_DIR = dataDir;
  process.env.DUBAN_DEMO = 'false';
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** Baseline: the same command handler, same events, in-process, no HTTP. */
async function baseline(): Promise<ReturnType<typeof summarize>> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-base-'));
  try {
    return await withContext(dir, async (app) => {
      const fx = await seed(app);
      const commands = app.get(TaskCommandService);
      const clock = app.get(Clock);
      const lat: number[] = [];
      const start = performance.now();
      for (const taskId of fx.taskIds) {
        let version = 1;
        for (const step of script()) {
          const t0 = performance.now();
          await commands.apply(taskId, { type: step.type, at: clock.nowIso(), ...step.payload } as never, step.who === 'dept' ? fx.dept : fx.assessor, version);
          lat.push(performance.now() - t0);
          version++;
        }
      }
      return summarize(lat, performance.now() - start);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function request(agent: http.Agent, port: number, method: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: { 'content-type': 'application/json', ...(data ? { 'content-length': data.length } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } },
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

/** The service in its own process (as deployed); 50 keep-alive connections, each driving its own tasks. */
async function overHttp(): Promise<{ stats: ReturnType<typeof summarize>; errors: number; statuses: Record<number, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-http-'));
  const port = Number(process.env.BENCH_HTTP_PORT) || 38000 + Math.floor(Math.random() * 1000);
  const fx = await withContext(dir, seed);
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, 'dist/src/main.js'], {
    env: { ...process.env, DUBAN_DATA_DIR: dir, DUBAN_PORT: String(port), DUBAN_DEMO: 'false', DUBAN_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForHealth(port, child);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const login = async (username: string) => JSON.parse((await request(agent, port, 'POST', '/auth/login', { username, password: PASSWORD })).body).accessToken as string;
    const tokens = { dept: await login('dept'), assessor: await login('assessor') };
    // Warm-up, not timed: one read per connection so sockets are open and routes compiled.
    const w0 = performance.now();
    await Promise.all(Array.from({ length: CONNECTIONS }, () => request(agent, port, 'GET', '/tasks?pageSize=1', undefined, tokens.dept)));
    if (process.env.BENCH_DEBUG) console.log('warm-up ms', (performance.now() - w0).toFixed(0));
    const lat: number[] = [];
    const statuses: Record<number, number> = {};
    let errors = 0;
    const queue = [...fx.taskIds];
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        for (let taskId = queue.shift(); taskId; taskId = queue.shift()) {
          let version = 1;
          for (const step of script()) {
            const t0 = performance.now();
            const r = await request(agent, port, 'POST', `/tasks/${taskId}/events`, { type: step.type, expectedVersion: version, payload: step.payload }, tokens[step.who]);
            lat.push(performance.now() - t0);
            if (process.env.BENCH_DEBUG && performance.now() - t0 > 1000) console.log('slow', (t0 - start).toFixed(0), (performance.now() - t0).toFixed(0), step.type);
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
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchHttpEvents(): Promise<void> {
  const events = TASKS * (1 + 2 * NODES_PER_TASK);
  console.log(`\n== Task events over HTTP (issue 2): ${TASKS} tasks × ${1 + 2 * NODES_PER_TASK} events = ${events} events, ${CONNECTIONS} connections ==`);
  const base = await baseline();
  line('baseline: command handler in-process', `${fmt(base.perSecond, 0)} events/s  p50 ${fmt(base.p50, 2)} ms  p99 ${fmt(base.p99, 2)} ms`);
  const h = await overHttp();
  line('over HTTP (Fastify, JWT, validation, 50 conn)', `${fmt(h.stats.perSecond, 0)} events/s  p50 ${fmt(h.stats.p50, 1)} ms  p99 ${fmt(h.stats.p99, 1)} ms  max ${fmt(h.stats.max, 1)} ms`);
  line('responses by status', JSON.stringify(h.statuses));
  line('bar: ≥ 500 events/s, p99 ≤ 150 ms', h.stats.perSecond >= 500 && h.stats.p99 <= 150 && h.errors === 0 ? 'met' : 'NOT MET');
}
