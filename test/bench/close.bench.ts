import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createAdapter } from '../../src/app.setup.js';
import { UsersService } from '../../src/auth/users.service.js';
import type { Actor } from '../../src/common/actor.js';
import { Progress } from '../../src/common/progress.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { PlansService } from '../../src/plans/plans.service.js';
import { ScoresService } from '../../src/scores/scores.service.js';
import { loadScoringPlan } from './scoring.bench.js';
import { fmt, line, percentile } from './stats.js';

const PLAN = 'bench-scoring';
const PASSWORD = 'bench-password-123';
const IDLE_MS = 3000;

/**
 * A client in a worker thread (so its own work does not share the server's event loop): GET /health and
 * GET /tasks one after the other, each request's latency recorded, until told to stop.
 */
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, token } = workerData;
let stop = false;
parentPort.on('message', (m) => { if (m === 'stop') stop = true; });
(async () => {
  const health = [], tasks = [];
  while (!stop) {
    let t0 = performance.now();
    await (await fetch(base + '/health')).arrayBuffer();
    health.push(performance.now() - t0);
    t0 = performance.now();
    await (await fetch(base + '/tasks?planId=${PLAN}&pageSize=20', { headers: { authorization: 'Bearer ' + token } })).arrayBuffer();
    tasks.push(performance.now() - t0);
  }
  parentPort.postMessage({ health, tasks });
})();
`;

interface Polled {
  health: number[];
  tasks: number[];
}

async function poll<T>(base: string, token: string, during: () => Promise<T>): Promise<{ polled: Polled; value: T }> {
  const worker = new Worker(POLLER, { eval: true, workerData: { base, token } });
  const result = new Promise<Polled>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await new Promise((r) => setTimeout(r, 200)); // the worker's first requests are on their way
  const value = await during();
  worker.postMessage('stop');
  const polled = await result;
  await worker.terminate();
  return { polled, value };
}

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${fmt(percentile(s, 50), 1)} ms, p99 ${fmt(percentile(s, 99), 1)} ms, max ${fmt(s.at(-1) ?? NaN, 0)} ms (${s.length} requests)`;
};

/** A fresh service on its own data directory with the ~10,000-task scoring plan loaded, listening on a port. */
async function withService<T>(fn: (ctx: { app: NestFastifyApplication; base: string; token: string; tasks: number }) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-close-'));
  process.env.DUBAN_DATA_DIR = dir;
  process.env.DUBAN_DEMO = 'false';
  process.env.DUBAN_SWEEP_INTERVAL_SECONDS = '0';
  process.env.DUBAN_LOG_LEVEL = 'error';
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createAdapter(), { logger: ['error'] });
  try {
    await configureApp(app, { swaggerUi: false });
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    const db = app.get(DatabaseService);
    const { tasks } = await loadScoringPlan(db);
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    db.sqlite.exec('ANALYZE');
    await app.get(UsersService).create({ username: 'sup', displayName: 'sup', password: PASSWORD, role: 'supervisor' });
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sup', password: PASSWORD }),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    return await fn({ app, base, token, tasks });
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchClose(): Promise<void> {
  console.log(`\n== Close of a ~10,000-task plan while a client polls GET /health and GET /tasks (issue 11 item 5; SQLite) ==`);
  console.log(
    `  (load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores)`,
  );
  const supervisor: Actor = { userId: null, role: 'supervisor', unitId: null, username: 'bench' };

  // Before: the freeze in one transaction on one turn of the event loop (what the close was), on its own copy.
  await withService(async ({ app, base, token, tasks }) => {
    const idle = await poll(base, token, () => new Promise((r) => setTimeout(r, IDLE_MS)));
    line('no close running: GET /health', stats(idle.polled.health));
    line('no close running: GET /tasks', stats(idle.polled.tasks));
    const db = app.get(DatabaseService);
    const scores = app.get(ScoresService);
    const { polled, value: ms } = await poll(base, token, async () => {
      const t0 = performance.now();
      await db.transaction(async () => {
        await db.run("UPDATE plans SET status = 'closed' WHERE id = ?", PLAN);
        await scores.freezeInTransaction(PLAN, supervisor, new Date().toISOString(), 'close', null, new Progress(undefined, Infinity));
      });
      return performance.now() - t0;
    });
    line(`before: one-turn freeze of ${tasks.toLocaleString()} tasks`, `${fmt(ms / 1000, 2)} s`);
    line('  meanwhile GET /health', stats(polled.health));
    line('  meanwhile GET /tasks', stats(polled.tasks));
  });

  // Now: the close as a job (yields every 8 ms; reads answered from the reader connection).
  await withService(async ({ app, base, token, tasks }) => {
    const plans = app.get(PlansService);
    const db = app.get(DatabaseService) as DatabaseService & { readerReads?: number };
    const { polled, value: ms } = await poll(base, token, async () => {
      const t0 = performance.now();
      await plans.setStatus(PLAN, 'closed', supervisor);
      return performance.now() - t0;
    });
    const h = [...polled.health].sort((a, b) => a - b);
    const l = [...polled.tasks].sort((a, b) => a - b);
    line(`now: close job of ${tasks.toLocaleString()} tasks`, `${fmt(ms / 1000, 2)} s (${db.readerReads ?? 0} reads answered by the reader connection)`);
    line('  meanwhile GET /health', stats(polled.health));
    line('  meanwhile GET /tasks', stats(polled.tasks));
    const worst = Math.max(percentile(h, 99), percentile(l, 99));
    line('bar: p99 ≤ 200 ms during the close', worst <= 200 ? `met (${fmt(worst, 1)} ms)` : `NOT MET (${fmt(worst, 1)} ms)`);
  });
}
