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
  async create(@Body() dto: CreateIndicatorDto): Promise<IndicatorView> {
    return await this.indicators.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List indicators (filter by plan, assessing unit)' })
  async list(@Query() q: IndicatorQuery): Promise<Page<IndicatorView>> {
    return await this.indicators.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One indicator' })
  async get(@Param('id') id: string): Promise<IndicatorView> {
    return await this.indicators.get(id);
  }
}
