/**
 * Every class of error the API returns, met in the pages by a department (and an auditor), each one the
 * real server's answer to a real request: validation (400), role refused (403), unknown task (404),
 * version conflict (409), event refused by the task machine (409), file too large (413), file type
 * refused (415). The page must show the Chinese message and never English words or an id.
 * Where the pages cannot be made to send a refused request by hand (they only offer allowed actions),
 * the outgoing request is rewritten in flight and the server answers it for real.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Browser, Page, Route } from 'playwright-core';
import { DEMO_PASSWORDS, ensureWebBuilt, launchBrowser, login, openSession, screenshot, startUiApp, type Session, type UiApp } from './support/ui-app.js';

const STEP = 90_000;
let server: UiApp;
let browser: Browser;
const sessions: Session[] = [];

/** Latin words a person may read in Chinese UI text (units of size, file extensions, the product's demo codes). */
const ALLOWED_LATIN = new Set(['mb', 'kb', 'pdf', 'ofd', 'jpg', 'jpeg', 'png', 'doc', 'docx', 'xls', 'xlsx', 'wps', 'txt', 'zip', 'word', 'excel']);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const englishIn = (text: string): string[] => (text.match(/[A-Za-z][A-Za-z_.-]*[A-Za-z]/g) ?? []).filter((w) => !ALLOWED_LATIN.has(w.toLowerCase()));

async function as(username: string): Promise<Page> {
  const s = await openSession(browser, server.baseUrl);
  sessions.push(s);
  await login(s.page, username);
  return s.page;
}

