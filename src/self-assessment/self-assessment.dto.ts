import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { IsCalendarDate } from '../common/validators.js';
import { NOTE_MAX } from './self-assessment-rules.js';

export class WindowDto {
  @ApiProperty({ example: '2026-12-01', description: 'first day units may enter (00:00, plan zone)' }) @IsCalendarDate() opensOn: string;
  @ApiProperty({ example: '2026-12-15', description: 'last day (until 24:00, plan zone); after it everything is locked' }) @IsCalendarDate() closesOn: string;
}

export class ItemDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) indicatorId: string;
  @ApiProperty({ nullable: true, example: 9.5, description: '0 … the indicator points, two decimals at most; null clears it' })
  @ValidateIf((_o, v) => v !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100000)
  selfScore: number | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(NOTE_MAX) note?: string | null;
}

class Versioned {
  @ApiPropertyOptional({ description: 'the version you read: a concurrent change → 409' }) @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647) version?: number;
}

export class SaveDto extends Versioned {
  @ApiProperty({ type: [ItemDto] }) @IsArray() @ArrayMaxSize(2000) @ValidateNested({ each: true }) @Type(() => ItemDto) items: ItemDto[];
}

export class SubmitDto extends Versioned {
  @ApiProperty({ description: "the unit's head who signs it off: another active department user of the unit" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  signerUserId: string;
}

export class SignDto extends Versioned {}

export class ReturnDto extends Versioned {
  @ApiProperty({ example: '第3项自评分偏高，请核实后重报' }) @IsString() @IsNotEmpty() @MaxLength(2000) reason: string;
}
