import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { operations, type OpenApiDoc, type Operation } from './support/fuzz-openapi.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { databaseFingerprint, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 12 item 1, held for every endpoint the OpenAPI document lists (not a hand-picked few): every numeric
 * query parameter of every GET is range-checked (400 naming it), every date-like query parameter refuses
 * dates outside 2000–2100 (400 naming it), and every refusal of an extension's dates is a 400 naming
 * payload.newDueDate or payload.newWarnDate with the reason — nothing written by any of them.
 */
let t: TestApp;
let f: PlanFixture;
let taskId: string;
let doc: OpenApiDoc;
let webhookId: string;

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z', env: { DUBAN_WEBHOOK_ALLOW_HOSTS: '127.0.0.1', DUBAN_NOTIFY_INTERVAL_MS: '0' } });
  f = await seedPlan(t);
  taskId = (
    await createTask(t, f, [
      { seq: 1, dueDate: '2026-06-30' },
      { seq: 2, dueDate: '2026-09-30' },
    ])
  ).id;
  doc = (await t.http().get('/docs-json')).body as OpenApiDoc;
  const hook = await t.http().post('/webhooks').set('authorization', f.supervisor).send({ url: 'http://127.0.0.1:9/hook' });
  expect(hook.status).toBe(201);
  webhookId = hook.body.id as string;
}, 120_000);
afterAll(async () => t?.close());

/** The operation's path with existing ids where the fixture has them. */
function pathFor(op: Operation): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string, at: number) => {
    const before = op.path.slice(0, at).split('/').filter(Boolean).pop();
    if (name === 'unitId' || name === 'unit') return 'u-fgw';
    if (before === 'plans') return f.planId;
    if (before === 'tasks') return taskId;
    if (before === 'indicators') return f.indicatorId;
    if (before === 'webhooks') return webhookId;
    if (before === 'templates') return 'county-towns';
    return 'x';
  });
}

const NUMERIC_NAMES = /^(page|pageSize|limit|days|year|runId|version|steps)$/;
const DATE_NAMES = /^(from|to|dueFrom|dueTo|asOf|at)$/;

async function refusedNaming(url: string, field: string) {
  const before = await databaseFingerprint(t.db);
  const res = await t.http().get(url).set('authorization', f.admin);
  const named = JSON.stringify(res.body?.details?.fields ?? []);
  const after = await databaseFingerprint(t.db);
  return { status: res.status, named: named.includes(`"field":"${field}"`), unchanged: after === before, body: res.body as unknown };
}

describe('query parameters of every GET in the OpenAPI document', () => {
  it('refuse a numeric value out of range or not a number with 400 naming the parameter', async () => {
    const cases: string[] = [];
    const wrong: unknown[] = [];
    for (const op of operations(doc).filter((o) => o.method === 'GET' && o.path !== '/events/stream')) {
      for (const p of op.parameters.filter(
        (x) => x.in === 'query' && (x.schema?.type === 'number' || x.schema?.type === 'integer' || NUMERIC_NAMES.test(x.name)),
      )) {
        for (const bad of ['99999999999999999999', '-1', '1e300', 'abc', 'NaN', '1.5']) {
          const url = `${pathFor(op)}?${p.name}=${bad}`;
          cases.push(url);
          const r = await refusedNaming(url, p.name);
          if (r.status !== 400 || !r.named || !r.unchanged) wrong.push({ url, ...r });
        }
      }
    }
    expect(cases.length).toBeGreaterThan(60);
    expect(wrong).toEqual([]);
  });

  it('refuse a date before 2000 or after 2100 with 400 naming the parameter', async () => {
    const cases: string[] = [];
    const wrong: unknown[] = [];
    for (const op of operations(doc).filter((o) => o.method === 'GET' && o.path !== '/events/stream')) {
      for (const p of op.parameters.filter((x) => x.in === 'query' && DATE_NAMES.test(x.name))) {
        for (const bad of ['0000-01-01', '1999-12-31T23:59:59Z', '2101-01-01', '9999-12-31T00:00:00Z']) {
          const url = `${pathFor(op)}?${p.name}=${encodeURIComponent(bad)}`;
          cases.push(url);
          const r = await refusedNaming(url, p.name);
          if (r.status !== 400 || !r.named || !r.unchanged) wrong.push({ url, ...r });
        }
      }
    }
    expect(cases.length).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
  });
});