async function apiAs(username: string) {
  const res = await fetch(`${server.baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORDS[username] }),
  });
  const { accessToken } = (await res.json()) as { accessToken: string };
  return async (method: string, path: string, body?: unknown) => {
    const r = await fetch(server.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, body: (await r.json()) as any };
  };
}

async function fgwTask(indicatorName: string) {
  const call = await apiAs('supervisor');
  const list = await call('GET', '/tasks?unitId=unit-fgw&pageSize=200');
  const t = list.body.items.find((x: { indicatorName: string }) => x.indicatorName === indicatorName);
  return (await call('GET', `/tasks/${t.id}`)).body as {
    id: string;
    version: number;
    state: string;
    currentNodeSeq: number;
    nodes: { seq: number; dueAt: string }[];
  };
}

/**
 * The notice the page shows for the server's answer: its status and code (kept in attributes), and the
 * visible text, which must be Chinese, free of English words and ids. Returns the text.
 */
async function expectChineseError(page: Page, status: number, code: string, shot: string): Promise<string> {
  const notice = page.getByTestId('error').filter({ visible: true }).last();
  await notice.waitFor();
  await expect(notice.getAttribute('data-code')).resolves.toBe(code);
  await expect(notice.getAttribute('data-status')).resolves.toBe(String(status));
  const text = await notice.innerText();
  expect(text).toMatch(/[\u4e00-\u9fff]/);
  // The whole page, not only the notice: nothing English or id-like anywhere a person reads.
  const pageText = await page.locator('body').innerText();
  expect({ shot, english: englishIn(pageText) }).toEqual({ shot, english: [] });
  expect(pageText).not.toMatch(UUID);
  await screenshot(page, `error-${shot}`);
  return text;
}

/** Rewrite the next POST /tasks/{id}/events the page sends (the server still answers it for real). */
async function rewriteNextEvent(page: Page, change: (body: Record<string, any>) => Record<string, any>): Promise<void> {
  const pattern = /\/tasks\/[^/]+\/events$/;
  // Only the page's event commands match (POST /tasks/{id}/events; the pages read no such GET).
  await page.route(
    pattern,
    async (route: Route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, any>;
      await route.continue({ postData: JSON.stringify(change(body)) });
    },
    { times: 1 },
  );
}

function nodeRow(page: Page, taskId: string) {
  // Every unapproved node is listed (each its own milestone): the first row of a task is its earliest node.
  return page.locator(`[data-testid="node-row"][data-task="${taskId}"]`).first();
}

beforeAll(async () => {
  const webRoot = ensureWebBuilt();
  server = await startUiApp(webRoot);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  for (const s of sessions) await s.context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

describe('every error class reaches the page in Chinese', () => {
  it(
    '401 on the login page: wrong password',
    async () => {
      const s = await openSession(browser, server.baseUrl);
      sessions.push(s);
      await s.page.goto('/app/login');
      await s.page.getByLabel('用户名').fill('fgw');
      await s.page.getByLabel('密码').fill('not the password');
      await s.page.getByRole('button', { name: '登录' }).click();
      await expect(expectChineseError(s.page, 401, 'UNAUTHENTICATED', 'login-401')).resolves.toContain('用户名或密码错误');
    },
    STEP,
  );

  it(
    '404: an auditor opens a task that does not exist',
    async () => {
      const page = await as('auditor');
      await page.goto(`/app/audit/${randomUUID()}`);
      await expect(expectChineseError(page, 404, 'NOT_FOUND', 'audit-404')).resolves.toContain('未找到任务');
    },
    STEP,
  );

  it(
    '409 version: a colleague signed for the task first',
    async () => {
      const page = await as('fgw');
      const t = await fgwTask('重点项目节点推进');
      const row = nodeRow(page, t.id);
      await row.getByRole('button', { name: '签收' }).waitFor();
      const call = await apiAs('fgw');
      expect((await call('POST', `/tasks/${t.id}/events`, { type: 'task.acknowledge', expectedVersion: t.version })).status).toBe(200);
      await row.getByRole('button', { name: '签收' }).click();
      await expect(expectChineseError(page, 409, 'VERSION_CONFLICT', 'my-409-version')).resolves.toContain('请刷新后重试');
    },
    STEP,
  );

  it(
    '400 refused by the machine: an extension to the day the node is already due (a bad newDueAt, named in Chinese)',
    async () => {
      const page = await as('fgw');
      const t = await fgwTask('重点项目节点推进');
      const node = t.nodes.find((n) => n.seq === t.currentNodeSeq)!;
      // The due instant's calendar day in Beijing time: the same day asked for again moves nothing.
      const sameDay = new Date(Date.parse(node.dueAt) + 8 * 3_600_000).toISOString().slice(0, 10);
      await nodeRow(page, t.id).getByRole('button', { name: '申请延期' }).click();
      const dialog = page.getByRole('dialog', { name: '申请延期' });
      await dialog.getByLabel('申请延至').fill(sameDay);
      await dialog.getByLabel('延期理由').fill('原定日期不变');
      await dialog.getByRole('button', { name: '提交申请' }).click();
      // Machine v2 words a payload refusal itself and names the field: 400, not a state conflict.
      const text = await expectChineseError(page, 400, 'VALIDATION_FAILED', 'my-400-event');
      expect(text).toContain('新的截止时间');
    },
    STEP,
  );

  it(
    '400 validation: an impossible date reaches the server (the field is named in Chinese)',
    async () => {
      const page = await as('fgw');
      const t = await fgwTask('重点项目节点推进');
      await nodeRow(page, t.id).getByRole('button', { name: '申请延期' }).click();
      const dialog = page.getByRole('dialog', { name: '申请延期' });
      await dialog.getByLabel('申请延至').fill('2030-01-31');
      await dialog.getByLabel('延期理由').fill('项目用地审批延迟');
      await rewriteNextEvent(page, (b) => ({ ...b, payload: { ...b['payload'], newDueDate: '2030-02-30' } }));
      await dialog.getByRole('button', { name: '提交申请' }).click();
      const text = await expectChineseError(page, 400, 'VALIDATION_FAILED', 'my-400-validation');
      expect(text).toContain('新的截止日期');
    },
    STEP,
  );

  it(
    '403: a department sends what only the office may (granting its own extension)',
    async () => {
      const page = await as('fgw');
      const t = await fgwTask('重点项目节点推进');
      await nodeRow(page, t.id).getByRole('button', { name: '申请延期' }).click();
      const dialog = page.getByRole('dialog', { name: '申请延期' });
      await dialog.getByLabel('申请延至').fill('2030-01-31');
      await dialog.getByLabel('延期理由').fill('项目用地审批延迟');
      await rewriteNextEvent(page, (b) => ({ type: 'extension.grant', expectedVersion: b['expectedVersion'], payload: {} }));
      await dialog.getByRole('button', { name: '提交申请' }).click();
      const text = await expectChineseError(page, 403, 'FORBIDDEN', 'my-403');
      expect(text).toContain('「承接单位」不能对该任务执行「同意延期」');
    },
    STEP,
  );

  it(
    '415: a file type the office does not accept',
    async () => {
      const page = await as('fgw');
      const t = await fgwTask('重点项目节点推进');
      await nodeRow(page, t.id).getByRole('button', { name: '提交材料' }).click();
      const dialog = page.getByRole('dialog', { name: '提交证明材料' });
      await dialog.getByLabel('证明材料文件（可多选）').setInputFiles({ name: '进度表.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
      await dialog.getByRole('button', { name: '提交' }).click();
      const text = await expectChineseError(page, 415, 'FILE_TYPE_NOT_ALLOWED', 'my-415');
      expect(text).toContain('不接受该类型的文件');
    },
    STEP,
  );

  it(
    '413: a file over the size limit',
    async () => {
      const page = await as('fgw');
      const t = await fgwTask('重点项目节点推进');
      await nodeRow(page, t.id).getByRole('button', { name: '提交材料' }).click();
      const dialog = page.getByRole('dialog', { name: '提交证明材料' });
      const big = Buffer.alloc(20 * 1024 * 1024 + 1024, 0x20);
      big.write('%PDF-1.4');
      await dialog.getByLabel('证明材料文件（可多选）').setInputFiles({ name: '全年台账.pdf', mimeType: 'application/pdf', buffer: big });
      await dialog.getByRole('button', { name: '提交' }).click();
      const text = await expectChineseError(page, 413, 'FILE_TOO_LARGE', 'my-413');
      expect(text).toContain('20 MB');
    },
    STEP,
  );
});
