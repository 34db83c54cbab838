import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsIn, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../common/pagination.js';

/** Scoring method codes (docs/scoring.md); the importer maps Chinese method names onto these. */
export const METHOD_CODES = ['ratio', 'all_or_nothing', 'direct', 'node_platform', 'node_deduction', 'efficacy'] as const;

export class CreateIndicatorDto {
  @ApiProperty({ example: 'plan-2026' }) @IsString() @IsNotEmpty() planId: string;
  @ApiProperty({ example: 'A-01', description: 'Stable key within the plan (序号)' }) @IsString() @IsNotEmpty() @MaxLength(64) code: string;
  @ApiPropertyOptional({ type: [String], example: ['经济发展', '固定资产投资'] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  categoryPath?: string[];
  @ApiProperty({ example: '固定资产投资增长' }) @IsString() @IsNotEmpty() @MaxLength(500) name: string;
  @ApiProperty({ example: 10 }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) points: number;
  @ApiProperty({ enum: METHOD_CODES, example: 'ratio' }) @IsIn(METHOD_CODES as unknown as string[]) methodCode: string;
  @ApiPropertyOptional({ example: {}, description: 'Method parameters (see the scoring docs)' })
  @IsOptional()
  @IsObject()
  methodParams?: Record<string, unknown>;
  @ApiPropertyOptional({ example: 20 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) targetValue?: number;
  @ApiPropertyOptional({ example: '亿元' }) @IsOptional() @IsString() @MaxLength(32) targetUnit?: string;
  @ApiPropertyOptional({ enum: ['higher', 'lower'], default: 'higher' }) @IsOptional() @IsIn(['higher', 'lower']) direction?: string;
  @ApiPropertyOptional({ example: '全年完成20亿元' }) @IsOptional() @IsString() @MaxLength(2000) targetText?: string;
  @ApiPropertyOptional({ example: 'unit-tjj', description: 'The assessing body (考核主体)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  assessingUnitId?: string;
  @ApiPropertyOptional({ description: 'Sequential submission for this indicator (node k+1 only after node k is approved); absent: the plan’s setting' })
  @IsOptional()
  @IsBoolean()
  sequentialSubmission?: boolean;
}

export class IndicatorQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() planId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() assessingUnitId?: string;
  @ApiPropertyOptional({ description: 'Search: part of the name or the code', example: '投资' }) @IsOptional() @IsString() @MaxLength(100) q?: string;
  @ApiPropertyOptional({ description: 'Only indicators scored by this method' }) @IsOptional() @IsString() methodCode?: string;
}

export interface IndicatorView {
  id: string;
  planId: string;
  code: string;
  categoryPath: string[];
  name: string;
  points: number;
  methodCode: string;
  methodParams: Record<string, unknown>;
  targetValue: number | null;
  targetUnit: string | null;
  direction: string;
  targetText: string | null;
  assessingUnitId: string | null;
  sequentialSubmission: boolean | null;
  createdAt: string;
}
