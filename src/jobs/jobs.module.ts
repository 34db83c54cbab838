import { Global, Module } from '@nestjs/common';
import { JobsController } from './jobs.controller.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService } from './jobs.service.js';

/** Global: the plans, deadlines, imports and audit modules start their long operations as jobs. */
@Global()
@Module({ controllers: [JobsController], providers: [JobsRepository, JobsService], exports: [JobsService] })
export class JobsModule {}
