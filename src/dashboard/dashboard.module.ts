import fastifyStatic from '@fastify/static';
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DashboardController } from './dashboard.controller.js';
import { DASHBOARD_WEB_ROOT, defaultWebRoot } from './web-root.js';

/**
 * The web pages (src/dashboard/web, built by `vite build` into dist/web), served by this same service:
 * /app/… answers the page, /app/assets/… the hashed, immutable bundles. API routes are untouched.
 */
@Module({
  controllers: [DashboardController],
  providers: [{ provide: DASHBOARD_WEB_ROOT, useFactory: () => defaultWebRoot() }],
})
export class DashboardModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(DASHBOARD_WEB_ROOT) private readonly webRoot: string,
  ) {}

  onModuleInit(): void {
    const assets = join(this.webRoot, 'assets');
    if (!existsSync(assets)) return;
    // No HTTP adapter in an application context (the CLI, the benchmark): nothing to serve.
    if (!this.adapterHost.httpAdapter) return;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(fastifyStatic, {
      root: assets,
      prefix: '/app/assets/',
      decorateReply: false,
      index: false,
      list: false,
      // File names carry a content hash: a changed file is a new name.
      immutable: true,
      maxAge: '365d',
    });
  }
}
