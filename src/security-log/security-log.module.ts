import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { SecurityLogController } from './security-log.controller.js';
import { SecurityLogService } from './security-log.service.js';
import { SecurityLogInterceptor } from './security-logged.js';

/** Global: the auth module records logins and user changes here; any controller may mark a handler @SecurityLogged. */
@Global()
@Module({
  controllers: [SecurityLogController],
  providers: [SecurityLogService, { provide: APP_INTERCEPTOR, useClass: SecurityLogInterceptor }],
  exports: [SecurityLogService],
})
export class SecurityLogModule {}
