/**
 * The office runs its set-up in the pages (issue 15): an admin adds units and a user bound to a unit; a
 * supervisor creates a plan, groups its units, sets its scoring up, adds an indicator, assigns it to
 * several units at once with its nodes, publishes the plan, and closes it after a confirmation showing
 * what will be frozen; the department then sees its task. Every list page is one request; each page gets
 * an axe-core check (no serious violations) and screenshots at desktop (1366×768) and phone (390×844).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Locator, Page } from 'playwright-core';
import { countRequests, seriousA11yViolations } from './support/a11y.js';
import {
  DEMO_PASSWORDS,
  ensureWebBuilt,
  horizontalOverflow,
  launchBrowser,
  openSession,
  screenshot,
  startUiApp,
  type Session,
  type UiApp,
} from './support/ui-app.js';

const STEP = 120_000;
let server: UiApp;
let browser: Browser;
const sessions: Session[] = [];
/** Page load times (first list rendered), reported at the end, not asserted. */
const timings: { page: string; ms: number }[] = [];

async function as(username: string, password = DEMO_PASSWORDS[username]!, width: 'desktop' | 'phone' = 'desktop'): Promise<Page> {
  const s = await openSession(browser, server.baseUrl, width);
  if (width === 'desktop') await s.page.setViewportSize({ width: 1366, height: 768 });
  sessions.push(s);
  await s.page.goto('/app/login');
  await s.page.getByLabel('用户名').fill(username);
  await s.page.getByLabel('密码').fill(password);
  await s.page.getByRole('button', { name: '登录' }).click();
  await s.page.waitForURL((u) => !u.pathname.endsWith('/login'));
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

/** Wait until the locator's text contains `text` (the pages update after their reloads). */
async function shows(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
}

/** Go to a page through the navigation, wait for its list, check accessibility; returns the load time. */
async function openPage(page: Page, link: string, ready: string, name: string): Promise<void> {
  const t0 = Date.now();
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: link, exact: true }).click();
  await page.getByTestId(ready).waitFor();
  timings.push({ page: name, ms: Date.now() - t0 });
  await expect(seriousA11yViolations(page)).resolves.toEqual([]);
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
  if (timings.length) console.log(`office page loads (ms, not asserted): ${timings.map((t) => `${t.page} ${t.ms}`).join(', ')}`);
});

