import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject } from 'class-validator';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { SIMULATE_CHANGE_TYPES, SimulateService, type SimulationView } from './simulate.service.js';

export class SimulateDto {
  @ApiProperty({
    description: `Hypothetical changes, applied in order: ${SIMULATE_CHANGE_TYPES.join(', ')} (shapes: src/scoring/README.md, What-if). E.g. { type: "node_approved", taskId, value: 20 }, { type: "red_light_excused", taskId }, { type: "ballot_set", ballot: { groupId, evaluator, evaluatorId, entries } }, { type: "part_weights", templateId, group, part, weights: { indicators: 60, evaluation: 40 } }`,
    type: 'array',
    items: { type: 'object' },
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  changes: Record<string, unknown>[];
}

@ApiTags('scores')
@ApiBearerAuth()
@Controller()
export class SimulateController {
  constructor(private readonly sim: SimulateService) {}

  @Post('plans/:id/scores/simulate')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'auditor', 'leader')
  @ApiOperation({
    summary:
      'What-if: apply hypothetical facts to the live scores (node approved, red excused, ballot changed, template weight changed); returns changed totals, ranks and grades with explanations. Writes nothing',
  })
  simulate(@Param('id') id: string, @Body() dto: SimulateDto, @CurrentActor() actor: Actor): Promise<SimulationView> {
    return this.sim.simulate(id, dto.changes, actor);
  }
}
