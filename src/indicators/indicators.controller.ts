import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import type { Page } from '../common/pagination.js';
import { CreateIndicatorDto, IndicatorQuery, type IndicatorView } from './indicators.dto.js';
import { IndicatorsService } from './indicators.service.js';

@ApiTags('structure')
@ApiBearerAuth()
@Controller('indicators')
export class IndicatorsController {
  constructor(private readonly indicators: IndicatorsService) {}

  @Post()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Create an indicator (指标) with its scoring method and target' })
  create(@Body() dto: CreateIndicatorDto): IndicatorView {
    return this.indicators.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List indicators (filter by plan, assessing unit)' })
  list(@Query() q: IndicatorQuery): Page<IndicatorView> {
    return this.indicators.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One indicator' })
  get(@Param('id') id: string): IndicatorView {
    return this.indicators.get(id);
  }
}
