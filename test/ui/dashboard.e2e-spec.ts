/**
 * The web pages in a real browser (Debian's chromium through playwright-core) against the real service
 * with the demo plan: each role logs in and does its job; screenshots at desktop (1280) and phone (390)
 * widths go to test-output/screenshots/. The tests run in order: later ones see what earlier ones did.
 */
import { DatabaseService } from '../../src/database/database.service.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import {
  DEMO_PASSWORDS,
  ensureWebBuilt,
  horizontalOverflow,
  launchBrowser,
  login,
  openSession,
  screenshot,
  startUiApp,
  type Session,
  type UiApp,
} from './support/ui-app.js';

const STEP = 60_000;
let server: UiApp;
let browser: Browser;
const sessions: Session[] = [];

async function as(username: string, width: 'desktop' | 'phone' = 'desktop'): Promise<Page> {
  const s = await openSession(browser, server.baseUrl, width);
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
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(server.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, body: (await r.json()) as any };
  };
  return call;
}

async function fgwTask(indicatorName: string): Promise<{ id: string; version: number; currentDueDate: string; state: string; light: string }> {
  const call = await apiAs('supervisor');
  const list = await call('GET', '/tasks?unitId=unit-fgw&pageSize=200');
  return list.body.items.find((t: { indicatorName: string }) => t.indicatorName === indicatorName);
}

