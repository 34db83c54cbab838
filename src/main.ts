import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, ConfigError, loadConfig } from '../config/app.config.js';
import { AppModule } from './app.module.js';
import { configureApp, createAdapter } from './app.setup.js';
import { DeadlineSweeper } from './deadlines/deadline-sweeper.service.js';
import { TranslogService } from './translog/translog.service.js';
import { LeaderLock } from './database/leader-lock.js';
import { UrgingService } from './urging/urging.service.js';
import { DemoSeeder } from './demo/demo.seeder.js';
import { SecurityLogService } from './security-log/security-log.service.js';
import { NotificationsService } from './notifications/notifications.service.js';

async function bootstrap(): Promise<void> {
  try {
    loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createAdapter(), { logger: ['error', 'warn', 'log'] });
  app.enableShutdownHooks();
  await configureApp(app);
  const config = app.get(AppConfig);
  // Modules initialise first (the scoring service loads its plan templates, which the demo's set-up uses).
  await app.init();
  if (config.DUBAN_DEMO) {
    const seeded = await app.get(DemoSeeder).seedIfEmpty();
    if (seeded) {
      Logger.log('Demo mode: seeded plan "' + seeded.planName + '". Demo logins (username / password):', 'Demo');
      for (const u of seeded.users) Logger.log(`  ${u.role.padEnd(10)} ${u.username.padEnd(12)} ${u.password}`, 'Demo');
    }
  }
  await app.listen({ port: config.DUBAN_PORT, host: config.DUBAN_HOST });
  app.get(NotificationsService).start();
  await app.get(LeaderLock).start(); // PostgreSQL: one instance of several runs the sweep and the checkpoint
  await app.get(DeadlineSweeper).start();
  app.get(TranslogService).start(); // the leader sequences committed events into the transparency log
  app.get(UrgingService).start();
  app.get(SecurityLogService).start();
  Logger.log(`Duban listening on http://${config.DUBAN_HOST}:${config.DUBAN_PORT} (API docs at /docs)`, 'Main');
}

void bootstrap();