describe('multipart bodies of every upload endpoint in the OpenAPI document', () => {
  const b = 'RangesBoundary';
  const part = (name: string, filename?: string) =>
    `--${b}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n${filename ? 'Content-Type: application/pdf\r\n' : ''}\r\n${filename ? '%PDF-1.4 x' : f.planId}\r\n`;
  const cases = (fields: string[]) => {
    const plain = fields.map((n) => part(n)).join('');
    return [
      ['no boundary', 'multipart/form-data', `${part('file', 'a.pdf')}--${b}--\r\n`, 'body'],
      [
        'cut short',
        `multipart/form-data; boundary=${b}`,
        `${plain}--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 par`,
        'body',
      ],
      [
        'three files',
        `multipart/form-data; boundary=${b}`,
        `${part('file', 'a.pdf')}${plain}${part('file', 'b.pdf')}${part('file', 'c.pdf')}--${b}--\r\n`,
        'file',
      ],
    ] as const;
  };

  beforeAll(async () => {
    // The self-assessment report is taken only while the plan's window is open.
    const w = await t
      .http()
      .put(`/plans/${f.planId}/self-assessment/window`)
      .set('authorization', f.supervisor)
      .send({ opensOn: '2026-03-01', closesOn: '2026-03-31' });
    expect(w.status).toBe(200);
  });

  it('answer no boundary, a body cut short and more files than allowed with 400 naming body / the file limit, nothing written', async () => {
    const ops = operations(doc).filter((o) => o.body?.kind === 'multipart');
    expect(ops.length).toBeGreaterThanOrEqual(3);
    const wrong: unknown[] = [];
    for (const op of ops) {
      const fields = Object.keys(op.body!.schema.properties ?? {}).filter((k) => k === 'plan');
      for (const [what, contentType, body, field] of cases(fields)) {
        const before = await databaseFingerprint(t.db);
        const who = /evidence/.test(op.path) ? f.supervisor : /self-assessment/.test(op.path) ? f.dept : f.admin;
        const res = await t.http().post(pathFor(op)).set('authorization', who).set('content-type', contentType).send(Buffer.from(body));
        const named = (res.body?.details?.fields ?? []) as { field: string; reason: string }[];
        const ok =
          res.status === 400 &&
          named.some((x) => x.field === field) &&
          (what !== 'three files' || (res.body.details.limit === 1 && /at most 1 file/.test(JSON.stringify(named)))) &&
          (await databaseFingerprint(t.db)) === before;
        if (!ok) wrong.push({ op: `${op.method} ${op.path}`, what, status: res.status, body: res.body as unknown });
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('every refusal of an extension request names newDueDate or newWarnDate and why', () => {
  const request = (payload: object, v: number) =>
    t.http().post(`/tasks/${taskId}/events`).set('authorization', f.dept).send({ type: 'extension.request', expectedVersion: v, nodeSeq: 1, payload });
  let version = 0;

  beforeAll(async () => {
    const ack = await t.http().post(`/tasks/${taskId}/events`).set('authorization', f.dept).send({ type: 'task.acknowledge', expectedVersion: 1 });
    expect(ack.status).toBe(200);
    version = ack.body.version as number;
  });

  it.each([
    ['not a real day', { newDueDate: '2026-02-30' }, 'payload.newDueDate'],
    ['not a date', { newDueDate: '30/07/2026' }, 'payload.newDueDate'],
    ['in year 0000', { newDueDate: '0000-01-01' }, 'payload.newDueDate'],
    ['after 2100', { newDueDate: '9999-12-31' }, 'payload.newDueDate'],
    ['missing', {}, 'payload.newDueDate'],
    ['not later than the current due day', { newDueDate: '2026-06-01' }, 'payload.newDueDate'],
    ['the same as the current due day', { newDueDate: '2026-06-30' }, 'payload.newDueDate'],
    ['a warn day not a real day', { newDueDate: '2026-07-31', newWarnDate: '2026-07-32' }, 'payload.newWarnDate'],
    ['a warn day before 2000', { newDueDate: '2026-07-31', newWarnDate: '1999-12-31' }, 'payload.newWarnDate'],
    ['a warn day after the new due day', { newDueDate: '2026-07-31', newWarnDate: '2026-08-05' }, 'payload.newWarnDate'],
  ])('a new due day %s → 400 naming the field with a reason, nothing written', async (_what, dates, field) => {
    const before = await databaseFingerprint(t.db);
    const res = await request({ ...dates, reason: '汛期施工受阻' }, version);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.details.fields as { field: string; reason: string }[];
    expect(fields).toEqual(expect.arrayContaining([expect.objectContaining({ field, reason: expect.any(String) })]));
    expect(fields.find((x) => x.field === field)!.reason.length).toBeGreaterThan(5);
    expect(res.body.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await databaseFingerprint(t.db)).toBe(before);
  });

  it('a well-formed request is accepted (the refusals above were about the dates)', async () => {
    const res = await request({ newDueDate: '2026-07-31', newWarnDate: '2026-07-25', reason: '汛期施工受阻' }, version);
    expect(res.status).toBe(200);
  });
});
