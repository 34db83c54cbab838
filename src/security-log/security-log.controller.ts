import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators.js';
import { SecurityLogQueryDto } from './security-log.dto.js';
import { SecurityLogService } from './security-log.service.js';

@ApiTags('security-log')
@ApiBearerAuth()
@Controller('security-log')
export class SecurityLogController {
  constructor(private readonly securityLog: SecurityLogService) {}

  @Get()
  @Roles('admin', 'auditor')
  @ApiOperation({
    summary:
      'The security log (安全审计日志), newest first: logins, lockouts, revocations, user and role changes, scoring set-up changes, exports, plan-wide reads by auditors',
  })
  list(@Query() q: SecurityLogQueryDto) {
    return this.securityLog.list(q);
  }

  @Get('verify')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Check the security log’s hash chain from the last prune’s recorded head (or the genesis)' })
  verify() {
    return this.securityLog.verify();
  }
}
