import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { SecurityLogged } from '../security-log/security-logged.js';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { pageOf, type Page } from '../common/pagination.js';
import { validateAs } from '../common/validation.js';
import { AsOfQuery, BoardAsOfQuery, CheckpointListQuery, CreateCheckpointBody, ExportQuery, ReplayQuery, VerifyQuery } from './audit.dto.js';
import { ExportService, type ExportFormat } from './export.service.js';
import { HistoryService, type BoardAsOf, type TaskAsOf, type TaskReplay } from './history.service.js';
import { JobAccepted } from '../jobs/jobs.dto.js';
import { JobsService } from '../jobs/jobs.service.js';
import { IntegrityService, type CheckpointResult, type CheckpointSummary, type VerifyReport } from './integrity.service.js';
import { attachmentDisposition } from '../common/content-disposition.js';

/**
 * Audit endpoints. Replay, as-of and task exports follow task visibility (supervisors, auditors and
 * admins see every task; a department its own; an assessor what it assesses). Verify, checkpoints and
 * plan exports are for supervisors, auditors and admins. The task history itself is GET /tasks/{id}/history.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly history: HistoryService,
    private readonly integrity: IntegrityService,
    private readonly exports: ExportService,
    private readonly jobs: JobsService,
  ) {}

  @Get('tasks/:id/replay')
  @ApiOperation({
    summary: 'Re-run the task’s stored events through the machine: each step, the first divergence, the end vs the stored snapshot, and the hash chain',
  })
  async replay(@Param('id') id: string, @Query() q: ReplayQuery, @CurrentActor() actor: Actor): Promise<TaskReplay> {
    return await this.history.replay(id, actor, { steps: q.steps !== 'false' });
  }

  @Get('tasks/:id/as-of')
  @ApiOperation({ summary: 'The task’s state and light as they stood at a moment, computed from its history' })
  async asOf(@Param('id') id: string, @Query() q: AsOfQuery, @CurrentActor() actor: Actor): Promise<TaskAsOf> {
    return await this.history.asOf(id, q.at, actor);
  }

  @SecurityLogged('plan.read', { roles: ['auditor'] })
  @Get('plans/:id/board')
  @ApiOperation({ summary: 'The plan’s board as of a date: tasks by unit and light (or final state), from the history' })
  async board(@Param('id') id: string, @Query() q: BoardAsOfQuery, @CurrentActor() actor: Actor): Promise<BoardAsOf> {
    return await this.history.board(id, q.asOf, actor);
  }

  @SecurityLogged('plan.read', { roles: ['auditor'] })
  @Get('verify')
  @Roles('admin', 'supervisor', 'auditor')
  @ApiOperation({
    summary: 'Walk every hash chain, the checkpoint chain and every evidence file; list each break with its place',
    description:
      'Runs as a verify job (GET /jobs/{id} shows its progress) without stalling the service, and answers with the report when it has finished. POST /audit/verify starts the same job and answers 202 at once.',
  })
  async verify(@Query() q: VerifyQuery, @CurrentActor() actor: Actor): Promise<VerifyReport> {
    const o = this.verifyOptions(q);
    await this.integrity.assertVerifiable(o.planId);
    return await this.jobs.runAndWait('verify', q.planId ?? null, actor, o, async (job) => await this.integrity.verify({ ...o, progress: job.progress }));
  }

  @SecurityLogged('plan.read', { roles: ['auditor'] })
  @Post('verify')
  @HttpCode(202)
  @Roles('admin', 'supervisor', 'auditor')
  @ApiOperation({
    summary:
      'Start a verify job (same query as GET /audit/verify); 202 with the job to poll (GET /jobs/{id}: phase chains → evidence → replay, the report as its result)',
  })
  async startVerifyJob(@Query() q: VerifyQuery, @CurrentActor() actor: Actor): Promise<JobAccepted> {
    const { job } = await this.startVerify(q, actor);
    return { jobId: job.id, location: `/jobs/${job.id}`, job };
  }

  private verifyOptions(q: VerifyQuery) {
    return { planId: q.planId, replay: q.replay === 'true', evidence: q.evidence !== 'false', root: q.root };
  }

  private async startVerify(q: VerifyQuery, actor: Actor) {
    const o = this.verifyOptions(q);
    await this.integrity.assertVerifiable(o.planId);
    return await this.jobs.start('verify', q.planId ?? null, actor, o, async (job) => await this.integrity.verify({ ...o, progress: job.progress }));
  }

  @Get('checkpoints')
  @Roles('admin', 'supervisor', 'auditor')
  @ApiOperation({ summary: 'Signed checkpoints, newest first; the newest one’s hash is the root to publish' })
  async checkpoints(@Query() q: CheckpointListQuery): Promise<Page<CheckpointSummary>> {
    const { page, pageSize, offset } = pageOf(q);
    const { items, total } = await this.integrity.list(pageSize, offset);
    return { items, total, page, pageSize };
  }

  @Post('checkpoints')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'auditor')
  @ApiOperation({ summary: 'Seal every task head and evidence file in a new signed checkpoint now (no body)' })
  async checkpoint(@Body() body: unknown, @CurrentActor() actor: Actor): Promise<CheckpointResult> {
    validateAs(CreateCheckpointBody, body ?? {}, 'body');
    return await this.integrity.checkpoint(actor);
  }

  @SecurityLogged('export', { subject: 'task' })
  @Get('tasks/:id/export')
  @ApiOperation({ summary: 'The task’s history with hashes as JSON Lines (default) or CSV' })
  @ApiProduces('application/x-ndjson', 'text/csv')
  async exportTask(@Param('id') id: string, @Query() q: ExportQuery, @CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    this.send(reply, await this.exports.open({ taskId: id }, (q.format ?? 'jsonl') as ExportFormat, actor));
  }

  @SecurityLogged('export')
  @Get('plans/:id/export')
  @Roles('admin', 'supervisor', 'auditor')
  @ApiOperation({ summary: 'The plan’s whole history with hashes, evidence and the latest checkpoint, as JSON Lines (default) or CSV' })
  @ApiProduces('application/x-ndjson', 'text/csv')
  async exportPlan(@Param('id') id: string, @Query() q: ExportQuery, @CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    this.send(reply, await this.exports.open({ planId: id }, (q.format ?? 'jsonl') as ExportFormat, actor));
  }

  private send(reply: FastifyReply, s: Awaited<ReturnType<ExportService['open']>>): void {
    void reply
      .header('content-type', s.contentType)
      .header('content-disposition', attachmentDisposition(s.filename))
      .send(Readable.from(s.chunks, { objectMode: false }));
  }
}
