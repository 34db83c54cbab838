/**
 * The leader in the pages (issue 16 items 4–5): 县长 signs in, reads the board and the scores, and casts
 * its own leaders' ballot on 综合评价 — a ballot over the quota is refused with the server's Chinese reason
 * naming the grade, a fixed one is accepted and listed as the leader's own; no office action is offered.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { seriousA11yViolations } from './support/a11y.js';
import { ensureWebBuilt, launchBrowser, login, openSession, screenshot, startUiApp, type Session, type UiApp, navLink } from './support/ui-app.js';

const STEP = 120_000;
let server: UiApp;
let browser: Browser;
let session: Session;
let page: Page;

beforeAll(async () => {
  const webRoot = ensureWebBuilt();
  server = await startUiApp(webRoot);
  browser = await launchBrowser();
  session = await openSession(browser, server.baseUrl);
  page = session.page;
  await login(page, 'xianzhang');
}, 240_000);

afterAll(async () => {
  await session?.context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

const nav = (name: string) => navLink(page, name);

describe('a leader', () => {
  it(
    'lands on the board and sees the read-only pages, without the office set-up pages',
    async () => {
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      expect(new URL(page.url()).pathname).toBe('/app/board');
      for (const name of ['亮灯督办', '得分排名', '通报', '综合评价']) expect(await nav(name).count()).toBe(1);
      for (const name of ['考核方案', '指标与任务', '用户', '延期审批']) expect(await nav(name).count()).toBe(0);
      expect(await page.getByTestId('urge').count()).toBe(0);
    },
    STEP,
  );

  it(
    'casts its own ballot: over the quota it is refused in Chinese naming the grade, then accepted',
    async () => {
      await nav('综合评价').click();
      const form = page.getByTestId('ballot-form');
      await form.waitFor();
      await page.getByLabel('考核分组').selectOption({ label: '部门组' });
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      const selects = page.getByTestId('ballot-entries').locator('select');
      const n = await selects.count();
      expect(n).toBe(4);
      for (let i = 0; i < n; i++) await selects.nth(i).selectOption('优秀');
      await page.getByRole('button', { name: '提交评价' }).click();
      const err = page.getByTestId('error').first();
      await err.waitFor();
      expect(await err.innerText()).toMatch(/评价等次超出名额.*「优秀」评了 4 个，最多 1 个/);
      const grades = ['优秀', '良好', '良好', '一般'];
      for (let i = 0; i < n; i++) await selects.nth(i).selectOption(grades[i]!);
      await page.getByRole('button', { name: '提交评价' }).click();
      await page.getByTestId('done').filter({ hasText: '已提交「部门组」的县领导评价' }).waitFor();
      // The page says done before it has re-read the list: wait for the row rather than read at once.
      await page.getByTestId('ballots').filter({ hasText: '领导（本人提交）' }).waitFor();
      expect(await page.getByTestId('ballots').innerText()).toContain('领导（本人提交）');
      await screenshot(page, 'leader-ballot-desktop');
      expect([session.offsite, session.errors]).toEqual([[], []]);
    },
    STEP,
  );
});
