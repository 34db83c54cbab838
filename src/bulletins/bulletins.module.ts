import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { IndicatorsModule } from '../indicators/indicators.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { BulletinsController } from './bulletins.controller.js';
import { BulletinsRepository } from './bulletins.repository.js';
import { BulletinsService } from './bulletins.service.js';

/** Bulletins (通报): series, issues as of a cut-off, publication with a seal, .docx/PDF export. */
@Module({
  imports: [AuditModule, PlansModule, IndicatorsModule],
  controllers: [BulletinsController],
  providers: [BulletinsRepository, BulletinsService],
  exports: [BulletinsService],
})
export class BulletinsModule {}
