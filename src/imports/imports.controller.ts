import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app.config.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { MULTIPART_LIMITS, multipartProblem } from '../common/multipart-errors.js';
import { pageOf, PageQuery, type Page } from '../common/pagination.js';
import { PlansService } from '../plans/plans.service.js';
import { ImportService, type GroupTarget, type ImportOptions, type ImportResult } from './import.service.js';
import { ImportRunsRepository, type ImportRunChangeView, type ImportRunView } from './import-runs.repository.js';
import type { ShapeName } from './model.js';

const FIELDS = ['plan', 'commit', 'shape', 'year', 'createUnits', 'allowErrors', 'defaultMethod', 'defaultPoints', 'expandRecurring', 'groups'] as const;

const CHANGE_KINDS = [
  'unit.created',
  'indicator.created',
  'indicator.updated',
  'task.created',
  'task.revised',
  'task.details',
  'group.created',
  'group.member',
];

export class ImportRunsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'plan id (required)' }) @IsOptional() @IsString() @MaxLength(200) plan?: string;
}

export class ImportChangesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CHANGE_KINDS }) @IsOptional() @IsIn(CHANGE_KINDS) kind?: string;
}

/** The multipart field `groups`: JSON, section key → group id or { name, kind }. */
function groupsField(v: string | undefined): Record<string, GroupTarget> | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw DomainError.validation([{ field: 'groups', reason: 'must be an object (JSON): section key → group id, or { name, kind } for a new group' }]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw DomainError.validation([{ field: 'groups', reason: 'must be an object (JSON): section key → group id, or { name, kind } for a new group' }]);
  }
  return parsed as Record<string, GroupTarget>;
}

function bool(field: string, v: string | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw DomainError.validation([{ field, reason: 'must be true or false' }]);
}

function num(field: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw DomainError.validation([{ field, reason: 'must be a number' }]);
  return n;
}

