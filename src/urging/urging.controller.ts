import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res, type PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { renderDocx } from '../documents/docx.js';
import { NoCjkFontError, renderPdf } from '../documents/pdf.js';
import { IssueNoticeDto, NoticeExportQuery, NoticeQuery, ReplyDto, RulesDto } from './urging.dto.js';
import { UrgingService, type NoticeView, type UnitUrgingCounts } from './urging.service.js';

function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * The node number in the path: a whole number from 1 to 999999, else a 400 naming `seq` (ParseIntPipe's own
 * 400 named no field, and let 99999999999999999999 through to the database's integer column).
 */
const NODE_SEQ: PipeTransform<string, number> = {
  transform(v: string): number {
    if (!/^[1-9]\d{0,5}$/.test(v)) throw DomainError.validation([{ field: 'seq', reason: 'must be an integer from 1 to 999999 (the node number)' }]);
    return Number(v);
  },
};

/** Urging notices (催办 / 督办) and a plan's escalation rules. */
@ApiTags('urging')
@ApiBearerAuth()
@Controller()
export class UrgingController {
  constructor(private readonly urging: UrgingService) {}

  @Get('plans/:id/urging-rules')
  @ApiOperation({ summary: "The plan's escalation rules (the defaults until the office sets its own)" })
  async rules(@Param('id') planId: string) {
    return await this.urging.getRules(planId);
  }

  @Put('plans/:id/urging-rules')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Set the escalation rules: [{ level, offsetWorkingDays, replyWorkingDays? }], each level once' })
  async setRules(@Param('id') planId: string, @Body() dto: RulesDto, @CurrentActor() actor: Actor) {
    return await this.urging.setRules(planId, dto.rules, actor);
  }

  @Post('tasks/:id/nodes/:seq/urgings')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Urge a node now (提醒 / 催办 / 督办 with a reply-by date); delivered to the unit (inbox, SSE, webhooks)' })
  async issue(
    @Param('id') taskId: string,
    @Param('seq', NODE_SEQ) seq: number,
    @Body() dto: IssueNoticeDto,
    @CurrentActor() actor: Actor,
  ): Promise<NoticeView> {
    return await this.urging.issue(taskId, seq, dto, actor);
  }

  @Post('urging/escalate')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: "Run every plan's escalation rules now (the service also runs them on its schedule)" })
  async escalate() {
    return await this.urging.escalate();
  }

  @Get('urging-notices')
  @ApiOperation({ summary: "Notices: a unit's inbox (its own), the office's by plan / unit / task" })
  async list(@Query() q: NoticeQuery, @CurrentActor() actor: Actor): Promise<NoticeView[]> {
    return await this.urging.list(q, actor);
  }

  @Get('urging-notices/:id')
  async get(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<NoticeView> {
    return await this.urging.get(id, actor);
  }

  @Post('urging-notices/:id/reply')
  @HttpCode(200)
  @Roles('department')
  @ApiOperation({ summary: 'The urged unit answers (once)' })
  async reply(@Param('id') id: string, @Body() dto: ReplyDto, @CurrentActor() actor: Actor): Promise<NoticeView> {
    return await this.urging.reply(id, dto.text, actor);
  }

  @Get('plans/:id/urging-counts')
  @ApiOperation({ summary: 'Notices per unit and level (for the board, and a scoring fact)' })
  async counts(@Param('id') planId: string): Promise<UnitUrgingCounts[]> {
    return await this.urging.counts(planId);
  }

  @Get('urging-notices/:id/export')
  @ApiOperation({ summary: 'The 催办单 / 督办通知单 as .docx or PDF' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/pdf')
  async export(@Param('id') id: string, @Query() q: NoticeExportQuery, @CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    const doc = await this.urging.document(id, actor);
    const base = `${doc.title}-${doc.number}`;
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
    void reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .header('content-disposition', disposition(`${base}.docx`))
      .send(await renderDocx(doc));
  }
}