describe('the office sets a plan up in the pages', () => {
  let planId = '';

  it(
    'an admin adds units (searched by name, filtered by kind, one request per list page) and a user bound to a unit',
    async () => {
      const page = await as('admin');
      const unitLists = countRequests(page, /^\/units$/);
      await openPage(page, '单位', 'units', 'units');
      for (const [name, kind] of [
        ['县水利局', '部门'],
        ['县林业局', '部门'],
      ] as const) {
        await page.getByRole('button', { name: '新建单位' }).click();
        const dialog = page.getByRole('dialog', { name: '新建单位' });
        await dialog.getByLabel('单位名称').fill(name);
        await dialog.getByLabel('类别').selectOption({ label: kind });
        await dialog.getByRole('button', { name: '创建' }).click();
        await shows(page.getByTestId('done'), `已创建单位「${name}」`);
      }
      unitLists.reset();
      await page.getByLabel('搜索名称或简称').fill('水利');
      await page.getByRole('button', { name: '查询' }).click();
      await page.getByTestId('units').locator('tbody tr', { hasText: '县水利局' }).waitFor();
      await expect(page.getByTestId('units').locator('tbody tr').count()).resolves.toBe(1);
      expect(unitLists.count()).toBe(1);
      // A duplicate is refused in Chinese, naming the field.
      await page.getByRole('button', { name: '新建单位' }).click();
      const dup = page.getByRole('dialog', { name: '新建单位' });
      await dup.getByLabel('单位名称').fill('县水利局');
      await dup.getByRole('button', { name: '创建' }).click();
      await shows(dup.getByTestId('error'), '名称已存在');
      await dup.getByRole('button', { name: '取消' }).click();
      await screenshot(page, 'office-units-desktop');

      await openPage(page, '用户', 'users', 'users');
      await page.getByRole('button', { name: '新建用户' }).click();
      const dialog = page.getByRole('dialog', { name: '新建用户' });
      await dialog.getByLabel('用户名').fill('slj');
      await dialog.getByLabel('姓名').fill('县水利局 联络员');
      await dialog.getByLabel('初始密码（至少 10 位，含字母、数字、符号中的两类）').fill('slj-password-1');
      await dialog.getByLabel('角色').selectOption({ label: '承接单位' });
      await dialog.getByLabel('所属单位').selectOption({ label: '县水利局' });
      await dialog.getByRole('button', { name: '创建' }).click();
      await shows(page.getByTestId('done'), '已创建用户「县水利局 联络员」');
      await page.getByLabel('搜索用户名或姓名').fill('水利');
      await page.getByRole('button', { name: '查询' }).click();
      await shows(page.locator('[data-username="slj"]'), '县水利局');
      await screenshot(page, 'office-users-desktop');
    },
    STEP,
  );

  it(
    'a supervisor creates a plan, groups its units and sets its scoring up',
    async () => {
      const page = await as('supervisor');
      await openPage(page, '考核方案', 'plans', 'plans');
      await page.getByRole('button', { name: '新建方案' }).click();
      const dialog = page.getByRole('dialog', { name: '新建考核方案' });
      await dialog.getByLabel('方案名称').fill('2027年度县直部门绩效考评');
      await dialog.getByLabel('年度').fill('2027');
      await dialog.getByRole('button', { name: '创建' }).click();
      await shows(page.getByTestId('done'), '已创建考核方案「2027年度县直部门绩效考评」');
      const detail = page.getByTestId('plan-detail');
      await detail.waitFor();
      planId = (await page.locator('[data-plan]', { hasText: '2027年度县直部门绩效考评' }).getAttribute('data-plan'))!;

      await detail.getByRole('button', { name: '新建分组' }).click();
      const g = page.getByRole('dialog', { name: '新建考核分组' });
      await g.getByLabel('分组名称').fill('经济发展部门组');
      await g.getByLabel('筛选单位').fill('局');
      // Department units come checked; keep 县水利局 and 县林业局 only.
      for (const box of await g.getByRole('checkbox').all()) await box.uncheck();
      await g.getByRole('checkbox', { name: '县水利局' }).check();
      await g.getByRole('checkbox', { name: '县林业局' }).check();
      await g.getByRole('button', { name: '建立分组' }).click();
      await expect(detail.getByTestId('groups').innerText()).resolves.toMatch(/经济发展部门组[\s\S]*2 个单位[\s\S]*县水利局、县林业局|县林业局、县水利局/);

      const setup = detail.getByTestId('scoring-setup');
      await setup.getByLabel('计分模板').selectOption({ label: '县直部门年度绩效考评' });
      await setup.getByLabel('「经济发展部门组」的计分规则').selectOption({ label: '经济发展部门组' });
      await setup.getByRole('button', { name: '保存计分设置' }).click();
      await shows(page.getByTestId('done'), '已保存「2027年度县直部门绩效考评」的计分设置');
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      await screenshot(page, 'office-plan-desktop');
    },
    STEP,
  );

  it(
    'adds an indicator and assigns it to two units at once with two nodes',
    async () => {
      const page = await as('supervisor');
      // The plan just made is the one the page works on.
      await page.getByLabel('考核方案').selectOption({ label: '2027年度县直部门绩效考评' });
      await openPage(page, '指标与任务', 'indicators', 'indicators');
      await page.getByRole('button', { name: '新建指标' }).click();
      const dialog = page.getByRole('dialog', { name: '新建指标' });
      await dialog.getByLabel('指标编号').fill('S-01');
      await dialog.getByLabel('指标名称').fill('重点水利工程建设');
      await dialog.getByLabel('分值').fill('20');
      await dialog.getByLabel('计分方法').selectOption({ label: '节点平台计分法' });
      await dialog.getByRole('button', { name: '创建' }).click();
      await shows(page.getByTestId('done'), '已创建指标「S-01 重点水利工程建设」');

      await page.locator('[data-indicator="S-01"]').getByRole('button', { name: '下达任务' }).click();
      const assign = page.getByRole('dialog', { name: '下达任务：重点水利工程建设' });
      await assign.getByRole('checkbox', { name: '县水利局' }).check();
      await assign.getByRole('checkbox', { name: '县林业局' }).check();
      const editor = assign.getByTestId('nodes-editor');
      await editor.getByLabel('第1个节点的计划完成时间').fill('2027-06-30');
      await editor.getByLabel('第1个节点的阶段目标').fill('完成主体工程招标');
      await editor.getByLabel('第1个节点的证明材料要求').fill('中标通知书');
      await editor.getByLabel('第2个节点的计划完成时间').fill('2027-12-31');
      await editor.getByLabel('第2个节点的阶段目标').fill('主体工程完工');
      await assign.getByRole('button', { name: '下达' }).click();
      await assign.waitFor({ state: 'hidden', timeout: 10_000 }).catch(async () => {
        throw new Error(
          `assigning failed: ${await assign
            .getByTestId('error')
            .innerText()
            .catch(() => '(no message)')}`,
        );
      });
      await shows(page.getByTestId('done'), '已将「重点水利工程建设」下达给 2 个单位，每个单位 2 个节点');
      await screenshot(page, 'office-indicators-desktop');

      const call = await apiAs('supervisor');
      const tasks = (await call('GET', `/tasks?planId=${planId}&pageSize=50`)).body.items as { unitName: string; indicatorName: string }[];
      expect(tasks.map((t) => t.unitName).sort()).toEqual(['县林业局', '县水利局']);
    },
    STEP,
  );

  it(
    'publishes the plan; the department sees its task; closing shows what freezes, then freezes the scores',
    async () => {
      const page = await as('supervisor');
      await openPage(page, '考核方案', 'plans', 'plans');
      const row = page.locator(`[data-plan="${planId}"]`);
      await row.getByRole('button', { name: '分组与状态' }).click();
      const detail = page.getByTestId('plan-detail');
      await detail.getByRole('button', { name: '发布方案' }).click();
      await page.getByRole('dialog', { name: '发布方案' }).getByRole('button', { name: '确认' }).click();
      await shows(row.locator('td[data-col="status"]'), '已发布');

      const dept = await as('slj', 'slj-password-1');
      await dept.getByTestId('node-row').filter({ hasText: '重点水利工程建设' }).first().waitFor();
      // 我的节点 reads every task with its nodes in one request (was one per task).
      const reads = countRequests(dept, /^\/tasks(\/details|\/[^/]+)?$/);
      const t0 = Date.now();
      await dept.reload();
      await dept.getByTestId('node-row').filter({ hasText: '重点水利工程建设' }).first().waitFor();
      timings.push({ page: 'my-nodes', ms: Date.now() - t0 });
      expect(reads.count()).toBe(1);
      await expect(seriousA11yViolations(dept)).resolves.toEqual([]);
      await screenshot(dept, 'office-department-sees-task');

      await detail.getByRole('button', { name: '关闭并冻结得分' }).click();
      const confirm = page.getByRole('dialog', { name: '关闭并冻结得分' });
      const summary = confirm.getByTestId('freeze-summary');
      await expect(summary.innerText()).resolves.toMatch(/任务 2 项[\s\S]*经济发展部门组：2 个单位/);
      await screenshot(page, 'office-close-confirm-desktop');
      await confirm.getByRole('button', { name: '确认关闭并冻结' }).click();
      // The close runs as a job: the dialog shows its progress bar (in Chinese) until it ends.
      await shows(confirm.getByTestId('job-progress'), '关闭并冻结');
      await shows(page.getByTestId('done'), '已关闭，得分已冻结');
      await shows(row.locator('td[data-col="status"]'), '已关闭');
      const call = await apiAs('supervisor');
      const runs = (await call('GET', `/plans/${planId}/score-runs`)).body;
      expect((Array.isArray(runs) ? runs : runs.items).length).toBe(1);
      const jobs = (await call('GET', `/jobs?kind=close&planId=${planId}`)).body;
      expect(jobs.items).toEqual([expect.objectContaining({ status: 'succeeded', startedBy: expect.objectContaining({ role: 'supervisor' }) })]);
    },
    STEP,
  );

  it(
    'the office pages fit a phone (390×844): no sideways scrolling, no serious accessibility violations',
    async () => {
      const phone = await as('supervisor', DEMO_PASSWORDS['supervisor'], 'phone');
      for (const [path, ready, name] of [
        ['/app/office/plans', 'plans', 'plans'],
        ['/app/office/units', 'units', 'units'],
        ['/app/office/users', 'users', 'users'],
        ['/app/office/indicators', 'indicators', 'indicators'],
        ['/app/office/webhooks', 'webhooks', 'webhooks'],
      ] as const) {
        await phone.goto(path);
        if (name === 'webhooks') await phone.getByRole('heading', { name: '消息推送' }).waitFor();
        else await phone.getByTestId(ready).waitFor();
        await expect(seriousA11yViolations(phone)).resolves.toEqual([]);
        expect({ name, overflow: await horizontalOverflow(phone) }).toEqual({ name, overflow: 0 });
        await screenshot(phone, `office-${name}-phone`);
      }
    },
    STEP,
  );
});
