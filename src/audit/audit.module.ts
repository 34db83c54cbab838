import { Module } from '@nestjs/common';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { EvidenceModule } from '../evidence/evidence.module.js';
import { TranslogModule } from '../translog/translog.module.js';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { CheckpointScheduler } from './checkpoint.scheduler.js';
import { ExportService } from './export.service.js';
import { HistoryService } from './history.service.js';
import { IntegrityService } from './integrity.service.js';

/** History replay, as-of queries, integrity (hash chains, signed checkpoints, evidence files) and exports. */
@Module({
  imports: [EvidenceModule, TranslogModule],
  controllers: [AuditController],
  providers: [AuditRepository, IntegrityService, HistoryService, ExportService, CheckpointScheduler, DeadlinesService],
  exports: [IntegrityService, HistoryService, ExportService],
})
export class AuditModule {}
