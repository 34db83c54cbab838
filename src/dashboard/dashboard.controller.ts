import { Controller, Get, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../auth/auth.decorators.js';
import { DASHBOARD_WEB_ROOT, hasBuiltPages } from './web-root.js';

/** Pages may only load what this server serves: nothing from a CDN, no inline scripts. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>督办</title>
<body style="font-family:sans-serif;padding:2rem"><h1>页面尚未构建</h1>
<p>请先运行 <code>npm run build</code>（会同时构建服务端和网页），然后重新启动服务。</p>
<p>接口仍可使用：<a href="/docs">/docs</a></p></body></html>`;

/**
 * The single-page app lives under /app/ so that its client routes never collide with API routes
 * (/tasks, /plans, …). Every path under /app/ answers index.html; the hashed bundles under
 * /app/assets/ are served by @fastify/static (see DashboardModule).
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  private indexHtml: string | null = null;

  constructor(@Inject(DASHBOARD_WEB_ROOT) private readonly webRoot: string) {}

  @Public()
  @Get()
  root(@Res() reply: FastifyReply): void {
    void reply.redirect('/app/', 302);
  }

  @Public()
  @Get(['app', 'app/*'])
  page(@Res() reply: FastifyReply): void {
    const html = this.loadIndex();
    void reply
      .status(html === null ? 503 : 200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', PAGE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .send(html ?? NOT_BUILT);
  }

  /**
   * Any other GET that no API route answers: a browser navigating (Accept: text/html) is sent into the
   * app (/board → /app/board, whose router shows the page or its own "not found"); every other client
   * gets the same JSON 404 as before.
   */
  @Public()
  @Get('*')
  fallback(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!String(req.headers.accept ?? '').includes('text/html')) throw new NotFoundException(`Cannot GET ${req.url}`);
    void reply.redirect(`/app${req.url}`, 302);
  }

  private loadIndex(): string | null {
    if (this.indexHtml !== null) return this.indexHtml;
    if (!hasBuiltPages(this.webRoot)) return null;
    this.indexHtml = readFileSync(join(this.webRoot, 'index.html'), 'utf8');
    return this.indexHtml;
  }
}
