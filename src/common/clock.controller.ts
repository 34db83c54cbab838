import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import { Clock, isManualClock } from './clock.js';
import { DomainError, ErrorCode } from './domain-error.js';
import { IsInstant } from './validators.js';

export class MoveClockDto {
  @ApiProperty({ description: 'The instant to move the drill clock to (forward only)', example: '2026-07-01T00:00:00Z' })
  @IsInstant()
  at!: string;
}

export interface ClockView {
  /** `manual`: the drill clock (演练时钟) — pages show a banner with this simulated time. */
  mode: 'system' | 'manual';
  now: string;
}

/** The one clock every event is stamped from (issue 10): read it; with DUBAN_CLOCK=manual an admin moves it forward. */
@ApiTags('clock')
@ApiBearerAuth()
@Controller('clock')
export class ClockController {
  constructor(private readonly clock: Clock) {}

  @Get()
  @ApiOperation({ summary: 'The server clock and its mode (manual = drill clock 演练时钟)' })
  get(): ClockView {
    return { mode: isManualClock(this.clock) ? 'manual' : 'system', now: this.clock.nowIso() };
  }

  @Post()
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Move the drill clock forward (DUBAN_CLOCK=manual only; backwards is refused)' })
  move(@Body() dto: MoveClockDto): ClockView {
    if (!isManualClock(this.clock)) {
      throw new DomainError(ErrorCode.EventNotAllowed, 'the clock can only be moved in a drill (DUBAN_CLOCK=manual)', {
        field: 'at',
        mode: 'system',
        message: '服务未以演练时钟启动（DUBAN_CLOCK=manual），时钟不能调整',
      });
    }
    const before = this.clock.nowIso();
    if (!this.clock.moveTo(dto.at)) {
      throw DomainError.validation([{ field: 'at', reason: `演练时钟只能向前调整（当前 ${before}）/ the drill clock only moves forward (now ${before})` }]);
    }
    return this.get();
  }
}
