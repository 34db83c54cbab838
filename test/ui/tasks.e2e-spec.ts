/**
 * 任务管理 (issue 10: suspend/resume in the pages): the office finds a unit's tasks, pauses one with its
 * reason, finds it among the paused tasks, and resumes it — every step in Chinese, the history keeping both.
 */
import { describe, expect, it } from '@jest/globals';
import { seriousA11yViolations } from './support/a11y.js';
import { navLink, screenshot, signedIn, uiSuite } from './support/ui-app.js';

const STEP = 120_000;
const suite = uiSuite();

describe('the office pauses and resumes a task', () => {
  it(
    'pauses a unit’s task with a reason, finds it among the paused ones and resumes it',
    async () => {
      const page = await signedIn(suite.browser(), suite.server().baseUrl, suite.sessions, 'supervisor');
      const session = suite.sessions.at(-1)!;
      await navLink(page, '任务管理').click();
      await page.getByRole('heading', { name: '任务管理', level: 1 }).waitFor();
      await page.getByTestId('task-row').first().waitFor();
      const unit = page.getByTestId('filter-unit');
      const fgw = (await unit.locator('option').allInnerTexts()).find((t) => t.includes('发展和改革') || t.includes('发改'))!;
      await unit.selectOption({ label: fgw });
      // The filtered list itself: every row the unit's (a row of another unit means the old list).
      await page.waitForFunction(`[...document.querySelectorAll('[data-testid="task-row"]')].every((r) => r.textContent.includes(${JSON.stringify(fgw)}))`);
      await expect(seriousA11yViolations(page)).resolves.toEqual([]);

      const row = page
        .getByTestId('task-row')
        .filter({ has: page.getByTestId('suspend') })
        .first();
      const indicator = (await row.locator('td').first().innerText()).trim();
      await row.getByTestId('suspend').click();
      const dialog = page.getByRole('dialog', { name: '暂停任务' });
      await dialog.waitFor();
      // The reason is required: the browser keeps the dialog open without it.
      await dialog.getByRole('button', { name: '确认暂停' }).click();
      expect(await dialog.isVisible()).toBe(true);
      await dialog.getByLabel('暂停理由（必填）').fill('因上级政策调整，项目暂缓实施');
      await dialog.getByRole('button', { name: '确认暂停' }).click();
      await page.getByTestId('done').filter({ hasText: '已暂停' }).waitFor();
      expect(await page.getByTestId('done').innerText()).toContain('因上级政策调整，项目暂缓实施');

      await page.getByTestId('filter-state').selectOption({ label: '已暂停' });
      const paused = page.getByTestId('task-row').filter({ hasText: indicator });
      await paused.getByTestId('resume').waitFor();
      expect(await paused.innerText()).toContain('已暂停');
      await screenshot(page, 'office-tasks-paused-desktop');

      await paused.getByTestId('resume').click();
      const resume = page.getByRole('dialog', { name: '恢复任务' });
      await resume.waitFor();
      expect(await resume.innerText()).toContain('因上级政策调整，项目暂缓实施');
      await resume.getByLabel('说明（可选）').fill('上级决定恢复实施');
      await resume.getByRole('button', { name: '确认恢复' }).click();
      await page.getByTestId('done').filter({ hasText: '已恢复' }).waitFor();
      // The paused list no longer has it.
      await page.waitForFunction(
        `![...document.querySelectorAll('[data-testid="task-row"]')].some((r) => r.textContent.includes(${JSON.stringify(indicator)}))`,
      );
      expect([session.offsite, session.errors]).toEqual([[], []]);
    },
    STEP,
  );
});
