import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { DatabaseService } from '../database/database.service.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly db: DatabaseService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Liveness and database check (no token needed)' })
  async health(): Promise<{ status: 'ok'; database: string; migrations: number }> {
    const migrations = ((await this.db.one('SELECT count(*) AS n FROM migrations')) as { n: number }).n;
    return { status: 'ok', database: this.db.dialect, migrations };
  }
}
