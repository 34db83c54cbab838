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
  create(@Body() dto: CreatePlanDto): PlanView {
    return this.plans.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List plans' })
  list(@Query() q: PlanQuery): Page<PlanView> {
    return this.plans.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One plan' })
  get(@Param('id') id: string): PlanView {
    return this.plans.get(id);
  }

  @Post(':id/status')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Publish or close a plan (draft → published → closed); closing freezes its scores in the same transaction' })
  setStatus(@Param('id') id: string, @Body() dto: SetPlanStatusDto, @CurrentActor() actor: Actor): PlanView {
    return this.plans.setStatus(id, dto.status, actor);
  }

  @Post(':id/groups')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Create a group (考核分组) with its member units' })
  createGroup(@Param('id') id: string, @Body() dto: CreateGroupDto): GroupView {
    return this.plans.createGroup(id, dto);
  }

  @Get(':id/groups')
  @ApiOperation({ summary: 'The groups of a plan with their units' })
  groups(@Param('id') id: string): GroupView[] {
    return this.plans.listGroups(id);
  }
}
