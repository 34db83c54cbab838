import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
  Max,
} from 'class-validator';

const finite = { allowNaN: false, allowInfinity: false } as const;

export class GroupTemplateDto {
  @ApiProperty({ example: 'b3c1…' }) @IsString() @IsNotEmpty() groupId: string;
  @ApiProperty({ example: 'towns', description: 'Key of a group of the plan template' }) @IsString() @IsNotEmpty() @MaxLength(64) template: string;
}

export class IndicatorRuleDto {
  @ApiProperty({ example: 'a1b2…' }) @IsString() @IsNotEmpty() indicatorId: string;
  @ApiPropertyOptional({ example: 'common', description: 'Which indicators part of the composition it feeds (e.g. individual / common)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  tag?: string;
  @ApiPropertyOptional({ enum: ['exclude', 'group_average'], description: 'Overrides the group rule for units that do not carry it' })
  @IsOptional()
  @IsIn(['exclude', 'group_average'])
  whenAbsent?: 'exclude' | 'group_average';
}

export class ScoringConfigDto {
  @ApiProperty({ example: 'county-towns', description: 'A plan template of config/plan-templates' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  templateId: string;
  @ApiPropertyOptional({
    type: [GroupTemplateDto],
    description: 'Template group per plan group; default: the group whose key is the plan group’s kind or whose name is its name',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => GroupTemplateDto)
  groups?: GroupTemplateDto[];
  @ApiPropertyOptional({ type: [IndicatorRuleDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => IndicatorRuleDto)
  indicators?: IndicatorRuleDto[];
}

export const SCORE_SOURCES = ['live', 'frozen'] as const;
export type ScoreSource = (typeof SCORE_SOURCES)[number];

export class ScoresQuery {
  @ApiPropertyOptional({
    enum: SCORE_SOURCES,
    description: 'live: computed now from the current state (provisional); frozen: the newest frozen run. Default: frozen once the plan has one',
  })
  @IsOptional()
  @IsIn(SCORE_SOURCES as unknown as string[])
  source?: ScoreSource;
  @ApiPropertyOptional({ description: 'A particular frozen run (implies source=frozen)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  runId?: number;
  @ApiPropertyOptional({ enum: ['summary', 'full'], default: 'summary', description: 'full: every unit’s whole breakdown too' })
  @IsOptional()
  @IsIn(['summary', 'full'])
  detail?: 'summary' | 'full';
}

export class ScoreSourceQuery {
  @ApiPropertyOptional({ enum: SCORE_SOURCES }) @IsOptional() @IsIn(SCORE_SOURCES as unknown as string[]) source?: ScoreSource;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647) runId?: number;
}

export class ExportQuery extends ScoreSourceQuery {
  @ApiPropertyOptional({ enum: ['xlsx', 'csv'], default: 'xlsx' }) @IsOptional() @IsIn(['xlsx', 'csv']) format?: 'xlsx' | 'csv';
  @ApiPropertyOptional({ enum: ['summary', 'breakdown'], default: 'summary', description: 'CSV only: the score sheet or the breakdown' })
  @IsOptional()
  @IsIn(['summary', 'breakdown'])
  sheet?: 'summary' | 'breakdown';
}

export class BallotEntryDto {
  @ApiProperty({ example: 'unit-hqz' }) @IsString() @IsNotEmpty() unitId: string;
  @ApiPropertyOptional({ example: '优秀', description: 'For grade ballots' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(32) grade?: string;
  @ApiPropertyOptional({ example: 92, description: 'For score ballots' }) @IsOptional() @IsNumber(finite) score?: number;
}

export class BallotDto {
  @ApiProperty({ example: 'b3c1…', description: 'The group whose units are rated' }) @IsString() @IsNotEmpty() groupId: string;
  @ApiProperty({ example: 'leaders', description: 'Evaluator kind: a key of the template’s evaluators (leaders, office, peers)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  evaluator: string;
  @ApiPropertyOptional({ example: '县长', description: 'Who rated (a leader, the office…). Supervisors must give it; a department’s is its unit' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  evaluatorId?: string;
  @ApiPropertyOptional({ example: 'unit-fgw', description: 'The evaluator’s own unit (never rated on its ballot); a department’s is its unit' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  evaluatorUnitId?: string;
  @ApiProperty({ type: [BallotEntryDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => BallotEntryDto)
  entries: BallotEntryDto[];
}

export class BallotQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Include superseded ballots' }) @IsOptional() @IsIn(['true', 'false']) all?: string;
}

export const UNIT_EVENT_TYPES = ['bonus', 'deduction', 'negative_list', 'veto'] as const;

export class UnitEventDto {
  @ApiProperty({ example: 'unit-hqz' }) @IsString() @IsNotEmpty() unitId: string;
  @ApiProperty({ enum: UNIT_EVENT_TYPES, example: 'bonus' }) @IsIn(UNIT_EVENT_TYPES as unknown as string[]) type: (typeof UNIT_EVENT_TYPES)[number];
  @ApiProperty({ example: 'national_comprehensive_commendation', description: 'An item key of the plan template’s catalogue' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  item: string;
  @ApiPropertyOptional({ example: 1, description: 'Points of this occurrence; default: the item’s' })
  @ValidateIf((o: UnitEventDto) => o.points !== undefined)
  @IsNumber(finite)
  @Min(0)
  points?: number;
  @ApiPropertyOptional({ example: '国务院通报表彰（国发〔2026〕3号）' }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class UnitEventQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() unitId?: string;
}

export class ReasonDto {
  @ApiProperty({ example: '市审计局通报撤销，更正负面清单扣分' }) @IsString() @IsNotEmpty() @MaxLength(2000) reason: string;
}
