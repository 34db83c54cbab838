/**
 * 导入 (issue 14 item 8): an office user imports a two-section document (.docx built by
 * test/support/documents.ts) in the pages — the commit stays disabled while the report has errors, the
 * report is in Chinese (sections with their shape, problems with row and column, new units, what will
 * change), the upload shows its progress bar, each section is mapped to a group (one new, one existing), the commit lands, the run is listed
 * with its changes, and importing the same file again shows nothing to change. axe-core check; screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { toDocx } from '../support/documents.js';
import { twoSectionNotice } from '../support/import-documents.js';
import { seriousA11yViolations } from './support/a11y.js';
import {
  DEMO_PASSWORDS,
  ensureWebBuilt,
  horizontalOverflow,
  launchBrowser,
  navLink,
  screenshot,
  signedIn,
  startUiApp,
  type Session,
  type UiApp,
} from './support/ui-app.js';

let server: UiApp;
let browser: Browser;
const sessions: Session[] = [];
let dir = '';
let docPath = '';
let planId = '';

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const login = await fetch(`${server.baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'supervisor', password: DEMO_PASSWORDS['supervisor'] }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const r = await fetch(server.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
}

beforeAll(async () => {
  server = await startUiApp(ensureWebBuilt());
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'duban-import-ui-'));
  docPath = join(dir, 'notice.docx');
  writeFileSync(docPath, await toDocx(twoSectionNotice(2026)));
  const plan = await api('POST', '/plans', { year: 2026, name: '2026年度镇街园区考核方案' });
  expect(plan.status).toBe(201);
  planId = plan.body.id;
  expect((await api('POST', `/plans/${planId}/groups`, { name: '园区组', kind: 'park' })).status).toBe(201);
}, 240_000);

afterAll(async () => {
  for (const s of sessions) await s.context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the import page', () => {
  it('dry-runs a two-section document in Chinese, maps its sections to groups, commits, lists the run, and finds nothing to change the second time', async () => {
    const page = await signedIn(browser, server.baseUrl, sessions, 'supervisor');
    await page.setViewportSize({ width: 1366, height: 900 });
    await navLink(page, '导入').click();
    await page.getByRole('heading', { name: '导入', level: 1 }).waitFor();
    await page.getByLabel('导入到考核方案').selectOption({ label: '2026年度镇街园区考核方案（2026 年）' });
    await page.getByRole('heading', { name: '导入', level: 1 }).waitFor();
    await page.getByLabel('文件', { exact: true }).setInputFiles(docPath);

    // Without creating units, the file's units are unknown: errors, and the commit is disabled. The upload
    // is slowed down (DevTools network emulation, 4 KB/s) so its progress bar is there to be seen.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 4 * 1024 });
    await page.getByRole('button', { name: '上传并预检' }).click();
    const progress = page.getByTestId('import-progress');
    await progress.filter({ hasText: '正在上传' }).waitFor();
    await expect(progress.getByRole('progressbar').count()).resolves.toBe(1);
    const sections = page.getByTestId('import-sections');
    await sections.waitFor({ timeout: 60_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await expect(page.getByTestId('import-commit').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('import-blocked').innerText()).resolves.toMatch(/^报告中有 \d+ 个错误，不能导入/);
    await expect(page.getByTestId('import-problems').innerText()).resolves.toContain('单位“太平街道”不在单位名单或别名表中');

    // With 新建单位: no errors; the report in Chinese.
    await page.getByLabel(/新建文件中出现/).check();
    await page.getByRole('button', { name: '按当前设置重新预检' }).click();
    await page.getByTestId('import-new-units').waitFor();
    const sectionText = await sections.innerText();
    expect(sectionText).toContain('附件1');
    expect(sectionText).toContain('附件2');
    expect(sectionText).toContain('单位指标矩阵');
    await expect(page.getByTestId('import-new-units').innerText()).resolves.toMatch(/太平街道（镇街）[\s\S]*高新区（园区）/);
    const problems = page.getByTestId('import-problems');
    await expect(problems.innerText()).resolves.toContain('单位指标矩阵没有截止时间一栏');
    await expect(problems.locator('tbody tr').first().locator('td').nth(1).innerText()).resolves.toMatch(/^\d+$/); // the row
    await expect(page.getByTestId('import-counts').innerText()).resolves.toMatch(/任务\s+9\s+0\s+0\s+0/);
    const report = await page.locator('.import-report').innerText();
    expect(report).not.toMatch(/[A-Za-z]{3,}/); // no English, no codes
    expect(report).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // no raw ids
    await page.getByLabel('级别').selectOption({ label: '错误' });
    await expect(page.locator('.import-report').innerText()).resolves.toContain('没有相应的问题');
    await page.getByLabel('级别').selectOption({ label: '全部' });

    // A new group named like one of the plan's: the server's refusal, in Chinese, naming the field.
    await page.getByLabel('附件2的考核分组').selectOption({ label: '新建分组…' });
    await page.getByLabel('附件2的新分组名称').fill('园区组');
    await page.getByRole('button', { name: '按当前设置重新预检' }).click();
    await page.getByTestId('error').filter({ hasText: '导入失败：输入有误：附件2的新分组名称已存在' }).waitFor();

    // 附件1 → a new group 镇街组 (towns), 附件2 → the plan's 园区组; the report is re-run for the mapping.
    await page.getByLabel('附件1的考核分组').selectOption({ label: '新建分组…' });
    await page.getByLabel('附件1的新分组名称').fill('镇街组');
    await page.getByLabel('附件1的新分组类别').selectOption({ label: '镇街' });
    await page.getByLabel('附件2的考核分组').selectOption({ label: '园区组' });
    await expect(page.getByTestId('import-commit').isDisabled()).resolves.toBe(true); // stale report
    await page.getByRole('button', { name: '按当前设置重新预检' }).click();
    await page.getByTestId('import-counts').filter({ hasText: '加入成员 5' }).waitFor();
    await expect(page.getByTestId('import-counts').innerText()).resolves.toContain('新建 1');
    await expect(seriousA11yViolations(page)).resolves.toEqual([]);
    await screenshot(page, 'import-dry-run');

    await page.getByTestId('import-commit').click();
    const result = page.getByTestId('import-result');
    await result.filter({ hasText: '已导入' }).waitFor();
    await expect(result.innerText()).resolves.toContain('新建分组 1 个、分组新增成员 5 个');
    const runs = page.getByTestId('import-runs');
    await runs.locator('tbody tr', { hasText: 'notice.docx' }).waitFor();
    await expect(runs.innerText()).resolves.toMatch(/新增任务 9[\s\S]*加入分组 5|加入分组 5[\s\S]*新增任务 9/);
    await runs.getByRole('button', { name: '查看变更' }).first().click();
    const changes = page.getByTestId('import-run-changes');
    await changes.locator('tbody tr', { hasText: '加入分组' }).first().waitFor();
    expect(await changes.innerText()).toContain('镇街组');
    expect(await page.locator('main, body').first().innerText()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    const groups = (await api('GET', `/plans/${planId}/groups`)).body as { name: string; unitIds: string[] }[];
    expect(groups.map((g) => [g.name, g.unitIds.length]).sort()).toEqual([
      ['园区组', 2],
      ['镇街组', 3],
    ]);

    // The same file again: nothing to change, and a commit writes nothing.
    await page.getByRole('button', { name: '上传并预检' }).click();
    await page.getByTestId('nothing-to-change').waitFor();
    await page.getByTestId('import-commit').click();
    await result.filter({ hasText: '没有需要导入的变更' }).waitFor();
    expect((await api('GET', `/imports?plan=${planId}`)).body.total).toBe(1);
    await screenshot(page, 'import-runs');
    // On a phone the page scrolls down, not sideways (wide tables scroll inside their own box).
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(horizontalOverflow(page)).resolves.toBe(0);
    await screenshot(page, 'import-phone');
    expect(sessions.flatMap((s) => s.errors)).toEqual([]);
    expect(sessions.flatMap((s) => s.offsite)).toEqual([]);
  }, 180_000);
});
