import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppConfig, loadConfig } from '../../config/app.config.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Clock, ManualClock, SystemClock } from './clock.js';
import { ClockController } from './clock.controller.js';
import { ErrorFilter } from './error.filter.js';
import { HealthController } from './health.controller.js';
import { OutboxSignal } from './outbox-signal.js';
import { createValidationPipe } from './validation.js';

/** The system clock, or with DUBAN_CLOCK=manual the drill clock, resumed from DATA_DIR/drill-clock (never earlier than now). */
export function clockFor(config: AppConfig): Clock {
  if (config.DUBAN_CLOCK !== 'manual') return new SystemClock();
  const file = join(config.DUBAN_DATA_DIR, 'drill-clock');
  const stored = existsSync(file) ? Date.parse(readFileSync(file, 'utf8').trim()) : Number.NaN;
  const start = new Date(Number.isNaN(stored) ? Date.now() : Math.max(stored, Date.now()));
  return new ManualClock(start, (at) => {
    mkdirSync(config.DUBAN_DATA_DIR, { recursive: true });
    writeFileSync(file, at);
  });
}

/** Config, clock, the validation pipe and the error filter: everything every module may rely on. */
@Global()
@Module({
  controllers: [HealthController, ClockController],
  providers: [
    { provide: AppConfig, useFactory: () => loadConfig() },
    { provide: Clock, useFactory: clockFor, inject: [AppConfig] },
    OutboxSignal,
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: ErrorFilter },
  ],
  exports: [AppConfig, Clock, OutboxSignal],
})
export class CoreModule {}