/** The board's light counts for one unit row. */
async function unitLights(page: Page, unitId: string) {
  const row = page.locator(`tr[data-unit="${unitId}"]`).first();
  const n = async (col: string) => Number(await row.locator(`td[data-col="${col}"]`).innerText());
  return { red: await n('red'), yellow: await n('yellow'), green: await n('green'), done: await n('done') };
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

describe('dashboard pages in a browser', () => {
  let before: Awaited<ReturnType<typeof unitLights>>;
  /** The supervisor's board, left open while others work: it must follow their changes by itself. */
  let openBoard: Page;

  it('serves the pages under /app/ from this service, sends a browser at / or an unknown path there, leaves the API alone', async () => {
    const res = await fetch(`${server.baseUrl}/`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/');
    const page = await fetch(`${server.baseUrl}/app/board`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<div id="app">');
    // A browser at an unknown path is sent into the app; API routes and API clients are untouched.
    const typed = await fetch(`${server.baseUrl}/board?x=1`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(typed.status).toBe(302);
    expect(typed.headers.get('location')).toBe('/app/board?x=1');
    const api = await fetch(`${server.baseUrl}/board/lights?planId=x`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(401);
    const unknown = await fetch(`${server.baseUrl}/no-such-thing`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('NOT_FOUND');
  });

  it(
    "refuses a wrong password on the login page with the server's message",
    async () => {
      const s = await openSession(browser, server.baseUrl, 'phone');
      sessions.push(s);
      await s.page.goto('/app/');
      await s.page.waitForURL(/\/app\/login/);
      await s.page.getByLabel('用户名').fill('supervisor');
      await s.page.getByLabel('密码').fill('wrong password');
      await s.page.getByRole('button', { name: '登录' }).click();
      await expect(s.page.getByTestId('error').innerText()).resolves.toContain('用户名或密码错误');
      await screenshot(s.page, 'login-error-phone');
    },
    STEP,
  );

  it(
    'shows the supervisor units grouped with green/yellow/red counts, the red-light heat grid and the worst nodes',
    async () => {
      const page = await as('supervisor');
      await page.getByRole('heading', { name: '部门组' }).waitFor();
      await page.getByRole('heading', { name: '镇街组' }).waitFor();
      before = await unitLights(page, 'unit-fgw');
      expect(before.red).toBe(1); // 固定资产投资增长: first node 20 days overdue
      expect(before.yellow).toBeGreaterThanOrEqual(1); // 规模以上工业增加值增长: due in 2 days
      expect(await unitLights(page, 'unit-hqz')).toMatchObject({ red: 1 });
      expect(Number(await page.getByTestId('total-red').innerText())).toBe(2);
      // The heat grid is an ECharts SVG; its table form lists the red lights per unit and month.
      await page.getByTestId('heat').getByTestId('chart').locator('svg').waitFor();
      await page.getByText('以表格查看').click();
      await expect(page.locator('.as-table td.cell-red').count()).resolves.toBe(2);
      await expect(page.getByTestId('board-attention').first().innerText()).resolves.toMatch(/固定资产投资增长[\s\S]*逾期 \d+ 天/);
      await page.getByTestId('live').filter({ hasText: '实时更新' }).waitFor();
      await screenshot(page, 'board-desktop');
      openBoard = page;
    },
    STEP,
  );

  it(
    "clicks through from the board to a unit's red and yellow nodes with days overdue",
    async () => {
      const page = await as('supervisor');
      await page.getByRole('link', { name: '县发展和改革局' }).first().click();
      await page.waitForURL(/\/app\/board\/unit\/unit-fgw$/);
      const rows = page.getByTestId('attention-row');
      await rows.first().waitFor();
      await expect(rows.first().innerText()).resolves.toContain('固定资产投资增长');
      await expect(rows.first().getByTestId('days').innerText()).resolves.toMatch(/^逾期 \d+ 天$/);
      await expect(rows.nth(1).getByTestId('days').innerText()).resolves.toMatch(/^剩余 \d+ 天$|^今天到期$/);
      await screenshot(page, 'unit-desktop');
    },
    STEP,
  );

  it(
    'shows the department its nodes by due date with lights and the returned item with its reason',
    async () => {
      const page = await as('fgw');
      await page.getByRole('heading', { name: '我的节点' }).waitFor();
      const returned = page.getByTestId('returned-item');
      await expect(returned.getByTestId('return-reason').innerText()).resolves.toBe('请补充统计局盖章的数据来源');
      const dues = await page.getByTestId('node-row').evaluateAll((rows) => rows.map((r) => r.querySelector('.muted')?.textContent ?? ''));
      // Every unapproved node of a live task is listed (each node is its own milestone, machine v2), as the API lists them.
      const open = server.app
        .get(DatabaseService)
        .sqlite.prepare(
          `SELECT count(*) AS n FROM nodes n JOIN tasks t ON t.id = n.task_id
       WHERE t.light IS NOT NULL AND n.status != 'approved' AND t.unit_id = (SELECT unit_id FROM users WHERE username = 'fgw')`,
        )
        .get() as { n: number };
      expect(open.n).toBeGreaterThanOrEqual(3);
      expect(dues.length).toBe(open.n);
      const lights = await page.locator('[data-testid="node-row"] .light').evaluateAll((els) => els.map((e) => e.getAttribute('data-light')));
      expect(lights[0]).toBe('red'); // the earliest due date first
      await screenshot(page, 'my-nodes-desktop');
      const phone = await as('fgw', 'phone');
      await phone.getByTestId('returned-item').waitFor();
      expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
      await screenshot(phone, 'my-nodes-phone');
    },
    STEP,
  );

  it(
    'lets the department resubmit evidence with a file, a completed value and a note',
    async () => {
      const page = await as('fgw');
      await page.getByTestId('returned-item').getByRole('button', { name: '重新提交' }).click();
      const dialog = page.getByRole('dialog', { name: '提交证明材料' });
      await dialog.getByLabel('证明材料文件（可多选）').setInputFiles({
        name: '工业增加值测算说明（盖章）.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4 县统计局盖章的数据来源说明'),
      });
      await dialog.getByLabel('完成值').fill('6.3');
      await dialog.getByLabel('完成情况说明').fill('已补充统计局盖章的数据来源');
      await dialog.getByRole('button', { name: '提交' }).click();
      await expect(page.getByTestId('done').innerText()).resolves.toContain('已提交「规模以上工业增加值增长」');
      await page.getByTestId('returned-item').waitFor({ state: 'detached' });
      const t = await fgwTask('规模以上工业增加值增长');
      expect(t.state).toBe('submitted');
    },
    STEP,
  );

  it(
    'shows the assessor the review queue with the submitted file to download, and approves it',
    async () => {
      const page = await as('tjj');
      const t = await fgwTask('规模以上工业增加值增长');
      const item = page.locator(`[data-testid="review-item"][data-task="${t.id}"]`);
      await item.waitFor();
      await expect(item.innerText()).resolves.toContain('已补充统计局盖章的数据来源');
      // The node's earlier return comes with the task detail (currentReturns), beside the submission under review.
      await expect(item.getByTestId('earlier-returns').innerText()).resolves.toContain('请补充统计局盖章的数据来源');
      const file = item.getByTestId('evidence-file');
      await expect(file.innerText()).resolves.toContain('工业增加值测算说明（盖章）.pdf');
      const [download] = await Promise.all([page.waitForEvent('download'), file.getByRole('button', { name: '下载' }).click()]);
      expect(download.suggestedFilename()).toBe('工业增加值测算说明（盖章）.pdf');
      expect(readFileSync(await download.path()).toString()).toBe('%PDF-1.4 县统计局盖章的数据来源说明');
      await screenshot(page, 'review-desktop');
      const phone = await as('tjj', 'phone');
      await phone.getByTestId('review-item').first().waitFor();
      expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
      await screenshot(phone, 'review-phone');

      await item.getByRole('button', { name: '审核通过' }).click();
      const dialog = page.getByRole('dialog', { name: '审核通过' });
      await expect(dialog.getByLabel('审核认定值').inputValue()).resolves.toBe('6.3');
      await dialog.getByLabel('审核意见').fill('数据来源已盖章，予以通过');
      await dialog.getByRole('button', { name: '确认通过' }).click();
      await expect(page.getByTestId('done').innerText()).resolves.toContain('已审核通过');
      await expect(item.count()).resolves.toBe(0);
    },
    STEP,
  );

  it(
    'shows the light change on the board after the approval, live on the open board and on a fresh one',
    async () => {
      // The board opened earlier was not reloaded: the server's event stream updated it.
      const yellowCell = openBoard.locator('tr[data-unit="unit-fgw"] td[data-col="yellow"]');
      await yellowCell.filter({ hasText: new RegExp(`^${before.yellow - 1}$`) }).waitFor();
      const page = await as('supervisor');
      await page.getByRole('heading', { name: '部门组' }).waitFor();
      const after = await unitLights(page, 'unit-fgw');
      expect(after.yellow).toBe(before.yellow - 1);
      expect(after.green).toBe(before.green + 1);
      expect(after.red).toBe(before.red);
      expect(await unitLights(openBoard, 'unit-fgw')).toEqual(after);
      const phone = await as('supervisor', 'phone');
      await phone.getByRole('heading', { name: '部门组' }).waitFor();
      await phone.getByTestId('heat').getByTestId('chart').locator('svg').waitFor();
      expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
      await screenshot(phone, 'board-phone');
    },
    STEP,
  );

  it(
    "shows the server's message when an action fails (someone else acted first: version conflict)",
    async () => {
      const page = await as('fgw');
      const t = await fgwTask('重点项目节点推进');
      const row = page.locator(`[data-testid="node-row"][data-task="${t.id}"]`).first();
      await row.getByRole('button', { name: '签收' }).waitFor();
      // A colleague signs for the task in another window while this page still shows version 1.
      const call = await apiAs('fgw');
      expect((await call('POST', `/tasks/${t.id}/events`, { type: 'task.acknowledge', expectedVersion: t.version })).status).toBe(200);
      await row.getByRole('button', { name: '签收' }).click();
      const error = row.getByTestId('error');
      await expect(error.getAttribute('data-code')).resolves.toBe('VERSION_CONFLICT');
      await expect(error.innerText()).resolves.not.toMatch(/[A-Za-z]{3,}/);
      const serverMessage = (await call('POST', `/tasks/${t.id}/events`, { type: 'task.acknowledge', expectedVersion: t.version })).body.message as string;
      await expect(error.locator('.server-message').innerText()).resolves.toBe(serverMessage);
    },
    STEP,
  );

  it(
    'lets the department request an extension and the supervisor grant it, moving the due date',
    async () => {
      const page = await as('fgw');
      const t = await fgwTask('重点项目节点推进');
      const row = page.locator(`[data-testid="node-row"][data-task="${t.id}"]`).first();
      await row.getByRole('button', { name: '申请延期' }).click();
      const dialog = page.getByRole('dialog', { name: '申请延期' });
      const newDue = new Date(Date.parse(`${t.currentDueDate}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
      await dialog.getByLabel('申请延至').fill(newDue);
      await dialog.getByLabel('延期理由').fill('项目用地审批延迟，申请延期30天');
      await dialog.getByRole('button', { name: '提交申请' }).click();
      await expect(page.getByTestId('done').innerText()).resolves.toContain('延期申请');

      const sup = await as('supervisor');
      await sup.getByRole('link', { name: '延期审批' }).click();
      const req = sup.getByTestId('extension-request');
      await req.first().waitFor();
      await expect(req.first().innerText()).resolves.toContain('项目用地审批延迟，申请延期30天');
      const [ny, nm, nd] = newDue.split('-').map(Number);
      await expect(req.first().getByTestId('new-due').innerText()).resolves.toBe(`${ny}年${nm}月${nd}日`);
      await screenshot(sup, 'extensions-desktop');
      await req.first().getByRole('button', { name: '同意延期' }).click();
      await sup.getByRole('dialog', { name: '同意延期' }).getByRole('button', { name: '确认同意' }).click();
      await sup.getByText('暂无待审批的延期申请。').waitFor();
      // The node's due instant moved to the end of the new day, Beijing time …
      const call = await apiAs('supervisor');
      const detail = (await call('GET', `/tasks/${t.id}`)).body as { nodes: { seq: number; dueAt: string }[] };
      expect(detail.nodes[0]!.dueAt).toBe(new Date(`${newDue}T23:59:59+08:00`).toISOString());
      // … and the department's page shows the new date.
      await page.reload();
      const [y, m, d] = newDue.split('-').map(Number);
      await expect(row.innerText()).resolves.toContain(`截止 ${y}年${m}月${d}日`);
    },
    STEP,
  );

  it(
    "shows the auditor a task's timeline, a verified hash chain, the state as of a date, and exports it",
    async () => {
      const page = await as('auditor');
      await page.getByLabel('指标名称、编号、单位或任务编号').fill('规模以上');
      await page.getByRole('button', { name: /县发展和改革局 · 规模以上工业增加值增长/ }).click();
      const timeline = page.getByTestId('timeline');
      await timeline.waitFor();
      const types = await timeline.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
      expect(types).toEqual(['task.created', 'task.acknowledge', 'evidence.submit', 'evidence.return', 'evidence.submit', 'evidence.approve']);
      await expect(timeline.innerText()).resolves.toContain('理由：请补充统计局盖章的数据来源');
      // Who acted, by the name the history carries (actor.displayName), with the role.
      await expect(timeline.locator('li[data-type="evidence.submit"]').first().innerText()).resolves.toContain('操作人：县发改局 联络员（承接单位）');
      await expect(timeline.locator('li[data-type="evidence.return"]').innerText()).resolves.toContain('操作人：县统计局 考核员（考核主体）');
      const verdict = page.getByTestId('verdict');
      await expect(verdict.innerText()).resolves.toContain('留痕完整：6 条事件');
      await expect(verdict.innerText()).resolves.toContain('浏览器独立重算：6 条事件哈希逐条重算一致');
      await expect(page.getByTestId('asof').innerText()).resolves.toContain('第 6 条事件「审核通过」之后');
      await screenshot(page, 'audit-desktop');

      const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel('截至日期（北京时间当日 24 时）').fill(yesterday);
      await page.getByTestId('asof').filter({ hasText: '任务尚未下达' }).waitFor();

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 JSON Lines' }).click()]);
      const records = readFileSync(await download.path(), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const events = records.filter((r) => r.record === 'event');
      expect(events.map((e) => e.type)).toEqual(types);
      // The export is enough to recompute each hash with the README's recipe, outside the project's code.
      for (const e of events) {
        const h = createHash('sha256').update([e.prevHash, e.taskId, e.seq, e.type, e.occurredAt, e.payload].join('|')).digest('hex');
        expect(h).toBe(e.hash);
      }

      // The whole plan's board as of today, replayed from every task's history.
      await page.getByRole('button', { name: '查看' }).click();
      const board = page.getByTestId('plan-board');
      await expect(board.locator('tr', { hasText: '县发展和改革局' }).locator('td[data-col="red"]').innerText()).resolves.toBe('1');

      const phone = await as('auditor', 'phone');
      await phone.goto(new URL(page.url()).pathname);
      await phone.getByTestId('timeline').waitFor();
      expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
      await screenshot(phone, 'audit-phone');
    },
    STEP,
  );

  it(
    'ranks units per group from the scoring API with a bar chart, each unit’s breakdown and the score sheet export',
    async () => {
      const call = await apiAs('supervisor');
      const plan = (await call('GET', '/plans')).body.items[0].id as string;
      const api = (await call('GET', `/plans/${plan}/scores`)).body as {
        source: string;
        groups: { name: string; units: { unitId: string; name: string; rank: number; finalDisplay: string; grade: string }[] }[];
      };
      expect(api.source).toBe('live');
      const page = await as('supervisor');
      await page.getByRole('link', { name: '得分排名' }).click();
      await expect(page.getByTestId('score-source').innerText()).resolves.toMatch(/^实时计算（暂定）/);
      const group = page.getByTestId('score-group').filter({ has: page.getByRole('heading', { name: '部门组' }) });
      await group.getByTestId('chart').locator('svg').waitFor();
      // The rows are the server's: rank, unit, …, final score and grade as GET /plans/{id}/scores gives them.
      const rows = await group.getByTestId('score-row').allInnerTexts();
      const expected = api.groups.find((g) => g.name === '部门组')!.units;
      expect(rows).toHaveLength(expected.length);
      expected.forEach((u, i) => {
        const cells = rows[i]!.split('\t').map((c) => c.trim());
        expect([cells[0], cells[1], cells[6]]).toEqual([String(u.rank), u.name, u.finalDisplay]);
        expect(cells[7]).toBe(`${u.grade}暂定`); // the plan is open: every score is provisional
      });
      expect(expected[0]).toMatchObject({ unitId: 'unit-fgw', rank: 1 });
      // Nothing is estimated in the browser any more.
      await expect(page.locator('main').innerText()).resolves.not.toMatch(/预估|估算/);

      // 县发改局's breakdown: the approved value (6.3, reviewed by 县统计局) scored by the ratio method, the
      // node method, the parts with their weights, the rank and grade with their reasons.
      await group.getByText('县发展和改革局 得分明细').click();
      const card = group.locator('details[data-unit="unit-fgw"]').getByTestId('scorecard');
      await card.waitFor();
      const lines = card.getByTestId('indicator-line');
      const ratio = lines.filter({ hasText: '规模以上工业增加值增长' });
      await expect(ratio.innerText()).resolves.toContain('完成比例计分法');
      await expect(ratio.innerText()).resolves.toContain('数据：分值 10 · 目标值 6.5 · 完成值 6.3');
      await expect(ratio.innerText()).resolves.toContain('min(6.3 ÷ 6.5, 1) × 10 = 9.69');
      await expect(lines.filter({ hasText: '固定资产投资增长' }).innerText()).resolves.toContain('暂定（缺完成值）');
      await expect(lines.filter({ hasText: '重点项目节点推进' }).innerText()).resolves.toMatch(/节点平台计分法[\s\S]*30 × \(2 − 0\) ÷ 2 = 30\.00/);
      const parts = await card.getByTestId('part-row').allInnerTexts();
      expect(parts.map((p) => p.split('\n')[0]!.trim())).toEqual([
        '综合得分（暂定）',
        '业务指标考核（暂定）',
        '综合评价（暂定）',
        '县领导评价',
        '绩效办评价',
        '镇街互评（暂定）',
      ]);
      await expect(card.getByTestId('part-row').nth(1).innerText()).resolves.toContain('权重 70%');
      await expect(card.getByTestId('total-formula').innerText()).resolves.toMatch(new RegExp(`= ${expected[0]!.finalDisplay.replace('.', '\\.')}$`));
      await expect(card.innerText()).resolves.toContain('第 1 名');
      await screenshot(page, 'scores-desktop');

      // The score sheet, as the office downloads it (the bearer token goes with the request).
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV 汇总' }).click()]);
      expect(csv.suggestedFilename()).toBe(`scores-${plan}-live-summary.csv`);
      const text = readFileSync(await csv.path(), 'utf8');
      expect(text.charCodeAt(0)).toBe(0xfeff);
      expect(text).toContain('县发展和改革局');
      expect(text).toContain(expected[0]!.finalDisplay);
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Excel（含明细）' }).click()]);
      expect(xlsx.suggestedFilename()).toBe(`scores-${plan}-live.xlsx`);
      expect(
        readFileSync(await xlsx.path())
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');

      const phone = await as('supervisor', 'phone');
      await phone.goto('/app/scores');
      const towns = phone.getByTestId('score-group').filter({ has: phone.getByRole('heading', { name: '镇街组' }) });
      await towns.getByTestId('chart').locator('svg').waitFor();
      await towns.getByText('红旗镇 得分明细').click();
      // 红旗镇's commendation is a bonus line.
      await expect(towns.getByTestId('adjustment-row').innerText()).resolves.toMatch(/加分[\s\S]*获市级综合性表彰[\s\S]*\+0\.20/);
      expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
      await screenshot(phone, 'scores-phone');
    },
    STEP,
  );

  it(
    'shows a department only its own score and breakdown while the plan is open, and no export',
    async () => {
      const page = await as('hqz');
      await page.getByRole('link', { name: '得分排名' }).click();
      const groups = page.getByTestId('score-group');
      await groups.first().waitFor();
      await expect(groups.count()).resolves.toBe(1);
      const rows = await groups.getByTestId('score-row').allInnerTexts();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatch(/^1\t红旗镇\t/);
      // Its own breakdown opens by itself; there is no other unit's, and no score sheet.
      await groups.getByTestId('scorecard').waitFor();
      await expect(page.locator('details.breakdown').count()).resolves.toBe(1);
      await expect(page.getByRole('button', { name: 'CSV 汇总' }).count()).resolves.toBe(0);
      await expect(page.getByText('考核方案关闭前只显示本单位的得分和名次').count()).resolves.toBe(1);
    },
    STEP,
  );

  it(
    'works from the keyboard: log in with Tab and Enter, focus lands on the page heading, Esc closes a dialog',
    async () => {
      const s = await openSession(browser, server.baseUrl);
      sessions.push(s);
      const page = s.page;
      await page.goto('/app/login');
      // The user name field has focus on arrival.
      await page.locator('#login-username:focus').waitFor();
      await page.keyboard.type('tjj');
      await page.keyboard.press('Tab');
      await page.keyboard.type(DEMO_PASSWORDS['tjj']!);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/app\/review$/);
      await page.getByTestId('review-item').first().waitFor();
      await expect(page.locator('h1:focus').count()).resolves.toBe(1);
      const returnButton = page.getByTestId('review-item').first().getByRole('button', { name: '退回' });
      await returnButton.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: '退回整改' });
      await dialog.waitFor();
      await expect(dialog.locator(':focus').count()).resolves.toBe(1);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await expect(returnButton.evaluate((el) => el.matches(':focus'))).resolves.toBe(true);
    },
    STEP,
  );

  it(
    'shows the frozen scores once the plan closes: the run, the office’s run picker, every ranking for a department',
    async () => {
      const call = await apiAs('supervisor');
      const plan = (await call('GET', '/plans')).body.items[0].id as string;
      expect((await call('POST', `/plans/${plan}/status`, { status: 'published' })).status).toBe(201);
      expect((await call('POST', `/plans/${plan}/status`, { status: 'closed' })).status).toBe(201);
      const frozen = (await call('GET', `/plans/${plan}/scores`)).body as {
        source: string;
        run: { id: number };
        groups: { units: { finalDisplay: string }[] }[];
      };
      expect(frozen).toMatchObject({ source: 'frozen', run: { id: 1 } });

      const page = await as('supervisor');
      await page.goto('/app/scores');
      await expect(page.getByTestId('score-source').innerText()).resolves.toMatch(/^正式得分：第 1 次计分，考核方案关闭时冻结，操作人 supervisor/);
      await expect(page.getByTestId('score-choice').inputValue()).resolves.toBe('run:1');
      await page.getByTestId('score-choice').selectOption('live');
      await page
        .getByTestId('score-source')
        .filter({ hasText: /^实时计算：按当前数据重新计算/ })
        .waitFor();

      // Published once closed: a department sees every group's ranking, still only its own breakdown.
      const dept = await as('fgw');
      await dept.goto('/app/scores');
      await dept.getByTestId('score-source').filter({ hasText: '正式得分' }).waitFor();
      await expect(dept.getByTestId('score-group').count()).resolves.toBe(2);
      await expect(dept.getByTestId('score-row').count()).resolves.toBe(6);
      await expect(dept.locator('details.breakdown').count()).resolves.toBe(1);
      await dept.locator('details.breakdown[data-unit="unit-fgw"]').getByTestId('scorecard').waitFor();
      expect(await horizontalOverflow(dept)).toBeLessThanOrEqual(0);
      await screenshot(dept, 'scores-frozen-department-desktop');
    },
    STEP,
  );

  it('loads nothing from outside the service and raises no script errors on any page', () => {
    expect(sessions.flatMap((s) => s.offsite)).toEqual([]);
    expect(sessions.flatMap((s) => s.errors)).toEqual([]);
  });
});
