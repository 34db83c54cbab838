import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { ImportService } from './import.service.js';
import { ImportsController } from './imports.controller.js';
import { ImportRunsRepository } from './import-runs.repository.js';

/** Imports, the database half: POST /imports and the CLI's `import` command over ImportService. */
@Module({ imports: [TasksModule, PlansModule], controllers: [ImportsController], providers: [ImportService, ImportRunsRepository], exports: [ImportService] })
export class ImportsModule {}
