/**
 * 领导批示 in the pages (issue 16): 县长 records a praise on a department's task, sees it numbered in the
 * list and the chain intact; the department reads its own 批示; the office reads every one.
 */
import { describe, expect, it } from '@jest/globals';
import { seriousA11yViolations } from './support/a11y.js';
import { navLink, screenshot, signedIn, uiSuite } from './support/ui-app.js';

const STEP = 120_000;
const suite = uiSuite();
const sessions = suite.sessions;
const as = (username: string) => signedIn(suite.browser(), suite.server().baseUrl, sessions, username);

const TEXT = '该项工作推进有力，成效明显，予以表扬。';

describe('leaders’ 批示', () => {
  it(
    'a leader records a praise on a unit’s task; it is numbered, listed and the chain verifies',
    async () => {
      const page = await as('xianzhang');
      await navLink(page, '领导批示').click();
      const form = page.getByTestId('instruction-form');
      await form.waitFor();
      const unit = page.getByLabel('单位', { exact: true }).first();
      const fgw = (await unit.locator('option').allInnerTexts()).find((t) => t.includes('发展和改革') || t.includes('发改'))!;
      await unit.selectOption({ label: fgw });
      const task = page.getByLabel('任务（可选）');
      await task.locator('option').nth(1).waitFor({ state: 'attached' });
      const taskLabel = (await task.locator('option').allInnerTexts())[1]!;
      await task.selectOption({ label: taskLabel });
      await page.getByLabel('表扬').check();
      await page.getByLabel('批示内容').fill(TEXT);
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);
      await page.getByRole('button', { name: '记录批示' }).click();
      await page.getByTestId('done').filter({ hasText: '（表扬）' }).waitFor();
      const row = page.getByTestId('instruction').filter({ hasText: TEXT });
      await row.waitFor();
      const text = await row.innerText();
      expect(text).toMatch(/第 \d+ 号/);
      expect(text).toContain('表扬');
      expect(text).toContain(fgw);
      expect(text).toContain(taskLabel.replace(/^\S+\s/, ''));
      await page.getByTestId('verify').click();
      await page.getByTestId('chain').filter({ hasText: '批示记录完整' }).waitFor();
      await screenshot(page, 'leader-instructions-desktop');
      const s = sessions.at(-1)!;
      expect([s.offsite, s.errors]).toEqual([[], []]);
    },
    STEP,
  );

  it(
    'the department reads its own 批示 and the office reads them all, with no form to write one',
    async () => {
      const dept = await as('fgw');
      await navLink(dept, '领导批示').click();
      await dept.getByTestId('instruction').filter({ hasText: TEXT }).waitFor();
      expect(await dept.getByTestId('instruction-form').count()).toBe(0);
      expect(await dept.getByTestId('verify').count()).toBe(0);
      const office = await as('supervisor');
      await navLink(office, '领导批示').click();
      await office.getByTestId('instruction').filter({ hasText: TEXT }).waitFor();
      expect(await office.getByTestId('instruction-form').count()).toBe(0);
      for (const s of sessions.slice(-2)) expect([s.offsite, s.errors]).toEqual([[], []]);
    },
    STEP,
  );
});
