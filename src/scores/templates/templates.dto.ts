import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';

const finite = { allowNaN: false, allowInfinity: false } as const;
export const CATALOGUE_KINDS = ['bonus', 'deduction', 'negative_list', 'veto'] as const;

export class CreateTemplateDto {
  @ApiProperty({
    description: 'The plan template (PlanTemplate: id, name, evaluators, adjustments, groups); validated as a whole, errors name template.<path>',
  })
  @IsObject()
  template: Record<string, unknown>;
  @ApiPropertyOptional({ example: '按2026年考核办法制定' }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

export class UpdateTemplateDto extends CreateTemplateDto {
  @ApiPropertyOptional({ description: 'The version the edit was made on: a newer one exists → 409 VERSION_CONFLICT' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class CopyTemplateDto {
  @ApiProperty({ example: 'xian-2026-towns' }) @IsString() @IsNotEmpty() @MaxLength(64) newId: string;
  @ApiPropertyOptional({ example: '2026年度镇街考核模板' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ description: 'Which version to copy (default the newest)' }) @IsOptional() @IsInt() @Min(1) version?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

export class RetireTemplateDto {
  @ApiProperty({ example: '已被2027年模板取代' }) @IsString() @IsNotEmpty() @MaxLength(1000) reason: string;
}

export class TemplateQuery {
  // Bounded: 99999999999999999999 is an integer to class-validator and reached the integer column (PostgreSQL: 500).
  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000_000) version?: number;
}

export class TemplateListQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'] }) @IsOptional() @IsIn(['true', 'false']) includeRetired?: 'true' | 'false';
}

export class ParseCatalogueDto {
  @ApiProperty({ enum: CATALOGUE_KINDS }) @IsIn(CATALOGUE_KINDS as unknown as string[]) kind: (typeof CATALOGUE_KINDS)[number];
  @ApiPropertyOptional({ description: 'Pasted text, one item per line ("1. …的，扣0.5分")' })
  @ValidateIf((o: ParseCatalogueDto) => o.lines === undefined)
  @IsString()
  @MaxLength(200_000)
  text?: string;
  @ApiPropertyOptional({ type: [String], description: 'Lines of a table column (one item per entry), instead of text' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @IsString({ each: true })
  @MaxLength(5000, { each: true })
  lines?: string[];
}

export class SaveCatalogueDto {
  @ApiPropertyOptional() @ValidateIf((o: SaveCatalogueDto) => o.lines === undefined) @IsString() @MaxLength(200_000) text?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5000)
  @IsString({ each: true })
  @MaxLength(5000, { each: true })
  lines?: string[];
  @ApiPropertyOptional({ enum: ['replace', 'append'], default: 'replace' }) @IsOptional() @IsIn(['replace', 'append']) mode?: 'replace' | 'append';
  @ApiPropertyOptional({ description: 'The section’s total cap (null: uncapped); default: a cap line of the text, else the current one' })
  @IsOptional()
  @IsNumber(finite)
  @Min(0)
  totalCap?: number | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) note?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}
