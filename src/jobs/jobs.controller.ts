import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import type { Page } from '../common/pagination.js';
import { JobPage, JobQuery, JobView } from './jobs.dto.js';
import { JobsService } from './jobs.service.js';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @ApiOperation({ summary: 'Jobs (close, sweep, import, verify), newest first — only the kinds your role may start' })
  @ApiOkResponse({ type: JobPage })
  async list(@Query() q: JobQuery, @CurrentActor() actor: Actor): Promise<Page<JobView>> {
    return await this.jobs.list(q, actor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One job: status, phase, done/total (live while it runs), result or error (code + zh-CN message)' })
  @ApiOkResponse({ type: JobView })
  async get(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<JobView> {
    return await this.jobs.get(id, actor);
  }
}
