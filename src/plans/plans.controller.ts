import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { JobAccepted } from '../jobs/jobs.dto.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import type { Page } from '../common/pagination.js';
import { CreateGroupDto, CreatePlanDto, PlanQuery, SetPlanStatusDto, UpdatePlanDto, type GroupView, type PlanView } from './plans.dto.js';
import { SecurityLogged } from '../security-log/security-logged.js';
import { PlansService } from './plans.service.js';

@ApiTags('structure')
@ApiBearerAuth()
@Controller('plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Post()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Create an assessment plan (考核方案); starts as draft' })
  async create(@Body() dto: CreatePlanDto): Promise<PlanView> {
    return await this.plans.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List plans' })
  async list(@Query() q: PlanQuery): Promise<Page<PlanView>> {
    return await this.plans.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One plan' })
  async get(@Param('id') id: string): Promise<PlanView> {
    return await this.plans.get(id);
  }

  @Patch(':id')
  @Roles('admin', 'supervisor')
  @SecurityLogged('scoring.setup-changed', { subject: 'plan' })
  @ApiOperation({
    summary: 'Change a plan’s name or settings (yellow-light days, sign-for days, sequential submission) for tasks created from now on',
    description:
      'Tasks already created keep the deadlines and submission rule they were given (their history holds them). A closed plan refuses: 409 PLAN_CLOSED.',
  })
  async update(@Param('id') id: string, @Body() dto: UpdatePlanDto): Promise<PlanView> {
    return await this.plans.update(id, dto);
  }

  @Post(':id/status')
  @Roles('admin', 'supervisor')
  @ApiOperation({
    summary: 'Publish or close a plan (draft → published → closed); closing freezes its scores in the same transaction',
    description:
      'A close runs as a job (GET /jobs/{id}) without stalling the service; meanwhile the plan’s tasks refuse events (409 PLAN_CLOSING). ' +
      'By default the request answers when the close has finished (201 with the plan, or the error the close failed with). ' +
      'With `Prefer: respond-async` it answers at once: 202 with the job (Location: /jobs/{id}).',
  })
  @ApiHeader({ name: 'Prefer', required: false, description: '`respond-async`: answer 202 with the close job instead of waiting', example: 'respond-async' })
  @ApiCreatedResponse({ description: 'the plan after the move' })
  @ApiAcceptedResponse({ type: JobAccepted, description: 'with Prefer: respond-async, for a close' })
  async setStatus(
    @Param('id') id: string,
    @Body() dto: SetPlanStatusDto,
    @CurrentActor() actor: Actor,
    @Headers('prefer') prefer: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (dto.status === 'closed' && /\brespond-async\b/i.test(prefer ?? '')) {
      const { job } = await this.plans.startClose(id, actor);
      const location = `/jobs/${job.id}`;
      await reply
        .status(202)
        .header('location', location)
        .header('preference-applied', 'respond-async')
        .send({ jobId: job.id, location, job } satisfies JobAccepted);
      return;
    }
    const view: PlanView = await this.plans.setStatus(id, dto.status, actor);
    await reply.status(201).send(view);
  }

  @Post(':id/groups')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Create a group (考核分组) with its member units' })
  async createGroup(@Param('id') id: string, @Body() dto: CreateGroupDto): Promise<GroupView> {
    return await this.plans.createGroup(id, dto);
  }

  @Get(':id/groups')
  @ApiOperation({ summary: 'The groups of a plan with their units' })
  async groups(@Param('id') id: string): Promise<GroupView[]> {
    return await this.plans.listGroups(id);
  }
}
