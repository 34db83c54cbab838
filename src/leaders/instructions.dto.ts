import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { INSTRUCTION_KINDS, type InstructionKind } from './instructions.service.js';

export class RecordInstructionDto {
  @ApiPropertyOptional({ description: 'the unit (or give taskId: its unit)' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) unitId?: string;
  @ApiPropertyOptional({ description: 'one of the unit’s tasks in the plan' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) taskId?: string;
  @ApiProperty({ enum: INSTRUCTION_KINDS, description: 'praise 表扬 · criticism 批评 · instruction 指示' })
  @IsIn(INSTRUCTION_KINDS as unknown as string[])
  kind: InstructionKind;
  @ApiProperty({ example: '该项工作推进有力，予以表扬。' }) @IsString() @IsNotEmpty() @MaxLength(2000) text: string;
}

export class InstructionQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) unitId?: string;
}
