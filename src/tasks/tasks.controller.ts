import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandResultView, HistoryPageView, TaskDetailPageView, TaskDetailView, TaskPageView } from './tasks.views.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { Actor } from '../common/actor.js';
import type { Page } from '../common/pagination.js';
import type { CommandResult } from './task-commands.service.js';
import {
  ApprovePayload,
  ClosePayload,
  CommentPayload,
  CreateTaskDto,
  ExtensionRequestPayload,
  HistoryQuery,
  ReasonPayload,
  ScorePayload,
  SubmitEvidencePayload,
  TaskEventDto,
  TaskFactsDto,
  TaskQuery,
} from './tasks.dto.js';
import { TasksService, type HistoryEntry, type TaskDetail, type TaskSummary } from './tasks.service.js';

@ApiTags('tasks')
@ApiBearerAuth()
@ApiExtraModels(SubmitEvidencePayload, ApprovePayload, ReasonPayload, ExtensionRequestPayload, CommentPayload, ClosePayload, ScorePayload)
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Assign an indicator to a unit as a task with dated nodes; history starts with task.created' })
  @ApiCreatedResponse({ type: TaskDetailView })
  async create(@Body() dto: CreateTaskDto, @CurrentActor() actor: Actor): Promise<TaskDetail> {
    return await this.tasks.create(dto, actor);
  }

  @Get()
  @ApiOperation({ summary: 'List tasks the caller may see (filters: plan, unit, indicator, state, light, due range)' })
  @ApiOkResponse({ type: TaskPageView })
  async list(@Query() q: TaskQuery, @CurrentActor() actor: Actor): Promise<Page<TaskSummary>> {
    return await this.tasks.list(q, actor);
  }

  @Get('details')
  @ApiOperation({
    summary: 'One page of tasks, each as GET /tasks/{id} gives it (nodes, allowed events, current submission and returns, pending extension)',
    description: "The same filters and paging as GET /tasks: a unit's 我的节点, or the pending extension requests, in one request instead of one per task.",
  })
  @ApiOkResponse({ type: TaskDetailPageView })
  async details(@Query() q: TaskQuery, @CurrentActor() actor: Actor): Promise<Page<TaskDetail>> {
    return await this.tasks.listDetails(q, actor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One task with its nodes and the events the caller may send now' })
  @ApiOkResponse({ type: TaskDetailView })
  async get(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<TaskDetail> {
    return await this.tasks.get(id, actor);
  }

  @Post(':id/events')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send an event to the task machine (the one write path)',
    description: [
      'Types and who may send them: task.acknowledge (department, supervisor) · evidence.submit (department) ·',
      'evidence.approve / evidence.return (assessor of the indicator; the approval may carry the scoring facts its method reads:',
      'policyAdjustment, subValues, subItems — another → 400 naming it) · extension.request (department) ·',
      'extension.grant / extension.deny (supervisor) · task.close / task.score / task.cancel (supervisor).',
      '409 VERSION_CONFLICT when expectedVersion is stale; 409 EVENT_NOT_ALLOWED names the state and allowed events.',
    ].join(' '),
  })
  @ApiOkResponse({ type: CommandResultView })
  @ApiBody({
    type: TaskEventDto,
    examples: {
      submit: {
        value: {
          type: 'evidence.submit',
          expectedVersion: 2,
          payload: { fileIds: ['4f7c2a9e-0d1b-4e0a-9b7e-0c4b5f7a1d2e'], completedValue: 6.2, note: '上半年完成' },
        },
      },
      offline: { value: { type: 'evidence.submit', expectedVersion: 2, payload: { offline: true, note: '涉密材料线下报送' } } },
      approve: { value: { type: 'evidence.approve', expectedVersion: 3, payload: { reviewedValue: 6.0, comment: '材料齐全' } } },
      approveWithFacts: {
        value: {
          type: 'evidence.approve',
          expectedVersion: 3,
          nodeSeq: 1,
          payload: { reviewedValue: 11.6, policyAdjustment: 0.5, comment: '含减税降费政策影响' },
        },
      },
      return: { value: { type: 'evidence.return', expectedVersion: 3, payload: { reason: '缺少盖章材料' } } },
      extension: { value: { type: 'extension.request', expectedVersion: 2, payload: { newDueDate: '2026-07-15', reason: '受汛期影响' } } },
      score: { value: { type: 'task.score', expectedVersion: 9, payload: { score: 9.5 } } },
    },
  })
  async send(@Param('id') id: string, @Body() dto: TaskEventDto, @CurrentActor() actor: Actor): Promise<CommandResult> {
    return await this.tasks.sendEvent(id, dto, actor);
  }

  @Post(':id/facts')
  @HttpCode(200)
  @Roles('assessor', 'supervisor', 'admin')
  @ApiOperation({
    summary: 'Set or correct scoring facts (政策影响额, sub-indicator values, sub-item results) — recorded as a task.facts event',
    description: [
      'The task’s assessor, or the office (supervisor, admin). Only the facts the indicator’s method reads: another → 400 naming it;',
      'a wrong type or range → 400 naming the field; null clears a fact. 409 VERSION_CONFLICT on a stale expectedVersion;',
      '409 PLAN_CLOSED once the plan is closed (scores frozen); 409 EVENT_NOT_ALLOWED on a scored or cancelled task. Nothing written on a refusal.',
    ].join(' '),
  })
  @ApiOkResponse({ type: CommandResultView })
  @ApiBody({
    type: TaskFactsDto,
    examples: {
      policyAdjustment: { value: { expectedVersion: 5, policyAdjustment: 0.8, reason: '据税务局复核函更正政策影响额' } },
      subItems: { value: { expectedVersion: 5, subItems: { k1: true, k2: 1.5 }, reason: '补录分项完成情况' } },
      subValues: { value: { expectedVersion: 5, subValues: { gdp: { actual: 5.2 } }, reason: '补录分项指标完成值' } },
    },
  })
  async facts(@Param('id') id: string, @Body() dto: TaskFactsDto, @CurrentActor() actor: Actor): Promise<CommandResult> {
    return await this.tasks.setFacts(id, dto, actor);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'The task’s events in order: actor, time, type, payload, state before/after, hash chain' })
  @ApiOkResponse({ type: HistoryPageView })
  async history(@Param('id') id: string, @Query() q: HistoryQuery, @CurrentActor() actor: Actor): Promise<Page<HistoryEntry>> {
    return await this.tasks.history(id, q, actor);
  }
}
