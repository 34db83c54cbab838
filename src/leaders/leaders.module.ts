import { Module } from '@nestjs/common';
import { PlansModule } from '../plans/plans.module.js';
import { InstructionsController } from './instructions.controller.js';
import { InstructionsRepository } from './instructions.repository.js';
import { InstructionsService } from './instructions.service.js';

/** What leaders do besides reading: their 批示 (their ballots are in src/scores). */
@Module({
  imports: [PlansModule],
  controllers: [InstructionsController],
  providers: [InstructionsRepository, InstructionsService],
  exports: [InstructionsService],
})
export class LeadersModule {}
