import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { JOB_KINDS, JOB_STATUSES, type JobKind, type JobStatus } from './job.entity.js';

export class JobQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JOB_KINDS, example: 'close' }) @IsOptional() @IsIn(JOB_KINDS as unknown as string[]) kind?: JobKind;
  @ApiPropertyOptional({ enum: JOB_STATUSES, example: 'running' }) @IsOptional() @IsIn(JOB_STATUSES as unknown as string[]) status?: JobStatus;
  @ApiPropertyOptional({ example: 'plan-2026' }) @IsOptional() @IsString() @MaxLength(64) planId?: string;
}

export class JobErrorView {
  @ApiProperty({ example: 'SCORING_NOT_CONFIGURED' }) code: string;
  @ApiProperty({ description: 'zh-CN, for people', example: '该考核方案的计分设置尚未完成或无法计分，请先完成计分设置' }) message: string;
  @ApiPropertyOptional({ description: 'English developer text (logs)', example: 'plan plan-2026 has no scoring set-up yet' }) detail?: string;
  @ApiPropertyOptional({ description: 'the error’s details, as a refused request would carry them' }) details?: Record<string, unknown>;
}

export class JobActorView {
  @ApiProperty({ nullable: true, type: String, example: 'b0c1…' }) userId: string | null;
  @ApiProperty({ example: 'supervisor' }) role: string;
  @ApiProperty({ nullable: true, type: String, example: 'supervisor' }) username: string | null;
}

export class JobView {
  @ApiProperty({ example: '01936f8e-…' }) id: string;
  @ApiProperty({ enum: JOB_KINDS, example: 'close' }) kind: JobKind;
  @ApiProperty({ nullable: true, type: String, example: 'plan-2026' }) planId: string | null;
  @ApiProperty({ enum: JOB_STATUSES, example: 'running' }) status: JobStatus;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'close: closing-tasks → scoring-tasks → writing-run; sweep: sweeping; import: parsing, comparing, writing; verify: chains, replay, evidence',
    example: 'scoring-tasks',
  })
  phase: string | null;
  @ApiProperty({ description: 'units done in this phase', example: 4200 }) done: number;
  @ApiProperty({ description: 'units in this phase', example: 9700 }) total: number;
  @ApiProperty({ description: '0–100, of this phase', example: 43 }) percent: number;
  @ApiProperty({ description: 'what it was started with', example: { status: 'closed' } }) params: Record<string, unknown>;
  @ApiPropertyOptional({
    description: 'when succeeded: what the operation returns (close: the plan; sweep: the sweep report; verify: the report; import: the report)',
    nullable: true,
  })
  result: unknown;
  @ApiProperty({ type: JobErrorView, nullable: true }) error: JobErrorView | null;
  @ApiProperty({ type: JobActorView }) startedBy: JobActorView;
  @ApiProperty({ example: '2026-12-31T08:00:00.000Z' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
}

export class JobPage {
  @ApiProperty({ type: [JobView] }) items: JobView[];
  @ApiProperty({ example: 1 }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 20 }) pageSize: number;
}

/** A job started with `Prefer: respond-async`: 202 with the job to poll (GET /jobs/{id}). */
export class JobAccepted {
  @ApiProperty({ example: '01936f8e-…' }) jobId: string;
  @ApiProperty({ example: '/jobs/01936f8e-…' }) location: string;
  @ApiProperty({ type: JobView }) job: JobView;
}
