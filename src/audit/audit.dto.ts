import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, registerDecorator, type ValidationOptions } from 'class-validator';
import { DateTime } from 'luxon';
import { PageQuery } from '../common/pagination.js';
import { MAX_YEAR, MIN_YEAR } from '../common/validators.js';
import { EXPORT_FORMATS } from './export.service.js';

const BOOL = ['true', 'false'];

const saneYear = (d: DateTime) => d.isValid && d.year >= MIN_YEAR && d.year <= MAX_YEAR;

/** A calendar date (YYYY-MM-DD, the end of that day in the plan's zone) or an ISO-8601 instant with a zone. */
export function IsDateOrInstant(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isDateOrInstant',
      target: object.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be a date written YYYY-MM-DD or an ISO-8601 date-time with a zone, e.g. 2026-06-30T23:59:59+08:00, between ${MIN_YEAR} and ${MAX_YEAR}`,
        ...options,
      },
      validator: {
        validate: (v: unknown) =>
          typeof v === 'string' &&
          v.length <= 40 &&
          ((/^\d{4}-\d{2}-\d{2}$/.test(v) && saneYear(DateTime.fromISO(v))) ||
            (/T.*(Z|[+-]\d{2}:?\d{2})$/.test(v) && saneYear(DateTime.fromISO(v, { setZone: true })))),
      },
    });
}

export class ReplayQuery {
  @ApiPropertyOptional({ enum: BOOL, default: 'true', description: 'false leaves the step list out (the verdict and any divergence stay)' })
  @IsOptional()
  @IsIn(BOOL)
  steps?: string;
}

export class AsOfQuery {
  @ApiProperty({ example: '2026-06-30', description: 'A date (end of that day in the plan’s time zone) or an instant (2026-06-30T12:00:00+08:00)' })
  @IsDateOrInstant()
  at: string;
}

export class BoardAsOfQuery {
  @ApiProperty({ example: '2026-06-30', description: 'A date (end of that day in the plan’s time zone) or an instant' })
  @IsDateOrInstant()
  asOf: string;
}

export class VerifyQuery {
  @ApiPropertyOptional({ description: 'Only this plan’s tasks (the checkpoint chain is always checked whole)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  planId?: string;
  @ApiPropertyOptional({ enum: BOOL, default: 'false', description: 'Also replay every task through the machine' })
  @IsOptional()
  @IsIn(BOOL)
  replay?: string;
  @ApiPropertyOptional({ enum: BOOL, default: 'true', description: 'Hash every evidence file' })
  @IsOptional()
  @IsIn(BOOL)
  evidence?: string;
  @ApiPropertyOptional({ description: 'A root published earlier; it must still be in the checkpoint chain', example: 'a3f1…(64 hex)' })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'root must be 64 lowercase hex characters' })
  root?: string;
}

export class ExportQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'jsonl' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS as unknown as string[])
  format?: string;
}

export class CheckpointListQuery extends PageQuery {}

/** POST /audit/checkpoints takes no fields. */
export class CreateCheckpointBody {}
