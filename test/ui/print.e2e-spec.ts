/**
 * Paper and phones (issue 15 item 4): the board, a unit's page and the scores print without the
 * navigation and buttons, headed by the plan and the print time (PDFs in test-output/print/); the phone
 * board (390×844) shows every column of its tables or lets them scroll sideways inside their frame.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureWebBuilt, horizontalOverflow, launchBrowser, login, openSession, screenshot, startUiApp, type Session, type UiApp } from './support/ui-app.js';

let server: UiApp;
let browser: Browser;
const sessions: Session[] = [];
const PRINT_DIR = join(process.cwd(), 'test-output/print');

async function as(username: string, width: 'desktop' | 'phone' = 'desktop'): Promise<Page> {
  const s = await openSession(browser, server.baseUrl, width);
  sessions.push(s);
  await login(s.page, username);
  return s.page;
}

beforeAll(async () => {
  server = await startUiApp(ensureWebBuilt());
  browser = await launchBrowser();
  mkdirSync(PRINT_DIR, { recursive: true });
}, 240_000);

afterAll(async () => {
  for (const s of sessions) await s.context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

describe('print and phone', () => {
  it.each([
    ['board', '/app/board', 'heat'],
    ['unit', '/app/board/unit/unit-fgw', 'attention-row'],
    ['scores', '/app/scores', 'score-group'],
  ])(
    '%s prints without navigation or buttons, headed by the plan and the print time',
    async (name, path, ready) => {
      const page = await as('supervisor');
      await page.goto(path);
      await page.getByTestId(ready).first().waitFor();
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('.topbar').isVisible()).resolves.toBe(false);
      await expect(page.locator('main .btn:visible').count()).resolves.toBe(0);
      const head = page.locator('.print-head');
      await expect(head.isVisible()).resolves.toBe(true);
      await expect(head.innerText()).resolves.toMatch(/督办 · 2026年度[\s\S]*打印时间：\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间）/);
      await page.pdf({ path: join(PRINT_DIR, `${name}.pdf`), format: 'A4', landscape: true, printBackground: true });
      await screenshot(page, `print-${name}`);
    },
    90_000,
  );

  it('the phone board shows every column or scrolls it inside its frame, never the page', async () => {
    const page = await as('supervisor', 'phone');
    await page.goto('/app/board');
    await page.getByTestId('heat').waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    const tables = await page.locator('main table').evaluateAll((els) =>
      els.map((t) => {
        const frame = t.parentElement!;
        const style = (globalThis as unknown as { getComputedStyle(e: unknown): { overflowX: string } }).getComputedStyle(frame);
        return { fits: t.scrollWidth <= frame.clientWidth + 1, scrolls: style.overflowX === 'auto' || style.overflowX === 'scroll' };
      }),
    );
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) expect(t.fits || t.scrolls).toBe(true);
    await screenshot(page, 'board-phone-columns');
  }, 90_000);
});
