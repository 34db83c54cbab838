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
  async create(@Body() dto: CreateUnitDto): Promise<UnitView> {
    return await this.units.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List units' })
  async list(@Query() q: UnitQuery): Promise<Page<UnitView>> {
    return await this.units.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One unit' })
  async get(@Param('id') id: string): Promise<UnitView> {
    return await this.units.get(id);
  }
}
