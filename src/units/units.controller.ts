import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import type { Page } from '../common/pagination.js';
import { CreateUnitDto, UnitQuery, type UnitView } from './units.dto.js';
import { UnitsService } from './units.service.js';

@ApiTags('structure')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  @Post()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Create a unit (单位)' })
  create(@Body() dto: CreateUnitDto): UnitView {
    return this.units.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List units' })
  list(@Query() q: UnitQuery): Page<UnitView> {
    return this.units.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One unit' })
  get(@Param('id') id: string): UnitView {
    return this.units.get(id);
  }
}

