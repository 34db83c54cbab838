/**
 * Self-assessment in the pages (issue 16 item 3): on the demo plan (window open), the department enters a
 * self-score per indicator, saves, uploads its report and submits naming its head; the head signs it off;
 * the office sees it signed, with its total and the self vs assessed comparison. A score above the
 * indicator's points is stopped by the form. Each page gets an axe-core check; desktop and phone screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { seriousA11yViolations } from './support/a11y.js';
import { ensureWebBuilt, horizontalOverflow, launchBrowser, screenshot, type Session, type UiApp, startUiApp, navLink, signedIn } from './support/ui-app.js';

const STEP = 120_000;
let server: UiApp;
let browser: Browser;
const sessions: Session[] = [];

const as = (username: string, width: 'desktop' | 'phone' = 'desktop'): Promise<Page> => signedIn(browser, server.baseUrl, sessions, username, width);
const nav = (page: Page, name: string) => navLink(page, name).click();

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

describe('a unit assesses itself and its head signs it off, in the pages', () => {
  it(
    'the department cannot save a score above the points, then enters scores, saves, uploads its report and submits to its head',
    async () => {
      const page = await as('fgw');
      await nav(page, '单位自评');
      const items = page.getByTestId('sa-items');
      await items.waitFor();
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      const scores = items.locator('input[type="number"]');
      const n = await scores.count();
      expect(n).toBeGreaterThanOrEqual(2);
      // Above the indicator's points: the form itself refuses (the field's own range), nothing is sent.
      await scores.nth(0).fill('99');
      await page.getByRole('button', { name: '保存草稿' }).click();
      expect(await scores.nth(0).evaluate((el) => (el as unknown as { validity: { rangeOverflow: boolean } }).validity.rangeOverflow)).toBe(true);
      expect(await page.getByTestId('done').count()).toBe(0);
      for (let i = 0; i < n; i++) await scores.nth(i).fill('1.5');
      await items.locator('textarea').first().fill('全年目标已完成');
      await page.getByRole('button', { name: '保存草稿' }).click();
      await page.getByTestId('done').filter({ hasText: '已保存自评草稿' }).waitFor();
      expect(await page.getByTestId('sa-total').innerText()).toBe((1.5 * n).toFixed(2));
      await page
        .getByLabel('上传报告')
        .setInputFiles({ name: '县发改局2026年度自评报告.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
      await page.getByTestId('sa-report').filter({ hasText: '自评报告.pdf' }).waitFor();
      await page.getByRole('button', { name: '提交负责人签认' }).click();
      await page.getByLabel('签认负责人').selectOption({ label: '县发改局 局长' });
      await page.getByRole('button', { name: '提交', exact: true }).click();
      await page.getByTestId('sa-status').filter({ hasText: '已提交，待负责人签认' }).waitFor();
      expect(await page.getByRole('button', { name: '保存草稿' }).count()).toBe(0);
      await screenshot(page, 'self-assessment-submitted-desktop');
    },
    STEP,
  );

  it(
    'the head signs it off (on a phone): final',
    async () => {
      const page = await as('fgwhead', 'phone');
      await page.goto('/app/self-assessment');
      await page.getByRole('button', { name: '签认定稿' }).click();
      await page.getByTestId('sa-status').filter({ hasText: '已签认（定稿）' }).waitFor();
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'self-assessment-signed-phone');
    },
    STEP,
  );

  it(
    'the office sees it signed with its total, and self vs assessed per indicator',
    async () => {
      const page = await as('supervisor');
      await nav(page, '自评管理');
      const table = page.getByTestId('sa-units');
      await table.filter({ hasText: '已签认（定稿）' }).waitFor();
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      const row = table.locator('tr', { hasText: '县发展和改革局' });
      expect(await row.innerText()).toContain('已签认（定稿）');
      await page.getByTestId('sa-comparison').getByRole('button', { name: '逐项对照' }).click();
      const inner = page.getByTestId('sa-comparison').locator('table');
      expect(await inner.first().innerText()).toContain('1.50');
      const text = await page.locator('main').innerText();
      expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      await screenshot(page, 'self-assessment-office-desktop');
      for (const s of sessions) expect([s.offsite, s.errors]).toEqual([[], []]);
    },
    STEP,
  );
});
