import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppConfig, loadConfig } from '../../config/app.config.js';
import { Clock, SystemClock } from './clock.js';
import { ErrorFilter } from './error.filter.js';
import { HealthController } from './health.controller.js';
import { OutboxSignal } from './outbox-signal.js';
import { createValidationPipe } from './validation.js';

/** Config, clock, the validation pipe and the error filter: everything every module may rely on. */
@Global()
@Module({
  controllers: [HealthController],
  providers: [
    { provide: AppConfig, useFactory: () => loadConfig() },
    { provide: Clock, useClass: SystemClock },
    OutboxSignal,
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: ErrorFilter },
  ],
  exports: [AppConfig, Clock, OutboxSignal],
})
export class CoreModule {}
