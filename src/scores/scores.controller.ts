import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { SecurityLogged } from '../security-log/security-logged.js';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { breakdownTable, summaryTable, toCsv, toXlsx } from './score-sheet.js';
import { BallotDto, BallotQuery, ExportQuery, ReasonDto, ScoresQuery, ScoreSourceQuery, ScoringConfigDto, UnitEventDto, UnitEventQuery } from './scores.dto.js';
import {
  ScoresService,
  type BallotView,
  type PlanScoresView,
  type RunView,
  type ScorecardView,
  type ScoringConfigView,
  type TaskScoreView,
  type UnitEventView,
} from './scores.service.js';

/**
 * Scoring over HTTP (issue 4). Live scores are computed from the current state on every read (provisional
 * while the plan is open); closing the plan (POST /plans/{id}/status) freezes them; a closed plan changes
 * only through POST /plans/{id}/rescore, which is recorded with who and why.
 *
 * Who sees what: supervisors, auditors and admins see every score. A department sees its own unit's
 * scorecard (with its rank) and, once the plan has closed, the frozen rankings of every group (no other
 * unit's breakdown). An assessor sees the scores of the tasks it assesses (GET /tasks/{id}/score).
 */
@ApiTags('scores')
@ApiBearerAuth()
@Controller()
export class ScoresController {
  constructor(private readonly scores: ScoresService) {}

  @SecurityLogged('scoring.setup-changed')
  @Put('plans/:id/scoring')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Set how a plan is scored: its template, each group’s template group, indicator tags' })
  async configure(@Param('id') id: string, @Body() dto: ScoringConfigDto, @CurrentActor() actor: Actor): Promise<ScoringConfigView> {
    return await this.scores.configure(id, dto, actor);
  }

  @Get('plans/:id/scoring')
  @ApiOperation({ summary: 'How a plan is scored (409 SCORING_NOT_CONFIGURED when not set)' })
  async config(@Param('id') id: string): Promise<ScoringConfigView> {
    return await this.scores.getConfig(id);
  }

  @SecurityLogged('plan.read', { roles: ['auditor'] })
  @Get('plans/:id/scores')
  @Roles('admin', 'supervisor', 'auditor', 'leader', 'department')
  @ApiOperation({ summary: 'Scores of a plan by group: rank, grade, composite, adjustments, final (live or frozen; detail=full adds every breakdown)' })
  async planScores(@Param('id') id: string, @Query() q: ScoresQuery, @CurrentActor() actor: Actor): Promise<PlanScoresView> {
    return await this.scores.planScores(id, q, actor);
  }

  @Get('plans/:id/units/:unitId/scorecard')
  @Roles('admin', 'supervisor', 'auditor', 'leader', 'department')
  @ApiOperation({ summary: 'One unit’s scorecard: every indicator with method, inputs and formula, the parts, bonuses, deductions, veto, rank and grade' })
  async scorecard(
    @Param('id') id: string,
    @Param('unitId') unitId: string,
    @Query() q: ScoreSourceQuery,
    @CurrentActor() actor: Actor,
  ): Promise<ScorecardView> {
    return await this.scores.scorecard(id, unitId, q, actor);
  }

  @Get('tasks/:id/score')
  @ApiOperation({ summary: 'One task’s score with its explanation (follows task visibility)' })
  async taskScore(@Param('id') id: string, @Query() q: ScoreSourceQuery, @CurrentActor() actor: Actor): Promise<TaskScoreView> {
    return await this.scores.taskScore(id, q, actor);
  }

  @Post('plans/:id/ballots')
  @Roles('admin', 'supervisor', 'department', 'leader')
  @ApiOperation({
    summary:
      'Cast a comprehensive-evaluation ballot (综合评价). The office enters leaders’/office ballots naming the evaluator; a department casts its own peer ballot. Quota broken → 422 BALLOT_QUOTA_EXCEEDED; own unit rated → 403 BALLOT_SELF_RATING. A new ballot of the same evaluator for the group supersedes the earlier one',
  })
  async ballot(@Param('id') id: string, @Body() dto: BallotDto, @CurrentActor() actor: Actor): Promise<BallotView> {
    return await this.scores.submitBallot(id, dto, actor);
  }

  @Get('plans/:id/ballots')
  @Roles('admin', 'supervisor', 'auditor', 'leader', 'department')
  @ApiOperation({ summary: 'Ballots of a plan (a department: its own); all=true includes superseded ones' })
  async ballots(@Param('id') id: string, @Query() q: BallotQuery, @CurrentActor() actor: Actor): Promise<BallotView[]> {
    return await this.scores.ballots(id, q.all === 'true', actor);
  }

  @Post('plans/:id/unit-events')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Record a bonus, deduction, negative-list or veto event of a unit (item from the template’s catalogue)' })
  async unitEvent(@Param('id') id: string, @Body() dto: UnitEventDto, @CurrentActor() actor: Actor): Promise<UnitEventView> {
    return await this.scores.recordUnitEvent(id, dto, actor);
  }

  @Post('plans/:id/unit-events/:eventId/void')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Void a unit event (kept, marked with who and why)' })
  async voidUnitEvent(
    @Param('id') id: string,
    @Param('eventId') eventId: string,
    @Body() dto: ReasonDto,
    @CurrentActor() actor: Actor,
  ): Promise<UnitEventView> {
    return await this.scores.voidUnitEvent(id, eventId, dto.reason, actor);
  }

  @Get('plans/:id/unit-events')
  @Roles('admin', 'supervisor', 'auditor', 'leader', 'department')
  @ApiOperation({ summary: 'Bonus/deduction/negative-list/veto events (a department: its own)' })
  async unitEvents(@Param('id') id: string, @Query() q: UnitEventQuery, @CurrentActor() actor: Actor): Promise<UnitEventView[]> {
    return await this.scores.unitEvents(id, q.unitId, actor);
  }

  @Post('plans/:id/rescore')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Re-score a closed plan: a new frozen run recorded with who, why and which units changed' })
  async rescore(@Param('id') id: string, @Body() dto: ReasonDto, @CurrentActor() actor: Actor): Promise<RunView> {
    return await this.scores.rescore(id, dto.reason, actor);
  }

  @SecurityLogged('plan.read', { roles: ['auditor'] })
  @Get('plans/:id/score-runs')
  @Roles('admin', 'supervisor', 'auditor', 'leader')
  @ApiOperation({ summary: 'Frozen runs of a plan, newest first (close, then each re-score with who, why and what changed)' })
  async runs(@Param('id') id: string): Promise<RunView[]> {
    return await this.scores.runs(id);
  }

  @SecurityLogged('export')
  @Get('plans/:id/scores/export')
  @Roles('admin', 'supervisor', 'auditor', 'leader')
  @ApiOperation({ summary: 'The score sheet: XLSX (one sheet per group, 得分明细, 说明) or CSV (sheet=summary|breakdown), Chinese headers' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv')
  async export(@Param('id') id: string, @Query() q: ExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const data = await this.scores.sheetData(id, q);
    const base = `scores-${id}-${data.source}${data.run ? `-run${data.run.id}` : ''}`;
    if ((q.format ?? 'xlsx') === 'csv') {
      const sheet = q.sheet ?? 'summary';
      const csv = toCsv(sheet === 'breakdown' ? breakdownTable(data) : summaryTable(data));
      void reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', disposition(`${base}-${sheet}.csv`))
        .send(csv);
      return;
    }
    const buf = await toXlsx(data);
    void reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', disposition(`${base}.xlsx`))
      .send(buf);
  }
}

function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