@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportService,
    private readonly runs: ImportRunsRepository,
    private readonly plans: PlansService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: "A plan's import runs, newest first, a page at a time: file, sha-256, shape, options, who, when, summary and change counts" })
  async list(@Query() q: ImportRunsQuery): Promise<Page<ImportRunView>> {
    const plan = q.plan;
    if (typeof plan !== 'string' || plan.trim() === '') throw DomainError.validation([{ field: 'plan', reason: 'the plan id is required (?plan=…)' }]);
    await this.plans.get(plan);
    return await this.runs.listRuns(plan, pageOf(q));
  }

  @Get(':runId/changes')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: "One import run's changes in the order written, a page at a time (?kind= one kind): key, subject and its name, before and after" })
  async changes(@Param('runId') runId: string, @Query() q: ImportChangesQuery): Promise<Page<ImportRunChangeView>> {
    if ((await this.runs.runPlan(runId)) === null) throw DomainError.notFound('import run', runId);
    return await this.runs.listChanges(runId, q.kind, pageOf(q));
  }

  @Post()
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({
    summary: 'Import an office table (.xlsx, .csv, tab-separated text) into a plan: dry run by default, or commit',
    description:
      'Returns the report: counts (indicators, tasks, nodes, per unit), every change, and every row or cell that could not be ' +
      'read (row, column, reason). A dry run writes nothing. `commit=true` writes everything in one transaction, each task ' +
      'through the task write path; a report with errors is refused (422 IMPORT_REFUSED, the report in details.report) ' +
      'unless allowErrors=true. Re-importing the same file writes nothing; an edited file updates only what changed.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'plan'],
      properties: {
        file: { type: 'string', format: 'binary' },
        plan: { type: 'string', description: 'plan id' },
        commit: { type: 'boolean', default: false },
        shape: {
          type: 'string',
          enum: ['node-table', 'work-report', 'unit-matrix', 'node-platform', 'common-indicators'],
          description: 'default: detected from the headers, per section',
        },
        year: { type: 'integer', description: "year for dates written without one (default: the plan's)" },
        createUnits: { type: 'boolean', default: false, description: 'create units the file names but the database does not know' },
        allowErrors: { type: 'boolean', default: false, description: 'commit what can be imported and skip (report) the rest' },
        defaultMethod: { type: 'string', default: 'node_platform', description: 'method for a file without a 计分方式 column' },
        defaultPoints: { type: 'number', default: 0, description: 'points for a file without a 分值 column' },
        expandRecurring: {
          type: 'boolean',
          default: false,
          description: 'expand recurring phrases (每月 / 每季度 …) into one node per period; default: one node, reported',
        },
        groups: {
          type: 'string',
          description:
            'JSON: section key (report.parse.sections[].key) → the id of a group of the plan, or {"name","kind"} for a new group; the units of the section join it in the same transaction',
          example: '{"附件1":"<group id>","附件2":{"name":"园区组","kind":"park"}}',
        },
      },
    },
  })
  async import(@Req() req: FastifyRequest, @CurrentActor() actor: Actor): Promise<ImportResult> {
    if (!req.isMultipart()) throw DomainError.validation([{ field: 'file', reason: 'send multipart/form-data with a "file" field' }]);
    const fields: Record<string, string> = {};
    let file: { name: string; bytes: Buffer } | null = null;
    try {
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file' || file) {
            part.file.resume();
            throw DomainError.validation([{ field: part.fieldname, reason: 'send exactly one file, in the field "file"' }]);
          }
          const bytes = await part.toBuffer().catch((e: unknown) => {
            if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return null;
            throw e;
          });
          if (bytes === null || part.file.truncated) {
            const max = this.config.DUBAN_UPLOAD_MAX_BYTES;
            throw new DomainError(ErrorCode.FileTooLarge, `file is larger than ${max} bytes`, { field: 'file', maxBytes: max });
          }
          file = { name: part.filename, bytes };
        } else {
          if (!(FIELDS as readonly string[]).includes(part.fieldname)) {
            throw DomainError.validation([{ field: part.fieldname, reason: `unknown field; expected ${FIELDS.join(', ')}` }]);
          }
          const value = String(part.value);
          // PostgreSQL cannot store or even compare text holding NUL (a 500 there); refused on both databases.
          if (value.includes('\u0000')) throw DomainError.validation([{ field: part.fieldname, reason: 'must not contain the NUL character (U+0000)' }]);
          fields[part.fieldname] = value;
        }
      }
    } catch (e) {
      throw multipartProblem(e, MULTIPART_LIMITS);
    }
    if (!file) throw DomainError.validation([{ field: 'file', reason: 'missing multipart field "file"' }]);
    if (!fields.plan) throw DomainError.validation([{ field: 'plan', reason: 'the plan id is required' }]);
    const opts: ImportOptions = { planId: fields.plan };
    const commit = bool('commit', fields.commit);
    const createUnits = bool('createUnits', fields.createUnits);
    const allowErrors = bool('allowErrors', fields.allowErrors);
    const year = num('year', fields.year);
    const defaultPoints = num('defaultPoints', fields.defaultPoints);
    const expandRecurring = bool('expandRecurring', fields.expandRecurring);
    const groups = groupsField(fields.groups);
    if (expandRecurring !== undefined) opts.expandRecurring = expandRecurring;
    if (groups !== undefined) opts.groups = groups;
    if (commit !== undefined) opts.commit = commit;
    if (createUnits !== undefined) opts.createUnits = createUnits;
    if (allowErrors !== undefined) opts.allowErrors = allowErrors;
    if (year !== undefined) opts.year = year;
    if (defaultPoints !== undefined) opts.defaultPoints = defaultPoints;
    if (fields.shape) opts.shape = fields.shape as ShapeName;
    if (fields.defaultMethod) opts.defaultMethod = fields.defaultMethod;
    // The commit stays one transaction that yields to the event loop between tasks (reads go on meanwhile). It is
    // not a job row: a refused import must write nothing, and most refusals are only known once the file is compared.
    const result = await this.imports.run(file, opts, actor);
    if (result.outcome === 'refused') {
      throw new DomainError(ErrorCode.ImportRefused, `import refused, nothing written: ${result.refusal}`, { report: result });
    }
    return result;
  }
}
