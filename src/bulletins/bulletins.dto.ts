import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { MEASURES, type Measure } from './bulletin-compute.js';
import { FREQUENCIES, type Frequency } from './bulletin-periods.js';

export class CreateSeriesDto {
  @ApiProperty({ example: '月度通报' }) @IsString() @IsNotEmpty() @MaxLength(100) name: string;
  @ApiProperty({ enum: FREQUENCIES, example: 'monthly' }) @IsIn(FREQUENCIES as unknown as string[]) frequency: Frequency;
  @ApiProperty({ enum: MEASURES, example: 'red-nodes', description: 'what units are ranked by' }) @IsIn(MEASURES as unknown as string[]) measure: Measure;
  @ApiPropertyOptional({ default: 3, description: '先进榜（红榜）: how many best units per group' }) @IsOptional() @IsInt() @Min(0) @Max(50) topN?: number;
  @ApiPropertyOptional({ default: 3, description: '后进榜（黑榜）: how many worst units per group' }) @IsOptional() @IsInt() @Min(0) @Max(50) bottomN?: number;
  @ApiPropertyOptional({ default: 20, description: 'PDF: units per page' }) @IsOptional() @IsInt() @Min(1) @Max(40) rowsPerPage?: number;
  @ApiPropertyOptional({ example: '县委县政府督查室', description: 'masthead; default 绩效考评办公室' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(60)
  issuer?: string;
}

export class CreateBulletinDto {
  @ApiProperty({ example: '2026-06', description: 'the period in the series frequency: 2026-W23, 2026-06, 2026-Q2, 2026-H1, 2026' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10)
  period: string;
  @ApiPropertyOptional({ description: 'the office note printed under the summary' }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class UpdateBulletinDto {
  @ApiProperty({ nullable: true, description: 'the office note (a draft only)' }) @ValidateIf((_, v) => v !== null) @IsString() @MaxLength(2000) note:
    string | null;
}

export class ExportBulletinQuery {
  @ApiPropertyOptional({ enum: ['docx', 'pdf'], default: 'docx' }) @IsOptional() @IsIn(['docx', 'pdf']) format?: 'docx' | 'pdf';
}
