import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';

export const UNIT_KINDS = ['town', 'park', 'department', 'office', 'other'] as const;

export class CreateUnitDto {
  @ApiPropertyOptional({ description: 'Id; generated when absent', example: 'unit-fgw' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  id?: string;
  @ApiProperty({ example: '县发展和改革局' }) @IsString() @IsNotEmpty() @MaxLength(100) name: string;
  @ApiProperty({ enum: UNIT_KINDS, example: 'department' }) @IsIn(UNIT_KINDS as unknown as string[]) kind: string;
  @ApiPropertyOptional({ type: [String], example: ['县发改局'] }) @IsOptional() @IsArray() @IsString({ each: true }) aliases?: string[];
}

export class UnitQuery extends PageQuery {
  @ApiPropertyOptional({ enum: UNIT_KINDS }) @IsOptional() @IsIn(UNIT_KINDS as unknown as string[]) kind?: string;
  @ApiPropertyOptional({ description: 'Search: part of the name, an alias or the id', example: '发改' }) @IsOptional() @IsString() @MaxLength(100) q?: string;
}

export interface UnitView {
  id: string;
  name: string;
  kind: string;
  aliases: string[];
  createdAt: string;
}
