import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { pageOf, type Page } from '../common/pagination.js';
import { validateAs } from '../common/validation.js';
import {
  ConsistencyQuery,
  ConsistencyView,
  HeadListQuery,
  InclusionQuery,
  InclusionView,
  TreeHeadPageView,
  TreeHeadView,
  WitnessBody,
  WitnessResultView,
} from './translog.dto.js';
import { TranslogService, type ConsistencyAnswer, type InclusionAnswer, type TreeHead } from './translog.service.js';

function sizeParam(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw DomainError.validation([{ field: 'size', reason: 'must be a tree size: a whole number ≥ 0' }]);
  return Number(text);
}

/**
 * The transparency log (src/translog/README.md): signed tree heads, inclusion and consistency proofs, and
 * witnesses' countersignatures. For admins, supervisors and auditors, like the rest of /audit.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/log')
@Roles('admin', 'supervisor', 'auditor')
export class TranslogController {
  constructor(private readonly log: TranslogService) {}

  @Get('head')
  @ApiOperation({ summary: 'The latest signed tree head (the log is brought up to date and a new head signed if it grew)' })
  @ApiOkResponse({ type: TreeHeadView })
  async latest(): Promise<TreeHead> {
    return await this.log.latestHead();
  }

  @Get('heads')
  @ApiOperation({ summary: 'Every signed tree head, newest first' })
  @ApiOkResponse({ type: TreeHeadPageView })
  async heads(@Query() q: HeadListQuery): Promise<Page<TreeHead>> {
    const { page, pageSize, offset } = pageOf(q);
    const { items, total } = await this.log.heads(pageSize, offset);
    return { items, total, page, pageSize };
  }

  @Get('heads/:size')
  @ApiOperation({ summary: 'The signed tree head of this size, with its witnesses' })
  @ApiOkResponse({ type: TreeHeadView })
  async head(@Param('size') sizeText: string): Promise<TreeHead> {
    return await this.log.head(sizeParam(sizeText));
  }

  @Get('proofs/inclusion')
  @ApiOperation({ summary: 'Inclusion proof: this event (by eventId, logIndex, or taskId + seq) is in the signed log of size treeSize (default the latest)' })
  @ApiOkResponse({ type: InclusionView })
  async inclusion(@Query() q: InclusionQuery): Promise<InclusionAnswer> {
    const given = [q.eventId !== undefined, q.logIndex !== undefined, q.taskId !== undefined].filter(Boolean).length;
    if (given !== 1 || (q.taskId !== undefined) !== (q.seq !== undefined)) {
      throw DomainError.validation([{ field: 'eventId', reason: 'name the event by exactly one of eventId, logIndex, or taskId with seq' }]);
    }
    return await this.log.inclusion({ eventId: q.eventId, logIndex: q.logIndex, taskId: q.taskId, seq: q.seq }, q.treeSize);
  }

  @Get('proofs/consistency')
  @ApiOperation({ summary: 'Consistency proof: the signed log of size from is a prefix of the signed log of size to (default the latest)' })
  @ApiOkResponse({ type: ConsistencyView })
  async consistency(@Query() q: ConsistencyQuery): Promise<ConsistencyAnswer> {
    return await this.log.consistency(q.from, q.to);
  }

  @Post('heads/:size/witnesses')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record a witness’s countersignature of a signed head (Ed25519 over its signedText by the witness’s own key; `npm run cli -- log witness-sign`)',
  })
  @ApiOkResponse({ type: WitnessResultView })
  async witness(@Param('size') sizeText: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<{ head: TreeHead; recorded: boolean }> {
    return await this.log.addWitness(sizeParam(sizeText), validateAs(WitnessBody, body, 'body'), actor);
  }

  @Get('heads/:size/witnesses')
  @ApiOperation({ summary: 'The witnesses’ countersignatures of a signed head' })
  @ApiOkResponse({ type: TreeHeadView })
  async witnesses(@Param('size') sizeText: string): Promise<TreeHead> {
    return await this.log.head(sizeParam(sizeText));
  }
}
