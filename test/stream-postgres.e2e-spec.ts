import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NotificationsService } from '../src/notifications/notifications.service.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, TEST_DB, type TestApp } from './support/test-app.js';

/**
 * Server-sent events with two instances on one PostgreSQL database: a client on either instance gets
 * every event it may see, whichever instance dispatched it (LISTEN/NOTIFY carrying stream numbers), and a
 * client that reconnects to the other instance with Last-Event-ID gets exactly what it missed, in order.
 */
const describePg = TEST_DB === 'postgres' ? describe : describe.skip;

let a: TestApp;
let b: TestApp;
let f: PlanFixture;
const urls = new Map<TestApp, string>();

beforeAll(async () => {
  if (TEST_DB !== 'postgres') return;
  a = await startTestApp({ now: '2026-05-06T02:00:00.000Z' });
  f = await seedPlan(a);
  b = await startTestApp({ now: '2026-05-06T02:00:00.000Z', dataDir: a.dataDir, keepData: true });
  for (const t of [a, b]) {
    await t.app.listen(0, '127.0.0.1');
    urls.set(t, (await t.app.getUrl()).replace('[::1]', '127.0.0.1'));
  }
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

interface SseEvent {
  id: number;
  type: string;
  data: { taskId: string; unitId: string };
}

/** An open stream: events parsed as they arrive; `until` waits for a condition on what came so far. */
function openStream(t: TestApp, token: string, lastEventId?: number) {
  const controller = new AbortController();
  const events: SseEvent[] = [];
  const headers: Record<string, string> = lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) };
  const opened = fetch(`${urls.get(t)}/events/stream?access_token=${token}`, { signal: controller.signal, headers });
  const done = (async () => {
    const res = await opened;
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buf += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .find((l) => l.startsWith(`${name}: `))
            ?.slice(name.length + 2);
        if (field('data') !== undefined) events.push({ id: Number(field('id')), type: field('event')!, data: JSON.parse(field('data')!) });
      }
    }
  })().catch((e: Error) => {
    if (e.name !== 'AbortError') throw e;
  });
  return {
    events,
    opened,
    async until(cond: (e: SseEvent[]) => boolean, what: string): Promise<void> {
      for (let i = 0; i < 200 && !cond(events); i++) await new Promise((r) => setTimeout(r, 25));
      if (!cond(events)) throw new Error(`stream never showed ${what}; got ${JSON.stringify(events.map((e) => [e.id, e.type, e.data.taskId]))}`);
    },
    async close() {
      controller.abort();
      await done;
    },
  };
}

const token = (auth: string) => auth.replace('Bearer ', '');
const ack = async (t: TestApp, id: string) =>
  expect((await t.http().post(`/tasks/${id}/events`).set('authorization', f.dept).send({ type: 'task.acknowledge', expectedVersion: 1 })).status).toBe(200);

describePg('the event stream with two instances on one PostgreSQL database', () => {
  it('reaches a client on one instance when the other dispatches, and resumes on the other instance after Last-Event-ID', async () => {
    const na = a.app.get(NotificationsService);
    const nb = b.app.get(NotificationsService);
    await Promise.all([na.pump(), nb.pump()]);

    // A department's client on instance B; instance A writes and dispatches.
    const onB = openStream(b, token(f.dept));
    await onB.opened;
    const first = [await createTask(a, f, [{ seq: 1, dueDate: '2026-06-30' }]), await createTask(a, f, [{ seq: 1, dueDate: '2026-06-30' }])];
    const foreign = await createTask(a, f, [{ seq: 1, dueDate: '2026-06-30' }], 'u-czj');
    for (const t of first) await ack(a, t.id);
    await na.pump();
    await onB.until(
      (e) => first.every((t) => e.some((x) => x.data.taskId === t.id && x.type === 'task.acknowledged')),
      'the two acknowledgements dispatched by instance A',
    );
    expect(onB.events.some((e) => e.data.taskId === foreign.id)).toBe(false);
    const lastSeen = onB.events.at(-1)!.id;
    await onB.close();

    // While the client is away, instance B writes, and both instances dispatch at once.
    const missed = [await createTask(b, f, [{ seq: 1, dueDate: '2026-06-30' }]), await createTask(b, f, [{ seq: 1, dueDate: '2026-06-30' }])];
    for (const t of missed) await ack(b, t.id);
    await Promise.all([na.pump(), nb.pump(), na.pump()]);

    // It reconnects to instance A with the last id it saw: the missed events first, then live ones.
    const onA = openStream(a, token(f.dept), lastSeen);
    await onA.until((e) => missed.every((t) => e.some((x) => x.data.taskId === t.id && x.type === 'task.acknowledged')), 'the events missed while away');
    const late = await createTask(b, f, [{ seq: 1, dueDate: '2026-06-30' }]);
    await ack(b, late.id);
    await nb.pump();
    await onA.until((e) => e.some((x) => x.data.taskId === late.id && x.type === 'task.acknowledged'), 'a live event dispatched by instance B');
    await onA.close();

    const ids = onA.events.map((e) => e.id);
    expect(ids[0]).toBeGreaterThan(lastSeen);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids); // in stream order
    expect(new Set(ids).size).toBe(ids.length); // each once
    expect(onA.events.some((e) => first.some((t) => t.id === e.data.taskId))).toBe(false); // nothing seen before is sent again
    expect(onA.events.every((e) => e.data.unitId === 'u-fgw')).toBe(true);
    // What the department may see among the messages after lastSeen is exactly what it got.
    const expected = await a.db.column<number>(`SELECT stream_seq FROM outbox WHERE stream_seq > ? AND unit_id = 'u-fgw' ORDER BY stream_seq`, lastSeen);
    expect(ids).toEqual(expected);
  });

  it('numbers the stream 1, 2, 3… without gaps or repeats when both instances dispatch at the same time', async () => {
    const tasks = [];
    for (let i = 0; i < 10; i++) tasks.push(await createTask(i % 2 ? a : b, f, [{ seq: 1, dueDate: '2026-06-30' }]));
    const na = a.app.get(NotificationsService);
    const nb = b.app.get(NotificationsService);
    await Promise.all([na.dispatch(3), nb.dispatch(3), na.pump(), nb.pump()]);
    await Promise.all([na.pump(), nb.pump()]);
    expect(await a.db.value('SELECT count(*) FROM outbox WHERE dispatched_at IS NULL')).toBe(0);
    const seqs = await a.db.column<number>('SELECT stream_seq FROM outbox ORDER BY stream_seq');
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
