import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotificationsService } from '../src/notifications/notifications.service.js';
import { WebhooksService } from '../src/notifications/webhooks.service.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The SSRF policy: no DUBAN_WEBHOOK_ALLOW_HOSTS here, so nothing local or private may be a webhook target. */
let t: TestApp;
let f: PlanFixture;
let local: http.Server;
let localHits = 0;
const table: Record<string, string[]> = { 'hooks.example.com': ['93.184.216.34'], 'rebind.example.com': ['93.184.216.34'] };

beforeAll(async () => {
  local = http.createServer((_req, res) => {
    localHits++;
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
  t = await startTestApp({ now: '2026-05-06T02:00:00.000Z' });
  f = await seedPlan(t);
  t.app.get(WebhooksService).resolver = async (host) => {
    const a = table[host] ?? (host === 'localhost' ? ['127.0.0.1', '::1'] : undefined);
    if (!a) throw new Error('ENOTFOUND');
    return a;
  };
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => local.close(() => r()));
});

const webhookCount = async () => ((await t.db.one('SELECT count(*) AS n FROM webhooks')) as { n: number }).n;

describe('webhook targets (SSRF policy)', () => {
  it.each([
    'http://127.0.0.1:9/x',
    'http://localhost:9/x',
    'http://[::1]:9/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://2130706433/x',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.8/x',
    'http://192.168.1.20/x',
    'http://172.20.0.1/x',
    'http://[fd00::5]/x',
    'http://[fe80::1]/x',
    'http://unknown-host.example.com/x',
  ])('refuses %s with 400 naming url, in Chinese, and registers nothing', async (url) => {
    const before = await webhookCount();
    const res = await t.http().post('/webhooks').set('authorization', f.supervisor).send({ url });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('url');
    expect(res.body.fields[0].label).toBe('推送地址');
    expect(res.body.message + res.body.fields[0].message).not.toMatch(/loopback|private|resolve/);
    expect(await webhookCount()).toBe(before);
  });

  it('accepts a public host', async () => {
    const res = await t.http().post('/webhooks').set('authorization', f.supervisor).send({ url: 'https://hooks.example.com/duban' });
    expect(res.status).toBe(201);
  });

  it('checks again before each delivery: a name re-pointed at a local address after registration gets no request', async () => {
    const res = await t
      .http()
      .post('/webhooks')
      .set('authorization', f.supervisor)
      .send({ url: `http://rebind.example.com:${(local.address() as AddressInfo).port}/hook`, eventTypes: ['task.acknowledged'] });
    expect(res.status).toBe(201);
    table['rebind.example.com'] = ['127.0.0.1'];
    const task = await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }]);
    await t.http().post(`/tasks/${task.id}/events`).set('authorization', f.dept).send({ type: 'task.acknowledge', expectedVersion: 1 });
    await t.app.get(NotificationsService).pump();
    expect(localHits).toBe(0);
    const log = (await t.http().get(`/webhooks/${res.body.id}/deliveries`).set('authorization', f.supervisor)).body;
    expect(log[0].log[0].error).toMatch(/^refused: webhook target: rebind\.example\.com resolves to 127\.0\.0\.1/);
  });
});

describe('DUBAN_WEBHOOK_ALLOW_HOSTS', () => {
  it('exempts a listed host (an intranet receiver) and only that one', async () => {
    const u = await startTestApp({ env: { DUBAN_WEBHOOK_ALLOW_HOSTS: '127.0.0.1, intranet.local' } });
    try {
      const admin = await u.createUser('admin', 'admin');
      expect((await u.http().post('/webhooks').set('authorization', admin).send({ url: 'http://127.0.0.1:9/x' })).status).toBe(201);
      expect((await u.http().post('/webhooks').set('authorization', admin).send({ url: 'http://10.0.0.8/x' })).status).toBe(400);
    } finally {
      await u.close();
    }
  });
});
