import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { IsInstant } from '../common/validators.js';

export class BoardQuery {
  @ApiProperty({ example: 'demo-2026' }) @IsString() @IsNotEmpty() planId: string;
}

export class BoardNodesQuery extends PageQuery {
  @ApiProperty({ example: 'demo-2026' }) @IsString() @IsNotEmpty() planId: string;
  @ApiProperty({ enum: ['red', 'yellow'] }) @IsIn(['red', 'yellow']) light: 'red' | 'yellow';
  @ApiPropertyOptional() @IsOptional() @IsString() unitId?: string;
}

export class DueSoonQuery extends PageQuery {
  @ApiPropertyOptional({ example: 7, default: 7, description: 'calendar days ahead' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() planId?: string;
}

export class ReviewQueueQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() planId?: string;
  @ApiPropertyOptional({ description: 'only overdue reviews' }) @IsOptional() @IsIn(['true', 'false']) overdue?: 'true' | 'false';
}

export class SweepDto {
  @ApiPropertyOptional({ description: 'Sweep as of this instant (default: now). Admins only may pass it, for drills.', example: '2026-06-30T16:00:00Z' })
  @IsOptional()
  @IsInstant()
  at?: string;
}
