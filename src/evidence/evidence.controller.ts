import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { EvidenceFileView } from '../tasks/tasks.views.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { MULTIPART_LIMITS, multipartProblem } from '../common/multipart-errors.js';
import { safeContentType } from './content-check.js';
import { EvidenceService, type EvidenceView, type StagedFile } from './evidence.service.js';

@ApiTags('evidence')
@ApiBearerAuth()
@Controller()
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Post('tasks/:id/evidence')
  @ApiOperation({ summary: 'Upload one evidence file (multipart field "file"); reference its id in evidence.submit' })
  @ApiConsumes('multipart/form-data')
  @ApiCreatedResponse({ type: EvidenceFileView })
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  async upload(@Param('id') id: string, @Req() req: FastifyRequest, @CurrentActor() actor: Actor): Promise<EvidenceView> {
    if (!req.isMultipart()) throw DomainError.validation([{ field: 'file', reason: 'send multipart/form-data with a "file" field' }]);
    await this.evidence.assertCanUpload(id, actor);
    // Read the whole request before writing anything: a second file (or a body cut short) refuses the upload.
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
        staged = await this.evidence.stage(id, { filename: part.filename, mimetype: part.mimetype, stream: part.file }, actor);
      }
    } catch (e) {
      if (staged) this.evidence.discard(staged);
      throw multipartProblem(e, MULTIPART_LIMITS);
    }
    if (!staged) throw DomainError.validation([{ field: 'file', reason: 'missing multipart field "file"' }]);
    return this.evidence.commit(id, staged, actor);
  }

  @Get('tasks/:id/evidence')
  @ApiOperation({ summary: 'The evidence files uploaded for a task' })
  @ApiOkResponse({ type: [EvidenceFileView] })
  async list(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<EvidenceView[]> {
    return await this.evidence.listForTask(id, actor);
  }

  @Get('evidence/:fileId')
  @ApiOperation({ summary: 'Download an evidence file (for those who may see its task)' })
  @ApiProduces('application/octet-stream')
  async download(@Param('fileId') fileId: string, @CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    const { meta, stream } = await this.evidence.open(fileId, actor);
    void reply
      .header('content-type', safeContentType(meta.mimeType))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('content-length', String(meta.size))
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(meta.originalName)}`)
      .header('x-content-sha256', meta.sha256)
      .send(stream);
  }
}
