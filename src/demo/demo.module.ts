import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { IndicatorsModule } from '../indicators/indicators.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { ScoresModule } from '../scores/scores.module.js';
import { SelfAssessmentModule } from '../self-assessment/self-assessment.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { UnitsModule } from '../units/units.module.js';
import { DemoSeeder } from './demo.seeder.js';

@Module({
  imports: [AuthModule, UnitsModule, PlansModule, IndicatorsModule, TasksModule, ScoresModule, SelfAssessmentModule],
  providers: [DemoSeeder],
  exports: [DemoSeeder],
})
export class DemoModule {}
