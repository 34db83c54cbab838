import { Module } from '@nestjs/common';
import { EvidenceModule } from '../evidence/evidence.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { ScoresModule } from '../scores/scores.module.js';
import { SelfAssessmentController } from './self-assessment.controller.js';
import { SelfAssessmentRepository } from './self-assessment.repository.js';
import { SelfAssessmentService } from './self-assessment.service.js';

/** Self-assessment (自评): window, the unit's self-scores and report, its head's sign-off, self vs assessed. */
@Module({
  imports: [PlansModule, EvidenceModule, ScoresModule],
  controllers: [SelfAssessmentController],
  providers: [SelfAssessmentRepository, SelfAssessmentService],
  exports: [SelfAssessmentService],
})
export class SelfAssessmentModule {}
