import { Module } from '@nestjs/common';
import { CheckpointSigner } from '../audit/checkpoint-signer.js';
import { LogVerifier } from './log-verify.js';
import { TranslogController } from './translog.controller.js';
import { TranslogRepository } from './translog.repository.js';
import { TranslogService } from './translog.service.js';

/** The transparency log over every task event (README.md here). Provides the audit signing key to the audit module too. */
@Module({
  controllers: [TranslogController],
  providers: [TranslogRepository, TranslogService, LogVerifier, CheckpointSigner],
  exports: [TranslogService, LogVerifier, CheckpointSigner],
})
export class TranslogModule {}
