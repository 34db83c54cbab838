import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotificationsService } from '../src/notifications/notifications.service.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, TEST_DB, type TestApp } from './support/test-app.js';

/**
 * The outbox on PostgreSQL with two instances delivering at once: each outbox row is dispatched by one of
 * them and each webhook delivery attempted by one (rows claimed FOR UPDATE SKIP LOCKED, deliveries leased),
 * so the receiver sees every Idempotency-Key exactly once — without the locks both instances would read
 * the same pending rows and post them twice.
 */
const describePg = TEST_DB === 'postgres' ? describe : describe.skip;

const received = new Map<string, number>();
let server: http.Server;
let port = 0;
let a: TestApp;
let b: TestApp;
let f: PlanFixture;

beforeAll(async () => {
  if (TEST_DB !== 'postgres') return;
  server = http.createServer((req, res) => {
    const key = String(req.headers['idempotency-key']);
    req.resume();
    req.on('end', () => {
      received.set(key, (received.get(key) ?? 0) + 1);
      setTimeout(() => res.writeHead(200).end(), 5); // a receiver that takes a moment: rounds overlap
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  const env = { DUBAN_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' };
  a = await startTestApp({ now: '2026-05-06T02:00:00.000Z', env });
  f = await seedPlan(a);
  b = await startTestApp({ now: '2026-05-06T02:00:00.000Z', env, dataDir: a.dataDir, keepData: true });
  const reg = await a
    .http()
    .post('/webhooks')
    .set('authorization', f.supervisor)
    .send({ url: `http://127.0.0.1:${port}/hook` });
  expect(reg.status).toBe(201);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describePg('the outbox with two instances on one PostgreSQL database', () => {
  it('dispatches every message once and attempts every webhook delivery once, whichever instance does it', async () => {
    // Messages committed while nobody delivers (no instance runs its timer in tests).
    const tasks = [];
    for (let i = 0; i < 12; i++) tasks.push(await createTask(a, f, [{ seq: 1, dueDate: '2026-06-30' }]));
    for (const t of tasks) {
      expect((await a.http().post(`/tasks/${t.id}/events`).set('authorization', f.dept).send({ type: 'task.acknowledge', expectedVersion: 1 })).status).toBe(
        200,
      );
    }
    const messages = (await a.db.value<number>('SELECT count(*) FROM outbox WHERE dispatched_at IS NULL'))!;
    expect(messages).toBeGreaterThanOrEqual(12);
    // Both instances pump at the same time, several rounds each.
    const na = a.app.get(NotificationsService);
    const nb = b.app.get(NotificationsService);
    await Promise.all([na.pump(), nb.pump(), na.dispatch(5), nb.dispatch(5)]);
    for (let i = 0; i < 5; i++) await Promise.all([na.pump(), nb.pump()]);
    expect(await a.db.value('SELECT count(*) FROM outbox WHERE dispatched_at IS NULL')).toBe(0);
    const deliveries = await a.db.all<{ idempotency_key: string; status: string; attempts: number }>(
      'SELECT idempotency_key, status, attempts FROM webhook_deliveries ORDER BY id',
    );
    expect(deliveries.length).toBeGreaterThanOrEqual(messages);
    expect(deliveries.filter((d) => d.status !== 'delivered' || d.attempts !== 1)).toEqual([]);
    expect([...received.keys()].sort()).toEqual(deliveries.map((d) => d.idempotency_key).sort());
    expect([...received.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(await a.db.value('SELECT count(*) FROM webhook_attempts')).toBe(deliveries.length);
  });
});
