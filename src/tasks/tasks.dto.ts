import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { TASK_EVENT_TYPES } from '../../workflows/task/index.js';
import { PageQuery } from '../common/pagination.js';
import { IsCalendarDate, IsInstant } from '../common/validators.js';

const finite = { allowNaN: false, allowInfinity: false } as const;

export class CreateNodeDto {
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(1000) seq: number;
  @ApiProperty({ example: '2026-06-30', description: 'Due day in the plan timezone; due at 23:59:59 that day' }) @IsCalendarDate() dueDate: string;
  @ApiPropertyOptional({ example: '2026-06-25', description: 'Day the light turns yellow (start of day); default: N working days before' })
  @IsOptional()
  @IsCalendarDate()
  warnDate?: string;
  @ApiPropertyOptional({ example: 3, description: 'Working days before the due day; default: the plan’s setting' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60)
  warnWorkingDays?: number;
  @ApiPropertyOptional({ example: '6月底前，固定资产投资同比增长6%' }) @IsOptional() @IsString() @MaxLength(2000) stageTarget?: string;
  @ApiPropertyOptional({ example: 6 }) @IsOptional() @IsNumber(finite) stageValue?: number;
  @ApiPropertyOptional({ example: '统计局月报截图' }) @IsOptional() @IsString() @MaxLength(2000) requiredEvidence?: string;
  @ApiPropertyOptional({ example: 0.5, description: 'Points deducted when this node is red-lighted' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  redDeduction?: number;
}

export class CreateTaskDto {
  @ApiProperty({ example: 'plan-2026' }) @IsString() @IsNotEmpty() planId: string;
  @ApiProperty({ example: 'a1b2…' }) @IsString() @IsNotEmpty() indicatorId: string;
  @ApiProperty({ example: 'unit-fgw', description: 'Responsible unit (承接部门)' }) @IsString() @IsNotEmpty() unitId: string;
  @ApiPropertyOptional({ default: true, description: 'Lead unit (牵头单位)' }) @IsOptional() @IsBoolean() isLead?: boolean;
  @ApiProperty({ type: [CreateNodeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(400)
  @ValidateNested({ each: true })
  @Type(() => CreateNodeDto)
  nodes: CreateNodeDto[];
}

/**
 * task.revise is not sent over this endpoint: revisions come from imports (POST /imports), which compute node instants;
 * task.facts has its own, POST /tasks/{id}/facts (checked against the indicator's method).
 */
export const HTTP_EVENT_TYPES = TASK_EVENT_TYPES.filter((t) => t !== 'task.revise' && t !== 'task.facts');
/** What a history may contain: the creation event and every machine event (imports' task.revise included). */
export const HISTORY_EVENT_TYPES = ['task.created', ...TASK_EVENT_TYPES, 'task.migrated'] as const;

export class TaskEventDto {
  @ApiProperty({ enum: HTTP_EVENT_TYPES, example: 'evidence.submit' }) @IsIn(HTTP_EVENT_TYPES as unknown as string[]) type: string;
  @ApiProperty({ example: 2, description: 'The version you last read; a stale one gets 409 and nothing is written' })
  @IsInt()
  @Min(1)
  expectedVersion: number;
  @ApiPropertyOptional({
    example: 1,
    description:
      'The node an evidence or extension event acts on (each node is its own milestone); absent: the node a v1 client meant (the first that can take it)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  nodeSeq?: number;
  @ApiPropertyOptional({
    description: 'Fields of the event; see the payload schemas (SubmitEvidencePayload, ReturnPayload, …)',
    example: { fileIds: ['7f1c…'], completedValue: 6.2, note: '上半年完成情况' },
  })
  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;
}

// ---- payloads, one class per event type (validated after the type is known) ----
export class EmptyPayload {}

export class SubmitEvidencePayload {
  @ApiPropertyOptional({ type: [String], description: 'Ids returned by POST /tasks/{id}/evidence' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('4', { each: true })
  fileIds?: string[];
  @ApiPropertyOptional({ example: 6.2 }) @IsOptional() @IsNumber(finite) completedValue?: number;
  @ApiPropertyOptional({ example: '已完成，详见附件' }) @IsOptional() @IsString() @MaxLength(4000) note?: string;
  @ApiPropertyOptional({ description: 'Classified material handed over offline (线下报送)' }) @IsOptional() @IsBoolean() offline?: boolean;
}

const POLICY_ADJUSTMENT_DOC = {
  example: 0.5,
  description:
    '政策影响额 (e.g. 减税降费政策影响收入额), added to the completed value — only for a ratio indicator whose method has policyAdjustment: true; null clears it',
} as const;
const SUB_VALUES_DOC = {
  example: { gdp: { actual: 5.2 }, invest: { actual: 6.1 } },
  description:
    "Sub-indicator values by the method's sub-indicator key (ratio with subIndicators): { actual?, target? }; target is the office's; null clears an entry",
} as const;
const SUB_ITEMS_DOC = {
  example: { k1: true, k2: false, k3: 1.5 },
  description:
    "Sub-item results by the method's item key (direct sub_items): true = full points, false = 0, a number = points given (0 … the item's points); null clears one",
} as const;

export class ApprovePayload {
  @ApiPropertyOptional({ example: 6.0 }) @IsOptional() @IsNumber(finite) reviewedValue?: number;
  @ApiPropertyOptional({ example: '材料齐全' }) @IsOptional() @IsString() @MaxLength(4000) comment?: string;
  @ApiPropertyOptional({ example: 4, description: 'Discretionary points where the method allows' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  assessorPoints?: number;
  // Scoring facts: checked against the indicator's method by the service (a fact it does not read → 400 naming it).
  @ApiPropertyOptional(POLICY_ADJUSTMENT_DOC) @IsOptional() @IsNumber(finite) policyAdjustment?: number;
  @ApiPropertyOptional(SUB_VALUES_DOC) @IsOptional() @IsObject() subValues?: Record<string, unknown>;
  @ApiPropertyOptional(SUB_ITEMS_DOC) @IsOptional() @IsObject() subItems?: Record<string, unknown>;
}

/** POST /tasks/{id}/facts: set or correct scoring facts afterwards (the assessor, or the office). */
export class TaskFactsDto {
  @ApiProperty({ example: 5, description: 'The version you last read; a stale one gets 409 and nothing is written' })
  @IsInt()
  @Min(1)
  expectedVersion: number;
  @ApiPropertyOptional({ ...POLICY_ADJUSTMENT_DOC, nullable: true, type: Number }) @IsOptional() @IsNumber(finite) policyAdjustment?: number | null;
  @ApiPropertyOptional({ ...SUB_VALUES_DOC, nullable: true }) @IsOptional() @IsObject() subValues?: Record<string, unknown> | null;
  @ApiPropertyOptional({ ...SUB_ITEMS_DOC, nullable: true }) @IsOptional() @IsObject() subItems?: Record<string, unknown> | null;
  @ApiProperty({ example: '据税务局复核函更正政策影响额' }) @IsString() @IsNotEmpty() @MaxLength(4000) reason: string;
}

export class ReasonPayload {
  @ApiProperty({ example: '缺少统计局盖章材料' }) @IsString() @IsNotEmpty() @MaxLength(4000) reason: string;
}

export class ExtensionRequestPayload {
  @ApiProperty({ example: '2026-07-15' }) @IsCalendarDate() newDueDate: string;
  @ApiPropertyOptional({ example: '2026-07-10' }) @IsOptional() @IsCalendarDate() newWarnDate?: string;
  @ApiProperty({ example: '受汛期影响，申请延期' }) @IsString() @IsNotEmpty() @MaxLength(4000) reason: string;
}

export class CommentPayload {
  @ApiPropertyOptional({ example: '同意' }) @IsOptional() @IsString() @MaxLength(4000) comment?: string;
}

export class ClosePayload {
  @ApiPropertyOptional({ example: '年度考核结束' }) @IsOptional() @IsString() @MaxLength(4000) reason?: string;
}

export class ResumeNodeDto {
  @ApiProperty({ example: 2 }) @IsInt() @Min(1) @Max(1000) seq: number;
  @ApiProperty({ example: '2026-09-30', description: 'The node’s new due day (plan timezone), after the resume' }) @IsCalendarDate() dueDate: string;
  @ApiPropertyOptional({ example: '2026-09-25', description: 'Day the light turns yellow; default: the plan’s working days before' })
  @IsOptional()
  @IsCalendarDate()
  warnDate?: string;
}

export class ResumePayload {
  @ApiPropertyOptional({
    type: [ResumeNodeDto],
    description: 'New due days for nodes whose due passed meanwhile; every other unapproved node not yet due at suspension moves by the suspended days',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(400)
  @ValidateNested({ each: true })
  @Type(() => ResumeNodeDto)
  nodes?: ResumeNodeDto[];
  @ApiPropertyOptional({ example: '上级决定恢复实施' }) @IsOptional() @IsString() @MaxLength(4000) note?: string;
}

export class ScorePayload {
  @ApiProperty({ example: 9.5 }) @IsNumber(finite) @Min(0) score: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) note?: string;
}

export const PAYLOAD_CLASSES: Record<string, new () => object> = {
  'task.acknowledge': EmptyPayload,
  'evidence.submit': SubmitEvidencePayload,
  'evidence.approve': ApprovePayload,
  'evidence.return': ReasonPayload,
  'extension.request': ExtensionRequestPayload,
  'extension.grant': CommentPayload,
  'extension.deny': ReasonPayload,
  'clock.tick': EmptyPayload,
  'task.suspend': ReasonPayload,
  'task.resume': ResumePayload,
  'task.close': ClosePayload,
  'task.score': ScorePayload,
  'task.cancel': ReasonPayload,
};

export const LIGHTS = ['green', 'yellow', 'red'] as const;
export const TASK_STATES = ['assigned', 'open', 'submitted', 'returned', 'suspended', 'completed', 'closed', 'scored', 'cancelled'] as const;

export class TaskQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() planId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() unitId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() indicatorId?: string;
  @ApiPropertyOptional({ enum: TASK_STATES }) @IsOptional() @IsIn(TASK_STATES as unknown as string[]) state?: string;
  @ApiPropertyOptional({ enum: LIGHTS }) @IsOptional() @IsIn(LIGHTS as unknown as string[]) light?: string;
  @ApiPropertyOptional({ example: '2026-06-01', description: 'Current node due on or after this day' })
  @IsOptional()
  @IsCalendarDate()
  dueFrom?: string;
  @ApiPropertyOptional({ example: '2026-06-30', description: 'Current node due on or before this day' })
  @IsOptional()
  @IsCalendarDate()
  dueTo?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only tasks with (or without) an extension request awaiting a decision' })
  @IsOptional()
  @IsIn(['true', 'false'])
  extensionPending?: 'true' | 'false';
}

export class HistoryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: HISTORY_EVENT_TYPES, example: 'evidence.submit' }) @IsOptional() @IsIn(HISTORY_EVENT_TYPES as unknown as string[]) type?: string;
  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z' }) @IsOptional() @IsInstant() from?: string;
  @ApiPropertyOptional({ example: '2026-12-31T23:59:59Z' }) @IsOptional() @IsInstant() to?: string;
}
