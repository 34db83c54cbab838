import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import type { Page } from '../common/pagination.js';
import { CreateGroupDto, CreatePlanDto, PlanQuery, SetPlanStatusDto, type GroupView, type PlanView } from './plans.dto.js';
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

  @Post(':id/status')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Publish or close a plan (draft → published → closed); closing freezes its scores in the same transaction' })
  async setStatus(@Param('id') id: string, @Body() dto: SetPlanStatusDto, @CurrentActor() actor: Actor): Promise<PlanView> {
    return await this.plans.setStatus(id, dto.status, actor);
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
