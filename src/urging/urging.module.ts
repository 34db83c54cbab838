import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { UrgingController } from './urging.controller.js';
import { UrgingRepository } from './urging.repository.js';
import { UrgingService } from './urging.service.js';

/** Urging notices (催办 / 督办): office and rule-issued, delivered through the outbox, replies, counts, 催办单. */
@Module({ imports: [PlansModule, TasksModule], controllers: [UrgingController], providers: [UrgingRepository, UrgingService], exports: [UrgingService] })
export class UrgingModule {}
