import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import type { CalendarGap } from '../deadlines/calendar/index.js';
import { IsTimeZone } from '../common/validators.js';
import { MAX_PAGE } from '../common/pagination.js';
import { PLAN_STATUSES, type PlanStatus } from './plan.entity.js';

export class CreatePlanDto {
  @ApiPropertyOptional({ description: 'Id; generated when absent', example: 'plan-2026' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  id?: string;
  @ApiProperty({ example: 2026 }) @IsInt() @Min(2000) @Max(2100) year: number;
  @ApiProperty({ example: '2026年度县直部门绩效考评' }) @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @ApiPropertyOptional({ example: 'Asia/Shanghai', default: 'Asia/Shanghai' }) @IsOptional() @IsTimeZone() timezone?: string;
  @ApiPropertyOptional({ example: 3, default: 3, description: 'working days before the due day when the light turns yellow' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60)
  warnWorkingDays?: number;
  @ApiPropertyOptional({ example: 3, description: 'working days after assignment to sign for (签收) a task; absent: no sign-for deadline' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60)
  signForWorkingDays?: number;
  @ApiPropertyOptional({ default: false, description: 'node k+1 may be submitted only after node k is approved (lights never depend on it)' })
  @IsOptional()
  @IsBoolean()
  sequentialSubmission?: boolean;
}

/**
 * A plan's settings changed after creation. They apply to tasks created from then on (imports, POST
 * /tasks): a task keeps the deadlines and the submission rule it was given, which its history holds.
 */
export class UpdatePlanDto {
  @ApiPropertyOptional({ example: '2026年度县直部门绩效考评（修订）' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ example: 3, description: 'working days before the due day when the light turns yellow' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60)
  warnWorkingDays?: number;
  @ApiPropertyOptional({ example: 3, nullable: true, description: 'working days after assignment to sign for (签收) a task; null: no sign-for deadline' })
  @ValidateIf((o: UpdatePlanDto) => o.signForWorkingDays !== null && o.signForWorkingDays !== undefined)
  @IsInt()
  @Min(0)
  @Max(60)
  signForWorkingDays?: number | null;
  @ApiPropertyOptional({ description: 'node k+1 may be submitted only after node k is approved' })
  @IsOptional()
  @IsBoolean()
  sequentialSubmission?: boolean;
}

export class SetPlanStatusDto {
  @ApiProperty({ enum: PLAN_STATUSES, example: 'published' }) @IsIn(PLAN_STATUSES as unknown as string[]) status: PlanStatus;
}

export class CreateGroupDto {
  @ApiProperty({ example: '部门组' }) @IsString() @IsNotEmpty() @MaxLength(100) name: string;
  @ApiPropertyOptional({ example: 'department' }) @IsOptional() @IsString() @MaxLength(32) kind?: string;
  @ApiPropertyOptional({ type: [String], example: ['unit-fgw'] }) @IsOptional() @IsArray() @IsString({ each: true }) unitIds?: string[];
}

export class PlanQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(2000) @Max(2100) year?: number;
  @ApiPropertyOptional({ enum: PLAN_STATUSES }) @IsOptional() @IsIn(PLAN_STATUSES as unknown as string[]) status?: PlanStatus;
  @ApiPropertyOptional({ description: 'Search: part of the name', example: '2026' }) @IsOptional() @IsString() @MaxLength(100) q?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE) page?: number;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

export interface PlanView {
  id: string;
  year: number;
  name: string;
  timezone: string;
  status: PlanStatus;
  warnWorkingDays: number;
  signForWorkingDays: number | null;
  sequentialSubmission: boolean;
  createdAt: string;
  /**
   * On creation only: the plan's year has no holiday calendar (shipped or imported), so its deadlines
   * follow plain weekends — e.g. { code: 'calendar.unknownYear', year: 2017, message: '2017 年无节假日历，按周末计算' }.
   */
  warnings?: CalendarGap[];
}

export interface GroupView {
  id: string;
  planId: string;
  name: string;
  kind: string;
  unitIds: string[];
}
