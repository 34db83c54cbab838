/**
 * 安全审计日志 (issue 12): an auditor reads the security log in the pages — Chinese labels, newest first,
 * filtered by kind on the server, paged, the chain verified — with an axe-core check at desktop and phone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { countRequests, seriousA11yViolations } from './support/a11y.js';
import { ensureWebBuilt, horizontalOverflow, launchBrowser, login, openSession, screenshot, startUiApp, type Session, type UiApp } from './support/ui-app.js';

let server: UiApp;
let browser: Browser;
const sessions: Session[] = [];

beforeAll(async () => {
  server = await startUiApp(ensureWebBuilt());
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  for (const s of sessions) await s.context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

describe('the security log page', () => {
  it('shows an auditor the logins and failures in Chinese, filters by kind with one request, pages, and verifies the chain', async () => {
    // A failed login to find in the log.
    await fetch(`${server.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'fgw', password: 'not-the-password-1' }),
    });
    const s = await openSession(browser, server.baseUrl, 'desktop');
    sessions.push(s);
    const page = s.page;
    await page.setViewportSize({ width: 1366, height: 768 });
    await login(page, 'auditor');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '安全日志', exact: true }).click();
    const table = page.getByTestId('security-log');
    await table.locator('tbody tr', { hasText: '登录成功' }).first().waitFor();
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    const text = await table.innerText();
    expect(text).toContain('新建用户');
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // no raw ids
    const lists = countRequests(page, /^\/security-log$/);
    await page.getByLabel('类别').selectOption({ label: '登录失败' });
    // Wait for the filtered list itself: the unfiltered one shows the same failed login further down.
    await table.locator('tbody tr').first().filter({ hasText: '登录失败' }).waitFor();
    await table.locator('tbody tr', { hasText: '账号 fgw' }).waitFor();
    await expect(table.locator('tbody tr').first().innerText()).resolves.toContain('密码错误');
    const kinds = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    expect(new Set(kinds)).toEqual(new Set(['login.failed']));
    expect(lists.count()).toBe(1);
    await page.getByLabel('类别').selectOption({ label: '全部' });
    await page
      .getByTestId('pager')
      .filter({ hasText: /共 \d+ 条/ })
      .waitFor();
    await page.getByRole('button', { name: '校验完整性' }).click();
    await page.getByTestId('verify').filter({ hasText: '哈希链完整' }).waitFor();
    await screenshot(page, 'security-log-desktop');
    expect(s.errors).toEqual([]);
  }, 120_000);

  it('fits a phone, and is not offered to a supervisor', async () => {
    const s = await openSession(browser, server.baseUrl, 'phone');
    sessions.push(s);
    await login(s.page, 'auditor');
    await s.page.goto('/app/security-log');
    await s.page.getByTestId('security-log').locator('tbody tr').first().waitFor();
    await expect(seriousA11yViolations(s.page)).resolves.toEqual([]);
    expect(await horizontalOverflow(s.page)).toBeLessThanOrEqual(0);
    await screenshot(s.page, 'security-log-phone');
    const sup = await openSession(browser, server.baseUrl, 'desktop');
    sessions.push(sup);
    await login(sup.page, 'supervisor');
    await expect(sup.page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '安全日志', exact: true }).count()).resolves.toBe(0);
  }, 120_000);
});
