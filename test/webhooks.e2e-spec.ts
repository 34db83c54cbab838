import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotificationsService } from '../src/notifications/notifications.service.js';
import { verifyWebhookSignature } from '../src/notifications/webhook-signature.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** A webhook receiver on localhost that dedups by Idempotency-Key, and can be told to fail or be down. */
class Receiver {
  server: http.Server | undefined;
  port = 0;
  failNext = 0;
  requests: { key: string; signatureOk: boolean; body: Record<string, unknown> }[] = [];
  accepted = new Map<string, number>();
  secret = '';

  async start(port = 0): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const key = String(req.headers['idempotency-key']);
        const signatureOk = verifyWebhookSignature(this.secret, raw, String(req.headers['x-duban-signature'] ?? ''));
        this.requests.push({ key, signatureOk, body: JSON.parse(raw) });
        if (this.failNext > 0) {
          this.failNext--;
          res.writeHead(500).end('try later');
          return;
        }
        if (signatureOk) this.accepted.set(key, (this.accepted.get(key) ?? 0) + 1);
        res.writeHead(signatureOk ? 200 : 401).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = undefined;
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'duban-webhooks-'));
let t: TestApp;
let f: PlanFixture;
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.start();
  t = await startTestApp({ now: '2026-05-06T02:00:00.000Z', dataDir, keepData: true, env: { DUBAN_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' } });
  f = await seedPlan(t);
  const reg = await t
    .http()
    .post('/webhooks')
    .set('authorization', f.supervisor)
    .send({ url: `http://127.0.0.1:${receiver.port}/hook`, eventTypes: ['task.acknowledged', 'evidence.submitted'] });
  expect(reg.status).toBe(201);
  receiver.secret = reg.body.secret;
});
afterAll(async () => {
  await t?.close();
  await receiver.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('webhooks', () => {
  it('refuse a registration whose url is not http(s), naming the field', async () => {
    const res = await t.http().post('/webhooks').set('authorization', f.supervisor).send({ url: 'ftp://x' });
    expect(res.status).toBe(400);
    expect(res.body.details.fields[0].field).toBe('url');
    const res2 = await t.http().post('/webhooks').set('authorization', f.dept).send({ url: 'http://127.0.0.1:1/x' });
    expect(res2.status).toBe(403);
  });

  it('deliver each event exactly once by idempotency key, signed, even when the first two attempts fail', async () => {
    const notifications = t.app.get(NotificationsService);
    const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }]);
    await t.http().post(`/tasks/${task.id}/events`).set('authorization', f.dept).send({ type: 'task.acknowledge', expectedVersion: 1 });
    receiver.failNext = 2;
    await notifications.pump(); // attempt 1: 500
    t.clock.advance(2_000);
    await notifications.pump(); // attempt 2 (after the 2 s backoff): 500
    t.clock.advance(1_000);
    await notifications.pump(); // not due yet (next backoff is 4 s): no request
    expect(receiver.requests).toHaveLength(2);
    t.clock.advance(3_000);
    await notifications.pump(); // attempt 3: 200
    expect(receiver.requests).toHaveLength(3);
    expect(receiver.requests.every((r) => r.signatureOk)).toBe(true);
    expect(new Set(receiver.requests.map((r) => r.key)).size).toBe(1);
    expect([...receiver.accepted.values()]).toEqual([1]);
    expect(receiver.requests[2].body).toMatchObject({ type: 'task.acknowledged', taskId: task.id, unitId: 'u-fgw' });
    t.clock.advance(3_600_000);
    await notifications.pump();
    expect(receiver.requests).toHaveLength(3);
    const hook = (await t.http().get('/webhooks').set('authorization', f.supervisor)).body.find((w: { url: string }) => w.url.endsWith('/hook'));
    const log = (await t.http().get(`/webhooks/${hook.id}/deliveries`).set('authorization', f.supervisor)).body;
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(log[0].log.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
  });

  it('deliver, after a restart, what was committed while the receiver was down and never dispatched', async () => {
    await receiver.stop();
    const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }]);
    await t.http().post(`/tasks/${task.id}/events`).set('authorization', f.dept).send({ type: 'task.acknowledge', expectedVersion: 1 });
    await t
      .http()
      .post(`/tasks/${task.id}/events`)
      .set('authorization', f.dept)
      .send({ type: 'evidence.submit', expectedVersion: 2, payload: { note: '停机前提交' } });
    // The process goes away before delivering: the outbox rows are committed, not dispatched.
    const pending = (await t.db.one('SELECT count(*) AS n FROM outbox WHERE task_id = ? AND dispatched_at IS NULL', task.id)) as { n: number };
    expect(pending.n).toBeGreaterThanOrEqual(2);
    const port = receiver.port;
    await t.close();
    await receiver.start(port);
    t = await startTestApp({ now: '2026-05-06T03:00:00.000Z', dataDir, keepData: true, env: { DUBAN_WEBHOOK_ALLOW_HOSTS: '127.0.0.1' } });
    await t.app.get(NotificationsService).pump();
    const forTask = receiver.requests.filter((r) => r.body.taskId === task.id);
    expect(forTask.map((r) => r.body.type).sort()).toEqual(['evidence.submitted', 'task.acknowledged']);
    expect(forTask.every((r) => r.signatureOk && receiver.accepted.get(r.key) === 1)).toBe(true);
  });

  it('stop receiving after deactivation (no new deliveries), and a deactivation of an unknown webhook is a 404', async () => {
    const notifications = t.app.get(NotificationsService);
    const hook = (await t.http().get('/webhooks').set('authorization', f.supervisor)).body.find((w: { url: string }) => w.url.endsWith('/hook'));
    const off = await t.http().post(`/webhooks/${hook.id}/deactivate`).set('authorization', f.supervisor);
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const deliveries = async () => ((await t.db.one('SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = ?', hook.id)) as { n: number }).n;
    const before = await deliveries();
    const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }]);
    await t.http().post(`/tasks/${task.id}/events`).set('authorization', f.dept).send({ type: 'task.acknowledge', expectedVersion: 1 });
    await notifications.pump();
    expect(await deliveries()).toBe(before);
    expect((await t.http().post('/webhooks/nope/deactivate').set('authorization', f.supervisor)).status).toBe(404);
  });
});
