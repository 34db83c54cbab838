import { Module } from '@nestjs/common';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { EvidenceModule } from '../evidence/evidence.module.js';
import { MachineUpgradeService } from './machine-upgrade.service.js';
import { TaskCommandService } from './task-commands.service.js';
import { TasksController } from './tasks.controller.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

@Module({
  imports: [EvidenceModule],
  controllers: [TasksController],
  providers: [TaskCommandService, TasksRepository, TasksService, DeadlinesService, MachineUpgradeService],
  exports: [TaskCommandService, TasksRepository, TasksService, DeadlinesService, MachineUpgradeService],
})
export class TasksModule {}
