import { Body, Controller, Get, Headers, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { JobAccepted } from '../jobs/jobs.dto.js';
import { JobsService, type JobContext } from '../jobs/jobs.service.js';
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
    private readonly jobs: JobsService,
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
  @Roles('admin', 'supervisor')
  @ApiOperation({
    summary: 'Run a deadline sweep now (the service also sweeps on its own schedule)',
    description:
      'Runs as a sweep job (GET /jobs/{id}) in short transactions that yield to the event loop; answers 200 with the report when done, or with `Prefer: respond-async` 202 with the job at once.',
  })
  @ApiHeader({ name: 'Prefer', required: false, example: 'respond-async' })
  @ApiAcceptedResponse({ type: JobAccepted })
  async sweep(@Body() dto: SweepDto, @CurrentActor() actor: Actor, @Headers('prefer') prefer: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (dto.at && actor.role !== 'admin') throw DomainError.forbidden('only an admin may sweep as of another time', { field: 'at' });
    const at = dto.at ? new Date(dto.at).toISOString() : undefined;
    this.sweeper.assertSweepable(at);
    const work = async (j: JobContext) => await this.sweeper.sweep(at, undefined, j.progress);
    if (/\brespond-async\b/i.test(prefer ?? '')) {
      const { job } = await this.jobs.start('sweep', null, actor, at ? { at } : {}, work);
      await reply
        .status(202)
        .header('location', `/jobs/${job.id}`)
        .header('preference-applied', 'respond-async')
        .send({ jobId: job.id, location: `/jobs/${job.id}`, job } satisfies JobAccepted);
      return;
    }
    const report: SweepReport = await this.jobs.runAndWait('sweep', null, actor, at ? { at } : {}, work);
    await reply.status(200).send(report);
  }
}
