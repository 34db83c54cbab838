import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../common/pagination.js';

const MAX_SIZE = 2 ** 50;
const HEX64 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const KEY = 'MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=';
const SIG = 'kQ7Cz0…(88 base64 characters)';

export class HeadListQuery extends PageQuery {}

export class InclusionQuery {
  @ApiPropertyOptional({ description: 'The event’s id (task_events.id; the history lists it)', example: 42 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SIZE)
  eventId?: number;
  @ApiPropertyOptional({ description: 'Or its log index', example: 41 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SIZE)
  logIndex?: number;
  @ApiPropertyOptional({ description: 'Or its task (with seq)', example: 't-2026-W1-fgw' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  taskId?: string;
  @ApiPropertyOptional({ description: 'The event’s seq in its task (with taskId)', example: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SIZE)
  seq?: number;
  @ApiPropertyOptional({ description: 'The signed tree head to prove against (its size); default the latest', example: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SIZE)
  treeSize?: number;
}

export class ConsistencyQuery {
  @ApiProperty({ description: 'The size of the earlier signed tree head', example: 1000 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SIZE)
  from: number;
  @ApiPropertyOptional({ description: 'The size of the later signed tree head; default the latest', example: 1500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SIZE)
  to?: number;
}

export class WitnessBody {
  @ApiProperty({ description: 'The witness’s Ed25519 public key: base64 of its SPKI DER', example: KEY })
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{40,200}={0,2}$/, { message: 'publicKey must be the base64 of an SPKI DER public key' })
  publicKey: string;
  @ApiProperty({ description: 'base64 Ed25519 signature of the head’s signedText', example: SIG })
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{80,100}={0,2}$/, { message: 'signature must be a base64 Ed25519 signature (64 bytes)' })
  signature: string;
}

export class WitnessView {
  @ApiProperty({ example: KEY }) witnessKey: string;
  @ApiProperty({ example: SIG }) signature: string;
  @ApiProperty({ example: '2026-12-07T08:00:00.000Z' }) receivedAt: string;
  @ApiProperty({ example: 'auditor' }) receivedBy: string;
}

export class TreeHeadView {
  @ApiProperty({ example: 1000 }) treeSize: number;
  @ApiProperty({ example: HEX64 }) rootHash: string;
  @ApiProperty({ example: '2026-12-07T08:00:00.000Z' }) timestamp: string;
  @ApiProperty({ example: KEY, description: 'The log’s Ed25519 public key (base64 SPKI DER)' }) publicKey: string;
  @ApiProperty({ example: SIG }) signature: string;
  @ApiProperty({ example: `duban-tree-head-v1|1000|${HEX64}|2026-12-07T08:00:00.000Z`, description: 'The exact ASCII text signed' }) signedText: string;
  @ApiProperty({ type: [WitnessView] }) witnesses: WitnessView[];
}

export class TreeHeadPageView {
  @ApiProperty({ type: [TreeHeadView] }) items: TreeHeadView[];
  @ApiProperty({ example: 12 }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 20 }) pageSize: number;
}

export class WitnessResultView {
  @ApiProperty({ type: TreeHeadView }) head: TreeHeadView;
  @ApiProperty({ description: 'false when this witness had already countersigned this head', example: true }) recorded: boolean;
}

export class InclusionView {
  @ApiProperty({ example: 41 }) logIndex: number;
  @ApiProperty({ example: 42 }) eventId: number;
  @ApiProperty({ example: 't-2026-W1-fgw' }) taskId: string;
  @ApiProperty({ example: 3 }) seq: number;
  @ApiProperty({ example: `{"hash":"${HEX64}","recordedAt":"2026-03-02T02:00:00.123Z","seq":3,"taskId":"t-2026-W1-fgw"}` }) leafData: string;
  @ApiProperty({ example: '7b2268617368223a…', description: 'leafData’s UTF-8 bytes in hex' }) leafDataHex: string;
  @ApiProperty({ example: HEX64, description: 'SHA-256(0x00 ‖ leaf data) as stored when the event was logged' }) leafHash: string;
  @ApiProperty({ example: 1000 }) treeSize: number;
  @ApiProperty({ example: HEX64 }) rootHash: string;
  @ApiProperty({ example: '2026-12-07T08:00:00.000Z' }) timestamp: string;
  @ApiProperty({ example: SIG }) signature: string;
  @ApiProperty({ example: KEY }) publicKey: string;
  @ApiProperty({ example: [HEX64], type: [String], description: 'RFC 6962 audit path, leaf to root' }) auditPath: string[];
}

export class ConsistencyView {
  @ApiProperty({ example: 1000 }) firstSize: number;
  @ApiProperty({ example: HEX64 }) firstRoot: string;
  @ApiProperty({ example: '2026-12-06T08:00:00.000Z' }) firstTimestamp: string;
  @ApiProperty({ example: SIG }) firstSignature: string;
  @ApiProperty({ example: 1500 }) secondSize: number;
  @ApiProperty({ example: HEX64 }) secondRoot: string;
  @ApiProperty({ example: '2026-12-07T08:00:00.000Z' }) secondTimestamp: string;
  @ApiProperty({ example: SIG }) secondSignature: string;
  @ApiProperty({ example: KEY }) publicKey: string;
  @ApiProperty({ example: [HEX64], type: [String], description: 'RFC 6962 consistency proof' }) proof: string[];
}
