import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { databaseFingerprint, startTestApp, type TestApp, TEST_DB } from './support/test-app.js';

let t: TestApp;
let f: PlanFixture;
let taskId: string;

beforeAll(async () => {
  t = await startTestApp();
  f = await seedPlan(t);
  taskId = (await createTask(t, f, [{ seq: 1, dueDate: '2026-06-30' }])).id;
});
afterAll(async () => t?.close());

/** Expect a refusal with a JSON body of bounded size naming `field` (when given), and nothing written. */
async function refused(run: () => Promise<{ status: number; body: unknown; text?: string }>, status: number, field?: string) {
  const before = await databaseFingerprint(t.db);
  const res = await run();
  expect(res.status).toBe(status);
  expect(JSON.stringify(res.body).length).toBeLessThan(4096);
  if (field) expect(JSON.stringify((res.body as { details?: unknown }).details)).toContain(`"${field}`);
  expect(await databaseFingerprint(t.db)).toBe(before);
  return res;
}

describe('hostile bodies are refused before any DTO work', () => {
  it('refuses a 100,000-key login body at once (400, a short answer) while /health keeps answering', async () => {
    const keys: Record<string, number> = { username: 0, password: 0 };
    for (let i = 0; i < 100_000; i++) keys[`k${i}`] = i;
    const body = JSON.stringify(keys);
    expect(body.length).toBeGreaterThan(1_000_000);
    const [hostile, health] = await Promise.all([raw('/auth/login', { 'content-type': 'application/json' }, body), t.http().get('/health')]);
    expect(hostile.status).toBe(400);
    expect(hostile.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { limit: 1000 } });
    expect(JSON.stringify(hostile.body).length).toBeLessThan(1024);
    expect(health.status).toBe(200);
    // Not a performance bar (that is measured by the bench); printed so a regression to seconds is visible.
    console.log(`100,000-key login body refused ${hostile.ms.toFixed(1)} ms after its last byte was sent; /health answered alongside`);
  });

  it('refuses 5,000 levels of nesting with 400 on login and on the event endpoint', async () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    await refused(() => t.http().post('/auth/login').set('content-type', 'application/json').send(deep), 400, 'body');
    await refused(() => t.http().post(`/tasks/${taskId}/events`).set('authorization', f.dept).set('content-type', 'application/json').send(deep), 400, 'body');
    const deepArray = '['.repeat(5000) + ']'.repeat(5000);
    await refused(() => t.http().post('/plans').set('authorization', f.admin).set('content-type', 'application/json').send(deepArray), 400);
  });

  it.each([
    ['not JSON', '{"a":', '不是有效的 JSON'],
    ['empty', '', '为空'],
    ['__proto__', '{"__proto__":{"polluted":1}}', '不是有效的 JSON'],
    ['constructor.prototype', '{"constructor":{"prototype":{"polluted":1}}}', '不是有效的 JSON'],
  ])('a JSON body that is %s → 400 naming body, in Chinese', async (_what, text, zh) => {
    const res = await refused(() => t.http().post('/plans').set('authorization', f.admin).set('content-type', 'application/json').send(text), 400, 'body');
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body' });
    expect((res.body as { message: string }).message).toContain(zh);
  });

  // PostgreSQL cannot hold U+0000 in text: such a value reached the driver and came back as 500 (found by
  // the OpenAPI fuzz test on PostgreSQL); refused at the door on both databases.
  it('a NUL character in a body field, a query parameter or a path id → 400 naming where, nothing written', async () => {
    const body = await refused(
      () => t.http().post('/units').set('authorization', f.admin).send({ id: 'u-nul', name: 'a\u0000b', kind: 'department' }),
      400,
      'body.name',
    );
    expect((body.body as { message: string }).message).toContain('空字符');
    await refused(() => t.http().get('/tasks?planId=a%00b').set('authorization', f.admin), 400, 'query.planId');
    await refused(() => t.http().get('/plans/a%00b/groups').set('authorization', f.admin), 400, 'path.id');
    await refused(() => t.http().post('/scoring/templates/%00/retire').set('authorization', f.admin).send({ reason: '停用' }), 400, 'path.id');
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over the limit', async () => {
    const huge = JSON.stringify({ username: 'x', password: 'y'.repeat(3 * 1024 * 1024) });
    const res = await refused(() => t.http().post('/auth/login').set('content-type', 'application/json').send(huge), 413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('bounds a validation answer listing many problems', async () => {
    const many: Record<string, number> = { username: 1 as never, password: 2 as never };
    for (let i = 0; i < 900; i++) many[`x${i}`] = i;
    const res = await refused(() => t.http().post('/auth/login').send(many), 400);
    const details = (res.body as { details: { fields: unknown[]; total: number } }).details;
    expect(details.fields.length).toBeLessThanOrEqual(20);
    expect(details.total).toBeGreaterThan(900);
  });
});

describe('query strings and dates are range-checked, naming the field', () => {
  it.each([
    ['/tasks?page=99999999999999999999', 'page'],
    ['/tasks?page=1e300', 'page'],
    ['/tasks?pageSize=100000', 'pageSize'],
    ['/plans?page=99999999999999999999', 'page'],
    ['/plans?year=99999', 'year'],
    ['/users?page=99999999999999999999', 'page'],
    [`/tasks/${'x'}/history?page=99999999999999999999`, 'page'],
  ])('%s → 400 naming %s', async (url, field) => {
    await refused(() => t.http().get(url).set('authorization', f.admin), 400, field);
  });

  it('refuses a query string with too many parameters', async () => {
    const qs = Array.from({ length: 500 }, (_, i) => `p${i}=1`).join('&');
    await refused(() => t.http().get(`/tasks?${qs}`).set('authorization', f.admin), 400, 'query');
  });

  it.each(['0000-01-01', '1999-12-31', '2101-01-01', '9999-12-31'])('a node due %s → 400 naming dueDate', async (dueDate) => {
    await refused(
      () =>
        t
          .http()
          .post('/tasks')
          .set('authorization', f.supervisor)
          .send({ planId: f.planId, indicatorId: f.indicatorId, unitId: 'u-fgw', nodes: [{ seq: 1, dueDate }] }),
      400,
      'nodes[0].dueDate',
    );
  });

  it('a history range starting in year 0000 → 400 naming from', async () => {
    await refused(() => t.http().get(`/tasks/${taskId}/history?from=0000-01-01T00:00:00Z`).set('authorization', f.auditor), 400, 'from');
  });
});

/** A raw request, for bodies supertest will not build (no boundary, cut short). */
function raw(
  path: string,
  headers: Record<string, string>,
  body: Buffer | string,
  opts: { cut?: boolean } = {},
): Promise<{ status: number; body: unknown; ms: number }> {
  const server = t.app.getHttpServer();
  const listening = server.listening ? Promise.resolve() : new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return listening.then(
    () =>
      new Promise((resolve, reject) => {
        const { port } = server.address() as AddressInfo;
        let sent = 0n;
        const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
          const ms = Number(process.hrtime.bigint() - sent) / 1e6;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, ms });
          });
        });
        req.on('error', reject);
        req.on('finish', () => (sent = process.hrtime.bigint()));
        if (opts.cut) {
          // Say the body is longer than what is sent, send part of it, then end our half: the server sees the form end early.
          req.write(body);
          req.end();
        } else req.end(body);
      }),
  );
}

