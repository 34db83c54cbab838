import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { BoardNodesQuery, BoardQuery, DueSoonQuery, ReviewQueueQuery, SweepDto } from './board.dto.js';
import { BoardService } from './board.service.js';
import { DeadlineSweeper, type SweepReport } from './deadline-sweeper.service.js';

@ApiTags('board')
@ApiBearerAuth()
@Controller()
export class BoardController {
  constructor(
    private readonly board: BoardService,
    private readonly sweeper: DeadlineSweeper,
  ) {}

  @Get('board/lights')
  @ApiOperation({ summary: 'Green/yellow/red counts by unit and by group (灯板)' })
  async lights(@Query() q: BoardQuery, @CurrentActor() actor: Actor) {
    return await this.board.lights(q.planId, actor);
  }

  @Get('board/nodes')
  @ApiOperation({ summary: 'The red nodes with days overdue, or the yellow ones with days left' })
  async nodes(@Query() q: BoardNodesQuery, @CurrentActor() actor: Actor) {
    return await this.board.nodes(q, actor);
  }

  @Get('board/due')
  @ApiOperation({ summary: 'Nodes due in the next N days (a department’s to-do list)' })
  async due(@Query() q: DueSoonQuery, @CurrentActor() actor: Actor) {
    return await this.board.dueSoon(q, actor);
  }

  @Get('board/red-counts')
  @ApiOperation({ summary: 'Red-lighted nodes per unit and group, with node totals (scoring inputs)' })
  async redCounts(@Query() q: BoardQuery, @CurrentActor() actor: Actor) {
    return await this.board.redCounts(q.planId, actor);
  }

  @Get('board/red-months')
  @ApiOperation({ summary: 'Red-lighted nodes per unit and month of their due day (heat grid)' })
  async redMonths(@Query() q: BoardQuery, @CurrentActor() actor: Actor) {
    return await this.board.redMonths(q.planId, actor);
  }

  @Get('board/reviews')
  @ApiOperation({ summary: 'The review queue: submissions awaiting review, overdue ones flagged' })
  async reviews(@Query() q: ReviewQueueQuery, @CurrentActor() actor: Actor) {
    return await this.board.reviews(q, actor);
  }

  @Post('deadlines/sweep')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Run a deadline sweep now (the service also sweeps on its own schedule)' })
  async sweep(@Body() dto: SweepDto, @CurrentActor() actor: Actor): Promise<SweepReport> {
    if (dto.at && actor.role !== 'admin') throw DomainError.forbidden('only an admin may sweep as of another time', { field: 'at' });
    return await this.sweeper.sweep(dto.at ? new Date(dto.at).toISOString() : undefined);
  }
}
