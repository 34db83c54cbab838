import { Body, Controller, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { MULTIPART_LIMITS, multipartProblem } from '../common/multipart-errors.js';
import { safeContentType } from '../evidence/content-check.js';
import type { StagedFile } from '../evidence/evidence.service.js';
import { ReturnDto, SaveDto, SignDto, SubmitDto, WindowDto } from './self-assessment.dto.js';
import { SelfAssessmentService } from './self-assessment.service.js';

/**
 * Self-assessment (自评). `:unit` is a unit id or `mine` (the caller's own unit). The office sets the
 * window; the unit enters, uploads, submits naming its head; the head signs off or returns it.
 */
@ApiTags('self-assessment')
@ApiBearerAuth()
@Controller('plans/:id/self-assessment')
export class SelfAssessmentController {
  constructor(private readonly service: SelfAssessmentService) {}

  private unit(unit: string, actor: Actor): string {
    return unit === 'mine' ? this.service.ownUnit(actor) : unit;
  }

  @Get('window')
  @ApiOperation({ summary: "The plan's self-assessment window and whether it is open now" })
  async window(@Param('id') planId: string) {
    return await this.service.getWindow(planId);
  }

  @Put('window')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Set the window: from 00:00 of opensOn to 24:00 of closesOn (plan zone)' })
  async setWindow(@Param('id') planId: string, @Body() dto: WindowDto, @CurrentActor() actor: Actor) {
    return await this.service.setWindow(planId, dto, actor);
  }

  @Get('units')
  @Roles('admin', 'supervisor', 'auditor', 'assessor', 'leader')
  @ApiOperation({ summary: 'Every unit of the plan: status (none, draft, submitted, signed) and, once signed, its self total' })
  async list(@Param('id') planId: string) {
    return await this.service.list(planId);
  }

  @Get('comparison')
  @ApiOperation({ summary: 'Self vs assessed scores per unit and indicator, with the difference (signed self-assessments; a unit sees its own)' })
  async comparison(@Param('id') planId: string, @CurrentActor() actor: Actor) {
    return await this.service.comparison(planId, actor);
  }

  @Get('units/:unit')
  @ApiOperation({ summary: "A unit's self-assessment (the unit: always; the office: items once signed)" })
  async view(@Param('id') planId: string, @Param('unit') unit: string, @CurrentActor() actor: Actor) {
    return await this.service.view(planId, this.unit(unit, actor), actor);
  }

  @Put('units/:unit')
  @Roles('department')
  @ApiOperation({ summary: 'Save self-scores and notes (a draft; only while the window is open)' })
  async save(@Param('id') planId: string, @Param('unit') unit: string, @Body() dto: SaveDto, @CurrentActor() actor: Actor) {
    return await this.service.save(
      planId,
      this.unit(unit, actor),
      { items: dto.items.map((i) => ({ indicatorId: i.indicatorId, selfScore: i.selfScore, note: i.note ?? null })), version: dto.version },
      actor,
    );
  }

  @Post('units/:unit/report')
  @Roles('department')
  @ApiOperation({ summary: 'Upload the self-assessment report (multipart field "file"; replaces an earlier one while a draft)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  async upload(@Param('id') planId: string, @Param('unit') unit: string, @Req() req: FastifyRequest, @CurrentActor() actor: Actor) {
    const unitId = this.unit(unit, actor);
    if (!req.isMultipart()) throw DomainError.validation([{ field: 'file', reason: 'send multipart/form-data with a "file" field' }]);
    let staged: StagedFile | null = null;
    try {
      for await (const part of req.parts()) {
        if (part.type !== 'file' || part.fieldname !== 'file') {
          if (part.type === 'file') part.file.resume();
          throw DomainError.validation([{ field: part.fieldname.slice(0, 64), reason: 'unknown field; send one file in the field "file"' }]);
        }
        if (staged) {
          part.file.resume();
          throw multipartProblem({ code: 'FST_FILES_LIMIT' }, MULTIPART_LIMITS);
        }
        staged = await this.service.stageReport(planId, unitId, { filename: part.filename, mimetype: part.mimetype, stream: part.file }, actor);
      }
    } catch (e) {
      if (staged) this.service.discard(staged);
      throw multipartProblem(e, MULTIPART_LIMITS);
    }
    if (!staged) throw DomainError.validation([{ field: 'file', reason: 'missing multipart field "file"' }]);
    return await this.service.attachReport(planId, unitId, staged, actor);
  }

  @Get('units/:unit/report')
  @ApiOperation({ summary: 'Download the report (the unit; the office once signed)' })
  @ApiProduces('application/octet-stream')
  async download(@Param('id') planId: string, @Param('unit') unit: string, @CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    const f = await this.service.openReport(planId, this.unit(unit, actor), actor);
    void reply
      .header('content-type', safeContentType(f.mimeType))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('content-length', String(f.size))
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.name)}`)
      .send(f.stream);
  }

  @Post('units/:unit/submit')
  @HttpCode(200)
  @Roles('department')
  @ApiOperation({ summary: 'Submit, naming the head who signs it off (every indicator scored, report uploaded)' })
  async submit(@Param('id') planId: string, @Param('unit') unit: string, @Body() dto: SubmitDto, @CurrentActor() actor: Actor) {
    return await this.service.submit(planId, this.unit(unit, actor), dto, actor);
  }

  @Post('units/:unit/sign-off')
  @HttpCode(200)
  @Roles('department')
  @ApiOperation({ summary: 'The named head signs it off: final, visible to the office' })
  async sign(@Param('id') planId: string, @Param('unit') unit: string, @Body() dto: SignDto, @CurrentActor() actor: Actor) {
    return await this.service.signOff(planId, this.unit(unit, actor), dto, actor);
  }

  @Post('units/:unit/return')
  @HttpCode(200)
  @Roles('department')
  @ApiOperation({ summary: 'The named head returns it to draft with a reason' })
  async giveBack(@Param('id') planId: string, @Param('unit') unit: string, @Body() dto: ReturnDto, @CurrentActor() actor: Actor) {
    return await this.service.returnToDraft(planId, this.unit(unit, actor), dto, actor);
  }

  @Get('units/:unit/history')
  @ApiOperation({ summary: "The assessment's events (saved, report, submitted, signed, returned) and whether their hash chain holds" })
  async history(@Param('id') planId: string, @Param('unit') unit: string, @CurrentActor() actor: Actor) {
    return await this.service.history(planId, this.unit(unit, actor), actor);
  }
}
