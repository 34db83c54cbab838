import { afterAll, describe, expect, it, jest } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { call, startInstance, type Instance } from './support/instances.js';
import { seedPlan } from './support/fixtures.js';
import { startTestApp, TEST_DB, type TestApp } from './support/test-app.js';

/**
 * Nothing lost when a process dies (issue 11 item 6). Real service processes under concurrent writers,
 * one of them killed with SIGKILL mid-load:
 * - PostgreSQL: three instances on one database; the one killed is the sweep leader, killed just after
 *   the drill clocks move past the first nodes' due day (its sweep under way);
 * - SQLite: one process, killed the same way, then started again on the same file.
 * Afterwards: every acknowledged event is in the history, every chain verifies, every node has exactly one
 * red light (none missing, none twice), the sweep went on (on another instance / after the restart), and
 * every webhook delivery reached the receiver.
 */
jest.setTimeout(240_000);

const SECRET = 'crash-test-secret-crash-test-secret-0123';
const DUE = ['2027-01-15', '2027-02-15'];
const units = ['u-fgw', 'u-czj'];

let seed: TestApp | undefined;
let receiver: http.Server | undefined;
const instances: Instance[] = [];
const received = new Map<string, number>();
let serial = 0;

afterAll(async () => {
  for (const i of instances) await i.stop().catch(() => undefined);
  await seed?.close();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, seconds = 90): Promise<T> {
  let v = await probe();
  for (let i = 0; i < seconds * 4 && !done(v); i++) {
    await sleep(250);
    v = await probe();
  }
  if (!done(v)) throw new Error(`${what}: still ${JSON.stringify(v)} after ${seconds} s`);
  return v;
}

/** The data every instance shares: units, a 2027 plan, users (tokens are valid on every instance), a webhook. */
async function prepare() {
  receiver = http.createServer((req, res) => {
    const key = String(req.headers['idempotency-key']);
    req.resume();
    req.on('end', () => {
      received.set(key, (received.get(key) ?? 0) + 1);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
  const hookPort = (receiver.address() as AddressInfo).port;
  seed = await startTestApp({ now: new Date().toISOString(), env: { DUBAN_JWT_SECRET: SECRET, DUBAN_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' } });
  const f = await seedPlan(seed, { id: 'p-2027', year: 2027 });
  const hook = await seed
    .http()
    .post('/webhooks')
    .set('authorization', f.admin)
    .send({ url: `http://127.0.0.1:${hookPort}/hook` });
  if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${JSON.stringify(hook.body)}`);
  return { admin: f.admin, supervisor: f.supervisor, dept: { 'u-fgw': f.dept, 'u-czj': f.otherDept } as Record<string, string>, auditor: f.auditor };
}

type Users = Awaited<ReturnType<typeof prepare>>;

function instanceEnv(): Record<string, string> {
  return {
    ...seed!.env,
    DUBAN_JWT_SECRET: SECRET,
    DUBAN_DEMO: 'false',
    DUBAN_CLOCK: 'manual',
    DUBAN_SWEEP_INTERVAL_SECONDS: '1',
    DUBAN_LEADER_POLL_SECONDS: '1',
    DUBAN_NOTIFY_INTERVAL_MS: '200',
    DUBAN_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    DUBAN_WEBHOOK_BACKOFF_MS: '100',
    DUBAN_WEBHOOK_TIMEOUT_MS: '2000',
    DUBAN_LOG_LEVEL: 'log',
  };
}

/**
 * Writers through every live instance, round robin: each makes an indicator and a task with two nodes,
 * then the department acknowledges it. Every answered write (201/200) is recorded as (task, seq).
 */
function startWriters(users: Users, live: () => Instance[], perInstance: number) {
  const acked: { taskId: string; seq: number }[] = [];
  const tasks: string[] = [];
  let stop = false;
  let n = 0;
  let failures = 0;
  const writer = async (w: number) => {
    while (!stop) {
      const pool = live();
      const inst = pool[(n++ + w) % pool.length];
      if (!inst) return;
      const unitId = units[n % 2];
      const code = `C${++serial}`;
      try {
        const ind = await call(inst.url, 'POST', '/indicators', users.supervisor, {
          planId: 'p-2027',
          code,
          name: `崩溃测试指标${code}`,
          points: 1,
          methodCode: 'node_platform',
          assessingUnitId: 'u-tjj',
        });
        if (ind.status !== 201) throw new Error(`indicator ${ind.status} ${JSON.stringify(ind.body)}`);
        const task = await call(inst.url, 'POST', '/tasks', users.supervisor, {
          planId: 'p-2027',
          indicatorId: ind.body.id,
          unitId,
          nodes: DUE.map((dueDate, i) => ({ seq: i + 1, dueDate })),
        });
        if (task.status !== 201) throw new Error(`task ${task.status} ${JSON.stringify(task.body)}`);
        acked.push({ taskId: task.body.id, seq: task.body.version });
        tasks.push(task.body.id);
        const ack = await call(inst.url, 'POST', `/tasks/${task.body.id}/events`, users.dept[unitId], {
          type: 'task.acknowledge',
          expectedVersion: task.body.version,
        });
        if (ack.status === 200) acked.push({ taskId: task.body.id, seq: ack.body.version });
        else if (ack.status !== 409) throw new Error(`acknowledge ${ack.status} ${JSON.stringify(ack.body)}`);
      } catch (e) {
        // A killed instance refuses connections (or drops the request): not acknowledged, so not counted.
        if (inst.alive()) throw e;
        failures++;
      }
    }
  };
  const running = Promise.all(Array.from({ length: perInstance * live().length }, (_, w) => writer(w)));
  return {
    acked,
    tasks,
    failures: () => failures,
    async stop() {
      stop = true;
      await running;
    },
  };
}

async function moveClocks(users: Users, to: string, targets: Instance[]) {
  for (const i of targets) expect((await call(i.url, 'POST', '/clock', users.admin, { at: to })).status).toBeLessThan(300);
}

/** What must hold after the crash, read from the database and a live instance's API. */
async function checkNothingLost(users: Users, via: Instance, acked: { taskId: string; seq: number }[], tasks: string[]) {
  const db = seed!.db;
  // Every node of every task red exactly once (no evidence was submitted, and the clocks are past both due days).
  await waitFor(
    'nodes not yet red',
    () => db.value<number>(`SELECT count(*) FROM nodes n JOIN tasks t ON t.id = n.task_id WHERE t.plan_id = 'p-2027' AND n.red_lighted = 0`),
    (v) => v === 0,
  );
  // Every message dispatched and every webhook delivery made.
  await waitFor(
    'outbox not drained',
    () => db.value<number>('SELECT count(*) FROM outbox WHERE dispatched_at IS NULL'),
    (v) => v === 0,
  );
  await waitFor(
    'deliveries not delivered',
    () => db.value<number>(`SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'`),
    (v) => v === 0,
  );

  // 0 acknowledged events lost.
  const stored = new Set((await db.all<{ task_id: string; seq: number }>('SELECT task_id, seq FROM task_events')).map((r) => `${r.task_id}#${r.seq}`));
  const lost = acked.filter((a) => !stored.has(`${a.taskId}#${a.seq}`));
  expect(lost).toEqual([]);
  // 0 duplicate (and 0 missing) red events: one node.red-lighted per node.
  const reds = new Map<string, number>();
  for (const r of await db.all<{ task_id: string; body: string }>(`SELECT task_id, body FROM outbox WHERE type = 'node.red-lighted'`)) {
    const k = `${r.task_id}#${(JSON.parse(r.body) as { nodeSeq: number }).nodeSeq}`;
    reds.set(k, (reds.get(k) ?? 0) + 1);
  }
  const nodes = await db.all<{ task_id: string; seq: number }>(
    `SELECT n.task_id, n.seq FROM nodes n JOIN tasks t ON t.id = n.task_id WHERE t.plan_id = 'p-2027'`,
  );
  // At least the acknowledged tasks' nodes: a task the killed instance committed without answering counts too.
  expect(nodes.length).toBeGreaterThanOrEqual(new Set(tasks).size * DUE.length);
  expect(nodes.filter((x) => reds.get(`${x.task_id}#${x.seq}`) !== 1)).toEqual([]);
  expect([...reds.values()].filter((c) => c !== 1)).toEqual([]);
  // Every chain (and checkpoint, and file) verifies.
  const verify = await call(via.url, 'GET', '/audit/verify', users.auditor);
  expect(verify.status).toBe(200);
  expect(verify.body.breaks ?? []).toEqual([]);
  expect(verify.body.ok).toBe(true);
  // Every delivery reached the receiver (at least once; the Idempotency-Key makes a repeat harmless).
  const keys = await db.column<string>('SELECT idempotency_key FROM webhook_deliveries');
  expect(keys.length).toBeGreaterThanOrEqual(nodes.length);
  expect(keys.filter((k) => !received.has(k))).toEqual([]);
}

const describePg = TEST_DB === 'postgres' ? describe : describe.skip;
const describeSqlite = TEST_DB === 'sqlite' ? describe : describe.skip;

describePg('three instances on PostgreSQL, the sweep leader killed with SIGKILL mid-load', () => {
  it('lose no acknowledged event, red-light every node exactly once, sweep on another instance and deliver every webhook', async () => {
    const users = await prepare();
    const env = instanceEnv();
    for (const name of ['A', 'B', 'C']) instances.push(await startInstance(name, env));
    const leader = await waitFor(
      'no leader',
      async () => instances.find((i) => i.output().includes('now runs the deadline sweep')),
      (v) => v !== undefined,
      30,
    );
    const live = () => instances.filter((i) => i.alive());
    const writers = startWriters(users, live, 2);
    await waitFor(
      'writers not started',
      async () => writers.acked.length,
      (v) => v >= 30,
      60,
    );
    // The first nodes fall due on every instance; the leader's sweep starts on them; the leader dies.
    await moveClocks(users, '2027-01-20T00:00:00.000Z', live());
    await sleep(300);
    await leader!.kill9();
    const ackedAtKill = writers.acked.length;
    await waitFor(
      'writers stalled after the kill',
      async () => writers.acked.length,
      (v) => v >= ackedAtKill + 30,
      60,
    );
    await writers.stop();
    // Another instance takes the lead and sweeps the second nodes.
    const survivors = live();
    expect(survivors).toHaveLength(2);
    const next = await waitFor(
      'no new leader',
      async () => survivors.find((i) => i.output().includes('now runs the deadline sweep')),
      (v) => v !== undefined,
      30,
    );
    await moveClocks(users, '2027-02-20T00:00:00.000Z', survivors);
    await checkNothingLost(users, next!, writers.acked, writers.tasks);
    expect(writers.acked.length).toBeGreaterThan(ackedAtKill);
  });
});

describeSqlite('one process on SQLite killed with SIGKILL mid-load, then started again', () => {
  it('loses no acknowledged event, red-lights every node exactly once and delivers every webhook', async () => {
    const users = await prepare();
    const env = instanceEnv();
    const first = await startInstance('A', env);
    instances.push(first);
    let current = [first];
    const writers = startWriters(users, () => current.filter((i) => i.alive()), 4);
    await waitFor(
      'writers not started',
      async () => writers.acked.length,
      (v) => v >= 30,
      60,
    );
    await moveClocks(users, '2027-01-20T00:00:00.000Z', [first]);
    await sleep(300);
    await first.kill9();
    const ackedAtKill = writers.acked.length;
    await writers.stop(); // with no live instance the writers stop
    // The same file, the same port: the drill clock resumes where it was (DATA_DIR/drill-clock).
    const again = await startInstance('A2', env, first.port);
    instances.push(again);
    current = [again];
    const more = startWriters(users, () => current.filter((i) => i.alive()), 4);
    await waitFor(
      'writers stalled after the restart',
      async () => more.acked.length,
      (v) => v >= 30,
      60,
    );
    await more.stop();
    await moveClocks(users, '2027-02-20T00:00:00.000Z', [again]);
    await checkNothingLost(users, again, [...writers.acked, ...more.acked], [...writers.tasks, ...more.tasks]);
    expect(ackedAtKill).toBeGreaterThanOrEqual(30);
  });
});
