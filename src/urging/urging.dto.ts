import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsInstant } from '../common/validators.js';
import { LEVELS, type UrgingLevel, type UrgingRule } from './urging-rules.js';

export class IssueNoticeDto {
  @ApiProperty({ enum: LEVELS, description: 'remind 提醒 · urge 催办 · supervise 督办' }) @IsIn(LEVELS as unknown as string[]) level: UrgingLevel;
  @ApiPropertyOptional({ description: 'the notice text; a standard text when absent' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(2000) text?: string;
  @ApiPropertyOptional({ description: '督办: reply by this instant (default: end of the 3rd working day)' }) @IsOptional() @IsInstant() replyBy?: string;
}

export class ReplyDto {
  @ApiProperty({ example: '已于今日补报证明材料。' }) @IsString() @IsNotEmpty() @MaxLength(2000) text: string;
}

export class RulesDto {
  @ApiProperty({
    example: [
      { level: 'remind', offsetWorkingDays: -3 },
      { level: 'urge', offsetWorkingDays: 0 },
      { level: 'supervise', offsetWorkingDays: 2, replyWorkingDays: 3 },
    ],
  })
  @IsArray()
  rules: UrgingRule[];
}

export class NoticeQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() planId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() unitId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() taskId?: string;
}

export class NoticeExportQuery {
  @ApiPropertyOptional({ enum: ['docx', 'pdf'], default: 'docx' }) @IsOptional() @IsIn(['docx', 'pdf']) format?: 'docx' | 'pdf';
}