describe('multipart uploads', () => {
  const pdf = (s = '') => Buffer.from(`%PDF-1.4 ${s}`);

  it('multipart without a boundary → 400', async () => {
    await refused(
      () => raw(`/tasks/${taskId}/evidence`, { authorization: f.dept, 'content-type': 'multipart/form-data', 'content-length': '10' }, 'abcdefghij'),
      400,
      'body',
    );
  });

  it('a multipart body cut short → 400, no temp file left', async () => {
    const boundary = 'XBOUNDARYX';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 partial`;
    await refused(
      () => raw(`/tasks/${taskId}/evidence`, { authorization: f.dept, 'content-type': `multipart/form-data; boundary=${boundary}` }, head, { cut: true }),
      400,
    );
    expect(readdirSync(join(t.dataDir, 'evidence', 'tmp'))).toEqual([]);
  });

  it('five files in one request → 400 naming the limit, nothing stored', async () => {
    let req = t.http().post(`/tasks/${taskId}/evidence`).set('authorization', f.dept);
    for (let i = 0; i < 5; i++) req = req.attach('file', pdf(String(i)), `r${i}.pdf`);
    const res = await refused(() => req, 400, 'file');
    expect(res.body).toMatchObject({ details: { limit: 1 } });
    expect(readdirSync(join(t.dataDir, 'evidence', 'tmp'))).toEqual([]);
  });

  it('an executable named x.pdf → 415, whatever its name; an ELF as .txt → 415', async () => {
    const mz = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
    const a = await refused(() => t.http().post(`/tasks/${taskId}/evidence`).set('authorization', f.dept).attach('file', mz, 'x.pdf'), 415);
    expect(a.body).toMatchObject({ code: 'FILE_TYPE_NOT_ALLOWED', details: { field: 'file' } });
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60, 1)]);
    await refused(() => t.http().post(`/tasks/${taskId}/evidence`).set('authorization', f.dept).attach('file', elf, 'notes.txt'), 415);
    await refused(() => t.http().post(`/tasks/${taskId}/evidence`).set('authorization', f.dept).attach('file', Buffer.from('plain text'), 'fake.pdf'), 415);
  });

  it('cleans control characters and NUL from the name; downloads carry nosniff and the stored safe type', async () => {
    const up = await t
      .http()
      .post(`/tasks/${taskId}/evidence`)
      .set('authorization', f.dept)
      .attach('file', pdf('报表'), { filename: 'a\u0000b\u0007c\u202e.pdf', contentType: 'text/html' });
    expect(up.status).toBe(201);
    expect(up.body.originalName).toBe('abc.pdf');
    expect(up.body.mimeType).toBe('application/pdf');
    const get = await t.http().get(`/evidence/${up.body.id}`).set('authorization', f.dept);
    expect(get.status).toBe(200);
    expect(get.headers['content-type']).toBe('application/pdf');
    expect(get.headers['x-content-type-options']).toBe('nosniff');
    expect(get.headers['content-disposition']).toMatch(/^attachment;/);
  });
});

describe('the service defends its files and answers with security headers', () => {
  it('sends helmet headers on every answer, errors included', async () => {
    for (const res of [await t.http().get('/health'), await t.http().get('/tasks')]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['strict-transport-security']).toBeDefined();
    }
  });

  // SQLite only: on PostgreSQL the data lives in the server, not in a file of the data directory.
  (TEST_DB === 'sqlite' ? it : it.skip)('keeps the database file 0600 and a data directory it made 0700', async () => {
    expect(statSync(join(t.dataDir, 'test.db')).mode & 0o777).toBe(0o600);
    expect(statSync(join(t.dataDir, 'test.db-wal')).mode & 0o077).toBe(0);
  });

  it('removes temp files a crash left mid-upload when the service starts', async () => {
    const other = await startTestApp({ keepData: false, env: {} });
    const tmpDir = join(other.dataDir, 'evidence', 'tmp');
    await other.app.close();
    mkdirSync(tmpDir, { recursive: true });
    writeFileSync(join(tmpDir, 'orphan'), 'half an upload');
    const again = await startTestApp({ dataDir: other.dataDir });
    try {
      expect(readdirSync(join(again.dataDir, 'evidence')).includes('tmp') ? readdirSync(tmpDir) : []).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('creates a fresh data directory 0700', async () => {
    const dir = join(t.dataDir, 'fresh', 'nested');
    const a = await startTestApp({ dataDir: dir, keepData: true });
    try {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    } finally {
      await a.close();
    }
  });
});
