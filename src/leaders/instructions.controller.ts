import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { InstructionQuery, RecordInstructionDto } from './instructions.dto.js';
import { InstructionsService, type InstructionView } from './instructions.service.js';

/** Leaders' 批示 on units and tasks. */
@ApiTags('leaders')
@ApiBearerAuth()
@Controller('plans/:id/instructions')
export class InstructionsController {
  constructor(private readonly service: InstructionsService) {}

  @Post()
  @Roles('leader')
  @ApiOperation({ summary: 'Record a 批示 (praise, criticism or instruction) on a unit or one of its tasks' })
  async record(@Param('id') planId: string, @Body() dto: RecordInstructionDto, @CurrentActor() actor: Actor): Promise<InstructionView> {
    return await this.service.record(planId, dto, actor);
  }

  @Get()
  @ApiOperation({ summary: "The plan's 批示, newest first (a unit: its own)" })
  async list(@Param('id') planId: string, @Query() q: InstructionQuery, @CurrentActor() actor: Actor): Promise<InstructionView[]> {
    return await this.service.list(planId, q, actor);
  }

  @Get('verify')
  @Roles('admin', 'supervisor', 'auditor', 'leader')
  @ApiOperation({ summary: "Re-hash the plan's 批示 in order: the chain holds or the first break is named" })
  async verify(@Param('id') planId: string) {
    return await this.service.verify(planId);
  }
}
