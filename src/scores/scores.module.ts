import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { ScoresController } from './scores.controller.js';
import { ScoresRepository } from './scores.repository.js';
import { ScoresService } from './scores.service.js';
import { SimulateController } from './simulate.controller.js';
import { SimulateService } from './simulate.service.js';
import { TemplatesController } from './templates/templates.controller.js';
import { TemplatesRepository } from './templates/templates.repository.js';
import { TemplatesService } from './templates/templates.service.js';

/**
 * Scoring, the database half (issue 4): reads the task read model into the pure scoring code
 * (src/scoring), stores ballots, unit events and frozen runs, and freezes a plan when it closes.
 * Depends on plans (status hooks) and tasks (the one write path); nothing depends on it.
 */
@Module({
  imports: [PlansModule, TasksModule],
  controllers: [ScoresController, TemplatesController, SimulateController],
  providers: [ScoresRepository, ScoresService, TemplatesRepository, TemplatesService, SimulateService],
  exports: [ScoresService, TemplatesService],
})
export class ScoresModule {}
