import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { renderDocx } from '../documents/docx.js';
import { NoCjkFontError, renderPdf } from '../documents/pdf.js';
import { CreateBulletinDto, CreateSeriesDto, ExportBulletinQuery, UpdateBulletinDto } from './bulletins.dto.js';
import { BulletinsService, type BulletinView, type SeriesView } from './bulletins.service.js';

function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Bulletins over HTTP. The office (admin, supervisor) defines series, drafts, edits the note and
 * publishes; auditors read everything; a unit reads the published issues, its own lines only.
 */
@ApiTags('bulletins')
@ApiBearerAuth()
@Controller()
export class BulletinsController {
  constructor(private readonly bulletins: BulletinsService) {}

  @Post('plans/:id/bulletin-series')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Define a bulletin series (通报): frequency, measure, top/bottom N, units per PDF page, masthead' })
  async createSeries(@Param('id') planId: string, @Body() dto: CreateSeriesDto, @CurrentActor() actor: Actor): Promise<SeriesView> {
    return await this.bulletins.createSeries(planId, dto, actor);
  }

  @Get('plans/:id/bulletin-series')
  @ApiOperation({ summary: 'The bulletin series of a plan' })
  async listSeries(@Param('id') planId: string): Promise<SeriesView[]> {
    return await this.bulletins.listSeries(planId);
  }

  @Post('bulletin-series/:id/bulletins')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Draft the issue for a past period, computed from the board as of its cut-off' })
  async createDraft(@Param('id') seriesId: string, @Body() dto: CreateBulletinDto, @CurrentActor() actor: Actor): Promise<BulletinView> {
    return await this.bulletins.createDraft(seriesId, dto, actor);
  }

  @Get('bulletin-series/:id/bulletins')
  @ApiOperation({ summary: 'The issues of a series, newest first (a unit: published only)' })
  async list(@Param('id') seriesId: string, @CurrentActor() actor: Actor): Promise<BulletinView[]> {
    return await this.bulletins.list(seriesId, actor);
  }

  @Get('bulletins/:id')
  @ApiOperation({ summary: 'One issue: the office sees it whole, a unit its own lines' })
  async get(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<BulletinView> {
    return await this.bulletins.get(id, actor);
  }

  @Patch('bulletins/:id')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Edit the office note of a draft (a published issue is frozen: 409)' })
  async update(@Param('id') id: string, @Body() dto: UpdateBulletinDto, @CurrentActor() actor: Actor): Promise<BulletinView> {
    return await this.bulletins.updateNote(id, dto.note, actor);
  }

  @Post('bulletins/:id/publish')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Publish: recomputed as of the cut-off, frozen, numbered 〔year〕第N期, sealed; twice → 409' })
  async publish(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<BulletinView> {
    return await this.bulletins.publish(id, actor);
  }

  @Get('plans/:id/bulletins/verify')
  @Roles('admin', 'supervisor', 'auditor', 'leader')
  @ApiOperation({ summary: 'Re-seal every published bulletin of the plan from its stored content: the chain holds or the first break is named' })
  async verify(@Param('id') planId: string) {
    return await this.bulletins.verifyChain(planId);
  }

  @Get('bulletins/:id/export')
  @Roles('admin', 'supervisor', 'auditor', 'leader')
  @ApiOperation({ summary: 'The bulletin as .docx (official layout) or PDF (one page per N units); a draft is marked 草稿' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/pdf')
  async export(@Param('id') id: string, @Query() q: ExportBulletinQuery, @CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    const doc = await this.bulletins.document(id, actor);
    const base = `通报-${doc.number}`;
    if (q.format === 'pdf') {
      let bytes: Buffer;
      try {
        bytes = await renderPdf(doc);
      } catch (e) {
        if (e instanceof NoCjkFontError) throw new DomainError(ErrorCode.Busy, e.message, { field: 'format', reason: 'no CJK font on the server' });
        throw e;
      }
      void reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', disposition(`${base}.pdf`))
        .send(bytes);
      return;
    }
    const bytes = await renderDocx(doc);
    void reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .header('content-disposition', disposition(`${base}.docx`))
      .send(bytes);
  }
}
