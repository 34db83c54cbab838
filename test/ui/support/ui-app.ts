import { afterAll, beforeAll } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AppConfig, loadConfig } from '../../../config/app.config.js';
import { AppModule } from '../../../src/app.module.js';
import { configureApp, createAdapter } from '../../../src/app.setup.js';
import { DASHBOARD_WEB_ROOT } from '../../../src/dashboard/web-root.js';
import { DemoSeeder } from '../../../src/demo/demo.seeder.js';
import { NotificationsService } from '../../../src/notifications/notifications.service.js';

const ROOT = process.cwd();
const WEB_SRC = join(ROOT, 'src/dashboard/web');
export const SCREENSHOTS = join(ROOT, 'test-output/screenshots');
export const CHROMIUM = '/usr/bin/chromium';

/** The demo users' passwords in these tests (the seeder makes random ones otherwise). */
export const DEMO_PASSWORDS: Record<string, string> = {
  admin: 'ui-admin-pass',
  supervisor: 'ui-supervisor-pass',
  fgw: 'ui-fgw-pass',
  fgwhead: 'ui-fgwhead-pass',
  xianzhang: 'ui-xianzhang-pass',
  hqz: 'ui-hqz-pass',
  tjj: 'ui-tjj-pass',
  auditor: 'ui-auditor-pass',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * The pages built by the project's own Vite config into test-output/ui-web/<hash of the web sources
 * and the lockfile>, so a rerun with unchanged sources reuses the build.
 */
export function ensureWebBuilt(): string {
  const h = createHash('sha256');
  for (const f of [...filesUnder(WEB_SRC).sort(), join(ROOT, 'package-lock.json')]) {
    h.update(relative(ROOT, f)).update('\0').update(readFileSync(f));
  }
  const builds = join(ROOT, 'test-output/ui-web');
  const id = h.digest('hex').slice(0, 16);
  const out = join(builds, id);
  // Builds of older sources are of no further use.
  if (existsSync(builds)) for (const old of readdirSync(builds)) if (old !== id) rmSync(join(builds, old), { recursive: true, force: true });
  if (existsSync(join(out, 'index.html'))) return out;
  const res = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(WEB_SRC, 'vite.config.ts'), '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
  );
  if (res.status !== 0) throw new Error(`vite build failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  return out;
}

export interface UiApp {
  app: NestFastifyApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The real application on a fresh SQLite file, seeded with the demo plan around today's date (real
 * clock, as the browser's), listening on a free loopback port, serving the built pages and streaming
 * events. The deadline sweeper is not started: the lights the tests see come from the commands.
 */
export async function startUiApp(webRoot: string): Promise<UiApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'duban-ui-'));
  const config = loadConfig({
    DUBAN_DATA_DIR: dataDir,
    DUBAN_DB: 'ui.db',
    DUBAN_DEMO: 'false',
    DUBAN_JWT_SECRET: 'ui-test-secret-ui-test-secret-ui-test-0123',
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .overrideProvider(DASHBOARD_WEB_ROOT)
    .useValue(webRoot)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(), { logger: ['error'] });
  await configureApp(app, { swaggerUi: false });
  await app.init(); // as main.ts: the scoring service's templates are loaded before the demo sets scoring up
  await app.get(DemoSeeder).seed(DEMO_PASSWORDS);
  await app.listen({ port: 0, host: '127.0.0.1' });
  // As main.ts does: deliver domain events to the event stream (the pages' live updates).
  app.get(NotificationsService).start();
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium, headless, with the flags that keep it off the (closed) network (TOOLCHAIN.md). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run bash test/support/browser-deps.sh (npm test does), or apt-get install -y chromium chromium-l10n fonts-wqy-microhei`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // A zh-CN browser, as the users have: its own controls (date, file inputs) in Chinese when
    // Debian's chromium-l10n is installed (.ci/run installs it). LANGUAGE picks the UI language;
    // LANG stays a UTF-8 locale that exists everywhere (C.UTF-8), else Chinese download names are lost.
    env: { ...process.env, LANG: 'C.UTF-8', LANGUAGE: 'zh_CN:zh' },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Requests that tried to leave the service (a CDN, fonts, analytics): must stay empty. */
  offsite: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
}

/** A fresh browser context (own storage) at desktop or phone width, refusing every off-site request. */
export async function openSession(browser: Browser, baseUrl: string, width: 'desktop' | 'phone' = 'desktop'): Promise<Session> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: width === 'desktop' ? { width: 1280, height: 800 } : { width: 390, height: 844 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  const offsite: string[] = [];
  const errors: string[] = [];
  // Only off-site requests are intercepted (and refused); the service's own, including the event
  // stream, go through untouched (an intercepted stream would not be delivered as it arrives).
  await context.route(
    (url) => !url.href.startsWith(baseUrl),
    (route) => {
      offsite.push(route.request().url());
      return route.abort();
    },
  );
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A refused request is logged by the browser as a console error; the pages show those themselves.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return { context, page, offsite, errors };
}

export async function login(page: Page, username: string): Promise<void> {
  await page.goto('/app/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORDS[username]!);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/login'));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A page wider than its viewport (sideways scrolling) is not usable on a phone. */
export async function horizontalOverflow(page: Page): Promise<number> {
  // Evaluated in the page (a string, so this Node-typed file needs no DOM types).
  return Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
}

/** A fresh session (own storage) signed in as a demo user, kept in `sessions` so the test can close it and read its errors. */
export async function signedIn(
  browser: Browser,
  baseUrl: string,
  sessions: Session[],
  username: string,
  width: 'desktop' | 'phone' = 'desktop',
): Promise<Page> {
  const s = await openSession(browser, baseUrl, width);
  sessions.push(s);
  await login(s.page, username);
  return s.page;
}

/** A page's link in the main navigation, by its Chinese name. */
export const navLink = (page: Page, name: string) => page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name, exact: true });

/**
 * A browser test file's set-up in one call: the demo app and Debian's chromium started before its tests,
 * every session it opened (push them to `sessions`) closed after them, then the browser and the app.
 */
export function uiSuite(): { server: () => UiApp; browser: () => Browser; sessions: Session[] } {
  let server: UiApp | undefined;
  let browser: Browser | undefined;
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
  return { server: () => server!, browser: () => browser!, sessions };
}
