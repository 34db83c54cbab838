import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { SecurityLogged } from '../../security-log/security-logged.js';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../auth/auth.decorators.js';
import type { Actor } from '../../common/actor.js';
import { DomainError } from '../../common/domain-error.js';
import type { CatalogueKind, CatalogueParse } from '../../scoring/catalogue-text.js';
import {
  CATALOGUE_KINDS,
  CopyTemplateDto,
  CreateTemplateDto,
  ParseCatalogueDto,
  RetireTemplateDto,
  SaveCatalogueDto,
  TemplateListQuery,
  TemplateQuery,
  UpdateTemplateDto,
} from './templates.dto.js';
import { TemplatesService, type TemplateHistoryEntry, type TemplateView } from './templates.service.js';

/**
 * Assessment templates as data (issue 13): the office writes its own rules. Reading is open to every
 * signed-in role (a unit may see the rules it is scored by); changes are for supervisors and admins.
 */
@ApiTags('scoring templates')
@ApiBearerAuth()
@Controller('scoring')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get('templates')
  @ApiOperation({
    summary: 'Plan templates, newest version of each (shipped starting catalogue and the office’s own); includeRetired=true lists retired ones too',
  })
  list(@Query() q: TemplateListQuery): Promise<TemplateView[]> {
    return this.templates.list({ includeRetired: q.includeRetired === 'true' });
  }

  @SecurityLogged('scoring.setup-changed', { subject: 'template' })
  @Post('templates')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Create a template (version 1); 400 naming template.<path> for each problem' })
  create(@Body() dto: CreateTemplateDto, @CurrentActor() actor: Actor): Promise<TemplateView> {
    return this.templates.create(dto.template, dto.note ?? null, actor);
  }

  @Get('templates/:id')
  @ApiOperation({ summary: 'One template: the newest version, or ?version=' })
  get(@Param('id') id: string, @Query() q: TemplateQuery): Promise<TemplateView> {
    return this.templates.view(id, q.version);
  }

  @SecurityLogged('scoring.setup-changed', { subject: 'template' })
  @Put('templates/:id')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Edit: a new version with who, when and what changed. Shipped → 409 TEMPLATE_READ_ONLY (copy it); retired → 409 TEMPLATE_RETIRED' })
  update(@Param('id') id: string, @Body() dto: UpdateTemplateDto, @CurrentActor() actor: Actor): Promise<TemplateView> {
    return this.templates.update(id, dto.template, { note: dto.note ?? null, expectedVersion: dto.expectedVersion }, actor);
  }

  @SecurityLogged('scoring.setup-changed', { subject: 'template' })
  @Post('templates/:id/copy')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Copy a template (any version) under a new id' })
  copy(@Param('id') id: string, @Body() dto: CopyTemplateDto, @CurrentActor() actor: Actor): Promise<TemplateView> {
    return this.templates.copy(id, { newId: dto.newId, name: dto.name, version: dto.version, note: dto.note ?? null }, actor);
  }

  @SecurityLogged('scoring.setup-changed', { subject: 'template' })
  @Post('templates/:id/retire')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Retire a template (a version with status retired): plans set up with it keep it, new set-ups refuse it' })
  retire(@Param('id') id: string, @Body() dto: RetireTemplateDto, @CurrentActor() actor: Actor): Promise<TemplateView> {
    return this.templates.retire(id, dto.reason, actor);
  }

  @Get('templates/:id/history')
  @ApiOperation({ summary: 'Every version, newest first: who, when, why and what changed (diff by path with 中文 labels)' })
  history(@Param('id') id: string): Promise<TemplateHistoryEntry[]> {
    return this.templates.history(id);
  }

  @SecurityLogged('scoring.setup-changed', { subject: 'template' })
  @Put('templates/:id/catalogues/:kind')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Save a pasted numbered list as one catalogue of the template (a new version); 400 naming every unreadable line, nothing saved' })
  saveCatalogue(
    @Param('id') id: string,
    @Param('kind') kind: string,
    @Body() dto: SaveCatalogueDto,
    @CurrentActor() actor: Actor,
  ): Promise<TemplateView & { parse: CatalogueParse }> {
    return this.templates.saveCatalogue(id, catalogueKind(kind), dto, actor);
  }

  @Post('catalogues/parse')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({
    summary:
      'Read a pasted numbered list (负面清单 / 加分项 / 减分项 / 否决项) into catalogue items with amounts and caps; problems name every unreadable line. Nothing stored',
  })
  parse(@Body() dto: ParseCatalogueDto): CatalogueParse {
    return this.templates.parseCatalogue(dto.kind, dto);
  }
}

function catalogueKind(kind: string): CatalogueKind {
  if (!(CATALOGUE_KINDS as readonly string[]).includes(kind)) throw DomainError.validation([{ field: 'kind', reason: `one of ${CATALOGUE_KINDS.join(', ')}` }]);
  return kind as CatalogueKind;
}
