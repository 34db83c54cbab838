import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { IsInstant } from '../common/validators.js';
import { SECURITY_KINDS } from './security-log.service.js';

export class SecurityLogQueryDto extends PageQuery {
  @ApiPropertyOptional({ enum: SECURITY_KINDS }) @IsOptional() @IsIn(SECURITY_KINDS as unknown as string[]) kind?: string;
  @ApiPropertyOptional({ description: 'The actor, or the user the event is about' }) @IsOptional() @IsString() @MaxLength(64) userId?: string;
  @ApiPropertyOptional({ example: '2026-03-01T00:00:00Z', description: 'From (inclusive), an instant with its time zone' })
  @IsOptional()
  @IsInstant()
  from?: string;
  @ApiPropertyOptional({ example: '2026-04-01T00:00:00Z', description: 'To (exclusive)' }) @IsOptional() @IsInstant() to?: string;
}
